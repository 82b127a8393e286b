/**
 * The cluster phase of a backup set on the stack's Kubernetes and MinIO: the environment's labelled
 * objects (and nothing else) as one JSON document, server fields stripped, Secrets as placeholders
 * with their keys unless the plan opts in and the bucket encrypts.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { backupCluster, type ClusterObjectsFile } from '../../src/lib/backup/cluster.js';
import { backupStore } from '../../src/lib/backup/store.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { ConfigurationError, errorLine } from '../../src/lib/runtime/errors.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { kubeConfig, loadStackEnv, useNamespace } from '../helpers/stack.js';

const env = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY', 'KUBECONFIG']);
const s3At = (endpoint: string): S3Client =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: env.PHLO_S3_SECRET_KEY! },
  });
const s3 = s3At(env.PHLO_S3_ENDPOINT!);
const bucket = `phlo-cluster-${randomBytes(4).toString('hex')}`;
const store = backupStore(s3, bucket, 'phlo-backup/cluster-test/');

const environment = `bk-${randomBytes(3).toString('hex')}`;
const password = `hunter2-${randomBytes(6).toString('hex')}`;
const labels = { 'phlo.dev/environment': environment, 'app.kubernetes.io/managed-by': 'phlo-deploy' };
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

async function bytesOf(key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

const refOf = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('backupCluster on the stack', () => {
  const ns = useNamespace('backup-cluster');
  let kube: KubeClient;

  /** Server-side apply as phlo-deploy (so the live objects carry managedFields like deployed ones). */
  async function apply(
    object: { apiVersion: string; kind: string; metadata: { name: string } & Record<string, unknown> } & Record<
      string,
      unknown
    >,
  ) {
    const path = await kube.pathOf({
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: ns.name,
      name: object.metadata.name,
    });
    await kube.request({
      method: 'PATCH',
      path,
      query: { fieldManager: 'phlo-deploy', force: true },
      body: { ...object, metadata: { ...object.metadata, namespace: ns.name } },
      contentType: 'application/apply-patch+yaml',
    });
  }

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    kube = await KubeClient.create(kubeConfig());
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', labels },
      data: { mode: 'prod' },
    });
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app-secret', labels },
      type: 'Opaque',
      data: { password: b64(password), user: b64('phlo') },
    };
    // what `kubectl apply` leaves behind: the whole Secret, data included, in an annotation
    await apply({
      ...secret,
      metadata: {
        ...secret.metadata,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(secret) },
      },
    });
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web', ...labels } },
          spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
        },
      },
    });
    // not the environment's: no labels, another environment, another manager
    await apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlabelled' }, data: { a: 'b' } });
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'other-env', labels: { ...labels, 'phlo.dev/environment': `${environment}-other` } },
    });
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'not-managed', labels: { ...labels, 'app.kubernetes.io/managed-by': 'helm' } },
    });
  });

  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
    for (const o of listed?.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    s3.destroy();
    kube?.close();
  });

  test('the labelled objects, and only those, without server fields; Secrets with keys only; sha256 of the bytes', async () => {
    const setId = '20261129T160000Z';
    const logger = new MemoryLogger();
    const record = await backupCluster(store, setId, kube, { environment, includeSecretValues: false }, logger);
    const bytes = await bytesOf(store.layout.set(setId).cluster);
    expect(record).toEqual({
      key: store.layout.set(setId).cluster,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      objects: 4,
      secretsWithoutValues: [`Secret/${ns.name}/app-secret`],
    });
    const file = JSON.parse(bytes.toString('utf8')) as ClusterObjectsFile;
    expect(file).toMatchObject({ schema: 1, setId, environment, secretValues: false });
    expect(file.objects.map(refOf)).toEqual([
      `ConfigMap/${ns.name}/app-config`,
      `Deployment/${ns.name}/web`,
      `Secret/${ns.name}/app-secret`,
      `Service/${ns.name}/web`,
    ]);
    for (const o of file.objects) {
      expect(o.apiVersion).toMatch(/^(v1|apps\/v1)$/);
      expect(o.status).toBeUndefined();
      expect(Object.keys(o.metadata).sort()).toEqual(
        o.metadata.annotations ? ['annotations', 'labels', 'name', 'namespace'] : ['labels', 'name', 'namespace'],
      );
      expect(o.metadata.labels).toMatchObject(labels);
    }
    const byRef = new Map(file.objects.map((o) => [refOf(o), o]));
    const secret = byRef.get(`Secret/${ns.name}/app-secret`)!;
    expect(secret.data).toBeUndefined();
    expect(secret.type).toBe('Opaque');
    expect(secret.metadata.annotations).toEqual({
      'phlo.dev/secret-values': 'injected-at-apply',
      'phlo.dev/secret-keys': 'password,user',
    });
    const service = byRef.get(`Service/${ns.name}/web`)!;
    expect(service.spec.clusterIP).toBeUndefined();
    expect(service.spec.clusterIPs).toBeUndefined();
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 8080 })]);
    expect(byRef.get(`Deployment/${ns.name}/web`)!.spec.template.spec.containers[0].image).toBe(
      'registry.example/web:1',
    );
    // the value in no form: not in the data, not in kubectl's annotation, not in the log
    const text = bytes.toString('utf8');
    for (const form of [password, b64(password)]) {
      expect(text).not.toContain(form);
      expect(logger.text()).not.toContain(form);
    }
    expect(logger.text()).toContain(`Cluster objects of '${environment}': 4`);
  });

  test('Secret values asked for on a bucket without default encryption: refused, nothing written', async () => {
    const setId = '20261129T170000Z';
    const error = await backupCluster(
      store,
      setId,
      kube,
      { environment, includeSecretValues: true },
      new MemoryLogger(),
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(errorLine(error)).toMatch(
      new RegExp(`^'cluster\\.includeSecretValues' is true, but backup bucket '${bucket}' has no default encryption`),
    );
    expect(errorLine(error)).toContain(`aws s3api put-bucket-encryption --bucket ${bucket}`);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: store.layout.set(setId).prefix }));
    expect(listed.KeyCount).toBe(0);
  });

  test('Secret values asked for on a bucket that encrypts by default: stored with their data', async () => {
    // MinIO without a KMS cannot turn on default encryption (PutBucketEncryption: NotImplemented), so
    // the proxy answers GetBucketEncryption as S3 does for such a bucket; every other call goes through
    const encryption =
      '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>' +
      '<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault>' +
      '</Rule></ServerSideEncryptionConfiguration>';
    const proxy = await new FaultProxy(env.PHLO_S3_ENDPOINT!, [
      {
        match: { method: 'GET', path: /^\/[^/?]+\/?\?encryption/ },
        fault: { status: 200, body: encryption, headers: { 'content-type': 'application/xml' } },
      },
    ]).start();
    const viaProxy = s3At(proxy.url);
    try {
      const setId = '20261129T180000Z';
      const logger = new MemoryLogger();
      const record = await backupCluster(
        backupStore(viaProxy, bucket, 'phlo-backup/cluster-test/'),
        setId,
        kube,
        { environment, includeSecretValues: true },
        logger,
      );
      expect(record.secretsWithoutValues).toEqual([]);
      const file = JSON.parse((await bytesOf(record.key)).toString('utf8')) as ClusterObjectsFile;
      expect(file.secretValues).toBe(true);
      const secret = file.objects.find((o) => o.kind === 'Secret')!;
      expect(secret.data).toEqual({ password: b64(password), user: b64('phlo') });
      // kubectl's annotation is still not stored (it would be a second copy of the values)
      expect(secret.metadata.annotations).toBeUndefined();
      expect(logger.text()).toContain('encrypts by default (aws:kms)');
      expect(proxy.log.filter((r) => r.injected).map((r) => r.outcome)).toEqual([200]);
    } finally {
      viaProxy.destroy();
      await proxy.stop();
    }
  });
});
