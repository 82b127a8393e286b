/**
 * The backup run: begin (guard on the lake listing, create or resume the set, database first), lake
 * (one shard's server-side copy, or all of it), finish (cluster objects, merge the parts, guard again
 * on what the set holds, verify, manifest, `complete` only when verification found nothing, then
 * retention and freshness). `all` is the three in one process. A dry run lists and decides everything
 * and writes nothing. The run never deletes anything because the source lost it: only retention
 * deletes, only sets it decided to drop, only after this run's set is complete.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Clock } from '../runtime/clock.js';
import { objectLockAt } from './plan.js';
import type { Exec } from '../runtime/exec.js';
import type { Logger } from '../runtime/logger.js';
import { GateFailure, errorLine } from '../runtime/errors.js';
import type { KubeLease } from '../kube/clients.js';
import type { DeployNotice } from '../notify/notify.js';
import { setIdAt, setIdTime } from './layout.js';
import {
  backupStore,
  listKeys,
  listSets,
  readJson,
  readManifest,
  writeJson,
  writeManifest,
  writeSetRecord,
  type BackupStore,
} from './store.js';
import { backupLake, copyMatches, listCopies, listLake, mergeParts, type LakeSource } from './lake.js';
import { checkSource } from './guards.js';
import { verifyLake } from './verify.js';
import { dumpPostgres } from './database.js';
import { freshness, planRetention, rdsRetention } from './retention.js';
import { sweep } from './sweep.js';
import { backupCluster } from './cluster.js';
import { deleteRdsSnapshot, listRdsSnapshots, snapshotRds } from './rds.js';
import type { BackupPhase, BackupSettings } from './settings.js';
import type {
  BackupManifest,
  ClusterRecord,
  DatabaseRecord,
  LakeEntry,
  LakePart,
  SetId,
  SetLock,
  SetRecord,
  SetState,
  Verification,
} from './types.js';

export interface BackupDeps {
  /** S3 client for the backup bucket (and the lake, unless `lakeS3`). */
  s3: S3Client;
  lakeS3?: S3Client;
  /** RDS client, asked for only when the plan has an RDS instance. */
  rds?: () => RDSClient;
  /** A Kubernetes client, asked for only when the plan backs up the cluster's objects. */
  kube?: () => Promise<KubeLease>;
  exec: Exec;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  /** Slack/PagerDuty (notify.ts) — failures, and a success that resolves an open incident. */
  notify?: (notice: DeployNotice) => Promise<unknown>;
}

export interface LakeTotals {
  objects: number;
  bytes: number;
  /** Objects (and bytes) this run copied; the rest were already in the store. */
  copied: number;
  copiedBytes: number;
  excluded: number;
  /** With the plan's Object Lock: the set's retention and what became of the reused copies' retention. */
  objectLock?: SetLock & { extended: number; alreadyLocked: number };
}

export interface RetentionOutcome {
  keep: SetId[];
  remove: Array<{ id: SetId; reason: string }>;
  deletedSets: SetId[];
  deletedObjects: number;
  /** RDS manual snapshots deleted with their sets. */
  rdsSnapshotsDeleted?: string[];
  dryRun: boolean;
}

export interface BackupResult {
  environment: string;
  phase: BackupPhase;
  dryRun: boolean;
  setId?: SetId;
  /** The set's state after this run ('incomplete' after begin or lake); 'planned' for a dry run. */
  state: SetState | 'planned' | 'none';
  resumed: boolean;
  overrides: string[];
  database: DatabaseRecord[];
  lake?: LakeTotals;
  cluster?: ClusterRecord;
  verification?: Verification;
  retention?: RetentionOutcome;
  freshness?: { lastComplete?: SetId; ageHours?: number; maxAgeHours: number; fresh: boolean };
  /** What a dry run would do, one line each. */
  plan: string[];
  /** The reason the run failed, one line; absent when it succeeded. */
  failure?: string;
}

const HOUR = 3_600_000;

export async function runBackup(settings: BackupSettings, deps: BackupDeps): Promise<BackupResult> {
  const { plan, phase } = settings;
  const { logger } = deps;
  const store = backupStore(deps.s3, plan.backupBucket, plan.prefix);
  const source: LakeSource | undefined = plan.lake
    ? {
        s3: deps.lakeS3 ?? deps.s3,
        bucket: plan.lake.bucket,
        prefixes: plan.lake.prefixes,
        exclude: plan.lake.exclude,
      }
    : undefined;
  const result: BackupResult = {
    environment: settings.environment,
    phase,
    dryRun: settings.dryRun,
    state: 'none',
    resumed: false,
    overrides: [],
    database: [],
    plan: [],
    ...(settings.setId ? { setId: settings.setId } : {}),
  };
  const now = (): Date => new Date(deps.clock.now());
  /** Set once finish has started: a failure from there on marks the set failed, not incomplete. */
  let finishing = false;

  try {
    if (settings.dryRun) {
      await dryRun(settings, deps, store, source, result);
    } else {
      if (phase === 'all' || phase === 'begin') await begin(settings, deps, store, source, result);
      if (phase === 'all' || phase === 'lake') await lake(settings, deps, store, source, result);
      if (phase === 'all' || phase === 'finish') {
        finishing = true;
        await finish(settings, deps, store, source, result);
      }
    }
  } catch (error) {
    result.failure = errorLine(error);
    logger.warning(result.failure);
    // a set finish already marked failed (verification) keeps its own record
    if (finishing && result.setId && result.state === 'incomplete') {
      result.state = 'failed';
      await writeSetRecord(store, {
        ...(await setRecordOf(store, result.setId, settings, now())),
        state: 'failed',
        finishedAt: now().toISOString(),
        error: result.failure,
      }).catch((e: unknown) => logger.warning(`could not mark set ${result.setId} failed: ${errorLine(e)}`));
    }
  }

  // Freshness: every phase reports it; finish and all fail on it.
  try {
    const sets = await listSets(store);
    const f = freshness(sets, now(), plan.freshness.maxAgeHours);
    result.freshness = {
      ...(f.newestComplete ? { lastComplete: f.newestComplete } : {}),
      ...(f.ageHours !== undefined ? { ageHours: f.ageHours } : {}),
      maxAgeHours: plan.freshness.maxAgeHours,
      fresh: f.ok,
    };
    if (!f.ok && !result.failure && !settings.dryRun && (phase === 'finish' || phase === 'all'))
      result.failure = f.newestComplete
        ? `The last complete backup set (${f.newestComplete}) is ${Math.round(f.ageHours ?? 0)}h old, older than the plan's freshness.maxAgeHours (${plan.freshness.maxAgeHours}h).`
        : `There is no complete backup set of ${settings.environment} in s3://${plan.backupBucket}/${plan.prefix}.`;
  } catch (error) {
    logger.warning(`could not check freshness: ${errorLine(error)}`);
  }

  if (!settings.dryRun && deps.notify) {
    const base = {
      activity: 'backup' as const,
      environment: settings.environment,
      repository: settings.repository,
      ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
    };
    if (result.failure) {
      await deps.notify({
        ...base,
        event: 'failure',
        headline: `backup ${result.setId ? `set ${result.setId} ` : ''}failed: ${result.failure}`,
        details: {
          Phase: phase,
          ...(result.setId ? { Set: result.setId } : {}),
          ...(result.freshness?.lastComplete
            ? { 'Last complete set': `${result.freshness.lastComplete} (${ageText(result.freshness.ageHours)})` }
            : {}),
        },
      });
    } else if (result.state === 'complete') {
      await deps.notify({ ...base, event: 'success', headline: `backup set ${result.setId} complete` });
    }
  }
  return result;
}

/** The failure as the step's verdict (after the summary is written). */
export function backupFailure(result: BackupResult): GateFailure | undefined {
  return result.failure ? new GateFailure(result.failure) : undefined;
}

async function begin(
  settings: BackupSettings,
  deps: BackupDeps,
  store: BackupStore,
  source: LakeSource | undefined,
  result: BackupResult,
): Promise<void> {
  const { plan } = settings;
  const now = new Date(deps.clock.now());
  const sets = await listSets(store);
  // The guard runs first, on a listing of the whole lake: an empty or shrunken source fails before a
  // set exists and before anything is copied (finish checks again on what the set really holds).
  if (source) {
    const listed = await listLake(source);
    const override = guard(settings, listed.objects, await lastLake(store, sets));
    if (override) result.overrides.push(override);
  }
  const graceMs = plan.retention.incompleteGraceHours * HOUR;
  const resumable = sets
    .filter((s) => s.state === 'incomplete' && now.getTime() - setIdTime(s.id).getTime() < graceMs)
    .sort((a, b) => b.id.localeCompare(a.id))[0];
  const id = resumable?.id ?? setIdAt(now);
  result.setId = id;
  result.resumed = Boolean(resumable);
  result.state = 'incomplete';
  deps.logger.info(
    resumable
      ? `resuming incomplete set ${id} (younger than ${plan.retention.incompleteGraceHours}h): what it copied is not copied again`
      : `new backup set ${id}`,
  );
  await writeSetRecord(store, {
    ...(resumable ?? {}),
    ...(await setRecordOf(store, id, settings, now, resumable)),
    state: 'incomplete',
    ...(result.overrides.length ? { overrides: result.overrides } : {}),
  });

  // The database first, so every lake file it refers to is copied after it.
  if (plan.database.rds) {
    if (!deps.rds) throw new Error('the plan has an RDS instance but no RDS client was given');
    const record = await snapshotRds(
      deps.rds(),
      id,
      { instance: plan.database.rds.instance, minRetentionDays: plan.database.rds.minRetentionDays },
      { clock: deps.clock, logger: deps.logger },
    );
    // finish (maybe in another job) reads it back beside the dump records
    await writeJson(store, store.layout.set(id).dumpRecord(`rds-${record.instance}`), record);
    result.database.push(record);
  }
  if (plan.database.postgres) {
    if (!settings.databaseUrl) throw new Error('the plan has database.postgres but no database-url was given');
    const record = await dumpPostgres(
      store,
      id,
      { url: settings.databaseUrl, keyTables: plan.database.postgres.keyTables },
      { exec: deps.exec, env: deps.env, logger: deps.logger },
    );
    result.database.push(record);
  }
}

async function lake(
  settings: BackupSettings,
  deps: BackupDeps,
  store: BackupStore,
  source: LakeSource | undefined,
  result: BackupResult,
): Promise<void> {
  const id = result.setId!;
  if (settings.phase === 'lake') {
    const record = await readJson<SetRecord>(store, store.layout.set(id).record);
    if (!record)
      throw new GateFailure(
        `Backup set ${id} does not exist in s3://${store.bucket}/${store.layout.prefix}: run phase begin first.`,
      );
    if (record.state !== 'incomplete')
      throw new GateFailure(`Backup set ${id} is ${record.state}: only an incomplete set takes lake copies.`);
    result.state = 'incomplete';
  }
  if (!source || !settings.plan.lake) {
    deps.logger.info('the plan has no lake: nothing to copy');
    return;
  }
  const shard = settings.phase === 'lake' ? settings.shard : { index: 1, count: 1 };
  const part = await backupLake(
    store,
    id,
    source,
    {
      concurrency: settings.plan.lake.concurrency,
      ...(shard.count > 1 || settings.phase === 'lake' ? { shard } : {}),
      // the plan's Object Lock retention on every copy this run makes, and reused copies extended to it
      ...(settings.plan.objectLock ? { objectLock: objectLockAt(settings.plan, new Date(deps.clock.now())) } : {}),
      now: new Date(deps.clock.now()),
    },
    deps.logger,
  );
  result.lake = totals([part]);
  deps.logger.info(
    `lake${shard.count > 1 ? ` shard ${shard.index}/${shard.count}` : ''}: ${result.lake.objects} objects, ` +
      `${result.lake.copied} copied (${result.lake.copiedBytes} bytes), ${result.lake.objects - result.lake.copied} already in the store`,
  );
}

async function finish(
  settings: BackupSettings,
  deps: BackupDeps,
  store: BackupStore,
  source: LakeSource | undefined,
  result: BackupResult,
): Promise<void> {
  const { plan } = settings;
  const id = result.setId!;
  const keys = store.layout.set(id);
  const record = await readJson<SetRecord>(store, keys.record);
  if (!record)
    throw new GateFailure(
      `Backup set ${id} does not exist in s3://${store.bucket}/${store.layout.prefix}: run phase begin first.`,
    );
  if (record.state !== 'incomplete')
    throw new GateFailure(`Backup set ${id} is ${record.state}: only an incomplete set can be finished.`);
  result.state = 'incomplete';
  for (const o of record.overrides ?? []) if (!result.overrides.includes(o)) result.overrides.push(o);

  // The cluster's objects last.
  if (plan.cluster) {
    if (!deps.kube) throw new Error('the plan backs up cluster objects but no Kubernetes client was given');
    const lease = await deps.kube();
    try {
      result.cluster = await backupCluster(
        store,
        id,
        lease.client,
        { environment: settings.environment, includeSecretValues: plan.cluster.includeSecretValues },
        deps.logger,
      );
    } finally {
      lease.release();
    }
  }

  // The database records begin wrote (maybe in another job).
  if (result.database.length === 0) result.database = await databaseRecords(store, id);

  let entries: LakeEntry[] = [];
  if (source) {
    const parts = await mergeParts(store, id, settings.phase === 'all' ? 1 : settings.shards);
    result.lake = totals(parts);
    entries = parts.flatMap((p) => p.entries);
    // Again on what the set holds, before anything is marked complete and before retention.
    const sets = await listSets(store);
    const override = guard(settings, entries, await lastLake(store, sets, id));
    if (override && !result.overrides.includes(override)) result.overrides.push(override);
  }

  const { objectLock: lock, ...lakeTotals } = result.lake ?? totals([]);
  const verification: Verification = source
    ? await verifyLake(store, source, entries, {
        sample: plan.verify.sample,
        ...(lock ? { lockedUntil: new Date(lock.retainUntil) } : {}),
      })
    : { verified: 0, total: 0, sampled: 0, problems: [] };
  result.verification = verification;
  const verified = verification.problems.length === 0 && verification.verified === verification.total;
  const finishedAt = new Date(deps.clock.now()).toISOString();
  const set: SetRecord = {
    ...record,
    state: verified ? 'complete' : 'failed',
    finishedAt,
    ...(result.overrides.length ? { overrides: result.overrides } : {}),
    ...(verified
      ? {}
      : {
          error: `verification: ${verification.verified}/${verification.total} objects verified; ${verification.problems.length} problems (first: ${verification.problems[0] ?? 'count mismatch'})`,
        }),
  };
  const manifest: BackupManifest = {
    schema: 1,
    set,
    plan: {
      sha256: settings.planSha256,
      ...(plan.lake ? { lakeBucket: plan.lake.bucket } : {}),
      lakePrefixes: plan.lake?.prefixes ?? [],
      exclude: plan.lake?.exclude ?? [],
    },
    backupBucket: plan.backupBucket,
    prefix: store.layout.prefix,
    database: result.database,
    lake: {
      entries,
      ...lakeTotals,
      ...(lock ? { objectLock: { mode: lock.mode, retainUntil: lock.retainUntil } } : {}),
    },
    ...(result.cluster ? { cluster: result.cluster } : {}),
    verification,
  };
  // The manifest and its checksum first; set.json says complete only after both are written.
  await writeManifest(store, manifest);
  await writeSetRecord(store, set);
  result.state = set.state;
  if (!verified) throw new GateFailure(`Backup set ${id} failed ${set.error}`);
  deps.logger.info(
    `set ${id} complete: ${verification.verified}/${verification.total} objects verified, ${verification.sampled} sampled`,
  );

  // Retention, only now that this run's set is complete.
  const sets = await listSets(store);
  const decision = planRetention(sets, plan.retention, new Date(deps.clock.now()), id);
  const swept = await sweep(
    store,
    decision,
    { maxDelete: plan.retention.maxDelete, dryRun: false, currentComplete: true },
    deps.logger,
  );
  result.retention = {
    keep: decision.keep.map((k) => k.id),
    remove: decision.remove,
    deletedSets: swept.setsRemoved,
    deletedObjects: swept.copiesRemoved,
    dryRun: false,
  };
  // RDS manual snapshots follow the same decision, by their set tag.
  if (plan.database.rds && deps.rds) {
    const rds = deps.rds();
    const snapshots = await listRdsSnapshots(rds, plan.database.rds.instance);
    const doomed = rdsRetention(snapshots, decision);
    for (const snapshotId of doomed) {
      await deleteRdsSnapshot(rds, snapshotId);
      deps.logger.info(`retention: deleted RDS snapshot ${snapshotId}`);
    }
    result.retention.rdsSnapshotsDeleted = doomed;
  }
}

async function dryRun(
  settings: BackupSettings,
  deps: BackupDeps,
  store: BackupStore,
  source: LakeSource | undefined,
  result: BackupResult,
): Promise<void> {
  const { plan } = settings;
  const lines = result.plan;
  const now = new Date(deps.clock.now());
  result.state = 'planned';
  const sets = await listSets(store);
  const graceMs = plan.retention.incompleteGraceHours * HOUR;
  const resumable = sets
    .filter((s) => s.state === 'incomplete' && now.getTime() - setIdTime(s.id).getTime() < graceMs)
    .sort((a, b) => b.id.localeCompare(a.id))[0];
  result.setId = settings.setId ?? resumable?.id ?? setIdAt(now);
  lines.push(
    resumable && !settings.setId
      ? `would resume incomplete set ${resumable.id}`
      : `would ${settings.setId ? 'continue' : 'create'} set ${result.setId} in s3://${plan.backupBucket}/${store.layout.prefix}`,
  );
  if (plan.database.rds) lines.push(`would take an RDS snapshot of ${plan.database.rds.instance}`);
  if (plan.database.postgres)
    lines.push(
      `would pg_dump the database of database-url (key tables: ${plan.database.postgres.keyTables.join(', ') || 'none'})`,
    );
  if (source && plan.lake) {
    const listed = await listLake(source);
    const present = await listCopies(store, source.prefixes);
    let copied = 0;
    let copiedBytes = 0;
    let bytes = 0;
    for (const o of listed.objects) {
      bytes += o.size;
      const copy = present.get(store.layout.copyKey(o.key, o.etag));
      if (!copy || !copyMatches(o, copy)) {
        copied++;
        copiedBytes += o.size;
      }
    }
    result.lake = { objects: listed.objects.length, bytes, copied, copiedBytes, excluded: listed.excluded };
    lines.push(
      `would copy ${copied} of ${listed.objects.length} lake objects (${copiedBytes} of ${bytes} bytes) from s3://${plan.lake.bucket}; ` +
        `${listed.objects.length - copied} already in the store; ${listed.excluded} excluded (${plan.lake.exclude.join(', ') || 'no exclusions'})`,
    );
    if (plan.objectLock) {
      const lock = objectLockAt(plan, now)!;
      lines.push(
        `would lock every copy made ${lock.mode} until ${lock.retainUntil.toISOString()}, and extend the ` +
          `${listed.objects.length - copied} reused copies locked for less to that date (never shortening)`,
      );
    }
    if (listed.versioning === 'enabled')
      lines.push(`the lake is versioned: each object's current VersionId would be recorded and copied by version`);
    try {
      const override = guard(settings, listed.objects, await lastLake(store, sets));
      if (override) lines.push(`guard overridden: ${override}`);
    } catch (error) {
      lines.push(`the guard would stop the run: ${errorLine(error)}`);
    }
  }
  if (plan.cluster)
    lines.push(
      `would store the objects of environment ${settings.environment}${plan.cluster.includeSecretValues ? ' with Secret values' : ' (Secrets: keys only)'}`,
    );
  lines.push(`would verify every copy and re-read ${plan.verify.sample} sampled objects from both sides`);
  const decision = planRetention(sets, plan.retention, now);
  result.retention = {
    keep: decision.keep.map((k) => k.id),
    remove: decision.remove,
    deletedSets: [],
    deletedObjects: 0,
    dryRun: true,
  };
  try {
    const planned = await sweep(
      store,
      decision,
      { maxDelete: plan.retention.maxDelete, dryRun: true, currentComplete: false },
      deps.logger,
    );
    result.retention.deletedObjects = planned.planned.copies;
    lines.push(
      decision.remove.length
        ? `retention would delete ${decision.remove.length} sets (${decision.remove.map((r) => `${r.id}: ${r.reason}`).join('; ')}) and ${planned.planned.copies} copies no kept set names (${planned.planned.objects} objects, max-delete ${plan.retention.maxDelete})`
        : `retention would delete no set${planned.planned.copies ? ` and ${planned.planned.copies} copies no kept set names` : ''}`,
    );
  } catch (error) {
    lines.push(`retention would stop: ${errorLine(error)}`);
  }
  for (const l of lines) deps.logger.info(`dry run: ${l}`);
}

/** Runs the shrink/empty guard; returns the override recorded in the set when allow-shrink let it pass. */
function guard(
  settings: BackupSettings,
  entries: ReadonlyArray<{ size: number }>,
  last: { objects: number; bytes: number } | undefined,
): string | undefined {
  const current = { objects: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) };
  return checkSource(current, last, settings.plan.guards.maxShrinkPercent, settings.allowShrink).note;
}

/** The lake totals of the newest complete set (other than `except`), for the shrink guard. */
async function lastLake(
  store: BackupStore,
  sets: SetRecord[],
  except?: SetId,
): Promise<{ objects: number; bytes: number } | undefined> {
  const last = sets
    .filter((s) => s.state === 'complete' && s.id !== except)
    .sort((a, b) => b.id.localeCompare(a.id))[0];
  if (!last) return undefined;
  const manifest = await readManifest(store, last.id);
  return { objects: manifest.lake.objects, bytes: manifest.lake.bytes };
}

async function setRecordOf(
  store: BackupStore,
  id: SetId,
  settings: BackupSettings,
  now: Date,
  existing?: SetRecord,
): Promise<SetRecord> {
  const record = existing ?? (await readJson<SetRecord>(store, store.layout.set(id).record));
  return {
    schema: 1,
    id,
    environment: settings.environment,
    state: record?.state ?? 'incomplete',
    startedAt: record?.startedAt ?? now.toISOString(),
    ...(record?.overrides ? { overrides: record.overrides } : {}),
    ...(settings.commit ? { commit: settings.commit } : {}),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
  };
}

/** The database records begin wrote under sets/<id>/database/*.json. */
async function databaseRecords(store: BackupStore, id: SetId): Promise<DatabaseRecord[]> {
  const prefix = `${store.layout.set(id).prefix}database/`;
  const keys = (await listKeys(store, prefix))
    .map((o) => o.key)
    .filter((k) => k.endsWith('.json'))
    .sort();
  const records: DatabaseRecord[] = [];
  for (const key of keys) {
    const r = await readJson<DatabaseRecord>(store, key);
    if (r) records.push(r);
  }
  return records;
}

function totals(parts: LakePart[]): LakeTotals {
  const t: LakeTotals = { objects: 0, bytes: 0, copied: 0, copiedBytes: 0, excluded: 0 };
  for (const p of parts) {
    t.objects += p.entries.length;
    t.bytes += p.entries.reduce((n, e) => n + e.size, 0);
    t.copied += p.copied;
    t.copiedBytes += p.copiedBytes;
    t.excluded += p.excluded;
  }
  // The set's retention is the earliest its parts made sure of (every shard locks its own copies).
  const locks = parts.map((p) => p.objectLock);
  if (locks.length > 0 && locks.every((l) => l !== undefined)) {
    const earliest = [...locks].sort((a, b) => a.retainUntil.localeCompare(b.retainUntil))[0]!;
    t.objectLock = {
      mode: earliest.mode,
      retainUntil: earliest.retainUntil,
      extended: locks.reduce((n, l) => n + l.extended, 0),
      alreadyLocked: locks.reduce((n, l) => n + l.alreadyLocked, 0),
    };
  }
  return t;
}

/** `5h`, `2d 3h`, `40m`. */
export function ageText(hours: number | undefined): string {
  if (hours === undefined) return 'unknown age';
  if (hours < 1) return `${Math.round(hours * 60)}m`;
  if (hours < 48) return `${Math.round(hours)}h`;
  return `${Math.floor(hours / 24)}d ${Math.round(hours % 24)}h`;
}
