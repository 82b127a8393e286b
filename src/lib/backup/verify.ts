/**
 * Verification of a set's lake copies before the set may be `complete`:
 *  1. one listing of the backup's data prefix (not a HEAD per copy): every entry's copy exists, with
 *     the recorded size and the source's ETag (a part-wise check for multipart copies, which keep the
 *     source's part layout);
 *  2. a random sample of `sample` entries is read from the source and from the backup, and the
 *     SHA-256 of both streams compared (the only object bytes that pass through the runner); a
 *     SHA-256 the store returned at copy time (`checksumSha256`) is compared with the copy's bytes
 *     there too (checking it for every entry would take a HEAD each: the listing does not carry it).
 *  3. with the plan's Object Lock (`lockedUntil`, the set's retain-until): the sampled copies' retention
 *     is read back (GetObjectRetention), and one that ends earlier, or is missing, is a problem — the
 *     check that reused copies were extended, not only that new ones were written locked.
 * A mismatch is a problem line in the result, never an exception; an API failure throws.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { COPY_OBJECT_MAX_BYTES, etagParts, listCopies, type LakeSource } from './lake.js';
import { hashObject, type BackupStore } from './store.js';
import type { LakeEntry, Verification } from './types.js';
import { bareEtag } from './layout.js';
import { readRetention } from './lock.js';

/** At most this many problem lines are kept (then one line saying how many more). */
export const MAX_PROBLEMS = 200;

const status = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** Whether a copy's ETag is expected to equal the source's (not for a big single-part source cut into parts). */
const etagComparable = (entry: LakeEntry): boolean =>
  etagParts(entry.etag) !== undefined || !(entry.parts !== undefined || entry.size > COPY_OBJECT_MAX_BYTES);

export async function verifyLake(
  store: BackupStore,
  source: LakeSource,
  entries: LakeEntry[],
  options: { sample: number; random?: () => number; concurrency?: number; lockedUntil?: Date },
): Promise<Verification> {
  const random = options.random ?? Math.random;
  const problems: string[] = [];
  const failed = new Set<string>();
  let dropped = 0;
  const problem = (entry: LakeEntry, line: string) => {
    failed.add(entry.copyKey);
    if (problems.length < MAX_PROBLEMS) problems.push(line);
    else dropped += 1;
  };
  const limit = pLimit(Math.max(1, options.concurrency ?? 8));
  const where = (key: string) => `s3://${store.bucket}/${key}`;

  // 1. Existence, size, ETag (and a recorded checksum) from one listing.
  const copies = await listCopies(store, source.prefixes);
  // Entries outside the listed prefixes (a plan whose prefixes changed): one HEAD each.
  const unlisted = entries.filter((e) => !copies.has(e.copyKey) && !source.prefixes.some((p) => e.key.startsWith(p)));
  await Promise.all(
    unlisted.map((e) =>
      limit(async () => {
        try {
          const head = await store.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: e.copyKey }));
          copies.set(e.copyKey, { size: head.ContentLength ?? 0, etag: bareEtag(head.ETag) });
        } catch (error) {
          if (status(error) !== 404) throw error;
        }
      }),
    ),
  );
  const good: LakeEntry[] = [];
  for (const e of entries) {
    const copy = copies.get(e.copyKey);
    if (!copy) problem(e, `missing copy: ${e.key} (${where(e.copyKey)} is not there)`);
    else if (copy.size !== e.size) {
      problem(e, `size mismatch: ${e.key}: the copy has ${copy.size} bytes, the source had ${e.size}`);
    } else if (etagComparable(e) && copy.etag !== e.etag) {
      problem(e, `checksum mismatch: ${e.key}: the copy's ETag is ${copy.etag}, the source's was ${e.etag}`);
    } else good.push(e);
  }

  // 2. A random sample, re-read from both sides. An entry whose source has changed or gone since the
  // backup cannot be compared: the next candidate takes its place.
  const candidates = [...good].sort((a, b) => (a.key < b.key ? -1 : 1));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const wanted = Math.min(Math.max(0, Math.floor(options.sample)), candidates.length);
  let sampled = 0;
  let inFlight = 0;
  let sampledBytes = 0;
  let next = 0;
  const sampleOne = async (): Promise<void> => {
    while (sampled + inFlight < wanted && next < candidates.length) {
      const e = candidates[next++]!;
      inFlight += 1;
      const fromSource = await hashObject(source.s3, source.bucket, e.key, {
        ifMatch: e.etag,
        versionId: e.versionId,
      });
      const fromCopy = fromSource ? await hashObject(store.s3, store.bucket, e.copyKey) : undefined;
      inFlight -= 1;
      if (!fromSource) continue;
      sampledBytes += fromSource.bytes + (fromCopy?.bytes ?? 0);
      sampled += 1;
      const recorded = e.checksumSha256;
      if (!fromCopy) problem(e, `missing copy: ${e.key} (${where(e.copyKey)} vanished during verification)`);
      else if (recorded && Buffer.from(fromCopy.sha256, 'hex').toString('base64') !== recorded) {
        problem(e, `checksum mismatch: ${e.key}: the copy's SHA-256 differs from the one recorded at copy time`);
      } else if (fromCopy.sha256 !== fromSource.sha256) {
        problem(
          e,
          `content mismatch: ${e.key}: SHA-256 of the copy ${fromCopy.sha256}, of the source ${fromSource.sha256}`,
        );
      } else if (options.lockedUntil) {
        const lock = await readRetention(store.s3, store.bucket, e.copyKey);
        if (!lock || lock.retainUntil.getTime() < options.lockedUntil.getTime())
          problem(
            e,
            `retention too short: ${e.key}: the copy is locked ${lock ? `until ${lock.retainUntil.toISOString()}` : 'not at all'}, ` +
              `the set needs ${options.lockedUntil.toISOString()}`,
          );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, Math.max(1, wanted)) }, () => sampleOne()));
  if (dropped > 0) problems.push(`… and ${dropped} more problems`);

  const verified = entries.filter((e) => !failed.has(e.copyKey)).length;
  return { verified, total: entries.length, sampled, problems, sampledBytes };
}
