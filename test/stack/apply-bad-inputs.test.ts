/**
 * The bad-input corpus (test/fixtures/bad-manifests) against the local stack: every case fails
 * with a clear ConfigurationError, and the cluster is untouched (the namespace the objects point at
 * holds nothing new, no cluster-scoped object appeared).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createNamespace, kubeConfig } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { materializeCorpus, type BadCase } from '../fixtures/bad-manifests/corpus.js';

let client: KubeClient;
let ns: { name: string; remove: () => Promise<void> };
let corpus: { workspace: string; cases: BadCase[] };

beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
  ns = await createNamespace('bad-inputs');
  corpus = materializeCorpus(ns.name);
});

afterAll(async () => {
  await ns?.remove();
  client?.close();
});

/** Everything in the namespace we could have created, by kind. */
async function snapshot(): Promise<string[]> {
  const names: string[] = [];
  for (const [kind, path] of [
    ['ConfigMap', `/api/v1/namespaces/${ns.name}/configmaps`],
    ['Secret', `/api/v1/namespaces/${ns.name}/secrets`],
    ['Service', `/api/v1/namespaces/${ns.name}/services`],
    ['Deployment', `/apis/apps/v1/namespaces/${ns.name}/deployments`],
  ] as const) {
    for (const o of await client.list(path)) names.push(`${kind}/${o.metadata.name}@${o.metadata.resourceVersion}`);
  }
  for (const extra of [`${ns.name}-x`, `${ns.name}-absent`]) {
    if (await client.getOrUndefined(`/api/v1/namespaces/${extra}`)) names.push(`Namespace/${extra}`);
  }
  if (await client.getOrUndefined('/apis/rbac.authorization.k8s.io/v1/clusterroles/bad-role'))
    names.push('ClusterRole/bad-role');
  return names.sort();
}

describe('bad inputs against the cluster', () => {
  test('the corpus has at least 25 cases, some only a cluster can refuse', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(25);
    expect(corpus.cases.filter((c) => c.stage === 'cluster').length).toBeGreaterThanOrEqual(4);
  });

  test('every case fails clearly and nothing is applied', async () => {
    const before = await snapshot();
    const outcomes: string[] = [];
    for (const c of corpus.cases) {
      let error: unknown;
      try {
        const manifests = loadManifests(c.patterns, [corpus.workspace]);
        await applyManifests(manifests, new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, new MemoryLogger());
      } catch (e) {
        error = e;
      }
      const message = error instanceof Error ? error.message : '(no error)';
      const ok = error instanceof ConfigurationError && c.expect.test(message) && !/\n\s+at /.test(message);
      outcomes.push(`${ok ? 'ok  ' : 'FAIL'} ${c.name}: ${message.split('\n').slice(0, 3).join(' | ')}`);
      expect(await snapshot()).toEqual(before);
    }
    // one assertion listing every case, so a failure shows them all
    expect(outcomes.filter((o) => o.startsWith('FAIL'))).toEqual([]);
  });
});
