/**
 * A write that fails after a successful dry run is undone (issue 15): what apply created is deleted,
 * what it changed gets its previous content back, and the error says so. The failure is a real one:
 * a ResourceQuota leaves room for one more ConfigMap, each dry run fits (a dry run charges no quota),
 * the second real create does not. Likewise a prune refused after the writes (by a real admission
 * policy): the writes are undone and what was already pruned is created again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeConfig, useNamespace, waitFor } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { ApplyWriteFailure } from '../../src/lib/kube/undo.js';
import { uniqueName } from '../helpers/stack.js';
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

describe('a prune that fails after the writes', () => {
  // a namespace of its own: the quota above would refuse this test's writes
  const ns = useNamespace('undo-prune');

  test('a prune refused after the writes: the writes are undone and what was pruned is created again', async () => {
    const n = ns.name;
    const environment = uniqueName('undo-prune');
    const labelled = (name: string, value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${n}, labels: {app.kubernetes.io/managed-by: phlo-deploy, phlo.dev/environment: ${environment}}}\ndata: {value: "${value}"}\n`;
    const logger = new MemoryLogger();
    const settings = { ...DEFAULT_APPLY_SETTINGS, environment, prune: true };
    await applyManifests(
      manifests([labelled('keep', 'v1'), labelled('gone-1', 'x'), labelled('gone-2', 'y')].join('---\n')),
      new Map(),
      settings,
      client,
      logger,
    );
    // An admission policy that refuses the deletion of gone-2 in this namespace: a real refusal that
    // the prune plan (a list) cannot foresee.
    const policy = uniqueName('undo-prune');
    const policies = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
    const bindings = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';
    await client.request({
      method: 'POST',
      path: policies,
      body: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['configmaps'] },
            ],
          },
          validations: [
            { expression: "oldObject.metadata.name != 'gone-2'", message: 'gone-2 stays', reason: 'Forbidden' },
          ],
        },
      },
    });
    try {
      await client.request({
        method: 'POST',
        path: bindings,
        body: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: { name: policy },
          spec: {
            policyName: policy,
            validationActions: ['Deny'],
            matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } },
          },
        },
      });
      await waitFor('the policy in force', () =>
        client
          .request({
            method: 'DELETE',
            path: `/api/v1/namespaces/${n}/configmaps/gone-2`,
            query: { dryRun: 'All' },
          })
          .then(
            () => false,
            () => true,
          ),
      );

      const error = await applyManifests(
        manifests([labelled('keep', 'v2'), labelled('new', 'z')].join('---\n')),
        new Map(),
        settings,
        client,
        logger,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApplyWriteFailure);
      const failure = error as ApplyWriteFailure;
      expect(failure.message).toContain('Apply failed while pruning after a successful dry run');
      expect(failure.message).toContain(`Could not prune ConfigMap ${n}/gone-2`);
      expect(failure.undo.deleted.map((r) => r.name)).toEqual(['new']);
      expect(failure.undo.restored.map((r) => r.name)).toEqual(['keep']);
      expect(failure.undo.recreated.map((r) => r.name)).toEqual(['gone-1']);
      expect(failure.undo.failed).toEqual([]);
      const data = async (name: string) =>
        (
          (await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${n}/configmaps/${name}`)) as
            (KubeObject & { data: Record<string, string> }) | undefined
        )?.data;
      expect(await data('keep')).toEqual({ value: 'v1' });
      expect(await data('new')).toBeUndefined();
      expect(await data('gone-1')).toEqual({ value: 'x' });
      expect(await data('gone-2')).toEqual({ value: 'y' });
    } finally {
      await client.request({ method: 'DELETE', path: `${bindings}/${policy}` }).catch(() => undefined);
      await client.request({ method: 'DELETE', path: `${policies}/${policy}` }).catch(() => undefined);
    }
  });
});
