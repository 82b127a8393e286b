/**
 * The database phase's RDS half: a manual snapshot of the plan's instance per backup set, tagged with
 * the set id so retention can find (and only find) ours, and a record of what restore needs.
 *
 * Before the snapshot the instance's automated backups are checked: a manual snapshot restores the
 * moment it was taken, automated backups (daily snapshot + transaction logs) restore any second in
 * their retention window, and a backup plan that relies on RDS wants both. Off (retention 0) or
 * shorter than the plan's `minRetentionDays` fails the run with the command that fixes it.
 *
 * Snapshot ids are `phlo-<instance>-<set id, lowercased>`: RDS keeps identifiers in lower case, and
 * a retried run of the same set finds its own snapshot instead of making a second one.
 */
import {
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  type DBInstance,
  type DBSnapshot,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import { MANAGER } from '../objects/names.js';
import type { Clock } from '../runtime/clock.js';
import { ConfigurationError, describeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { isSetId } from './layout.js';
import type { RdsSnapshotRecord, SetId } from './types.js';

/** Tag on each snapshot: the backup set it belongs to. */
export const BACKUP_SET_TAG = 'phlo.dev/backup-set';
/** Tag on each snapshot: `phlo-deploy`, so retention never touches a snapshot someone else took. */
export const MANAGED_BY_TAG = 'phlo.dev/managed-by';

/** The plan fields named in messages. */
const INSTANCE_FIELD = 'database.rds.instance';
const RETENTION_FIELD = 'database.rds.minRetentionDays';

/** RDS DB instance identifiers: 1–63 letters, digits or hyphens, a letter first, no `--`, no trailing `-`. */
const INSTANCE_ID = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/;

export interface RdsSource {
  instance: string;
  minRetentionDays: number;
}

export interface SnapshotDeps {
  clock: Clock;
  logger: Logger;
  /** Between two looks at the snapshot's status (default 15 s). */
  pollMs?: number;
  /** How long the snapshot may take to become available (default 2 h). */
  timeoutMs?: number;
}

export interface RdsSnapshotSummary {
  snapshotId: string;
  setId: SetId;
  /** ISO 8601. */
  createdAt: string;
  status: string;
}

export function validateInstanceId(instance: string, field = INSTANCE_FIELD): string {
  if (instance.length > 63 || !INSTANCE_ID.test(instance) || instance.endsWith('-')) {
    throw new ConfigurationError(
      `'${field}' is '${instance}': expected an RDS DB instance identifier (1–63 letters, digits and hyphens, ` +
        'starting with a letter, without a trailing hyphen or two hyphens in a row).',
    );
  }
  return instance;
}

/** `phlo-<instance>-<set id>`, in lower case: a valid snapshot identifier for any valid instance id. */
export function rdsSnapshotId(instance: string, setId: SetId): string {
  return `phlo-${validateInstanceId(instance)}-${setId}`.toLowerCase();
}

/** The AWS CLI command that sets an instance's automated backup retention. */
export function retentionFix(instance: string, days: number): string {
  return `aws rds modify-db-instance --db-instance-identifier ${instance} --backup-retention-period ${days} --apply-immediately`;
}

const tagValue = (tags: readonly Tag[] | undefined, key: string): string | undefined =>
  tags?.find((t) => t.Key === key)?.Value;

const isFault = (error: unknown, ...names: string[]): boolean =>
  names.includes((error as { name?: string } | undefined)?.name ?? '');

const iso = (date: Date | undefined): string | undefined => (date ? date.toISOString() : undefined);

/**
 * Takes the set's manual snapshot of `source.instance` and waits until it is available. Fails with a
 * ConfigurationError when the instance does not exist, is an Aurora cluster member, or keeps
 * automated backups for less than `source.minRetentionDays` days (0: off).
 */
export async function snapshotRds(
  rds: RDSClient,
  setId: SetId,
  source: RdsSource,
  deps: SnapshotDeps,
): Promise<RdsSnapshotRecord> {
  const snapshotId = rdsSnapshotId(source.instance, setId);
  const instance = await describeInstance(rds, source.instance);
  const retention = instance.BackupRetentionPeriod ?? 0;
  checkRetention(source, retention);

  const existing = await describeSnapshot(rds, snapshotId);
  if (existing) {
    await requireOurs(rds, existing, setId);
    deps.logger.info(
      `RDS snapshot ${snapshotId} of '${source.instance}' exists already (this set's): ${existing.Status}`,
    );
  } else {
    deps.logger.info(`RDS snapshot ${snapshotId} of '${source.instance}' (automated backups kept ${retention} days)`);
    try {
      await rds.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: source.instance,
          DBSnapshotIdentifier: snapshotId,
          Tags: [
            { Key: BACKUP_SET_TAG, Value: setId },
            { Key: MANAGED_BY_TAG, Value: MANAGER },
          ],
        }),
      );
    } catch (error) {
      // a retried call whose first attempt went through: the snapshot is there, and ours
      if (!isFault(error, 'DBSnapshotAlreadyExistsFault', 'DBSnapshotAlreadyExists')) {
        throw new Error(`Cannot create RDS snapshot ${snapshotId} of '${source.instance}': ${describeError(error)}`, {
          cause: error,
        });
      }
      const found = await describeSnapshot(rds, snapshotId);
      if (!found) throw error;
      await requireOurs(rds, found, setId);
    }
  }
  const ready = await waitAvailable(rds, snapshotId, deps);
  deps.logger.info(`RDS snapshot ${snapshotId} is available`);
  const parameterGroup = instance.DBParameterGroups?.[0]?.DBParameterGroupName;
  return {
    kind: 'rds-snapshot',
    instance: source.instance,
    snapshotId,
    ...(ready.DBSnapshotArn ? { snapshotArn: ready.DBSnapshotArn } : {}),
    ...(instance.LatestRestorableTime ? { latestRestorableTime: iso(instance.LatestRestorableTime)! } : {}),
    backupRetentionPeriod: retention,
    instanceSettings: {
      ...(instance.DBInstanceClass ? { instanceClass: instance.DBInstanceClass } : {}),
      ...(instance.Engine ? { engine: instance.Engine } : {}),
      ...(instance.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: instance.DBSubnetGroup.DBSubnetGroupName } : {}),
      securityGroups: (instance.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId!).filter(Boolean),
      ...(parameterGroup ? { parameterGroup } : {}),
      ...(instance.MultiAZ !== undefined ? { multiAz: instance.MultiAZ } : {}),
    },
  };
}

async function describeInstance(rds: RDSClient, instance: string): Promise<DBInstance> {
  try {
    const found = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instance }))).DBInstances?.[0];
    if (found) {
      if (found.DBClusterIdentifier) {
        throw new ConfigurationError(
          `'${INSTANCE_FIELD}' is '${instance}', a member of Aurora cluster '${found.DBClusterIdentifier}': ` +
            'Aurora is backed up by cluster snapshots, which the backup does not take yet; name a non-Aurora instance.',
        );
      }
      return found;
    }
  } catch (error) {
    if (!isFault(error, 'DBInstanceNotFoundFault', 'DBInstanceNotFound')) {
      if (error instanceof ConfigurationError) throw error;
      throw new Error(`Cannot describe RDS instance '${instance}': ${describeError(error)}`, { cause: error });
    }
  }
  const region = await rds.config.region().catch(() => undefined);
  throw new ConfigurationError(
    `'${INSTANCE_FIELD}' is '${instance}': no RDS DB instance of that identifier${region ? ` in ${region}` : ''} ` +
      'for these credentials (expected the identifier `aws rds describe-db-instances` lists).',
  );
}

function checkRetention(source: RdsSource, retention: number): void {
  const wanted = Math.max(1, source.minRetentionDays);
  if (retention === 0) {
    throw new ConfigurationError(
      `Automated backups of RDS instance '${source.instance}' are off (backup retention period 0 days), so it has ` +
        `no point-in-time recovery; '${RETENTION_FIELD}' asks for at least ${source.minRetentionDays}. ` +
        `Turn them on: ${retentionFix(source.instance, wanted)}`,
    );
  }
  if (retention < source.minRetentionDays) {
    throw new ConfigurationError(
      `Automated backups of RDS instance '${source.instance}' are kept ${retention} day${retention === 1 ? '' : 's'}, ` +
        `less than '${RETENTION_FIELD}' (${source.minRetentionDays}). ` +
        `Keep them longer: ${retentionFix(source.instance, source.minRetentionDays)}`,
    );
  }
}

async function describeSnapshot(rds: RDSClient, snapshotId: string): Promise<DBSnapshot | undefined> {
  try {
    return (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }))).DBSnapshots?.[0];
  } catch (error) {
    if (isFault(error, 'DBSnapshotNotFoundFault', 'DBSnapshotNotFound')) return undefined;
    throw error;
  }
}

/** The snapshot's tags: from the description when it carries them, else asked for. */
async function tagsOf(rds: RDSClient, snapshot: DBSnapshot): Promise<Tag[]> {
  if (snapshot.TagList) return snapshot.TagList;
  if (!snapshot.DBSnapshotArn) return [];
  return (await rds.send(new ListTagsForResourceCommand({ ResourceName: snapshot.DBSnapshotArn }))).TagList ?? [];
}

async function requireOurs(rds: RDSClient, snapshot: DBSnapshot, setId?: SetId): Promise<void> {
  const tags = await tagsOf(rds, snapshot);
  const ours = tagValue(tags, MANAGED_BY_TAG) === MANAGER;
  const set = tagValue(tags, BACKUP_SET_TAG);
  if (!ours || (setId !== undefined && set !== setId)) {
    throw new Error(
      `RDS snapshot ${snapshot.DBSnapshotIdentifier} exists and is not ${setId ? `backup set ${setId}'s` : "phlo-deploy's"} ` +
        `(tags ${MANAGED_BY_TAG}=${tagValue(tags, MANAGED_BY_TAG) ?? '(none)'}, ${BACKUP_SET_TAG}=${set ?? '(none)'}); ` +
        'it is left alone.',
    );
  }
}

/**
 * Polls the snapshot on the clock until it is `available`; fails on a terminal status or the timeout.
 * It starts with a look of its own: CreateDBSnapshot's answer says `creating` on AWS (moto: `available`).
 */
async function waitAvailable(rds: RDSClient, snapshotId: string, deps: SnapshotDeps): Promise<DBSnapshot> {
  const pollMs = deps.pollMs ?? 15_000;
  const timeoutMs = deps.timeoutMs ?? 2 * 60 * 60_000;
  const start = deps.clock.now();
  let snapshot = await describeSnapshot(rds, snapshotId);
  let shown: string | undefined;
  for (;;) {
    const status = snapshot?.Status ?? '(not listed yet)';
    if (status === 'available') return snapshot!;
    if (['failed', 'deleted', 'deleting', 'incompatible-restore', 'incompatible-parameters'].includes(status)) {
      throw new Error(`RDS snapshot ${snapshotId} ended in status '${status}' instead of becoming available`);
    }
    const progress = `${status}${snapshot?.PercentProgress !== undefined ? ` (${snapshot.PercentProgress}%)` : ''}`;
    if (progress !== shown) deps.logger.info(`RDS snapshot ${snapshotId}: ${progress}`);
    shown = progress;
    const waited = deps.clock.now() - start;
    if (waited >= timeoutMs) {
      throw new Error(
        `RDS snapshot ${snapshotId} was not available after ${Math.round(waited / 1000)} s (last status: ${progress}); ` +
          'it is left in place and a later run of this set picks it up',
      );
    }
    await deps.clock.sleep(Math.min(pollMs, timeoutMs - waited));
    snapshot = await describeSnapshot(rds, snapshotId);
  }
}

/** Our manual snapshots of `instance` (tagged managed-by phlo-deploy with a set id), oldest set first. */
export async function listRdsSnapshots(rds: RDSClient, instance: string): Promise<RdsSnapshotSummary[]> {
  const out: RdsSnapshotSummary[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, SnapshotType: 'manual', Marker: marker }),
    );
    for (const snapshot of page.DBSnapshots ?? []) {
      const tags = await tagsOf(rds, snapshot);
      const setId = tagValue(tags, BACKUP_SET_TAG);
      if (tagValue(tags, MANAGED_BY_TAG) !== MANAGER || !setId || !isSetId(setId)) continue;
      out.push({
        snapshotId: snapshot.DBSnapshotIdentifier!,
        setId,
        createdAt: iso(snapshot.SnapshotCreateTime) ?? '',
        status: snapshot.Status ?? 'unknown',
      });
    }
    marker = page.Marker || undefined;
  } while (marker);
  return out.sort((a, b) => a.setId.localeCompare(b.setId) || a.snapshotId.localeCompare(b.snapshotId));
}

/**
 * Deletes one of our snapshots; one that is gone already is fine. Refuses a snapshot without our
 * managed-by tag, whoever asks (retention's planner only ever passes ids from listRdsSnapshots).
 */
export async function deleteRdsSnapshot(rds: RDSClient, snapshotId: string): Promise<void> {
  const snapshot = await describeSnapshot(rds, snapshotId);
  if (!snapshot) return;
  await requireOurs(rds, snapshot);
  try {
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: snapshotId }));
  } catch (error) {
    if (isFault(error, 'DBSnapshotNotFoundFault', 'DBSnapshotNotFound')) return;
    throw new Error(`Cannot delete RDS snapshot ${snapshotId}: ${describeError(error)}`, { cause: error });
  }
}
