/**
 * One rollout gate as its own process (so it is measured like `kubectl rollout status`: until the
 * process exits). Args: <namespace> <deployment>... ; KUBECONFIG from the environment.
 * Prints one JSON line with the verdict and exits with 0 on success.
 */
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { runRolloutGate } from '../../src/lib/gates/gate.js';

const [namespace, ...names] = process.argv.slice(2);
let decidedAt = 0;
if (process.env.BENCH_TRACE)
  process.on('exit', () => process.stderr.write(`T exitevent ${performance.timeOrigin + performance.now()}\n`));
const kc = loadKubeConfig({ kind: 'file', path: process.env.KUBECONFIG! });
void runRolloutGate(
  kc,
  names.map((name) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name })),
  {
    timeoutMs: 120_000,
    logger: new MemoryLogger(),
    clock: systemClock,
    onChange: (s) => {
      if (s.state === 'ready') decidedAt = performance.timeOrigin + performance.now();
    },
  },
).then((result) => {
  const returnedAt = performance.timeOrigin + performance.now();
  process.stdout.write(
    `${JSON.stringify({ verdict: result.verdict, durationMs: result.durationMs, decidedAt, returnedAt })}\n`,
  );
  if (result.verdict !== 'success') process.exitCode = 1;
});
