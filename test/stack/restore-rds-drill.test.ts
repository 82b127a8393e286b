/**
 * RDS restore on moto (the new instance carries the source's subnet group, security groups, parameter
 * group, class and Multi-AZ; a point in time outside the restorable window is refused), and the
 * restore drill on the stack (passes on a good set and records verifiedRestoreAt; deletes its
 * throwaways; fails on a corrupted set).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DeleteDBSnapshotCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { awsClientConfig } from '../../src/lib/aws/client.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { snapshotRds } from '../../src/lib/backup/rds.js';
import { readJson } from '../../src/lib/backup/store.js';
import type { SetRecord } from '../../src/lib/backup/types.js';
import { parseRestoreSettings } from '../../src/lib/restore/settings.js';
import { runRestore } from '../../src/lib/restore/restore.js';
import { runDrill } from '../../src/lib/restore/drill.js';
import { restoredInstanceId } from '../../src/lib/restore/plan.js';
import { restoredDatabaseName } from '../../src/lib/restore/postgres.js';
import { listAll } from '../../src/lib/restore/s3.js';
import { loadStackEnv } from '../helpers/stack.js';
import { removeBucket } from '../helpers/lake-seed.js';
import {
  buildSet,
  createBucket,
  databases,
  dropDatabase,
  emptyAndDeleteBucket,
  pgUrl,
  psql,
  rand,
  seedDatabase,
  seedLake,
  stackS3,
  type BuiltSet,
} from './restore.fixtures.js';

const id = rand();
const environment = 'drilltest';
const workspace = mkdtempSync(path.join(tmpdir(), 'restore-drill-ws-'));
const stack = loadStackEnv(['AWS_ENDPOINT_URL', 'PHLO_S3_ENDPOINT']);
const rds = new RDSClient({
  ...awsClientConfig({ region: 'us-east-1', endpoint: stack.AWS_ENDPOINT_URL! }),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
let s3: S3Client;

function settings(extra: Record<string, string>, backupBucket: string) {
  return parseRestoreSettings(
    new Inputs(fromRecord({ environment, 'backup-bucket': backupBucket, 'database-url': pgUrl('postgres'), ...extra })),
    { ...process.env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace },
    () => undefined,
  );
}
const ports = () => ({ s3, rds, exec: spawnExec, logger: new MemoryLogger(), clock: systemClock, env: process.env });

/** moto's EC2 through the aws CLI (no EC2 SDK client in the dependencies): a VPC, two subnets, a security group. */
async function ec2(args: string[]): Promise<string> {
  const r = await spawnExec('aws', ['--endpoint-url', stack.AWS_ENDPOINT_URL!, 'ec2', ...args, '--output', 'text'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' },
  });
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('RDS restore on moto', () => {
  const source = `phlo-src-${id}`;
  const subnetGroup = `phlo-sng-${id}`;
  const parameterGroup = `phlo-pg-${id}`;
  const backupBucket = `phlo-rdsb-${id}`;
  let vpc = '';
  let subnets: string[] = [];
  let sg = '';
  let set: BuiltSet;
  const created: string[] = [];

  beforeAll(async () => {
    s3 = stackS3();
    await createBucket(s3, backupBucket);
    vpc = await ec2(['create-vpc', '--cidr-block', '10.42.0.0/16', '--query', 'Vpc.VpcId']);
    subnets = [
      await ec2([
        'create-subnet',
        '--vpc-id',
        vpc,
        '--cidr-block',
        '10.42.1.0/24',
        '--availability-zone',
        'us-east-1a',
        '--query',
        'Subnet.SubnetId',
      ]),
      await ec2([
        'create-subnet',
        '--vpc-id',
        vpc,
        '--cidr-block',
        '10.42.2.0/24',
        '--availability-zone',
        'us-east-1b',
        '--query',
        'Subnet.SubnetId',
      ]),
    ];
    sg = await ec2([
      'create-security-group',
      '--group-name',
      `phlo-${id}`,
      '--description',
      'phlo',
      '--vpc-id',
      vpc,
      '--query',
      'GroupId',
    ]);
    await rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: subnetGroup,
        DBSubnetGroupDescription: 'phlo',
        SubnetIds: subnets,
      }),
    );
    await rds.send(
      new CreateDBParameterGroupCommand({
        DBParameterGroupName: parameterGroup,
        DBParameterGroupFamily: 'postgres15',
        Description: 'phlo',
      }),
    );
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: source,
        DBInstanceClass: 'db.r6g.large',
        Engine: 'postgres',
        MasterUsername: 'phlo',
        MasterUserPassword: randomBytes(12).toString('hex'),
        AllocatedStorage: 20,
        BackupRetentionPeriod: 7,
        MultiAZ: true,
        DBSubnetGroupName: subnetGroup,
        VpcSecurityGroupIds: [sg],
        DBParameterGroupName: parameterGroup,
      }),
    );
    const at = new Date('2026-11-29T12:00:00Z');
    const { setIdAt } = await import('../../src/lib/backup/layout.js');
    const record = await snapshotRds(
      rds,
      setIdAt(at),
      { instance: source, minRetentionDays: 1 },
      { clock: systemClock, logger: new MemoryLogger(), pollMs: 10 },
    );
    set = await buildSet({ s3, environment, backupBucket, prefix: 'b/', rds: record, at });
  });

  afterAll(async () => {
    for (const i of [...created, source])
      await rds
        .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: i, SkipFinalSnapshot: true }))
        .catch(() => undefined);
    for (const d of set?.manifest.database ?? [])
      if (d.kind === 'rds-snapshot')
        await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: d.snapshotId })).catch(() => undefined);
    await rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: subnetGroup })).catch(() => undefined);
    await rds.send(new DeleteDBParameterGroupCommand({ DBParameterGroupName: parameterGroup })).catch(() => undefined);
    await ec2(['delete-security-group', '--group-id', sg]).catch(() => undefined);
    for (const s of subnets) await ec2(['delete-subnet', '--subnet-id', s]).catch(() => undefined);
    if (vpc) await ec2(['delete-vpc', '--vpc-id', vpc]).catch(() => undefined);
    await emptyAndDeleteBucket(s3, backupBucket);
    rds.destroy();
    s3?.destroy();
  });

  test('a point in time after LatestRestorableTime or before the earliest is refused, naming the window', async () => {
    const late = await runRestore(
      settings({ 'backup-prefix': 'b/', confirm: environment, 'point-in-time': '2099-01-01T00:00:00Z' }, backupBucket),
      set.store,
      ports(),
    );
    expect(late.report.result).toBe('refused');
    expect(late.report.error).toMatch(
      /Input 'point-in-time' is 2099-01-01T00:00:00.000Z, after the latest restorable time of 'phlo-src-/,
    );
    const early = await runRestore(
      settings({ 'backup-prefix': 'b/', confirm: environment, 'point-in-time': '2001-01-01T00:00:00Z' }, backupBucket),
      set.store,
      ports(),
    );
    expect(early.report.error).toMatch(/before the earliest restorable time/);
    const instances = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map(
      (i) => i.DBInstanceIdentifier,
    );
    expect(instances).not.toContain(restoredInstanceId(source, set.setId));
  });

  test('the new instance carries the source subnet group, security groups, parameter group, class and Multi-AZ', async () => {
    const dry = await runRestore(settings({ 'backup-prefix': 'b/' }, backupBucket), set.store, ports());
    expect(dry.report.result).toBe('planned');
    const newId = restoredInstanceId(source, set.setId);
    expect(dry.plan!.creates.join('\n')).toContain(`rds: instance '${newId}'`);
    expect(
      (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.map((i) => i.DBInstanceIdentifier),
    ).not.toContain(newId);

    created.push(newId);
    const { report } = await runRestore(
      settings({ 'backup-prefix': 'b/', confirm: environment }, backupBucket),
      set.store,
      ports(),
    );
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('restored');
    const i = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: newId }))).DBInstances![0]!;
    expect(i.DBSubnetGroup?.DBSubnetGroupName).toBe(subnetGroup);
    expect(i.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([sg]);
    expect(i.DBParameterGroups?.map((g) => g.DBParameterGroupName)).toEqual([parameterGroup]);
    expect(i.DBInstanceClass).toBe('db.r6g.large');
    expect(i.MultiAZ).toBe(true);
    // the name is now taken: a second restore of the set is refused before writing
    const again = await runRestore(
      settings({ 'backup-prefix': 'b/', confirm: environment }, backupBucket),
      set.store,
      ports(),
    );
    expect(again.report.error).toMatch(/already exists/);
  });
});

describe('restore drill', () => {
  const lakeBucket = `phlo-dlake-${id}`;
  const backupBucket = `phlo-dback-${id}`;
  const db = `dsrc_${id}`;
  let set: BuiltSet;

  beforeAll(async () => {
    s3 ??= stackS3();
    await createBucket(s3, lakeBucket);
    await createBucket(s3, backupBucket);
    await seedLake(s3, lakeBucket);
    await seedDatabase(db);
    set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: 'd/',
      lakeBucket,
      database: db,
      at: new Date('2026-11-29T13:00:00Z'),
    });
  });

  afterAll(async () => {
    await dropDatabase(db);
    await dropDatabase(restoredDatabaseName(db, set.setId, true));
    await emptyAndDeleteBucket(s3, lakeBucket);
    await emptyAndDeleteBucket(s3, backupBucket);
  });

  test('passes on a good set: restores, verifies, deletes its throwaways, records verifiedRestoreAt', async () => {
    const dbBefore = await databases(id);
    const lakeBefore = [...(await listAll(s3, lakeBucket, '')).keys()];
    // what a drill killed half way would have left: removed first, so the plan finds the names free
    await psql(`CREATE DATABASE "${restoredDatabaseName(db, set.setId, true)}"`);
    await s3.send(new PutObjectCommand({ Bucket: lakeBucket, Key: `restore-drill-${set.setId}/stale.bin`, Body: 'x' }));
    const outcome = await runDrill(
      settings({ 'backup-prefix': 'd/', drill: 'true' }, backupBucket),
      set.store,
      ports(),
    );
    expect(outcome.report.error).toBeUndefined();
    expect(outcome.report.result).toBe('restored');
    expect(outcome.report.written.lake!.verified).toBe(set.manifest.lake.entries.length);
    expect(outcome.report.written.dumps[0]!.rowCounts).toEqual({ runs: 120, event_logs: 900 });
    expect(outcome.lastVerifiedRestore).toMatch(new RegExp(`^${set.setId} \\d{4}-`));
    expect(outcome.cleanup.filter((c) => c.startsWith('before: '))).toHaveLength(2);
    // the throwaways are gone
    expect(await databases(id)).toEqual(dbBefore);
    expect([...(await listAll(s3, lakeBucket, '')).keys()]).toEqual(lakeBefore);
    const record = await readJson<SetRecord>(set.store, set.store.layout.set(set.setId).record);
    expect(record!.verifiedRestoreAt).toBe(outcome.lastVerifiedRestore!.split(' ')[1]);
    expect(record!.state).toBe('complete');
  });

  test('fails on a corrupted set, writing nothing', async () => {
    const e = set.manifest.lake.entries[1]!;
    await s3.send(new PutObjectCommand({ Bucket: backupBucket, Key: e.copyKey, Body: 'bad' }));
    const before = await readJson<SetRecord>(set.store, set.store.layout.set(set.setId).record);
    const outcome = await runDrill(
      settings({ 'backup-prefix': 'd/', drill: 'true' }, backupBucket),
      set.store,
      ports(),
    );
    expect(outcome.report.result).toBe('refused');
    expect(outcome.lastVerifiedRestore).toBeUndefined();
    expect(await readJson<SetRecord>(set.store, set.store.layout.set(set.setId).record)).toEqual(before);
    expect([...(await listAll(s3, lakeBucket, 'restore-drill-')).keys()]).toEqual([]);
  });
});

describe('restore drill on a versioned lake', () => {
  const lakeBucket = `phlo-dvlake-${id}`;
  const backupBucket = `phlo-dvback-${id}`;
  let set: BuiltSet;
  const versions = async (prefix = '') => {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: lakeBucket, Prefix: prefix || undefined }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => `${v.Key} ${v.VersionId}`).sort();
  };

  beforeAll(async () => {
    s3 ??= stackS3();
    await createBucket(s3, lakeBucket);
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: lakeBucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await createBucket(s3, backupBucket);
    await seedLake(s3, lakeBucket);
    set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: 'v/',
      lakeBucket,
      at: new Date('2026-11-29T14:00:00Z'),
    });
  });

  afterAll(async () => {
    await removeBucket(s3, lakeBucket);
    await emptyAndDeleteBucket(s3, backupBucket);
  });

  test('the clean-up deletes every version the drill wrote: nothing is left under restore-drill-<set>/', async () => {
    expect(set.manifest.lake.entries.every((e) => e.versionId)).toBe(true); // the lake is versioned
    const before = await versions();
    const outcome = await runDrill(
      settings({ 'backup-prefix': 'v/', drill: 'true' }, backupBucket),
      set.store,
      ports(),
    );
    expect(outcome.report.error).toBeUndefined();
    expect(outcome.report.result).toBe('restored');
    expect(outcome.report.written.lake!.verified).toBe(set.manifest.lake.entries.length);
    expect(outcome.cleanup).toEqual([
      `deleted ${set.manifest.lake.entries.length} object versions and delete markers under s3://${lakeBucket}/restore-drill-${set.setId}/ (a versioned bucket: nothing left behind)`,
    ]);
    expect(await versions(`restore-drill-${set.setId}/`)).toEqual([]);
    expect(await versions()).toEqual(before);
  });
});
