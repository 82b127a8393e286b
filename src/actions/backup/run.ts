import type { RDSClient } from '@aws-sdk/client-rds';
import type { ActionContext } from '../../lib/runtime/context.js';
import { GateFailure, errorLine } from '../../lib/runtime/errors.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { ownClients } from '../../lib/kube/clients.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';
import { awsEndpointFromEnv, createAwsClient } from '../../lib/aws/client.js';
import { notify, type DeployNotice } from '../../lib/notify/notify.js';
import { parseBackupSettings } from '../../lib/backup/settings.js';

/**
 * backup: one phase of a backup set (begin, lake, finish) or all of them. Outputs `set-id`, `state`,
 * `objects`, `copied`, `verified`, `last-complete-age-hours`, `shard-matrix`, `report`; a failed run fails the step
 * after the summary is written, and notifies. `deps.notify` replaces Slack/PagerDuty delivery (tests).
 * The AWS SDK and the backup library load only once the inputs are valid: a mistake is reported
 * without paying for them.
 */
export async function run(
  ctx: ActionContext,
  deps: Partial<RunDeps> & { notify?: (notice: DeployNotice) => Promise<unknown> } = {},
): Promise<void> {
  const { env, kube, clock, exec } = runDeps(deps, { kube: ownClients() });
  let settings: ReturnType<typeof parseBackupSettings>;
  try {
    settings = parseBackupSettings(ctx.inputs, env, (s) => ctx.setSecret(s));
  } catch (error) {
    ctx.setOutput('state', 'none');
    throw new GateFailure(errorLine(error));
  }
  const [{ S3Client }, { RDSClient }, { backupFailure, runBackup }, { backupSummary, writeBackupReport }] =
    await Promise.all([
      import('@aws-sdk/client-s3'),
      import('@aws-sdk/client-rds'),
      import('../../lib/backup/backup.js'),
      import('../../lib/backup/summary.js'),
    ]);
  const aws = { region: settings.region };
  const s3 = createAwsClient(S3Client, { ...aws, endpoint: awsEndpointFromEnv('S3', env) });
  let rds: RDSClient | undefined;
  try {
    const result = await runBackup(settings, {
      s3,
      rds: () => (rds ??= createAwsClient(RDSClient, { ...aws, endpoint: awsEndpointFromEnv('RDS', env) })),
      kube: () => kube(resolveKubeconfigSource(settings.kube, env)),
      exec,
      env,
      clock,
      logger: ctx.logger,
      notify: deps.notify ?? ((notice) => notify(notice, settings.notify, { logger: ctx.logger })),
    });
    const file = writeBackupReport(result, settings.reportPath);
    ctx.setOutput('set-id', result.setId ?? '');
    ctx.setOutput('state', result.state);
    ctx.setOutput('objects', result.lake?.objects ?? 0);
    ctx.setOutput('copied', result.lake?.copied ?? 0);
    ctx.setOutput(
      'verified',
      result.verification ? `${result.verification.verified}/${result.verification.total}` : '',
    );
    ctx.setOutput(
      'last-complete-age-hours',
      result.freshness?.ageHours === undefined ? '' : result.freshness.ageHours.toFixed(1),
    );
    ctx.setOutput(
      'shard-matrix',
      JSON.stringify(Array.from({ length: settings.shards }, (_, i) => `${i + 1}/${settings.shards}`)),
    );
    ctx.setOutput('report', file);
    ctx.summary(backupSummary(result));
    const failure = backupFailure(result);
    if (failure) throw failure;
  } finally {
    s3.destroy();
    rds?.destroy();
  }
}
