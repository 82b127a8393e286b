/**
 * Every stage's settings from the root action's inputs, parsed once before anything is built: each
 * stage's own parser reads its inputs under the names the root action gives them (inputs.generated.ts),
 * so every problem names what the user wrote, and all problems are reported together. k8s/ is rendered
 * here already, the pushed image's digest still pending, so a bad manifest stops the deploy before the
 * build. The stages then get these settings and hand each other values (src/lib/pipeline/stage-kit.ts).
 */
import { ConfigurationError, ConfigurationErrors } from '../../lib/runtime/errors.js';
import { Inputs } from '../../lib/runtime/inputs.js';
import { MemoryLogger } from '../../lib/runtime/logger.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import type { StageName } from '../../lib/pipeline/pipeline.js';
import type { StageSettings } from '../../lib/pipeline/stage-kit.js';
import { checkManifestImage, type DeploySettings } from '../../lib/pipeline/settings.js';
import { readBuildScanFiles } from '../../lib/image/build-and-scan.js';
import { parseBuildScanSettings } from '../../lib/image/settings.js';
import { parsePushEcrStageSettings } from '../../lib/ecr/settings.js';
import { loadIgnoreFile } from '../../lib/scan/ignore.js';
import { parseRenderSettings } from '../../lib/manifests/render-settings.js';
import { renderManifests } from '../../lib/manifests/render.js';
import { parseApplySettings } from '../../lib/kube/apply-settings.js';
import { parseRolloutGateStageSettings, parseRollbackStageSettings } from '../../lib/gates/settings.js';
import { parseHealthGateSettings } from '../../lib/health/settings.js';
import { ROOT_DEFAULTS, STAGE_INPUTS } from './inputs.generated.js';

/**
 * A stage's inputs, read from the root action's (renamed per inputs.generated.ts, with the root
 * defaults) and named in messages as the user wrote them there; `given` fills an input the root
 * action does not expose (build-scan's `image` is the root `repository`).
 */
export function stageInputs(parent: ActionContext, stage: StageName, given: Record<string, string> = {}): Inputs {
  const names = STAGE_INPUTS[stage] ?? {};
  return new Inputs(
    (name) => {
      if (name in given) return given[name]!;
      const rootName = names[name];
      if (!rootName) return '';
      return parent.inputs.raw(rootName) || ROOT_DEFAULTS[rootName] || '';
    },
    (name) => names[name] ?? name,
  );
}

/**
 * Every stage's settings, with the files they name read (build context, Dockerfile, ignore file, env
 * file) and k8s/ rendered with the digest pending; every problem at once, each prefixed by its stage.
 */
export async function parseStageSettings(
  parent: ActionContext,
  env: NodeJS.ProcessEnv,
  cwd: string,
  deploy: DeploySettings,
): Promise<StageSettings> {
  const mask = (secret: string): void => parent.setSecret(secret);
  const problems: string[] = [];
  const attempt = async <T>(stage: StageName, parse: (inputs: Inputs) => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await parse(stageInputs(parent, stage, stage === 'build-scan' ? { image: deploy.repository } : {}));
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      const list = error instanceof ConfigurationErrors ? error.problems : [error.message];
      problems.push(...list.map((p) => `${stage}: ${p}`));
      return undefined;
    }
  };

  const build = await attempt('build-scan', async (inputs) => {
    const settings = parseBuildScanSettings(inputs, env);
    await readBuildScanFiles(settings, cwd); // the context, the Dockerfile, the ignore file
    return settings;
  });
  const push = await attempt('push-ecr', async (inputs) => {
    const settings = parsePushEcrStageSettings(inputs, env);
    if (settings.scan?.ignoreFile) await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file');
    return settings;
  });
  // The whole render, digest pending and nothing written: a bad file in k8s/ — or a manifest image that
  // no container uses — stops the deploy before the image is built and pushed (to a repository that
  // may be IMMUTABLE). The objects are dry-run against the cluster beside the build.
  const render = await attempt('render', (inputs) => {
    const settings = parseRenderSettings(inputs, env, mask);
    const rendered = renderManifests(
      { ...settings, output: undefined, pendingImages: new Set([deploy.manifestImage]) },
      new MemoryLogger(),
    );
    checkManifestImage(rendered, deploy);
    return { settings, pending: rendered.objects };
  });
  const apply = await attempt('apply', (inputs) => parseApplySettings(inputs, env, mask, { loadFiles: false }));
  const rolloutGate = await attempt('rollout-gate', (inputs) => parseRolloutGateStageSettings(inputs, mask));
  const healthGate = deploy.health
    ? await attempt('health-gate', (inputs) => parseHealthGateSettings(inputs, mask))
    : undefined;
  const rollback = await attempt('rollback', (inputs) => parseRollbackStageSettings(inputs, mask));
  if (problems.length) throw new ConfigurationErrors(problems);
  return {
    build: build!,
    push: push!,
    render: render!.settings,
    manifestImage: deploy.manifestImage,
    pending: render!.pending,
    apply: apply!,
    rolloutGate: rolloutGate!,
    ...(healthGate ? { healthGate } : {}),
    rollback: rollback!,
  };
}

/** push-ecr's state in the root action's step: its keys prefixed by the stage, so its post step finds them. */
export function pushEcrState(parent: ActionContext): Pick<ActionContext, 'saveState' | 'getState'> {
  return {
    saveState: (name, value) => parent.saveState(`push-ecr.${name}`, value),
    getState: (name) => parent.getState(`push-ecr.${name}`),
  };
}

/** The push-ecr post step (logout, delete the docker config) with the stage's prefixed state. */
export async function stagePost(parent: ActionContext): Promise<void> {
  const { run } = await import('../push-ecr/post-run.js');
  await run({
    inputs: stageInputs(parent, 'push-ecr'),
    logger: parent.logger,
    setOutput: () => undefined,
    setSecret: (value) => parent.setSecret(value),
    summary: () => undefined,
    ...pushEcrState(parent),
  });
}
