import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { rollbackAndGate, renderRollbackSummary, rollbackFailure } from '../../lib/gates/index.js';
import { parseRollbackSettings, resolveTarget } from '../../lib/gates/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';

/** `deps.kube`: where the client comes from (the pipeline shares one); by default rollback opens its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock, written } = runDeps(deps, { kube: ownClients() });
  const settings = parseRollbackSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const target = resolveTarget(settings.rollback.target, settings.workloads);
  const { client, release } = await kube(resolveKubeconfigSource(settings.kube, env));

  ctx.logger.info(
    `Rolling back ${settings.workloads.length} workload(s) to ${typeof target === 'number' ? `revision ${target}` : `the ${target} revision`}`,
  );
  // In the deploy pipeline (`written` is apply's record): the objects that are not workloads go back
  // first, then the workloads roll back (rollbackAndGate; see RollbackOptions.written).
  const result = await rollbackAndGate(client, settings.workloads, {
    target,
    deleteCreated: settings.rollback.deleteCreated,
    ...(written?.length ? { written: [...written] } : {}),
    gateTimeoutMs: settings.timeoutMs,
    restartLimit: settings.restartLimit,
    logger: ctx.logger,
    clock,
  }).finally(release);
  if (result.objects && written) written.length = 0; // put back once

  ctx.setOutput('healthy', result.healthy);
  ctx.setOutput('outcomes', result.outcomes);
  ctx.setOutput('verdict', result.gate?.verdict ?? 'none');
  ctx.summary(
    renderRollbackSummary(result) +
      (result.objects ? `\n\nOther objects this deploy wrote: ${result.objects.summary}` : ''),
  );
  const failure = rollbackFailure(result);
  if (failure) throw failure;
}
