/**
 * drift-check fixtures: a small k8s/ of its own (one namespace, a ConfigMap, a placeholder Secret, a
 * Deployment without HPA and its Service, a Deployment scaled by an HPA), deployed the way apply's
 * run does it (applyManifests, then the deploy record), and the helpers the drift tests share.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import yaml from 'js-yaml';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeConfig, loadStackEnv, repoRoot, uniqueName } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { renderManifests, type RenderSettings } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { recordDeploy } from '../../src/lib/drift/record.js';
import { checkDrift } from '../../src/lib/drift/check.js';
import type { IgnoreRule } from '../../src/lib/drift/ignore.js';
import type { DriftReport } from '../../src/lib/drift/report.js';

export const SECRET_VALUE = 'drift-pw-Hq71-original';
export const COMMIT = 'a'.repeat(40);

export interface DriftEnv {
  ws: string;
  ns: string;
  env: string;
  secrets: Map<string, string>;
  /** The repository that deploys it (render's owner label; what GITHUB_REPOSITORY gives in a workflow). */
  owner?: string;
  remove(): Promise<void>;
}

export function baseYaml(ns: string): Record<string, string> {
  return {
    'app.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: app
data:
  LOG_LEVEL: INFO
  MODE: batch
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: web
          image: example.com/web:1.0
          ports:
            - containerPort: 8080
          envFrom:
            - secretRef:
                name: phlo-secrets
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: ${ns}
spec:
  selector:
    app.kubernetes.io/name: web
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: ${ns}
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: worker
  template:
    metadata:
      labels:
        app.kubernetes.io/name: worker
    spec:
      containers:
        - name: worker
          image: example.com/worker:1.0
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: worker
  namespace: ${ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: worker
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 80
`,
    'namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
`,
  };
}

/** Writes k8s/ (base + environments/<env>) into a new workspace. */
export function writeWorkspace(ns: string, env: string, files = baseYaml(ns)): string {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-drift-'));
  mkdirSync(path.join(ws, 'k8s', 'base'), { recursive: true });
  mkdirSync(path.join(ws, 'k8s', 'environments', env), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(ws, 'k8s', 'base', name), text);
  writeFileSync(
    path.join(ws, 'k8s', 'environments', env, 'settings.yaml'),
    `environment: ${env}\nrequireDigests: false\ndefaultNamespace: ${ns}\n`,
  );
  return ws;
}

export function renderSettings(d: Pick<DriftEnv, 'ws' | 'env' | 'ns' | 'secrets' | 'owner'>): RenderSettings {
  return {
    workspace: d.ws,
    manifests: ['k8s'],
    environment: d.env,
    images: new Map(),
    labels: new Map(),
    annotations: new Map(),
    ...(d.owner ? { owner: d.owner } : {}),
    ...(d.secrets.size ? { secret: { name: 'phlo-secrets', namespace: d.ns, values: d.secrets } } : {}),
    commit: COMMIT,
    runUrl: 'https://github.com/org/app/actions/runs/1',
  };
}

/** Renders, applies and records (what apply's run does after render); returns the environment. */
export async function deployEnvironment(prefix = 'drift'): Promise<DriftEnv> {
  const ns = uniqueName(prefix);
  const env = uniqueName('env');
  const ws = writeWorkspace(ns, env);
  const d: DriftEnv = {
    ws,
    ns,
    env,
    secrets: new Map([['DB_PASSWORD', SECRET_VALUE]]),
    remove: async () => {
      rmSync(ws, { recursive: true, force: true });
      kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    },
  };
  await redeploy(d);
  return d;
}

/** Applies the environment again (force: takes back every field), and writes the record. */
export async function redeploy(d: DriftEnv): Promise<void> {
  const logger = new MemoryLogger();
  const rendered = renderManifests(renderSettings(d), logger);
  const client = await KubeClient.create(kubeConfig());
  try {
    const { after } = await applyManifests(
      rendered.objects,
      d.secrets,
      { ...DEFAULT_APPLY_SETTINGS, environment: d.env, forceConflicts: true },
      client,
      logger,
    );
    await recordDeploy(client, rendered.objects, d.env, systemClock, logger, after);
  } finally {
    client.close();
  }
}

/** The stack's kubectl as the admin, as a person would run it. */
export function kubectl(
  args: string[],
  options: { env?: Record<string, string>; input?: string; dryRunJson?: boolean } = {},
): string {
  const stack = loadStackEnv(['PHLO_KUBECTL', 'KUBECONFIG']);
  return execFileSync(stack.PHLO_KUBECTL!, options.dryRunJson ? [...args, '--dry-run=client', '-o', 'json'] : args, {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: stack.KUBECONFIG!, ...options.env },
    input: options.input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** checkDrift with the admin kubeconfig. */
export async function check(
  d: Pick<DriftEnv, 'ws' | 'env' | 'ns' | 'secrets'>,
  options: { ignoreRules?: IgnoreRule[]; client?: KubeClient; full?: boolean } = {},
): Promise<DriftReport> {
  const client = options.client ?? (await KubeClient.create(kubeConfig()));
  try {
    const { report } = await checkDrift(
      { render: renderSettings(d), ignoreRules: options.ignoreRules ?? [], concurrency: 8, full: options.full },
      client,
      new MemoryLogger(),
      systemClock,
    );
    return report;
  } finally {
    if (!options.client) client.close();
  }
}

/** `Kind/ns/name category [managers]` per drifted item, for compact assertions. */
export function summaryOf(r: DriftReport): string[] {
  return r.items.map(
    (i) => `${i.ref.kind}/${i.ref.name} ${i.category}${i.managers?.length ? ` ${i.managers.join(',')}` : ''}`,
  );
}

export interface Identity {
  /** The identity's own KubeConfig (a TokenRequest token of its ServiceAccount). */
  kc: KubeConfig;
  username: string;
  remove(): Promise<void>;
}

const RBAC_DIR = path.join(repoRoot, 'stack', 'kube', 'rbac');

/**
 * A ServiceAccount `<name>` in `ns`, bound (ClusterRoleBinding) to a copy of one of the stack's
 * ClusterRoles (stack/kube/rbac/<roleFile>) under a unique name; with `dryRunOnly`, also a copy of the
 * dry-run-only ValidatingAdmissionPolicy and its binding, matched to this identity. Returns its
 * kubeconfig and a remove() for the cluster-scoped copies.
 */
export async function createIdentity(
  ns: string,
  name: string,
  roleFile: string,
  options: { dryRunOnly?: boolean } = {},
): Promise<Identity> {
  const admin = await KubeClient.create(kubeConfig());
  const suffix = uniqueName(name);
  const username = `system:serviceaccount:${ns}:${name}`;
  const created: string[] = [];
  const read = (file: string) => yaml.load(readFileSync(path.join(RBAC_DIR, file), 'utf8')) as Record<string, any>;
  const create = async (collection: string, body: Record<string, any>) => {
    await admin.request({ method: 'POST', path: collection, body });
    if (!body.metadata.namespace) created.push(`${collection}/${body.metadata.name}`);
  };
  try {
    await create(`/api/v1/namespaces/${ns}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns },
    });
    const role = read(roleFile);
    role.metadata = { name: suffix };
    await create('/apis/rbac.authorization.k8s.io/v1/clusterroles', role);
    await create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: suffix },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: suffix },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
    if (options.dryRunOnly) {
      const policy = read('80-drift-dry-run-only-policy.yaml');
      policy.metadata = { name: suffix };
      for (const c of policy.spec.matchConditions)
        c.expression = String(c.expression).replace(/'system:serviceaccount:[^']*'/, `'${username}'`);
      await create('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies', policy);
      const binding = read('85-drift-dry-run-only-binding.yaml');
      binding.metadata = { name: suffix };
      binding.spec.policyName = suffix;
      await create('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings', binding);
    }
    const token = await admin.request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    const cluster = kubeConfig().getCurrentCluster()!;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name, token: token.status.token }],
      contexts: [{ name, cluster: cluster.name, user: name }],
      currentContext: name,
    });
    return {
      kc,
      username,
      remove: async () => {
        const c = await KubeClient.create(kubeConfig());
        try {
          for (const p of created.reverse()) await c.request({ method: 'DELETE', path: p }).catch(() => undefined);
        } finally {
          c.close();
        }
      },
    };
  } catch (error) {
    for (const p of created.reverse()) await admin.request({ method: 'DELETE', path: p }).catch(() => undefined);
    throw error;
  } finally {
    admin.close();
  }
}
