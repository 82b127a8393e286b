/**
 * The RDS half of the database phase on the stack's moto: the set's manual snapshot (tagged, waited
 * for, recorded with what restore needs), the automated-backup check, listing and deleting only ours.
 * Every instance and snapshot made here is deleted in afterAll, and moto must still be up after.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { awsClientConfig } from '../../src/lib/aws/client.js';
import {
  BACKUP_SET_TAG,
  MANAGED_BY_TAG,
  deleteRdsSnapshot,
  listRdsSnapshots,
  rdsSnapshotId,
  snapshotRds,
} from '../../src/lib/backup/rds.js';
import { ConfigurationError, errorLine } from '../../src/lib/runtime/errors.js';
import type { Clock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { loadStackEnv, repoRoot } from '../helpers/stack.js';

const env = loadStackEnv(['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
const rdsAt = (endpoint: string, maxAttempts = 6): RDSClient =>
  new RDSClient({ ...awsClientConfig({ region: 'us-east-1', endpoint, maxAttempts }), credentials });
const rds = rdsAt(env.AWS_ENDPOINT_URL!);

/** A clock whose sleeps pass at once (and are recorded): polling without waiting. */
function steppingClock(): Clock & { sleeps: number[] } {
  let now = Date.UTC(2026, 10, 29, 16, 0, 0);
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
}

const suffix = randomBytes(3).toString('hex');
const on = `phlo-rds-on-${suffix}`; // automated backups kept 7 days
const off = `phlo-rds-off-${suffix}`; // automated backups off
const short = `phlo-rds-short-${suffix}`; // kept 3 days
const instances = [on, off, short];

async function createInstance(id: string, retention: number): Promise<void> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      MasterUsername: 'phlo',
      MasterUserPassword: randomBytes(12).toString('hex'),
      AllocatedStorage: 20,
      BackupRetentionPeriod: retention,
      MultiAZ: false,
    }),
  );
}

/** Manual snapshots of an instance (moto, like RDS, also keeps an automated one per instance: not ours to touch). */
async function snapshotsOf(instance: string) {
  return (
    (await rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instance, SnapshotType: 'manual' })))
      .DBSnapshots ?? []
  );
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeDefined();
  return error!;
}

describe('RDS snapshots on moto', () => {
  beforeAll(async () => {
    await createInstance(on, 7);
    await createInstance(off, 0);
    await createInstance(short, 3);
    // snapshots of the same instance that are not ours: one untagged, one tagged by someone else
    await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: on, DBSnapshotIdentifier: `manual-${suffix}` }));
    await rds.send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: on,
        DBSnapshotIdentifier: `other-${suffix}`,
        Tags: [
          { Key: BACKUP_SET_TAG, Value: '20261101T000000Z' },
          { Key: MANAGED_BY_TAG, Value: 'someone-else' },
        ],
      }),
    );
  });

  afterAll(async () => {
    for (const id of instances) {
      for (const s of await snapshotsOf(id).catch(() => [])) {
        await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: s.DBSnapshotIdentifier! }));
      }
      await rds
        .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }))
        .catch(() => undefined);
    }
    const left = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
    rds.destroy();
    expect(left.map((i) => i.DBInstanceIdentifier).filter((i) => i?.endsWith(suffix))).toEqual([]);
    // the stack's moto health check still says up (it once broke on a moto holding an RDS instance)
    const status = spawnSync('bash', [join(repoRoot, 'stack', 'components', 'moto.sh'), 'status'], {
      env: { ...process.env, PHLO_STACK_DIR: process.env.PHLO_STACK_DIR ?? join(repoRoot, '.stack') },
      encoding: 'utf8',
    });
    expect(`${status.stdout}${status.stderr}`).toMatch(/moto: up/);
  });

  test('the set snapshot is created, tagged, available and recorded with what restore needs', async () => {
    const setId = '20261129T160312Z';
    const logger = new MemoryLogger();
    const record = await snapshotRds(
      rds,
      setId,
      { instance: on, minRetentionDays: 7 },
      { clock: steppingClock(), logger },
    );
    const snapshotId = `phlo-${on}-20261129t160312z`;
    expect(record).toEqual({
      kind: 'rds-snapshot',
      instance: on,
      snapshotId,
      snapshotArn: expect.stringMatching(new RegExp(`^arn:aws:rds:us-east-1:\\d+:snapshot:${snapshotId}$`)),
      latestRestorableTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      backupRetentionPeriod: 7,
      instanceSettings: {
        instanceClass: 'db.t3.micro',
        engine: 'postgres',
        // moto gives an instance made without a subnet group none, and always one VPC security group
        securityGroups: [expect.stringMatching(/^sg-/)],
        parameterGroup: expect.stringMatching(/^default\.postgres/),
        multiAz: false,
      },
    });
    const [snapshot] = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId })))
      .DBSnapshots!;
    expect(snapshot).toMatchObject({ Status: 'available', DBInstanceIdentifier: on, SnapshotType: 'manual' });
    const tags = (await rds.send(new ListTagsForResourceCommand({ ResourceName: snapshot!.DBSnapshotArn! }))).TagList;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: BACKUP_SET_TAG, Value: setId },
        { Key: MANAGED_BY_TAG, Value: 'phlo-deploy' },
      ]),
    );
    expect(logger.text()).toContain(snapshotId);

    // the same set again (a resumed run): the snapshot is found, not made twice
    const again = await snapshotRds(
      rds,
      setId,
      { instance: on, minRetentionDays: 7 },
      {
        clock: steppingClock(),
        logger,
      },
    );
    expect(again.snapshotId).toBe(snapshotId);
    expect((await snapshotsOf(on)).filter((s) => s.DBSnapshotIdentifier === snapshotId)).toHaveLength(1);
  });

  test('automated backups off: the run fails, names the instance and says how to turn them on', async () => {
    const error = await failureOf(
      snapshotRds(
        rds,
        '20261129T170000Z',
        { instance: off, minRetentionDays: 7 },
        {
          clock: steppingClock(),
          logger: new MemoryLogger(),
        },
      ),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(errorLine(error)).toContain(`Automated backups of RDS instance '${off}' are off`);
    expect(errorLine(error)).toContain(
      `aws rds modify-db-instance --db-instance-identifier ${off} --backup-retention-period 7 --apply-immediately`,
    );
    expect(await snapshotsOf(off)).toEqual([]);
  });

  test('automated backups kept less than the plan asks: fails with the fix; enough: passes', async () => {
    const error = await failureOf(
      snapshotRds(
        rds,
        '20261129T170000Z',
        { instance: short, minRetentionDays: 7 },
        {
          clock: steppingClock(),
          logger: new MemoryLogger(),
        },
      ),
    );
    expect(errorLine(error)).toMatch(/are kept 3 days, less than 'database\.rds\.minRetentionDays' \(7\)/);
    expect(errorLine(error)).toContain('--backup-retention-period 7 --apply-immediately');
    expect(await snapshotsOf(short)).toEqual([]);
    const record = await snapshotRds(
      rds,
      '20261129T170000Z',
      { instance: short, minRetentionDays: 3 },
      {
        clock: steppingClock(),
        logger: new MemoryLogger(),
      },
    );
    expect(record.backupRetentionPeriod).toBe(3);
    expect((await snapshotsOf(short)).map((s) => s.DBSnapshotIdentifier)).toEqual([record.snapshotId]);
  });

  test('an instance that does not exist, or a bad identifier, is named in one line', async () => {
    const missing = await failureOf(
      snapshotRds(
        rds,
        '20261129T170000Z',
        { instance: `nope-${suffix}`, minRetentionDays: 1 },
        {
          clock: steppingClock(),
          logger: new MemoryLogger(),
        },
      ),
    );
    expect(errorLine(missing)).toMatch(
      new RegExp(
        `^'database\\.rds\\.instance' is 'nope-${suffix}': no RDS DB instance of that identifier in us-east-1`,
      ),
    );
    const bad = await failureOf(
      snapshotRds(
        rds,
        '20261129T170000Z',
        { instance: 'bad--name', minRetentionDays: 1 },
        {
          clock: steppingClock(),
          logger: new MemoryLogger(),
        },
      ),
    );
    expect(errorLine(bad)).toMatch(/^'database\.rds\.instance' is 'bad--name': expected an RDS DB instance identifier/);
  });

  test('listRdsSnapshots returns only ours, oldest set first; deleteRdsSnapshot deletes ours and refuses others', async () => {
    const clock = steppingClock();
    const logger = new MemoryLogger();
    await snapshotRds(rds, '20261128T010000Z', { instance: on, minRetentionDays: 1 }, { clock, logger });
    const listed = await listRdsSnapshots(rds, on);
    expect(listed.map((s) => [s.snapshotId, s.setId, s.status])).toEqual([
      [rdsSnapshotId(on, '20261128T010000Z'), '20261128T010000Z', 'available'],
      [rdsSnapshotId(on, '20261129T160312Z'), '20261129T160312Z', 'available'],
    ]);
    expect(listed[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await listRdsSnapshots(rds, off)).toEqual([]);

    await deleteRdsSnapshot(rds, rdsSnapshotId(on, '20261128T010000Z'));
    await deleteRdsSnapshot(rds, rdsSnapshotId(on, '20261128T010000Z')); // gone already: fine
    expect((await listRdsSnapshots(rds, on)).map((s) => s.setId)).toEqual(['20261129T160312Z']);
    for (const theirs of [`manual-${suffix}`, `other-${suffix}`]) {
      await expect(deleteRdsSnapshot(rds, theirs)).rejects.toThrow(/is not phlo-deploy's .* it is left alone/);
    }
    expect((await snapshotsOf(on)).map((s) => s.DBSnapshotIdentifier).sort()).toEqual(
      [`manual-${suffix}`, `other-${suffix}`, rdsSnapshotId(on, '20261129T160312Z')].sort(),
    );
  });

  describe('waiting for the snapshot (moto makes snapshots available at once; a proxy says otherwise)', () => {
    let proxy: FaultProxy;
    const creating = (id: string): string =>
      `<DescribeDBSnapshotsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBSnapshotsResult>` +
      `<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>${id}</DBSnapshotIdentifier><Status>creating</Status>` +
      `<PercentProgress>40</PercentProgress></DBSnapshot></DBSnapshots></DescribeDBSnapshotsResult>` +
      `<ResponseMetadata><RequestId>fault-proxy</RequestId></ResponseMetadata></DescribeDBSnapshotsResponse>`;
    const describeOf = (id: string) => (req: { body: Buffer }) => {
      const form = new URLSearchParams(req.body.toString('utf8'));
      return form.get('Action') === 'DescribeDBSnapshots' && form.get('DBSnapshotIdentifier') === id;
    };

    beforeAll(async () => {
      proxy = await new FaultProxy(env.AWS_ENDPOINT_URL!).start();
    });
    afterAll(async () => {
      await proxy.stop();
    });

    test('polls on the clock until available', async () => {
      const setId = '20261129T180000Z';
      const id = rdsSnapshotId(on, setId);
      // the look before creating finds nothing (passed through); the next three say "creating"
      let looks = 0;
      proxy.setRules([
        {
          match: (req) => describeOf(id)(req) && looks++ >= 1 && looks <= 4,
          fault: { status: 200, body: creating(id), headers: { 'content-type': 'text/xml' } },
        },
      ]);
      const clock = steppingClock();
      const logger = new MemoryLogger();
      const viaProxy = rdsAt(proxy.url);
      try {
        const record = await snapshotRds(
          viaProxy,
          setId,
          { instance: on, minRetentionDays: 7 },
          { clock, logger, pollMs: 20_000 },
        );
        expect(record.snapshotId).toBe(id);
      } finally {
        viaProxy.destroy();
      }
      expect(clock.sleeps).toEqual([20_000, 20_000, 20_000]);
      expect(logger.text()).toContain(`RDS snapshot ${id}: creating (40%)`);
    });

    test('gives up after the timeout, saying the snapshot is left for a later run', async () => {
      const setId = '20261129T190000Z';
      const id = rdsSnapshotId(on, setId);
      let looks = 0;
      proxy.setRules([
        {
          match: (req) => describeOf(id)(req) && looks++ >= 1,
          fault: { status: 200, body: creating(id), headers: { 'content-type': 'text/xml' } },
        },
      ]);
      const clock = steppingClock();
      const viaProxy = rdsAt(proxy.url);
      try {
        const error = await failureOf(
          snapshotRds(
            viaProxy,
            setId,
            { instance: on, minRetentionDays: 7 },
            {
              clock,
              logger: new MemoryLogger(),
              pollMs: 60_000,
              timeoutMs: 5 * 60_000,
            },
          ),
        );
        expect(errorLine(error)).toBe(
          `RDS snapshot ${id} was not available after 300 s (last status: creating (40%)); it is left in place and a later run of this set picks it up`,
        );
      } finally {
        viaProxy.destroy();
      }
      expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(5 * 60_000);
    });

    test('throttling and 503s on the RDS calls are retried', async () => {
      const setId = '20261129T200000Z';
      proxy.setRules([
        { match: (req) => req.body.includes('Action=DescribeDBInstances'), times: 2, fault: { status: 503 } },
        {
          match: (req) => req.body.includes('Action=CreateDBSnapshot'),
          times: 1,
          fault: {
            status: 400,
            headers: { 'content-type': 'text/xml' },
            body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>',
          },
        },
      ]);
      const viaProxy = rdsAt(proxy.url);
      try {
        const record = await snapshotRds(
          viaProxy,
          setId,
          { instance: on, minRetentionDays: 7 },
          {
            clock: steppingClock(),
            logger: new MemoryLogger(),
          },
        );
        expect(record.snapshotId).toBe(rdsSnapshotId(on, setId));
      } finally {
        viaProxy.destroy();
      }
      const injected = proxy.log.filter((r) => r.injected).slice(-3);
      expect(injected.map((r) => r.outcome)).toEqual([503, 503, 400]);
    });
  });
});
