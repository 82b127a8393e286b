/**
 * bench/backup — our lake backup (backupLake + verifyLake, as a child process like the CLI would be)
 * vs `aws s3 sync` on the local stack's MinIO, same data, both server-side:
 *
 *   setup (not timed): a lake of 10,000 objects of 1–64 KiB under warehouse/<table>/data|metadata,
 *     100 under tmp/, and 3 multipart objects of 9–12 MiB (uploaded in 5 MiB parts).
 *   (a) first backup: ours into an empty prefix vs `aws s3 sync s3://lake s3://backup/<date>/ --exclude "tmp/*"`
 *       — goal ≤ 0.8
 *   then the lake changes as a day would: 1 % of the objects rewritten, 0.5 % added, 0.5 % deleted.
 *   (b) next day: ours (incremental, onto round i's first backup) vs the same aws command into the
 *       next date's prefix (what the nightly job does to keep history) — goal ≤ 0.2 — and vs
 *       `aws s3 sync --delete` into round i's previous prefix (one copy, no history) — goal ≤ 0.8.
 *
 * Each of BENCH_ROUNDS rounds gets its own prefixes; the order of the tools alternates. Ours runs at
 * the plan's default concurrency (32 copies at once) and verifies with the default sample (32); the
 * aws CLI gets `max_concurrent_requests = 32` through a temporary AWS_CONFIG_FILE (its default is 10),
 * path-style addressing, and the stack's MinIO keys in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
 * Prints every figure, the medians, the bytes our side read through the runner (the sample only),
 * and the three `ratio:` lines, the one nearest its goal (ratio / goal) last.
 *
 * The first backup makes the same 10,003 server-side copies on both sides, so it measures per-copy
 * cost: MinIO's (our content-addressed keys `data/<key>/<etag>` add a folder level, ~15 % per copy
 * there) and the client's CPU. Ours spends less CPU per copy (3000 copies: 6.5 s user vs aws's
 * 8.5 s) but in one Node thread, where aws runs 32 Python threads: on a machine loaded far past its
 * cores the scheduler's per-thread share starves ours (2026-11-29, load 13–15 on 2 cores: 1.72;
 * 3000 objects at load ~10: 1.0–1.1).
 *
 * Run: bash bench/backup/run.sh   (needs the local stack; env BENCH_ROUNDS=3 BENCH_OBJECTS=10000)
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { backupStore } from '../../src/lib/backup/store.js';
import { verifyLake } from '../../src/lib/backup/verify.js';
import type { Logger } from '../../src/lib/runtime/logger.js';

const CONCURRENCY = 32;
const SAMPLE = 32;

// set by run.sh (a literal path here would make ncc try to bundle the stack's folder)
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

/** Child mode: one backup of the lake into <backup>/<prefix> as set <setId>, verified; prints JSON. */
async function child(lake: string, backup: string, prefix: string, setId: string): Promise<void> {
  const store = backupStore(s3, backup, prefix);
  const source = { s3, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
  const part = await backupLake(store, setId, source, { concurrency: CONCURRENCY }, quiet);
  const verification = await verifyLake(store, source, part.entries, { sample: SAMPLE });
  if (verification.problems.length > 0) throw new Error(verification.problems.join('\n'));
  process.stdout.write(
    `${JSON.stringify({ objects: part.entries.length, copied: part.copied, copiedBytes: part.copiedBytes, verified: verification.verified, sampled: verification.sampled, sampledBytes: verification.sampledBytes })}\n`,
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

async function put(bucket: string, key: string, bytes: number, multipart = false): Promise<void> {
  const body = randomBytes(bytes);
  if (multipart) {
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: body },
      partSize: 5 * 1024 * 1024,
    }).done();
  } else {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
}

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
  for (let i = 0; i < keys.length; i += 1000) {
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
}

const smallKey = (n: number) =>
  `warehouse/table_${n % 20}/${n % 50 === 0 ? 'metadata' : 'data'}/f-${n}.${n % 50 === 0 ? 'json' : 'parquet'}`;

async function main(): Promise<void> {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
  const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
  const self = process.argv[1]!;
  const tag = randomBytes(4).toString('hex');
  const lake = `phlo-bench-lake-${tag}`;
  const backup = `phlo-bench-backup-${tag}`;
  const config = mkdtempSync(path.join(os.tmpdir(), 'phlo-bench-backup-'));
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
    console.error(`bench/backup: BENCH_AWS_CLI names no AWS CLI (${AWS || 'unset'}): run bash bench/backup/run.sh`);
    process.exit(2);
  }
  const aws = (args: string[]) => timed(AWS, ['--endpoint-url', endpoint, 's3', ...args, '--only-show-errors'], awsEnv);
  const ours = async (prefix: string, setId: string) => {
    const r = await timed(process.execPath, [self, 'child', lake, backup, prefix, setId], process.env);
    return {
      ms: r.ms,
      ...(JSON.parse(r.out) as { objects: number; copied: number; sampledBytes: number; sampled: number }),
    };
  };

  try {
    // Setup, not timed.
    let started = Date.now();
    await s3.send(new CreateBucketCommand({ Bucket: lake }));
    await s3.send(new CreateBucketCommand({ Bucket: backup }));
    const limit = pLimit(32);
    await Promise.all(
      Array.from({ length: OBJECTS }, (_, n) => limit(() => put(lake, smallKey(n), randomInt(1024, 64 * 1024 + 1)))),
    );
    await Promise.all(
      Array.from({ length: 100 }, (_, n) => limit(() => put(lake, `tmp/job-${n % 7}/spill-${n}.bin`, 4096))),
    );
    for (let m = 0; m < 3; m++)
      await put(lake, `warehouse/table_${m}/data/big-${m}.parquet`, (9 + m) * 1024 * 1024 + 17, true);
    console.log(
      `setup: lake of ${OBJECTS} objects of 1–64 KiB, 100 under tmp/, 3 multipart of 9–11 MiB (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    console.log(
      `aws: ${(await timed(AWS, ['--version'], awsEnv)).out.trim() || 'aws CLI'} with max_concurrent_requests = ${CONCURRENCY}; ours: concurrency ${CONCURRENCY}, sample ${SAMPLE}`,
    );

    // (a) first backup.
    const first = { ours: [] as number[], aws: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      const runOurs = async () => {
        const o = await ours(`ours-${r}/`, '20261129T010000Z');
        first.ours.push(o.ms);
        console.log(
          `round ${r + 1} first backup: ours ${o.ms.toFixed(0)} ms (${o.copied}/${o.objects} copied, sampled ${o.sampled}, ${o.sampledBytes} bytes read through the runner)`,
        );
      };
      const runAws = async () => {
        const a = await aws(['sync', `s3://${lake}`, `s3://${backup}/aws-${r}/2026-11-29/`, '--exclude', 'tmp/*']);
        first.aws.push(a.ms);
        console.log(`round ${r + 1} first backup: aws s3 sync ${a.ms.toFixed(0)} ms`);
      };
      if (r % 2 === 0) await runOurs().then(runAws);
      else await runAws().then(runOurs);
    }

    // The next day: 1 % rewritten, 0.5 % added, 0.5 % deleted.
    started = Date.now();
    const changed = Math.round(OBJECTS * 0.01);
    const addedDeleted = Math.round(OBJECTS * 0.005);
    const order = Array.from({ length: OBJECTS }, (_, n) => n).sort(() => Math.random() - 0.5);
    await Promise.all(
      order.slice(0, changed).map((n) => limit(() => put(lake, smallKey(n), randomInt(1024, 64 * 1024 + 1)))),
    );
    await Promise.all(
      Array.from({ length: addedDeleted }, (_, i) =>
        limit(() => put(lake, smallKey(OBJECTS + i), randomInt(1024, 64 * 1024 + 1))),
      ),
    );
    const gone = order.slice(changed, changed + addedDeleted).map(smallKey);
    await s3.send(
      new DeleteObjectsCommand({ Bucket: lake, Delete: { Objects: gone.map((Key) => ({ Key })), Quiet: true } }),
    );
    console.log(
      `next day: ${changed} rewritten, ${addedDeleted} added, ${addedDeleted} deleted (${((Date.now() - started) / 1000).toFixed(0)} s, not timed)`,
    );

    // (b) next day.
    const next = { ours: [] as number[], awsHistory: [] as number[], awsDelete: [] as number[] };
    let sampledBytes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const runOurs = async () => {
        const o = await ours(`ours-${r}/`, '20261130T010000Z');
        next.ours.push(o.ms);
        sampledBytes = Math.max(sampledBytes, o.sampledBytes);
        console.log(
          `round ${r + 1} next day: ours ${o.ms.toFixed(0)} ms (${o.copied}/${o.objects} copied, sampled ${o.sampled}, ${o.sampledBytes} bytes read through the runner)`,
        );
      };
      const runAws = async () => {
        const h = await aws(['sync', `s3://${lake}`, `s3://${backup}/aws-${r}/2026-11-30/`, '--exclude', 'tmp/*']);
        next.awsHistory.push(h.ms);
        const d = await aws([
          'sync',
          `s3://${lake}`,
          `s3://${backup}/aws-${r}/2026-11-29/`,
          '--exclude',
          'tmp/*',
          '--delete',
        ]);
        next.awsDelete.push(d.ms);
        console.log(
          `round ${r + 1} next day: aws s3 sync to the next date ${h.ms.toFixed(0)} ms, aws s3 sync --delete into the previous ${d.ms.toFixed(0)} ms`,
        );
      };
      if (r % 2 === 0) await runOurs().then(runAws);
      else await runAws().then(runOurs);
    }

    const m = {
      firstOurs: median(first.ours),
      firstAws: median(first.aws),
      nextOurs: median(next.ours),
      nextHistory: median(next.awsHistory),
      nextDelete: median(next.awsDelete),
    };
    console.log(`median first backup: ours ${m.firstOurs.toFixed(0)} ms, aws s3 sync ${m.firstAws.toFixed(0)} ms`);
    console.log(
      `median next day: ours ${m.nextOurs.toFixed(0)} ms, aws s3 sync to the next date ${m.nextHistory.toFixed(0)} ms, ` +
        `aws s3 sync --delete into the previous ${m.nextDelete.toFixed(0)} ms`,
    );
    console.log(
      `bytes read through the runner (ours, next day): ${sampledBytes} (the verification sample of ${SAMPLE} objects, both sides)`,
    );
    const ratios = [
      { what: 'first backup vs aws s3 sync to a dated prefix', ratio: m.firstOurs / m.firstAws, goal: 0.8 },
      { what: 'next day vs aws s3 sync to the next date', ratio: m.nextOurs / m.nextHistory, goal: 0.2 },
      {
        what: 'next day vs aws s3 sync --delete into the previous prefix',
        ratio: m.nextOurs / m.nextDelete,
        goal: 0.8,
      },
    ].sort((a, b) => a.ratio / a.goal - b.ratio / b.goal);
    for (const r of ratios) console.log(`${r.what}:\nratio: ${r.ratio.toFixed(2)} (goal ≤ ${r.goal})`);
  } finally {
    await removeBucket(lake);
    await removeBucket(backup);
    rmSync(config, { recursive: true, force: true });
    s3.destroy();
  }
}

if (process.argv[2] === 'child') {
  const [lake, backup, prefix, setId] = process.argv.slice(3);
  await child(lake!, backup!, prefix!, setId!);
} else {
  await main();
}
