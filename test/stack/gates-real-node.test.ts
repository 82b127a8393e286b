/**
 * The rollout gate and the rollback on the real node (stack/components/node.sh): the failures are real
 * processes and real probes, not KWOK stages (gates.test.ts and rollback.test.ts keep those, fast and
 * at scale). A process that exits non-zero at start (crash loop, with the real log tail in the
 * explanation), a readiness probe that never passes, an image that is not in the registry, a container
 * killed for exceeding its memory limit, and a rollback whose pods really serve again.
 * Skipped, with the reason printed, where the machine cannot run the real node.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, kubeJson, kubeRequest, type KubeObject } from '../../src/lib/kube/client.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { gateAndRollback, renderGateSummary, renderRollbackSummary } from '../../src/lib/gates/index.js';
import { kubeConfig, loadStackEnv, useNamespace, waitFor } from '../helpers/stack.js';
import { buildServingImage, onRealNode, realNodeSuite } from '../helpers/real-node.js';
import { apply, gateWith, recordBefore, ref, waitDeploymentReady } from './gates.fixtures.js';

const env = loadStackEnv(['KUBECONFIG', 'PHLO_REGISTRY', 'DOCKER_HOST', 'PHLO_BASE_IMAGE']);
const realNode = realNodeSuite(env);
const kc = kubeConfig();

let client: KubeClient;
let work = '';
let serving: { image: string; body: string; marker: string };
beforeAll(async () => {
  if (realNode.unavailable) return;
  client = await KubeClient.create(kc);
  work = mkdtempSync(join(tmpdir(), 'phlo-gates-real-'));
  serving = await buildServingImage(env, work);
}, 180_000);
afterAll(() => {
  client?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A Deployment on the real node: one container `app` from `container` (image, command, probes…). */
function realDeployment(name: string, container: Record<string, unknown>, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: onRealNode({
          containers: [{ name: 'app', resources: { limits: { cpu: '100m', memory: '32Mi' } }, ...container }],
        }),
      },
    },
  };
}

/** The serving container: httpd on 8080, ready when it answers /index.html. */
function web(): Record<string, unknown> {
  return {
    image: serving.image,
    ports: [{ containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: 1 },
  };
}

const gate = (targets: Parameters<typeof gateWith>[1], timeoutMs: number, restartLimit?: number) =>
  gateWith(client, targets, timeoutMs, restartLimit);

realNode.describe('rollout gate on the real node', () => {
  const ns = useNamespace('gates-real');

  it('passes a Deployment whose process serves and whose readiness probe passes', async () => {
    const n = ns.name;
    await apply(kc, n, realDeployment('web', web(), 2));
    const result = await gate([ref('Deployment', n, 'web')], 120_000);
    expect(result.verdict).toBe('success');
    expect(result.workloads[0]).toMatchObject({ state: 'ready' });
  });

  it('fails a crash loop past the restart limit, with the crashed process’s own log lines', async () => {
    const n = ns.name;
    const line = `config ${serving.marker} is missing`;
    await apply(
      kc,
      n,
      realDeployment('crash', {
        image: serving.image,
        command: ['/bin/busybox', 'sh', '-c', `echo "starting ${serving.marker}"; echo "fatal: ${line}" >&2; exit 3`],
        // Without a probe a container counts as ready the moment it runs: on a loaded machine the gate
        // saw one available replica in the instant before the process exited, and said success. A
        // readiness delay longer than the process lives keeps it unready, as a real service's is.
        readinessProbe: { exec: { command: ['/bin/busybox', 'true'] }, initialDelaySeconds: 60 },
      }),
    );
    const result = await gate([ref('Deployment', n, 'crash')], 180_000, 2);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringMatching(/after [2-9] restarts \(last exit code 3, Error\)/),
    });
    const container = result.explanations[0]!.pods[0]!.containers[0]!;
    expect(container.state).toContain('CrashLoopBackOff');
    expect(container.lastState).toBe('terminated: Error (exit code 3)');
    expect(container.logError).toBeUndefined();
    // stdout and stderr reach the log through two pipes: their order is the runtime's, not the script's.
    expect([...(container.logTail ?? [])].sort()).toEqual([`fatal: ${line}`, `starting ${serving.marker}`]);
    const md = renderGateSummary(result);
    expect(md).toContain(`fatal: ${line}`);
  });

  it('times out on a readiness probe that never passes, with the probe’s own failure in the events', async () => {
    const n = ns.name;
    await apply(
      kc,
      n,
      realDeployment('unready', {
        ...web(),
        readinessProbe: { httpGet: { path: '/ready-never', port: 8080 }, periodSeconds: 1 },
      }),
    );
    const result = await gate([ref('Deployment', n, 'unready')], 15_000);
    expect(result.verdict).toBe('timeout');
    expect(result.workloads[0]).toMatchObject({
      state: 'timeout',
      message: expect.stringContaining('0 of 1 updated replicas available'),
    });
    const unhealthy = result.explanations[0]!.events.filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy.map((e) => e.message).join('\n')).toMatch(
      /Readiness probe failed: HTTP probe failed with statuscode: 404/,
    );
    // The process itself runs: it is the probe that fails.
    expect(result.explanations[0]!.pods[0]!.containers[0]!.state).toMatch(/^running/);
  });

  it('fails fast on an image the registry does not have (a real ErrImagePull)', async () => {
    const n = ns.name;
    const missing = `${env.PHLO_REGISTRY}/phlo/real-node-missing:${serving.marker}`;
    await apply(kc, n, realDeployment('pull', { image: missing }));
    const timeoutMs = 120_000;
    const result = await gate([ref('Deployment', n, 'pull')], timeoutMs);
    expect(result.verdict).toBe('failure');
    const w = result.workloads[0]!;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(w.reason);
    expect(result.durationMs).toBeLessThan(timeoutMs / 2);
    const md = renderGateSummary(result);
    expect(md).toContain(missing);
    expect(md).toMatch(/not found/); // containerd's answer from the registry
  });

  it('fails a container killed for exceeding its memory limit (OOMKilled)', async () => {
    const n = ns.name;
    // dd allocates its 64 MiB block at once: far over the 16 MiB limit. The readiness probe's delay
    // keeps the pod from counting as ready in the moment between its start and the kill (on a loaded
    // machine the gate could otherwise see one available replica first and call it a success).
    await apply(
      kc,
      n,
      realDeployment('oom', {
        image: serving.image,
        command: ['/bin/busybox', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'],
        resources: { limits: { cpu: '100m', memory: '16Mi' } },
        readinessProbe: { exec: { command: ['/bin/busybox', 'true'] }, initialDelaySeconds: 20, periodSeconds: 5 },
      }),
    );
    const result = await gate([ref('Deployment', n, 'oom')], 180_000, 1);
    expect(result.verdict).toBe('failure');
    expect(result.workloads[0]).toMatchObject({
      reason: 'CrashLoopBackOff',
      message: expect.stringContaining('(last exit code 137, OOMKilled)'),
    });
    expect(result.explanations[0]!.pods[0]!.containers[0]!.lastState).toBe('terminated: OOMKilled (exit code 137)');
    expect(renderGateSummary(result)).toContain('OOMKilled');
  });
});

realNode.describe('rollback on the real node', () => {
  const ns = useNamespace('rollback-real');

  it('a crash-looping new revision is rolled back, and the pods of the recorded one really serve', async () => {
    const n = ns.name;
    await apply(kc, n, realDeployment('web', web(), 2));
    await kubeJson(kc, 'POST', `/api/v1/namespaces/${n}/services`, {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await waitDeploymentReady(kc, n, 'web', 120_000);
    const record = await recordBefore(kc, n, 'Deployment', 'web');
    await apply(
      kc,
      n,
      realDeployment('web', { ...web(), command: ['/bin/busybox', 'sh', '-c', 'echo "bad release" >&2; exit 1'] }, 2),
    );

    const out = await gateAndRollback(client, [record], {
      timeoutMs: 180_000,
      restartLimit: 1,
      logger: new MemoryLogger(),
      clock: systemClock,
      rollback: { enabled: true, target: 'recorded', timeoutMs: 120_000 },
    });
    expect(out.ok).toBe(false);
    expect(out.gate.workloads[0]).toMatchObject({ reason: 'CrashLoopBackOff' });
    expect(out.rollback?.healthy).toBe(true);
    expect(renderRollbackSummary(out.rollback!)).toContain('healthy again');

    // The rolled-back pods answer through the API server's service proxy, from the real process.
    await waitDeploymentReady(kc, n, 'web', 120_000);
    const served = await waitFor('the service proxy to answer', async () => {
      const r = await kubeRequest(kc, 'GET', `/api/v1/namespaces/${n}/services/web:80/proxy/index.html`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(served).toBe(serving.body);
  });
});
