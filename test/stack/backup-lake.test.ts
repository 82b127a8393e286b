/**
 * The lake copy on the stack's MinIO, counted at the server: every request of the backup passes
 * through the fault proxy, which records it (CopyObject and UploadPartCopy carry x-amz-copy-source).
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { backupLake, type LakeSource } from '../../src/lib/backup/lake.js';
import {
  backupStore,
  listKeys,
  listSets,
  readJson,
  readManifest,
  writeManifest,
  writeSetRecord,
} from '../../src/lib/backup/store.js';
import type { BackupManifest, LakeEntry, SetRecord } from '../../src/lib/backup/types.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy, type LogEntry } from '../helpers/fault-proxy.js';
import {
  createBucket,
  objectChecksum,
  putObject,
  removeBucket,
  seedLake,
  stackS3,
  stackS3Endpoint,
} from '../helpers/lake-seed.js';

/** Successful copies in a slice of the proxy log, by kind, with their destination paths. */
function copies(log: LogEntry[]): { copyObject: string[]; partCopy: string[]; deletes: LogEntry[] } {
  const ok = log.filter((e) => e.outcome === 200 && e.copySource !== undefined);
  const path = (e: LogEntry) => decodeURIComponent(e.path.split('?')[0]!);
  return {
    copyObject: ok.filter((e) => !/[?&]partNumber=/.test(e.path)).map(path),
    partCopy: ok.filter((e) => /[?&]partNumber=/.test(e.path)).map(path),
    deletes: log.filter((e) => e.method === 'DELETE' || /[?&]delete(=|&|$)/.test(e.path)),
  };
}

/** Copies a set's entries into an empty bucket under their source keys; returns key → SHA-256 there. */
async function restoreInto(s3: S3Client, backupBucket: string, entries: LakeEntry[]): Promise<Map<string, string>> {
  const target = await createBucket(s3, 'restore');
  try {
    const limit = pLimit(8);
    await Promise.all(
      entries.map((e) =>
        limit(() =>
          s3.send(
            new CopyObjectCommand({
              Bucket: target,
              Key: e.key,
              CopySource: `${backupBucket}/${encodeURIComponent(e.copyKey).replace(/%2F/g, '/')}`,
            }),
          ),
        ),
      ),
    );
    const sums = new Map<string, string>();
    for (const o of await listKeys(backupStore(s3, target, ''), '')) {
      sums.set(o.key, await objectChecksum(s3, target, o.key));
    }
    return sums;
  } finally {
    await removeBucket(s3, target);
  }
}

const withoutTmp = (sums: Map<string, string>) => new Map([...sums].filter(([k]) => !k.startsWith('tmp/')));

describe('backupLake on MinIO', () => {
  let direct: S3Client;
  let proxied: S3Client;
  let proxy: FaultProxy;
  let lake: string;
  let backup: string;

  beforeAll(async () => {
    direct = stackS3();
    proxy = await new FaultProxy(stackS3Endpoint()).start();
    proxied = stackS3({ endpoint: proxy.url });
    lake = await createBucket(direct, 'lake');
    backup = await createBucket(direct, 'backup');
  });

  afterAll(async () => {
    await removeBucket(direct, lake);
    await removeBucket(direct, backup);
    direct.destroy();
    proxied.destroy();
    await proxy.stop();
  });

  test('a full backup, then an incremental one, copy only what is new or changed; each set restores alone', async () => {
    const seeded = await seedLake(direct, lake, { tables: 3, filesPerTable: 8, multipart: 2, tmp: 3 });
    const asOfFirst = withoutTmp(seeded);
    const store = backupStore(proxied, backup, 'phlo-backup/test/');
    const source: LakeSource = { s3: proxied, bucket: lake, prefixes: [''], exclude: ['tmp/*'] };
    const logger = new MemoryLogger();

    const before = proxy.log.length;
    const first = await backupLake(store, '20261129T010000Z', source, { concurrency: 8 }, logger);
    const full = copies(proxy.log.slice(before));
    expect(first.entries.map((e) => e.key).sort()).toEqual([...asOfFirst.keys()].sort());
    expect(first.excluded).toBe(3);
    expect(first.copied).toBe(asOfFirst.size);
    expect(full.copyObject).toHaveLength(asOfFirst.size - 2);
    expect(full.partCopy).toHaveLength(2 * 3); // two multipart objects of three parts each
    const big = first.entries.filter((e) => e.key.includes('/big-'));
    expect(big.map((e) => e.parts)).toEqual([3, 3]);
    expect(full.deletes).toEqual([]);
    expect(logger.text()).toMatch(/lake: listed 29 objects .* 3 excluded/);
    const aboveDebug = logger.lines.filter((l) => !l.startsWith('debug: '));
    expect(aboveDebug.join('\n')).not.toMatch(/part-0\.parquet/); // no per-object lines above debug

    // The next day: two changed, two added, two deleted, one more tmp file.
    const changed = ['warehouse/table_0/data/part-1.parquet', 'warehouse/table_1/data/part-2.parquet'];
    const added = ['warehouse/table_2/data/part-100.parquet', 'warehouse/table_3/data/part-0.parquet'];
    const deleted = ['warehouse/table_0/data/part-3.parquet', 'warehouse/table_2/metadata/v1.metadata.json'];
    const asOfSecond = new Map(asOfFirst);
    for (const key of [...changed, ...added])
      asOfSecond.set(key, await putObject(direct, lake, key, randomBytes(3000)));
    for (const key of deleted) {
      await direct.send(new DeleteObjectCommand({ Bucket: lake, Key: key }));
      asOfSecond.delete(key);
    }
    await putObject(direct, lake, 'tmp/job-9/spill.bin', randomBytes(100));

    const mark = proxy.log.length;
    const second = await backupLake(store, '20261130T010000Z', source, { concurrency: 8 }, logger);
    const incremental = copies(proxy.log.slice(mark));
    expect(incremental.partCopy).toEqual([]);
    expect(
      incremental.copyObject
        .map((p) => p.replace(`/${backup}/phlo-backup/test/data/`, '').replace(/\/[^/]+$/, ''))
        .sort(),
    ).toEqual([...changed, ...added].sort());
    expect(second.copied).toBe(4);
    expect(second.excluded).toBe(4);
    expect(second.entries.map((e) => e.key).sort()).toEqual([...asOfSecond.keys()].sort());
    expect(incremental.deletes).toEqual([]);

    // Nothing of the first set went away, deleted sources included.
    const data = new Set((await listKeys(store, store.layout.dataPrefix)).map((o) => o.key));
    for (const e of first.entries) expect(data.has(e.copyKey)).toBe(true);

    // Each set restores alone to the lake as it was.
    expect(await restoreInto(direct, backup, first.entries)).toEqual(asOfFirst);
    expect(await restoreInto(direct, backup, second.entries)).toEqual(asOfSecond);

    // The part files are where the layout says.
    const part = await readJson(store, store.layout.set('20261130T010000Z').part(1, 1));
    expect(part).toEqual(second);
  });

  test('with Object Lock, every copy made (single part and multipart) carries the retention', async () => {
    const locked = await createBucket(direct, 'locked', { objectLock: true });
    try {
      const store = backupStore(direct, locked, 'phlo-backup/locked/');
      const source: LakeSource = { s3: direct, bucket: lake, prefixes: ['warehouse/table_0/'], exclude: [] };
      const retainUntil = new Date(Date.now() + 24 * 3600 * 1000);
      retainUntil.setUTCMilliseconds(0);
      const part = await backupLake(
        store,
        '20261129T090000Z',
        source,
        { concurrency: 4, objectLock: { mode: 'GOVERNANCE', retainUntil } },
        new MemoryLogger(),
      );
      const single = part.entries.find((e) => e.parts === undefined)!;
      const multi = part.entries.find((e) => e.parts !== undefined)!;
      for (const e of [single, multi]) {
        const retention = await direct.send(new GetObjectRetentionCommand({ Bucket: locked, Key: e.copyKey }));
        expect(retention.Retention).toEqual({ Mode: 'GOVERNANCE', RetainUntilDate: retainUntil });
      }
    } finally {
      await removeBucket(direct, locked);
    }
  });

  test('set records and the manifest: listed oldest first, a manifest whose checksum does not match is refused', async () => {
    const store = backupStore(direct, backup, 'phlo-backup/records/');
    const record = (id: string, state: SetRecord['state']): SetRecord => ({
      schema: 1,
      id,
      environment: 'test',
      state,
      startedAt: new Date().toISOString(),
    });
    await writeSetRecord(store, record('20261201T000000Z', 'complete'));
    await writeSetRecord(store, record('20261130T000000Z', 'incomplete'));
    expect((await listSets(store)).map((r) => [r.id, r.state])).toEqual([
      ['20261130T000000Z', 'incomplete'],
      ['20261201T000000Z', 'complete'],
    ]);
    const manifest: BackupManifest = {
      schema: 1,
      set: record('20261201T000000Z', 'complete'),
      plan: { sha256: 'x', lakePrefixes: [''], exclude: ['tmp/*'] },
      backupBucket: backup,
      prefix: 'phlo-backup/records/',
      database: [],
      lake: { entries: [], objects: 0, bytes: 0, copied: 0, copiedBytes: 0, excluded: 0 },
      verification: { verified: 0, total: 0, sampled: 0, problems: [] },
    };
    await writeManifest(store, manifest);
    expect(await readManifest(store, '20261201T000000Z')).toEqual(manifest);
    await expect(readManifest(store, '20261130T000000Z')).rejects.toThrow(/20261130T000000Z has no manifest/);
    await putObject(direct, backup, store.layout.set('20261201T000000Z').manifest, Buffer.from('{"schema":1}'));
    await expect(readManifest(store, '20261201T000000Z')).rejects.toThrow(/does not match its checksum/);
  });
});
