import type { ActionContext } from '../../runner/index.js';
import { loadKubeConfig, resolveKubeconfigSource } from '../../lib/kube/config.js';
import { KubeClient } from '../../lib/kube/client.js';
import { applyManifests } from '../../lib/kube/apply.js';
import { applySummary } from '../../lib/kube/apply-report.js';
import { parseApplyInputs } from './inputs.js';

export { parseApplyInputs, type ApplyInputs } from './inputs.js';

export async function run(ctx: ActionContext): Promise<void> {
  const parsed = parseApplyInputs(ctx, process.env);
  const kc = loadKubeConfig(resolveKubeconfigSource(parsed.kube));
  const client = await KubeClient.create(kc, { maxSockets: parsed.settings.concurrency });
  try {
    const { result, diffs } = await applyManifests(
      parsed.manifests!,
      parsed.secrets,
      parsed.settings,
      client,
      ctx.logger,
    );
    for (const d of diffs) if (d.diff) ctx.logger.info(d.diff);
    ctx.setOutput('created', result.counts.created);
    ctx.setOutput('changed', result.counts.changed);
    ctx.setOutput('unchanged', result.counts.unchanged);
    ctx.setOutput('pruned', result.counts.pruned);
    ctx.setOutput('result', result);
    ctx.summary(applySummary(result, diffs));
  } finally {
    client.close();
  }
}
