/**
 * bench/drift — drift-check vs `kubectl diff --server-side` on the rendered local environment.
 *
 * The set: k8s/ rendered for the `local` environment (base + local patches: ConfigMaps, Services,
 * Deployments, a StatefulSet, HPAs, the two Namespaces), copied BENCH_COPIES times (default 20, about
 * the 300 objects of bench/apply) into namespaces of its own, as the k8s/ of a throwaway environment.
 * It is rendered (the file kubectl reads is render's own output), applied with phlo-deploy's
 * server-side apply and recorded (as a deploy does: the objects' fingerprints too), then changed by hand with kubectl: two images
 * (`kubectl set image`), a ConfigMap value (`kubectl patch`, manager kubectl-edit), a deleted Service,
 * a Deployment without HPA scaled. No timing includes the setup.
 *
 * Each round runs, as child processes, in alternating order: `phlo-deploy drift-check` (the committed
 * dist/cli.js, as a person runs it: render, check, the JSON report and the summary; concurrency 16; on
 * Node 24, the actions' runtime, whose compile cache the first round fills — so the first round pays
 * ≈ 0.25 s more than the others: the median is of warm starts, as a person's repeated runs and a
 * job's later steps get; a job whose only phlo-deploy step is drift-check starts cold)
 * and `kubectl diff --server-side
 * --field-manager=phlo-deploy --force-conflicts -f <rendered file>` (the same manager and force our
 * dry run uses, else kubectl would conflict on every field phlo-deploy owns). Wall time of each
 * process to exit. Prints every figure, the objects each found, the medians and finally
 * `ratio: X (goal ≤ 0.2)`.
 *
 * Run: bash bench/drift/run.sh   (needs the local stack; env BENCH_ROUNDS=5, BENCH_COPIES=20, KUBECTL)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { renderManifests, type RenderSettings } from '../../src/lib/manifests/index.js';
import { recordDeploy } from '../../src/lib/drift/record.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import type { Logger } from '../../src/lib/runtime/logger.js';

// no top-level await: run.sh bundles with ncc --transpile-only, which emits CommonJS
/**
 * The local environment puts the Dagster webserver on the stack's one real node (nodeSelector
 * phlo.dev/node=real and its toleration). ×20 copies of it would fill that node (30 pods at most) with
 * pods of an image nobody pushed, and leave no room for the demo. The copies go to the KWOK nodes, like
 * every other workload here; drift-check and kubectl compare the same objects either way.
 */
function unplaceFromRealNode(o: { kind: string; spec?: unknown }): void {
  const pod = (o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  if (!pod) return;
  const selector = pod.nodeSelector as Record<string, string> | undefined;
  if (selector && 'phlo.dev/node' in selector) {
    delete selector['phlo.dev/node'];
    if (Object.keys(selector).length === 0) delete pod.nodeSelector;
  }
  if (Array.isArray(pod.tolerations)) {
    pod.tolerations = pod.tolerations.filter((t: { key?: string }) => t.key !== 'phlo.dev/node');
    if ((pod.tolerations as unknown[]).length === 0) delete pod.tolerations;
  }
}

async function main(): Promise<void> {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
  const COPIES = Number(process.env.BENCH_COPIES ?? 20);
  const repo = process.env.BENCH_ROOT!;
  const stackDir = process.env.PHLO_STACK_DIR!;
  const stackEnv = Object.fromEntries(
    readFileSync(path.join(stackDir, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const KUBECTL = process.env.KUBECTL ?? stackEnv.PHLO_KUBECTL ?? 'kubectl';
  const kubeconfig = stackEnv.KUBECONFIG!;
  const quiet: Logger = {
    info: () => undefined,
    warning: () => undefined,
    debug: () => undefined,
    group: (_t, fn) => fn(),
  };

  const id = randomBytes(3).toString('hex');
  const environment = `bench-drift-${id}`;
  const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-bench-drift-'));
  const settings = (workspace: string, env: string, output?: string): RenderSettings => ({
    workspace,
    manifests: ['k8s'],
    environment: env,
    images: new Map(),
    labels: new Map(),
    annotations: new Map(),
    ...(output ? { output } : {}),
  });

  // 1. the local environment, rendered, copied into namespaces of its own
  const local = renderManifests(settings(repo, 'local'), quiet);
  const namespaces: string[] = [];
  mkdirSync(path.join(ws, 'k8s', 'base'), { recursive: true });
  mkdirSync(path.join(ws, 'k8s', 'environments', environment), { recursive: true });
  for (let n = 0; n < COPIES; n++) {
    const rename = (ns: string) => `bd-${id}-${n}-${ns}`.slice(0, 63);
    const docs = local.objects.map((m) => {
      const o = structuredClone(m.object) as { kind: string; metadata: Record<string, unknown> };
      if (o.kind === 'Namespace') {
        o.metadata.name = rename(String(o.metadata.name));
        namespaces.push(String(o.metadata.name));
      } else if (o.metadata.namespace) o.metadata.namespace = rename(String(o.metadata.namespace));
      unplaceFromRealNode(o);
      return yaml.dump(o, { noRefs: true, lineWidth: -1 });
    });
    writeFileSync(path.join(ws, 'k8s', 'base', `copy-${n}.yaml`), docs.join('---\n'));
  }
  writeFileSync(
    path.join(ws, 'k8s', 'environments', environment, 'settings.yaml'),
    `environment: ${environment}\nrequireDigests: false\n`,
  );
  const renderedFile = path.join(ws, 'rendered.yaml');
  const rendered = renderManifests(settings(ws, environment, renderedFile), quiet);

  // 2. deployed as a deploy does it, then changed by hand
  const client = await KubeClient.create(loadKubeConfig({ kind: 'file', path: kubeconfig }), { maxSockets: 16 });
  const cleanUp = async () => {
    await Promise.all(
      namespaces.map((ns) =>
        client.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined),
      ),
    );
    client.close();
    rmSync(ws, { recursive: true, force: true });
  };
  function kubectlSync(args: string[]): void {
    const r = spawnSync(KUBECTL, [...args, '--kubeconfig', kubeconfig], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  }
  const expected = new Set<string>();
  try {
    // the Secret a deploy renders from its secrets input: made beforehand (apply checks references)
    for (const ns of namespaces) {
      await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: ns } } });
      await client.request({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/secrets`,
        body: { metadata: { name: 'phlo-secrets' }, stringData: { PLACEHOLDER: 'bench' } },
      });
    }
    const { after } = await applyManifests(
      rendered.objects,
      new Map(),
      { ...DEFAULT_APPLY_SETTINGS, environment, forceConflicts: true, concurrency: 16 },
      client,
      quiet,
    );
    await recordDeploy(client, rendered.objects, environment, systemClock, quiet, after);

    const of = (kind: string, copy: number) =>
      rendered.objects.filter((m) => m.ref.kind === kind && m.ref.namespace?.startsWith(`bd-${id}-${copy}-`));
    const hpaTargets = new Set(
      rendered.objects
        .filter((m) => m.ref.kind === 'HorizontalPodAutoscaler')
        .map(
          (m) => `${m.ref.namespace}/${(m.object.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name}`,
        ),
    );
    const key = (m: { ref: { kind: string; namespace?: string; name: string } }) =>
      `${m.ref.kind}/${m.ref.namespace ?? ''}/${m.ref.name}`;
    const container = (m: { object: Record<string, unknown> }) =>
      (m.object.spec as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers[0]!
        .name;
    for (const copy of [0, 1]) {
      const dep = of('Deployment', copy)[0]!;
      kubectlSync([
        'set',
        'image',
        `deployment/${dep.ref.name}`,
        '-n',
        dep.ref.namespace!,
        `${container(dep)}=example.com/changed:${copy}`,
      ]);
      expected.add(key(dep));
    }
    const cm = of('ConfigMap', 2)[0]!;
    const cmKey = Object.keys((cm.object.data as Record<string, string>) ?? {})[0]!;
    kubectlSync([
      'patch',
      'configmap',
      cm.ref.name,
      '-n',
      cm.ref.namespace!,
      '--field-manager=kubectl-edit',
      '-p',
      JSON.stringify({ data: { [cmKey]: 'changed-by-hand' } }),
    ]);
    expected.add(key(cm));
    const svc = of('Service', 3)[0]!;
    kubectlSync(['delete', 'service', svc.ref.name, '-n', svc.ref.namespace!]);
    expected.add(key(svc));
    const scalable = of('Deployment', 4).find((m) => !hpaTargets.has(`${m.ref.namespace}/${m.ref.name}`))!;
    kubectlSync(['scale', `deployment/${scalable.ref.name}`, '-n', scalable.ref.namespace!, '--replicas=7']);
    expected.add(key(scalable));
  } catch (error) {
    await cleanUp();
    throw error;
  }

  // 3. the rounds
  function timed(cmd: string, args: string[], okCodes: number[]): Promise<{ ms: number; out: string }> {
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
        if (!okCodes.includes(code ?? -1))
          reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 2000)}`));
        else resolve({ ms, out });
      });
    });
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const report = path.join(ws, 'drift-report.json');
  const ours = async () => {
    // what a person runs: the CLI of the committed bundle (dist/ matches the sources; CI checks it)
    const r = await timed(
      process.env.BENCH_NODE ?? process.execPath,
      [
        path.join(repo, 'dist', 'cli.js'),
        'drift-check',
        '--workspace',
        ws,
        '--manifests',
        'k8s',
        '--environment',
        environment,
        '--kubeconfig',
        kubeconfig,
        '--report',
        report,
        '--concurrency',
        String(process.env.BENCH_CONCURRENCY ?? 16),
        '--json',
      ],
      [0, 1, 2],
    );
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
      errors: Array<{ message: string }>;
      items: Array<{ ref: { kind: string; namespace?: string; name: string }; category: string }>;
    };
    if (parsed.errors.length) throw new Error(`drift-check errors: ${parsed.errors.map((e) => e.message).join('; ')}`);
    const items = parsed.items.map((i) => `${i.ref.kind}/${i.ref.namespace ?? ''}/${i.ref.name} ${i.category}`);
    return { ms: r.ms, found: items.map((i) => i.split(' ')[0]!).sort(), detail: items };
  };
  const kubectl = async () => {
    const r = await timed(
      KUBECTL,
      [
        'diff',
        '--server-side',
        '--field-manager=phlo-deploy',
        '--force-conflicts',
        '-f',
        renderedFile,
        '--kubeconfig',
        kubeconfig,
      ],
      [0, 1],
    );
    // one `diff -u -N <dir>/LIVE-…/<group>.<version>.<Kind>.<namespace>.<name> …` line per object that differs
    const found = [...r.out.matchAll(/^diff -u -N \S*\/LIVE-[^/]+\/(\S+) /gm)].map((m) => {
      const parts = m[1]!.split('.');
      const name = parts.pop()!;
      const kinds = rendered.objects.filter((o) => o.ref.name === name && parts.includes(o.ref.kind));
      const match = kinds.find((o) =>
        parts.join('.').endsWith(`${o.ref.kind}.${o.ref.namespace ?? ''}`.replace(/\.$/, '')),
      );
      return match ? `${match.ref.kind}/${match.ref.namespace ?? ''}/${match.ref.name}` : m[1]!;
    });
    return { ms: r.ms, found: [...new Set(found)].sort(), detail: [] as string[] };
  };

  const version = spawnSync(KUBECTL, ['version', '--kubeconfig', kubeconfig, '-o', 'json'], { encoding: 'utf8' });
  try {
    const v = JSON.parse(version.stdout);
    console.log(`kubectl ${v.clientVersion?.gitVersion} against server ${v.serverVersion?.gitVersion}`);
  } catch {
    console.log(`kubectl version: ${version.stdout || version.stderr}`);
  }
  console.log(
    `objects: ${rendered.objects.length} (the local environment's ${local.objects.length} × ${COPIES} copies), changed by hand: ${expected.size}`,
  );
  const times = { ours: [] as number[], kubectl: [] as number[] };
  const found: Record<'ours' | 'kubectl', string[]> = { ours: [], kubectl: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['ours', 'kubectl'] as const) : (['kubectl', 'ours'] as const);
      for (const tool of order) {
        const r = tool === 'ours' ? await ours() : await kubectl();
        times[tool].push(r.ms);
        found[tool] = r.found;
        console.log(
          `round ${round + 1} ${tool.padEnd(7)} ${r.ms.toFixed(0).padStart(6)} ms  ${r.found.length} objects differ`,
        );
      }
    }
  } finally {
    await cleanUp();
  }
  const want = [...expected].sort();
  const same = (xs: string[]) => JSON.stringify(xs) === JSON.stringify(want);
  console.log(`changed by hand:   ${want.join(', ')}`);
  console.log(
    `drift-check found: ${found.ours.join(', ')}${same(found.ours) ? '  (exactly those)' : '  (NOT the same set)'}`,
  );
  const extra = found.kubectl.filter((k) => !want.includes(k));
  const missed = want.filter((k) => !found.kubectl.includes(k));
  console.log(
    `kubectl diff found: ${found.kubectl.length} objects: ${same(found.kubectl) ? 'exactly those' : `${extra.length} not changed by hand (${extra.slice(0, 6).join(', ')}${extra.length > 6 ? ', …' : ''}), missed ${missed.length}${missed.length ? ` (${missed.join(', ')})` : ''}`}`,
  );
  const mo = median(times.ours);
  const mk = median(times.kubectl);
  console.log(
    `rounds: ${ROUNDS}; median drift-check ${mo.toFixed(0)} ms, median kubectl diff --server-side ${mk.toFixed(0)} ms`,
  );
  if (!same(found.ours)) {
    console.log('drift-check did not find exactly the objects changed by hand');
    process.exitCode = 1;
  }
  console.log(`ratio: ${(mo / mk).toFixed(2)} (goal ≤ 0.2)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
