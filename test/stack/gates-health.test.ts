/**
 * health-gate through the cluster: `service: ns/name:port` probed through the API server's service
 * proxy. The backend is a real HTTP server in a network namespace of our own (test/helpers/
 * endpoint-host.ts) behind a selector-less Service + Endpoints, since the API server refuses to
 * proxy to loopback and KWOK pods run nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error @vercel/ncc ships no type declarations
import ncc from '@vercel/ncc';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';
import { loadStackEnv } from '../helpers/stack.js';
import { kubeConfig, useNamespace } from '../helpers/stack.js';
import { startEndpointHost, type EndpointHost } from '../helpers/endpoint-host.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { KubeClient, kubeJson, collectionPath } from '../../src/lib/kube/client.js';
import { runHealthGate, type HealthPolicy } from '../../src/lib/health/probe.js';
import { parseServiceRef, serviceProxyTarget } from '../../src/lib/health/service-proxy.js';
import { gateAndRollback, renderRollbackSummary } from '../../src/lib/gates/index.js';
import { apply, deploymentManifest, get, recordBefore, waitDeploymentReady } from './gates.fixtures.js';

const kc = kubeConfig();
/** One client for the file's gate, rollback and probe calls (lib functions take a KubeClient). */
let client: KubeClient;
beforeAll(async () => {
  client = await KubeClient.create(kc);
});
afterAll(() => client?.close());

const policy = (over: Partial<HealthPolicy> = {}): HealthPolicy => ({
  expectedStatus: [200],
  consecutiveSuccesses: 3,
  intervalMs: 50,
  attemptTimeoutMs: 5_000,
  deadlineMs: 30_000,
  ...over,
});

describe('health gate through the API server service proxy', () => {
  const ns = useNamespace('gates-health');
  let host: EndpointHost;

  beforeAll(async () => {
    host = await startEndpointHost(8080);
  });
  afterAll(async () => {
    await host?.close();
  });

  it('probes a Service by namespace/name:port with the kubeconfig auth, checking the JSON body', async () => {
    await host.expose(kc, ns.name, 'app');
    await host.setMode('ok');
    const target = serviceProxyTarget(client, parseServiceRef('service', `${ns.name}/app:80`), '/health?verbose=1');
    const result = await runHealthGate([target], policy({ expectJson: { status: 'ok', path: '/health' } }), {
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    expect(result.targets[0]).toMatchObject({
      healthy: true,
      attempts: 3,
      successes: 3,
      label: `service ${ns.name}/app:80/health?verbose=1`,
    });
    expect((await host.stats()).probes).toBe(3);
  });

  it('a flapping endpoint needs N consecutive successes', async () => {
    // s = 200, f = 500: runs of two successes broken by failures, then steady.
    await host.setMode('seq:ssfssfsfssfs');
    const target = serviceProxyTarget(client, parseServiceRef('service', `${ns.name}/app:80`), '/ready');
    const result = await runHealthGate([target], policy({ consecutiveSuccesses: 3 }), {
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    // The first run of 3 successes ends at probe 14 (12 scripted, the last a success, + 2 steady ones).
    expect(result.targets[0]).toMatchObject({ healthy: true, attempts: 14, streak: 3 });
    expect((await host.stats()).probes).toBe(14);

    await host.setMode('seq:ssfssfssf'.repeat(100));
    const short = await runHealthGate([target], policy({ consecutiveSuccesses: 3, deadlineMs: 2_000 }), {
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    expect(short.healthy).toBe(false);
    expect(short.targets[0]!.reason).toContain('2/3 consecutive successes before the deadline');
  });

  it('a Service without endpoints is unhealthy (the proxy answers 503)', async () => {
    await kubeJson(kc, 'POST', collectionPath('v1', 'services', ns.name), {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'empty' },
        spec: { selector: { app: 'no-such-pods' }, ports: [{ port: 80, protocol: 'TCP' }] },
      },
    });
    const target = serviceProxyTarget(client, parseServiceRef('service', `${ns.name}/empty:80`), '/health');
    // (The endpoints controller gives a selector Service an empty Endpoints object at once; the
    // proxy then answers 503 "no endpoints available".)
    const result = await runHealthGate([target], policy({ deadlineMs: 3_000 }), {
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    expect(result.healthy).toBe(false);
    expect(result.targets[0]).toMatchObject({ lastStatus: 503, successes: 0 });
  });

  it('a health failure after a good rollout triggers the rollback', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('web', { image: 'phlo/web:1', replicas: 2 }));
    await waitDeploymentReady(kc, n, 'web');
    const record = await recordBefore(kc, n, 'Deployment', 'web');
    await apply(kc, n, deploymentManifest('web', { image: 'phlo/web:2', replicas: 2 }));
    await host.setMode('fail');
    const logger = new MemoryLogger();
    const target = serviceProxyTarget(client, parseServiceRef('service', `${n}/app:80`), '/health');
    const out = await gateAndRollback(client, [record], {
      timeoutMs: 60_000,
      logger,
      clock: systemClock,
      health: async () => {
        const r = await runHealthGate([target], policy({ deadlineMs: 2_000 }), { logger, clock: systemClock });
        return { healthy: r.healthy, reason: `${r.targets[0]?.reason} (last status ${r.targets[0]?.lastStatus})` };
      },
      rollback: { enabled: true, target: 'recorded', timeoutMs: 60_000 },
    });
    expect(out.gate.verdict).toBe('success');
    expect(out.health).toMatchObject({ healthy: false, reason: expect.stringContaining('(last status 500)') });
    expect(out.ok).toBe(false);
    expect(out.rollback!.outcomes[0]).toMatchObject({ outcome: 'rolled-back', fromRevision: 2, toRevision: 1 });
    expect(out.rollback!.healthy).toBe(true);
    expect((await get(kc, n, 'Deployment', 'web')).spec.template.spec.containers[0].image).toBe('phlo/web:1');
    expect(renderRollbackSummary(out.rollback!)).toContain('healthy again');
  });

  it('the health-gate action probes `service: ns/name:port` targets (kubeconfig content masked)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phlo-health-bundle-'));
    try {
      const { code } = await (ncc as (entry: string, opts: object) => Promise<{ code: string }>)(
        join(repoRoot, 'src', 'actions', 'health-gate', 'main.ts'),
        {
          quiet: true,
          sourceMap: false,
          target: 'es2022',
        },
      );
      writeFileSync(join(dir, 'index.js'), code);
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
      await host.setMode('ok');
      const kubeconfigText = readFileSync(loadStackEnv(['KUBECONFIG']).KUBECONFIG!, 'utf8');
      const clientKey = /client-key-data: (\S+)/.exec(kubeconfigText)![1]!;
      const r = await runStep(join(dir, 'index.js'), {
        inputs: {
          service: `${ns.name}/app:80`,
          paths: '/health, /ready',
          'consecutive-successes': '2',
          interval: '100ms',
          timeout: '30s',
          'kubeconfig-content': kubeconfigText,
          'expect-json': 'status=ok',
        },
        env: { KUBECONFIG: undefined },
      });
      expect(errorLines(r)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.outputs.healthy).toBe('true');
      expect(
        JSON.parse(r.outputs.results!).map((t: { label: string; healthy: boolean }) => [t.label, t.healthy]),
      ).toEqual([
        [`service ${ns.name}/app:80/health`, true],
        [`service ${ns.name}/app:80/ready`, true],
      ]);
      expect(r.everything).not.toContain(clientKey);

      const bad = await runStep(join(dir, 'index.js'), {
        inputs: { service: 'not a service\nns/x:99999' },
        env: { KUBECONFIG: '/nonexistent' },
      });
      expect(bad.code).toBe(1);
      const errors = errorLines(bad).join('\n');
      expect(errors).toContain("Input 'service' is 'not a service'");
      expect(errors).toContain("Input 'service' is 'ns/x:99999'");
      expect(bad.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
