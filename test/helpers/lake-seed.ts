/**
 * An Iceberg-like lake in the local stack's MinIO, for the backup tests and the bench:
 *
 *   warehouse/<table>/data/part-<n>.parquet        1–16 KiB of random bytes each
 *   warehouse/<table>/metadata/v<n>.metadata.json  small JSON
 *   warehouse/<table>/data/big-<n>.parquet         multipart uploads (lib-storage Upload, 5 MiB parts)
 *   tmp/<job>/spill-<n>.bin                         what the plan excludes
 *
 *   const s3 = stackS3();                          // MinIO through createAwsClient (path style)
 *   const lake = await createBucket(s3, 'lake');    // phlo-lake-<random>
 *   const seeded = await seedLake(s3, lake, { tables: 3, filesPerTable: 10, multipart: 2 });
 *   const sums = await bucketChecksums(s3, lake);    // key → hex SHA-256
 *   await removeBucket(s3, lake);
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import pLimit from 'p-limit';
import { createAwsClient } from '../../src/lib/aws/client.js';
import { loadStackEnv } from './stack.js';

/** The stack's MinIO endpoint. */
export function stackS3Endpoint(): string {
  return loadStackEnv(['PHLO_S3_ENDPOINT']).PHLO_S3_ENDPOINT!;
}

/** A MinIO client of the local stack (through `endpoint` when given, e.g. a fault proxy's URL). */
export function stackS3(options: { endpoint?: string; maxAttempts?: number } = {}): S3Client {
  const env = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
  return createAwsClient(S3Client, {
    region: 'us-east-1',
    endpoint: options.endpoint ?? env.PHLO_S3_ENDPOINT!,
    forcePathStyle: true,
    credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: env.PHLO_S3_SECRET_KEY! },
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}

/** Creates `phlo-<prefix>-<random>` and returns its name. */
export async function createBucket(
  s3: S3Client,
  prefix: string,
  options: { objectLock?: boolean } = {},
): Promise<string> {
  const bucket = `phlo-${prefix}-${randomBytes(5).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: options.objectLock }));
  return bucket;
}

/** Deletes every object version in the bucket, then the bucket (governance retention bypassed). */
export async function removeBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
    const versions = [...(page?.Versions ?? []), ...(page?.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (versions.length === 0) break;
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: versions, Quiet: true },
        BypassGovernanceRetention: true,
      }),
    );
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
}

export const sha256 = (bytes: Buffer | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes one object (multipart with 5 MiB parts when `multipart`); returns the SHA-256 of its bytes. */
export async function putObject(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer,
  multipart = false,
): Promise<string> {
  if (multipart) {
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key: key, Body: body },
      partSize: 5 * 1024 * 1024,
    }).done();
  } else {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
  return sha256(body);
}

export interface SeedOptions {
  tables?: number;
  filesPerTable?: number;
  /** Multipart objects (11 MiB, three 5 MiB-parts layout), spread over the tables. */
  multipart?: number;
  /** Size range of the small files, in bytes. */
  minBytes?: number;
  maxBytes?: number;
  /** Objects under tmp/. */
  tmp?: number;
  concurrency?: number;
}

/** Seeds the lake; returns key → SHA-256 of everything written (tmp/ included). */
export async function seedLake(s3: S3Client, bucket: string, options: SeedOptions = {}): Promise<Map<string, string>> {
  const tables = options.tables ?? 3;
  const files = options.filesPerTable ?? 8;
  const min = options.minBytes ?? 1024;
  const max = options.maxBytes ?? 16 * 1024;
  const work: Array<{ key: string; body: Buffer; multipart: boolean }> = [];
  for (let t = 0; t < tables; t++) {
    const table = `warehouse/table_${t}`;
    for (let n = 0; n < files; n++) {
      work.push({
        key: `${table}/data/part-${n}.parquet`,
        body: randomBytes(randomInt(min, max + 1)),
        multipart: false,
      });
    }
    work.push({
      key: `${table}/metadata/v1.metadata.json`,
      body: Buffer.from(JSON.stringify({ 'format-version': 2, table, snapshots: files })),
      multipart: false,
    });
  }
  for (let m = 0; m < (options.multipart ?? 0); m++) {
    work.push({
      key: `warehouse/table_${m % tables}/data/big-${m}.parquet`,
      body: randomBytes(11 * 1024 * 1024 + randomInt(1, 1000)),
      multipart: true,
    });
  }
  for (let n = 0; n < (options.tmp ?? 3); n++) {
    work.push({ key: `tmp/job-${n}/spill-${n}.bin`, body: randomBytes(2048), multipart: false });
  }
  const limit = pLimit(options.concurrency ?? 16);
  const sums = new Map<string, string>();
  await Promise.all(
    work.map((w) => limit(async () => sums.set(w.key, await putObject(s3, bucket, w.key, w.body, w.multipart)))),
  );
  return sums;
}

/** The SHA-256 of an object's bytes. */
export async function objectChecksum(s3: S3Client, bucket: string, key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return sha256(await answer.Body!.transformToByteArray());
}
