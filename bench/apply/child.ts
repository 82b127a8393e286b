/**
 * bench/apply child: one `apply` run as its own process (like kubectl is): loads the manifests
 * file, applies it with our server-side apply, prints the counts as one JSON line.
 * Usage: node child/index.js <file> <kubeconfig>
 */
import path from 'node:path';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import type { Logger } from '../../src/lib/runtime/logger.js';

const [file, kubeconfig] = process.argv.slice(2);
const quiet: Logger = {
  info: () => undefined,
  warning: (m) => process.stderr.write(`${m}\n`),
  debug: () => undefined,
  group: (_t, fn) => fn(),
};
const manifests = loadManifests([path.basename(file!)], [path.dirname(file!)]);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_APPLY_SETTINGS.concurrency);
const client = await KubeClient.create(loadKubeConfig({ kind: 'file', path: kubeconfig! }), {
  maxSockets: concurrency,
});
try {
  const { result } = await applyManifests(
    manifests,
    new Map(),
    { ...DEFAULT_APPLY_SETTINGS, concurrency },
    client,
    quiet,
  );
  process.stdout.write(`${JSON.stringify(result.counts)}\n`);
} finally {
  client.close();
}
