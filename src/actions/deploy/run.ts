import { GitHubDeployment } from '../../lib/github/deployments.js';
import { notify } from '../../lib/notify/notify.js';
import { runPipeline } from '../../lib/pipeline/pipeline.js';
import { parseDeploySettings } from '../../lib/pipeline/settings.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { ConfigurationError, GateFailure } from '../../lib/runtime/errors.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { runDeps, type RunDeps } from '../../lib/pipeline/run-deps.js';

/** `deps.exec` and `deps.kube` reach every stage (tests record them); by default docker and the cluster. */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { env } = runDeps(deps);
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
  const { stageKit, stagePost } = await import('./stages.js');
  const kit = stageKit(ctx, env, deps);
  const result = await runPipeline(settings, {
    stages: kit.stages,
    logger: ctx.logger,
    clock: systemClock,
    deployment,
    notify: (notice) => notify(notice, settings.notify, { logger: ctx.logger }),
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
