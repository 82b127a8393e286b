import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import {
  gateAndRollback,
  renderGateSummary,
  renderRollbackSummary,
  rolloutGateFailure,
} from '../../lib/gates/index.js';
import { parseRolloutGateSettings, resolveTarget } from '../../lib/gates/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';

/** `deps.kube`: where the client comes from (the pipeline shares one); by default the gate opens its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  const settings = parseRolloutGateSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const { client, release } = await kube(resolveKubeconfigSource(settings.kube, env));

  ctx.logger.info(`Gating ${settings.workloads.length} workload(s) under one deadline of ${settings.timeoutMs}ms`);
  const { gate, rollback } = await gateAndRollback(client, settings.workloads, {
    timeoutMs: settings.timeoutMs,
    restartLimit: settings.restartLimit,
    logger: ctx.logger,
    clock,
    rollback: settings.rollback.enabled
      ? {
          enabled: true,
          target: resolveTarget('auto', settings.workloads),
          timeoutMs: settings.rollback.timeoutMs,
          deleteCreated: settings.rollback.deleteCreated,
        }
      : undefined,
  }).finally(release);

  ctx.setOutput('verdict', gate.verdict);
  ctx.setOutput('workloads', gate.workloads);
  ctx.setOutput('duration-ms', Math.round(gate.durationMs));
  ctx.setOutput('rolled-back', rollback ? rollback.outcomes.some((o) => o.outcome === 'rolled-back') : false);
  ctx.setOutput('rollback-healthy', rollback ? rollback.healthy : '');
  ctx.summary(renderGateSummary(gate));
  if (rollback) ctx.summary(renderRollbackSummary(rollback));

  const failure = rolloutGateFailure({ gate, rollback, ok: gate.verdict === 'success' });
  if (failure) throw failure;
}
