/**
 * Finding a set and reading its manifest for restore, through the backup store: `latest` is the
 * newest complete set; a named set must be complete; the manifest must match its stored SHA-256
 * (readManifest). Every refusal is a GateFailure: the restore stops before its first write.
 */
import { GateFailure } from '../runtime/errors.js';
import { listSets, readJson, readManifest, type BackupStore } from '../backup/store.js';
import type { BackupManifest, SetId, SetRecord } from '../backup/types.js';

export type SetSource = BackupStore;

/** The set a restore reads: a named one (which must exist and be complete) or the newest complete one. */
export async function resolveSet(store: BackupStore, wanted: SetId | 'latest'): Promise<SetRecord> {
  const where = `s3://${store.bucket}/${store.layout.setsPrefix}`;
  if (wanted === 'latest') {
    const complete = (await listSets(store)).filter((s) => s.state === 'complete');
    const newest = complete[complete.length - 1];
    if (!newest)
      throw new GateFailure(`No complete backup set under ${where}: nothing to restore (run a backup first).`);
    return newest;
  }
  const record = await readJson<SetRecord>(store, store.layout.set(wanted).record);
  if (!record) throw new GateFailure(`Backup set ${wanted} does not exist under ${where}.`);
  if (record.state !== 'complete')
    throw new GateFailure(
      `Backup set ${wanted} is ${record.state}${record.error ? ` (${record.error})` : ''}: only a complete set is restored.`,
    );
  return record;
}

/** The set's manifest, refused unless its bytes match manifest.json.sha256 and it names the set. */
export async function readVerifiedManifest(store: BackupStore, id: SetId): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = await readManifest(store, id);
  } catch (error) {
    throw new GateFailure(`${(error as Error).message}; refusing to restore from it.`);
  }
  if (manifest.set?.id !== id)
    throw new GateFailure(`Backup set ${id}: its manifest describes set ${String(manifest.set?.id)}; refusing.`);
  return manifest;
}
