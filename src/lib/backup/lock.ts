/**
 * Object Lock retention on the backup store's copies. A copy made by a run gets the plan's retention
 * as it is written (lake.ts). A copy an earlier set made and this set names again keeps the
 * retention it got then, which may end before this set's: `extendRetention` moves it out to this
 * set's retain-until, so every copy a set names is locked at least as long as the set itself.
 *
 * Only ever extending: a copy locked until later already is left alone (one GetObjectRetention);
 * otherwise PutObjectRetention sets this set's date. The mode is the plan's for a copy without a
 * retention still running; a running retention keeps its own mode, since S3 changes no mode without
 * the bypass permission the backup identity does not have (COMPLIANCE never becomes GOVERNANCE, and
 * GOVERNANCE becomes COMPLIANCE only with s3:BypassGovernanceRetention) — MinIO answers the same.
 * Nothing here bypasses governance retention or shortens a date.
 */
import { GetObjectRetentionCommand, PutObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError } from '../runtime/errors.js';

export interface ObjectLock {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntil: Date;
}

const noRetention = (error: unknown): boolean => {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NoSuchObjectLockConfiguration' ||
    e?.Code === 'NoSuchObjectLockConfiguration' ||
    e?.$metadata?.httpStatusCode === 404
  );
};

/** The retention of an object's current version, or undefined when it has none. */
export async function readRetention(s3: S3Client, bucket: string, key: string): Promise<ObjectLock | undefined> {
  try {
    const answer = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: key }));
    const r = answer.Retention;
    if (!r?.Mode || !r.RetainUntilDate) return undefined;
    return { mode: r.Mode === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE', retainUntil: new Date(r.RetainUntilDate) };
  } catch (error) {
    if (noRetention(error)) return undefined;
    throw error;
  }
}

export interface ExtendOutcome {
  /** Copies whose retention was moved out to `lock.retainUntil` (or set, where there was none). */
  extended: number;
  /** Copies already locked until `lock.retainUntil` or later: left alone. */
  alreadyLocked: number;
  /** Of the extended, those whose running retention kept a mode other than the plan's. */
  otherMode: number;
}

/**
 * Makes every copy in `keys` locked at least until `lock.retainUntil` (see the file comment). Throws
 * on the first copy that cannot be read or extended, naming it; the caller's set then stays
 * incomplete (a later run resumes it and extends again).
 */
export async function extendRetention(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  lock: ObjectLock,
  options: { concurrency: number; now: Date },
): Promise<ExtendOutcome> {
  const outcome: ExtendOutcome = { extended: 0, alreadyLocked: 0, otherMode: 0 };
  const limit = pLimit(Math.max(1, options.concurrency));
  let failure: Error | undefined;
  await Promise.all(
    keys.map((key) =>
      limit(async () => {
        if (failure) return;
        try {
          const current = await readRetention(s3, bucket, key);
          if (current && current.retainUntil.getTime() >= lock.retainUntil.getTime()) {
            outcome.alreadyLocked += 1;
            return;
          }
          const running = current && current.retainUntil.getTime() > options.now.getTime();
          const mode = running ? current.mode : lock.mode;
          await s3.send(
            new PutObjectRetentionCommand({
              Bucket: bucket,
              Key: key,
              Retention: { Mode: mode, RetainUntilDate: lock.retainUntil },
            }),
          );
          outcome.extended += 1;
          if (mode !== lock.mode) outcome.otherMode += 1;
        } catch (error) {
          failure ??= new Error(
            `could not extend the Object Lock retention of s3://${bucket}/${key} to ${lock.retainUntil.toISOString()}: ${describeError(error)}`,
          );
        }
      }),
    ),
  );
  if (failure) throw failure;
  return outcome;
}
