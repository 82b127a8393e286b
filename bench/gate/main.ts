/**
 * bench/gate — detection latency of the rollout gate vs `kubectl rollout status`.
 *
 * Each round: K Deployments are created with never-ready pods; an independent watcher (its own
 * client-node Watch, its own completion check), our gate — the rollout-gate action as shipped,
 * `dist/rollout-gate/main.js` run by node with INPUT_* variables as a runner would — and
 * `kubectl rollout status` (same Deployments by label) all start watching; then the Deployments are
 * fixed (fault removed) so they complete. Detection latency = the child's exit time − the moment the
 * independent watcher saw the last Deployment complete (all on this process's clock). Prints per-round figures, the medians and `ratio: X (goal ≤ 1.0)` = gate median / kubectl
 * median, and whether the gate's median is ≤ 100 ms.
 *
 * Run: bash bench/gate/run.sh   (needs the local stack: npm run stack:up)
 * BENCH_NODE_ARGS adds node flags to the gate's process for diagnosis (e.g. `--cpu-prof`); a runner
 * passes none, so the figures that count are taken without it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { kubeJson, objectPath, collectionPath, type KubeObject } from '../../src/lib/kube/client.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const K = Number(process.env.BENCH_DEPLOYMENTS ?? 5);
const here = process.env.BENCH_DIR!; // where run.sh put the bundles and the dist/ snapshot
const stackEnv = Object.fromEntries(
  readFileSync(join(process.env.PHLO_STACK_DIR ?? join(process.cwd(), '.stack'), 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
// kubectl of the stack's release (PHLO_KUBECTL from .stack/env), unless KUBECTL names another.
const KUBECTL = process.env.KUBECTL ?? stackEnv.PHLO_KUBECTL ?? 'kubectl';
const kubeconfig = stackEnv.KUBECONFIG!;
const kc = loadKubeConfig({ kind: 'file', path: kubeconfig });

function manifest(name: string, round: string, fault: boolean): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { 'bench-round': round } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...(fault ? { 'phlo.dev/fault': 'never-ready' } : {}) } },
        spec: { containers: [{ name: 'app', image: 'phlo/bench:1' }] },
      },
    },
  };
}

async function applyDeployment(ns: string, m: KubeObject): Promise<void> {
  await kubeJson(kc, 'PATCH', objectPath('apps/v1', 'deployments', ns, m.metadata.name), {
    query: { fieldManager: 'phlo-bench', force: 'true' },
    body: { ...m, metadata: { ...m.metadata, namespace: ns } },
    contentType: 'application/apply-patch+yaml',
  });
}

/** kubectl's completion rule, written out independently of src/lib/gates. */
function complete(d: KubeObject): boolean {
  const s = d.status ?? {};
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return false;
  const want = d.spec?.replicas ?? 1;
  return (
    (s.updatedReplicas ?? 0) >= want &&
    (s.replicas ?? 0) === (s.updatedReplicas ?? 0) &&
    (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0)
  );
}

/** Runs a child; `printedAt` is when its stdout first matched `verdict` (the gate's verdict line). */
function runChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  verdict = /./,
): { exited: Promise<{ code: number | null; at: number; out: string; printedAt: number }>; ready: Promise<void> } {
  const child = spawn(cmd, args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let printedAt = 0;
  child.stdout.on('data', (d) => {
    out += d;
    if (!printedAt && verdict.test(out)) printedAt = performance.now();
  });
  child.stderr.on('data', (d) => (out += d));
  const ready = new Promise<void>((r) => child.once('spawn', () => r()));
  const exited = new Promise<{ code: number | null; at: number; out: string; printedAt: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: performance.now(), out, printedAt })),
  );
  return { exited, ready };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const ns = `bench-gate-${randomBytes(3).toString('hex')}`;
  const scratch = mkdtempSync(join(tmpdir(), 'phlo-bench-gate-'));
  await kubeJson(kc, 'POST', '/api/v1/namespaces', {
    body: { metadata: { name: ns, labels: { 'phlo.dev/test-namespace': 'true' } } },
  });
  const gateLat: number[] = [];
  const kubectlLat: number[] = [];
  const verdictLat: number[] = [];
  try {
    console.log(`bench/gate: ${ROUNDS} rounds × ${K} Deployments (2 replicas each) in ${ns}; kubectl ${KUBECTL}`);
    for (let r = 0; r < ROUNDS; r++) {
      const round = `r${r}`;
      const names = Array.from({ length: K }, (_, i) => `${round}-d${i}`);
      await Promise.all(names.map((n) => applyDeployment(ns, manifest(n, round, true))));

      // Independent watcher.
      let lastComplete = 0;
      const state = new Map<string, boolean>();
      const allDone = new Promise<void>((resolve) => {
        void new Watch(kc)
          .watch(
            collectionPath('apps/v1', 'deployments', ns),
            { labelSelector: `bench-round=${round}` },
            (_type, obj: KubeObject) => {
              state.set(obj.metadata.name, complete(obj));
              if (names.every((n) => state.get(n)) && !lastComplete) {
                lastComplete = performance.now();
                resolve();
              }
            },
            () => undefined,
          )
          .then((c) => allDone.finally(() => c.abort()));
      });

      // The files a runner creates for each step (the action appends to them).
      for (const f of ['output', 'summary', 'state']) writeFileSync(join(scratch, `${f}-${round}`), '');
      const gate = runChild(
        process.execPath,
        [
          ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
          join(here, 'dist', 'rollout-gate', 'main.js'),
        ],
        {
          INPUT_WORKLOADS: names.map((n) => `deployment/${ns}/${n}`).join('\n'),
          INPUT_TIMEOUT: '2m',
          'INPUT_ROLLBACK-ON-FAILURE': 'false',
          INPUT_KUBECONFIG: kubeconfig,
          GITHUB_OUTPUT: join(scratch, `output-${round}`),
          GITHUB_STEP_SUMMARY: join(scratch, `summary-${round}`),
          GITHUB_STATE: join(scratch, `state-${round}`),
        },
        /rollout gate: \w+ in/,
      );
      const kubectl = runChild(KUBECTL, [
        '--kubeconfig',
        kubeconfig,
        '-n',
        ns,
        'rollout',
        'status',
        'deployment',
        '-l',
        `bench-round=${round}`,
        '--timeout=120s',
      ]);
      await Promise.all([gate.ready, kubectl.ready]);
      await new Promise((res) => setTimeout(res, 2_500)); // both are watching (never-ready pods)
      await Promise.all(names.map((n) => applyDeployment(ns, manifest(n, round, false))));
      await allDone;
      const [g, k] = await Promise.all([gate.exited, kubectl.exited]);
      if (g.code !== 0) throw new Error(`gate failed in round ${r}: ${g.out}`);
      if (k.code !== 0) throw new Error(`kubectl failed in round ${r}: ${k.out}`);
      const gl = g.at - lastComplete;
      const kl = k.at - lastComplete;
      gateLat.push(gl);
      verdictLat.push(g.printedAt - lastComplete);
      kubectlLat.push(kl);
      console.log(
        `round ${r}: gate ${gl.toFixed(1)} ms (verdict printed at ${(g.printedAt - lastComplete).toFixed(1)} ms), kubectl rollout status ${kl.toFixed(1)} ms after the last Deployment completed (to process exit)`,
      );
    }
  } finally {
    await kubeJson(kc, 'DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
  const gm = median(gateLat);
  const km = median(kubectlLat);
  console.log(`gate median: ${gm.toFixed(1)} ms`);
  console.log(`kubectl rollout status median: ${km.toFixed(1)} ms`);
  console.log(`gate median to its verdict line (before the process exits): ${median(verdictLat).toFixed(1)} ms`);
  console.log(`gate median ≤ 100 ms: ${gm <= 100 ? 'yes' : 'no'} (${gm.toFixed(1)} ms)`);
  console.log(`ratio: ${(gm / km).toFixed(2)} (goal ≤ 1.0)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
