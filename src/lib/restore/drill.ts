/**
 * The restore drill: the newest complete set restored into throwaway targets (lake
 * `restore-drill-<set>/` in the target bucket, database `<db>_drill_<set>` on the drill's server),
 * verified (sizes, ETags, a sampled SHA-256, row counts), then the throwaways deleted — whatever the
 * outcome — and, when it passed, `verifiedRestoreAt` recorded on the set's set.json.
 */
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { writeSetRecord } from '../backup/store.js';
import { listAll } from './s3.js';
import { dropDatabase, pgServer } from './postgres.js';
import { runRestore, type RestoreReport } from './restore.js';
import type { RestoreSettings } from './settings.js';
import type { RestorePlan, RestorePorts } from './plan.js';
import type { SetSource } from './set.js';
import { resolveSet } from './set.js';

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
  try {
    // pin the set, so the throwaway names are known before the restore and a retry cleans them
    const set = await resolveSet(source, settings.backupSet);
    pinned = { ...drillSettings, backupSet: set.id };
  } catch {
    /* runRestore reports the refusal */
  }
  const { report, plan } = await runRestore(pinned, source, ports);
  const cleanup = plan ? await removeThrowaways(plan, settings, ports) : [];
  report.drill = { cleanup };
  if (report.result !== 'restored' || !plan) return { report, cleanup };
  const at = new Date(ports.clock.now()).toISOString();
  await writeSetRecord(source, { ...plan.set, verifiedRestoreAt: at });
  report.drill.lastVerifiedRestore = `${plan.setId} ${at}`;
  return { report, lastVerifiedRestore: report.drill.lastVerifiedRestore, cleanup };
}

async function removeThrowaways(plan: RestorePlan, settings: RestoreSettings, ports: RestorePorts): Promise<string[]> {
  const out: string[] = [];
  if (plan.lake && plan.lake.targetPrefix.startsWith('restore-drill-')) {
    const { targetBucket, targetPrefix } = plan.lake;
    try {
      const keys = [...(await listAll(ports.s3, targetBucket, targetPrefix)).keys()];
      for (let i = 0; i < keys.length; i += 1000)
        await ports.s3.send(
          new DeleteObjectsCommand({
            Bucket: targetBucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
      out.push(`deleted ${keys.length} objects under s3://${targetBucket}/${targetPrefix}`);
    } catch (error) {
      out.push(`could not delete s3://${targetBucket}/${targetPrefix}: ${(error as Error).message}`);
    }
  }
  if (settings.databaseUrl)
    for (const d of plan.dumps) {
      if (d.inPlace) continue;
      try {
        await dropDatabase(ports.exec, pgServer(settings.databaseUrl, ports.env), d.targetDatabase);
        out.push(`dropped database '${d.targetDatabase}' on ${d.server}`);
      } catch (error) {
        out.push(`could not drop '${d.targetDatabase}' on ${d.server}: ${(error as Error).message}`);
      }
    }
  for (const line of out) ports.logger.info(`drill clean-up: ${line}`);
  return out;
}
