/**
 * The rollout gate against the local stack (real kube-apiserver + controllers, KWOK nodes with the
 * failure knobs of stack/kube/kwok/stages.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { kubeConfig, sleep, useNamespace, waitFor } from '../helpers/stack.js';
import { KubeClient, collectionPath, kubeJson, kubeRequest, type KubeObject } from '../../src/lib/kube/client.js';
import { renderGateSummary } from '../../src/lib/gates/index.js';
import {
  apply,
  daemonSetManifest,
  deploymentManifest,
  gateWith,
  jobManifest,
  ref,
  statefulSetManifest,
} from './gates.fixtures.js';

const kc = kubeConfig();
/** One client for the file's gate, rollback and probe calls (lib functions take a KubeClient). */
let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kc);
});
afterAll(() => client?.close());

const gate = (targets: Parameters<typeof gateWith>[1], timeoutMs: number, restartLimit?: number) =>
  gateWith(client, targets, timeoutMs, restartLimit);

describe('rollout gate', () => {
  const ns = useNamespace('gates');

  it('passes a healthy rollout of a Deployment, StatefulSet, DaemonSet and Job gated together', async () => {
    const n = ns.name;
    await Promise.all([
      apply(kc, n, deploymentManifest('web', { replicas: 3 })),
      apply(kc, n, statefulSetManifest('db', { replicas: 2 })),
      apply(kc, n, daemonSetManifest('agent')),
      apply(kc, n, jobManifest('migrate')),
    ]);
    const result = await gate(
      [
        ref('Deployment', n, 'web'),
        ref('StatefulSet', n, 'db'),
        ref('DaemonSet', n, 'agent'),
        ref('Job', n, 'migrate'),
      ],
      90_000,
    );
    expect(result.workloads.map((w) => [w.kind, w.state])).toEqual([
      ['Deployment', 'ready'],
      ['StatefulSet', 'ready'],
      ['DaemonSet', 'ready'],
      ['Job', 'ready'],
    ]);
    expect(result.verdict).toBe('success');
    expect(result.explanations).toEqual([]);
    expect(renderGateSummary(result)).toContain('Rollout gate: success');
  });

  it('fails fast on an image that cannot be pulled, with the reason in the summary', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('pull', { fault: 'image-pull', image: 'phlo/does-not-exist:1' }));
    const timeoutMs = 120_000;
    const result = await gate([ref('Deployment', n, 'pull')], timeoutMs);
    expect(result.verdict).toBe('failure');
    const w = result.workloads[0]!;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(w.reason);
    // Decided from the pods, long before the deadline.
    expect(result.durationMs).toBeLessThan(timeoutMs / 4);
    const md = renderGateSummary(result);
    expect(md).toContain(w.reason!);
    expect(md).toContain('phlo/does-not-exist:1');
    expect(md).toMatch(/Failed to pull image|Back-off pulling image/); // an event of the pod
    expect(result.log).toContain(`Deployment/${n}/pull: failed (${w.reason})`);
  });

  it('fails fast on a crash loop past the restart limit, explaining the container state', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('crash', { fault: 'crash-loop', replicas: 1 }));
    const timeoutMs = 120_000;
    const result = await gate([ref('Deployment', n, 'crash')], timeoutMs, 2);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringContaining('after 2 restarts'),
    });
    expect(result.durationMs).toBeLessThan(timeoutMs / 4);
    const e = result.explanations[0]!;
    expect(e.pods[0]!.containers[0]!.state).toContain('CrashLoopBackOff');
    expect(e.pods[0]!.containers[0]!.lastState).toContain('exit code 1');
    // The gate asks the API server for the crashed container's log and shows what it got. This
    // stack's KWOK cannot serve logs (its nodes advertise no kubelet endpoint: the API server dials
    // :10250 and is refused; kwok runs without Logs/ClusterLogs), so what must show is why: the
    // API server's answer, in the explanation and in the summary, never a thrown error.
    const container = e.pods[0]!.containers[0]!;
    expect(container.logTail).toBeUndefined();
    expect(container.logError).toMatch(/^no log available \(HTTP \d{3}: .*containerLogs.*\)$/);
    const md = renderGateSummary(result);
    expect(md).toContain('CrashLoopBackOff');
    expect(md).toContain(`Log of ${e.pods[0]!.name}/app: no log available (HTTP`);
  });

  it('fails when the progress deadline is exceeded', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('slow', { fault: 'never-ready', replicas: 1, progressDeadlineSeconds: 3 }));
    const timeoutMs = 120_000;
    const result = await gate([ref('Deployment', n, 'slow')], timeoutMs);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({ reason: 'ProgressDeadlineExceeded' });
    expect(result.durationMs).toBeLessThan(timeoutMs / 2);
    expect(renderGateSummary(result)).toContain('ProgressDeadlineExceeded');
  });

  it('fails fast, not at the deadline, when pods cannot be created (a ServiceAccount that does not exist)', async () => {
    const n = ns.name;
    const manifest = deploymentManifest('no-sa', { replicas: 1 });
    (manifest.spec.template.spec as Record<string, unknown>).serviceAccountName = 'dagster-missing';
    await apply(kc, n, manifest);
    const timeoutMs = 120_000;
    const result = await gate([ref('Deployment', n, 'no-sa')], timeoutMs);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({ reason: 'ReplicaFailure' });
    expect(result.workloads[0]!.message).toContain('serviceaccount "dagster-missing" not found');
    expect(result.durationMs).toBeLessThan(timeoutMs / 4);
    expect(renderGateSummary(result)).toContain('dagster-missing');
  });

  it('times out a never-ready Deployment at the deadline and says what it waited for', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('stuck', { fault: 'never-ready', replicas: 1 }));
    const result = await gate([ref('Deployment', n, 'stuck')], 6_000);
    expect(result.verdict).toBe('timeout');
    expect(result.workloads[0]).toMatchObject({
      state: 'timeout',
      message: expect.stringContaining('0 of 1 updated replicas available'),
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(6_000);
    expect(result.explanations[0]!.events.some((e) => e.reason === 'Unhealthy')).toBe(true);
  });

  it('fails when a Job fails', async () => {
    const n = ns.name;
    await apply(kc, n, jobManifest('bad-migrate', { fault: 'job-fail', backoffLimit: 0 }));
    const result = await gate([ref('Job', n, 'bad-migrate')], 90_000);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({ state: 'failed', reason: 'BackoffLimitExceeded' });
    expect(result.explanations[0]!.pods[0]!.containers[0]!.state).toContain('exit code 1');
  });

  it('fails at once on a workload that does not exist', async () => {
    const result = await gate([ref('Deployment', ns.name, 'nope')], 60_000);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({ reason: 'NotFound' });
  });
});

describe('rollout gate with 20 Deployments at once', () => {
  const ns = useNamespace('gates-20');

  /** Completion from plain status fields (not the gate's rules): every replica updated and available. */
  const complete = (d: KubeObject): boolean => {
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    return (
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
      s.updatedReplicas === want &&
      s.availableReplicas === want &&
      (s.replicas ?? 0) === want
    );
  };

  it('watches every workload at once: each is seen done when the server has it done, not after the ones before it', async () => {
    const n = ns.name;
    const names = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
    // Every pod starts never-ready, so nothing is done when the gate starts.
    await Promise.all(
      names.map((name) => apply(kc, n, deploymentManifest(name, { replicas: 2, fault: 'never-ready' }))),
    );

    // An observer of its own (a list every 100 ms, independent of the gate's watches) records when
    // each Deployment's status first reads complete.
    const observed = new Map<string, number>();
    let observing = true;
    const observer = (async () => {
      while (observing) {
        const list = await kubeJson<{ items: KubeObject[] }>(kc, 'GET', collectionPath('apps/v1', 'deployments', n));
        const now = Date.now();
        for (const d of list.items)
          if (!observed.has(d.metadata.name) && complete(d)) observed.set(d.metadata.name, now);
        await sleep(100);
      }
    })();

    const started = Date.now();
    const pending = gate(
      names.map((name) => ref('Deployment', n, name)),
      120_000,
    );
    // The rollouts finish in the reverse of the gate's order: the fault is taken off svc-19 first and
    // svc-0 last, 400 ms apart. A gate that waited on one workload at a time (svc-0 first) would see
    // every other one done only once svc-0 is, seconds after the server had them done.
    await sleep(1_000);
    for (const name of [...names].reverse()) {
      await apply(kc, n, deploymentManifest(name, { replicas: 2 }));
      await sleep(400);
    }
    const result = await pending;
    await waitFor('the observer to see every Deployment complete', async () => observed.size === names.length, {
      timeoutMs: 30_000,
    });
    observing = false;
    await observer;

    expect(result.verdict).toBe('success');
    expect(result.workloads.every((w) => typeof w.completedMs === 'number')).toBe(true);
    const seenByGate = new Map(result.workloads.map((w) => [w.name, started + w.completedMs!]));
    const lastObserved = Math.max(...observed.values());
    // The workloads the observer saw done at least 2 s before the last one: the gate must have seen
    // each within 1 s of the observer (a one-at-a-time gate sees them only with the last, ≥ 2 s late).
    const early = names.filter((name) => observed.get(name)! <= lastObserved - 2_000);
    expect(early.length).toBeGreaterThanOrEqual(5); // the staggering worked, so the check below means something
    const late = early
      .filter((name) => seenByGate.get(name)! > observed.get(name)! + 1_000)
      .map(
        (name) => `${name}: gate ${seenByGate.get(name)! - started} ms, observer ${observed.get(name)! - started} ms`,
      );
    expect(late).toEqual([]);
    // And the gate ends with the last one, not a wait per workload later.
    const slowest = Math.max(...result.workloads.map((w) => w.completedMs!));
    expect(result.durationMs).toBeLessThanOrEqual(1.2 * slowest);
  });
});

describe('rollout gate on a custom resource with a Ready condition', () => {
  const ns = useNamespace('gates-cr');
  const group = `t${randomBytes(4).toString('hex')}.phlo.dev`;
  const crd = `widgets.${group}`;

  beforeAll(async () => {
    await kubeJson(kc, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: crd },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              subresources: { status: {} },
              schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          ],
        },
      },
    });
    await waitFor(
      'the Widget CRD to be served',
      async () => (await kubeRequest(kc, 'GET', `/apis/${group}/v1`)).status === 200,
      { timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    await kubeRequest(kc, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`);
  });

  it('waits for Ready=True, and fails a kind the API server does not serve', async () => {
    const n = ns.name;
    const path = `/apis/${group}/v1/namespaces/${n}/widgets`;
    await kubeJson(kc, 'POST', path, {
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } },
    });
    await kubeJson(kc, 'PATCH', `${path}/w/status`, {
      body: {
        status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'Provisioning' }] },
      },
      contentType: 'application/merge-patch+json',
    });
    const pending = gate([{ apiVersion: `${group}/v1`, kind: 'Widget', namespace: n, name: 'w' }], 60_000);
    await sleep(1_500);
    await kubeJson(kc, 'PATCH', `${path}/w/status`, {
      body: {
        status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'Provisioned' }] },
      },
      contentType: 'application/merge-patch+json',
    });
    const result = await pending;
    expect(result.verdict).toBe('success');
    expect(result.workloads[0]!.completedMs).toBeGreaterThanOrEqual(1_500);
    expect(result.log).toContain('Ready False (Provisioning)');

    const unknown = await gate([{ apiVersion: `${group}/v1`, kind: 'Gadget', namespace: n, name: 'g' }], 60_000);
    expect(unknown.verdict).toBe('failure');
    expect(unknown.workloads[0]).toMatchObject({ reason: 'UnknownKind' });
  });
});
