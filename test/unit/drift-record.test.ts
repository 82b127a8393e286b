/**
 * The deploy record's fingerprints (what lets drift-check skip the dry run of an object nobody has
 * touched since the deploy) and the field-set projection they rest on. The same behaviour on a real
 * API server is in test/stack/drift.test.ts; these pin the rules on hand-made managedFields.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import yaml from 'js-yaml';
import { createHash } from 'node:crypto';
import { canonicalJson, ownedTree, project, sha256 } from '../../src/lib/drift/fields.js';
import { buildRecord, canonicalTexts, ownedFingerprint, renderedHash } from '../../src/lib/drift/record.js';
import { repoRoot } from '../helpers/action-runner.js';
import type { KubeObject } from '../../src/lib/kube/client.js';
import { refKey, sortByRefKey, type ObjectRef } from '../../src/lib/objects/types.js';
import type { Manifest } from '../../src/lib/manifests/validate.js';

const desired = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    template: { spec: { containers: [{ name: 'web', image: 'r/web:1' }] } },
  },
};

const OURS = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } },
  },
};

/** The object on the server: ours plus what the server and controllers add. */
function server(
  changes: { image?: string; replicas?: number; managedFields?: unknown[]; status?: unknown } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'ns',
      resourceVersion: '7',
      labels: { app: 'web', 'pod-template-hash': 'x' },
      managedFields: (changes.managedFields ?? [
        { manager: 'phlo-deploy', operation: 'Apply', fieldsV1: OURS },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:replicas': {} } },
        },
      ]) as never,
    },
    spec: {
      replicas: changes.replicas ?? 2,
      template: {
        spec: {
          containers: [
            {
              name: 'web',
              image: changes.image ?? 'r/web:1',
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
            },
            { name: 'sidecar', image: 'mesh:1' },
          ],
        },
      },
    },
    status: changes.status ?? { replicas: 2 },
  } as unknown as KubeObject;
}

describe('ownedFingerprint', () => {
  const base = ownedFingerprint(desired, server());

  test('covers what phlo-deploy owns only: status, defaults, other containers and labels do not count', () => {
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    expect(ownedFingerprint(desired, server({ status: { replicas: 5, readyReplicas: 1 } }))).toBe(base);
    const other = server();
    (other.metadata as { labels: Record<string, string> }).labels.extra = 'added-by-a-controller';
    (
      other as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
    ).spec.template.spec.containers[1]!.image = 'mesh:2';
    expect(ownedFingerprint(desired, other)).toBe(base);
  });

  test('changes when a value we own changes, or when another manager takes a field', () => {
    expect(ownedFingerprint(desired, server({ image: 'r/web:evil' }))).not.toBe(base);
    expect(ownedFingerprint(desired, server({ replicas: 7 }))).not.toBe(base);
    const takenOver = server({
      managedFields: [
        {
          manager: 'phlo-deploy',
          operation: 'Apply',
          fieldsV1: { ...OURS, 'f:spec': { 'f:template': OURS['f:spec']['f:template'] } },
        },
        { manager: 'kubectl', operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      ],
    });
    expect(ownedFingerprint(desired, takenOver)).not.toBe(base);
  });

  test('changes when the repository renders the object differently', () => {
    const next = structuredClone(desired);
    next.spec.template.spec.containers[0]!.image = 'r/web:2';
    expect(ownedFingerprint(next, server())).not.toBe(base);
  });

  test("an HPA's target leaves spec.replicas out (the autoscaler's), and only then", () => {
    const scaled = ownedFingerprint(desired, server(), true);
    expect(ownedFingerprint(desired, server({ replicas: 9 }), true)).toBe(scaled);
    expect(ownedFingerprint(desired, server({ image: 'r/web:evil' }), true)).not.toBe(scaled);
  });

  test('no fingerprint of a Secret (a hash of its values is never kept)', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { K: 'c2VjcmV0' } };
    expect(ownedFingerprint(secret, { ...secret, metadata: { name: 's' } } as unknown as KubeObject)).toBeUndefined();
  });
});

describe('buildRecord', () => {
  const manifest = (object: Record<string, unknown>): Manifest =>
    ({
      ref: {
        apiVersion: String(object.apiVersion),
        kind: String(object.kind),
        name: (object.metadata as { name: string }).name,
        namespace: 'ns',
      },
      object,
      source: 'test',
      scope: 'namespaced',
    }) as unknown as Manifest;
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { K: 'dg==' } };
  const manifests = [manifest(desired), manifest(secret)];

  test('with the applied state: the server version and a fingerprint per object but Secrets', () => {
    const objects = new Map<string, KubeObject>([
      ['Deployment/ns/web', server()],
      ['Secret/ns/s', { ...secret } as unknown as KubeObject],
    ]);
    const record = buildRecord(manifests, 'prod', new Date(0), { objects, cluster: 'v1.34.4' });
    expect(record.cluster).toBe('v1.34.4');
    expect(record.owned).toEqual({ 'Deployment/ns/web': ownedFingerprint(desired, server()) });
    expect(JSON.stringify(record)).not.toContain('dg==');
  });

  test('without it (a dry run, an older writer): no fingerprints, so drift-check dry-runs everything', () => {
    const record = buildRecord(manifests, 'prod', new Date(0));
    expect(record.owned).toBeUndefined();
    expect(record.cluster).toBeUndefined();
  });
});

describe('project', () => {
  test('keeps the list items the tree names, in the object order, with their key fields', () => {
    const object = {
      spec: {
        ports: [
          { name: 'c', port: 3, protocol: 'TCP' },
          { name: 'a', port: 1, protocol: 'TCP' },
          { name: 'b', port: 2, protocol: 'TCP' },
        ],
      },
    };
    const tree = {
      'f:spec': {
        'f:ports': {
          'k:{"name":"b","port":2}': { '.': {}, 'f:protocol': {} },
          'k:{"name":"c","port":3}': { '.': {}, 'f:protocol': {} },
          'k:{"name":"z","port":9}': { '.': {}, 'f:protocol': {} },
        },
      },
    };
    expect(project(object, tree)).toEqual({
      spec: {
        ports: [
          { name: 'c', port: 3, protocol: 'TCP' },
          { name: 'b', port: 2, protocol: 'TCP' },
        ],
      },
    });
  });

  test("ownedTree merges one manager's entries and drops status and subresource entries", () => {
    const tree = ownedTree(server(), 'phlo-deploy');
    expect(tree).toEqual(OURS);
    expect(ownedTree(server(), 'kube-controller-manager')).toEqual({});
  });
});

/**
 * The sorted copy whose JSON the fingerprints and the rendered set's hash were made of before
 * canonicalJson wrote that text directly (records in clusters carry those hashes: the text must not
 * change by a character).
 */
const PINNED_FINGERPRINT = '7a7c0c61fea9046dd6b290fe5c5e1bbf';
const PINNED_RENDERED_HASH = '27e6ab91504ffe073e046eff495330affabd330cb1fcafcdc73aaa8e95cb492b';

function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedCopy((value as Record<string, unknown>)[k])]),
    );
  return value;
}

describe('sortByRefKey', () => {
  test('sorts as refKey(a).localeCompare(refKey(b)) does, after the rank, on awkward names', () => {
    const names = ['web', 'Web', 'web-2', 'web10', 'web2', 'a.b', 'a-b', 'a_b', 'z', 'Ä', 'ä', '0', '10', '9', 'é'];
    const refs = names.flatMap((name, i) => [
      { apiVersion: 'v1', kind: i % 2 ? 'ConfigMap' : 'Service', namespace: i % 3 ? 'ns' : 'Ns-2', name },
      { apiVersion: 'v1', kind: 'Namespace', name },
    ]);
    const rank = (r: ObjectRef) => (r.kind === 'Namespace' ? 0 : 1);
    const original = [...refs].sort((a, b) => rank(a) - rank(b) || refKey(a).localeCompare(refKey(b)));
    expect(sortByRefKey(refs, (r) => r, rank)).toEqual(original);
    expect(sortByRefKey(refs, (r) => r)).toEqual([...refs].sort((a, b) => refKey(a).localeCompare(refKey(b))));
  });
});

describe('sha256', () => {
  test('is the hex SHA-256 of the text (crypto.hash where Node has it, else a Hash)', () => {
    for (const text of ['', 'abc', '{"a":"é ✓"}', 'x'.repeat(10_000)])
      expect(sha256(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('canonicalJson', () => {
  test('is JSON.stringify of the sorted copy, character for character, on awkward values', () => {
    const holes = new Array<unknown>(4);
    holes[1] = { b: 1, a: 2 };
    const values: unknown[] = [
      // array-index keys come first in a plain object, in numeric order; '01', '-1', '1.5' and 2^32-1 are no indices
      { b: 1, a: 2, '10': 'x', '2': 'y', '01': 'z', '-1': 0, '1.5': 3, '4294967294': 4, '4294967295': 5, '': 6 },
      JSON.parse('{"__proto__": {"z": 1, "a": 2}, "constructor": 1, "toJSON": "not a function"}'),
      { é: 1, Z: 2, a: 3, 'a"\n': 4, '\u2028': '\ud800 lone surrogate' },
      { gone: undefined, fn: () => 1, sym: Symbol('s'), kept: null, zero: -0, nan: NaN, inf: -Infinity, big: 1e21 },
      [undefined, () => 1, Symbol('s'), null, -0, NaN, 0.1 + 0.2, 'x', true, false],
      holes,
      [[], {}, [[{}]], { a: [{ c: 1, b: [2, { y: 1, x: 0 }] }] }],
      { when: new Date(0), bytes: Buffer.from('hi'), map: new Map([[1, 2]]), boxed: Object('str') as object },
      'text',
      42,
      null,
      true,
      undefined,
    ];
    for (const v of values) expect(canonicalJson(v)).toBe(JSON.stringify(sortedCopy(v)));
  });

  test("is JSON.stringify of the sorted copy on every object of the repository's k8s/", () => {
    const files = readdirSync(path.join(repoRoot, 'k8s'), { recursive: true })
      .map(String)
      .filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    let objects = 0;
    for (const f of files)
      for (const doc of yaml.loadAll(readFileSync(path.join(repoRoot, 'k8s', f), 'utf8'), undefined, {
        schema: yaml.CORE_SCHEMA,
      })) {
        expect(canonicalJson(doc)).toBe(JSON.stringify(sortedCopy(doc)));
        objects++;
      }
    expect(objects).toBeGreaterThan(10);
  });

  test('the fingerprint and the rendered hash of a fixed object are the ones records hold', () => {
    // computed by src/lib/drift/record.ts before canonicalJson existed (the sorted copy, then JSON.stringify)
    expect(ownedFingerprint(desired, server())).toBe(PINNED_FINGERPRINT);
    const m = { ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ns' }, object: desired };
    expect(renderedHash([m as unknown as Manifest])).toBe(PINNED_RENDERED_HASH);
  });

  test("with each object's text written once (canonicalTexts), the same fingerprint and rendered hash", () => {
    const m = { ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'ns' }, object: desired };
    const other = {
      ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ns' },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' }, data: { k: 'v' } },
    };
    const set = [m, other] as unknown as Manifest[];
    const texts = canonicalTexts(set);
    expect(texts.get(desired)).toBe(canonicalJson(desired));
    expect(ownedFingerprint(desired, server(), false, texts.get(desired))).toBe(PINNED_FINGERPRINT);
    expect(renderedHash([m as unknown as Manifest], texts)).toBe(PINNED_RENDERED_HASH);
    expect(renderedHash(set, texts)).toBe(renderedHash(set));
    expect(renderedHash(set)).toBe(sha256(canonicalJson([other.object, desired])!));
  });
});
