/** The drift-check action's settings: parsed once, every problem at once (render's own parser for the desired state). */
import path from 'node:path';
import type { Inputs } from '../runtime/inputs.js';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import { parseRenderSettings, renderedDir } from '../manifests/render-settings.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import { loadIgnoreRules } from './ignore.js';
import type { DriftSettings } from './check.js';

export interface DriftActionSettings {
  drift: DriftSettings;
  kube: KubeconfigSettings;
  /** Where the JSON report is written. */
  reportPath: string;
  mode: 'detect' | 'correct';
  maxCorrections: number;
  /** GitHub issue per environment (needs a token and the repository). */
  issue?: { token: string; owner: string; repo: string; apiUrl?: string };
}

export function parseDriftSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): DriftActionSettings {
  const token = inputs.optional('github-token');
  if (token) mask(token);
  const kube = readKubeconfigInputs(inputs, mask);
  const render = parseRenderSettings(inputs, env, mask);
  const { problems, attempt } = collectProblems();
  const ignoreFile = inputs.optional('ignore-file');
  const ignoreRules = ignoreFile
    ? (attempt(() =>
        loadIgnoreRules(path.resolve(render.workspace, ignoreFile), ignoreFile, inputs.name('ignore-file')),
      ) ?? [])
    : [];
  const mode = inputs.string('mode', 'detect');
  if (mode !== 'detect' && mode !== 'correct')
    problems.push(
      ConfigurationError.forInput(inputs.name('mode'), mode, "'detect' (the default) or 'correct'").message,
    );
  const maxCorrections = attempt(() => inputs.int('max-corrections', 5, { min: 0, max: 10_000 })) ?? 5;
  const concurrency = attempt(() => inputs.int('concurrency', 16, { min: 1, max: 64 })) ?? 16;
  const full = attempt(() => inputs.boolean('full-check', false)) ?? false;
  const reportPath = path.resolve(
    render.workspace,
    inputs.optional('report') ?? path.join(renderedDir(env), `drift-${render.environment}.json`),
  );
  let issue: DriftActionSettings['issue'];
  if (attempt(() => inputs.boolean('issue', !!token))) {
    const repository = inputs.optional('repository') ?? env.GITHUB_REPOSITORY;
    if (!token) problems.push("Input 'issue' is true but 'github-token' is not set.");
    else if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository))
      problems.push(
        ConfigurationError.forInput(
          inputs.name('repository'),
          repository ?? '',
          'owner/name (default $GITHUB_REPOSITORY)',
        ).message,
      );
    else {
      const [owner, repo] = repository.split('/') as [string, string];
      issue = { token, owner, repo, ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}) };
    }
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return {
    drift: { render: { ...render, output: undefined }, ignoreRules, concurrency, full },
    kube,
    reportPath,
    mode: mode as 'detect' | 'correct',
    maxCorrections,
    ...(issue ? { issue } : {}),
  };
}
