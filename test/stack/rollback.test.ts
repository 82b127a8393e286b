/**
 * Rollback against the local stack: a failed gate rolls every changed workload back to the revision
 * recorded before apply, and the rollback is gated in turn.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { kubeConfig, useNamespace } from '../helpers/stack.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import {
  gateAndRollback,
  renderGateSummary,
  renderRollbackSummary,
  rollbackAndGate,
} from '../../src/lib/gates/index.js';
import { collectionPath, kubeJson, type KubeObject } from '../../src/lib/kube/client.js';
import {
  apply,
  daemonSetManifest,
  deploymentManifest,
  get,
  recordBefore,
  ref,
  statefulSetManifest,
  waitDeploymentReady,
} from './gates.fixtures.js';
import { waitFor } from '../helpers/stack.js';
import { KubeClient } from '../../src/lib/kube/client.js';

const kc = kubeConfig();
/** One client for the file's gate, rollback and probe calls (lib functions take a KubeClient). */
let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kc);
});
afterAll(() => client?.close());

describe('rollback', () => {
  const ns = useNamespace('rollback');

  it('a never-ready Deployment fails the gate, is rolled back to the recorded revision, and the rollback turns healthy', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('web', { image: 'phlo/web:1', replicas: 2 }));
    await waitDeploymentReady(kc, n, 'web');
    const record = await recordBefore(kc, n, 'Deployment', 'web');
    // A second, unrelated workload this deploy creates: reported, left in place.
    await apply(kc, n, deploymentManifest('fresh', { image: 'phlo/fresh:1', replicas: 1 }));
    await apply(kc, n, deploymentManifest('web', { image: 'phlo/web:2', replicas: 2, fault: 'never-ready' }));

    const logger = new MemoryLogger();
    const out = await gateAndRollback(client, [record, ref('Deployment', n, 'fresh')], {
      timeoutMs: 8_000,
      logger,
      clock: systemClock,
      rollback: { enabled: true, target: 'recorded', timeoutMs: 60_000 },
    });
    expect(out.ok).toBe(false);
    expect(out.gate.verdict).toBe('timeout');
    expect(out.gate.workloads.find((w) => w.name === 'web')!.state).toBe('timeout');
    const rollback = out.rollback!;
    expect(rollback.outcomes.map((o) => [o.ref.name, o.outcome])).toEqual([
      ['web', 'rolled-back'],
      ['fresh', 'left'],
    ]);
    expect(rollback.outcomes[0]).toMatchObject({ fromRevision: 2, toRevision: 1 });
    expect(rollback.gate?.verdict).toBe('success');
    expect(rollback.healthy).toBe(true);

    // Independently: the template is v1 again and the Deployment is available.
    const live = await waitDeploymentReady(kc, n, 'web');
    expect(live.spec.template.spec.containers[0].image).toBe('phlo/web:1');
    expect(live.spec.template.metadata.labels['phlo.dev/fault']).toBeUndefined();
    expect(live.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');

    const md = `${renderGateSummary(out.gate)}\n${renderRollbackSummary(rollback)}`;
    expect(md).toContain('Rollback: 1 workload rolled back; healthy again');
    expect(md).toContain('2 → 1');
    expect(md).toContain('left in place');
  });

  it('a StatefulSet stuck on an image pull goes back through its ControllerRevision (stuck pod replaced)', async () => {
    const n = ns.name;
    await apply(kc, n, statefulSetManifest('db', { image: 'phlo/db:1', replicas: 2 }));
    await waitFor('statefulset db ready', async () => {
      const s = await get(kc, n, 'StatefulSet', 'db');
      return s.status?.readyReplicas === 2 && s.status?.updateRevision === s.status?.currentRevision;
    });
    const record = await recordBefore(kc, n, 'StatefulSet', 'db');
    await apply(kc, n, statefulSetManifest('db', { image: 'phlo/db:2', replicas: 2, fault: 'image-pull' }));

    const logger = new MemoryLogger();
    const out = await gateAndRollback(client, [record], {
      timeoutMs: 60_000,
      logger,
      clock: systemClock,
      rollback: { enabled: true, target: 'recorded', timeoutMs: 60_000 },
    });
    expect(out.gate.verdict).toBe('failure');
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(out.gate.workloads[0]!.reason);
    expect(out.rollback!.outcomes[0]).toMatchObject({
      outcome: 'rolled-back',
      toRevision: record.previousRevision!.revision,
    });
    // (the verdict and per-workload state ride along, so a failure shows why)
    expect({ healthy: out.rollback!.healthy, gate: out.rollback!.gate?.workloads }).toMatchObject({ healthy: true });
    const live = await get(kc, n, 'StatefulSet', 'db');
    expect(live.spec.template.spec.containers[0].image).toBe('phlo/db:1');
    expect(live.status.currentRevision).toBe(record.previousRevision!.name);
  });

  it('a DaemonSet stuck on an image pull goes back through its ControllerRevision: every node runs the recorded revision again', async () => {
    const n = ns.name;
    const dsReady = async (): Promise<KubeObject | undefined> => {
      const d = await get(kc, n, 'DaemonSet', 'agent');
      const s = d.status ?? {};
      return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
        s.desiredNumberScheduled > 0 &&
        s.updatedNumberScheduled === s.desiredNumberScheduled &&
        s.numberReady === s.desiredNumberScheduled &&
        (s.numberUnavailable ?? 0) === 0
        ? d
        : undefined;
    };
    await apply(kc, n, daemonSetManifest('agent', { image: 'phlo/agent:1' }));
    const before = await waitFor('daemonset agent ready', dsReady);
    const record = await recordBefore(kc, n, 'DaemonSet', 'agent');
    const revisions = await kubeJson<{ items: KubeObject[] }>(
      kc,
      'GET',
      collectionPath('apps/v1', 'controllerrevisions', n),
    );
    const recorded = revisions.items.find((r) => r.metadata.name === record.previousRevision!.name)!;
    const hash = recorded.metadata.labels!['controller-revision-hash']!;
    expect(hash).toBeTruthy();
    await apply(kc, n, daemonSetManifest('agent', { image: 'phlo/agent:2', fault: 'image-pull' }));

    const logger = new MemoryLogger();
    const out = await gateAndRollback(client, [record], {
      timeoutMs: 60_000,
      logger,
      clock: systemClock,
      rollback: { enabled: true, target: 'recorded', timeoutMs: 60_000 },
    });
    expect(out.gate.verdict).toBe('failure');
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(out.gate.workloads[0]!.reason);
    expect(out.rollback!.outcomes[0]).toMatchObject({
      outcome: 'rolled-back',
      fromRevision: record.previousRevision!.revision + 1,
      toRevision: record.previousRevision!.revision,
    });
    expect({ healthy: out.rollback!.healthy, gate: out.rollback!.gate?.workloads }).toMatchObject({ healthy: true });

    // Independently: the template is v1 again and every node's pod carries the recorded revision's hash.
    const live = await waitFor('daemonset agent ready again', dsReady);
    expect(live.spec.template.spec.containers[0].image).toBe('phlo/agent:1');
    expect(live.spec.template.metadata.labels['phlo.dev/fault']).toBeUndefined();
    const pods = await waitFor('every agent pod on the recorded revision', async () => {
      const list = await kubeJson<{ items: KubeObject[] }>(kc, 'GET', collectionPath('v1', 'pods', n), {
        query: { labelSelector: 'app=agent' },
      });
      const live = list.items.filter((p) => !p.metadata.deletionTimestamp);
      return live.length === before.status.desiredNumberScheduled &&
        live.every((p) => p.metadata.labels?.['controller-revision-hash'] === hash)
        ? live
        : undefined;
    });
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(pods.map(() => 'phlo/agent:1'));
  });

  it('the rollback action path: "previous" and an explicit revision number', async () => {
    const n = ns.name;
    for (const v of [1, 2, 3]) {
      await apply(kc, n, deploymentManifest('api', { image: `phlo/api:${v}`, replicas: 1 }));
      await waitDeploymentReady(kc, n, 'api');
    }
    const logger = new MemoryLogger();
    const target = [{ ...ref('Deployment', n, 'api'), created: false }];
    const previous = await rollbackAndGate(client, target, {
      target: 'previous',
      gateTimeoutMs: 60_000,
      logger,
      clock: systemClock,
    });
    expect(previous.outcomes[0]).toMatchObject({ outcome: 'rolled-back', fromRevision: 3, toRevision: 2 });
    expect(previous.healthy).toBe(true);
    expect((await get(kc, n, 'Deployment', 'api')).spec.template.spec.containers[0].image).toBe('phlo/api:2');

    const one = await rollbackAndGate(client, target, { target: 1, gateTimeoutMs: 60_000, logger, clock: systemClock });
    expect(one.outcomes[0]).toMatchObject({ outcome: 'rolled-back', toRevision: 1 });
    expect((await get(kc, n, 'Deployment', 'api')).spec.template.spec.containers[0].image).toBe('phlo/api:1');

    const missing = await rollbackAndGate(client, target, {
      target: 42,
      gateTimeoutMs: 60_000,
      logger,
      clock: systemClock,
    });
    expect(missing.healthy).toBe(false);
    expect(missing.outcomes[0]).toMatchObject({
      outcome: 'error',
      message: expect.stringContaining('revision 42 not found'),
    });
  });
});
