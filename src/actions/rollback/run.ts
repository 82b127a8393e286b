import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { renderRollbackSummary, rollbackAndGate, rollbackFailure } from '../../lib/gates/index.js';
import { parseRollbackSettings, resolveTarget } from '../../lib/gates/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';

/**
 * The rollback action on its own (a later job): it has no memory of what apply wrote, so it rolls
 * back workloads only (the deploy pipeline's rollback gives rollbackAndGate apply's `written`, and so puts the
 * other objects back too).
 * `deps.kube`: where the client comes from; by default rollback opens its own.
 */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  const settings = parseRollbackSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const target = resolveTarget(settings.rollback.target, settings.workloads);
  const { client, release } = await kube(resolveKubeconfigSource(settings.kube, env));

  ctx.logger.info(
    `Rolling back ${settings.workloads.length} workload(s) to ${typeof target === 'number' ? `revision ${target}` : `the ${target} revision`}`,
  );
  const result = await rollbackAndGate(client, settings.workloads, {
    target,
    deleteCreated: settings.rollback.deleteCreated,
    gateTimeoutMs: settings.timeoutMs,
    restartLimit: settings.restartLimit,
    logger: ctx.logger,
    clock,
  }).finally(release);

  ctx.setOutput('healthy', result.healthy);
  ctx.setOutput('outcomes', result.outcomes);
  ctx.setOutput('verdict', result.gate?.verdict ?? 'none');
  ctx.summary(renderRollbackSummary(result));
  const failure = rollbackFailure(result);
  if (failure) throw failure;
}
