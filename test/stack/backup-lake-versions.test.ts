/**
 * Source versions and Object Lock on the stack's MinIO:
 *  - a versioned lake: every entry records the VersionId of the object's current version (deleted
 *    keys and noncurrent versions are not in the set), copies are made by version (counted at the
 *    server through the proxy), so a write between the listing and the copy does not change what
 *    the set holds, and the sampled verification reads that very version back;
 *  - an unversioned lake keeps working as before (no versions, copies by key);
 *  - with Object Lock, a copy a later set names again is extended to that set's retain-until: from
 *    no retention to the plan's mode, a running retention keeping its own mode, and a copy locked
 *    longer already left alone (never shortened); verification reads the sampled copies' retention.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectRetentionCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { backupLake, type LakeSource } from '../../src/lib/backup/lake.js';
import { verifyLake } from '../../src/lib/backup/verify.js';
import { backupStore } from '../../src/lib/backup/store.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import {
  createBucket,
  objectChecksum,
  putObject,
  removeBucket,
  sha256,
  stackS3,
  stackS3Endpoint,
} from '../helpers/lake-seed.js';

let direct: S3Client;
let proxied: S3Client;
let proxy: FaultProxy;
const buckets: string[] = [];

beforeAll(async () => {
  direct = stackS3();
  proxy = await new FaultProxy(stackS3Endpoint()).start();
  proxied = stackS3({ endpoint: proxy.url });
});

afterAll(async () => {
  for (const b of buckets) await removeBucket(direct, b);
  direct?.destroy();
  proxied?.destroy();
  await proxy?.stop();
});

async function bucket(name: string, options: { objectLock?: boolean; versioned?: boolean } = {}): Promise<string> {
  const b = await createBucket(direct, name, { objectLock: options.objectLock });
  buckets.push(b);
  if (options.versioned)
    await direct.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
  return b;
}

async function versionOf(s3: S3Client, b: string, key: string): Promise<string> {
  return (await s3.send(new HeadObjectCommand({ Bucket: b, Key: key }))).VersionId!;
}

describe('source versions', () => {
  test('a versioned lake: each entry records its current version and is copied by it, so a write during the backup does not slip in', async () => {
    const lake = await bucket('vlake', { versioned: true });
    const backup = await bucket('vbackup');
    const a = 'warehouse/t/data/a.parquet';
    const b = 'warehouse/t/data/b.parquet';
    const gone = 'warehouse/t/data/gone.parquet';
    const big = 'warehouse/t/data/big.parquet';
    await putObject(direct, lake, a, randomBytes(2000)); // an older version, not the one in the set
    const aNow = await putObject(direct, lake, a, randomBytes(2100));
    const bListed = randomBytes(3000);
    await putObject(direct, lake, b, bListed);
    await putObject(direct, lake, gone, randomBytes(100));
    await direct.send(new DeleteObjectCommand({ Bucket: lake, Key: gone })); // a delete marker on top
    const bigSum = await putObject(direct, lake, big, randomBytes(11 * 1024 * 1024 + 7), true);
    const versions = {
      [a]: await versionOf(direct, lake, a),
      [b]: await versionOf(direct, lake, b),
      [big]: await versionOf(direct, lake, big),
    };

    // When the copy of b reaches the server, b is written again first (the copy waits a moment).
    const bLater = randomBytes(3001);
    let overwrite: Promise<unknown> | undefined;
    proxy.setRules([
      {
        match: (req) => {
          const source = String(req.headers['x-amz-copy-source'] ?? '');
          if (!decodeURIComponent(source).includes('/warehouse/t/data/b.parquet')) return false;
          overwrite ??= putObject(direct, lake, b, bLater);
          return true;
        },
        times: 1,
        fault: { delayMs: 1500 },
      },
    ]);
    const store = backupStore(proxied, backup, 'phlo-backup/v/');
    const source: LakeSource = { s3: proxied, bucket: lake, prefixes: ['warehouse/'], exclude: [] };
    const mark = proxy.log.length;
    const logger = new MemoryLogger();
    const part = await backupLake(store, '20261129T100000Z', source, { concurrency: 4 }, logger);
    await overwrite;
    proxy.setRules([]);

    expect(part.entries.map((e) => [e.key, e.versionId])).toEqual([
      [a, versions[a]],
      [b, versions[b]],
      [big, versions[big]],
    ]);
    expect(logger.text()).toContain('versioned: each copy is made of the listed version');
    // every copy request names the version (CopyObject and each UploadPartCopy)
    const copyRequests = proxy.log.slice(mark).filter((e) => e.copySource !== undefined);
    expect(copyRequests).toHaveLength(2 + 3);
    for (const r of copyRequests) expect(decodeURIComponent(r.copySource!)).toMatch(/\?versionId=[^&]+$/);
    // b was written again after the listing: the set holds the bytes it listed, as the manifest says
    const bEntry = part.entries.find((e) => e.key === b)!;
    expect(await objectChecksum(direct, backup, bEntry.copyKey)).toBe(sha256(bListed));
    expect(await objectChecksum(direct, lake, b)).toBe(sha256(bLater));
    expect(await objectChecksum(direct, backup, part.entries.find((e) => e.key === a)!.copyKey)).toBe(aNow);
    expect(await objectChecksum(direct, backup, part.entries.find((e) => e.key === big)!.copyKey)).toBe(bigSum);

    // the sample re-reads the recorded version from the lake, though b has changed since
    const verification = await verifyLake(store, source, part.entries, { sample: 10 });
    expect(verification.problems).toEqual([]);
    expect(verification.sampled).toBe(3);
  });

  test('an unversioned lake: no versions recorded, copies by key', async () => {
    const lake = await bucket('ulake');
    const backup = await bucket('ubackup');
    await putObject(direct, lake, 'warehouse/u/data/x.parquet', randomBytes(500));
    const store = backupStore(proxied, backup, 'phlo-backup/u/');
    const mark = proxy.log.length;
    const part = await backupLake(
      store,
      '20261129T110000Z',
      { s3: proxied, bucket: lake, prefixes: [''], exclude: [] },
      { concurrency: 2 },
      new MemoryLogger(),
    );
    expect(part.entries).toHaveLength(1);
    expect(part.entries[0]!.versionId).toBeUndefined();
    const copyRequests = proxy.log.slice(mark).filter((e) => e.copySource !== undefined);
    expect(copyRequests).toHaveLength(1);
    expect(copyRequests[0]!.copySource).not.toContain('versionId');
  });
});

describe('Object Lock on reused copies', () => {
  test('a later set extends the copies it names again to its retain-until: never shortening, a running retention keeping its mode', async () => {
    const lake = await bucket('llake');
    const locked = await bucket('locked', { objectLock: true });
    const keys = ['warehouse/l/data/p0.parquet', 'warehouse/l/data/p1.parquet', 'warehouse/l/data/p2.parquet'];
    for (const k of keys) await putObject(direct, lake, k, randomBytes(700));
    const store = backupStore(direct, locked, 'phlo-backup/l/');
    const source: LakeSource = { s3: direct, bucket: lake, prefixes: [''], exclude: [] };
    const retention = async (key: string) =>
      (await direct.send(new GetObjectRetentionCommand({ Bucket: locked, Key: key }))).Retention;
    const now = new Date();
    // minutes, not days: a COMPLIANCE lock put by mistake would outlive the test's clean-up
    const at = (minutes: number) => {
      const d = new Date(now.getTime() + minutes * 60_000);
      d.setUTCMilliseconds(0);
      return d;
    };

    // set 1 (a plan without Object Lock): copies without retention
    const one = await backupLake(store, '20261129T120000Z', source, { concurrency: 4, now }, new MemoryLogger());
    expect(one.objectLock).toBeUndefined();
    const [c0, c1, c2] = one.entries.map((e) => e.copyKey) as [string, string, string];
    await expect(retention(c0)).rejects.toThrow();

    // set 2 (GOVERNANCE, +3 min) and one new object: the new copy made locked, the reused ones given it
    const newKey = 'warehouse/l/data/p3.parquet';
    await putObject(direct, lake, newKey, randomBytes(700));
    const logger = new MemoryLogger();
    const two = await backupLake(
      store,
      '20261129T130000Z',
      source,
      { concurrency: 4, now, objectLock: { mode: 'GOVERNANCE', retainUntil: at(3) } },
      logger,
    );
    expect(two.copied).toBe(1);
    expect(two.objectLock).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: at(3).toISOString(),
      extended: 3,
      alreadyLocked: 0,
      otherMode: 0,
    });
    for (const e of two.entries)
      expect(await retention(e.copyKey)).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: at(3) });
    expect(logger.text()).toContain('of the 3 reused, 3 extended to it, 0 already locked as long or longer');

    // one copy is locked longer already (30 min); set 3 asks COMPLIANCE until +4 min
    await direct.send(
      new PutObjectRetentionCommand({
        Bucket: locked,
        Key: c2,
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: at(30) },
      }),
    );
    const three = await backupLake(
      store,
      '20261129T140000Z',
      source,
      { concurrency: 4, now, objectLock: { mode: 'COMPLIANCE', retainUntil: at(4) } },
      new MemoryLogger(),
    );
    expect(three.copied).toBe(0);
    expect(three.objectLock).toMatchObject({ extended: 3, alreadyLocked: 1, otherMode: 3 });
    // a running GOVERNANCE retention cannot become COMPLIANCE without bypass: kept, and extended
    for (const k of [c0, c1, two.entries.find((e) => e.key === newKey)!.copyKey])
      expect(await retention(k)).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: at(4) });
    expect(await retention(c2)).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: at(30) }); // never shortened

    // verification reads the sampled copies' retention back against the set's retain-until
    expect((await verifyLake(store, source, three.entries, { sample: 10, lockedUntil: at(4) })).problems).toEqual([]);
    await direct.send(
      new PutObjectRetentionCommand({
        Bucket: locked,
        Key: c0,
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: at(2) },
        BypassGovernanceRetention: true,
      }),
    );
    const short = await verifyLake(store, source, three.entries, { sample: 10, lockedUntil: at(4) });
    expect(short.problems).toEqual([
      `retention too short: ${keys[0]}: the copy is locked until ${at(2).toISOString()}, the set needs ${at(4).toISOString()}`,
    ]);
  });
});
