/**
 * The lake copy as separate processes (test/helpers/lake-child.ts, transpiled), every request
 * through the fault proxy so copies are counted at the server:
 *  - a run SIGKILLed at a random point after some copies, then resumed: no object copied twice, no
 *    unfinished multipart copy left, the part complete and verified;
 *  - 3 shards in parallel processes: their merged parts equal an unsharded run's entries.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { backupLake, mergeParts, type LakeSource } from '../../src/lib/backup/lake.js';
import { backupStore, readJson } from '../../src/lib/backup/store.js';
import { verifyLake } from '../../src/lib/backup/verify.js';
import type { LakePart } from '../../src/lib/backup/types.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy, type LogEntry, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { createBucket, removeBucket, seedLake, stackS3, stackS3Endpoint } from '../helpers/lake-seed.js';
import { loadStackEnv, repoRoot } from '../helpers/stack.js';
import { transpileForNode } from '../helpers/transpile.js';

const isCopy = (r: ProxiedRequest) => typeof r.headers['x-amz-copy-source'] === 'string';

/** Destination keys of completed copies (CopyObject, CompleteMultipartUpload) in a slice of the log. */
function completed(log: LogEntry[], bucket: string): string[] {
  return log
    .filter(
      (e) =>
        e.outcome === 200 &&
        ((e.copySource !== undefined && !/[?&]partNumber=/.test(e.path)) ||
          (e.method === 'POST' && /[?&]uploadId=/.test(e.path))),
    )
    .map((e) => decodeURIComponent(e.path.split('?')[0]!).slice(bucket.length + 2));
}

interface Child {
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  kill(): void;
}

describe('backupLake in processes', () => {
  let child: string;
  let direct: S3Client;
  let proxy: FaultProxy;
  let lake: string;
  let backup: string;
  let onRequest: (r: ProxiedRequest) => void = () => undefined;

  beforeAll(async () => {
    child = transpileForNode('test/helpers/lake-child.ts', `test-lake-child-${process.pid}`);
    direct = stackS3();
    proxy = await new FaultProxy(stackS3Endpoint()).start();
    // Every request is seen first (to kill the child at a chosen copy); copies are slowed a little so
    // the run lasts long enough to be killed in the middle.
    proxy.setRules([
      {
        match: (r) => {
          onRequest(r);
          return false;
        },
        fault: { delayMs: 0 },
      },
      { match: isCopy, fault: { delayMs: 15 } },
    ]);
    lake = await createBucket(direct, 'lake');
    backup = await createBucket(direct, 'backup');
    await seedLake(direct, lake, { tables: 4, filesPerTable: 15, multipart: 2, tmp: 2 });
  });

  afterAll(async () => {
    await removeBucket(direct, lake);
    await removeBucket(direct, backup);
    direct.destroy();
    await proxy.stop();
    rmSync(join(repoRoot, 'build', `test-lake-child-${process.pid}`), { recursive: true, force: true });
  });

  function start(prefix: string, setId: string, shard?: { index: number; count: number }): Child {
    const env = loadStackEnv(['PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
    const settings = {
      endpoint: proxy.url,
      accessKeyId: env.PHLO_S3_ACCESS_KEY,
      secretAccessKey: env.PHLO_S3_SECRET_KEY,
      lake,
      backup,
      prefix,
      setId,
      concurrency: 3,
      exclude: ['tmp/*'],
      ...(shard ? { shard } : {}),
    };
    const proc = spawn(process.execPath, [child], {
      env: { ...process.env, LAKE_CHILD: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return {
      done: new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))),
      kill: () => proc.kill('SIGKILL'),
    };
  }

  test('killed with SIGKILL during the copy, then resumed: nothing copied twice, the part completes and verifies', async () => {
    const prefix = 'phlo-backup/killed/';
    const setId = '20261129T060000Z';
    const store = backupStore(direct, backup, prefix);
    const total = 4 * 16 + 2;
    // A random point after some copies (more than a few, well before the end).
    const killAt = 5 + Math.floor(Math.random() * (total - 20));
    const mark = proxy.log.length;
    let copies = 0;
    const first = start(prefix, setId);
    onRequest = (r) => {
      if (isCopy(r) && ++copies === killAt) first.kill();
    };
    const killed = await first.done;
    onRequest = () => undefined;
    expect(killed.signal).toBe('SIGKILL');
    await proxy.settled();
    const before = completed(proxy.log.slice(mark), backup);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(total);
    expect(await readJson(store, store.layout.set(setId).part(1, 1))).toBeUndefined();

    const resumedAt = proxy.log.length;
    const resumed = await start(prefix, setId).done;
    expect(resumed.code).toBe(0);
    const part = JSON.parse(resumed.stdout) as LakePart;
    const after = completed(proxy.log.slice(resumedAt), backup);
    expect(part.entries).toHaveLength(total);
    expect(part.copied).toBe(after.length);
    expect(part.copied).toBe(total - before.length);
    const all = [...before, ...after];
    expect(new Set(all).size).toBe(all.length); // no object copied twice
    expect(new Set(all)).toEqual(new Set(part.entries.map((e) => e.copyKey)));
    expect(await readJson(store, store.layout.set(setId).part(1, 1))).toEqual(part);

    for (const e of part.entries.filter((x) => x.parts !== undefined)) {
      const uploads = await direct.send(new ListMultipartUploadsCommand({ Bucket: backup, Prefix: e.copyKey }));
      expect(uploads.Uploads ?? []).toEqual([]); // an interrupted multipart copy was aborted, not left behind
    }
    const source: LakeSource = { s3: direct, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
    const verification = await verifyLake(store, source, part.entries, { sample: 10 });
    expect(verification).toMatchObject({ verified: total, total, sampled: 10, problems: [] });
  });

  test('3 shards in parallel processes merge into the entries of an unsharded run', async () => {
    const prefix = 'phlo-backup/sharded/';
    const setId = '20261129T070000Z';
    const mark = proxy.log.length;
    const runs = await Promise.all([1, 2, 3].map((index) => start(prefix, setId, { index, count: 3 }).done));
    for (const r of runs) expect(r).toMatchObject({ code: 0 });
    const store = backupStore(direct, backup, prefix);
    const parts = await mergeParts(store, setId, 3);
    expect(parts.map((p) => p.shard)).toEqual([1, 2, 3].map((index) => ({ index, count: 3 })));
    for (const p of parts) expect(p.entries.length).toBeGreaterThan(0);
    const merged = parts.flatMap((p) => p.entries).sort((a, b) => (a.key < b.key ? -1 : 1));
    const copied = completed(proxy.log.slice(mark), backup);
    expect(new Set(copied).size).toBe(copied.length);

    const source: LakeSource = { s3: direct, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
    const whole = await backupLake(store, '20261129T080000Z', source, { concurrency: 4 }, new MemoryLogger());
    expect(whole.copied).toBe(0); // the shards copied everything
    expect(merged).toEqual(whole.entries);
    expect(parts.reduce((n, p) => n + p.excluded, 0)).toBe(whole.excluded);
    expect(parts.reduce((n, p) => n + p.copied, 0)).toBe(whole.entries.length);

    await expect(mergeParts(store, setId, 4)).rejects.toThrow(
      /^backup set 20261129T070000Z: shards 1\/4, 2\/4, 3\/4, 4\/4 wrote no part \(.*\); run the lake copy for them again/,
    );
  });
});
