/**
 * Backup sets written straight in the layout for the retention and sweep tests: set.json, a fake dump,
 * a part, a manifest with its checksum, and copies as tiny objects under data/.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listKeys, writeJson, writeManifest, writeSetRecord, type BackupStore } from '../../src/lib/backup/store.js';
import type { BackupManifest, BackupPlan, LakeEntry, LakePart, SetId, SetState } from '../../src/lib/backup/types.js';

export const POLICY: BackupPlan['retention'] = {
  keepLast: 2,
  daily: 2,
  weekly: 0,
  monthly: 0,
  maxDelete: 1000,
  incompleteGraceHours: 24,
};
export const NOW = new Date('2026-11-29T06:00:00Z');

export function entry(store: BackupStore, name: string): LakeEntry {
  const key = `warehouse/t/data/${name}.parquet`;
  return {
    key,
    size: 3,
    etag: `e${name}`,
    lastModified: NOW.toISOString(),
    copyKey: store.layout.copyKey(key, `e${name}`),
  };
}

export async function putCopy(store: BackupStore, name: string): Promise<string> {
  const key = entry(store, name).copyKey;
  await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: Buffer.from(name) }));
  return key;
}

export async function writeSet(
  store: BackupStore,
  id: SetId,
  state: SetState,
  copies: string[],
  how: { manifest?: boolean; part?: boolean } = { manifest: state === 'complete', part: true },
): Promise<void> {
  const entries = copies.map((c) => entry(store, c));
  const record = { schema: 1 as const, id, environment: 'test', state, startedAt: NOW.toISOString() };
  const keys = store.layout.set(id);
  await writeJson(store, keys.dump('phlo'), { fake: 'dump' });
  if (how.part) {
    const part: LakePart = {
      schema: 1,
      setId: id,
      shard: { index: 1, count: 1 },
      entries,
      copied: 0,
      copiedBytes: 0,
      excluded: 0,
    };
    await writeJson(store, keys.part(1, 1), part);
  }
  if (how.manifest) {
    const manifest: BackupManifest = {
      schema: 1,
      set: record,
      plan: { sha256: '0'.repeat(64), lakePrefixes: ['warehouse/'], exclude: ['tmp/*'] },
      backupBucket: store.bucket,
      prefix: store.layout.prefix,
      database: [],
      lake: { entries, objects: entries.length, bytes: 3 * entries.length, copied: 0, copiedBytes: 0, excluded: 0 },
      verification: { verified: entries.length, total: entries.length, sampled: 0, problems: [] },
    };
    await writeManifest(store, manifest);
  }
  await writeSetRecord(store, record);
}

export async function everything(store: BackupStore): Promise<string[]> {
  return (await listKeys(store, store.layout.prefix)).map((o) => o.key).sort();
}

/**
 *   A 29th 02:00 complete (c1, c2)   the current run, newest
 *   B 28th 02:00 complete (c1, c3)   keep-last 2
 *   C 1st 02:00  complete (c4)       removed
 *   D 26th       incomplete (c5)     removed: past the grace period
 *   F 20th       failed (c5)         removed: past the grace period
 *   R 1 Oct      manifest.json only  a remnant of a set removed half way: removed
 *   c8           named by no set     removed
 */
export const IDS = {
  A: '20261129T020000Z',
  B: '20261128T020000Z',
  C: '20261101T020000Z',
  D: '20261126T020000Z',
  F: '20261120T020000Z',
  R: '20261001T020000Z',
} as const;

export async function history(store: BackupStore): Promise<{ ids: typeof IDS }> {
  const ids = IDS;
  for (const c of ['1', '2', '3', '4', '5', '8']) await putCopy(store, c);
  await writeSet(store, ids.A, 'complete', ['1', '2']);
  await writeSet(store, ids.B, 'complete', ['1', '3']);
  await writeSet(store, ids.C, 'complete', ['4']);
  await writeSet(store, ids.D, 'incomplete', ['5']);
  await writeSet(store, ids.F, 'failed', ['5'], { part: true });
  await writeJson(store, store.layout.set(ids.R).manifest, { leftover: true });
  return { ids };
}
