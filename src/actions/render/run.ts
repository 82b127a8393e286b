import type { ActionContext } from '../../lib/runtime/context.js';
import { parseRenderSettings, renderManifests } from '../../lib/manifests/index.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { renderSummary } from '../../lib/kube/apply-report.js';

export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const settings = parseRenderSettings(ctx.inputs, runDeps(deps).env, (s) => ctx.setSecret(s));
  const result = renderManifests(settings, ctx.logger);
  ctx.logger.info(`Rendered ${result.refs.length} objects for '${settings.environment}' into ${result.path}`);
  ctx.setOutput('path', result.path ?? '');
  ctx.setOutput('count', result.refs.length);
  ctx.setOutput('objects', result.refs);
  ctx.summary(renderSummary(settings.environment, result.refs, result.path));
}
