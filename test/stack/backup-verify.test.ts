/** verifyLake on MinIO: a clean set verifies; a corrupted copy and a missing one are named, never thrown. */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { backupLake, type LakeSource } from '../../src/lib/backup/lake.js';
import { backupStore, type BackupStore } from '../../src/lib/backup/store.js';
import { verifyLake } from '../../src/lib/backup/verify.js';
import type { LakePart } from '../../src/lib/backup/types.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { createBucket, putObject, removeBucket, seedLake, stackS3 } from '../helpers/lake-seed.js';

/** A fixed [0, 1) sequence, so the sample is the same on every run. */
function seeded(seed = 7): () => number {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

describe('verifyLake on MinIO', () => {
  let s3: S3Client;
  let lake: string;
  let backup: string;
  let store: BackupStore;
  let source: LakeSource;
  let part: LakePart;

  beforeAll(async () => {
    s3 = stackS3();
    lake = await createBucket(s3, 'lake');
    backup = await createBucket(s3, 'backup');
    await seedLake(s3, lake, { tables: 2, filesPerTable: 6, multipart: 1, tmp: 2 });
    store = backupStore(s3, backup, 'phlo-backup/verify/');
    source = { s3, bucket: lake, prefixes: ['warehouse/'], exclude: ['tmp/*'] };
    part = await backupLake(store, '20261129T020000Z', source, { concurrency: 4 }, new MemoryLogger());
  });

  afterAll(async () => {
    await removeBucket(s3, lake);
    await removeBucket(s3, backup);
    s3.destroy();
  });

  test('a fresh set verifies: every copy listed with its size and ETag, the sample re-read byte for byte', async () => {
    const entries = part.entries;
    expect(entries).toHaveLength(2 * 7 + 1);
    const all = await verifyLake(store, source, entries, { sample: entries.length, random: seeded() });
    expect(all).toMatchObject({ verified: entries.length, total: entries.length, sampled: entries.length });
    expect(all.problems).toEqual([]);
    const bytes = entries.reduce((sum, e) => sum + e.size, 0);
    expect(all.sampledBytes).toBe(2 * bytes); // both sides of every object, nothing else

    const some = await verifyLake(store, source, entries, { sample: 3, random: seeded() });
    expect(some).toMatchObject({ verified: entries.length, sampled: 3, problems: [] });
    expect(some.sampledBytes).toBeLessThan(2 * bytes);
  });

  test('a SHA-256 recorded at copy time is compared with the sampled copy bytes', async () => {
    const [right, wrong] = part.entries.filter((e) => e.key.includes('/data/part-'));
    const sumOf = async (key: string) => {
      const got = await s3.send(new GetObjectCommand({ Bucket: backup, Key: key }));
      return createHash('sha256')
        .update(await got.Body!.transformToByteArray())
        .digest('base64');
    };
    const rightSum = await sumOf(right!.copyKey);
    const wrongSum = createHash('sha256').update('something else').digest('base64');
    const entries = part.entries.map((e) =>
      e === right ? { ...e, checksumSha256: rightSum } : e === wrong ? { ...e, checksumSha256: wrongSum } : e,
    );
    const result = await verifyLake(store, source, entries, { sample: entries.length, random: seeded() });
    expect(result.problems).toEqual([
      `checksum mismatch: ${wrong!.key}: the copy's SHA-256 differs from the one recorded at copy time`,
    ]);
    expect(result.verified).toBe(entries.length - 1);
  });

  test('a corrupted copy and a missing one are problems (one line each), the rest verified', async () => {
    const [corrupted, missing] = part.entries.filter((e) => e.key.includes('/data/part-'));
    const original = await s3.send(new GetObjectCommand({ Bucket: backup, Key: corrupted!.copyKey }));
    const bytes = Buffer.from(await original.Body!.transformToByteArray());
    bytes[0] = bytes[0]! ^ 0xff; // same size, one byte flipped
    await putObject(s3, backup, corrupted!.copyKey, bytes);
    await s3.send(new DeleteObjectCommand({ Bucket: backup, Key: missing!.copyKey }));

    const result = await verifyLake(store, source, part.entries, { sample: 5, random: seeded() });
    expect(result.total).toBe(part.entries.length);
    expect(result.verified).toBe(part.entries.length - 2);
    expect(result.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^checksum mismatch: ${corrupted!.key}: the copy's ETag is \\w+, the source's was ${corrupted!.etag}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^missing copy: ${missing!.key} \\(s3://${backup}/.*${missing!.copyKey} is not there\\)$`),
      ),
    ]);
    expect(result.sampled).toBe(5);
  });

  test('the next backup repairs them; an object deleted from the lake since is not sampled, another takes its place', async () => {
    const fresh = await backupLake(store, '20261129T030000Z', source, { concurrency: 4 }, new MemoryLogger());
    expect(fresh.copied).toBe(2);
    const gone = fresh.entries.filter((e) => e.key.includes('/data/part-')).slice(-3);
    for (const e of gone) await s3.send(new DeleteObjectCommand({ Bucket: lake, Key: e.key }));
    await putObject(s3, lake, fresh.entries[0]!.key, randomBytes(10)); // changed since: not comparable either
    const result = await verifyLake(store, source, fresh.entries, { sample: fresh.entries.length, random: seeded(3) });
    expect(result.problems).toEqual([]);
    expect(result.verified).toBe(fresh.entries.length);
    expect(result.sampled).toBe(fresh.entries.length - 4);
  });
});
