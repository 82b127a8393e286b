/**
 * The lake writer: a server-side copy of exactly the planned objects from the backup store to the
 * target (CopyObject; UploadPartCopy by the copy's own part layout for a multipart object, so the
 * restored ETag equals the recorded one), then the planned deletes, then verification: one listing of
 * the target compared with the plan (size and ETag) and a sample re-read from both sides by SHA-256.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { copyMatches, etagParts } from '../backup/lake.js';
import pLimit from 'p-limit';
import type { Logger } from '../runtime/logger.js';
import { bareEtag } from '../backup/layout.js';
import type { LakeCopy, LakePlan } from './plan.js';
import { hashObject, listAll } from './s3.js';

export interface LakeRestoreResult {
  copied: number;
  copiedBytes: number;
  deleted: number;
  verified: number;
  sampled: number;
  problems: string[];
}

const copySource = (bucket: string, key: string): string => `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

/**
 * Copies one object server-side. A copy with a multipart ETag is copied part by part over its own
 * part boundaries (HeadObject with PartNumber gives each part's length), so the restored object's
 * ETag is the copy's — which is the source's, the backup having kept the source's part layout.
 */
export async function copyObject(
  s3: S3Client,
  from: { bucket: string; key: string },
  to: { bucket: string; key: string },
  etag: string,
  recordedParts?: number,
): Promise<void> {
  const source = copySource(from.bucket, from.key);
  const parts = etagParts(etag) ?? (recordedParts && recordedParts > 1 ? recordedParts : undefined);
  if (parts === undefined) {
    await s3.send(new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: source }));
    return;
  }
  const ranges: Array<[number, number]> = [];
  let offset = 0;
  for (let n = 1; n <= parts; n++) {
    const head = await s3.send(new HeadObjectCommand({ Bucket: from.bucket, Key: from.key, PartNumber: n }));
    const length = head.ContentLength ?? 0;
    ranges.push([offset, offset + length - 1]);
    offset += length;
  }
  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: to.key }));
  const uploadId = upload.UploadId!;
  try {
    const done: CompletedPart[] = [];
    for (const [i, [start, end]] of ranges.entries()) {
      const r = await s3.send(
        new UploadPartCopyCommand({
          Bucket: to.bucket,
          Key: to.key,
          UploadId: uploadId,
          PartNumber: i + 1,
          CopySource: source,
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      done.push({ ETag: r.CopyPartResult?.ETag, PartNumber: i + 1 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: done },
      }),
    );
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}

export async function restoreLake(
  plan: LakePlan,
  s3: S3Client,
  options: { concurrency: number; sample: number; logger: Logger; random?: () => number },
): Promise<LakeRestoreResult> {
  const limit = pLimit(Math.max(1, options.concurrency));
  let copied = 0;
  let copiedBytes = 0;
  await Promise.all(
    plan.copies.map((c) =>
      limit(async () => {
        await copyObject(
          s3,
          { bucket: plan.backupBucket, key: c.from },
          { bucket: plan.targetBucket, key: c.to },
          c.etag,
          c.parts,
        );
        copied++;
        copiedBytes += c.size;
        if (copied % 1000 === 0) options.logger.info(`lake: ${copied}/${plan.copies.length} objects copied`);
      }),
    ),
  );
  let deleted = 0;
  for (let i = 0; i < plan.deletes.length; i += 1000) {
    const batch = plan.deletes.slice(i, i + 1000);
    const r = await s3.send(
      new DeleteObjectsCommand({
        Bucket: plan.targetBucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    if (r.Errors?.length)
      throw new Error(`lake: ${r.Errors.length} deletes failed (first: ${r.Errors[0]!.Key}: ${r.Errors[0]!.Code})`);
    deleted += batch.length;
  }
  const verification = await verifyLakeRestore(plan, s3, options);
  return { copied, copiedBytes, deleted, ...verification };
}

/** The target against the plan: every planned object with its size and ETag, and a sample by SHA-256. */
export async function verifyLakeRestore(
  plan: LakePlan,
  s3: S3Client,
  options: { sample: number; concurrency: number; random?: () => number },
): Promise<{ verified: number; sampled: number; problems: string[] }> {
  const listed = await listAll(s3, plan.targetBucket, plan.targetPrefix);
  const problems: string[] = [];
  let verified = 0;
  for (const c of plan.copies) {
    const got = listed.get(c.to);
    if (!got) problems.push(`missing s3://${plan.targetBucket}/${c.to}`);
    else if (!copyMatches(c, { size: got.size, etag: bareEtag(got.etag) }))
      problems.push(
        `s3://${plan.targetBucket}/${c.to}: ${got.size} bytes, ETag ${got.etag}; expected ${c.size}, ${c.etag}`,
      );
    else verified++;
  }
  for (const k of plan.deletes) if (listed.has(k)) problems.push(`s3://${plan.targetBucket}/${k} was not deleted`);
  const sample = pick(plan.copies, options.sample, options.random ?? Math.random);
  const limit = pLimit(Math.max(1, Math.min(8, options.concurrency)));
  await Promise.all(
    sample.map((c) =>
      limit(async () => {
        const [a, b] = await Promise.all([
          hashObject(s3, plan.backupBucket, c.from),
          hashObject(s3, plan.targetBucket, c.to),
        ]);
        if (a.sha256 !== b.sha256)
          problems.push(`s3://${plan.targetBucket}/${c.to}: its bytes differ from the backup copy`);
      }),
    ),
  );
  return { verified, sampled: sample.length, problems };
}

function pick<T>(items: readonly T[], n: number, random: () => number): T[] {
  const copy = [...items];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(random() * copy.length), 1)[0]!);
  return out;
}

export type { LakeCopy };
