import { describe, expect, it } from '@jest/globals';
import { deepEqual, planRollback, type LiveWorkload } from '../../src/lib/kube/rollback.js';
import { renderRollbackSummary } from '../../src/lib/gates/summary.js';
import { refKey, type WorkloadRecord } from '../../src/lib/objects/types.js';
import type { KubeObject } from '../../src/lib/kube/client.js';

const template = (image: string, hash?: string): Record<string, unknown> => ({
  metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'app', image }] },
});

function rs(name: string, revision: number, image: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'p',
      annotations: { 'deployment.kubernetes.io/revision': String(revision), ...annotations },
    },
    spec: { template: template(image, name.slice(-3)) },
  };
}

const deploymentRecord = (extra: Partial<WorkloadRecord> = {}): WorkloadRecord => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'p',
  name: 'web',
  created: false,
  changed: true,
  previousRevision: { revision: 2, name: 'web-r02' },
  ...extra,
});

function liveDeployment(image: string, revision: number, history: KubeObject[]): LiveWorkload {
  return {
    object: {
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'p',
        annotations: {
          'deployment.kubernetes.io/revision': String(revision),
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'phlo.dev/note': 'new',
        },
      },
      spec: { template: template(image) },
    },
    history,
  };
}

const history = [
  rs('web-r01', 1, 'web:1'),
  rs('web-r02', 2, 'web:2', { 'kubernetes.io/change-cause': 'v2' }),
  rs('web-r03', 3, 'web:3'),
];

describe('planRollback', () => {
  it('Deployment → the recorded ReplicaSet template without pod-template-hash, with its annotations', () => {
    const live = new Map([[refKey(deploymentRecord()), liveDeployment('web:3', 3, history)]]);
    const [action] = planRollback([deploymentRecord()], live);
    expect(action).toMatchObject({
      type: 'patch',
      fromRevision: 3,
      toRevision: 2,
      toName: 'web-r02',
      patchType: 'json',
    });
    const patch = (action as { patch: Array<{ path: string; value: unknown }> }).patch;
    expect(patch[0]).toEqual({ op: 'replace', path: '/spec/template', value: template('web:2') });
    // The Deployment's own annotations stay, the ReplicaSet's (change-cause) come back, the rest go.
    expect(patch[1]!.value).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'kubernetes.io/change-cause': 'v2',
    });
  });

  it('finds the recorded revision by number when the name differs', () => {
    const record = deploymentRecord({ previousRevision: { revision: 1, name: 'gone' } });
    const [action] = planRollback([record], new Map([[refKey(record), liveDeployment('web:3', 3, history)]]));
    expect(action).toMatchObject({ type: 'patch', toRevision: 1, toName: 'web-r01' });
  });

  it('"previous" and a number pick from the history like kubectl rollout undo', () => {
    const live = new Map([[refKey(deploymentRecord()), liveDeployment('web:3', 3, history)]]);
    const record = deploymentRecord({ previousRevision: undefined });
    expect(planRollback([record], live, { target: 'previous' })[0]).toMatchObject({ type: 'patch', toRevision: 2 });
    expect(planRollback([record], live, { target: 1 })[0]).toMatchObject({ type: 'patch', toRevision: 1 });
    expect(planRollback([record], live, { target: 7 })[0]).toMatchObject({
      type: 'impossible',
      reason: 'revision 7 not found (revisions: 1, 2, 3)',
    });
    expect(planRollback([record], live)[0]).toMatchObject({
      type: 'impossible',
      reason: 'no revision was recorded before apply',
    });
  });

  it('skips a Deployment already at the target template', () => {
    const live = new Map([[refKey(deploymentRecord()), liveDeployment('web:2', 3, history)]]);
    expect(planRollback([deploymentRecord()], live)[0]).toMatchObject({
      type: 'skip',
      reason: 'already at the template of revision 2',
    });
  });

  it('reports a recorded revision that has left the history', () => {
    const live = new Map([[refKey(deploymentRecord()), liveDeployment('web:3', 3, [history[2]!])]]);
    expect(planRollback([deploymentRecord()], live)[0]).toMatchObject({
      type: 'impossible',
      reason: expect.stringContaining('no longer in its history'),
    });
  });

  it('created workloads are left in place (or deleted when asked), unchanged ones and Jobs skipped', () => {
    const created = deploymentRecord({ name: 'new', created: true, previousRevision: undefined });
    const unchanged = deploymentRecord({ name: 'same', changed: false });
    const job: WorkloadRecord = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      namespace: 'p',
      name: 'migrate',
      created: true,
      changed: true,
    };
    const plan = planRollback([created, unchanged, job], new Map());
    expect(plan.map((a) => a.type)).toEqual(['leave-created', 'skip', 'skip']);
    expect(planRollback([created], new Map(), { deleteCreated: true })[0]!.type).toBe('delete-created');
  });

  it('reports a workload that no longer exists', () => {
    expect(
      planRollback([deploymentRecord()], new Map([[refKey(deploymentRecord()), { history: [] }]]))[0],
    ).toMatchObject({ type: 'impossible', reason: 'it no longer exists' });
  });

  it('StatefulSet → the ControllerRevision data as a strategic merge patch', () => {
    const data = (image: string): Record<string, unknown> => ({
      spec: { template: { ...template(image), $patch: 'replace' } },
    });
    const revisions: KubeObject[] = [
      { kind: 'ControllerRevision', metadata: { name: 'db-aaa' }, revision: 1, data: data('db:1') },
      { kind: 'ControllerRevision', metadata: { name: 'db-bbb' }, revision: 2, data: data('db:2') },
    ];
    const record: WorkloadRecord = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      namespace: 'p',
      name: 'db',
      created: false,
      changed: true,
      previousRevision: { revision: 1, name: 'db-aaa' },
    };
    const live: LiveWorkload = {
      object: {
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'p' },
        spec: { selector: { matchLabels: { app: 'db' } }, template: template('db:2') },
        status: { updateRevision: 'db-bbb' },
      },
      history: revisions,
    };
    const [action] = planRollback([record], new Map([[refKey(record), live]]));
    expect(action).toMatchObject({
      type: 'patch',
      patchType: 'strategic',
      fromRevision: 2,
      toRevision: 1,
      patch: data('db:1'),
    });
    // The stuck pods of the bad revision get replaced (forced rollback).
    expect(action).toMatchObject({ replaceStuckPods: { revision: 'db-bbb', selector: 'app=db' } });
    const atTarget: LiveWorkload = { ...live, object: { ...live.object!, spec: { template: template('db:1') } } };
    expect(planRollback([record], new Map([[refKey(record), atTarget]]))[0]!.type).toBe('skip');
  });

  it('deepEqual ignores key order and empty members', () => {
    expect(deepEqual({ a: 1, b: { c: [1, { d: 2 }] }, e: {} }, { b: { c: [1, { d: 2 }] }, a: 1, f: null })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});

describe('renderRollbackSummary', () => {
  it('says what was rolled back and whether it became healthy', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'p', name: 'web' };
    const md = renderRollbackSummary({
      outcomes: [
        {
          ref,
          outcome: 'rolled-back',
          fromRevision: 3,
          toRevision: 2,
          message: 'rolled back from revision 3 to revision 2 (web-r02)',
        },
        {
          ref: { ...ref, name: 'new' },
          outcome: 'left',
          message: 'created by this deploy: no earlier revision; left in place',
        },
      ],
      gate: {
        verdict: 'success',
        durationMs: 1500,
        timeoutMs: 60_000,
        reconnects: 0,
        workloads: [{ ...ref, state: 'ready', message: 'ok', completedMs: 1400 }],
        explanations: [],
      },
      healthy: true,
    });
    expect(md).toContain('### ✅ Rollback: 1 workload rolled back; healthy again');
    expect(md).toContain('| `Deployment/p/web` | ↩️ rolled-back | 3 → 2 |');
    expect(md).toContain('left in place');
    expect(md).toContain('Rollout gate of the rollback: success');
  });
});
