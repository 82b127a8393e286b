/**
 * The render action's settings: parsed once from its inputs (the root pipeline parses them before
 * anything is built), with every check that needs no file (environment name, labels, annotations,
 * workspace, Secret name) done here rather than half-way through a deploy.
 */
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { runUrlFromEnv } from '../runtime/github-env.js';
import { checkEnvironmentName } from '../objects/environment.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../objects/names.js';
import { parseImagesInput } from './images.js';
import { realRoots } from './load.js';
import { readSecretValues } from './secrets.js';
import { LABEL_VALUE, QUALIFIED_NAME } from './validate.js';
import type { RenderSettings } from './render.js';

/**
 * Where render writes by default, and the one folder outside the workspace that apply accepts
 * manifests from: `$RUNNER_TEMP/phlo-deploy` (or the system temp folder outside a runner).
 */
export function renderedDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'phlo-deploy');
}

/**
 * The checks of render's settings that need no manifest: every problem at once. `renderManifests`
 * runs them too, for callers that build RenderSettings themselves.
 */
export function checkRenderSettings(
  s: Pick<RenderSettings, 'environment' | 'labels' | 'annotations' | 'workspace'>,
  name: (input: string) => string = (input) => input,
): void {
  const { problems, attempt } = collectProblems();
  attempt(() => checkEnvironmentName(name('environment'), s.environment));
  for (const [k, v] of s.labels) {
    if (!QUALIFIED_NAME.test(k) || v.length > 63 || !LABEL_VALUE.test(v)) {
      problems.push(
        ConfigurationError.forInput(
          name('labels'),
          `${k}=${v}`,
          'label key=value pairs (a value of at most 63 letters, digits, -, _ or .)',
        ).message,
      );
    }
  }
  for (const k of s.annotations.keys()) {
    if (!QUALIFIED_NAME.test(k))
      problems.push(
        ConfigurationError.forInput(name('annotations'), k, 'annotation keys such as example.com/name').message,
      );
  }
  if (realRoots([s.workspace]).length === 0)
    problems.push(ConfigurationError.forInput(name('workspace'), s.workspace, 'an existing folder').message);
  if (problems.length) throw new ConfigurationErrors(problems);
}

/** Parses the render inputs (env gives the GitHub defaults: workspace, commit, run URL, temp dir). */
export function parseRenderSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): RenderSettings {
  // secrets first: masked before anything below can fail and print
  const workspace = path.resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
  const values = readSecretValues(
    { envFile: inputs.optional('env-file'), inline: inputs.raw('secrets') || undefined, workspace },
    mask,
  );
  const { problems, attempt } = collectProblems();
  const environment = inputs.required('environment', 'an environment name such as production, staging or local');
  const secretName = inputs.string('secret-name', 'phlo-secrets');
  const secretNamespace = inputs.string('secret-namespace', 'dagster');
  if (!DNS1123_SUBDOMAIN.test(secretName))
    problems.push(ConfigurationError.forInput('secret-name', secretName, 'a DNS-1123 name').message);
  if (!DNS1123_LABEL.test(secretNamespace))
    problems.push(ConfigurationError.forInput('secret-namespace', secretNamespace, 'a DNS-1123 label').message);
  const runUrl = attempt(() => inputs.url('run-url') && inputs.optional('run-url')) ?? runUrlFromEnv(env);
  const commit = inputs.optional('commit') ?? env.GITHUB_SHA;
  if (commit && !/^[0-9a-f]{7,64}$/.test(commit))
    problems.push(ConfigurationError.forInput('commit', commit, 'a git commit SHA (hex)').message);
  const output = inputs.optional('output') ?? path.join(renderedDir(env), `rendered-${environment}.yaml`);
  const settings: RenderSettings = {
    workspace,
    manifests: inputs.list('manifests', ['k8s']),
    environment,
    settingsFile: inputs.optional('settings'),
    images: attempt(() => parseImagesInput(inputs.name('images'), inputs.map('images'))) ?? new Map(),
    labels: attempt(() => inputs.map('labels')) ?? new Map(),
    annotations: attempt(() => inputs.map('annotations')) ?? new Map(),
    ...(values.size ? { secret: { name: secretName, namespace: secretNamespace, values } } : {}),
    commit,
    runUrl,
    ...(env.GITHUB_REPOSITORY ? { owner: env.GITHUB_REPOSITORY } : {}),
    output: path.resolve(workspace, output),
  };
  attempt(() => checkRenderSettings(settings, (input) => inputs.name(input)));
  if (problems.length) throw new ConfigurationErrors(problems);
  return settings;
}
