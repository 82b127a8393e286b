/**
 * The restore drill: the newest complete set restored into throwaway targets (lake
 * `restore-drill-<set>/` in the target bucket, database `<db>_drill_<set>` on the drill's server),
 * verified (sizes, ETags, a sampled SHA-256, row counts), then the throwaways deleted — whatever the
 * outcome — and, when it passed, `verifiedRestoreAt` recorded on the set's set.json.
 *
 * In a versioned target bucket (a versioned lake) a plain delete would only hide the scratch copy
 * behind delete markers and leave every object it restored as a noncurrent version; there the
 * clean-up deletes every version and delete marker under the drill's own prefix (and nowhere else).
 */
import { DeleteObjectsCommand, type ObjectIdentifier } from '@aws-sdk/client-s3';
import { bucketVersioning, eachVersion, writeSetRecord } from '../backup/store.js';
import { listAll } from './s3.js';
import { databaseExists, dropDatabase, pgServer, restoredDatabaseName } from './postgres.js';
import { defaultTargetPrefix } from './settings.js';
import { runRestore, type RestoreReport } from './restore.js';
import type { RestoreSettings } from './settings.js';
import type { RestorePorts } from './plan.js';
import type { SetSource } from './set.js';
import { readVerifiedManifest, resolveSet } from './set.js';

export interface DrillOutcome {
  report: RestoreReport;
  /** `<set> <ISO date>` when the drill passed. */
  lastVerifiedRestore?: string;
  /** What was deleted afterwards (or left behind, when deleting failed). */
  cleanup: string[];
}

export async function runDrill(
  settings: RestoreSettings,
  source: SetSource,
  ports: RestorePorts,
): Promise<DrillOutcome> {
  const drillSettings: RestoreSettings = { ...settings, drill: true, confirmed: true, target: 'new' };
  let pinned = drillSettings;
  let stale: string[] = [];
  try {
    // pin the set, and remove what a drill of it that was killed half way left behind (only the
    // drill's own names: restore-drill-<set>/ and <db>_drill_<set>), so the plan finds them free
    const set = await resolveSet(source, settings.backupSet);
    pinned = { ...drillSettings, backupSet: set.id };
    const manifest = await readVerifiedManifest(source, set.id);
    const targetBucket = settings.lake.targetBucket ?? manifest.plan.lakeBucket;
    stale = await removeThrowaways(
      {
        lake:
          targetBucket && manifest.lake.entries.length
            ? { targetBucket, targetPrefix: defaultTargetPrefix(set.id, true) }
            : undefined,
        dumps: manifest.database
          .filter((d) => d.kind === 'pg_dump')
          .map((d) => ({ database: restoredDatabaseName(d.database, set.id, true) })),
      },
      settings,
      ports,
      { onlyWhenPresent: true },
    );
  } catch {
    /* runRestore reports the refusal */
  }
  const { report, plan } = await runRestore(pinned, source, ports);
  const cleanup = [
    ...stale.map((line) => `before: ${line}`),
    ...(plan
      ? await removeThrowaways(
          {
            lake: plan.lake,
            dumps: plan.dumps.filter((d) => !d.inPlace).map((d) => ({ database: d.targetDatabase })),
          },
          settings,
          ports,
        )
      : []),
  ];
  report.drill = { cleanup };
  if (report.result !== 'restored' || !plan) return { report, cleanup };
  const at = new Date(ports.clock.now()).toISOString();
  await writeSetRecord(source, { ...plan.set, verifiedRestoreAt: at });
  report.drill.lastVerifiedRestore = `${plan.setId} ${at}`;
  return { report, lastVerifiedRestore: report.drill.lastVerifiedRestore, cleanup };
}

async function removeThrowaways(
  targets: { lake?: { targetBucket: string; targetPrefix: string }; dumps: Array<{ database: string }> },
  settings: RestoreSettings,
  ports: RestorePorts,
  options: { onlyWhenPresent?: boolean } = {},
): Promise<string[]> {
  const out: string[] = [];
  if (targets.lake && targets.lake.targetPrefix.startsWith('restore-drill-')) {
    const { targetBucket, targetPrefix } = targets.lake;
    try {
      const versioned = (await bucketVersioning(ports.s3, targetBucket)) !== undefined;
      const objects: ObjectIdentifier[] = [];
      if (versioned)
        await eachVersion(ports.s3, targetBucket, targetPrefix, (v) =>
          objects.push({ Key: v.key, VersionId: v.versionId }),
        );
      else for (const Key of (await listAll(ports.s3, targetBucket, targetPrefix)).keys()) objects.push({ Key });
      for (let i = 0; i < objects.length; i += 1000) {
        const answer = await ports.s3.send(
          new DeleteObjectsCommand({
            Bucket: targetBucket,
            Delete: { Objects: objects.slice(i, i + 1000), Quiet: true },
          }),
        );
        const failed = answer.Errors ?? [];
        if (failed.length)
          throw new Error(
            `${failed.length} deletes failed (first: ${failed[0]!.Key}${failed[0]!.VersionId ? ` version ${failed[0]!.VersionId}` : ''}: ${failed[0]!.Code})`,
          );
      }
      if (objects.length || !options.onlyWhenPresent)
        out.push(
          versioned
            ? `deleted ${objects.length} object versions and delete markers under s3://${targetBucket}/${targetPrefix} (a versioned bucket: nothing left behind)`
            : `deleted ${objects.length} objects under s3://${targetBucket}/${targetPrefix}`,
        );
    } catch (error) {
      out.push(`could not delete s3://${targetBucket}/${targetPrefix}: ${(error as Error).message}`);
    }
  }
  if (settings.databaseUrl) {
    const server = pgServer(settings.databaseUrl, ports.env);
    for (const { database } of targets.dumps) {
      if (!database.includes('_drill_')) continue;
      try {
        if (options.onlyWhenPresent && !(await databaseExists(ports.exec, server, database))) continue;
        await dropDatabase(ports.exec, server, database);
        out.push(`dropped database '${database}' on ${server.where}`);
      } catch (error) {
        out.push(`could not drop '${database}' on ${server.where}: ${(error as Error).message}`);
      }
    }
  }
  for (const line of out) ports.logger.info(`drill clean-up: ${line}`);
  return out;
}
