/** Small S3 reads restore needs on top of the backup store's: a listing of any bucket, a streamed hash. */
import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { backupStore, listKeys } from '../backup/store.js';

export interface Listed {
  key: string;
  size: number;
  etag: string;
}

/** Every object under `prefix` of `bucket` (all pages), by key. */
export async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, Listed>> {
  const out = new Map<string, Listed>();
  for (const o of await listKeys(backupStore(s3, bucket, ''), prefix)) out.set(o.key, o);
  return out;
}

/** Hex SHA-256 and size of an object's bytes, streamed (never held whole). */
export async function hashObject(s3: S3Client, bucket: string, key: string): Promise<{ sha256: string; size: number }> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of got.Body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
