/**
 * Prune is scoped to its own repository and namespaces (issue 15): two repositories deploying an
 * environment of the same name to one cluster never prune each other's objects, and an object of the
 * environment in a namespace the set no longer renders is left alone.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeConfig, useNamespace, uniqueName } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { ownerLabelValue } from '../../src/lib/objects/names.js';

let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
});
afterAll(() => client?.close());

const environment = uniqueName('owners');

function configMaps(ns: string, owner: string | undefined, names: string[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-owner-'));
  const labels = [
    `app.kubernetes.io/managed-by: phlo-deploy`,
    `phlo.dev/environment: ${environment}`,
    ...(owner ? [`phlo.dev/owner: ${ownerLabelValue(owner)}`] : []),
  ].join(', ');
  writeFileSync(
    path.join(dir, 'm.yaml'),
    names
      .map(
        (n) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: ${ns}, labels: {${labels}}}\ndata: {k: v}\n`,
      )
      .join('---\n'),
  );
  return loadManifests(['m.yaml'], [dir]);
}

const apply = (set: ReturnType<typeof configMaps>, prune = false) =>
  applyManifests(set, new Map(), { ...DEFAULT_APPLY_SETTINGS, prune, environment }, client, new MemoryLogger());

async function present(ns: string, name: string): Promise<boolean> {
  return (await client.getOrUndefined(`/api/v1/namespaces/${ns}/configmaps/${name}`)) !== undefined;
}

describe('prune scope', () => {
  const shared = useNamespace('owners-a');
  const other = useNamespace('owners-b');

  test("a repository's prune deletes its own removed objects only", async () => {
    const ns = shared.name;
    await apply(configMaps(ns, 'acme/phlo-a', ['a1', 'a2']));
    await apply(configMaps(ns, 'acme/phlo-b', ['b1']));
    await apply(configMaps(ns, undefined, ['c1'])); // deployed from a terminal: no owner
    await apply(configMaps(other.name, 'acme/phlo-a', ['a3'])); // a namespace repository A no longer renders

    const { result } = await apply(configMaps(ns, 'acme/phlo-a', ['a1']), true);
    expect(result.objects.filter((o) => o.action === 'pruned').map((o) => o.name)).toEqual(['a2']);
    expect(await present(ns, 'a2')).toBe(false);
    for (const [n, name] of [
      [ns, 'a1'],
      [ns, 'b1'],
      [ns, 'c1'],
      [other.name, 'a3'],
    ] as const)
      expect(await present(n, name)).toBe(true);

    // without an owner, prune touches only objects without one
    const { result: local } = await apply(configMaps(ns, undefined, ['c2']), true);
    expect(local.objects.filter((o) => o.action === 'pruned').map((o) => o.name)).toEqual(['c1']);
    expect(await present(ns, 'b1')).toBe(true);
    expect(await present(ns, 'a1')).toBe(true);
  });

  test('owner label values', () => {
    expect(ownerLabelValue('acme/phlo')).toBe('acme.phlo');
    const long = ownerLabelValue(`acme/${'x'.repeat(90)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^acme\.x+-[0-9a-f]{8}$/);
    expect(ownerLabelValue(`acme/${'x'.repeat(90)}`)).not.toBe(ownerLabelValue(`acme/${'x'.repeat(91)}`));
  });
});
