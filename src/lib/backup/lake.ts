/**
 * The lake copy: list the lake (exclusions, an optional shard of the key space), list the copies the
 * backup store already holds (one listing of `data/<prefix>`), and copy server-side only what is not
 * there yet. Copies are content-addressed (`data/<source-key>/<etag>`), so a copy made for one set
 * serves every later set whose source object has the same key and ETag, and a run killed half way
 * is resumed by running it again: CopyObject is atomic, and an unfinished multipart copy is invisible
 * (we abort it when we fail). Object data never passes through the runner. Nothing is ever deleted
 * from the backup store here (that is the sweep's job).
 *
 * Copies keep the source's part layout, so the copy's ETag equals the source's and verification can
 * compare ETags: a single-part source with CopyObject; a multipart source (`<hex>-<n>`) with
 * UploadPartCopy over the source's own part boundaries (HeadObject with PartNumber gives each part's
 * length; MinIO supports it). A single-part source above CopyObject's 5 GiB limit (possible only
 * from stores that allow larger single PUTs) is copied in COPY_PART_BYTES parts: its copy's ETag then
 * differs from the source's, the entry records `parts`, and verification checks it by size and the
 * sampled byte hash only.
 *
 * Checksums: CopyObject asks for SHA-256 and the entry records `checksumSha256` when the store
 * returns one in the CopyObject result (AWS S3 does). MinIO computes it (a HEAD with checksum mode
 * shows it) but returns none in the result, so after the first answer without one the run stops
 * asking (the server's hashing would be work for nothing). MinIO also refuses to complete a multipart
 * copy created with a checksum algorithm ("checksum missing"), so multipart copies ask for none and
 * are checked by their ETag, which is part-wise (the MD5 of the parts' MD5s).
 */
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';
import { bareEtag } from './layout.js';
import {
  eachCurrentVersion,
  eachObject,
  bucketVersioning,
  listKeys,
  readJson,
  writeJson,
  type BackupStore,
} from './store.js';
import type { LakeEntry, LakePart, SetId } from './types.js';
import { extendRetention, type ObjectLock } from './lock.js';

export type { ObjectLock };

export interface LakeSource {
  s3: S3Client;
  bucket: string;
  /** Prefixes to back up ('' for the whole bucket). */
  prefixes: string[];
  /** `aws s3 sync --exclude` patterns on the key relative to the bucket root. */
  exclude: string[];
}

export interface LakeObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  versionId?: string;
}

export interface Shard {
  index: number;
  count: number;
}

/** CopyObject's limit: a larger object must be copied part by part. */
export const COPY_OBJECT_MAX_BYTES = 5 * 1024 ** 3;
/** Part size for a single-part source above COPY_OBJECT_MAX_BYTES. */
export const COPY_PART_BYTES = 512 * 1024 ** 2;

const patternCache = new Map<string, RegExp>();

/** fnmatch as `aws s3 sync --exclude` applies it: `*` any characters ('/' included), `?` one, `[...]` a class. */
function patternRegExp(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (re) return re;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  re = new RegExp(`^${out}$`, 's');
  patternCache.set(pattern, re);
  return re;
}

/** True when `key` (relative to the bucket root) matches one of the exclude patterns. */
export function isExcluded(key: string, patterns: string[]): boolean {
  return patterns.some((p) => patternRegExp(p).test(key));
}

/** The 1-based shard a key belongs to among `count`: the first 32 bits of its SHA-1, modulo count. */
export function shardOf(key: string, count: number): number {
  if (count <= 1) return 1;
  return (createHash('sha1').update(key, 'utf8').digest().readUInt32BE(0) % count) + 1;
}

/** Prefixes with the ones inside another listed prefix left out ('' covers all). */
function outermost(prefixes: string[]): string[] {
  const unique = [...new Set(prefixes)].sort();
  return unique.filter((p) => !unique.some((q) => q !== p && p.startsWith(q)));
}

/**
 * Whether the lake's objects carry versions: `enabled` (GetBucketVersioning says Enabled: objects are
 * listed with ListObjectVersions and copied by VersionId), `off` (never enabled, or suspended), or
 * `unknown` (the identity may not read the bucket's versioning: listed and copied as unversioned).
 */
export type LakeVersioning = 'enabled' | 'off' | 'unknown';

export interface LakeListing {
  objects: LakeObject[];
  excluded: number;
  versioning: LakeVersioning;
}

async function lakeVersioning(source: LakeSource): Promise<LakeVersioning> {
  try {
    return (await bucketVersioning(source.s3, source.bucket)) === 'Enabled' ? 'enabled' : 'off';
  } catch (error) {
    if (status(error) === 403) return 'unknown';
    throw error;
  }
}

/**
 * The lake's objects under the source's prefixes, minus exclusions, in `shard` when given; sorted by
 * key. On a versioned lake each object carries the VersionId of its current version.
 */
export async function listLake(source: LakeSource, shard?: Shard): Promise<LakeListing> {
  const objects: LakeObject[] = [];
  let excluded = 0;
  const versioning = await lakeVersioning(source);
  const list = versioning === 'enabled' ? eachCurrentVersion : eachObject;
  for (const prefix of outermost(source.prefixes)) {
    await list(source.s3, source.bucket, prefix, (o) => {
      if (shard && shardOf(o.key, shard.count) !== shard.index) return;
      if (isExcluded(o.key, source.exclude)) excluded += 1;
      else objects.push(o);
    });
  }
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { objects, excluded, versioning };
}

/** The copies already in the store under the data prefix of each source prefix: copy key → size, ETag. */
export async function listCopies(
  store: BackupStore,
  prefixes: string[],
): Promise<Map<string, { size: number; etag: string }>> {
  const copies = new Map<string, { size: number; etag: string }>();
  for (const prefix of outermost(prefixes)) {
    for (const o of await listKeys(store, `${store.layout.dataPrefix}${prefix}`)) {
      copies.set(o.key, { size: o.size, etag: o.etag });
    }
  }
  return copies;
}

/** The part count of a multipart ETag (`<hex>-<n>`), else undefined. */
export function etagParts(etag: string): number | undefined {
  const m = /-(\d+)$/.exec(etag);
  return m ? Number(m[1]) : undefined;
}

/** True when a copy's listed size and ETag show it holds the source object. */
export function copyMatches(entry: { size: number; etag: string }, copy: { size: number; etag: string }): boolean {
  if (copy.size !== entry.size) return false;
  // A single-part source above CopyObject's limit was cut into parts: its ETag differs by design.
  if (etagParts(entry.etag) === undefined && entry.size > COPY_OBJECT_MAX_BYTES) return true;
  return copy.etag === entry.etag;
}

/** `x-amz-copy-source`: the bucket and key, and `?versionId=` when the copy is of one version. */
const encodeCopySource = (bucket: string, key: string, versionId?: string): string =>
  `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}` +
  (versionId ? `?versionId=${encodeURIComponent(versionId)}` : '');

const status = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** The source object changed (412) or vanished (404) between listing and copying. */
class SourceChanged extends Error {}

interface Copied {
  checksumSha256?: string;
  parts?: number;
}

async function copyOne(
  store: BackupStore,
  source: LakeSource,
  o: LakeObject,
  copyKey: string,
  objectLock: ObjectLock | undefined,
  checksums: { returned?: boolean },
): Promise<Copied> {
  const lock = objectLock ? { ObjectLockMode: objectLock.mode, ObjectLockRetainUntilDate: objectLock.retainUntil } : {};
  // By version when the lake is versioned: what the listing saw is what is copied, even when the key
  // is written again meanwhile (the ETag condition then holds; without a version it would refuse).
  const copySource = encodeCopySource(source.bucket, o.key, o.versionId);
  const ifMatch = `"${o.etag}"`;
  const sourceParts = etagParts(o.etag);
  try {
    if (sourceParts === undefined && o.size <= COPY_OBJECT_MAX_BYTES) {
      const answer = await store.s3.send(
        new CopyObjectCommand({
          Bucket: store.bucket,
          Key: copyKey,
          CopySource: copySource,
          CopySourceIfMatch: ifMatch,
          ...(checksums.returned !== false ? { ChecksumAlgorithm: 'SHA256' as const } : {}),
          ...lock,
        }),
      );
      const checksum = answer.CopyObjectResult?.ChecksumSHA256;
      // A store that computes none or returns none in the answer (MinIO) is not asked again this run.
      checksums.returned ??= checksum !== undefined;
      return checksum ? { checksumSha256: checksum } : {};
    }
    // Part boundaries: the source's own (so the ETag matches), else fixed-size parts.
    const ranges: Array<[number, number]> = [];
    if (sourceParts !== undefined) {
      let offset = 0;
      for (let n = 1; n <= sourceParts; n++) {
        const head = await source.s3.send(
          new HeadObjectCommand({
            Bucket: source.bucket,
            Key: o.key,
            PartNumber: n,
            IfMatch: ifMatch,
            ...(o.versionId ? { VersionId: o.versionId } : {}),
          }),
        );
        const length = head.ContentLength ?? 0;
        ranges.push([offset, offset + length - 1]);
        offset += length;
      }
      if (offset !== o.size) {
        throw new Error(`the parts of s3://${source.bucket}/${o.key} add up to ${offset} bytes, not ${o.size}`);
      }
    } else {
      for (let offset = 0; offset < o.size; offset += COPY_PART_BYTES) {
        ranges.push([offset, Math.min(o.size, offset + COPY_PART_BYTES) - 1]);
      }
    }
    const upload = await store.s3.send(
      new CreateMultipartUploadCommand({ Bucket: store.bucket, Key: copyKey, ...lock }),
    );
    const uploadId = upload.UploadId!;
    try {
      const parts: CompletedPart[] = [];
      for (const [i, [from, to]] of ranges.entries()) {
        const part = await store.s3.send(
          new UploadPartCopyCommand({
            Bucket: store.bucket,
            Key: copyKey,
            UploadId: uploadId,
            PartNumber: i + 1,
            CopySource: copySource,
            CopySourceIfMatch: ifMatch,
            CopySourceRange: `bytes=${from}-${to}`,
          }),
        );
        parts.push({ PartNumber: i + 1, ETag: part.CopyPartResult?.ETag });
      }
      await store.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: store.bucket,
          Key: copyKey,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await store.s3
        .send(new AbortMultipartUploadCommand({ Bucket: store.bucket, Key: copyKey, UploadId: uploadId }))
        .catch(() => undefined);
      throw error;
    }
    return { parts: ranges.length };
  } catch (error) {
    const code = status(error);
    if (code === 412 || code === 404) throw new SourceChanged(describeError(error));
    throw error;
  }
}

/** What one object became in the set, after the source was looked at again when it changed. */
async function headSource(source: LakeSource, key: string, versioned: boolean): Promise<LakeObject | undefined> {
  try {
    const head = await source.s3.send(new HeadObjectCommand({ Bucket: source.bucket, Key: key }));
    return {
      key,
      size: head.ContentLength ?? 0,
      etag: bareEtag(head.ETag),
      lastModified: (head.LastModified ?? new Date(0)).toISOString(),
      ...(versioned && head.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {}),
    };
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Aborts the unfinished multipart copies a killed run left at the keys this run is about to copy
 * (invisible, but billed until aborted). Only those keys, one listing each (multipart objects are
 * few; MinIO lists uploads only for an exact object name): another shard's uploads are never touched.
 */
async function abortLeftovers(store: BackupStore, keys: string[]): Promise<number> {
  let aborted = 0;
  for (const key of keys) {
    const page = await store.s3.send(new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: key }));
    for (const u of page.Uploads ?? []) {
      if (u.Key !== key || !u.UploadId) continue;
      await store.s3.send(new AbortMultipartUploadCommand({ Bucket: store.bucket, Key: key, UploadId: u.UploadId }));
      aborted += 1;
    }
  }
  return aborted;
}

const bytesText = (n: number): string =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(1)} GiB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${n} B`;

export interface BackupLakeOptions {
  /** Copies in flight at once. */
  concurrency: number;
  shard?: Shard;
  /**
   * The set's retention (the backup bucket must have Object Lock enabled): put on every copy made, and
   * the copies of earlier sets that this set names again are extended to it (never shortened).
   */
  objectLock?: ObjectLock;
  /** Now, for telling a running retention from an expired one (default: the system clock). */
  now?: Date;
}

/**
 * Copies what the store lacks of the lake (this shard of it), writes `sets/<id>/parts/<i>-of-<n>.json`
 * and returns it. Throws on the first copy that fails for good (after the client's retries); copies
 * made until then stay, and the next run skips them.
 */
export async function backupLake(
  store: BackupStore,
  setId: SetId,
  source: LakeSource,
  options: BackupLakeOptions,
  logger: Logger,
): Promise<LakePart> {
  const shard = options.shard ?? { index: 1, count: 1 };
  const shardText = shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : '';
  // The two listings at once: the lake's and the store's copies.
  const [{ objects, excluded, versioning }, copies] = await Promise.all([
    listLake(source, options.shard),
    listCopies(store, source.prefixes),
  ]);
  const listedBytes = objects.reduce((sum, o) => sum + o.size, 0);
  logger.info(
    `lake: listed ${objects.length} objects (${bytesText(listedBytes)}) in s3://${source.bucket}` +
      `${shardText}, ${excluded} excluded` +
      (versioning === 'enabled' ? '; versioned: each copy is made of the listed version' : ''),
  );
  if (versioning === 'unknown')
    logger.warning(
      `lake: could not read the versioning of s3://${source.bucket} (access denied): copying the current ` +
        'objects without recording their versions (grant s3:GetBucketVersioning and s3:ListBucketVersions to record them)',
    );
  const entries: LakeEntry[] = [];
  const todo: LakeObject[] = [];
  /** Copies already in the store that this set names: their retention may need extending. */
  const reused: string[] = [];
  for (const o of objects) {
    const copyKey = store.layout.copyKey(o.key, o.etag);
    const copy = copies.get(copyKey);
    if (copy && copyMatches(o, copy)) {
      const parts = etagParts(o.etag) ?? etagParts(copy.etag);
      entries.push({ ...o, copyKey, ...(parts !== undefined ? { parts } : {}) });
      reused.push(copyKey);
    } else {
      todo.push(o);
    }
  }
  const present = entries.length;
  const todoBytes = todo.reduce((sum, o) => sum + o.size, 0);
  logger.info(
    `lake: ${present} already in the backup store, copying ${todo.length} (${bytesText(todoBytes)}) ` +
      `with ${options.concurrency} at once`,
  );

  const multipart = todo.filter((o) => etagParts(o.etag) !== undefined || o.size > COPY_OBJECT_MAX_BYTES);
  if (multipart.length > 0) {
    const aborted = await abortLeftovers(
      store,
      multipart.map((o) => store.layout.copyKey(o.key, o.etag)),
    );
    if (aborted > 0) logger.info(`lake: aborted ${aborted} unfinished multipart copies of an earlier run`);
  }

  const limit = pLimit(Math.max(1, options.concurrency));
  const checksums: { returned?: boolean } = {};
  let failure: unknown;
  let copied = 0;
  let copiedBytes = 0;
  let vanished = 0;
  const copyTask = async (listed: LakeObject): Promise<void> => {
    let o: LakeObject | undefined = listed;
    for (let attempt = 1; o && failure === undefined; attempt++) {
      const copyKey = store.layout.copyKey(o.key, o.etag);
      const copy = copies.get(copyKey);
      if (copy && copyMatches(o, copy)) {
        entries.push({ ...o, copyKey });
        reused.push(copyKey);
        return;
      }
      try {
        const result = await copyOne(store, source, o, copyKey, options.objectLock, checksums);
        entries.push({ ...o, copyKey, ...result, ...(etagParts(o.etag) ? { parts: etagParts(o.etag) } : {}) });
        copied += 1;
        copiedBytes += o.size;
        logger.debug(`lake: copied ${o.key} (${o.size} bytes)`);
        return;
      } catch (error) {
        if (!(error instanceof SourceChanged) || attempt >= 3) {
          failure ??= new Error(
            `lake copy of s3://${source.bucket}/${o.key} to s3://${store.bucket}/${copyKey} failed: ` +
              `${describeError(error)}${attemptsText(error)}`,
          );
          return;
        }
        // Changed or deleted since the listing: take what is there now (or nothing).
        o = await headSource(source, o.key, versioning === 'enabled');
        if (o && isExcluded(o.key, source.exclude)) o = undefined;
      }
    }
    if (!o) vanished += 1;
  };
  await Promise.all(todo.map((o) => limit(() => (failure === undefined ? copyTask(o) : undefined))));
  if (failure !== undefined) {
    logger.info(`lake: copied ${copied} objects (${bytesText(copiedBytes)}) before the failure`);
    throw failure;
  }
  if (vanished > 0) logger.warning(`lake: ${vanished} objects were deleted from the lake while the backup ran`);
  let objectLock: LakePart['objectLock'];
  if (options.objectLock) {
    // before the part is written: a part names only copies locked at least as long as the set
    const lock = options.objectLock;
    const extended = await extendRetention(store.s3, store.bucket, reused, lock, {
      concurrency: options.concurrency,
      now: options.now ?? new Date(),
    });
    objectLock = { mode: lock.mode, retainUntil: lock.retainUntil.toISOString(), ...extended };
    logger.info(
      `lake: Object Lock ${lock.mode} until ${objectLock.retainUntil} on the ${copied} copies made; of the ` +
        `${reused.length} reused, ${extended.extended} extended to it, ${extended.alreadyLocked} already locked as long or longer` +
        (extended.otherMode ? ` (${extended.otherMode} keep the other mode their running retention has)` : ''),
    );
  }
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const part: LakePart = {
    schema: 1,
    setId,
    shard,
    entries,
    copied,
    copiedBytes,
    excluded,
    ...(objectLock ? { objectLock } : {}),
  };
  const key = store.layout.set(setId).part(shard.index, shard.count);
  await writeJson(store, key, part);
  logger.info(
    `lake: ${entries.length} objects in the set${shardText}: ${copied} copied (${bytesText(copiedBytes)}), ` +
      `${present} already present; part written to s3://${store.bucket}/${key}`,
  );
  return part;
}

function attemptsText(error: unknown): string {
  const attempts = (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  return attempts && attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

/** The parts of shards 1..count of a set, in order; throws naming every shard that wrote none. */
export async function mergeParts(store: BackupStore, setId: SetId, count: number): Promise<LakePart[]> {
  const keys = store.layout.set(setId);
  const parts = await Promise.all(
    Array.from({ length: count }, (_, i) => readJson<LakePart>(store, keys.part(i + 1, count))),
  );
  const missing = parts.flatMap((p, i) => (p === undefined ? [i + 1] : []));
  if (missing.length > 0) {
    throw new Error(
      `backup set ${setId}: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ` +
        `wrote no part (${missing.map((i) => keys.part(i, count)).join(', ')}); run the lake copy for ` +
        `${missing.length > 1 ? 'them' : 'it'} again (\`--shard ${missing[0]}/${count}\`)`,
    );
  }
  for (const [i, p] of parts.entries()) {
    if (p!.setId !== setId || p!.shard.index !== i + 1 || p!.shard.count !== count) {
      throw new Error(
        `backup set ${setId}: ${keys.part(i + 1, count)} holds shard ${p!.shard.index}/${p!.shard.count} ` +
          `of set ${p!.setId}, not shard ${i + 1}/${count} of this set`,
      );
    }
  }
  return parts as LakePart[];
}
