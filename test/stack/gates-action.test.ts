/**
 * The rollout-gate and rollback actions run as a runner runs them (INPUT_*, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY), against the local stack. The bundles are built from the sources with ncc
 * into a temporary folder (dist/ is the lead's to build and commit).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error @vercel/ncc ships no type declarations
import ncc from '@vercel/ncc';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';
import { kubeConfig, loadStackEnv, sleep, useNamespace } from '../helpers/stack.js';
import { apply, deploymentManifest, get, waitDeploymentReady } from './gates.fixtures.js';

const kc = kubeConfig();
let dir: string;

async function bundle(name: string): Promise<string> {
  const { code } = await (ncc as unknown as (entry: string, opts: object) => Promise<{ code: string }>)(
    join(repoRoot, 'src', 'actions', name, 'main.ts'),
    {
      quiet: true,
      sourceMap: false,
      minify: false,
      target: 'es2022',
    },
  );
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.js'), code);
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  return join(out, 'index.js');
}

describe('rollout-gate and rollback actions', () => {
  const ns = useNamespace('gates-action');
  let gateBundle: string;
  let rollbackBundle: string;
  const kubeconfigText = readFileSync(loadStackEnv(['KUBECONFIG']).KUBECONFIG!, 'utf8');
  const clientKey = /client-key-data: (\S+)/.exec(kubeconfigText)![1]!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phlo-gates-bundle-'));
    [gateBundle, rollbackBundle] = await Promise.all([bundle('rollout-gate'), bundle('rollback')]);
  }, 360_000); // two ncc builds with type checks: over 3 minutes once on a busy 2-core machine
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rollout-gate: success, outputs and summary; the kubeconfig content never printed', async () => {
    // Not ready when the gate starts: the fault comes off 1 s after the gate has said it is waiting,
    // so the gate's duration is at least 1 s, whatever else it reports.
    await apply(kc, ns.name, deploymentManifest('ok', { replicas: 2, fault: 'never-ready' }));
    let output = '';
    let unfaulted: Promise<unknown> | undefined;
    const started = Date.now();
    const r = await runStep(gateBundle, {
      inputs: { workloads: `deployment/${ns.name}/ok`, timeout: '90s', 'kubeconfig-content': kubeconfigText },
      env: { KUBECONFIG: undefined },
      onStdout: (chunk) => {
        output += chunk;
        if (!unfaulted && output.includes(`Deployment/${ns.name}/ok: progressing`))
          unfaulted = sleep(1_000).then(() => apply(kc, ns.name, deploymentManifest('ok', { replicas: 2 })));
      },
    });
    const wall = Date.now() - started;
    expect(unfaulted).toBeDefined();
    await unfaulted;
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('success');
    expect(JSON.parse(r.outputs.workloads!)).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'ok', state: 'ready' }),
    ]);
    // duration-ms is a number of milliseconds (not empty: Number('') is 0), at least the second the
    // rollout was held back, no less than the workload's own time to ready, no more than the step took.
    expect(r.outputs['duration-ms']).toMatch(/^\d+$/);
    const duration = Number(r.outputs['duration-ms']);
    const [workload] = JSON.parse(r.outputs.workloads!) as Array<{ completedMs: number }>;
    expect(duration).toBeGreaterThanOrEqual(1_000);
    expect(duration).toBeGreaterThanOrEqual(Math.floor(workload!.completedMs));
    expect(duration).toBeLessThanOrEqual(wall);
    // The summary states the same duration (formatDuration: 1.23s, 12.3s).
    const stated = /Rollout gate: success in (\d+(?:\.\d+)?)s\b/.exec(r.summary);
    expect(stated).not.toBeNull();
    expect(Math.abs(Number(stated![1]) * 1000 - duration)).toBeLessThanOrEqual(100);
    expect(r.summary).toMatch(new RegExp(`\\| \`Deployment/${ns.name}/ok\` \\| ✅ ready \\| .* \\| \\d+\\.\\d+s \\|`));
    expect(r.everything).not.toContain(clientKey);
  });

  it('rollout-gate: image-pull fails fast, explained, rolled back; the step fails', async () => {
    await apply(kc, ns.name, deploymentManifest('bad', { image: 'phlo/bad:1', replicas: 1 }));
    await waitDeploymentReady(kc, ns.name, 'bad');
    const live = await get(kc, ns.name, 'Deployment', 'bad');
    const rs = live.metadata.annotations!['deployment.kubernetes.io/revision']!;
    const rsList = (
      await (
        await import('../../src/lib/kube/client.js')
      ).kubeJson<{ items: Array<{ metadata: { name: string; annotations?: Record<string, string> } }> }>(
        kc,
        'GET',
        `/apis/apps/v1/namespaces/${ns.name}/replicasets`,
      )
    ).items.find(
      (x) => x.metadata.name.startsWith('bad-') && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === rs,
    )!;
    await apply(kc, ns.name, deploymentManifest('bad', { image: 'phlo/bad:2', replicas: 1, fault: 'image-pull' }));
    const applyResult = {
      dryRun: false,
      counts: { created: 0, changed: 1, unchanged: 0, pruned: 0 },
      objects: [],
      workloads: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: ns.name,
          name: 'bad',
          created: false,
          changed: true,
          previousRevision: { revision: Number(rs), name: rsList.metadata.name },
        },
      ],
    };
    const r = await runStep(gateBundle, {
      inputs: {
        workloads: JSON.stringify(applyResult),
        timeout: '2m',
        'rollback-on-failure': 'true',
        'rollback-timeout': '60s',
      },
      env: { KUBECONFIG: loadStackEnv(['KUBECONFIG']).KUBECONFIG! },
    });
    expect(r.code).toBe(1);
    expect(r.outputs.verdict).toBe('failure');
    expect(r.outputs['rolled-back']).toBe('true');
    expect(r.outputs['rollback-healthy']).toBe('true');
    const errors = errorLines(r).join('\n');
    expect(errors).toMatch(
      new RegExp(
        `rollout-gate: rollout failure — Deployment/${ns.name}/bad: (ErrImagePull|ImagePullBackOff)\\. Rolled back: healthy again\\.`,
      ),
    );
    expect(r.summary).toContain(`Why \`Deployment/${ns.name}/bad\` failed`);
    expect(r.summary).toContain('phlo/bad:2');
    expect(r.summary).toContain('Rollback: 1 workload rolled back; healthy again');
    expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect((await get(kc, ns.name, 'Deployment', 'bad')).spec.template.spec.containers[0].image).toBe('phlo/bad:1');
  });

  it('rollout-gate: every bad input reported at once, before touching the cluster, without a stack trace', async () => {
    const r = await runStep(gateBundle, {
      inputs: { workloads: 'service/x/y\ndeployment/ok/fine', timeout: 'soon', 'restart-limit': '0' },
      env: { KUBECONFIG: '/nonexistent' },
    });
    expect(r.code).toBe(1);
    const errors = errorLines(r).join('\n');
    expect(errors).toContain("'service/x/y'");
    expect(errors).toContain("Input 'timeout' is 'soon'");
    expect(errors).toContain("Input 'restart-limit' is '0'");
    expect(errors).not.toContain('/nonexistent');
    expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('rollback: to the previous revision of a listed Deployment, gated', async () => {
    await apply(kc, ns.name, deploymentManifest('two', { image: 'phlo/two:1', replicas: 1 }));
    await waitDeploymentReady(kc, ns.name, 'two');
    await apply(kc, ns.name, deploymentManifest('two', { image: 'phlo/two:2', replicas: 1 }));
    await waitDeploymentReady(kc, ns.name, 'two');
    const r = await runStep(rollbackBundle, {
      inputs: { workloads: `deployment/two`, namespace: ns.name, revision: 'previous', timeout: '60s' },
      env: { KUBECONFIG: loadStackEnv(['KUBECONFIG']).KUBECONFIG! },
    });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs.healthy).toBe('true');
    expect(r.outputs.verdict).toBe('success');
    expect(JSON.parse(r.outputs.outcomes!)[0]).toMatchObject({
      outcome: 'rolled-back',
      fromRevision: 2,
      toRevision: 1,
    });
    expect(r.summary).toContain('Rollback: 1 workload rolled back; healthy again');
    expect((await get(kc, ns.name, 'Deployment', 'two')).spec.template.spec.containers[0].image).toBe('phlo/two:1');
  });
});
