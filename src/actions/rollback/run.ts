import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { rollbackAndGate, renderRollbackSummary, rollbackFailure } from '../../lib/gates/index.js';
import { parseRollbackSettings, resolveTarget } from '../../lib/gates/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import pLimit from 'p-limit';
import { undoWrites } from '../../lib/kube/apply.js';
import { isWorkloadKind } from '../../lib/kube/revisions.js';

/** `deps.kube`: where the client comes from (the pipeline shares one); by default rollback opens its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock, written } = runDeps(deps, { kube: ownClients() });
  const settings = parseRollbackSettings(ctx.inputs, (s) => ctx.setSecret(s));
  const target = resolveTarget(settings.rollback.target, settings.workloads);
  const { client, release } = await kube(resolveKubeconfigSource(settings.kube, env));

  ctx.logger.info(
    `Rolling back ${settings.workloads.length} workload(s) to ${typeof target === 'number' ? `revision ${target}` : `the ${target} revision`}`,
  );
  // In the deploy pipeline: first the objects that are not workloads (ConfigMaps, Secrets, Services,
  // RBAC…) go back to what they were before apply — so the rolled-back pods start with the old
  // configuration — and the ones apply created go; then the workloads roll back.
  // (Namespaces and CRDs stay: deleting one would take everything in it, workloads included.)
  const others = (written ?? []).filter(
    (w) => !isWorkloadKind(w.ref.kind) && w.ref.kind !== 'Namespace' && w.ref.kind !== 'CustomResourceDefinition',
  );
  const { restoredObjects, result } = await (async () => {
    const restored = others.length ? await undoWrites(client, others, pLimit(8), ctx.logger) : undefined;
    if (restored) written!.length = 0; // put back once
    const gated = await rollbackAndGate(client, settings.workloads, {
      target,
      deleteCreated: settings.rollback.deleteCreated,
      gateTimeoutMs: settings.timeoutMs,
      restartLimit: settings.restartLimit,
      logger: ctx.logger,
      clock,
    });
    return { restoredObjects: restored, result: gated };
  })().finally(release);
  const notRestored = restoredObjects?.problems ?? [];

  ctx.setOutput('healthy', result.healthy && notRestored.length === 0);
  ctx.setOutput('outcomes', result.outcomes);
  ctx.setOutput('verdict', result.gate?.verdict ?? 'none');
  ctx.summary(
    renderRollbackSummary(result) +
      (restoredObjects ? `\n\nOther objects this deploy wrote: ${restoredObjects.summary}` : ''),
  );
  const failure = rollbackFailure(result) ?? (notRestored.length ? new Error(notRestored.join('; ')) : undefined);
  if (failure) throw failure;
}
