/**
 * runBackup on the local stack: MinIO buckets as lake and backup store, a scratch PostgreSQL database
 * for pg_dump, a steered clock. A full set then an incremental one (only what changed is copied, a
 * deletion in the lake deletes nothing in the backup, both sets complete and verified); a dry run
 * writes nothing; an emptied lake fails the guard, leaves no complete set and notifies Slack (a
 * recorder); sharded phases (begin, three lake shards, finish) make the same set as one process.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { runBackup, type BackupDeps, type BackupResult } from '../../src/lib/backup/backup.js';
import { parseBackupSettings, type BackupSettings } from '../../src/lib/backup/settings.js';
import { backupSummary } from '../../src/lib/backup/summary.js';
import { backupStore, listKeys, listSets, readManifest } from '../../src/lib/backup/store.js';
import { setIdAt } from '../../src/lib/backup/layout.js';
import { notify } from '../../src/lib/notify/notify.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { ownClients } from '../../src/lib/kube/clients.js';
import { createBucket, putObject, removeBucket, seedLake, stackS3 } from '../helpers/lake-seed.js';
import {
  createScratchDatabase,
  seedDagsterSchema,
  SEED_KEY_TABLES,
  type ScratchDatabase,
} from '../helpers/phlo-seed.js';
import { Recorder } from '../helpers/recorder.js';
import { loadStackEnv } from '../helpers/stack.js';

const ENV = 'local';
const DAY = 24 * 3_600_000;

let s3: S3Client;
let lake: string;
let backup: string;
let db: ScratchDatabase;
let workspace: string;
let slack: Recorder;
const buckets: string[] = [];

function plan(
  lakeBucket: string,
  backupBucket: string,
  extra = '',
  retention = { keepLast: 5, daily: 2, weekly: 1, monthly: 1 },
): string {
  return `environment: ${ENV}
backupBucket: ${backupBucket}
database:
  postgres:
    keyTables: [${SEED_KEY_TABLES.join(', ')}]
lake:
  bucket: ${lakeBucket}
  prefixes: ['']
  exclude: ['tmp/*']
  concurrency: 8
verify:
  sample: 4
guards:
  maxShrinkPercent: 20
retention:
  keepLast: ${retention.keepLast}
  daily: ${retention.daily}
  weekly: ${retention.weekly}
  monthly: ${retention.monthly}
  maxDelete: 1000
  incompleteGraceHours: 1
freshness:
  maxAgeHours: 26
${extra}`;
}

function settingsFor(inputs: Record<string, string>, planText: string): BackupSettings {
  const dir = mkdtempSync(join(workspace, 'ws-'));
  mkdirSync(join(dir, 'k8s', 'environments', ENV), { recursive: true });
  writeFileSync(join(dir, 'k8s', 'environments', ENV, 'backup.yaml'), planText);
  return parseBackupSettings(
    new Inputs(
      fromRecord({
        environment: ENV,
        workspace: dir,
        'database-url': db.url,
        'slack-webhook-url': `${slack.url}/slack`,
        report: join(dir, 'report.json'),
        ...inputs,
      }),
    ),
    {},
    () => undefined,
  );
}

function deps(at: number, logger = new MemoryLogger()): BackupDeps & { logger: MemoryLogger } {
  return {
    s3,
    exec: spawnExec,
    env: { PATH: process.env.PATH },
    clock: { now: () => at, sleep: async () => undefined },
    logger,
    notify: (notice) => notify(notice, settingsFor({}, plan(lake, backup)).notify, { logger }),
  };
}

const logText = (l: MemoryLogger): string => JSON.stringify(l);

beforeAll(async () => {
  s3 = stackS3();
  lake = await createBucket(s3, 'lake');
  backup = await createBucket(s3, 'backup');
  buckets.push(lake, backup);
  await seedLake(s3, lake, { tables: 3, filesPerTable: 6, multipart: 1, tmp: 3 });
  db = await createScratchDatabase('backup_run');
  await seedDagsterSchema(db.url, { runs: 10, eventsPerRun: 5 });
  workspace = mkdtempSync(join(tmpdir(), 'phlo-backup-run-'));
  slack = await new Recorder().start();
}, 300_000);

afterAll(async () => {
  for (const b of buckets) await removeBucket(s3, b);
  await db?.drop();
  await slack?.stop();
  rmSync(workspace, { recursive: true, force: true });
  s3?.destroy();
});

describe('runBackup', () => {
  const t0 = Date.UTC(2026, 10, 20, 2, 0, 0);
  let first: BackupResult;
  let m1Copy = '';

  test('a full set: database first, the lake without tmp/, verified, complete', async () => {
    const d = deps(t0);
    first = await runBackup(settingsFor({}, plan(lake, backup)), d);
    expect(first.failure).toBeUndefined();
    expect(first.setId).toBe(setIdAt(new Date(t0)));
    expect(first.state).toBe('complete');
    expect(first.database).toEqual([
      expect.objectContaining({ kind: 'pg_dump', rowCounts: { runs: 10, event_logs: 50 } }),
    ]);
    // 3 tables × (6 data files + 1 metadata file) + 1 multipart object; tmp/ left out
    expect(first.lake).toMatchObject({ objects: 22, copied: 22, excluded: 3 });
    expect(first.verification).toMatchObject({ verified: 22, total: 22, sampled: 4, problems: [] });
    const manifest = await readManifest(backupStore(s3, backup, `phlo-backup/${ENV}/`), first.setId!);
    expect(manifest.set.state).toBe('complete');
    expect(manifest.lake.entries.some((e) => e.key.startsWith('tmp/'))).toBe(false);
    expect(manifest.database[0]).toMatchObject({ kind: 'pg_dump' });
    expect(backupSummary(first)).toContain('verified: 22/22 objects, sampled: 4');
    expect(backupSummary(first)).toMatch(/last complete set: \d{8}T\d{6}Z, 0m/);
    expect(logText(d.logger)).not.toContain(db.password);
    expect(slack.requests).toEqual([]);
  });

  test('the next set copies only what changed or is new; a deletion in the lake deletes nothing', async () => {
    const deleted = 'warehouse/table_0/data/part-0.parquet';
    await s3.send(new DeleteObjectCommand({ Bucket: lake, Key: deleted }));
    await putObject(s3, lake, 'warehouse/table_1/data/part-1.parquet', Buffer.from('changed contents'));
    await putObject(s3, lake, 'warehouse/table_2/data/part-new.parquet', Buffer.from('a new file'));
    const store = backupStore(s3, backup, `phlo-backup/${ENV}/`);
    const before = new Set((await listKeys(store, store.layout.dataPrefix)).map((o) => o.key));

    const second = await runBackup(settingsFor({}, plan(lake, backup)), deps(t0 + DAY));
    expect(second.failure).toBeUndefined();
    expect(second.state).toBe('complete');
    expect(second.lake).toMatchObject({ objects: 22, copied: 2 });
    expect(second.verification).toMatchObject({ verified: 22, total: 22, problems: [] });
    const after = new Set((await listKeys(store, store.layout.dataPrefix)).map((o) => o.key));
    for (const k of before) expect(after.has(k)).toBe(true); // nothing removed, the deleted file's copy included
    const sets = await listSets(store);
    expect(sets.map((s) => [s.id, s.state])).toEqual([
      [first.setId, 'complete'],
      [second.setId, 'complete'],
    ]);
    // each set is whole on its own: the first still names the deleted object
    const m1 = await readManifest(store, first.setId!);
    expect(m1.lake.entries.map((e) => e.key)).toContain(deleted);
    m1Copy = m1.lake.entries.find((e) => e.key === deleted)!.copyKey;
    expect(second.retention?.remove).toEqual([]);
  });

  test('a dry run lists and decides everything and writes nothing', async () => {
    await putObject(s3, lake, 'warehouse/table_0/data/dry.parquet', Buffer.from('not copied by a dry run'));
    const everything = async () => (await listKeys(backupStore(s3, backup, ''), '')).map((o) => `${o.key} ${o.etag}`);
    const before = await everything();
    const d = deps(t0 + 2 * DAY);
    const dry = await runBackup(settingsFor({ 'dry-run': 'true' }, plan(lake, backup)), d);
    expect(dry.failure).toBeUndefined();
    expect(dry.state).toBe('planned');
    expect(dry.lake).toMatchObject({ objects: 23, copied: 1 });
    expect(dry.plan.join('\n')).toMatch(/would copy 1 of 23 lake objects/);
    expect(dry.plan.join('\n')).toMatch(/retention would/);
    expect(await everything()).toEqual(before);
    expect(backupSummary(dry)).toContain('nothing written');
  });

  test('an emptied lake fails the guard before anything is written, leaves no complete set, notifies', async () => {
    const empty = await createBucket(s3, 'lake-empty');
    buckets.push(empty);
    const store = backupStore(s3, backup, `phlo-backup/${ENV}/`);
    const setsBefore = await listSets(store);
    const d = deps(t0 + 3 * DAY);
    const failed = await runBackup(settingsFor({ 'lake-bucket': empty }, plan(lake, backup)), d);
    expect(failed.failure).toMatch(/lake listing is empty/);
    expect(failed.state).not.toBe('complete');
    expect(await listSets(store)).toEqual(setsBefore); // no new set, nothing marked complete
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]!.body).toMatch(/backup/);
    expect(slack.requests[0]!.body).toMatch(/empty/);
    expect(slack.requests[0]!.body).not.toContain(db.password);

    // With a reason the same run goes through and records it.
    slack.requests.length = 0;
    const allowed = await runBackup(
      settingsFor({ 'lake-bucket': empty, 'allow-shrink': 'lake moved to a new bucket' }, plan(lake, backup)),
      deps(t0 + 3 * DAY + 60_000),
    );
    expect(allowed.failure).toBeUndefined();
    expect(allowed.state).toBe('complete');
    expect(allowed.overrides.join()).toContain('lake moved to a new bucket');
  });

  test('phases: begin, three lake shards, finish make the set one process would', async () => {
    const at = t0 + 4 * DAY;
    const begun = await runBackup(settingsFor({ phase: 'begin', shards: '3' }, plan(lake, backup)), deps(at));
    expect(begun.failure).toBeUndefined();
    expect(begun.state).toBe('incomplete');
    const id = begun.setId!;
    const shards = await Promise.all(
      [1, 2, 3].map((i) =>
        runBackup(settingsFor({ phase: 'lake', 'set-id': id, shard: `${i}/3` }, plan(lake, backup)), deps(at + 1000)),
      ),
    );
    for (const s of shards) expect([s.failure, s.state]).toEqual([undefined, 'incomplete']);
    expect(shards.reduce((n, s) => n + s.lake!.objects, 0)).toBe(23);
    const kubeconfig = loadStackEnv(['KUBECONFIG']).KUBECONFIG!;
    const done = await runBackup(
      settingsFor(
        { phase: 'finish', 'set-id': id, shards: '3' },
        plan(lake, backup, 'cluster:\n  includeSecretValues: false\n'),
      ),
      { ...deps(at + 2000), kube: () => ownClients()({ kind: 'file', path: kubeconfig }) },
    );
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('complete');
    expect(done.lake).toMatchObject({ objects: 23 });
    expect(done.verification).toMatchObject({ verified: 23, total: 23, problems: [] });
    expect(done.database).toEqual([expect.objectContaining({ kind: 'pg_dump' })]);
    expect(done.cluster).toMatchObject({ key: expect.stringContaining(`sets/${id}/cluster/objects.json`) });
  });

  test('retention after a complete set: old sets and the copies only they named go; the newest stay whole', async () => {
    const store = backupStore(s3, backup, `phlo-backup/${ENV}/`);
    const deletedCopy = m1Copy;
    expect((await listKeys(store, deletedCopy)).length).toBe(1);
    const last = await runBackup(
      settingsFor({}, plan(lake, backup, '', { keepLast: 1, daily: 0, weekly: 0, monthly: 0 })),
      deps(t0 + 5 * DAY),
    );
    expect(last.failure).toBeUndefined();
    expect(last.state).toBe('complete');
    expect(last.retention?.deletedSets).toEqual(expect.arrayContaining([first.setId]));
    const left = await listSets(store);
    expect(left.map((s) => s.id)).toEqual([last.setId]);
    // the copy of the object the lake deleted on day 1 was named by removed sets only
    expect(await listKeys(store, deletedCopy)).toEqual([]);
    // the kept set is whole: every copy its manifest names is there
    const copies = new Set((await listKeys(store, store.layout.dataPrefix)).map((o) => o.key));
    const manifest = await readManifest(store, last.setId!);
    for (const e of manifest.lake.entries) expect(copies.has(e.copyKey)).toBe(true);
  });

  test("the plan's Object Lock retention is on every copy the run makes, and the next set extends the copies it reuses", async () => {
    const locked = await createBucket(s3, 'backup-locked', { objectLock: true });
    buckets.push(locked);
    const at = t0 + 40 * DAY;
    const settings = settingsFor({}, plan(lake, locked, 'objectLock:\n  mode: GOVERNANCE\n  days: 30\n'));
    const result = await runBackup(settings, deps(at));
    expect(result.state).toBe('complete');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: locked, Prefix: 'phlo-backup/local/data/' }));
    expect(listed.Contents?.length).toBeGreaterThan(0);
    for (const o of listed.Contents ?? []) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: locked, Key: o.Key! }));
      expect(head.ObjectLockMode).toBe('GOVERNANCE');
      expect(head.ObjectLockRetainUntilDate?.getTime()).toBe(at + 30 * DAY);
    }
    expect((await readManifest(backupStore(s3, locked, `phlo-backup/${ENV}/`), result.setId!)).lake.objectLock).toEqual(
      { mode: 'GOVERNANCE', retainUntil: new Date(at + 30 * DAY).toISOString() },
    );

    // the next day's set copies one new object and names the others again: they are extended to its date
    await putObject(s3, lake, 'warehouse/table_0/data/locked-next-day.parquet', Buffer.from('new'));
    const next = await runBackup(settings, deps(at + DAY));
    expect(next.state).toBe('complete');
    expect(next.lake!.copied).toBe(1);
    expect(next.lake!.objectLock).toMatchObject({ extended: next.lake!.objects - 1, alreadyLocked: 0 });
    const manifest = await readManifest(backupStore(s3, locked, `phlo-backup/${ENV}/`), next.setId!);
    expect(manifest.lake.objectLock).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: new Date(at + DAY + 30 * DAY).toISOString(),
    });
    for (const e of manifest.lake.entries) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: locked, Key: e.copyKey }));
      expect(head.ObjectLockRetainUntilDate?.getTime()).toBe(at + DAY + 30 * DAY);
    }
    expect(backupSummary(next)).toContain(
      `of the reused copies, ${next.lake!.objects - 1} extended to it, 0 already locked as long or longer`,
    );
  });

  test('a corrupted copy fails verification in finish: the set is failed, not complete, and Slack hears of it', async () => {
    const store = backupStore(s3, backup, `phlo-backup/${ENV}/`);
    const key = 'warehouse/table_0/data/corrupt-me.parquet';
    await putObject(s3, lake, key, Buffer.from('the original bytes'));
    const at = t0 + 6 * DAY;
    const begun = await runBackup(settingsFor({ phase: 'begin' }, plan(lake, backup)), deps(at));
    const id = begun.setId!;
    const lakeRun = await runBackup(
      settingsFor({ phase: 'lake', 'set-id': id, shard: '1/1' }, plan(lake, backup)),
      deps(at + 1000),
    );
    expect(lakeRun.failure).toBeUndefined();
    const copy = (await listKeys(store, `${store.layout.dataPrefix}${key}/`))[0]!.key;
    await putObject(s3, backup, copy, Buffer.from('other bytes'));
    slack.requests.length = 0;
    const done = await runBackup(settingsFor({ phase: 'finish', 'set-id': id }, plan(lake, backup)), deps(at + 2000));
    expect(done.state).toBe('failed');
    expect(done.failure).toMatch(/failed verification/);
    expect(done.retention).toBeUndefined();
    const record = (await listSets(store)).find((s) => s.id === id)!;
    expect(record).toMatchObject({ state: 'failed', error: expect.stringMatching(/^verification: /) });
    expect(slack.requests).toHaveLength(1);
    expect(backupSummary(done)).toMatch(/❌ verified: \d+\/\d+ objects/);
  });
});
