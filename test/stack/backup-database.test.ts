/**
 * The database phase's logical dump on the stack's PostgreSQL and MinIO: pg_dump -Fc streamed into the
 * backup bucket, checked by pg_restore, row counts taken in the dump's snapshot; the dump restores
 * into another database with the same counts; the password shows up in no output.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { checkDump, dumpPostgres } from '../../src/lib/backup/database.js';
import { backupStore, type BackupStore } from '../../src/lib/backup/store.js';
import { setIdAt } from '../../src/lib/backup/layout.js';
import type { DatabaseDumpRecord } from '../../src/lib/backup/types.js';
import { errorLine } from '../../src/lib/runtime/errors.js';
import { spawnExec, type Exec } from '../../src/lib/runtime/exec.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import {
  createScratchDatabase,
  rowCounts,
  seedDagsterSchema,
  SEED_KEY_TABLES,
  sql,
  type ScratchDatabase,
} from '../helpers/phlo-seed.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { loadStackEnv } from '../helpers/stack.js';

const env = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY', 'PHLO_POSTGRES_ADMIN_URL']);
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: env.PHLO_S3_ENDPOINT!,
  forcePathStyle: true,
  credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: env.PHLO_S3_SECRET_KEY! },
});
const bucket = `phlo-dbdump-${randomBytes(4).toString('hex')}`;
const store = backupStore(s3, bucket, 'phlo-backup/test/');

/**
 * Every command line given to a program and everything it printed: what could leak. `beforeDump` runs
 * just before pg_dump starts (after the counts were taken).
 */
function recording(beforeDump: () => Promise<void> = async () => {}): { exec: Exec; seen: string[] } {
  const seen: string[] = [];
  const exec: Exec = async (command, args, options = {}) => {
    seen.push(`${command} ${args.join(' ')}`);
    if (command === 'pg_dump') await beforeDump();
    const result = await spawnExec(command, args, options);
    seen.push(result.stdout, result.stderr);
    return result;
  };
  return { exec, seen };
}

async function bytesOf(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

async function keys(prefix = ''): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

/** pg_restore of a dump's bytes into the database at `url` (the password through PGPASSWORD). */
async function restoreInto(target: ScratchDatabase, dump: Buffer): Promise<void> {
  const result = await spawnExec('pg_restore', ['--no-owner', '--exit-on-error', '--dbname', target.name], {
    env: {
      ...process.env,
      PGHOST: target.host,
      PGPORT: target.port,
      PGUSER: target.user,
      PGPASSWORD: target.password,
    },
    stdin: Readable.from([dump]),
  });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
}

describe('dumpPostgres on the stack', () => {
  let source: ScratchDatabase;
  let target: ScratchDatabase;
  let seeded: Record<string, number>;
  let record: DatabaseDumpRecord;
  const logger = new MemoryLogger();
  // rows written after the counts and before pg_dump starts: in neither the counts nor the dump
  const recorded = recording(async () => {
    await sql(
      source.url,
      `INSERT INTO runs (run_id, job_name, status) VALUES ('late-1', 'job', 'QUEUED'), ('late-2', 'job', 'QUEUED')`,
    );
    await sql(source.url, `INSERT INTO event_logs (run_id, event_type, "timestamp") VALUES ('late-1', 'STEP', now())`);
  });
  const setId = setIdAt(new Date());

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    source = await createScratchDatabase('dump_src');
    target = await createScratchDatabase('dump_dst');
    seeded = await seedDagsterSchema(source.url, { runs: 40, eventsPerRun: 12 });
    record = await dumpPostgres(
      store,
      setId,
      { url: source.url, keyTables: SEED_KEY_TABLES },
      { exec: recorded.exec, env: process.env, logger },
    );
  });

  afterAll(async () => {
    for (const key of await keys().catch(() => [])) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await source?.drop();
    await target?.drop();
    s3.destroy();
  });

  test('the dump is in the bucket with its size, SHA-256, TOC entries, row counts and a record beside it', async () => {
    expect(seeded).toEqual({ runs: 40, event_logs: 480 });
    expect(record.key).toBe(store.layout.set(setId).dump(source.name));
    const bytes = await bytesOf(record.key);
    expect(record.size).toBe(bytes.length);
    expect(record.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(record.rowCounts).toEqual(seeded);
    expect(await rowCounts(source.url, SEED_KEY_TABLES)).toEqual({ runs: 42, event_logs: 481 });
    // 2 tables, their sequence and its ownership/default, 2 table data, 2 primary keys, 1 FK, 1 index …
    expect(record.tocEntries).toBeGreaterThanOrEqual(9);
    expect(record.serverVersion).toMatch(/^\d+\.\d+/);
    const stored = JSON.parse((await bytesOf(store.layout.set(setId).dumpRecord(source.name))).toString('utf8'));
    expect(stored).toEqual(record);
    // the same bytes checked again, from the bucket, as restore will
    const again = await checkDump(Readable.from([bytes]), { env: process.env });
    expect(again).toEqual({ tocEntries: record.tocEntries, size: record.size, sha256: record.sha256 });
  });

  test('the dump restores into another database with the counts of the record (the dump read their snapshot), keys, index and foreign key', async () => {
    await restoreInto(target, await bytesOf(record.key));
    expect(await rowCounts(target.url, SEED_KEY_TABLES)).toEqual(seeded);
    const { rows } = await sql(
      target.url,
      `SELECT conname FROM pg_constraint WHERE contype = 'f' UNION ALL SELECT indexname FROM pg_indexes WHERE tablename = 'event_logs' ORDER BY 1`,
    );
    expect(rows.map((r: { conname: string }) => r.conname)).toEqual([
      'event_logs_pkey',
      'event_logs_run_id_fkey',
      'event_logs_run_id_idx',
    ]);
  });

  test('the password is in no command line, log line, program output or stored object', async () => {
    const everything = [...recorded.seen, logger.text(), JSON.stringify(record)].join('\n');
    expect(everything).toContain(source.name); // the outputs were collected at all
    expect(everything).not.toContain(source.password);
    for (const key of await keys()) expect((await bytesOf(key)).toString('latin1')).not.toContain(source.password);
  });

  test('a truncated dump fails the check', async () => {
    const bytes = await bytesOf(record.key);
    await expect(
      checkDump(Readable.from([bytes.subarray(0, bytes.length - 100)]), { env: process.env }),
    ).rejects.toThrow(/The dump is incomplete/);
    await expect(checkDump(Readable.from([Buffer.from('not a dump')]), { env: process.env })).rejects.toThrow(
      /not a readable archive/,
    );
  });
});

describe('dumpPostgres failures', () => {
  let db: ScratchDatabase;
  const failBucket = `phlo-dbfail-${randomBytes(4).toString('hex')}`;
  const failStore: BackupStore = backupStore(s3, failBucket, '');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: failBucket }));
    db = await createScratchDatabase('dump_fail');
    await seedDagsterSchema(db.url, { runs: 3, eventsPerRun: 2 });
  });
  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: failBucket }));
    for (const o of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: failBucket, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: failBucket })).catch(() => undefined);
    await db?.drop();
  });

  /** The run's one error line and the logger's lines; neither may hold the password. */
  async function failure(url: string, keyTables = SEED_KEY_TABLES, exec?: Exec): Promise<string> {
    const logger = new MemoryLogger();
    const error = await dumpPostgres(
      failStore,
      setIdAt(new Date()),
      { url, keyTables },
      {
        ...(exec ? { exec } : {}),
        env: process.env,
        logger,
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const line = errorLine(error);
    expect(line).not.toContain('\n');
    expect(`${line}\n${logger.text()}\n${String((error as Error).stack)}`).not.toContain(db.password);
    return line;
  }

  test('a wrong password gives one line naming the input, the host and the user, without the password', async () => {
    const wrong = new URL(db.url);
    wrong.password = `${db.password}x`;
    const line = await failure(wrong.href);
    expect(line).toContain("Input 'database-url'");
    expect(line).toContain(`${db.host}:${db.port}`);
    expect(line).toMatch(/password authentication failed/);
    expect(line).not.toContain(`${db.password}x`);
  });

  test('an unreachable host gives one line', async () => {
    const closed = new URL(db.url);
    closed.port = '1';
    const line = await failure(closed.href);
    expect(line).toMatch(/^Cannot read database '.*' at 127\.0\.0\.1:1 as '.*': .*(refused|failed)/);
  });

  test('a key table that does not exist is named before anything is dumped', async () => {
    const line = await failure(db.url, ['runs', 'dagster.nope']);
    expect(line).toContain("'dagster.nope'");
    expect(line).toContain('database.postgres.keyTables');
    expect(await s3.send(new ListObjectsV2Command({ Bucket: failBucket })).then((l) => l.KeyCount)).toBe(0);
  });

  test('a URL that is not one is refused without being quoted', async () => {
    const line = await failure(`mysql://u:${db.password}@h/db`);
    expect(line).toMatch(/^Input 'database-url' has the scheme 'mysql'/);
  });

  test('pg_dump failing half way leaves no dump object and no open multipart upload', async () => {
    // pg_dump's (uncompressed) output cut after 9 MiB of ~14 MiB, then exit 1: a dropped connection after
    // the upload sent its first 8 MiB part, so a multipart upload is open when the dump fails
    const big = await createScratchDatabase('dump_big');
    try {
      await seedDagsterSchema(big.url, { runs: 400, eventsPerRun: 200 });
      const cut: Exec = (command, args, options) =>
        command === 'pg_dump'
          ? spawnExec(
              'bash',
              [
                '-c',
                'pg_dump "$@" --compress=0 | head -c 9437184; echo "pg_dump: error: connection lost" >&2; exit 1',
                'pg_dump',
                ...args,
              ],
              options,
            )
          : spawnExec(command, args, options);
      const logger = new MemoryLogger();
      await expect(
        dumpPostgres(
          failStore,
          setIdAt(new Date()),
          { url: big.url, keyTables: [] },
          { exec: cut, env: process.env, logger },
        ),
      ).rejects.toThrow(/pg_dump of database '.*' failed \(exit 1\): connection lost/);
      expect(await s3.send(new ListObjectsV2Command({ Bucket: failBucket })).then((l) => l.KeyCount)).toBe(0);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: failBucket }));
      expect(uploads.Uploads ?? []).toEqual([]);
    } finally {
      await big.drop();
    }
  });
});

describe('dumpPostgres and S3 faults (through the fault proxy)', () => {
  let db: ScratchDatabase;
  let proxy: FaultProxy;
  let viaProxy: S3Client;
  const faultBucket = `phlo-dbfault-${randomBytes(4).toString('hex')}`;
  /** The dump's PUTs: PutObject of a small dump, UploadPart of a big one. */
  const dumpPut = { method: 'PUT', path: new RegExp(`^/${faultBucket}/sets/[^/]+/database/[^/?]+\\.dump`) };

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: faultBucket }));
    db = await createScratchDatabase('dump_fault');
    // ~14 MiB uncompressed: pg_dump is still writing (held back by the upload) when the first part fails
    await seedDagsterSchema(db.url, { runs: 400, eventsPerRun: 200 });
    proxy = await new FaultProxy(env.PHLO_S3_ENDPOINT!).start();
    viaProxy = new S3Client({
      region: 'us-east-1',
      endpoint: proxy.url,
      forcePathStyle: true,
      maxAttempts: 3,
      credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: env.PHLO_S3_SECRET_KEY! },
    });
  });
  afterAll(async () => {
    viaProxy?.destroy();
    await proxy?.stop();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: faultBucket }));
    for (const o of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: faultBucket, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: faultBucket })).catch(() => undefined);
    await db?.drop();
  });

  const slowDown = {
    status: 503,
    headers: { 'content-type': 'application/xml' },
    body: '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
  };

  /** pg_dump without compression, so the dump is big enough for a multipart upload. */
  const uncompressed: Exec = (command, args, options) =>
    spawnExec(command, command === 'pg_dump' ? [...args, '--compress=0'] : args, options);

  test("503s on the dump's parts are retried and the dump completes", async () => {
    proxy.setRules([{ match: dumpPut, times: 2, fault: slowDown }]);
    const record = await dumpPostgres(
      backupStore(viaProxy, faultBucket, ''),
      setIdAt(new Date()),
      { url: db.url, keyTables: SEED_KEY_TABLES },
      { exec: uncompressed, env: process.env, logger: new MemoryLogger() },
    );
    expect(proxy.log.filter((r) => r.injected).map((r) => r.outcome)).toEqual([503, 503]);
    const got = await s3.send(new GetObjectCommand({ Bucket: faultBucket, Key: record.key }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.sha256);
  });

  test('spent retries: pg_dump is stopped, one clear line without the password, no dump and no open upload', async () => {
    proxy.setRules([{ match: dumpPut, fault: slowDown }]);
    const setId = '20261129T235959Z';
    const logger = new MemoryLogger();
    const error = await dumpPostgres(
      backupStore(viaProxy, faultBucket, ''),
      setId,
      { url: db.url, keyTables: SEED_KEY_TABLES },
      { exec: uncompressed, env: process.env, logger },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeDefined();
    const line = errorLine(error);
    expect(line).toMatch(
      new RegExp(
        `^Cannot write the dump of database '${db.name}' .* to s3://${faultBucket}/sets/${setId}/database/${db.name}\\.dump: SlowDown \\(HTTP 503\\): Please reduce your request rate\\.$`,
      ),
    );
    expect(line).not.toContain('\n');
    expect(`${line}\n${logger.text()}`).not.toContain(db.password);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: faultBucket, Prefix: `sets/${setId}/` }));
    expect(listed.KeyCount).toBe(0);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: faultBucket }))).Uploads ?? []).toEqual([]);
  });
});
