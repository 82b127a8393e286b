/**
 * An environment for the cutover tests, deployed the way the deploy does it (render + apply, the
 * Secret from values): in namespace `dagster`, ConfigMap phlo-config (S3_WAREHOUSE and LOG_LEVEL from
 * the settings' variables), Secret phlo-secrets (DATABASE_URL, OTHER) and Deployments dagster-webserver
 * and dagster-daemon; in namespace `warehouse`, a ConfigMap phlo-config (S3_WAREHOUSE) and Deployments
 * nessie and trino. `useCutoverEnvironment` makes one for a test file (its own namespaces, a unique
 * environment name, random Secret values) and removes it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll } from '@jest/globals';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { renderManifests } from '../../src/lib/manifests/render.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { kubeConfig, useNamespace } from '../helpers/stack.js';
import { waitDeploymentReady } from './gates.fixtures.js';

function deployment(namespace: string, name: string, secret: boolean): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: phlo/${name}:1
          envFrom:
            - configMapRef: { name: phlo-config }
${secret ? '            - secretRef: { name: phlo-secrets }\n' : ''}`;
}

export async function deployCutoverEnvironment(options: {
  client: KubeClient;
  kc: KubeConfig;
  environment: string;
  dagster: string;
  warehouse: string;
  secrets: Map<string, string>;
  /** The deploying repository (`org/repo`): the objects' phlo.dev/owner label. */
  owner?: string;
}): Promise<string> {
  const { environment, dagster: d, warehouse: w } = options;
  const workspace = mkdtempSync(path.join(tmpdir(), 'phlo-cutover-'));
  mkdirSync(path.join(workspace, 'k8s', 'base'), { recursive: true });
  mkdirSync(path.join(workspace, 'k8s', 'environments', environment), { recursive: true });
  writeFileSync(
    path.join(workspace, 'k8s', 'base', 'platform.yaml'),
    [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: phlo-config, namespace: ${d} }\n` +
        'data:\n  S3_WAREHOUSE: ${S3_WAREHOUSE}\n  LOG_LEVEL: ${LOG_LEVEL}\n',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: phlo-config, namespace: ${w} }\n` +
        'data:\n  S3_WAREHOUSE: ${S3_WAREHOUSE}\n',
      deployment(d, 'dagster-webserver', true),
      deployment(d, 'dagster-daemon', true),
      deployment(w, 'nessie', false),
      deployment(w, 'trino', false),
    ].join('---\n'),
  );
  writeFileSync(
    path.join(workspace, 'k8s', 'environments', environment, 'settings.yaml'),
    `environment: ${environment}\nrequireDigests: false\nvariables:\n  S3_WAREHOUSE: s3://phlo-lake/\n  LOG_LEVEL: INFO\n`,
  );
  const rendered = renderManifests(
    {
      workspace,
      manifests: ['k8s'],
      environment,
      images: new Map(),
      labels: new Map(),
      annotations: new Map(),
      secret: { name: 'phlo-secrets', namespace: d, values: options.secrets },
      ...(options.owner ? { owner: options.owner } : {}),
    },
    new MemoryLogger(),
  );
  await applyManifests(rendered.objects, options.secrets, DEFAULT_APPLY_SETTINGS, options.client, new MemoryLogger());
  for (const [ns, name] of [
    [d, 'dagster-webserver'],
    [d, 'dagster-daemon'],
    [w, 'nessie'],
    [w, 'trino'],
  ] as const)
    await waitDeploymentReady(options.kc, ns, name);
  return workspace;
}

export interface CutoverEnvironment {
  readonly environment: string;
  readonly dagster: string;
  readonly warehouse: string;
  /** The folder holding its k8s/. */
  readonly workspace: string;
  readonly client: KubeClient;
  readonly kc: KubeConfig;
  /** The Secret's values as deployed (DATABASE_URL holds `oldPassword`), and one more password for new values. */
  readonly oldPassword: string;
  readonly newPassword: string;
  readonly other: string;
}

/** For a test file: a deployed cutover environment (beforeAll), removed with its namespaces (afterAll). */
export function useCutoverEnvironment(prefix: string, options: { owner?: string } = {}): CutoverEnvironment {
  const dagster = useNamespace(`${prefix}-dagster`);
  const warehouse = useNamespace(`${prefix}-dw`);
  const kc = kubeConfig();
  let client: KubeClient | undefined;
  let workspace = '';
  const env: CutoverEnvironment = {
    environment: `${prefix.replace(/[^a-z0-9]/g, '').slice(0, 8)}${randomBytes(3).toString('hex')}`,
    oldPassword: randomBytes(9).toString('hex'),
    newPassword: randomBytes(9).toString('hex'),
    other: randomBytes(9).toString('hex'),
    kc,
    get dagster() {
      return dagster.name;
    },
    get warehouse() {
      return warehouse.name;
    },
    get workspace() {
      return workspace;
    },
    get client() {
      if (!client) throw new Error('useCutoverEnvironment: the client is only there once beforeAll has run');
      return client;
    },
  };
  beforeAll(async () => {
    client = await KubeClient.create(kc);
    workspace = await deployCutoverEnvironment({
      client,
      kc,
      environment: env.environment,
      dagster: dagster.name,
      warehouse: warehouse.name,
      secrets: new Map([
        ['DATABASE_URL', `postgres://phlo:${env.oldPassword}@db:5432/phlo`],
        ['OTHER', env.other],
      ]),
      ...(options.owner ? { owner: options.owner } : {}),
    });
  }, 180_000);
  afterAll(() => {
    client?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });
  return env;
}
