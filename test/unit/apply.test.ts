import { explainFailure } from '../../src/lib/kube/apply.js';
import { KubeApiError } from '../../src/lib/kube/client.js';
import { jsonEqual, maskSecrets, stripServerFields, unifiedDiff } from '../../src/lib/kube/diff.js';
import { selectorToString } from '../../src/lib/kube/selector.js';
import { tierOf, TIERS } from '../../src/lib/manifests/kinds.js';
import { applySummary } from '../../src/lib/kube/apply-report.js';
import { describeError } from '../../src/lib/runtime/errors.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dagster', name: 'web' };

describe('explainFailure', () => {
  test('a 409 apply conflict names the other manager and each field', () => {
    const error = new KubeApiError(
      409,
      {
        kind: 'Status',
        reason: 'Conflict',
        code: 409,
        message: 'Apply failed with 2 conflicts: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "kubectl-edit" using apps/v1',
              field: '.spec.replicas',
            },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "argocd-controller"',
              field: '.metadata.labels.team',
            },
          ],
        },
      },
      'PATCH',
      '/apis/apps/v1/namespaces/dagster/deployments/web',
    );
    expect(explainFailure(ref, error, false)).toBe(
      "Deployment dagster/web: conflict: field .spec.replicas is owned by field manager 'kubectl-edit' (apps/v1); " +
        "field .metadata.labels.team is owned by field manager 'argocd-controller'. Set input 'force-conflicts: true' to take the field(s) over, or stop setting them.",
    );
  });

  test('403 is a permission error quoting the server', () => {
    const error = new KubeApiError(
      403,
      {
        reason: 'Forbidden',
        message:
          'deployments.apps "web" is forbidden: User "system:serviceaccount:x:y" cannot patch resource "deployments"',
      },
      'PATCH',
      '/x',
    );
    expect(explainFailure(ref, error, false)).toMatch(
      /^Deployment dagster\/web: permission denied: deployments.apps "web" is forbidden: User .* \(check the RBAC/,
    );
    expect(describeError(error)).toMatch(/^Kubernetes API 403: deployments.apps "web" is forbidden/);
  });

  test('422 lists the invalid fields; a missing namespace is named', () => {
    const invalid = new KubeApiError(
      422,
      {
        reason: 'Invalid',
        message: 'x',
        details: {
          causes: [{ field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' }],
        },
      },
      'PATCH',
      '/x',
    );
    expect(explainFailure(ref, invalid, false)).toBe(
      'Deployment dagster/web: invalid: spec.replicas Invalid value: -1: must be greater than or equal to 0',
    );
    const missing = new KubeApiError(
      404,
      {
        reason: 'NotFound',
        message: 'namespaces "dagster" not found',
        details: { name: 'dagster', kind: 'namespaces' },
      },
      'PATCH',
      '/x',
    );
    expect(explainFailure(ref, missing, false)).toBe(
      "Deployment dagster/web: namespace 'dagster' does not exist and is not among the applied objects.",
    );
  });

  test('anything that is not an API error is rethrown (a bug keeps its cause)', () => {
    expect(() => explainFailure(ref, new TypeError('boom'), false)).toThrow('boom');
  });
});

describe('diff', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      namespace: 'n',
      uid: 'u1',
      resourceVersion: '5',
      generation: 1,
      creationTimestamp: 't',
      managedFields: [{ manager: 'x' }],
    },
    data: { a: '1' },
    status: { x: 1 },
  };
  test('server fields are stripped and comparisons ignore key order', () => {
    expect(stripServerFields(live)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'n' },
      data: { a: '1' },
    });
    const dry = { ...live, metadata: { ...live.metadata, resourceVersion: '6', managedFields: [] }, data: { a: '1' } };
    expect(jsonEqual(stripServerFields(live), stripServerFields(dry))).toBe(true);
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });

  test('a unified diff shows the change and hides server fields', () => {
    const next = { ...live, data: { a: '2' } };
    const d = unifiedDiff('ConfigMap/n/c', live, next);
    expect(d).toContain('--- live/ConfigMap/n/c');
    expect(d).toContain("-  a: '1'");
    expect(d).toContain("+  a: '2'");
    expect(d).not.toMatch(/resourceVersion|managedFields|uid|creationTimestamp|status/);
    expect(unifiedDiff('ConfigMap/n/c', live, { ...live })).toBe('');
  });

  test('Secret values are masked, changed keys are marked', () => {
    const a = { kind: 'Secret', metadata: { name: 's' }, data: { A: 'c2VjcmV0', B: 'c2FtZQ==' } };
    const b = { kind: 'Secret', metadata: { name: 's' }, data: { A: 'bmV3', B: 'c2FtZQ==' } };
    const [ma, mb] = maskSecrets(a, b);
    expect(ma!.data).toEqual({ A: '***', B: '***' });
    expect(mb!.data).toEqual({ A: '*** (changed)', B: '***' });
    const d = unifiedDiff('Secret/n/s', a, b);
    expect(d).not.toContain('c2VjcmV0');
    expect(d).not.toContain('bmV3');
    expect(d).toContain('*** (changed)');
  });
});

describe('tiers and selectors', () => {
  test('the tier order of the issue', () => {
    const order = [
      'Namespace',
      'CustomResourceDefinition',
      'ServiceAccount',
      'ClusterRoleBinding',
      'ConfigMap',
      'Secret',
      'Service',
      'Deployment',
      'StatefulSet',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'CronJob',
      'Ingress',
    ];
    const idx = order.map((k) => TIERS.indexOf(tierOf(k)));
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(tierOf('Ingress')).toBe('others');
  });

  test('label selectors become query strings', () => {
    expect(
      selectorToString({
        matchLabels: { app: 'x', tier: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'gone', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=x,tier=web,env in (a,b),!gone');
    expect(selectorToString(undefined)).toBe('');
  });
});

describe('summary', () => {
  test('counts, touched objects and diffs', () => {
    const md = applySummary(
      {
        dryRun: true,
        counts: { created: 1, changed: 1, unchanged: 1, pruned: 0 },
        objects: [
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'a', action: 'created' },
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'b', action: 'changed' },
          { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'c', action: 'unchanged' },
        ],
        workloads: [],
      },
      [
        {
          ref: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'n', name: 'b' },
          action: 'changed',
          diff: '--- a\n+++ b\n',
        },
      ],
    );
    expect(md).toContain('### apply (dry run: nothing written)');
    expect(md).toContain('| 1 | 1 | 1 | 0 |');
    expect(md).toContain('| ConfigMap/n/a | created |');
    expect(md).not.toContain('ConfigMap/n/c |');
    expect(md).toContain('```diff\n--- a\n+++ b\n```');
  });
});
