/**
 * Restore on the stack (MinIO, PostgreSQL, Kubernetes): the dry run writes nothing and names what a
 * confirmed run writes; the round trip (back up, destroy, restore, compare byte for byte and row for
 * row); refusals before the first write (corrupted copy, bad manifest checksum, incomplete set,
 * delete-extra over max-delete, confirm wrong).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { LABEL_ENVIRONMENT, LABEL_MANAGED_BY } from '../../src/lib/objects/names.js';
import { parseRestoreSettings } from '../../src/lib/restore/settings.js';
import { runRestore } from '../../src/lib/restore/restore.js';
import { restoreSummary } from '../../src/lib/restore/summary.js';
import { listAll } from '../../src/lib/restore/s3.js';
import { restoredDatabaseName } from '../../src/lib/restore/postgres.js';
import { backupStore } from '../../src/lib/backup/store.js';
import { kubeConfig, createNamespace, loadStackEnv } from '../helpers/stack.js';
import {
  buildSet,
  createBucket,
  databases,
  dropDatabase,
  emptyAndDeleteBucket,
  lakeHashes,
  pgUrl,
  psql,
  rand,
  seedDatabase,
  seedLake,
  stackS3,
  tableDump,
  type BuiltSet,
} from './restore.fixtures.js';

const id = rand();
const environment = `rt-${id}`;
const lakeBucket = `phlo-rlake-${id}`;
const backupBucket = `phlo-rbackup-${id}`;
const sourceDb = `rsrc_${id}`;
const prefix = `phlo-backup/${environment}/`;
let s3: S3Client;
let kube: KubeClient;
let ns: { name: string; remove: () => Promise<void> };
let good: BuiltSet;
let deployed: { cm: KubeObject; deploy: KubeObject };
const made: string[] = [];
const workspace = mkdtempSync(path.join(tmpdir(), 'restore-ws-'));

function settings(extra: Record<string, string>) {
  const env = { ...process.env, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace, GITHUB_ACTOR: 'octocat' };
  return parseRestoreSettings(
    new Inputs(fromRecord({ environment, 'backup-bucket': backupBucket, 'database-url': pgUrl('postgres'), ...extra })),
    env,
    () => undefined,
  );
}

function ports(logger = new MemoryLogger()) {
  return { s3, kube, exec: spawnExec, logger, clock: systemClock, env: process.env };
}

function clusterObjects(namespace: string): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'dagster-config',
        namespace,
        labels: { [LABEL_ENVIRONMENT]: environment, [LABEL_MANAGED_BY]: 'phlo-deploy' },
      },
      data: { 'dagster.yaml': 'run_storage: postgres\n' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'dagster-web',
        namespace,
        labels: { app: 'dagster-web', [LABEL_ENVIRONMENT]: environment, [LABEL_MANAGED_BY]: 'phlo-deploy' },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'dagster-web' } },
        template: {
          metadata: { labels: { app: 'dagster-web' } },
          spec: { containers: [{ name: 'web', image: 'phlo/dagster:1' }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'phlo-secrets',
        namespace,
        labels: { [LABEL_ENVIRONMENT]: environment, [LABEL_MANAGED_BY]: 'phlo-deploy' },
      },
      data: { DATABASE_URL: '' },
    },
  ];
}

async function clusterState(namespace: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of [
    `/api/v1/namespaces/${namespace}/configmaps`,
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    `/api/v1/namespaces/${namespace}/secrets`,
  ])
    for (const o of await kube.list(p)) out.push(`${p}/${o.metadata.name}`);
  return out.sort();
}

beforeAll(async () => {
  loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_POSTGRES_ADMIN_URL', 'KUBECONFIG']);
  s3 = stackS3();
  kube = await KubeClient.create(kubeConfig());
  ns = await createNamespace('restore');
  await createBucket(s3, lakeBucket);
  await createBucket(s3, backupBucket);
  await seedLake(s3, lakeBucket);
  await seedDatabase(sourceDb);
  // the environment as deployed: backup's backupCluster takes its labelled objects
  for (const o of clusterObjects(ns.name)) {
    const p = await kube.pathOf({
      apiVersion: o.apiVersion!,
      kind: o.kind!,
      namespace: ns.name,
      name: o.metadata.name,
    });
    await kube.request({
      method: 'PATCH',
      path: `${p}?fieldManager=phlo-deploy&force=true`,
      body: o,
      contentType: 'application/apply-patch+yaml',
    });
  }
  deployed = {
    cm: (await kube.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns.name}/configmaps/dagster-config`))!,
    deploy: (await kube.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns.name}/deployments/dagster-web`))!,
  };
  good = await buildSet({
    s3,
    environment,
    backupBucket,
    prefix,
    lakeBucket,
    database: sourceDb,
    cluster: { kube },
    at: new Date('2026-11-29T10:00:00Z'),
  });
  made.push(restoredDatabaseName(sourceDb, good.setId));
});

afterAll(async () => {
  for (const db of [sourceDb, ...made]) await dropDatabase(db);
  if (!s3) return;
  await emptyAndDeleteBucket(s3, lakeBucket);
  await emptyAndDeleteBucket(s3, backupBucket);
  await ns?.remove();
  kube?.close();
  s3?.destroy();
});

describe('restore dry run', () => {
  test('writes nothing, and its plan names every object a confirmed run writes', async () => {
    const lakeBefore = await lakeHashes(s3, lakeBucket);
    const backupBefore = [...(await listAll(s3, backupBucket, '')).keys()];
    const dbBefore = await databases(id);
    const clusterBefore = await clusterState(ns.name);

    const s = settings({ 'backup-set': good.setId });
    expect(s.confirmed).toBe(false);
    const { report, plan } = await runRestore(s, backupStore(s3, backupBucket, prefix), ports());
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('planned');
    expect(report.mode).toBe('dry-run');
    expect(report.actor).toBe('octocat');

    expect(await lakeHashes(s3, lakeBucket)).toEqual(lakeBefore);
    expect([...(await listAll(s3, backupBucket, '')).keys()]).toEqual(backupBefore);
    expect(await databases(id)).toEqual(dbBefore);
    expect(await clusterState(ns.name)).toEqual(clusterBefore);

    // every lake object of the set (tmp/ excluded) into restore-<set>/
    const expectedKeys = [...lakeBefore.keys()]
      .filter((k) => !k.startsWith('tmp/'))
      .map((k) => `restore-${good.setId}/${k}`);
    expect(plan!.lake!.copies.map((c) => c.to).sort()).toEqual(expectedKeys.sort());
    expect(plan!.dumps.map((d) => d.targetDatabase)).toEqual([restoredDatabaseName(sourceDb, good.setId)]);
    expect(plan!.cluster!.secretsToFill).toEqual([`Secret/${ns.name}/phlo-secrets`]);
    const summary = restoreSummary(report);
    expect(summary).toContain('nothing written');
    expect(summary).toContain(`restore-${good.setId}/`);
    expect(summary).toContain(restoredDatabaseName(sourceDb, good.setId));
    expect(summary).toContain(`Secret/${ns.name}/phlo-secrets`);
  });

  test('a wrong confirm is an error naming the input; nothing is written', () => {
    expect(() => settings({ confirm: 'prod' })).toThrow(
      /Input 'confirm' is 'prod': expected the environment's name \('rt-[0-9a-f]+'\)/,
    );
  });
});

describe('restore round trip', () => {
  test('destroy (drop a table, delete a lake prefix, delete a Deployment and a ConfigMap), restore, compare', async () => {
    const lakeOriginal = await lakeHashes(s3, lakeBucket, 'warehouse/');
    const runsOriginal = await tableDump(sourceDb, 'runs');
    const eventsOriginal = await tableDump(sourceDb, 'event_logs');

    // destroy
    await psql('DROP TABLE event_logs', sourceDb);
    const gone = [...(await listAll(s3, lakeBucket, 'warehouse/runs/')).keys()];
    await s3.send(new DeleteObjectsCommand({ Bucket: lakeBucket, Delete: { Objects: gone.map((Key) => ({ Key })) } }));
    await kube.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns.name}/configmaps/dagster-config` });
    await kube.request({ method: 'DELETE', path: `/apis/apps/v1/namespaces/${ns.name}/deployments/dagster-web` });
    expect(await kube.getOrUndefined(`/api/v1/namespaces/${ns.name}/configmaps/dagster-config`)).toBeUndefined();

    // restore: lake in place, the database into a new database, the cluster objects
    const logger = new MemoryLogger();
    const { report } = await runRestore(
      settings({ 'backup-set': 'latest', confirm: environment, target: 'in-place', what: 'lake,cluster' }),
      backupStore(s3, backupBucket, prefix),
      ports(logger),
    );
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('restored');
    expect(report.written.lake!.copied).toBe(gone.length);
    expect(report.written.lake!.problems).toEqual([]);
    expect(await lakeHashes(s3, lakeBucket, 'warehouse/')).toEqual(lakeOriginal);
    const cm = await kube.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns.name}/configmaps/dagster-config`);
    expect(cm?.data).toEqual(deployed.cm.data);
    expect(cm?.metadata.labels).toEqual(deployed.cm.metadata.labels);
    const deploy = await kube.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns.name}/deployments/dagster-web`);
    expect(deploy?.spec).toEqual(deployed.deploy.spec);
    expect(deploy?.metadata.uid).not.toBe(deployed.deploy.metadata.uid);
    // the Secret was stored without values and still exists: never overwritten, reported to fill in
    expect(report.plan!.cluster!.objects.find((o) => o.kind === 'Secret')).toBeUndefined();
    expect(report.written.cluster!.secretsToFill).toEqual([`Secret/${ns.name}/phlo-secrets`]);
    expect(report.written.cluster!.gate).toBe('success');

    const db = await runRestore(
      settings({ 'backup-set': good.setId, confirm: environment, what: 'database' }),
      backupStore(s3, backupBucket, prefix),
      ports(),
    );
    expect(db.report.error).toBeUndefined();
    expect(db.report.result).toBe('restored');
    const restored = restoredDatabaseName(sourceDb, good.setId);
    expect(db.report.written.dumps[0]!.rowCounts).toEqual({ runs: 120, event_logs: 900 });
    expect(await tableDump(restored, 'runs')).toBe(runsOriginal);
    expect(await tableDump(restored, 'event_logs')).toBe(eventsOriginal);
    expect(JSON.stringify(db.report)).not.toContain(new URL(pgUrl()).password);
  });

  test('a new-target lake restore copies the set into restore-<set>/ byte for byte, keeping multipart ETags', async () => {
    const { report, plan } = await runRestore(
      settings({ 'backup-set': good.setId, confirm: environment, what: 'lake' }),
      backupStore(s3, backupBucket, prefix),
      ports(),
    );
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('restored');
    const restored = await lakeHashes(s3, lakeBucket, `restore-${good.setId}/`);
    const original = await lakeHashes(s3, lakeBucket, 'warehouse/');
    expect(new Map([...restored].map(([k, v]) => [k.slice(`restore-${good.setId}/`.length), v]))).toEqual(original);
    const listed = await listAll(s3, lakeBucket, `restore-${good.setId}/warehouse/big/`);
    expect([...listed.values()][0]!.etag).toMatch(/-3$/);
    expect(plan!.lake!.copies.length).toBe(restored.size);
    // a second run into the same prefix is refused: the target is not empty
    const again = await runRestore(
      settings({ 'backup-set': good.setId, confirm: environment, what: 'lake' }),
      backupStore(s3, backupBucket, prefix),
      ports(),
    );
    expect(again.report.result).toBe('refused');
    expect(again.report.error).toMatch(/is not empty/);
  });
});

describe('restore refusals before any write', () => {
  async function refusedWithoutWrites(set: BuiltSet, extra: Record<string, string>, message: RegExp): Promise<void> {
    const lakeBefore = await lakeHashes(s3, lakeBucket);
    const dbBefore = await databases(id);
    const { report } = await runRestore(
      settings({ 'backup-set': set.setId, confirm: environment, ...extra }),
      set.store,
      ports(),
    );
    expect(report.result).toBe('refused');
    expect(report.error).toMatch(message);
    expect(report.written).toEqual({ dumps: [] });
    expect(await lakeHashes(s3, lakeBucket)).toEqual(lakeBefore);
    expect(await databases(id)).toEqual(dbBefore);
  }

  test('a corrupted backup copy', async () => {
    const pfx = `c-${rand()}/`;
    const set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: pfx,
      lakeBucket,
      at: new Date('2026-11-29T11:00:00Z'),
    });
    const victim = set.manifest.lake.entries[0]!;
    await s3.send(new PutObjectCommand({ Bucket: backupBucket, Key: victim.copyKey, Body: 'garbage' }));
    await refusedWithoutWrites(
      set,
      { 'backup-prefix': pfx, what: 'lake' },
      new RegExp(`copy s3://${backupBucket}/${victim.copyKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has 7 bytes`),
    );
  });

  test('a missing dump', async () => {
    const pfx = `d-${rand()}/`;
    const db = `rsrc2_${id}`;
    made.push(db);
    await seedDatabase(db);
    const set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: pfx,
      database: db,
      at: new Date('2026-11-29T11:05:00Z'),
    });
    await s3.send(
      new DeleteObjectsCommand({
        Bucket: backupBucket,
        Delete: { Objects: [{ Key: set.store.layout.set(set.setId).dump(db) }] },
      }),
    );
    await refusedWithoutWrites(set, { 'backup-prefix': pfx, what: 'database' }, /the dump .* is missing/);
  });

  test('a manifest whose checksum does not match', async () => {
    const pfx = `m-${rand()}/`;
    const set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: pfx,
      lakeBucket,
      at: new Date('2026-11-29T11:10:00Z'),
    });
    const key = set.store.layout.set(set.setId).manifest;
    await s3.send(
      new PutObjectCommand({
        Bucket: backupBucket,
        Key: key,
        Body: JSON.stringify({ ...set.manifest, lake: { ...set.manifest.lake, entries: [] } }),
      }),
    );
    await refusedWithoutWrites(set, { 'backup-prefix': pfx }, /does not match its checksum/);
  });

  test('an incomplete set', async () => {
    const pfx = `i-${rand()}/`;
    const set = await buildSet({
      s3,
      environment,
      backupBucket,
      prefix: pfx,
      lakeBucket,
      state: 'incomplete',
      at: new Date('2026-11-29T11:15:00Z'),
    });
    await refusedWithoutWrites(set, { 'backup-prefix': pfx }, /is incomplete: only a complete set is restored/);
    const latest = await runRestore(settings({ 'backup-prefix': pfx }), set.store, ports());
    expect(latest.report.error).toMatch(/No complete backup set/);
  });

  test('delete-extra with more extra objects than max-delete', async () => {
    await s3.send(new PutObjectCommand({ Bucket: lakeBucket, Key: 'warehouse/stray/a.parquet', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: lakeBucket, Key: 'warehouse/stray/b.parquet', Body: 'y' }));
    await refusedWithoutWrites(
      good,
      { target: 'in-place', what: 'lake', 'delete-extra': 'true', 'max-delete': '1' },
      /deleting them exceeds 'max-delete' \(1\)/,
    );
    // within the guard: deleted, and the dry run listed them
    const dry = await runRestore(
      settings({
        'backup-set': good.setId,
        target: 'in-place',
        what: 'lake',
        'delete-extra': 'true',
        'max-delete': '1000',
      }),
      good.store,
      ports(),
    );
    expect(dry.plan!.lake!.deletes.filter((k) => k.startsWith('warehouse/stray/'))).toEqual([
      'warehouse/stray/a.parquet',
      'warehouse/stray/b.parquet',
    ]);
    const run = await runRestore(
      settings({
        'backup-set': good.setId,
        confirm: environment,
        target: 'in-place',
        what: 'lake',
        'delete-extra': 'true',
        'max-delete': '1000',
      }),
      good.store,
      ports(),
    );
    expect(run.report.error).toBeUndefined();
    expect([...(await listAll(s3, lakeBucket, 'warehouse/stray/')).keys()]).toEqual([]);
  });
});
