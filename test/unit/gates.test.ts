import { describe, expect, it } from '@jest/globals';
import {
  daemonSetRule,
  deploymentRule,
  jobRule,
  newRevisionPods,
  podDoom,
  readyConditionRule,
  selectorMatches,
  statefulSetRule,
} from '../../src/lib/gates/rules.js';
import { selectorToString } from '../../src/lib/kube/selector.js';
import { parseWorkloads } from '../../src/lib/gates/targets.js';
import { renderGateSummary, explanationLines } from '../../src/lib/gates/summary.js';
import { cell } from '../../src/lib/report/markdown.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import type { KubeObject } from '../../src/lib/kube/client.js';
import type { GateResult } from '../../src/lib/gates/gate.js';

const meta = (name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject['metadata'] => ({
  name,
  namespace: 'ns',
  uid: `uid-${name}`,
  ...extra,
});

function deployment(
  spec: number | undefined,
  status: Record<string, unknown>,
  generation = 2,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    kind: 'Deployment',
    metadata: meta('web', { generation, annotations: { 'deployment.kubernetes.io/revision': '3' } }),
    spec: { replicas: spec, selector: { matchLabels: { app: 'web' } }, ...extra },
    status: { observedGeneration: generation, ...status },
  };
}

describe('deploymentRule (kubectl rollout status semantics)', () => {
  it('fails at once when the ReplicaSet cannot create pods for a reason waiting will not fix', () => {
    const failure = (message: string) =>
      deploymentRule(
        deployment(1, {
          replicas: 0,
          updatedReplicas: 0,
          conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message }],
        }),
      );
    expect(
      failure(
        'pods "web-5d9" is forbidden: error looking up service account phlo/dagster: serviceaccount "dagster" not found',
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'ReplicaFailure',
      message: expect.stringContaining('serviceaccount "dagster" not found'),
    });
    expect(failure('pods "web-1" is forbidden: exceeded quota: compute, requested: cpu=2')).toMatchObject({
      state: 'failed',
    });
    expect(failure('pods "web-1" is forbidden: violates PodSecurity "restricted:latest"')).toMatchObject({
      state: 'failed',
    });
    // a transient refusal (an API hiccup) is waited out
    expect(failure('Internal error occurred: resource quota evaluation timed out')).toMatchObject({
      state: 'progressing',
    });
  });

  it('waits until the controller has observed the new generation', () => {
    const d = deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    d.status.observedGeneration = 1;
    expect(deploymentRule(d)).toMatchObject({ state: 'progressing', message: expect.stringContaining('spec update') });
  });
  it('waits for updated replicas to reach the desired count', () => {
    expect(deploymentRule(deployment(3, { replicas: 3, updatedReplicas: 1, availableReplicas: 3 }))).toMatchObject({
      state: 'progressing',
      message: '1 of 3 updated replicas',
    });
  });
  it('waits while old replicas are still there', () => {
    expect(deploymentRule(deployment(2, { replicas: 3, updatedReplicas: 2, availableReplicas: 2 }))).toMatchObject({
      state: 'progressing',
      message: '1 old replicas pending termination',
    });
  });
  it('waits for updated replicas to become available', () => {
    expect(deploymentRule(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))).toMatchObject({
      state: 'progressing',
    });
  });
  it('is ready when all counts agree', () => {
    expect(deploymentRule(deployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).state).toBe(
      'ready',
    );
  });
  it('is ready with zero replicas', () => {
    expect(deploymentRule(deployment(0, {})).state).toBe('ready');
  });
  it('fails on ProgressDeadlineExceeded', () => {
    const d = deployment(2, {
      replicas: 2,
      updatedReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-1" has timed out progressing.',
        },
      ],
    });
    expect(deploymentRule(d)).toMatchObject({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringContaining('timed out progressing'),
    });
  });
});

describe('statefulSetRule', () => {
  const sts = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1): KubeObject => ({
    kind: 'StatefulSet',
    metadata: meta('db', { generation }),
    spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, ...spec },
    status: { observedGeneration: generation, ...status },
  });
  it('waits for readiness and for the update revision to become current', () => {
    expect(statefulSetRule(sts({}, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' })).state).toBe(
      'progressing',
    );
    expect(
      statefulSetRule(sts({}, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }))
        .state,
    ).toBe('progressing');
    expect(
      statefulSetRule(sts({}, { readyReplicas: 3, updatedReplicas: 3, currentRevision: 'b', updateRevision: 'b' }))
        .state,
    ).toBe('ready');
  });
  it('honours a partition', () => {
    const spec = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    expect(
      statefulSetRule(sts(spec, { readyReplicas: 3, updatedReplicas: 0, currentRevision: 'a', updateRevision: 'b' }))
        .state,
    ).toBe('progressing');
    expect(
      statefulSetRule(sts(spec, { readyReplicas: 3, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' })),
    ).toMatchObject({
      state: 'ready',
      message: expect.stringContaining('partitioned'),
    });
  });
  it('treats OnDelete as done once all pods are ready', () => {
    const spec = { updateStrategy: { type: 'OnDelete' } };
    expect(statefulSetRule(sts(spec, { readyReplicas: 3, currentRevision: 'a', updateRevision: 'b' })).state).toBe(
      'ready',
    );
  });
  it('waits when observedGeneration is missing or behind', () => {
    expect(statefulSetRule(sts({}, { observedGeneration: undefined, readyReplicas: 3 })).state).toBe('progressing');
    const s = sts({}, { readyReplicas: 3, currentRevision: 'b', updateRevision: 'b' }, 4);
    s.status.observedGeneration = 3;
    expect(statefulSetRule(s).state).toBe('progressing');
  });
});

describe('daemonSetRule', () => {
  const ds = (status: Record<string, unknown>): KubeObject => ({
    kind: 'DaemonSet',
    metadata: meta('agent', { generation: 2 }),
    spec: { selector: { matchLabels: { app: 'agent' } } },
    status: { observedGeneration: 2, desiredNumberScheduled: 3, ...status },
  });
  it('waits for updated scheduled and available counts', () => {
    expect(daemonSetRule(ds({ updatedNumberScheduled: 2, numberAvailable: 3 }))).toMatchObject({
      state: 'progressing',
      message: '2 of 3 updated pods scheduled',
    });
    expect(daemonSetRule(ds({ updatedNumberScheduled: 3, numberAvailable: 2 }))).toMatchObject({
      state: 'progressing',
      message: '2 of 3 updated pods available',
    });
    expect(daemonSetRule(ds({ updatedNumberScheduled: 3, numberAvailable: 3 })).state).toBe('ready');
  });
});

describe('jobRule and readyConditionRule', () => {
  it('reads Complete and Failed conditions', () => {
    const job = (conditions: unknown[]): KubeObject => ({
      kind: 'Job',
      metadata: meta('migrate'),
      status: { conditions, active: 1 },
    });
    expect(jobRule(job([])).state).toBe('progressing');
    expect(jobRule(job([{ type: 'Complete', status: 'True' }])).state).toBe('ready');
    expect(
      jobRule(
        job([
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ]),
      ),
    ).toMatchObject({
      state: 'failed',
      reason: 'BackoffLimitExceeded',
      message: expect.stringContaining('backoff limit'),
    });
  });
  it('custom resources: Ready True at the current generation', () => {
    const cr = (ready: unknown, generation = 2, observed?: number): KubeObject => ({
      kind: 'Widget',
      metadata: meta('w', { generation }),
      status: { conditions: ready ? [ready] : [], observedGeneration: observed },
    });
    expect(readyConditionRule(cr(undefined)).state).toBe('progressing');
    expect(readyConditionRule(cr({ type: 'Ready', status: 'False', reason: 'Reconciling' }))).toMatchObject({
      state: 'progressing',
      message: expect.stringContaining('Reconciling'),
    });
    expect(readyConditionRule(cr({ type: 'Ready', status: 'True' }, 2, 1)).state).toBe('progressing');
    expect(readyConditionRule(cr({ type: 'Ready', status: 'True', observedGeneration: 2 })).state).toBe('ready');
  });
});

describe('podDoom', () => {
  const pod = (status: Record<string, unknown>): KubeObject => ({ kind: 'Pod', metadata: meta('web-abc'), status });
  const waiting = (reason: string, restartCount = 0): KubeObject =>
    pod({
      containerStatuses: [
        {
          name: 'app',
          restartCount,
          state: { waiting: { reason, message: `because ${reason}` } },
          lastState: { terminated: { exitCode: 2, reason: 'Error' } },
        },
      ],
    });

  it.each(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'])('fails on %s', (reason) => {
    expect(podDoom(waiting(reason), 3)).toMatchObject({
      state: 'failed',
      reason,
      pod: 'web-abc',
      message: expect.stringContaining(`because ${reason}`),
    });
  });
  it('fails CrashLoopBackOff only at the restart limit', () => {
    expect(podDoom(waiting('CrashLoopBackOff', 2), 3)).toBeUndefined();
    expect(podDoom(waiting('CrashLoopBackOff', 3), 3)).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringContaining('last exit code 2'),
    });
  });
  it('looks at init containers too', () => {
    const p = pod({ initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'ErrImagePull' } } }] });
    expect(podDoom(p, 3)?.reason).toBe('ErrImagePull');
  });
  it('fails on Unschedulable, not on other scheduling states', () => {
    expect(
      podDoom(
        pod({
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' },
          ],
        }),
        3,
      ),
    ).toMatchObject({
      reason: 'Unschedulable',
    });
    expect(
      podDoom(pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulerError' }] }), 3),
    ).toBeUndefined();
    expect(podDoom(waiting('ContainerCreating'), 3)).toBeUndefined();
  });
});

describe('newRevisionPods', () => {
  const p = (name: string, labels: Record<string, string>): KubeObject => ({
    kind: 'Pod',
    metadata: meta(name, { labels }),
  });
  it('Deployment: only pods with the new ReplicaSet pod-template-hash', () => {
    const d = deployment(2, { replicas: 2 });
    const rsNew: KubeObject = {
      metadata: meta('web-new', {
        labels: { app: 'web', 'pod-template-hash': 'new' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
      }),
    };
    const rsOld: KubeObject = {
      metadata: meta('web-old', {
        labels: { app: 'web', 'pod-template-hash': 'old' },
        annotations: { 'deployment.kubernetes.io/revision': '2' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }],
      }),
    };
    const pods = [
      p('a', { app: 'web', 'pod-template-hash': 'new' }),
      p('b', { app: 'web', 'pod-template-hash': 'old' }),
      p('c', { app: 'other', 'pod-template-hash': 'new' }),
    ];
    expect(newRevisionPods('Deployment', d, pods, { replicaSets: [rsOld, rsNew] }).map((x) => x.metadata.name)).toEqual(
      ['a'],
    );
    const stale = deployment(2, {});
    stale.status.observedGeneration = 1;
    expect(newRevisionPods('Deployment', stale, pods, { replicaSets: [rsOld, rsNew] })).toEqual([]);
  });
  it('StatefulSet: controller-revision-hash = updateRevision', () => {
    const s: KubeObject = {
      metadata: meta('db', { generation: 1 }),
      spec: { selector: { matchLabels: { app: 'db' } } },
      status: { observedGeneration: 1, updateRevision: 'db-2' },
    };
    const pods = [
      p('db-0', { app: 'db', 'controller-revision-hash': 'db-1' }),
      p('db-1', { app: 'db', 'controller-revision-hash': 'db-2' }),
    ];
    expect(newRevisionPods('StatefulSet', s, pods, {}).map((x) => x.metadata.name)).toEqual(['db-1']);
  });
});

describe('selectors', () => {
  const sel = {
    matchLabels: { app: 'x' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
      { key: 'old', operator: 'DoesNotExist' },
    ],
  };
  it('matches labels and expressions', () => {
    expect(selectorMatches(sel, { app: 'x', tier: 'a' })).toBe(true);
    expect(selectorMatches(sel, { app: 'x', tier: 'c' })).toBe(false);
    expect(selectorMatches(sel, { app: 'x', tier: 'a', old: '1' })).toBe(false);
    expect(selectorMatches(undefined, { app: 'x' })).toBe(false);
    expect(selectorToString(sel)).toBe('app=x,tier in (a,b),!old');
  });
});

describe('parseWorkloads', () => {
  it('reads the apply result JSON', () => {
    const result = {
      dryRun: false,
      counts: { created: 0, changed: 1, unchanged: 0, pruned: 0 },
      objects: [],
      workloads: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'p',
          name: 'web',
          created: false,
          changed: true,
          previousRevision: { revision: 2, name: 'web-1' },
        },
      ],
    };
    expect(parseWorkloads('workloads', JSON.stringify(result))).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'p',
        name: 'web',
        created: false,
        changed: true,
        generation: undefined,
        previousRevision: { revision: 2, name: 'web-1' },
      },
    ]);
  });
  it('reads kind/namespace/name lines and aliases', () => {
    expect(parseWorkloads('workloads', 'deploy/p/web, sts/p/db\njob/p/migrate\nds/agent', 'sys')).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'p', name: 'web', created: false, changed: true },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'p', name: 'db', created: false, changed: true },
      { apiVersion: 'batch/v1', kind: 'Job', namespace: 'p', name: 'migrate', created: false, changed: true },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'sys', name: 'agent', created: false, changed: true },
    ]);
  });
  it('reports every bad entry at once, naming the input and the value', () => {
    let error: unknown;
    try {
      parseWorkloads('workloads', 'service/p/web\ndeployment/Bad_NS/x\ndeployment/onlyname');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain("'service/p/web'");
    expect(message).toContain("namespace 'Bad_NS'");
    expect(message).toContain("'deployment/onlyname'");
    expect(message).toContain('3 problems');
  });
  it('rejects broken JSON and custom resources without apiVersion', () => {
    expect(() => parseWorkloads('workloads', '{"workloads": [')).toThrow(/Input 'workloads' is .*valid JSON/);
    expect(() => parseWorkloads('workloads', '[{"kind":"Widget","namespace":"p","name":"w"}]')).toThrow(
      /no apiVersion/,
    );
    expect(() => parseWorkloads('workloads', '  ')).toThrow(/required/);
  });
});

describe('summary', () => {
  const result: GateResult = {
    verdict: 'failure',
    durationMs: 4200,
    timeoutMs: 300_000,
    reconnects: 1,
    workloads: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'p',
        name: 'web',
        state: 'failed',
        reason: 'ImagePullBackOff',
        message: 'pod web-1 container app: ImagePullBackOff | x',
        completedMs: 4100,
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'p',
        name: 'api',
        state: 'ready',
        message: '1 of 1 replicas',
        completedMs: 2000,
      },
    ],
    explanations: [
      {
        ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'p', name: 'web' },
        state: 'failed',
        reason: 'ImagePullBackOff',
        message: 'pod web-1 container app: ImagePullBackOff',
        pods: [
          {
            name: 'web-1',
            phase: 'Pending',
            conditions: ['Ready=False (ContainersNotReady)'],
            containers: [
              {
                name: 'app',
                ready: false,
                restartCount: 0,
                state: 'waiting: ImagePullBackOff — Back-off pulling image "nope"',
                logError: 'no log available (HTTP 400)',
              },
            ],
          },
        ],
        events: [
          {
            time: '2026-01-01T00:00:00Z',
            type: 'Warning',
            reason: 'Failed',
            object: 'Pod/web-1',
            message: 'Failed to pull image "nope"',
            count: 3,
          },
        ],
      },
    ],
  };
  it('renders verdict, table, pods, events and escapes cells', () => {
    const md = renderGateSummary(result);
    expect(md).toContain('### ❌ Rollout gate: failure in 4.20s');
    expect(md).toContain(
      '| `Deployment/p/web` | ❌ failed (ImagePullBackOff) | pod web-1 container app: ImagePullBackOff \\| x | 4.10s |',
    );
    expect(md).toContain('#### Why `Deployment/p/web` failed');
    expect(md).toContain('Failed to pull image "nope" (×3)');
    expect(md).toContain('Log of web-1/app: no log available (HTTP 400)');
    expect(md).toContain('resumed');
    expect(cell('a|b\n<c>')).toBe('a\\|b &lt;c&gt;');
  });
  it('renders the explanation as log lines', () => {
    const lines = explanationLines(result.explanations[0]!);
    expect(lines[0]).toBe('Deployment/p/web failed (ImagePullBackOff): pod web-1 container app: ImagePullBackOff');
    expect(lines.some((l) => l.includes('Warning Failed Pod/web-1: Failed to pull image "nope" (x3)'))).toBe(true);
    expect(lines).toContain('      no log available (HTTP 400)');
  });
});
