import type { ActionContext } from '../../lib/runtime/context.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { applyManifests } from '../../lib/kube/apply.js';
import { applySummary } from '../../lib/kube/apply-report.js';
import { parseApplySettings } from '../../lib/kube/apply-settings.js';
import { recordDeploy } from '../../lib/drift/record.js';

/** `deps.kube`: where the client comes from (the pipeline shares one); by default apply opens its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock, written } = runDeps(deps, { kube: ownClients() });
  const parsed = parseApplySettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  const { client, release } = await kube(resolveKubeconfigSource(parsed.kube, env), {
    maxSockets: parsed.settings.concurrency,
  });
  try {
    const {
      result,
      diffs,
      written: wrote,
      after,
    } = await applyManifests(parsed.manifests!, parsed.secrets, parsed.settings, client, ctx.logger);
    written?.push(...wrote);
    for (const d of diffs) if (d.diff) ctx.logger.info(d.diff);
    if (!result.dryRun)
      await recordDeploy(client, parsed.manifests!, parsed.settings.environment, clock, ctx.logger, after);
    ctx.setOutput('created', result.counts.created);
    ctx.setOutput('changed', result.counts.changed);
    ctx.setOutput('unchanged', result.counts.unchanged);
    ctx.setOutput('pruned', result.counts.pruned);
    ctx.setOutput('result', result);
    ctx.summary(applySummary(result, diffs));
  } finally {
    release();
  }
}
