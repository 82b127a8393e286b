/**
 * The backup bucket's small files: JSON values (set records, parts, the manifest and its checksum),
 * read and written whole. Object copies of the lake are `lake.ts`'s business; deletions are the
 * sweep's. Keys come from `layout.ts` only.
 */
import { createHash } from 'node:crypto';
import {
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type DeleteMarkerEntry,
  type ObjectVersion,
  type S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { bareEtag, layout as layoutOf, isSetId, type Layout } from './layout.js';
import type { BackupManifest, SetId, SetRecord } from './types.js';

export interface BackupStore {
  s3: S3Client;
  bucket: string;
  layout: Layout;
}

/** The backup bucket and the layout under `prefix` ('' or ending in '/'; a missing '/' is added). */
export function backupStore(s3: S3Client, bucket: string, prefix: string): BackupStore {
  return { s3, bucket, layout: layoutOf(prefix) };
}

const isMissing = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/** The bytes of an object, or undefined when there is none at that key. */
export async function readBytes(store: BackupStore, key: string): Promise<Buffer | undefined> {
  try {
    const answer = await store.s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
    return Buffer.from(await answer.Body!.transformToByteArray());
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The JSON value at `key`, or undefined when there is no object there. */
export async function readJson<T>(store: BackupStore, key: string): Promise<T | undefined> {
  const bytes = await readBytes(store, key);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new Error(`s3://${store.bucket}/${key} is not valid JSON: ${(error as Error).message}`);
  }
}

const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function writeBytes(store: BackupStore, key: string, body: Buffer, contentType: string): Promise<void> {
  await store.s3.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ChecksumAlgorithm: 'SHA256',
    }),
  );
}

/** Writes `value` as indented JSON; returns the hex SHA-256 and the size of the bytes written. */
export async function writeJson(
  store: BackupStore,
  key: string,
  value: unknown,
): Promise<{ sha256: string; bytes: number }> {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  await writeBytes(store, key, body, 'application/json');
  return { sha256: sha256Hex(body), bytes: body.length };
}

/** A listed object: key, size, bare ETag, LastModified (ISO 8601); the VersionId from a versions listing. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  versionId?: string;
}

/** Calls `onObject` for every object under `prefix` of `bucket` (all pages of ListObjectsV2). */
export async function eachObject(
  s3: S3Client,
  bucket: string,
  prefix: string,
  onObject: (o: ListedObject) => void,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      onObject({
        key: o.Key!,
        size: o.Size ?? 0,
        etag: bareEtag(o.ETag),
        lastModified: (o.LastModified ?? new Date(0)).toISOString(),
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** One entry of ListObjectVersions: an object version, or a delete marker. */
export interface ListedVersion extends ListedObject {
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
}

/** Calls `onVersion` for every version and delete marker under `prefix` of `bucket` (all pages of ListObjectVersions). */
export async function eachVersion(
  s3: S3Client,
  bucket: string,
  prefix: string,
  onVersion: (v: ListedVersion) => void,
): Promise<void> {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix || undefined,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    const each = (v: ObjectVersion | DeleteMarkerEntry, deleteMarker: boolean) =>
      onVersion({
        key: v.Key!,
        size: 'Size' in v ? (v.Size ?? 0) : 0,
        etag: 'ETag' in v ? bareEtag(v.ETag) : '',
        lastModified: (v.LastModified ?? new Date(0)).toISOString(),
        versionId: v.VersionId ?? 'null',
        isLatest: v.IsLatest ?? false,
        deleteMarker,
      });
    for (const v of page.Versions ?? []) each(v, false);
    for (const m of page.DeleteMarkers ?? []) each(m, true);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
}

/**
 * Calls `onObject` for the current version of every object under `prefix` of a versioned bucket, with
 * its VersionId. Noncurrent versions are skipped, and so is a key whose current version is a delete
 * marker (it is deleted). A version id `null` (written while versioning was off or suspended) pins
 * nothing and is left out.
 */
export async function eachCurrentVersion(
  s3: S3Client,
  bucket: string,
  prefix: string,
  onObject: (o: ListedObject) => void,
): Promise<void> {
  await eachVersion(s3, bucket, prefix, ({ versionId, isLatest, deleteMarker, ...o }) => {
    if (!isLatest || deleteMarker) return;
    onObject({ ...o, ...(versionId !== 'null' ? { versionId } : {}) });
  });
}

/** The bucket's versioning status: `Enabled`, `Suspended` (it may hold versions still) or undefined (never on). */
export async function bucketVersioning(s3: S3Client, bucket: string): Promise<'Enabled' | 'Suspended' | undefined> {
  const status = (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  return status === 'Enabled' || status === 'Suspended' ? status : undefined;
}

/** Every key under `prefix` (all pages). */
export async function listKeys(store: BackupStore, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  await eachObject(store.s3, store.bucket, prefix, (o) => out.push(o));
  return out;
}

/**
 * SHA-256 (hex) and length of an object's bytes, streamed (never held whole); undefined when it is gone
 * or, with `ifMatch`/`versionId`, has changed.
 */
export async function hashObject(
  s3: S3Client,
  bucket: string,
  key: string,
  condition: { ifMatch?: string; versionId?: string } = {},
): Promise<{ sha256: string; bytes: number } | undefined> {
  try {
    const answer = await s3.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(condition.versionId ? { VersionId: condition.versionId } : {}),
        ...(condition.ifMatch ? { IfMatch: `"${condition.ifMatch}"` } : {}),
      }),
    );
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of answer.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return { sha256: hash.digest('hex'), bytes };
  } catch (error) {
    const code = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
    if (code === 404 || code === 412) return undefined;
    throw error;
  }
}

/** The record of every set (`sets/<id>/set.json`), oldest first; a folder without one is skipped. */
export async function listSets(store: BackupStore): Promise<SetRecord[]> {
  const ids: SetId[] = [];
  let token: string | undefined;
  do {
    const page = await store.s3.send(
      new ListObjectsV2Command({
        Bucket: store.bucket,
        Prefix: store.layout.setsPrefix,
        Delimiter: '/',
        ContinuationToken: token,
      }),
    );
    for (const p of page.CommonPrefixes ?? []) {
      const id = p.Prefix!.slice(store.layout.setsPrefix.length).replace(/\/$/, '');
      if (isSetId(id)) ids.push(id);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const limit = pLimit(16);
  const records = await Promise.all(
    ids.map((id) => limit(() => readJson<SetRecord>(store, store.layout.set(id).record))),
  );
  return records.filter((r): r is SetRecord => r !== undefined).sort((a, b) => a.id.localeCompare(b.id));
}

export async function writeSetRecord(store: BackupStore, record: SetRecord): Promise<void> {
  await writeJson(store, store.layout.set(record.id).record, record);
}

/** Writes manifest.json, then manifest.json.sha256 (the hex SHA-256 of its bytes). */
export async function writeManifest(store: BackupStore, manifest: BackupManifest): Promise<{ sha256: string }> {
  const keys = store.layout.set(manifest.set.id);
  const { sha256 } = await writeJson(store, keys.manifest, manifest);
  await writeBytes(store, keys.manifestChecksum, Buffer.from(`${sha256}\n`, 'utf8'), 'text/plain');
  return { sha256 };
}

/** The manifest of set `id`, checked against its stored SHA-256; throws naming what is wrong. */
export async function readManifest(store: BackupStore, id: SetId): Promise<BackupManifest> {
  const keys = store.layout.set(id);
  const where = `s3://${store.bucket}/${keys.manifest}`;
  const [bytes, checksum] = await Promise.all([
    readBytes(store, keys.manifest),
    readBytes(store, keys.manifestChecksum),
  ]);
  if (bytes === undefined) throw new Error(`backup set ${id} has no manifest (${where} is missing)`);
  if (checksum === undefined) {
    throw new Error(`backup set ${id} has no manifest checksum (${where}.sha256 is missing)`);
  }
  const expected = checksum.toString('utf8').trim().split(/\s+/)[0] ?? '';
  const actual = sha256Hex(bytes);
  if (expected !== actual) {
    throw new Error(
      `backup set ${id}: ${where} does not match its checksum (sha256 ${actual}, manifest.json.sha256 says ${expected || 'nothing'})`,
    );
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as BackupManifest;
  } catch (error) {
    throw new Error(`backup set ${id}: ${where} is not valid JSON: ${(error as Error).message}`);
  }
}
