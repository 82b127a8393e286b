import type { ActionContext } from '../../lib/runtime/context.js';
import { GateFailure, errorLine } from '../../lib/runtime/errors.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { notify, type DeployNotice } from '../../lib/notify/notify.js';
import { parseCutoverSettings } from '../../lib/restore/cutover-settings.js';
import { runCutover } from '../../lib/restore/cutover.js';
import { cutoverHeadline, cutoverSummary, writeCutoverReport } from '../../lib/restore/cutover-summary.js';

/**
 * cutover: repoints the platform at what a restore created — new connection settings into the
 * environment's ConfigMaps/Secret through render and apply, the Dagster and Nessie workloads
 * restarted, the rollout and health gates, a rollback on failure. A dry run unless `confirm` names the
 * environment. Outputs `result` (planned | cut-over | rolled-back | refused | failed), `report`,
 * `restarted`. Anything but planned and cut-over fails the step after the summary is written.
 * `deps.notify` replaces Slack/PagerDuty delivery (tests).
 */
export async function run(
  ctx: ActionContext,
  deps: Partial<RunDeps> & { notify?: (notice: DeployNotice) => Promise<unknown> } = {},
): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  let settings: ReturnType<typeof parseCutoverSettings>;
  try {
    settings = parseCutoverSettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  } catch (error) {
    ctx.setOutput('result', 'refused');
    throw new GateFailure(errorLine(error));
  }
  const { client, release } = await kube(resolveKubeconfigSource(settings.kube, env));
  try {
    const report = await runCutover(settings, {
      client,
      logger: ctx.logger,
      clock,
      notify: deps.notify ?? ((n) => notify(n, settings.notify, { logger: ctx.logger })),
    });
    ctx.setOutput('result', report.result);
    ctx.setOutput('report', writeCutoverReport(report, settings.reportPath));
    ctx.setOutput('restarted', report.restart.map((r) => `${r.kind}/${r.namespace}/${r.name}`).join(','));
    ctx.summary(cutoverSummary(report));
    const headline = cutoverHeadline(report);
    ctx.logger.info(headline);
    if (report.result !== 'planned' && report.result !== 'cut-over') throw new GateFailure(headline.replace(/`/g, "'"));
  } finally {
    release();
  }
}
