import { GitHubDeployment } from '../../lib/github/deployments.js';
import { notify } from '../../lib/notify/notify.js';
import { runPipeline } from '../../lib/pipeline/pipeline.js';
import { parseDeploySettings } from '../../lib/pipeline/settings.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { ConfigurationError, GateFailure } from '../../lib/runtime/errors.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';
import { recordDockerConfig } from '../push-ecr/state.js';

/** `deps.exec` and `deps.kube` reach every stage (tests record them); by default docker and the cluster. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env, cwd, exec, clock, gitFacts } = runDeps(deps);
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
  // Every stage's settings, before anything is built (and before the stages' code loads).
  const { parseStageSettings, pushEcrState, stagePost } = await import('./stages.js');
  const stageSettings = await parseStageSettings(ctx, env, cwd, settings);

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

  const { pipelineStages } = await import('../../lib/pipeline/stage-kit.js');
  const kit = pipelineStages(stageSettings, {
    logger: ctx.logger,
    exec,
    clock,
    env,
    cwd,
    gitFacts,
    ...(deps.kube ? { kube: deps.kube } : {}),
    mask: (secret) => ctx.setSecret(secret),
    onDockerConfig: recordDockerConfig(pushEcrState(ctx)),
  });
  const result = await runPipeline(settings, {
    stages: kit.stages,
    logger: ctx.logger,
    clock: systemClock,
    deployment,
    notify: (notice) => notify(notice, settings.notify, { logger: ctx.logger }),
    preparePush: kit.preparePush,
    preload: kit.preload,
    dispose: kit.dispose,
    forgetRegistryCredentials: () => stagePost(ctx),
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
