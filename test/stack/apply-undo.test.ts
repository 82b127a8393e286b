/**
 * A write that fails after a successful dry run is undone (issue 15): what apply created is deleted,
 * what it changed gets its previous content back, and the error says so. The failure is a real one:
 * a ResourceQuota leaves room for one more ConfigMap, each dry run fits (a dry run charges no quota),
 * the second real create does not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeConfig, useNamespace, waitFor } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
});
afterAll(() => client?.close());

function manifests(yaml: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-undo-'));
  writeFileSync(path.join(dir, 'm.yaml'), yaml);
  return loadManifests(['m.yaml'], [dir]);
}

const cm = (ns: string, name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {value: "${value}"}\n`;

describe('a failure after the first write', () => {
  const ns = useNamespace('undo');

  test('deletes what apply created and restores what it changed', async () => {
    const n = ns.name;
    const logger = new MemoryLogger();
    await applyManifests(manifests(cm(n, 'existing', 'v1')), new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, logger);
    const cms = async () => (await client.list<KubeObject>(`/api/v1/namespaces/${n}/configmaps`)).length;
    await waitFor('kube-root-ca.crt', async () => (await cms()) >= 2);
    await client.request({
      method: 'POST',
      path: `/api/v1/namespaces/${n}/resourcequotas`,
      body: {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'one-more' },
        spec: { hard: { configmaps: String((await cms()) + 1) } },
      },
    });
    await waitFor('the quota computed', async () => {
      const q = await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${n}/resourcequotas/one-more`);
      return q?.status?.used?.configmaps !== undefined;
    });

    const set = manifests(
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: undo-sa, namespace: ${n}}\n---\n` +
        [cm(n, 'existing', 'v2'), cm(n, 'new-1', 'x'), cm(n, 'new-2', 'y')].join('---\n'),
    );
    const error = await applyManifests(set, new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, logger).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeDefined();
    expect(error!.message).toMatch(/exceeded quota/);
    expect(error!.message).toContain('undone: deleted the');
    expect(error!.message).toContain(`ServiceAccount ${n}/undo-sa`);
    expect(error!.message).toContain(`restored the 1 it changed (ConfigMap ${n}/existing)`);

    expect(await client.getOrUndefined(`/api/v1/namespaces/${n}/serviceaccounts/undo-sa`)).toBeUndefined();
    expect(await client.getOrUndefined(`/api/v1/namespaces/${n}/configmaps/new-1`)).toBeUndefined();
    expect(await client.getOrUndefined(`/api/v1/namespaces/${n}/configmaps/new-2`)).toBeUndefined();
    const existing = await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${n}/configmaps/existing`);
    expect((existing as unknown as { data: Record<string, string> }).data).toEqual({ value: 'v1' });
  });
});
