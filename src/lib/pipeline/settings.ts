/** The root action's own settings (the stages' settings are parsed by their own parsers). */
import type { DeployEvent } from '../notify/notify.js';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { runUrlFromEnv } from '../runtime/github-env.js';
import { readEnvironment } from '../objects/environment.js';
import type { PipelineSettings } from './pipeline.js';
import { containerLists, parseImage } from '../manifests/images.js';
import type { RenderResult } from '../manifests/render.js';

/** An image name as the manifests write it (no tag, no digest): the one the pushed digest replaces. */
function checkImageName(input: string, value: string): string {
  const parsed = parseImage(value);
  if (!parsed || parsed.tag || parsed.digest || parsed.repository !== value)
    throw ConfigurationError.forInput(input, value, 'an image name without tag or digest, such as phlo/dagster');
  return value;
}

export interface DeploySettings extends PipelineSettings {
  /** True when input 'manifest-image' was given (else the manifest image is the repository's name). */
  manifestImageGiven: boolean;
  githubToken?: string;
  githubDeployment: boolean;
  reuseCommitImage: boolean;
}

const EVENTS: readonly DeployEvent[] = ['success', 'failure', 'rollback'];

export function parseDeploySettings(inputs: Inputs, env: NodeJS.ProcessEnv): DeploySettings {
  // Every problem of the root action's own inputs at once (both required ones missing → both named).
  const { problems, attempt } = collectProblems();
  const repository = attempt(() => inputs.required('repository', 'an ECR repository name such as phlo/dagster'));
  const environment = attempt(() => readEnvironment(inputs));
  const on = new Set<DeployEvent>();
  for (const e of inputs.list('notify-on', ['failure', 'rollback'])) {
    const event = e.toLowerCase() as DeployEvent;
    if (!EVENTS.includes(event))
      problems.push(ConfigurationError.forInput('notify-on', e, `some of ${EVENTS.join(', ')}`).message);
    on.add(event);
  }
  if (problems.length || repository === undefined || environment === undefined) throw new ConfigurationErrors(problems);
  const healthUrl = inputs.optional('health-url');
  const healthService = inputs.optional('health-service');
  const environmentUrl = inputs.url('environment-url')?.toString() ?? healthUrl;
  const runUrl = runUrlFromEnv(env);
  return {
    environment,
    repository,
    // the repository itself is checked by push-ecr's settings, under its own name
    manifestImage: inputs.optional('manifest-image')
      ? checkImageName('manifest-image', inputs.raw('manifest-image'))
      : repository,
    manifestImageGiven: Boolean(inputs.optional('manifest-image')),
    rollback: inputs.boolean('rollback', true),
    health: Boolean(healthUrl || healthService),
    environmentUrl,
    runUrl,
    repositoryLabel: env.GITHUB_REPOSITORY ?? repository,
    notify: {
      slackWebhookUrl: inputs.url('slack-webhook-url') && inputs.optional('slack-webhook-url'),
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

/**
 * The pushed digest must replace something: k8s/ rendered with the manifest image pending has to use
 * it in at least one container. Otherwise the deploy would apply the images the manifests name as they
 * are (a `:latest` that was never built here) — refused before the build, naming the input to fix.
 */
export function checkManifestImage(
  rendered: Pick<RenderResult, 'objects' | 'unusedPending'>,
  s: Pick<DeploySettings, 'manifestImage' | 'manifestImageGiven' | 'repository'>,
): void {
  if (!rendered.unusedPending.includes(s.manifestImage)) return;
  const used = new Set<string>();
  for (const m of rendered.objects)
    for (const list of containerLists(m.object, m.ref.kind))
      for (const c of list) {
        const image = typeof c.image === 'string' ? parseImage(c.image) : undefined;
        if (image) used.add(image.repository);
      }
  const known = used.size
    ? `one of the images they use: ${[...used].sort().join(', ')}`
    : 'none: they have no containers';
  const what = s.manifestImageGiven
    ? `Input 'manifest-image' is '${s.manifestImage}', and`
    : `Input 'manifest-image' is not set, so the pushed image replaces the image named like input 'repository' ('${s.repository}'), and`;
  throw new ConfigurationError(
    `${what} no container in the rendered manifests uses that image: the pushed digest would replace nothing and ` +
      `the manifests' own images would be deployed. Set 'manifest-image' to the image name in the manifests ` +
      `that the pushed digest replaces — ${known}.`,
  );
}
