/**
 * Fixtures for the restore stack tests: a lake bucket with Iceberg-like keys (one multipart object),
 * a Dagster-like source database, cluster objects, and a backup set of them in the documented layout
 * on MinIO, taken by backup's own phase functions: the lake by `backupLake`, the dump by `dumpPostgres`,
 * the cluster's labelled objects by `backupCluster`, the manifest by `writeManifest`.
 */
import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { backupStore, writeJson, writeManifest, writeSetRecord, type BackupStore } from '../../src/lib/backup/store.js';
import { backupLake } from '../../src/lib/backup/lake.js';
import { setIdAt } from '../../src/lib/backup/layout.js';
import type { BackupManifest, DatabaseRecord, SetRecord } from '../../src/lib/backup/types.js';
import type { KubeClient, KubeObject } from '../../src/lib/kube/client.js';
import { dumpPostgres } from '../../src/lib/backup/database.js';
import { backupCluster } from '../../src/lib/backup/cluster.js';
import { listAll, hashObject } from '../../src/lib/restore/s3.js';
import { loadStackEnv } from '../helpers/stack.js';

export function stackS3(): S3Client {
  const env = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
  return new S3Client({
    region: 'us-east-1',
    endpoint: env.PHLO_S3_ENDPOINT!,
    forcePathStyle: true,
    credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: env.PHLO_S3_SECRET_KEY! },
  });
}

export const rand = (): string => randomBytes(4).toString('hex');

export async function createBucket(s3: S3Client, name: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
}

export async function emptyAndDeleteBucket(s3: S3Client, name: string): Promise<void> {
  const keys = await listAll(s3, name, '').catch(() => new Map());
  const all = [...keys.keys()];
  for (let i = 0; i < all.length; i += 1000)
    await s3.send(
      new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: all.slice(i, i + 1000).map((Key) => ({ Key })) } }),
    );
  await s3.send(new DeleteBucketCommand({ Bucket: name })).catch(() => undefined);
}

/** Iceberg-like lake: data and metadata files, a tmp/ file (excluded), a 2-part multipart object. */
export async function seedLake(s3: S3Client, bucket: string): Promise<void> {
  const put = (Key: string, Body: Buffer | string): Promise<unknown> =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  for (const table of ['runs', 'events'])
    for (let i = 0; i < 6; i++) await put(`warehouse/${table}/data/part-${i}.parquet`, randomBytes(1024 + i * 500));
  await put('warehouse/runs/metadata/v1.metadata.json', JSON.stringify({ format: 2, table: 'runs' }));
  await put('warehouse/events/metadata/v1.metadata.json', JSON.stringify({ format: 2, table: 'events' }));
  await put('tmp/scratch.bin', randomBytes(100));
  // a multipart object (two 5 MiB parts + a tail), so restore keeps the part layout
  const key = 'warehouse/big/data/big.parquet';
  const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = [];
  for (const [i, size] of [5 * 1024 * 1024, 5 * 1024 * 1024, 1234].entries()) {
    const r = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: up.UploadId!,
        PartNumber: i + 1,
        Body: randomBytes(size),
      }),
    );
    parts.push({ ETag: r.ETag!, PartNumber: i + 1 });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: up.UploadId!,
      MultipartUpload: { Parts: parts },
    }),
  );
}

/** key → sha256 of every object under prefix. */
export async function lakeHashes(s3: S3Client, bucket: string, prefix = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of (await listAll(s3, bucket, prefix)).keys())
    out.set(key, (await hashObject(s3, bucket, key)).sha256);
  return out;
}

export function pgUrl(database?: string): string {
  const env = loadStackEnv(['PHLO_POSTGRES_ADMIN_URL']);
  const u = new URL(env.PHLO_POSTGRES_ADMIN_URL!);
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

export async function psql(sql: string, database?: string): Promise<string> {
  const r = await spawnExec('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-d', pgUrl(database), '-c', sql]);
  if (r.exitCode !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

/** The databases whose name contains `id` (the server is shared: other tests create and drop theirs). */
export async function databases(id: string): Promise<string[]> {
  return (await psql('SELECT datname FROM pg_database ORDER BY 1')).split('\n').filter((d) => d.includes(id));
}

/** A Dagster-like schema (runs, event_logs) with known rows. */
export async function seedDatabase(name: string): Promise<void> {
  await psql(`CREATE DATABASE "${name}"`);
  await psql(
    `CREATE TABLE runs (id serial PRIMARY KEY, run_id text UNIQUE NOT NULL, status text NOT NULL, created timestamptz NOT NULL);
     CREATE TABLE event_logs (id serial PRIMARY KEY, run_id text REFERENCES runs(run_id), event text, ts timestamptz);
     INSERT INTO runs (run_id, status, created) SELECT 'run-' || g, CASE WHEN g % 3 = 0 THEN 'FAILURE' ELSE 'SUCCESS' END, '2026-11-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 120) g;
     INSERT INTO event_logs (run_id, event, ts) SELECT 'run-' || (g % 120 + 1), 'step ' || g, '2026-11-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 900) g;`,
    name,
  );
}

export async function tableDump(database: string, table: string): Promise<string> {
  return psql(`SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM ${table} t`, database);
}

export async function dropDatabase(name: string): Promise<void> {
  await psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
}

export interface BuiltSet {
  store: BackupStore;
  setId: string;
  manifest: BackupManifest;
}

/** A complete set: the lake through backupLake, then the dump, cluster objects, manifest and set.json. */
export async function buildSet(options: {
  s3: S3Client;
  environment: string;
  backupBucket: string;
  prefix: string;
  lakeBucket?: string;
  database?: string;
  rds?: DatabaseRecord;
  /** Cluster objects: written as given, or (kube) taken by backup's own backupCluster from the labelled objects. */
  cluster?: { objects: KubeObject[]; secretsWithoutValues: string[] } | { kube: KubeClient };
  at?: Date;
  state?: SetRecord['state'];
}): Promise<BuiltSet> {
  const store = backupStore(options.s3, options.backupBucket, options.prefix);
  const setId = setIdAt(options.at ?? new Date());
  const startedAt = new Date().toISOString();
  const part = options.lakeBucket
    ? await backupLake(
        store,
        setId,
        { s3: options.s3, bucket: options.lakeBucket, prefixes: [''], exclude: ['tmp/*'] },
        { concurrency: 8 },
        new MemoryLogger(),
      )
    : undefined;
  const database: DatabaseRecord[] = [];
  if (options.database)
    database.push(
      await dumpPostgres(
        store,
        setId,
        { url: pgUrl(options.database), keyTables: ['runs', 'event_logs'] },
        { env: process.env, logger: new MemoryLogger() },
      ),
    );
  if (options.rds) database.push(options.rds);
  let cluster: BackupManifest['cluster'];
  if (options.cluster && 'kube' in options.cluster) {
    cluster = await backupCluster(
      store,
      setId,
      options.cluster.kube,
      { environment: options.environment, includeSecretValues: false },
      new MemoryLogger(),
    );
  } else if (options.cluster) {
    const key = store.layout.set(setId).cluster;
    const { sha256 } = await writeJson(store, key, { objects: options.cluster.objects });
    cluster = {
      key,
      sha256,
      objects: options.cluster.objects.length,
      secretsWithoutValues: options.cluster.secretsWithoutValues,
    };
  }
  const entries = part?.entries ?? [];
  const set: SetRecord = {
    schema: 1,
    id: setId,
    environment: options.environment,
    state: options.state ?? 'complete',
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  const manifest: BackupManifest = {
    schema: 1,
    set,
    plan: {
      sha256: '0'.repeat(64),
      ...(options.lakeBucket ? { lakeBucket: options.lakeBucket } : {}),
      lakePrefixes: [''],
      exclude: ['tmp/*'],
    },
    backupBucket: options.backupBucket,
    prefix: store.layout.prefix,
    database,
    lake: {
      entries,
      objects: entries.length,
      bytes: entries.reduce((n, e) => n + e.size, 0),
      copied: part?.copied ?? 0,
      copiedBytes: part?.copiedBytes ?? 0,
      excluded: part?.excluded ?? 0,
    },
    ...(cluster ? { cluster } : {}),
    verification: { verified: entries.length, total: entries.length, sampled: 0, problems: [] },
  };
  await writeManifest(store, manifest);
  await writeSetRecord(store, set);
  return { store, setId, manifest };
}
