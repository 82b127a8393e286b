import type { ActionContext } from '../../lib/runtime/context.js';
import { GateFailure, describeError, errorLine } from '../../lib/runtime/errors.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { parseDriftSettings } from '../../lib/drift/settings.js';
import { checkDrift } from '../../lib/drift/check.js';
import { driftSummary, exitCode, headline, itemLine, writeReport, type DriftReport } from '../../lib/drift/report.js';
import { syncDriftIssue, type IssuesApi } from '../../lib/github/issues.js';

/**
 * drift-check: outputs `status` (clean | drift | error), `drifted`, `report` (JSON path), and exits
 * 0 clean, 1 drift, 2 error. `deps.issues` replaces the GitHub client (tests).
 */
export async function run(
  ctx: ActionContext,
  deps: Partial<RunDeps> & { issues?: (token: string, apiUrl?: string) => IssuesApi } = {},
): Promise<void> {
  const { env, kube, clock } = runDeps(deps, { kube: ownClients() });
  const fail = (message: string): never => {
    ctx.setOutput('status', 'error');
    ctx.setOutput('drifted', 0);
    throw new GateFailure(message, 2);
  };
  let parsed: ReturnType<typeof parseDriftSettings>;
  try {
    parsed = parseDriftSettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  } catch (error) {
    return fail(errorLine(error));
  }
  let report: DriftReport;
  const lease = await kube(resolveKubeconfigSource(parsed.kube, env), { maxSockets: parsed.drift.concurrency }).catch(
    (error: unknown) => fail(errorLine(error)),
  );
  try {
    const checked = await checkDrift(parsed.drift, lease.client, ctx.logger, clock).catch((error: unknown) =>
      fail(errorLine(error)),
    );
    report = checked.report;
    if (parsed.mode === 'correct' && report.status === 'drift') {
      // loaded only to correct: it brings the rollout gate, which a check never needs
      const { correctDrift } = await import('../../lib/drift/correct.js');
      report = await correctDrift(report, checked.desired, parsed, lease.client, ctx.logger, clock);
    }
  } finally {
    lease.release();
  }
  for (const n of report.notes) ctx.logger.info(n);
  for (const w of report.warnings) ctx.logger.warning(w);
  for (const i of report.items) {
    ctx.logger.info(itemLine(i));
    if (i.diff) ctx.logger.info(i.diff);
  }
  for (const e of report.errors) ctx.logger.warning(`not checked: ${e.message}`);
  const file = writeReport(report, parsed.reportPath);
  ctx.setOutput('status', report.status);
  ctx.setOutput('drifted', report.drifted);
  ctx.setOutput('report', file);
  ctx.setOutput('fingerprint', report.fingerprint);
  ctx.setOutput('pending', report.pending);
  const summary = driftSummary(report);
  ctx.summary(summary);
  if (parsed.issue) {
    const { token, owner, repo, apiUrl } = parsed.issue;
    try {
      const api = (deps.issues ?? (await import('../../lib/github/octokit.js')).octokitIssues)(token, apiUrl);
      const outcome = await syncDriftIssue(api, {
        owner,
        repo,
        environment: report.environment,
        state: report.drifted > 0 ? 'drift' : report.status === 'clean' ? 'clean' : 'error',
        fingerprint: report.fingerprint,
        title: `Drift in environment ${report.environment}`,
        body: summary,
      });
      ctx.setOutput('issue', outcome.number ?? '');
      ctx.logger.info(`GitHub issue: ${outcome.action}${outcome.number ? ` (#${outcome.number})` : ''}`);
    } catch (error) {
      ctx.logger.warning(`Could not update the drift issue: ${describeError(error)}`);
    }
  }
  if (report.status !== 'clean') throw new GateFailure(headline(report).replace(/`/g, "'"), exitCode(report.status));
}
