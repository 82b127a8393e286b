/**
 * The lake copy through the fault proxy: S3 throttling (503 SlowDown), 5xx and dropped connections
 * are retried by the client (adaptive retries from createAwsClient) and the set completes and
 * verifies; once the retries are spent the copy fails with one line naming the object.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { S3Client } from '@aws-sdk/client-s3';
import { backupLake, type LakeSource } from '../../src/lib/backup/lake.js';
import { backupStore, readJson } from '../../src/lib/backup/store.js';
import { verifyLake } from '../../src/lib/backup/verify.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy, type Fault, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { createBucket, removeBucket, seedLake, stackS3, stackS3Endpoint } from '../helpers/lake-seed.js';

/** An S3 error as S3 answers it (XML body). */
function s3Error(status: number, code: string): Fault {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>injected</Message></Error>`,
    headers: { 'content-type': 'application/xml' },
  };
}
const isCopy = (r: ProxiedRequest) => typeof r.headers['x-amz-copy-source'] === 'string' && !/partNumber=/.test(r.path);
const isPartCopy = (r: ProxiedRequest) =>
  typeof r.headers['x-amz-copy-source'] === 'string' && /partNumber=/.test(r.path);
const isList = (r: ProxiedRequest) => r.method === 'GET' && /[?&]list-type=2/.test(r.path);

describe('backupLake through faults', () => {
  let direct: S3Client;
  let proxy: FaultProxy;
  let lake: string;
  let backup: string;

  beforeAll(async () => {
    direct = stackS3();
    proxy = await new FaultProxy(stackS3Endpoint()).start();
    lake = await createBucket(direct, 'lake');
    backup = await createBucket(direct, 'backup');
    await seedLake(direct, lake, { tables: 2, filesPerTable: 5, multipart: 1, tmp: 1 });
  });

  afterAll(async () => {
    await removeBucket(direct, lake);
    await removeBucket(direct, backup);
    direct.destroy();
    await proxy.stop();
  });

  test('throttling, 503s and dropped connections mid-copy are recovered; the set verifies', async () => {
    const s3 = stackS3({ endpoint: proxy.url });
    proxy.setRules([
      { match: isList, times: 1, fault: s3Error(503, 'SlowDown') },
      { match: isCopy, times: 2, fault: s3Error(503, 'SlowDown') },
      { match: isCopy, times: 1, fault: s3Error(500, 'InternalError') },
      { match: isCopy, times: 1, fault: s3Error(503, 'ServiceUnavailable') },
      { match: isCopy, times: 1, fault: 'drop' },
      { match: isPartCopy, times: 1, fault: 'drop' },
      { match: isPartCopy, times: 1, fault: s3Error(503, 'SlowDown') },
    ]);
    const mark = proxy.log.length;
    const store = backupStore(s3, backup, 'phlo-backup/faults/');
    const source: LakeSource = { s3, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
    const part = await backupLake(store, '20261129T040000Z', source, { concurrency: 4 }, new MemoryLogger());
    const injected = proxy.log.slice(mark).filter((e) => e.injected);
    expect(injected.map((e) => e.outcome).sort()).toEqual([500, 503, 503, 503, 503, 503, 'dropped', 'dropped'].sort());
    expect(part.entries).toHaveLength(2 * 6 + 1);
    expect(part.copied).toBe(2 * 6 + 1);
    proxy.setRules([]);
    const verification = await verifyLake(store, source, part.entries, { sample: 4 });
    expect(verification).toMatchObject({ verified: 13, total: 13, sampled: 4, problems: [] });
    s3.destroy();
  });

  test('retries spent: one line naming the object and the attempts; no part; the copies made stay for the next run', async () => {
    const s3 = stackS3({ endpoint: proxy.url, maxAttempts: 3 });
    const victim = 'warehouse/table_1/data/part-3.parquet';
    proxy.setRules([
      {
        match: (r) => isCopy(r) && decodeURIComponent(String(r.headers['x-amz-copy-source'])).endsWith(victim),
        fault: s3Error(503, 'SlowDown'),
      },
    ]);
    const store = backupStore(s3, backup, 'phlo-backup/spent/');
    const source: LakeSource = { s3, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
    const logger = new MemoryLogger();
    const failure = await backupLake(store, '20261129T050000Z', source, { concurrency: 1 }, logger).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toMatch(
      new RegExp(
        `^lake copy of s3://${lake}/${victim} to s3://${backup}/phlo-backup/spent/data/${victim}/\\w+ failed: ` +
          'SlowDown \\(HTTP 503\\): .* \\(after 3 attempts\\)$',
      ),
    );
    expect(failure!.message).not.toContain('\n');
    expect(await readJson(store, store.layout.set('20261129T050000Z').part(1, 1))).toBeUndefined();

    proxy.setRules([]);
    const mark = proxy.log.length;
    const part = await backupLake(store, '20261129T050000Z', source, { concurrency: 4 }, logger);
    const copiedAgain = proxy.log.slice(mark).filter((e) => e.copySource !== undefined && e.outcome === 200);
    // Concurrency 1 copies in key order and stopped at the victim: only it and what follows are copied now.
    const sources = copiedAgain.map((e) => decodeURIComponent(e.copySource!).slice(lake.length + 1)).sort();
    expect(sources).toEqual([
      victim,
      'warehouse/table_1/data/part-4.parquet',
      'warehouse/table_1/metadata/v1.metadata.json',
    ]);
    expect(part.copied).toBe(3);
    expect(part.entries).toHaveLength(13);
    s3.destroy();
  });
});
