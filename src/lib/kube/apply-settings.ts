/** The apply action's settings, parsed without loading the Kubernetes client (the pipeline checks them first). */
import path from 'node:path';
import type { Inputs } from '../runtime/inputs.js';
import { ConfigurationError } from '../runtime/errors.js';
import { readEnvironment } from '../objects/environment.js';
import { loadManifests, readSecretValues, renderedDir, type Manifest, type SecretValues } from '../manifests/index.js';
import { readKubeconfigInputs, type KubeconfigSettings } from './source.js';
import type { ApplySettings } from './apply.js';

export interface ApplyActionSettings {
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
export function parseApplySettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
  options: { loadFiles?: boolean } = {},
): ApplyActionSettings {
  const kube = readKubeconfigInputs(inputs, mask);
  const workspace = path.resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
  const secrets = readSecretValues(
    { envFile: inputs.optional('env-file'), inline: inputs.raw('secrets') || undefined, workspace },
    mask,
  );
  const environment = readEnvironment(inputs, { optional: true });
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
  const roots = [workspace, renderedDir(env)];
  const patterns = inputs.list('manifests');
  const parsed: ApplyActionSettings = { settings, secrets, kube, roots, patterns };
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
