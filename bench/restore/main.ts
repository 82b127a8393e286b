/**
 * bench/restore — restoring a backup set's lake into an empty prefix: ours (the restore action's
 * runRestore as a child process: the dry run's checks — manifest checksum, one listing of the copies,
 * target empty — then the server-side copies, then verification by one listing and a SHA-256 sample)
 * vs `aws s3 sync` from a plain dated backup prefix (what a Phlo platform restores from today), same
 * objects, both server-side, on the local stack's MinIO.
 *
 *   setup (not timed): a lake of BENCH_OBJECTS objects of 1–64 KiB under warehouse/<table>/…, 3
 *   multipart objects of 9–11 MiB (5 MiB parts); one backup set of it taken by backup's backupLake
 *   (manifest and set record written as the finish phase writes them), and one plain copy
 *   `aws s3 sync s3://lake s3://backup/plain/` for the aws side to restore from.
 *   Each round: ours into `ours-<r>/` vs `aws s3 sync s3://backup/plain/ s3://lake/aws-<r>/`; the
 *   order alternates. Both at 32 requests at once.
 *
 * Prints every figure, the medians and `ratio: X (goal ≤ 0.8)`.
 * Run: bash bench/restore/run.sh   (needs the local stack; env BENCH_ROUNDS=3 BENCH_OBJECTS=10000)
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pLimit from 'p-limit';
import { createAwsClient } from '../../src/lib/aws/client.js';
import { backupLake } from '../../src/lib/backup/lake.js';
import { backupStore, writeManifest, writeSetRecord } from '../../src/lib/backup/store.js';
import type { BackupManifest, SetRecord } from '../../src/lib/backup/types.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import type { Logger } from '../../src/lib/runtime/logger.js';
import { parseRestoreSettings } from '../../src/lib/restore/settings.js';
import { runRestore } from '../../src/lib/restore/restore.js';

const CONCURRENCY = 32;
const SET_ID = '20261129T010000Z';
const PREFIX = 'phlo-backup/bench/';

const stackEnv = Object.fromEntries(
  readFileSync(path.join(process.env.PHLO_STACK_DIR!, 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const endpoint = stackEnv.PHLO_S3_ENDPOINT!;
const credentials = { accessKeyId: stackEnv.PHLO_S3_ACCESS_KEY!, secretAccessKey: stackEnv.PHLO_S3_SECRET_KEY! };
const s3 = createAwsClient(S3Client, { region: 'us-east-1', endpoint, forcePathStyle: true, credentials });

const quiet: Logger = {
  info: () => undefined,
  warning: (m) => process.stderr.write(`${m}\n`),
  debug: () => undefined,
  group: (_t, fn) => fn(),
};

/** Child mode: the restore of the set's lake into <lake>/<prefix>, confirmed; prints JSON. */
async function child(lake: string, backup: string, targetPrefix: string): Promise<void> {
  const settings = parseRestoreSettings(
    new Inputs(
      fromRecord({
        environment: 'bench',
        'backup-set': SET_ID,
        'backup-bucket': backup,
        'backup-prefix': PREFIX,
        what: 'lake',
        confirm: 'bench',
        'target-bucket': lake,
        'target-prefix': targetPrefix,
        concurrency: String(CONCURRENCY),
      }),
    ),
    { GITHUB_WORKSPACE: os.tmpdir(), RUNNER_TEMP: os.tmpdir() },
    () => undefined,
  );
  const { report } = await runRestore(settings, backupStore(s3, backup, PREFIX), {
    s3,
    exec: spawnExec,
    logger: quiet,
    clock: systemClock,
    env: process.env,
  });
  if (report.result !== 'restored') throw new Error(`restore ${report.result}: ${report.error ?? ''}`);
  const lakeResult = report.written.lake!;
  process.stdout.write(
    `${JSON.stringify({ copied: lakeResult.copied, verified: lakeResult.verified, sampled: lakeResult.sampled })}\n`,
  );
  s3.destroy();
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0)
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ ms, out });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function listAll(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function removeBucket(bucket: string): Promise<void> {
  const keys = await listAll(bucket).catch(() => []);
  for (let i = 0; i < keys.length; i += 1000)
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
}

const smallKey = (n: number) =>
  `warehouse/table_${n % 20}/${n % 50 === 0 ? 'metadata' : 'data'}/f-${n}.${n % 50 === 0 ? 'json' : 'parquet'}`;

async function main(): Promise<void> {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
  const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
  const self = process.argv[1]!;
  const tag = randomBytes(4).toString('hex');
  const lake = `phlo-bench-rlake-${tag}`;
  const backup = `phlo-bench-rbackup-${tag}`;
  const config = mkdtempSync(path.join(os.tmpdir(), 'phlo-bench-restore-'));
  writeFileSync(
    path.join(config, 'config'),
    `[default]\nregion = us-east-1\ns3 =\n  max_concurrent_requests = ${CONCURRENCY}\n  addressing_style = path\n`,
  );
  const awsEnv: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_CONFIG_FILE: path.join(config, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(config, 'none'),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  delete awsEnv.AWS_ENDPOINT_URL;
  delete awsEnv.AWS_SESSION_TOKEN;
  // The AWS CLI run.sh installed (`bash scripts/tools.sh aws`: awscli from PyPI, pinned), never the
  // machine's own `aws`.
  const AWS = process.env.BENCH_AWS_CLI ?? '';
  if (!AWS || !existsSync(AWS)) {
    console.error(`bench/restore: BENCH_AWS_CLI names no AWS CLI (${AWS || 'unset'}): run bash bench/restore/run.sh`);
    process.exit(2);
  }
  const aws = (args: string[]) => timed(AWS, ['--endpoint-url', endpoint, 's3', ...args, '--only-show-errors'], awsEnv);
  const childEnv = { ...process.env, AWS_ENDPOINT_URL_S3: endpoint };
  try {
    // Setup, not timed.
    const started = Date.now();
    await s3.send(new CreateBucketCommand({ Bucket: lake }));
    await s3.send(new CreateBucketCommand({ Bucket: backup }));
    const limit = pLimit(32);
    await Promise.all(
      Array.from({ length: OBJECTS }, (_, n) =>
        limit(() =>
          s3.send(
            new PutObjectCommand({ Bucket: lake, Key: smallKey(n), Body: randomBytes(randomInt(1024, 64 * 1024 + 1)) }),
          ),
        ),
      ),
    );
    for (let m = 0; m < 3; m++)
      await new Upload({
        client: s3,
        params: {
          Bucket: lake,
          Key: `warehouse/table_${m}/data/big-${m}.parquet`,
          Body: randomBytes((9 + m) * 1024 * 1024 + 17),
        },
        partSize: 5 * 1024 * 1024,
      }).done();
    const store = backupStore(s3, backup, PREFIX);
    const part = await backupLake(
      store,
      SET_ID,
      { s3, bucket: lake, prefixes: ['warehouse/'], exclude: [] },
      { concurrency: CONCURRENCY },
      quiet,
    );
    const set: SetRecord = {
      schema: 1,
      id: SET_ID,
      environment: 'bench',
      state: 'complete',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
    };
    const bytes = part.entries.reduce((n, e) => n + e.size, 0);
    const manifest: BackupManifest = {
      schema: 1,
      set,
      plan: { sha256: '0'.repeat(64), lakeBucket: lake, lakePrefixes: ['warehouse/'], exclude: [] },
      backupBucket: backup,
      prefix: PREFIX,
      database: [],
      lake: {
        entries: part.entries,
        objects: part.entries.length,
        bytes,
        copied: part.copied,
        copiedBytes: part.copiedBytes,
        excluded: 0,
      },
      verification: { verified: part.entries.length, total: part.entries.length, sampled: 0, problems: [] },
    };
    await writeManifest(store, manifest);
    await writeSetRecord(store, set);
    await aws(['sync', `s3://${lake}/warehouse/`, `s3://${backup}/plain/warehouse/`]);
    console.log(
      `setup: lake of ${OBJECTS} objects of 1–64 KiB + 3 multipart of 9–11 MiB, one backup set and one plain copy (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const runOurs = async () => {
        const o = await timed(process.execPath, [self, 'child', lake, backup, `ours-${r}/`], childEnv);
        ours.push(o.ms);
        const j = JSON.parse(o.out) as { copied: number; verified: number; sampled: number };
        console.log(
          `round ${r + 1} ours: ${o.ms.toFixed(0)} ms (copied ${j.copied}, verified ${j.verified}, sampled ${j.sampled})`,
        );
      };
      const runAws = async () => {
        const a = await aws(['sync', `s3://${backup}/plain/`, `s3://${lake}/aws-${r}/`]);
        theirs.push(a.ms);
        console.log(`round ${r + 1} aws s3 sync from the backup prefix: ${a.ms.toFixed(0)} ms`);
      };
      if (r % 2 === 0) {
        await runOurs();
        await runAws();
      } else {
        await runAws();
        await runOurs();
      }
    }
    const m = { ours: median(ours), aws: median(theirs) };
    console.log(
      `median restore into an empty prefix: ours ${m.ours.toFixed(0)} ms (verification included), aws s3 sync ${m.aws.toFixed(0)} ms`,
    );
    console.log(`ratio: ${(m.ours / m.aws).toFixed(2)} (goal ≤ 0.8)`);
  } finally {
    await removeBucket(lake);
    await removeBucket(backup);
    s3.destroy();
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
