import path from 'node:path';
import os from 'node:os';
import { ConfigurationError } from '../../lib/runtime/errors.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { parseImagesInput, readSecretValues, renderManifests, type RenderSettings } from '../../lib/manifests/index.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../../lib/manifests/validate.js';
import { renderSummary } from '../../lib/kube/apply-report.js';

/**
 * Where render writes by default, and the one folder outside the workspace that apply accepts
 * manifests from: `$RUNNER_TEMP/phlo-deploy` (or the system temp folder outside a runner).
 */
export function renderedDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'phlo-deploy');
}

/** Parses the render inputs (env gives the GitHub defaults: workspace, commit, run URL, temp dir). */
export function parseRenderInputs(
  ctx: Pick<ActionContext, 'inputs' | 'setSecret'>,
  env: NodeJS.ProcessEnv,
): RenderSettings {
  const inputs = ctx.inputs;
  // secrets first: masked before anything below can fail and print
  const inline = inputs.raw('secrets');
  const workspace = path.resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
  const values = readSecretValues(
    { envFile: inputs.optional('env-file'), inline: inline || undefined, workspace },
    (s) => ctx.setSecret(s),
  );
  const environment = inputs.required('environment', 'an environment name such as production, staging or local');
  const secretName = inputs.string('secret-name', 'phlo-secrets');
  const secretNamespace = inputs.string('secret-namespace', 'dagster');
  if (!DNS1123_SUBDOMAIN.test(secretName))
    throw ConfigurationError.forInput('secret-name', secretName, 'a DNS-1123 name');
  if (!DNS1123_LABEL.test(secretNamespace))
    throw ConfigurationError.forInput('secret-namespace', secretNamespace, 'a DNS-1123 label');
  const runUrl =
    inputs.optional('run-url') ??
    (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined);
  const commit = inputs.optional('commit') ?? env.GITHUB_SHA;
  if (commit && !/^[0-9a-f]{7,64}$/.test(commit))
    throw ConfigurationError.forInput('commit', commit, 'a git commit SHA (hex)');
  const output = inputs.optional('output') ?? path.join(renderedDir(env), `rendered-${environment}.yaml`);
  return {
    workspace,
    manifests: inputs.list('manifests', ['k8s']),
    environment,
    settingsFile: inputs.optional('settings'),
    images: parseImagesInput('images', inputs.map('images')),
    labels: inputs.map('labels'),
    annotations: inputs.map('annotations'),
    ...(values.size ? { secret: { name: secretName, namespace: secretNamespace, values } } : {}),
    commit,
    runUrl,
    output: path.resolve(workspace, output),
  };
}

export async function run(ctx: ActionContext): Promise<void> {
  const settings = parseRenderInputs(ctx, process.env);
  const result = renderManifests(settings, ctx.logger);
  ctx.logger.info(`Rendered ${result.refs.length} objects for '${settings.environment}' into ${result.path}`);
  ctx.setOutput('path', result.path ?? '');
  ctx.setOutput('count', result.refs.length);
  ctx.setOutput('objects', result.refs);
  ctx.summary(renderSummary(settings.environment, result.refs, result.path));
}
