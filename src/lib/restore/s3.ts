/** Small S3 reads restore needs on top of the backup store's: a listing of any bucket, a streamed hash. */
import type { S3Client } from '@aws-sdk/client-s3';
import { backupStore, hashObject as hashStored, listKeys } from '../backup/store.js';

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

/** Hex SHA-256 and size of an object's bytes, streamed (never held whole); a missing one throws NotFound. */
export async function hashObject(s3: S3Client, bucket: string, key: string): Promise<{ sha256: string; size: number }> {
  const got = await hashStored(s3, bucket, key);
  if (!got) throw Object.assign(new Error(`s3://${bucket}/${key} does not exist`), { name: 'NotFound' });
  return { sha256: got.sha256, size: got.bytes };
}

export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
