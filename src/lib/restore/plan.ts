/**
 * The dry run: always the first phase of a restore, and all of it when `confirm` is missing. It reads
 * and checks everything a confirmed run needs and writes nothing:
 *  - the set exists and is complete, its manifest's SHA-256 matches;
 *  - every lake copy the manifest points at exists with the recorded size and ETag (one listing);
 *  - the dump exists with the recorded size and SHA-256 (the bytes are streamed and hashed);
 *  - an RDS point in time lies within [earliest restorable, LatestRestorableTime];
 *  - target names are free (a new RDS identifier, a new database, an empty target prefix);
 *  - objects in an in-place target that the set does not hold are listed; deleting them needs
 *    `delete-extra`, and more than `max-delete` is refused.
 * Every problem is collected; any problem refuses the restore before the first write.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { ConfigurationError, GateFailure, describeError } from '../runtime/errors.js';
import type { Exec } from '../runtime/exec.js';
import type { Logger } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import type { BackupManifest, DatabaseDumpRecord, LakeEntry, RdsSnapshotRecord, SetRecord } from '../backup/types.js';
import { defaultTargetPrefix, type RestorePart, type RestoreSettings } from './settings.js';
import { readVerifiedManifest, resolveSet, type SetSource } from './set.js';
import { hashObject, isNotFound, listAll } from './s3.js';
import { copyMatches, isExcluded, listCopies } from '../backup/lake.js';
import { databaseExists, pgServer, restoredDatabaseName } from './postgres.js';

export interface RestorePorts {
  s3: S3Client;
  /** Needed when the set holds an RDS snapshot and `what` includes database. */
  rds?: RDSClient;
  /** Needed for cluster objects. */
  kube?: KubeClient;
  exec: Exec;
  logger: Logger;
  clock: Clock;
  env: NodeJS.ProcessEnv;
}

export interface LakeCopy {
  /** The copy's key in the backup bucket. */
  from: string;
  /** The restored object's key in the target bucket. */
  to: string;
  size: number;
  etag: string;
  parts?: number;
  /** An object with this key exists in the target (in place) and differs. */
  overwrite: boolean;
}

export interface LakePlan {
  backupBucket: string;
  targetBucket: string;
  targetPrefix: string;
  copies: LakeCopy[];
  /** In place: objects already equal to the set's (same key, size and ETag), left alone. */
  unchanged: number;
  /** Objects in the target's scope that the set does not hold. */
  extra: string[];
  /** The extra objects a confirmed run deletes (only with delete-extra). */
  deletes: string[];
  bytes: number;
}

export interface DumpPlan {
  record: DatabaseDumpRecord;
  server: string;
  targetDatabase: string;
  inPlace: boolean;
}

export interface RdsPlan {
  record: RdsSnapshotRecord;
  mode: 'snapshot' | 'point-in-time';
  pointInTime?: string;
  window?: { earliest: string; latest: string };
  newInstance: string;
}

export interface ClusterObjectPlan {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** What the apply does: create a missing object, overwrite a live one, or leave it (target new). */
  action: 'create' | 'overwrite' | 'skip';
}

export interface ClusterPlan {
  objects: ClusterObjectPlan[];
  /** The set's objects, namespaces mapped, Secrets without values left out. */
  bodies: KubeObject[];
  /** `Secret/namespace/name` stored without values: to be filled in by hand, never created empty. */
  secretsToFill: string[];
  namespaces: string[];
}

export interface RestorePlan {
  schema: 1;
  environment: string;
  setId: string;
  set: SetRecord;
  target: RestoreSettings['target'];
  confirmed: boolean;
  what: RestorePart[];
  lake?: LakePlan;
  dumps: DumpPlan[];
  rds?: RdsPlan;
  cluster?: ClusterPlan;
  /** One line per thing a confirmed run creates, overwrites or deletes (where). */
  creates: string[];
  overwrites: string[];
  deletes: string[];
  notes: string[];
  counts: { objects: number; bytes: number };
  estimatedSeconds: number;
}

/** The dry run. Throws GateFailure (every problem, one per line) when the restore must not go ahead. */
export async function planRestore(
  settings: RestoreSettings,
  source: SetSource,
  ports: RestorePorts,
): Promise<{ plan: RestorePlan; manifest: BackupManifest }> {
  const set = await resolveSet(source, settings.backupSet);
  const manifest = await readVerifiedManifest(source, set.id);
  const problems: string[] = [];
  const notes: string[] = [];
  const plan: RestorePlan = {
    schema: 1,
    environment: settings.environment,
    setId: set.id,
    set,
    target: settings.target,
    confirmed: settings.confirmed,
    what: settings.what,
    dumps: [],
    creates: [],
    overwrites: [],
    deletes: [],
    notes,
    counts: { objects: 0, bytes: 0 },
    estimatedSeconds: 0,
  };
  if (manifest.set.environment && manifest.set.environment !== settings.environment)
    problems.push(
      `Backup set ${set.id} belongs to environment '${manifest.set.environment}', not '${settings.environment}'.`,
    );

  const holds = (part: RestorePart): boolean =>
    part === 'lake'
      ? manifest.lake.entries.length > 0
      : part === 'database'
        ? manifest.database.length > 0
        : !!manifest.cluster;
  for (const part of settings.what) {
    if (holds(part)) continue;
    if (settings.whatExplicit) problems.push(`Backup set ${set.id} holds no ${part} (input 'what' asked for it).`);
    else notes.push(`The set holds no ${part}: nothing to restore there.`);
  }
  const wants = (part: RestorePart): boolean => settings.what.includes(part) && holds(part);

  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      if (error instanceof ConfigurationError || error instanceof GateFailure) problems.push(error.message);
      else problems.push(`${what}: ${describeError(error)}`);
    }
  };

  if (wants('lake')) await step('lake', () => planLake(settings, source, manifest, ports, plan, problems));
  if (wants('database')) await step('database', () => planDatabase(settings, source, manifest, ports, plan, problems));
  if (settings.pointInTime && !plan.rds && wants('database'))
    problems.push(
      `Input 'point-in-time' is set but backup set ${set.id} holds no RDS snapshot: a point in time applies to RDS only.`,
    );
  if (wants('cluster')) await step('cluster', () => planCluster(settings, manifest, source, ports, plan, problems));

  if (problems.length)
    throw new GateFailure(
      `Restore refused before any write (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
    );
  plan.estimatedSeconds = estimateSeconds(plan, settings.lake.concurrency);
  return { plan, manifest };
}

async function planLake(
  settings: RestoreSettings,
  store: SetSource,
  manifest: BackupManifest,
  ports: RestorePorts,
  plan: RestorePlan,
  problems: string[],
): Promise<void> {
  const backupBucket = store.bucket;
  // one listing of the store's copies (per recorded lake prefix)
  const listed = await listCopies(store, manifest.plan.lakePrefixes.length ? manifest.plan.lakePrefixes : ['']);
  let bad = 0;
  for (const e of manifest.lake.entries) {
    const copy = listed.get(e.copyKey);
    const problem = !copy
      ? `missing copy s3://${backupBucket}/${e.copyKey}`
      : copy.size !== e.size
        ? `copy s3://${backupBucket}/${e.copyKey} has ${copy.size} bytes, the manifest says ${e.size}`
        : !copyMatches(e, copy)
          ? `copy s3://${backupBucket}/${e.copyKey} has ETag ${copy.etag}, the manifest says ${e.etag}`
          : undefined;
    if (problem) {
      bad++;
      if (bad <= 20) problems.push(`Lake: ${problem}.`);
    }
  }
  if (bad > 20) problems.push(`Lake: ${bad - 20} more objects missing or changed in the backup store.`);

  const targetBucket = settings.lake.targetBucket ?? manifest.plan.lakeBucket;
  if (!targetBucket) {
    problems.push("Lake: the set names no lake bucket; set input 'target-bucket'.");
    return;
  }
  const inPlace = settings.target === 'in-place';
  const targetPrefix = settings.lake.targetPrefix ?? (inPlace ? '' : defaultTargetPrefix(plan.setId, settings.drill));
  const scopes = scopePrefixes(targetPrefix, inPlace ? manifest.plan.lakePrefixes : ['']);
  const existing = new Map<string, { size: number; etag: string }>();
  for (const scope of scopes) {
    try {
      for (const [k, v] of await listAll(ports.s3, targetBucket, scope)) existing.set(k, v);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket') {
        problems.push(`Lake: the target bucket ${targetBucket} does not exist.`);
        return;
      }
      throw error;
    }
  }
  const copies: LakeCopy[] = [];
  const wanted = new Set<string>();
  let unchanged = 0;
  for (const e of manifest.lake.entries) {
    const to = `${targetPrefix}${e.key}`;
    wanted.add(to);
    const live = existing.get(to);
    if (live && live.size === e.size && live.etag === e.etag) {
      unchanged++;
      continue;
    }
    copies.push(lakeCopy(e, to, !!live));
  }
  const extra = [...existing.keys()]
    .filter((k) => !wanted.has(k) && !isExcluded(k.slice(targetPrefix.length), manifest.plan.exclude))
    .sort();
  if (!inPlace && existing.size > 0)
    problems.push(
      `Lake: the target s3://${targetBucket}/${targetPrefix} is not empty (${existing.size} objects): a restore to a new target needs an empty prefix (choose another 'target-prefix', or use target in-place).`,
    );
  let deletes: string[] = [];
  if (inPlace && extra.length) {
    if (settings.deleteExtra) {
      if (extra.length > settings.maxDelete)
        problems.push(
          `Lake: ${extra.length} objects in s3://${targetBucket}/${targetPrefix} are not in the set; deleting them exceeds 'max-delete' (${settings.maxDelete}). Raise max-delete or restore without delete-extra.`,
        );
      else deletes = extra;
    }
  }
  const bytes = copies.reduce((n, c) => n + c.size, 0);
  plan.lake = { backupBucket, targetBucket, targetPrefix, copies, unchanged, extra, deletes, bytes };
  const where = `s3://${targetBucket}/${targetPrefix}`;
  const created = copies.filter((c) => !c.overwrite).length;
  const overwritten = copies.length - created;
  if (created) plan.creates.push(`lake: ${created} objects (${formatBytes(bytes)}) under ${where}`);
  if (overwritten) plan.overwrites.push(`lake: ${overwritten} objects under ${where} replaced by the set's version`);
  if (deletes.length) plan.deletes.push(`lake: ${deletes.length} objects under ${where} that the set does not hold`);
  if (extra.length && !deletes.length)
    plan.notes.push(
      `lake: ${extra.length} objects under ${where} are not in the set and are left alone (delete-extra is off).`,
    );
  plan.counts.objects += copies.length + deletes.length;
  plan.counts.bytes += bytes;
}

function lakeCopy(e: LakeEntry, to: string, overwrite: boolean): LakeCopy {
  return { from: e.copyKey, to, size: e.size, etag: e.etag, ...(e.parts ? { parts: e.parts } : {}), overwrite };
}

/** The target prefixes to list: each recorded lake prefix under the target prefix (one listing when ''). */
function scopePrefixes(targetPrefix: string, lakePrefixes: readonly string[]): string[] {
  const list = lakePrefixes.length && !lakePrefixes.includes('') ? lakePrefixes : [''];
  return [...new Set(list.map((p) => `${targetPrefix}${p}`))];
}

async function planDatabase(
  settings: RestoreSettings,
  source: SetSource,
  manifest: BackupManifest,
  ports: RestorePorts,
  plan: RestorePlan,
  problems: string[],
): Promise<void> {
  for (const record of manifest.database) {
    if (record.kind === 'pg_dump') await planDump(settings, source, record, ports, plan, problems);
    else await planRds(settings, record, ports, plan, problems);
  }
}

async function planDump(
  settings: RestoreSettings,
  source: SetSource,
  record: DatabaseDumpRecord,
  ports: RestorePorts,
  plan: RestorePlan,
  problems: string[],
): Promise<void> {
  const where = `s3://${source.bucket}/${record.key}`;
  try {
    const got = await hashObject(ports.s3, source.bucket, record.key);
    if (got.size !== record.size)
      problems.push(`Database: the dump ${where} has ${got.size} bytes, the manifest says ${record.size}.`);
    else if (got.sha256 !== record.sha256)
      problems.push(`Database: the dump ${where} has SHA-256 ${got.sha256}, the manifest says ${record.sha256}.`);
  } catch (error) {
    if (isNotFound(error)) problems.push(`Database: the dump ${where} is missing.`);
    else throw error;
  }
  if (!settings.databaseUrl) {
    problems.push(
      `Input 'database-url' is required to restore the dump of '${record.database}': expected the target server as postgres://user:password@host:5432/postgres (a secret).`,
    );
    return;
  }
  const server = pgServer(settings.databaseUrl, ports.env);
  const inPlace = settings.target === 'in-place';
  const targetDatabase = inPlace ? record.database : restoredDatabaseName(record.database, plan.setId, settings.drill);
  const exists = await databaseExists(ports.exec, server, targetDatabase);
  if (!inPlace && exists)
    problems.push(
      `Database: '${targetDatabase}' already exists on ${server.where}: a restore to a new database needs a free name (drop it or restore another set).`,
    );
  plan.dumps.push({ record, server: server.where, targetDatabase, inPlace });
  if (inPlace && exists)
    plan.overwrites.push(
      `database: '${targetDatabase}' on ${server.where} (its objects dropped and restored from the dump)`,
    );
  else
    plan.creates.push(
      `database: '${targetDatabase}' on ${server.where} from ${record.key} (${formatBytes(record.size)})`,
    );
  plan.counts.bytes += record.size;
}

/** A valid new RDS identifier: letters, digits and hyphens, a letter first, ≤ 63, no '--' nor trailing '-'. */
export function restoredInstanceId(instance: string, setId: string): string {
  const suffix = `-r${setId.toLowerCase()}`;
  const base = instance
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63 - suffix.length)
    .replace(/-+$/, '');
  return `${base || 'phlo'}${suffix}`;
}

export const RDS_ID = /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/;

async function planRds(
  settings: RestoreSettings,
  record: RdsSnapshotRecord,
  ports: RestorePorts,
  plan: RestorePlan,
  problems: string[],
): Promise<void> {
  const rds = ports.rds;
  if (!rds) {
    problems.push('RDS: the set holds an RDS snapshot but no RDS client was given.');
    return;
  }
  const newInstance = restoredInstanceId(record.instance, plan.setId);
  if (!RDS_ID.test(newInstance)) problems.push(`RDS: the generated identifier '${newInstance}' is not valid.`);
  const taken = await rds
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: newInstance }))
    .then((r) => (r.DBInstances ?? []).length > 0)
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'DBInstanceNotFoundFault') return false;
      throw error;
    });
  if (taken)
    problems.push(
      `RDS: an instance named '${newInstance}' already exists (an earlier restore of this set?); delete it or restore another set.`,
    );
  if (settings.target === 'in-place')
    plan.notes.push(
      `rds: RDS always restores to a new instance ('${newInstance}'); the platform keeps using '${record.instance}' until a cutover repoints it.`,
    );
  const rdsPlan: RdsPlan = { record, mode: settings.pointInTime ? 'point-in-time' : 'snapshot', newInstance };
  if (settings.pointInTime) {
    const window = await restorableWindow(rds, record, ports.clock);
    if (!window) {
      problems.push(
        `RDS: the source instance '${record.instance}' is gone or has no automated backups: no point in time can be restored.`,
      );
    } else {
      rdsPlan.window = { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() };
      const t = settings.pointInTime.getTime();
      if (t > window.latest.getTime())
        problems.push(
          `Input 'point-in-time' is ${settings.pointInTime.toISOString()}, after the latest restorable time of '${record.instance}' (${window.latest.toISOString()}): choose a time between ${window.earliest.toISOString()} and ${window.latest.toISOString()}.`,
        );
      else if (t < window.earliest.getTime())
        problems.push(
          `Input 'point-in-time' is ${settings.pointInTime.toISOString()}, before the earliest restorable time of '${record.instance}' (${window.earliest.toISOString()}): choose a time between ${window.earliest.toISOString()} and ${window.latest.toISOString()}.`,
        );
      rdsPlan.pointInTime = settings.pointInTime.toISOString();
    }
  } else {
    const snap = await rds
      .send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: record.snapshotId }))
      .then((r) => r.DBSnapshots?.[0])
      .catch((error: unknown) => {
        if ((error as { name?: string }).name === 'DBSnapshotNotFoundFault') return undefined;
        throw error;
      });
    if (!snap) problems.push(`RDS: the set's snapshot '${record.snapshotId}' does not exist.`);
    else if (snap.Status && snap.Status !== 'available')
      problems.push(`RDS: the set's snapshot '${record.snapshotId}' is ${snap.Status}, not available.`);
  }
  const s = record.instanceSettings;
  if (settings.drill) {
    plan.notes.push(
      `rds: the drill checked snapshot '${record.snapshotId}' and the identifier '${newInstance}'; it does not restore RDS instances (cost and time).`,
    );
    return;
  }
  plan.rds = rdsPlan;
  plan.creates.push(
    `rds: instance '${newInstance}' from ${rdsPlan.mode === 'snapshot' ? `snapshot '${record.snapshotId}'` : `'${record.instance}' at ${rdsPlan.pointInTime ?? '?'}`} (class ${s.instanceClass ?? 'as the snapshot'}, subnet group ${s.subnetGroup ?? '-'}, security groups ${s.securityGroups.join(' ') || '-'}, parameter group ${s.parameterGroup ?? '-'}, Multi-AZ ${s.multiAz ? 'yes' : 'no'})`,
  );
}

/** [earliest, latest] restorable time of the source instance, or undefined when it cannot be restored to a point. */
export async function restorableWindow(
  rds: RDSClient,
  record: RdsSnapshotRecord,
  clock: Clock,
): Promise<{ earliest: Date; latest: Date } | undefined> {
  const instance = await rds
    .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: record.instance }))
    .then((r) => r.DBInstances?.[0])
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'DBInstanceNotFoundFault') return undefined;
      throw error;
    });
  if (!instance?.LatestRestorableTime || !instance.BackupRetentionPeriod) return undefined;
  const latest = new Date(instance.LatestRestorableTime);
  let earliest: Date | undefined;
  try {
    const backups = await rds.send(
      new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: record.instance }),
    );
    const window = backups.DBInstanceAutomatedBackups?.[0]?.RestoreWindow;
    if (window?.EarliestTime) earliest = new Date(window.EarliestTime);
  } catch {
    /* not every endpoint serves it; fall back to the retention period */
  }
  earliest ??= new Date(
    Math.max(clock.now() - instance.BackupRetentionPeriod * 86_400_000, instance.InstanceCreateTime?.getTime() ?? 0),
  );
  return { earliest, latest };
}

async function planCluster(
  settings: RestoreSettings,
  manifest: BackupManifest,
  source: SetSource,
  ports: RestorePorts,
  plan: RestorePlan,
  problems: string[],
): Promise<void> {
  const record = manifest.cluster!;
  let bytes: Buffer;
  try {
    const got = await ports.s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: record.key }));
    bytes = Buffer.from(await got.Body!.transformToByteArray());
  } catch (error) {
    if (isNotFound(error)) {
      problems.push(`Cluster: the objects file s3://${source.bucket}/${record.key} is missing.`);
      return;
    }
    throw error;
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== record.sha256) {
    problems.push(
      `Cluster: s3://${source.bucket}/${record.key} has SHA-256 ${sha}, the manifest says ${record.sha256}.`,
    );
    return;
  }
  const objects = parseClusterObjects(bytes);
  if (settings.drill) {
    plan.notes.push(
      `cluster: ${objects.length} objects read and checked against the manifest's SHA-256; the drill does not apply them.`,
    );
    return;
  }
  if (!ports.kube) {
    problems.push(
      "Cluster: the set holds cluster objects but no cluster is configured: set input 'kubeconfig' or 'kubeconfig-content' (or KUBECONFIG), or leave cluster out of 'what'.",
    );
    return;
  }
  const kube = ports.kube;
  const toFill = new Set(record.secretsWithoutValues);
  const secretsToFill: string[] = [];
  const bodies: KubeObject[] = [];
  const planned: ClusterObjectPlan[] = [];
  const namespaces = new Set<string>();
  for (const obj of objects) {
    const ns = obj.metadata?.namespace;
    const namespace = ns ? (settings.namespaceMap.get(ns) ?? ns) : undefined;
    const id = `${obj.kind}/${ns ?? ''}/${obj.metadata?.name ?? ''}`;
    if (
      obj.kind === 'Secret' &&
      (toFill.has(id) || toFill.has(`Secret/${ns}/${obj.metadata.name}`) || !hasSecretValues(obj))
    ) {
      secretsToFill.push(`Secret/${namespace ?? ''}/${obj.metadata.name}`);
      continue;
    }
    const body = mapNamespace(obj, settings.namespaceMap);
    const apiVersion = body.apiVersion ?? 'v1';
    const kind = body.kind!;
    if (namespace) namespaces.add(namespace);
    const path = await kube.pathOf({
      apiVersion,
      kind,
      ...(namespace ? { namespace } : {}),
      name: body.metadata.name,
    });
    const live = await kube.getOrUndefined(path);
    const action: ClusterObjectPlan['action'] = !live
      ? 'create'
      : settings.target === 'in-place'
        ? 'overwrite'
        : 'skip';
    planned.push({
      apiVersion,
      kind,
      ...(namespace ? { namespace } : {}),
      name: body.metadata.name,
      action,
    });
    if (action !== 'skip') bodies.push(body);
  }
  plan.cluster = { objects: planned, bodies, secretsToFill, namespaces: [...namespaces].sort() };
  const ref = (o: ClusterObjectPlan): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  for (const o of planned) {
    if (o.action === 'create') plan.creates.push(`cluster: ${ref(o)}`);
    else if (o.action === 'overwrite')
      plan.overwrites.push(`cluster: ${ref(o)} (server-side apply, field manager phlo-deploy)`);
  }
  const skipped = planned.filter((o) => o.action === 'skip').length;
  if (skipped)
    plan.notes.push(
      `cluster: ${skipped} objects exist and are left alone (target new; use in-place to overwrite them).`,
    );
  for (const s of secretsToFill)
    plan.notes.push(`cluster: ${s} was stored without values: fill it in by hand (it is not created empty).`);
  plan.counts.objects += bodies.length;
  void problems;
}

/** cluster/objects.json: a list of objects (`[...]`, `{ objects: [...] }` or a `List`'s `items`). */
export function parseClusterObjects(bytes: Buffer): KubeObject[] {
  const doc = JSON.parse(bytes.toString('utf8')) as unknown;
  const list = Array.isArray(doc)
    ? doc
    : ((doc as { objects?: unknown[]; items?: unknown[] }).objects ?? (doc as { items?: unknown[] }).items ?? []);
  return (list as KubeObject[]).filter((o) => o && typeof o === 'object' && o.kind && o.metadata?.name);
}

function hasSecretValues(obj: KubeObject): boolean {
  const data = (obj as { data?: Record<string, unknown> }).data ?? {};
  const stringData = (obj as { stringData?: Record<string, unknown> }).stringData ?? {};
  const values = [...Object.values(data), ...Object.values(stringData)];
  return values.length > 0 && values.every((v) => typeof v === 'string' && v !== '');
}

function mapNamespace(obj: KubeObject, map: ReadonlyMap<string, string>): KubeObject {
  const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
  const ns = copy.metadata.namespace;
  if (ns && map.has(ns)) copy.metadata.namespace = map.get(ns)!;
  if (copy.kind === 'Namespace' && map.has(copy.metadata.name)) copy.metadata.name = map.get(copy.metadata.name)!;
  return copy;
}

/**
 * A rough duration: server-side copies at ~50 objects/s per concurrent request plus ~100 MB/s of
 * copied bytes, pg_restore at ~20 MB/s, an RDS restore ~15 minutes, the cluster's apply ~1 s per 10
 * objects. It is an estimate for the plan, not a promise.
 */
function estimateSeconds(plan: RestorePlan, concurrency: number): number {
  let s = 0;
  if (plan.lake) s += plan.lake.copies.length / (50 * concurrency) + plan.lake.bytes / 100e6;
  for (const d of plan.dumps) s += d.record.size / 20e6 + 5;
  if (plan.rds) s += 15 * 60;
  if (plan.cluster) s += plan.cluster.bodies.length / 10 + 5;
  return Math.ceil(s);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
