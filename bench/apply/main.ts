/**
 * bench/apply — our apply vs `kubectl apply --server-side` on 300 objects
 * (10 namespaces × (10 ConfigMaps + 10 Services + 10 Deployments), plus the 10 Namespace objects).
 *
 * Each round, both tools get their own fresh namespaces (same objects otherwise) and run as child
 * processes: a first apply (everything created) and then a no-change re-apply of the same file.
 * The order of the two tools alternates between rounds. Prints every figure, the medians, both
 * ratios (ours / kubectl) and finally `ratio: X (goal ≤ 0.5)` with the worse of the two.
 *
 * Run: bash bench/apply/run.sh   (needs the local stack; env BENCH_ROUNDS=5, KUBECTL=<the stack's kubectl>)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { KubeClient } from '../../src/lib/kube/client.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NAMESPACES = 10;
const PER_KIND = 10;
const here = process.env.BENCH_DIR!;
// set by run.sh (a literal path here would make ncc try to bundle the stack's folder)
const stackDir = process.env.PHLO_STACK_DIR!;
const stackEnv = Object.fromEntries(
  readFileSync(path.join(stackDir, 'env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
// kubectl of the stack's release (PHLO_KUBECTL from .stack/env), unless KUBECTL names another.
const KUBECTL = process.env.KUBECTL ?? stackEnv.PHLO_KUBECTL ?? 'kubectl';
const kubeconfig = stackEnv.KUBECONFIG!;

function manifests(prefix: string): string {
  const docs: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`;
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: {phlo.dev/bench: apply}\n`);
    for (let i = 0; i < PER_KIND; i++) {
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\ndata:\n  key: value-${i}\n  other: "${i}"\n`,
      );
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ${ns}\nspec:\n  selector: {app: app-${i}}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`,
      );
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  namespace: ${ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: app-${i}}\n` +
          `  template:\n    metadata:\n      labels: {app: app-${i}}\n    spec:\n      nodeSelector: {workload: compute}\n      containers:\n` +
          `        - name: app\n          image: registry.example/app@sha256:${'a'.repeat(64)}\n          ports: [{containerPort: 8080}]\n` +
          `          resources: {requests: {cpu: 1m, memory: 1Mi}}\n`,
      );
    }
  }
  return docs.join('---\n');
}

function timed(cmd: string, args: string[]): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 2000)}`));
      else resolve({ ms, out });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-bench-apply-'));
const ours = (file: string) => timed(process.execPath, [path.join(here, 'child', 'index.js'), file, kubeconfig]);
const kubectl = (file: string) =>
  timed(KUBECTL, ['apply', '--server-side', '--field-manager=kubectl-bench', '-f', file, '--kubeconfig', kubeconfig]);

const version = spawnSync(KUBECTL, ['version', '--kubeconfig', kubeconfig, '-o', 'json'], { encoding: 'utf8' });
try {
  const v = JSON.parse(version.stdout);
  console.log(
    `kubectl ${v.clientVersion?.gitVersion} against server ${v.serverVersion?.gitVersion} (supported skew is ±1 minor)`,
  );
} catch {
  console.log(`kubectl version: ${version.stdout || version.stderr}`);
}

const results = {
  oursFirst: [] as number[],
  kubectlFirst: [] as number[],
  oursAgain: [] as number[],
  kubectlAgain: [] as number[],
};
const created: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const id = randomBytes(3).toString('hex');
  const fileOurs = path.join(dir, `ours-${id}.yaml`);
  const fileKubectl = path.join(dir, `kubectl-${id}.yaml`);
  writeFileSync(fileOurs, manifests(`bo-${id}`));
  writeFileSync(fileKubectl, manifests(`bk-${id}`));
  for (let n = 0; n < NAMESPACES; n++) created.push(`bo-${id}-${n}`, `bk-${id}-${n}`);
  const order = round % 2 === 0 ? ['ours', 'kubectl'] : ['kubectl', 'ours'];
  for (const phase of ['First', 'Again'] as const) {
    for (const tool of order) {
      const r = tool === 'ours' ? await ours(fileOurs) : await kubectl(fileKubectl);
      (results as Record<string, number[]>)[`${tool}${phase}`]!.push(r.ms);
      const detail = tool === 'ours' ? r.out.trim() : `${r.out.split('\n').filter(Boolean).length} lines`;
      console.log(
        `round ${round + 1} ${phase === 'First' ? 'first apply' : 're-apply  '} ${tool.padEnd(7)} ${r.ms.toFixed(0).padStart(6)} ms  ${detail}`,
      );
    }
  }
}

// clean up (not timed)
const client = await KubeClient.create(loadKubeConfig({ kind: 'file', path: kubeconfig }));
await Promise.all(
  created.map((ns) => client.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined)),
);
client.close();

const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<
  keyof typeof results,
  number
>;
const first = m.oursFirst / m.kubectlFirst;
const again = m.oursAgain / m.kubectlAgain;
console.log(
  `objects per run: ${NAMESPACES * (1 + 3 * PER_KIND)} (${NAMESPACES} namespaces + ${NAMESPACES * 3 * PER_KIND} objects), rounds: ${ROUNDS}`,
);
console.log(
  `median first apply: ours ${m.oursFirst.toFixed(0)} ms, kubectl ${m.kubectlFirst.toFixed(0)} ms, ratio ${first.toFixed(2)}`,
);
console.log(
  `median re-apply (no change): ours ${m.oursAgain.toFixed(0)} ms, kubectl ${m.kubectlAgain.toFixed(0)} ms, ratio ${again.toFixed(2)}`,
);
console.log(`ratio: ${Math.max(first, again).toFixed(2)} (goal ≤ 0.5)`);
