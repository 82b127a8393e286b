import type { RDSClient } from '@aws-sdk/client-rds';
import type { ActionContext } from '../../lib/runtime/context.js';
import { GateFailure, errorLine } from '../../lib/runtime/errors.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients, type KubeLease } from '../../lib/kube/clients.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { createAwsClient } from '../../lib/aws/client.js';
import { notify, type DeployNotice } from '../../lib/notify/notify.js';
import { parseRestoreSettings } from '../../lib/restore/settings.js';

/**
 * restore: the dry run always, then — only when `confirm` equals the environment's name — the
 * writers. Outputs `result` (planned | restored | refused | failed), `mode`, `set-id`, `report`, and
 * what was created (`target-prefix`, `database`, `rds-instance`). A refused or failed run fails the
 * step after the summary and the JSON report are written, and notifies. `deps.notify` replaces
 * Slack/PagerDuty delivery (tests).
 */
export async function run(
  ctx: ActionContext,
  deps: Partial<RunDeps> & { notify?: (notice: DeployNotice) => Promise<unknown> } = {},
): Promise<void> {
  const { env, kube, clock, exec } = runDeps(deps, { kube: ownClients() });
  let settings: ReturnType<typeof parseRestoreSettings>;
  try {
    settings = parseRestoreSettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  } catch (error) {
    ctx.setOutput('result', 'refused');
    throw new GateFailure(errorLine(error));
  }
  // The AWS SDK and the restore library load only once the inputs are valid.
  const [
    { S3Client },
    { RDSClient },
    { backupStore },
    { runRestore, writeRestoreReport },
    { runDrill },
    { restoreHeadline, restoreSummary },
  ] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-rds'),
    import('../../lib/backup/store.js'),
    import('../../lib/restore/restore.js'),
    import('../../lib/restore/drill.js'),
    import('../../lib/restore/summary.js'),
  ]);
  const aws = { region: settings.aws.region };
  const s3 = createAwsClient(S3Client, {
    ...aws,
    ...(settings.aws.s3Endpoint ? { endpoint: settings.aws.s3Endpoint, forcePathStyle: true } : {}),
  });
  let rds: RDSClient | undefined;
  let lease: KubeLease | undefined;
  try {
    if (settings.what.includes('database'))
      rds = createAwsClient(RDSClient, {
        ...aws,
        ...(settings.aws.rdsEndpoint ? { endpoint: settings.aws.rdsEndpoint } : {}),
      });
    if (settings.what.includes('cluster') && !settings.drill) {
      // a cluster is needed only when the set holds cluster objects: the plan says so if it is missing
      lease = await kube(resolveKubeconfigSource(settings.kube, env)).catch((error: unknown) => {
        if (settings.whatExplicit) throw error;
        ctx.logger.info(`No cluster configured (${errorLine(error)}); cluster objects cannot be restored.`);
        return undefined;
      });
    }
    const store = backupStore(s3, settings.backup.bucket, settings.backup.prefix);
    const ports = {
      s3,
      ...(rds ? { rds } : {}),
      ...(lease ? { kube: lease.client } : {}),
      exec,
      logger: ctx.logger,
      clock,
      env,
    };
    const { report } = settings.drill
      ? await runDrill(settings, store, ports)
      : await runRestore(settings, store, ports);
    ctx.setOutput('last-verified-restore', report.drill?.lastVerifiedRestore ?? '');
    const file = writeRestoreReport(report, settings.reportPath);
    ctx.setOutput('result', report.result);
    ctx.setOutput('mode', report.mode);
    ctx.setOutput('set-id', report.setId ?? '');
    ctx.setOutput('report', file);
    ctx.setOutput(
      'target-prefix',
      report.plan?.lake ? `s3://${report.plan.lake.targetBucket}/${report.plan.lake.targetPrefix}` : '',
    );
    ctx.setOutput('database', report.written.dumps.map((d) => d.database).join(','));
    ctx.setOutput('rds-instance', report.written.rds?.instance ?? '');
    ctx.summary(restoreSummary(report));
    const headline = restoreHeadline(report);
    ctx.logger.info(headline);
    if (report.result === 'refused' || report.result === 'failed') {
      const notice: DeployNotice = {
        event: 'failure',
        environment: settings.environment,
        repository: settings.repository,
        headline: headline.split('\n')[0]!,
        ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
        details: { set: report.setId ?? '-', mode: report.mode, 'started by': settings.actor ?? 'unknown' },
      };
      await (deps.notify ?? ((n) => notify(n, settings.notify, { logger: ctx.logger })))(notice);
      throw new GateFailure(headline.replace(/`/g, "'"));
    }
  } finally {
    lease?.release();
    s3.destroy();
    rds?.destroy();
  }
}
