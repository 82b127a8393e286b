import { GitHubDeployment } from '../../lib/github/deployments.js';
import { notify, type DeployEvent } from '../../lib/notify/notify.js';
import { runPipeline, type PipelineSettings } from '../../lib/pipeline/pipeline.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { ConfigurationError, GateFailure } from '../../lib/runtime/errors.js';
import type { Inputs } from '../../lib/runtime/inputs.js';
import type { ActionContext } from '../../lib/runtime/context.js';

const EVENTS: readonly DeployEvent[] = ['success', 'failure', 'rollback'];

export function parseDeploySettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
): PipelineSettings & { githubToken?: string; githubDeployment: boolean; reuseCommitImage: boolean } {
  const repository = inputs.required('repository', 'an ECR repository name such as phlo/dagster');
  const environment = inputs.required('environment', 'an environment name such as production, staging or local');
  const on = new Set<DeployEvent>();
  for (const e of inputs.list('notify-on', ['failure', 'rollback'])) {
    const event = e.toLowerCase() as DeployEvent;
    if (!EVENTS.includes(event)) throw ConfigurationError.forInput('notify-on', e, `some of ${EVENTS.join(', ')}`);
    on.add(event);
  }
  const healthUrl = inputs.optional('health-url');
  const healthService = inputs.optional('health-service');
  const environmentUrl = inputs.url('environment-url')?.toString() ?? healthUrl;
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  return {
    environment,
    repository,
    manifestImage: inputs.string('manifest-image', repository),
    rollback: inputs.boolean('rollback', true),
    health: Boolean(healthUrl || healthService),
    environmentUrl,
    runUrl,
    repositoryLabel: env.GITHUB_REPOSITORY ?? repository,
    notify: {
      slackWebhookUrl: inputs.optional('slack-webhook-url'),
      pagerdutyRoutingKey: inputs.optional('pagerduty-routing-key'),
      pagerdutyEventsUrl: inputs.url('pagerduty-events-url', 'https://events.pagerduty.com/v2/enqueue')!.toString(),
      on,
      timeoutMs: 10_000,
    },
    githubToken: inputs.optional('github-token'),
    githubDeployment: inputs.boolean('github-deployment', true),
    reuseCommitImage: inputs.boolean('reuse-commit-image', true),
  };
}

export async function run(ctx: ActionContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Mask every secret the root action takes before anything can print it.
  for (const name of [
    'slack-webhook-url',
    'pagerduty-routing-key',
    'github-token',
    'kubeconfig-content',
    'trivy-db-password',
  ]) {
    ctx.setSecret(ctx.inputs.raw(name));
  }
  const settings = parseDeploySettings(ctx.inputs, env);

  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const deployment =
    settings.githubDeployment && settings.githubToken && owner && repo && env.GITHUB_SHA
      ? new GitHubDeployment(
          // Octokit loads only when there is a deployment to record.
          (await import('../../lib/github/octokit.js')).octokitDeployments(settings.githubToken, env.GITHUB_API_URL),
          {
            owner,
            repo,
            ref: env.GITHUB_SHA,
            environment: settings.environment,
            production: settings.environment === 'production',
            logUrl: settings.runUrl,
          },
          ctx.logger,
        )
      : undefined;

  // The stages (and the clients they pull in) load only once the root inputs are known to be sound.
  const { stageKit } = await import('./stages.js');
  const kit = stageKit(ctx, env);
  const result = await runPipeline(settings, {
    stages: kit.stages,
    logger: ctx.logger,
    clock: systemClock,
    deployment,
    notify: (notice) => notify(notice, settings.notify, { logger: ctx.logger }),
    preload: kit.preload,
    dispose: kit.dispose,
    checkCluster: kit.checkCluster,
    ...(settings.reuseCommitImage ? { findCommitImage: kit.findCommitImage } : {}),
  });

  for (const [name, value] of Object.entries(result.outputs)) ctx.setOutput(name, value);
  ctx.summary(result.summary);
  if (result.failure !== undefined) {
    if (result.failure instanceof ConfigurationError) throw result.failure;
    throw new GateFailure(`${settings.environment}: ${result.headline}`);
  }
  ctx.logger.info(`${settings.environment}: ${result.headline}`);
}
