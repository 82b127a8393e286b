/**
 * References checked before the first write (issue 15): a Deployment whose ServiceAccount, ConfigMap,
 * Secret or PVC exists neither in the rendered set nor in the cluster is refused with nothing applied;
 * what exists in either place is fine; an HPA without its target or a Service selecting no rendered pod
 * is a warning.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeConfig, useNamespace } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
});
afterAll(() => client?.close());

function manifests(yaml: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-refs-'));
  writeFileSync(path.join(dir, 'm.yaml'), yaml);
  return loadManifests(['m.yaml'], [dir]);
}

const deployment = (ns: string, pod: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${pod
  .trim()
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
      containers:
        - name: web
          image: registry.local/web@sha256:${'a'.repeat(64)}
          envFrom: [{configMapRef: {name: web-config}}, {secretRef: {name: maybe, optional: true}}]
          env:
            - {name: PASSWORD, valueFrom: {secretKeyRef: {name: web-secret, key: password}}}
      volumes:
        - {name: data, persistentVolumeClaim: {claimName: web-data}}
`;

async function exists(ns: string, kind: 'deployments' | 'configmaps', name: string): Promise<boolean> {
  const base = kind === 'deployments' ? `/apis/apps/v1/namespaces/${ns}` : `/api/v1/namespaces/${ns}`;
  return (await client.getOrUndefined(`${base}/${kind}/${name}`)) !== undefined;
}

describe('references before the first write', () => {
  const ns = useNamespace('refs');

  test('every dangling reference is named at once and nothing is written', async () => {
    const set = manifests(
      deployment(ns.name, 'serviceAccountName: dagster') +
        `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: ${ns.name}}\ndata: {a: "1"}\n`,
    );
    const logger = new MemoryLogger();
    const error = await applyManifests(set, new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, logger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('nothing was applied');
    for (const missing of [
      `ServiceAccount ${ns.name}/dagster`,
      `ConfigMap ${ns.name}/web-config`,
      `Secret ${ns.name}/web-secret`,
      `PersistentVolumeClaim ${ns.name}/web-data`,
    ])
      expect(message).toContain(missing);
    expect(message).not.toContain(`${ns.name}/maybe`); // optional: true
    expect(await exists(ns.name, 'deployments', 'web')).toBe(false);
    expect(await exists(ns.name, 'configmaps', 'other')).toBe(false);
  });

  test('references found in the rendered set or in the cluster pass; inert objects are warnings', async () => {
    // the ConfigMap and the claim exist in the cluster already; the ServiceAccount and the Secret are rendered
    await client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${ns.name}/configmaps`,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { a: '1' } },
    });
    await client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${ns.name}/persistentvolumeclaims`,
      body: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'web-data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    const set = manifests(
      deployment(ns.name, 'serviceAccountName: dagster') +
        `---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: dagster, namespace: ${ns.name}}\n` +
        `---\napiVersion: v1\nkind: Secret\nmetadata: {name: web-secret, namespace: ${ns.name}}\nstringData: {password: x}\n` +
        `---\napiVersion: v1\nkind: Service\nmetadata: {name: nobody, namespace: ${ns.name}}\nspec: {selector: {app: nobody}, ports: [{port: 80}]}\n` +
        `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: ghost, namespace: ${ns.name}}\n` +
        `spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ghost}, minReplicas: 1, maxReplicas: 2}\n`,
    );
    const logger = new MemoryLogger();
    const { result } = await applyManifests(set, new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, logger);
    expect(result.counts.created).toBe(5);
    expect(logger.text()).toContain(
      `HorizontalPodAutoscaler ${ns.name}/ghost: spec.scaleTargetRef refers to Deployment ${ns.name}/ghost`,
    );
    expect(logger.text()).toContain(`Service ${ns.name}/nobody: its selector matches no pod template`);
  });
});
