/** The apply action's inputs, parsed without loading the Kubernetes client (the pipeline checks them first). */
import path from 'node:path';
import type { ActionContext } from '../../lib/runtime/context.js';
import type { KubeconfigSettings } from '../../lib/kube/source.js';
import type { ApplySettings } from '../../lib/kube/apply.js';
import { loadManifests, readSecretValues, type Manifest, type SecretValues } from '../../lib/manifests/index.js';
import { ConfigurationError } from '../../lib/runtime/errors.js';
import { renderedDir } from '../render/run.js';

export interface ApplyInputs {
  settings: ApplySettings;
  /** Placeholder Secret values (masked, in memory). */
  secrets: SecretValues;
  kube: KubeconfigSettings;
  /** The workspace first, then render's output folder. */
  roots: string[];
  patterns: string[];
  /** Loaded and validated manifests (absent with `loadFiles: false`). */
  manifests?: Manifest[];
}

/**
 * Parses the apply inputs. Masks secrets first. With `loadFiles: false` (the pipeline's up-front
 * validation, before render has written anything) the manifests are not read.
 */
export function parseApplyInputs(
  ctx: Pick<ActionContext, 'inputs' | 'setSecret'>,
  env: NodeJS.ProcessEnv,
  options: { loadFiles?: boolean } = {},
): ApplyInputs {
  const { inputs } = ctx;
  ctx.setSecret(inputs.raw('kubeconfig-content'));
  const workspace = path.resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
  const secrets = readSecretValues(
    { envFile: inputs.optional('env-file'), inline: inputs.raw('secrets') || undefined, workspace },
    (s) => ctx.setSecret(s),
  );
  const environment = inputs.optional('environment');
  if (environment && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(environment)) {
    throw ConfigurationError.forInput('environment', environment, 'a lowercase environment name');
  }
  const settings: ApplySettings = {
    environment,
    dryRun: inputs.boolean('dry-run', false),
    prune: inputs.boolean('prune', false),
    maxPrune: inputs.int('max-prune', 5, { min: 0, max: 10_000 }),
    pruneAllow: inputs.list('prune-allow'),
    forceConflicts: inputs.boolean('force-conflicts', false),
    concurrency: inputs.int('concurrency', 8, { min: 1, max: 64 }),
  };
  for (const entry of settings.pruneAllow) {
    if (!/^(Namespace\/[a-z0-9-]+|PersistentVolumeClaim\/[a-z0-9-]+\/[a-z0-9.-]+)$/.test(entry)) {
      throw ConfigurationError.forInput(
        'prune-allow',
        entry,
        'Namespace/<name> or PersistentVolumeClaim/<namespace>/<name>, one per line',
      );
    }
  }
  const kube: KubeconfigSettings = {
    file: inputs.optional('kubeconfig'),
    content: inputs.optional('kubeconfig-content'),
    context: inputs.optional('context'),
  };
  const roots = [workspace, renderedDir(env)];
  const patterns = inputs.list('manifests');
  const parsed: ApplyInputs = { settings, secrets, kube, roots, patterns };
  if (options.loadFiles !== false) {
    if (patterns.length === 0) {
      throw new ConfigurationError(
        "Input 'manifests' is required but was not set: expected the render action's `path` output, or files, folders or globs.",
      );
    }
    parsed.manifests = loadManifests(patterns, roots);
    if (parsed.manifests.length === 0) {
      throw ConfigurationError.forInput('manifests', patterns.join(', '), 'files with at least one Kubernetes object');
    }
  }
  return parsed;
}
