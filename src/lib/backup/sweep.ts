/**
 * Mark and sweep: delete what the retention planner removed, then the copies under `data/` that no
 * kept set names.
 *
 *   mark   every kept set's copies: a complete set's manifest (its checksum checked — a manifest that
 *          cannot be read stops the sweep, since what it protects is unknown), an incomplete or failed
 *          one's parts and manifest when there are any; and, for a kept set that is not complete (a
 *          run that may be resumed), every copy written since it started, as its copies are in no
 *          part until its shard finishes.
 *   count  the removed sets' objects (one listing of `sets/`), the unreferenced copies (one listing of
 *          `data/`) and the remnants of sets an earlier sweep removed half way; more than `maxDelete`
 *          in all → a GuardFailure naming both numbers, and nothing is deleted. A dry run stops here.
 *   sweep  each removed set: its `set.json` FIRST, then the rest of its folder. A set is listed (and
 *          read by restore, verify, retention and the freshness check) only through its set.json, so
 *          a sweep killed half way leaves a folder no reader takes for a set, never a "complete" record
 *          whose manifest or dump is already gone; the next sweep removes such remnants. Then the
 *          copies — after the sets, so an interrupted sweep never leaves a kept-looking set without
 *          its copies.
 *
 * Deletes are plain DeleteObjects (batches of 1000) without VersionId: on a versioned or Object Lock
 * bucket they only write delete markers, so the backup identity needs no s3:DeleteObjectVersion and
 * nothing locked is destroyed. Nothing is deleted while the current run's set is not complete.
 */
import { DeleteObjectsCommand, type ObjectIdentifier } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { Logger } from '../runtime/logger.js';
import { GuardFailure } from './guards.js';
import { isSetId, setIdTime } from './layout.js';
import type { RetentionDecision } from './retention.js';
import { listKeys, readJson, readManifest, type BackupStore } from './store.js';
import type { BackupManifest, LakePart, SetId, SetRecord } from './types.js';

/** DeleteObjects takes at most this many keys per request. */
export const DELETE_BATCH = 1000;

interface Marked {
  /** Copy keys named by kept sets. */
  keys: Set<string>;
  /** The earliest start of a kept set that is not complete: copies written since then may be its. */
  openSince?: Date;
  /** Kept sets whose copies were marked from a checked manifest. */
  completeKept: number;
}

async function mark(store: BackupStore, keep: readonly SetId[]): Promise<Marked> {
  const marked: Marked = { keys: new Set(), completeKept: 0 };
  const limit = pLimit(8);
  await Promise.all(
    keep.filter(isSetId).map((id) =>
      limit(async () => {
        const keys = store.layout.set(id);
        const record = await readJson<SetRecord>(store, keys.record);
        if (record?.state === 'complete') {
          // throws when the manifest is missing or does not match its checksum: then we cannot know
          // what this kept set needs, and the sweep must not delete a copy
          const manifest = await readManifest(store, id);
          for (const e of manifest.lake.entries) marked.keys.add(e.copyKey);
          marked.completeKept += 1;
          return;
        }
        const started = setIdTime(id);
        if (!marked.openSince || started < marked.openSince) marked.openSince = started;
        const parts = await listKeys(store, keys.partsPrefix);
        for (const p of parts) {
          const part = await readJson<LakePart>(store, p.key);
          for (const e of part?.entries ?? []) marked.keys.add(e.copyKey);
        }
        const manifest = await readJson<BackupManifest>(store, keys.manifest);
        for (const e of manifest?.lake.entries ?? []) marked.keys.add(e.copyKey);
      }),
    ),
  );
  return marked;
}

/** The copy keys the kept sets name (manifests, or parts for sets not complete). */
export async function referencedCopies(store: BackupStore, keep: SetId[]): Promise<Set<string>> {
  return (await mark(store, keep)).keys;
}

export interface SweepOptions {
  /** Most objects (set files plus copies) one run may delete; more → GuardFailure, nothing deleted. */
  maxDelete: number;
  /** Plan and report only. */
  dryRun: boolean;
  /** The current run's set is complete (else the sweep refuses, unless dry). */
  currentComplete: boolean;
}

export interface SweepResult {
  setsRemoved: SetId[];
  copiesRemoved: number;
  planned: { sets: SetId[]; copies: number; objects: number };
}

/** Runs the retention decision against the backup store (see the file comment for the order). */
export async function sweep(
  store: BackupStore,
  decision: RetentionDecision,
  options: SweepOptions,
  logger: Logger,
): Promise<SweepResult> {
  const { layout } = store;
  const keep = decision.keep.map((k) => k.id);
  const kept = new Set(keep);
  const removed = new Set(decision.remove.map((r) => r.id));

  // mark (reads only)
  const marked = await mark(store, keep);
  const setKeys = await listKeys(store, layout.setsPrefix);
  const folders = new Map<string, string[]>();
  for (const o of setKeys) {
    const id = o.key.slice(layout.setsPrefix.length).split('/', 1)[0]!;
    const list = folders.get(id) ?? [];
    list.push(o.key);
    folders.set(id, list);
  }
  // remnants: folders without set.json, in neither list, older than every kept set (so a listing
  // that found no sets, or a run writing its first files, is never taken for one)
  const oldestKept = [...kept].filter(isSetId).sort()[0];
  const remnants = [...folders.keys()].filter(
    (id) =>
      isSetId(id) &&
      !kept.has(id) &&
      !removed.has(id) &&
      !folders.get(id)!.includes(layout.set(id).record) &&
      oldestKept !== undefined &&
      id < oldestKept,
  );
  const doomedSets = [...decision.remove.map((r) => r.id), ...remnants].filter((id) => !kept.has(id));
  const setObjects = doomedSets.reduce((n, id) => n + (folders.get(id)?.length ?? 0), 0);

  let copies: string[] = [];
  if (marked.completeKept === 0) {
    logger.info('retention: no complete set is kept, so no copy is swept (what would protect them is unknown)');
  } else {
    const data = await listKeys(store, layout.dataPrefix);
    copies = data
      .filter((o) => !marked.keys.has(o.key))
      .filter((o) => !(marked.openSince && new Date(o.lastModified) >= marked.openSince))
      .map((o) => o.key);
  }

  const total = setObjects + copies.length;
  const planned = { sets: doomedSets, copies: copies.length, objects: total };
  for (const r of decision.remove) logger.info(`retention: remove set ${r.id}: ${r.reason}`);
  for (const id of remnants)
    logger.info(`retention: remove ${layout.set(id).prefix}: remnant of a set removed half way`);
  logger.info(
    `retention: ${keep.length} sets kept, ${doomedSets.length} to remove (${setObjects} objects), ` +
      `${copies.length} copies referenced by no kept set; ${total} objects to delete (limit ${options.maxDelete})`,
  );

  const overLimit = new GuardFailure(
    `Retention guard: this run would delete ${total} objects (${doomedSets.length} sets with ${setObjects} ` +
      `objects, ${copies.length} unreferenced copies), more than retention.maxDelete ${options.maxDelete}. ` +
      'Nothing was deleted. If that many is right (a changed retention policy, a first sweep of an old ' +
      'store), raise retention.maxDelete in the plan for one run.',
    'max-delete',
  );
  if (options.dryRun) {
    if (total > options.maxDelete) logger.warning(overLimit.message);
    logger.info('retention: dry run, nothing deleted');
    return { setsRemoved: [], copiesRemoved: 0, planned };
  }
  if (!options.currentComplete) {
    throw new GuardFailure(
      "Retention guard: the current run's set is not complete, so nothing is deleted.",
      'incomplete-run',
    );
  }
  if (total > options.maxDelete) throw overLimit;

  // sweep: sets first (set.json first in each), then copies
  const setsRemoved: SetId[] = [];
  for (const id of doomedSets) {
    const keys = folders.get(id) ?? [];
    const record = layout.set(id).record;
    if (keys.includes(record)) await deleteKeys(store, [record]);
    await deleteKeys(
      store,
      keys.filter((k) => k !== record),
    );
    setsRemoved.push(id);
    logger.info(`retention: removed set ${id} (${keys.length} objects)`);
  }
  await deleteKeys(store, copies);
  if (copies.length) logger.info(`retention: removed ${copies.length} unreferenced copies`);
  return { setsRemoved, copiesRemoved: copies.length, planned };
}

/** DeleteObjects in batches, without version ids; throws naming the keys S3 refused. */
export async function deleteKeys(store: BackupStore, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch: ObjectIdentifier[] = keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key }));
    const answer = await store.s3.send(
      new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: batch, Quiet: true } }),
    );
    const errors = answer.Errors ?? [];
    if (errors.length) {
      const shown = errors
        .slice(0, 5)
        .map((e) => `${e.Key} (${e.Code ?? 'error'})`)
        .join(', ');
      throw new Error(
        `deleting from s3://${store.bucket} failed for ${errors.length} of ${batch.length} objects: ${shown}` +
          (errors.length > 5 ? ', …' : ''),
      );
    }
  }
}
