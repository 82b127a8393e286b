import type { ActionContext } from '../../lib/runtime/context.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { applySummary } from '../../lib/kube/apply-report.js';
import { parseApplySettings } from '../../lib/kube/apply-settings.js';
import { applyAndRecord } from '../../lib/drift/record.js';

/** `deps.kube`: where the client comes from; by default apply opens its own. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  const parsed = parseApplySettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  const { client, release } = await kube(resolveKubeconfigSource(parsed.kube, env), {
    maxSockets: parsed.settings.concurrency,
  });
  try {
    const { result, diffs } = await applyAndRecord(parsed.manifests!, parsed.secrets, parsed.settings, client, {
      logger: ctx.logger,
      clock,
    });
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
