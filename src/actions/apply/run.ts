import path from 'node:path';
import type { ActionContext } from '../../runner/index.js';
import { loadKubeConfig, resolveKubeconfigSource } from '../../lib/kube/config.js';
import { KubeClient } from '../../lib/kube/client.js';
import { applyManifests, type ApplySettings } from '../../lib/kube/apply.js';
import { applySummary } from '../../lib/kube/apply-report.js';
import { loadManifests, readSecretValues } from '../../lib/manifests/index.js';
import { ConfigurationError } from '../../lib/runtime/errors.js';
import { renderedDir } from '../render/run.js';

export async function run(ctx: ActionContext): Promise<void> {
  const { inputs } = ctx;
  ctx.setSecret(inputs.raw('kubeconfig-content'));
  const workspace = path.resolve(inputs.string('workspace', process.env.GITHUB_WORKSPACE || process.cwd()));
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
  // the workspace first (relative patterns resolve against it), then render's output folder
  const roots = [workspace, renderedDir(process.env)];
  const manifests = loadManifests(inputs.list('manifests'), roots);
  if (manifests.length === 0)
    throw ConfigurationError.forInput('manifests', inputs.raw('manifests'), 'files with at least one object');
  const kc = loadKubeConfig(
    resolveKubeconfigSource({
      file: inputs.optional('kubeconfig'),
      content: inputs.optional('kubeconfig-content'),
      context: inputs.optional('context'),
    }),
  );
  const client = await KubeClient.create(kc, { maxSockets: settings.concurrency });
  try {
    const { result, diffs } = await applyManifests(manifests, secrets, settings, client, ctx.logger);
    for (const d of diffs) if (d.diff) ctx.logger.info(d.diff);
    ctx.setOutput('created', result.counts.created);
    ctx.setOutput('changed', result.counts.changed);
    ctx.setOutput('unchanged', result.counts.unchanged);
    ctx.setOutput('pruned', result.counts.pruned);
    ctx.setOutput('result', result);
    ctx.summary(applySummary(result, diffs));
  } finally {
    client.close();
  }
}
