/**
 * Mark and sweep on MinIO: sets written in the layout (set.json, manifest, parts, a dump), copies as
 * small objects under data/, then retention planned and swept; asserts what remains. The backup
 * bucket is versioned: the sweep writes delete markers only, every version stays.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import {
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { backupStore, listSets, type BackupStore } from '../../src/lib/backup/store.js';
import { setIdAt } from '../../src/lib/backup/layout.js';
import { planRetention, type RetentionDecision } from '../../src/lib/backup/retention.js';
import { referencedCopies, sweep } from '../../src/lib/backup/sweep.js';
import { GuardFailure } from '../../src/lib/backup/guards.js';
import type { SetId } from '../../src/lib/backup/types.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { createBucket, removeBucket, stackS3 } from '../helpers/lake-seed.js';
import { entry, everything, history, IDS, NOW, POLICY, putCopy, writeSet } from '../helpers/backup-sets.js';

let s3: S3Client;
let bucket: string; // versioned
let stores = 0;

beforeAll(async () => {
  s3 = stackS3();
  bucket = await createBucket(s3, 'sweep');
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
});

afterAll(async () => {
  await removeBucket(s3, bucket);
  s3.destroy();
});

/** A fresh prefix in the test bucket. */
function newStore(): BackupStore {
  stores += 1;
  return backupStore(s3, bucket, `phlo-backup/sweep-${stores}/`);
}

async function plan(store: BackupStore, current: SetId): Promise<RetentionDecision> {
  return planRetention(await listSets(store), POLICY, NOW, current);
}

describe('sweep on MinIO', () => {
  test('removes the removed sets (set.json first), remnants and unreferenced copies; keeps what kept sets name', async () => {
    const store = newStore();
    const { ids } = await history(store);
    const decision = await plan(store, ids.A);
    expect(decision.keep.map((k) => k.id)).toEqual([ids.A, ids.B]);
    expect(decision.remove.map((r) => r.id)).toEqual([ids.D, ids.F, ids.C]);
    expect([...(await referencedCopies(store, [ids.A, ids.B]))].sort()).toEqual(
      ['1', '2', '3'].map((c) => entry(store, c).copyKey),
    );

    const logger = new MemoryLogger();
    const deletes: string[][] = [];
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteObjectsCommand') {
          const input = args.input as { Delete: { Objects: { Key: string; VersionId?: string }[] } };
          expect(input.Delete.Objects.every((o) => o.VersionId === undefined)).toBe(true);
          deletes.push(input.Delete.Objects.map((o) => o.Key));
        }
        return next(args);
      },
      { step: 'initialize', name: 'recordDeletes' },
    );
    const result = await sweep(
      store,
      decision,
      { maxDelete: 1000, dryRun: false, currentComplete: true },
      logger,
    ).finally(() => s3.middlewareStack.remove('recordDeletes'));
    expect(result.setsRemoved).toEqual([ids.D, ids.F, ids.C, ids.R]);
    expect(result.copiesRemoved).toBe(3);

    const left = await everything(store);
    const sets = (id: SetId): string[] => left.filter((k) => k.startsWith(store.layout.set(id).prefix));
    expect(sets(ids.A)).toHaveLength(5); // dump, part, manifest, its checksum, set.json
    expect(sets(ids.B)).toHaveLength(5);
    for (const id of [ids.C, ids.D, ids.F, ids.R]) expect(sets(id)).toEqual([]);
    expect(left.filter((k) => k.startsWith(store.layout.dataPrefix))).toEqual(
      ['1', '2', '3'].map((c) => entry(store, c).copyKey),
    );
    expect((await listSets(store)).map((s) => s.id)).toEqual([ids.B, ids.A]);
    expect(logger.text()).toMatch(/remnant of a set removed half way/);

    // in each removed set, set.json was deleted alone, before the rest of its folder
    for (const id of [ids.C, ids.D, ids.F]) {
      const i = deletes.findIndex((batch) => batch.some((k) => k.startsWith(store.layout.set(id).prefix)));
      expect(deletes[i]).toEqual([store.layout.set(id).record]);
      expect(deletes[i + 1]!.every((k) => k.startsWith(store.layout.set(id).prefix))).toBe(true);
    }
    // and the copies last, in one batch
    expect(deletes[deletes.length - 1]).toEqual(['4', '5', '8'].map((c) => entry(store, c).copyKey));
    const versions = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: store.layout.set(ids.C).prefix }),
    );
    // only delete markers were written: every version is still there
    expect((versions.Versions ?? []).map((v) => v.Key).sort()).toEqual(
      [
        store.layout.set(ids.C).dump('phlo'),
        store.layout.set(ids.C).part(1, 1),
        store.layout.set(ids.C).manifest,
        store.layout.set(ids.C).manifestChecksum,
        store.layout.set(ids.C).record,
      ].sort(),
    );

    // idempotent: the next run plans and deletes nothing more
    const again = await sweep(
      store,
      await plan(store, ids.A),
      { maxDelete: 0, dryRun: false, currentComplete: true },
      logger,
    );
    expect(again).toEqual({ setsRemoved: [], copiesRemoved: 0, planned: { sets: [], copies: 0, objects: 0 } });
  });

  test('more than maxDelete: a GuardFailure naming the count and the limit, and nothing deleted', async () => {
    const store = newStore();
    const { ids } = await history(store);
    const before = await everything(store);
    const decision = await plan(store, ids.A);
    // C: dump, part, manifest, checksum, set.json; D and F: dump, part, set.json; R: a manifest; c4, c5, c8
    const error = await sweep(
      store,
      decision,
      { maxDelete: 10, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardFailure);
    expect((error as GuardFailure).guard).toBe('max-delete');
    expect((error as Error).message).toMatch(
      /^Retention guard: this run would delete 15 objects \(4 sets with 12 objects, 3 unreferenced copies\), more than retention\.maxDelete 10\. Nothing was deleted\./,
    );
    expect(await everything(store)).toEqual(before);
    // the same plan at the limit goes through
    const ok = await sweep(
      store,
      decision,
      { maxDelete: 15, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    );
    expect(ok.planned.objects).toBe(15);
  });

  test('a dry run plans only; an incomplete current run deletes nothing', async () => {
    const store = newStore();
    const { ids } = await history(store);
    const before = await everything(store);
    const decision = await plan(store, ids.A);
    const logger = new MemoryLogger();
    const dry = await sweep(store, decision, { maxDelete: 3, dryRun: true, currentComplete: false }, logger);
    expect(dry).toEqual({
      setsRemoved: [],
      copiesRemoved: 0,
      planned: { sets: [ids.D, ids.F, ids.C, ids.R], copies: 3, objects: 15 },
    });
    expect(logger.text()).toMatch(/warning: Retention guard: this run would delete 15 objects/);
    expect(logger.text()).toMatch(/retention: remove set 20261101T020000Z: complete, but not among the newest 2/);
    const refused = await sweep(
      store,
      decision,
      { maxDelete: 1000, dryRun: false, currentComplete: false },
      logger,
    ).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GuardFailure);
    expect((refused as GuardFailure).guard).toBe('incomplete-run');
    expect(await everything(store)).toEqual(before);
  });

  test('a kept set whose manifest does not match its checksum stops the sweep before any delete', async () => {
    const store = newStore();
    const { ids } = await history(store);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: store.layout.set(ids.B).manifest,
        Body: Buffer.from('{"tampered":1}'),
      }),
    );
    const before = await everything(store);
    await expect(
      sweep(
        store,
        await plan(store, ids.A),
        { maxDelete: 1000, dryRun: false, currentComplete: true },
        new MemoryLogger(),
      ),
    ).rejects.toThrow(/backup set 20261128T020000Z: .* does not match its checksum/);
    expect(await everything(store)).toEqual(before);
  });

  test("a kept incomplete set (within the grace period) keeps its parts' copies and the copies made since it started", async () => {
    const store = newStore();
    const complete = '20261128T020000Z';
    await putCopy(store, 'old');
    await writeSet(store, complete, 'complete', ['old']);
    // a run still going (or to be resumed): started a minute ago, one shard's part written, one copy not yet
    const started = new Date(Date.now() - 60_000);
    const open = setIdAt(started);
    await putCopy(store, 'in-part');
    await putCopy(store, 'not-yet-in-a-part');
    await writeSet(store, open, 'incomplete', ['in-part'], { part: true });
    const now = new Date(started.getTime() + 3600_000);
    const decision = planRetention(await listSets(store), POLICY, now, undefined);
    expect(decision.keep.map((k) => k.id)).toEqual([open, complete]);
    const result = await sweep(
      store,
      decision,
      { maxDelete: 1000, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    );
    expect(result.copiesRemoved).toBe(0);
    expect((await everything(store)).filter((k) => k.includes('/data/'))).toHaveLength(3);

    // once past the grace period it goes, and with it the copies only it named
    const later = planRetention(await listSets(store), POLICY, new Date(started.getTime() + 25 * 3600_000), complete);
    expect(later.remove.map((r) => r.id)).toEqual([open]);
    const swept = await sweep(
      store,
      later,
      { maxDelete: 1000, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    );
    expect(swept).toMatchObject({ setsRemoved: [open], copiesRemoved: 2 });
    expect((await everything(store)).filter((k) => k.includes('/data/'))).toEqual([entry(store, 'old').copyKey]);
  });

  test('more than 1000 objects are deleted in batches', async () => {
    const store = newStore();
    const current = '20261129T020000Z';
    await putCopy(store, 'kept');
    await writeSet(store, current, 'complete', ['kept']);
    const limit = pLimit(32);
    await Promise.all(Array.from({ length: 1005 }, (_, i) => limit(() => putCopy(store, `stale-${i}`))));
    const decision = planRetention(await listSets(store), POLICY, NOW, current);
    const result = await sweep(
      store,
      decision,
      { maxDelete: 1005, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    );
    expect(result.copiesRemoved).toBe(1005);
    expect((await everything(store)).filter((k) => k.includes('/data/'))).toEqual([entry(store, 'kept').copyKey]);
  });

  test('an Object Lock bucket: the sweep writes delete markers, every locked version stays', async () => {
    const locked = await createBucket(s3, 'sweep-lock', { objectLock: true });
    try {
      await s3.send(
        new PutObjectLockConfigurationCommand({
          Bucket: locked,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
          },
        }),
      );
      const store = backupStore(s3, locked, 'phlo-backup/lock/');
      const { ids } = await history(store);
      const result = await sweep(
        store,
        await plan(store, ids.A),
        { maxDelete: 1000, dryRun: false, currentComplete: true },
        new MemoryLogger(),
      );
      expect(result).toMatchObject({ setsRemoved: [ids.D, ids.F, ids.C, ids.R], copiesRemoved: 3 });
      expect((await listSets(store)).map((s) => s.id)).toEqual([IDS.B, IDS.A]);
      const versions = await s3.send(
        new ListObjectVersionsCommand({ Bucket: locked, Prefix: store.layout.dataPrefix }),
      );
      expect((versions.Versions ?? []).map((v) => v.Key).sort()).toEqual(
        ['1', '2', '3', '4', '5', '8'].map((c) => entry(store, c).copyKey),
      );
      expect((versions.DeleteMarkers ?? []).map((v) => v.Key).sort()).toEqual(
        ['4', '5', '8'].map((c) => entry(store, c).copyKey),
      );
    } finally {
      await removeBucket(s3, locked);
    }
  });

  test('no complete set kept (a wrong prefix, an empty store): no copy is swept', async () => {
    const store = newStore();
    await putCopy(store, 'lonely');
    const result = await sweep(
      store,
      { keep: [], remove: [] },
      { maxDelete: 1000, dryRun: false, currentComplete: true },
      new MemoryLogger(),
    );
    expect(result.copiesRemoved).toBe(0);
    expect(await everything(store)).toEqual([entry(store, 'lonely').copyKey]);
  });
});
