/**
 * RDS manual snapshots follow the retention planner (issue 17 "Retention"): on the stack's moto, one
 * snapshot per set, the planner over the sets' records, `rdsRetention` naming what to delete,
 * `deleteRdsSnapshot` deleting it; what remains is the kept sets' snapshots and snapshots that are not
 * ours. The instance and every snapshot are deleted in afterAll.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { awsClientConfig } from '../../src/lib/aws/client.js';
import { deleteRdsSnapshot, listRdsSnapshots, rdsSnapshotId, snapshotRds } from '../../src/lib/backup/rds.js';
import { planRetention, rdsRetention } from '../../src/lib/backup/retention.js';
import type { SetRecord, SetState } from '../../src/lib/backup/types.js';
import type { Clock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { loadStackEnv } from '../helpers/stack.js';

const env = loadStackEnv(['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
const rds = new RDSClient({
  ...awsClientConfig({ region: 'us-east-1', endpoint: env.AWS_ENDPOINT_URL! }),
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
});
const instance = `phlo-rds-retention-${randomBytes(3).toString('hex')}`;
const clock: Clock = { now: () => Date.UTC(2026, 10, 29, 6), sleep: async () => undefined };

const record = (id: string, state: SetState): SetRecord => ({
  schema: 1,
  id,
  environment: 'test',
  state,
  startedAt: new Date(0).toISOString(),
});

const SETS = {
  current: '20261129T020000Z', // complete, this run
  yesterday: '20261128T020000Z', // complete, keep-last 2
  old: '20261101T020000Z', // complete, removed
  abandoned: '20261126T020000Z', // incomplete past the grace period, removed
  gone: '20261015T020000Z', // a snapshot whose set an earlier sweep removed: an orphan, older than every kept set
} as const;

async function manualSnapshots(): Promise<string[]> {
  const page = await rds.send(
    new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, SnapshotType: 'manual' }),
  );
  return (page.DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier!).sort();
}

describe('RDS snapshot retention on moto', () => {
  beforeAll(async () => {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: instance,
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        MasterUsername: 'phlo',
        MasterUserPassword: randomBytes(12).toString('hex'),
        AllocatedStorage: 20,
        BackupRetentionPeriod: 7,
      }),
    );
    for (const id of Object.values(SETS)) {
      await snapshotRds(rds, id, { instance, minRetentionDays: 7 }, { clock, logger: new MemoryLogger() });
    }
    // someone else's snapshot of the same instance: never ours to delete
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: instance, DBSnapshotIdentifier: `${instance}-by-hand` }),
    );
  });

  afterAll(async () => {
    for (const id of await manualSnapshots().catch(() => [])) {
      await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })).catch(() => undefined);
    }
    await rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: instance, SkipFinalSnapshot: true }))
      .catch(() => undefined);
    rds.destroy();
  });

  test('the snapshots of removed sets and orphans older than every kept set go; the rest stay', async () => {
    const sets = [
      record(SETS.current, 'complete'),
      record(SETS.yesterday, 'complete'),
      record(SETS.old, 'complete'),
      record(SETS.abandoned, 'incomplete'),
    ];
    const policy = { keepLast: 2, daily: 0, weekly: 0, monthly: 0, maxDelete: 1000, incompleteGraceHours: 24 };
    const decision = planRetention(sets, policy, new Date(clock.now()), SETS.current);
    expect(decision.remove.map((r) => r.id).sort()).toEqual([SETS.abandoned, SETS.old].sort());

    const listed = await listRdsSnapshots(rds, instance);
    expect(listed).toHaveLength(5);
    const doomed = rdsRetention(listed, decision);
    expect(doomed.sort()).toEqual(
      [SETS.old, SETS.abandoned, SETS.gone].map((id) => rdsSnapshotId(instance, id)).sort(),
    );
    for (const id of doomed) await deleteRdsSnapshot(rds, id);

    expect(await manualSnapshots()).toEqual(
      [rdsSnapshotId(instance, SETS.current), rdsSnapshotId(instance, SETS.yesterday), `${instance}-by-hand`].sort(),
    );
    // planning again deletes nothing more
    expect(rdsRetention(await listRdsSnapshots(rds, instance), decision)).toEqual([]);
  });
});
