/**
 * The sweep through the fault proxy: 503 SlowDown and a dropped connection on DeleteObjects are
 * retried; a DeleteObjects that answers 200 with per-key errors is a failure naming the keys; a sweep
 * that dies after a set's set.json is gone leaves a folder no reader takes for a set, and the next
 * sweep removes that remnant.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import type { S3Client } from '@aws-sdk/client-s3';
import { backupStore, listSets, type BackupStore } from '../../src/lib/backup/store.js';
import { planRetention } from '../../src/lib/backup/retention.js';
import { sweep } from '../../src/lib/backup/sweep.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy, type Fault, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { createBucket, removeBucket, stackS3, stackS3Endpoint } from '../helpers/lake-seed.js';
import { entry, everything, history, IDS, NOW, POLICY } from '../helpers/backup-sets.js';

const xml = (status: number, body: string): Fault => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  headers: { 'content-type': 'application/xml' },
});
const slowDown = xml(503, '<Error><Code>SlowDown</Code><Message>injected</Message></Error>');
const isDelete = (r: ProxiedRequest): boolean => r.method === 'POST' && /[?&]delete(=|&|$)/.test(r.path);
const OPTIONS = { maxDelete: 1000, dryRun: false, currentComplete: true };

describe('sweep through faults', () => {
  let direct: S3Client;
  let proxy: FaultProxy;
  let bucket: string;
  let stores = 0;
  const newStore = (s3: S3Client): BackupStore => backupStore(s3, bucket, `phlo-backup/faults-${++stores}/`);

  beforeAll(async () => {
    direct = stackS3();
    proxy = await new FaultProxy(stackS3Endpoint()).start();
    bucket = await createBucket(direct, 'sweep-faults');
  });

  afterAll(async () => {
    await removeBucket(direct, bucket);
    direct.destroy();
    await proxy.stop();
  });

  test('throttled and dropped DeleteObjects are retried; the sweep completes', async () => {
    const s3 = stackS3({ endpoint: proxy.url });
    const store = newStore(s3);
    await history(store);
    proxy.setRules([
      { match: isDelete, times: 2, fault: slowDown },
      { match: isDelete, times: 1, fault: 'drop' },
    ]);
    const mark = proxy.log.length;
    const result = await sweep(
      store,
      planRetention(await listSets(store), POLICY, NOW, IDS.A),
      OPTIONS,
      new MemoryLogger(),
    );
    proxy.setRules([]);
    expect(result).toMatchObject({ setsRemoved: [IDS.D, IDS.F, IDS.C, IDS.R], copiesRemoved: 3 });
    const injected = proxy.log.slice(mark).filter((e) => e.injected);
    expect(injected.map((e) => e.outcome)).toEqual([503, 503, 'dropped']);
    expect((await everything(store)).filter((k) => k.includes('/data/'))).toEqual(
      ['1', '2', '3'].map((c) => entry(store, c).copyKey),
    );
    s3.destroy();
  });

  test('per-key errors in a DeleteObjects answer fail the sweep naming the keys; the next sweep removes the remnant', async () => {
    const s3 = stackS3({ endpoint: proxy.url });
    const store = newStore(s3);
    await history(store);
    const manifestOfC = store.layout.set(IDS.C).manifest;
    // the second request for set C (the rest of its folder, after its set.json) is refused key by key
    proxy.setRules([
      {
        match: (r) => isDelete(r) && r.body.toString('utf8').includes(manifestOfC),
        fault: xml(
          200,
          `<DeleteResult><Error><Key>${manifestOfC}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`,
        ),
      },
    ]);
    const logger = new MemoryLogger();
    const failure = await sweep(store, planRetention(await listSets(store), POLICY, NOW, IDS.A), OPTIONS, logger).then(
      () => undefined,
      (e: Error) => e,
    );
    proxy.setRules([]);
    expect(failure?.message).toBe(
      `deleting from s3://${bucket} failed for 1 of 4 objects: ${manifestOfC} (AccessDenied)`,
    );
    // set.json went first: C is no longer a set to any reader, though its other files are still there
    expect((await listSets(store)).map((s) => s.id)).toEqual([IDS.B, IDS.A]);
    expect((await everything(store)).filter((k) => k.startsWith(store.layout.set(IDS.C).prefix))).toHaveLength(4);

    // the next run: C's folder is a remnant (older than every kept set), removed with R's and the copies
    const again = await sweep(store, planRetention(await listSets(store), POLICY, NOW, IDS.A), OPTIONS, logger);
    expect(again).toMatchObject({ setsRemoved: [IDS.R, IDS.C], copiesRemoved: 3 });
    const left = await everything(store);
    expect(left.filter((k) => k.startsWith(store.layout.set(IDS.C).prefix))).toEqual([]);
    expect(left.filter((k) => k.includes('/data/'))).toEqual(['1', '2', '3'].map((c) => entry(store, c).copyKey));
    s3.destroy();
  });
});
