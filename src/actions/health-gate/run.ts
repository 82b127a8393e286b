import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { healthGate, healthGateFailure } from '../../lib/health/health-gate.js';
import { parseHealthGateSettings } from '../../lib/health/settings.js';
import { healthSummary } from '../../lib/health/summary.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';

/** `deps.kube`: where a service target's client comes from (the pipeline shares one); by default its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  const settings = parseHealthGateSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const lease = settings.services.length > 0 ? await kube(resolveKubeconfigSource(settings.kube, env)) : undefined;
  const result = await healthGate(settings, {
    logger: ctx.logger,
    clock,
    ...(lease ? { client: lease.client } : {}),
  }).finally(() => lease?.release());

  ctx.setOutput('healthy', result.healthy);
  ctx.setOutput('p50-ms', result.p50Ms === undefined ? '' : Math.round(result.p50Ms));
  ctx.setOutput('p95-ms', result.p95Ms === undefined ? '' : Math.round(result.p95Ms));
  ctx.setOutput('results', result.targets);
  ctx.summary(healthSummary(result));
  const failure = healthGateFailure(result);
  if (failure) throw failure;
}
