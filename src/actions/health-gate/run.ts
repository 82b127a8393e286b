import { GateFailure } from '../../lib/runtime/errors.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../run-deps.js';
import { serviceProxyTarget } from '../../lib/health/service-proxy.js';
import { httpTarget, joinUrl } from '../../lib/health/http.js';
import { runHealthGate, type ProbeTarget } from '../../lib/health/probe.js';
import { parseHealthGateSettings } from '../../lib/health/settings.js';
import { healthSummary } from '../../lib/health/summary.js';
import type { ActionContext } from '../../lib/runtime/context.js';

/** `deps.kube`: where a service target's client comes from (the pipeline shares one); by default its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube: clients, clock } = runDeps(deps);
  const { urls, paths, headers, services, kube, policy } = parseHealthGateSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const targets: ProbeTarget[] = urls.flatMap((base) => paths.map((p) => httpTarget(joinUrl(base, p), headers)));
  // Through the API server's service proxy, authenticated with the kubeconfig: one client for every
  // attempt, so a latency is the backend's, not a new TLS handshake's or credential plugin's.
  const lease = services.length > 0 ? await clients(resolveKubeconfigSource(kube, env)) : undefined;
  if (lease)
    for (const svc of services) for (const p of paths) targets.push(serviceProxyTarget(lease.client, svc, p, headers));

  ctx.logger.info(
    `Probing ${targets.length} target(s) until ${policy.consecutiveSuccesses} consecutive successes each`,
  );
  let result;
  try {
    result = await runHealthGate(targets, policy, { logger: ctx.logger, clock });
  } finally {
    lease?.release();
  }

  ctx.setOutput('healthy', result.healthy);
  ctx.setOutput('p50-ms', result.p50Ms === undefined ? '' : Math.round(result.p50Ms));
  ctx.setOutput('p95-ms', result.p95Ms === undefined ? '' : Math.round(result.p95Ms));
  ctx.setOutput('results', result.targets);
  ctx.summary(healthSummary(result));

  if (!result.healthy) {
    const bad = result.targets.filter((t) => !t.healthy);
    throw new GateFailure(
      `${bad.length} of ${result.targets.length} target(s) unhealthy: ${bad.map((t) => `${t.label} (${t.reason})`).join('; ')}`,
    );
  }
  ctx.logger.info(`All ${result.targets.length} target(s) healthy in ${Math.round(result.durationMs)}ms`);
}
