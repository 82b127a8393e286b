/**
 * Apply's all-or-nothing dry run: several objects the server refuses, in different tiers (config,
 * Services, workloads, PDBs) and for different reasons (a value of the wrong type, an invalid port,
 * a selector that does not match its template, a conflict with another field manager, a PDB with
 * both limits), are reported together in one error, and nothing is written — not even the valid
 * objects of earlier tiers.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { createNamespace, kubeConfig } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

let client: KubeClient;
let ns: { name: string; remove: () => Promise<void> };
let workspace: string;

beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
  ns = await createNamespace('apply-dry-all');
  workspace = mkdtempSync(join(tmpdir(), 'phlo-dry-all-'));
});

afterAll(async () => {
  await ns?.remove();
  client?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

const PATHS = [
  ['ConfigMap', 'api/v1', 'configmaps'],
  ['Secret', 'api/v1', 'secrets'],
  ['Service', 'api/v1', 'services'],
  ['Deployment', 'apis/apps/v1', 'deployments'],
  ['PodDisruptionBudget', 'apis/policy/v1', 'poddisruptionbudgets'],
] as const;

/** Every object of those kinds in the namespace, with its resourceVersion. */
async function snapshot(): Promise<string[]> {
  const out: string[] = [];
  for (const [kind, prefix, plural] of PATHS) {
    for (const o of await client.list(`/${prefix}/namespaces/${ns.name}/${plural}`))
      if (!(kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'))
        out.push(`${kind}/${o.metadata.name}@${o.metadata.resourceVersion}`);
  }
  return out.sort();
}

describe('apply: the dry run reports every refused object at once and writes nothing', () => {
  test('five refusals in four tiers, two valid objects: one error naming the five, the namespace unchanged', async () => {
    const n = ns.name;
    // An existing ConfigMap whose field `data.owner` belongs to another field manager.
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${n}/configmaps/owned`,
      query: { fieldManager: 'someone-else' },
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: n }, data: { owner: 'them' } },
      contentType: 'application/apply-patch+yaml',
    });
    const labels = { app: 'web' };
    const objects: KubeObject[] = [
      // valid, config tier: must not be written
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good', namespace: n }, data: { a: '1' } },
      // config tier: a number where the API wants a string
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', namespace: n }, data: { port: 8080 } },
      // config tier: conflict with the other manager's field
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: n }, data: { owner: 'us' } },
      // Services tier: a port out of range
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'bad-port', namespace: n },
        spec: { selector: labels, ports: [{ port: 70000, targetPort: 8080 }] },
      },
      // valid, Services tier
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'good-svc', namespace: n },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
      // workloads tier: the selector does not match the template's labels
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mismatch', namespace: n },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'other' } },
          template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'phlo/app:1' }] } },
        },
      },
      // PDB tier: minAvailable and maxUnavailable together
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'both', namespace: n },
        spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: labels } },
      },
    ];
    writeFileSync(join(workspace, 'all.yaml'), objects.map((o) => dump(o)).join('---\n'));
    const manifests = loadManifests(['all.yaml'], [workspace]);
    expect(manifests).toHaveLength(7); // nothing refused before the cluster was asked

    const before = await snapshot();
    expect(before).toEqual([expect.stringMatching(/^ConfigMap\/owned@/)]);
    const error = await applyManifests(manifests, new Map(), { ...DEFAULT_APPLY_SETTINGS }, client, new MemoryLogger())
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('failed for 5 of 7 objects; nothing was applied');
    const named = (ref: string): string[] => message.split('\n').filter((line) => line.includes(ref));
    expect(named(`ConfigMap ${n}/typed`).join()).toMatch(/string|unmarshal/i);
    expect(named(`ConfigMap ${n}/owned`).join()).toMatch(
      /conflict: field .*owner.* is owned by field manager 'someone-else'/,
    );
    expect(named(`Service ${n}/bad-port`).join()).toMatch(/spec\.ports\[0\]\.port/);
    expect(named(`Deployment ${n}/mismatch`).join()).toMatch(/selector/);
    expect(named(`PodDisruptionBudget ${n}/both`).join()).toMatch(/minAvailable|maxUnavailable/);
    expect(named(`ConfigMap ${n}/good`)).toEqual([]);
    expect(named(`Service ${n}/good-svc`)).toEqual([]);
    expect(message).not.toMatch(/\n\s+at /);
    // Nothing written: no new object, and the conflicting one kept its version and its value.
    expect(await snapshot()).toEqual(before);
    const owned = await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${n}/configmaps/owned`);
    expect(owned?.data).toEqual({ owner: 'them' });
  });
});
