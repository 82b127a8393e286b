/**
 * bench/drift child: one drift check run as its own process (like kubectl is): renders the
 * environment of `<workspace>/k8s`, checks it against the cluster (src/lib/drift/check.ts, what the
 * action and `phlo-deploy drift-check` run, without the summary and the GitHub issue), prints the
 * status and the drifted objects as one JSON line.
 * Usage: node child/index.js <workspace> <environment> <kubeconfig>
 */
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { checkDrift } from '../../src/lib/drift/check.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import type { Logger } from '../../src/lib/runtime/logger.js';

// no top-level await: run.sh bundles with ncc --transpile-only, which emits CommonJS
async function main(): Promise<void> {
  const [workspace, environment, kubeconfig] = process.argv.slice(2);
  const quiet: Logger = {
    info: () => undefined,
    warning: () => undefined,
    debug: () => undefined,
    group: (_t, fn) => fn(),
  };
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const client = await KubeClient.create(loadKubeConfig({ kind: 'file', path: kubeconfig! }), {
    maxSockets: concurrency,
  });
  try {
    const { report } = await checkDrift(
      {
        render: {
          workspace: workspace!,
          manifests: ['k8s'],
          environment: environment!,
          images: new Map(),
          labels: new Map(),
          annotations: new Map(),
        },
        ignoreRules: [],
        concurrency,
      },
      client,
      quiet,
      systemClock,
    );
    process.stdout.write(
      `${JSON.stringify({
        status: report.status,
        errors: report.errors.map((e) => e.message),
        items: report.items.map((i) => `${i.ref.kind}/${i.ref.namespace ?? ''}/${i.ref.name} ${i.category}`),
      })}\n`,
    );
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
