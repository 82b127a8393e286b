/**
 * The pipeline's stage ports, made from the separate actions: each stage runs that action's own
 * `run` through a sub-context whose inputs are the root action's (renamed per inputs.generated.ts)
 * plus what earlier stages produced, and whose outputs and summary are collected for the pipeline.
 */
import { ConfigurationErrors } from '../../lib/runtime/errors.js';
import { Inputs } from '../../lib/runtime/inputs.js';
import type { StageName, StagePort, StageRun, Wired } from '../../lib/pipeline/pipeline.js';
import { parseBuildScanSettings } from '../../lib/image/settings.js';
import { parsePushEcrSettings } from '../../lib/ecr/settings.js';
import { parseGateInputs, parseRollbackInputs } from '../../lib/gates/settings.js';
import { parseHeaders, parsePolicy, parseUrlSettings } from '../../lib/health/settings.js';
import type { ActionContext } from '../../runner/index.js';
import { run as buildScan } from '../build-scan/run.js';
import { run as pushEcr } from '../push-ecr/run.js';
import { parseRenderInputs, run as render } from '../render/run.js';
import { parseApplyInputs, run as apply } from '../apply/run.js';
import { run as rolloutGate } from '../rollout-gate/run.js';
import { run as healthGate } from '../health-gate/run.js';
import { run as rollback } from '../rollback/run.js';
import { createEcrClient } from '../../lib/ecr/client.js';
import { findPushedImage } from '../../lib/ecr/push.js';
import { gitFacts } from '../../lib/image/git.js';
import { deriveTags, parseTagRules } from '../../lib/image/tags.js';
import { spawnExec } from '../../lib/registry/exec.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { ROOT_DEFAULTS, STAGE_INPUTS } from './inputs.generated.js';

type Run = (ctx: ActionContext) => Promise<void>;

const RUNS: Record<StageName, Run> = {
  'build-scan': buildScan,
  'push-ecr': pushEcr,
  render,
  apply,
  'rollout-gate': rolloutGate,
  'health-gate': healthGate,
  rollback,
};

/** Side-effect-free settings parsers, one per stage (the same ones the actions call first). */
const VALIDATE: Record<StageName, (ctx: ActionContext) => void> = {
  'build-scan': (ctx) => void parseBuildScanSettings(ctx.inputs, process.env),
  'push-ecr': (ctx) => void parsePushEcrSettings(ctx.inputs, process.env),
  render: (ctx) => void parseRenderInputs(ctx, process.env),
  apply: (ctx) => void parseApplyInputs(ctx, process.env, { loadFiles: false }),
  'rollout-gate': (ctx) => void parseGateInputs(ctx.inputs),
  'health-gate': (ctx) => {
    parseHeaders(ctx.inputs.raw('headers'));
    parseUrlSettings(ctx.inputs);
    parsePolicy(ctx.inputs);
  },
  rollback: (ctx) => void parseRollbackInputs(ctx.inputs),
};

/** The sub-context a stage runs in. State keys are prefixed by the stage, so post steps find theirs. */
export function stageContext(parent: ActionContext, stage: StageName, wired: Wired, into: StageRun): ActionContext {
  const names = STAGE_INPUTS[stage] ?? {};
  return {
    inputs: new Inputs((name) => {
      if (name in wired) return wired[name]!;
      const rootName = names[name];
      if (!rootName) return '';
      return parent.inputs.raw(rootName) || ROOT_DEFAULTS[rootName] || '';
    }),
    logger: parent.logger,
    setOutput: (name, value) => {
      into.outputs[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
    setSecret: (value) => parent.setSecret(value),
    summary: (md) => into.summaries.push(md),
    saveState: (name, value) => parent.saveState(`${stage}.${name}`, value),
    getState: (name) => parent.getState(`${stage}.${name}`),
  };
}

export function stagePorts(parent: ActionContext): Record<StageName, StagePort> {
  const port = (stage: StageName): StagePort => ({
    validate: (wired) => {
      const scratch: StageRun = { outputs: {}, summaries: [] };
      try {
        VALIDATE[stage](stageContext(parent, stage, wired, scratch));
      } catch (error) {
        // Report the root action's input names, which is what the user wrote.
        throw renameInputs(error, stage);
      }
    },
    run: async (wired) => {
      const result: StageRun = { outputs: {}, summaries: [] };
      try {
        await RUNS[stage](stageContext(parent, stage, wired, result));
      } catch (error) {
        result.error = renameInputs(error, stage);
      }
      return result;
    },
  });
  return Object.fromEntries((Object.keys(RUNS) as StageName[]).map((s) => [s, port(s)])) as Record<
    StageName,
    StagePort
  >;
}

/** `Input 'timeout'` in a stage's message becomes `Input 'rollout-timeout'`, the root's name. */
export function renameInputs(error: unknown, stage: StageName): unknown {
  if (!(error instanceof Error)) return error;
  const names = STAGE_INPUTS[stage] ?? {};
  const rename = (text: string): string =>
    text.replace(/'([a-z0-9-]+)'/g, (whole, name: string) =>
      names[name] && names[name] !== name ? `'${names[name]}'` : whole,
    );
  if (error instanceof ConfigurationErrors) {
    return new ConfigurationErrors(error.problems.map(rename));
  }
  const renamed = rename(error.message);
  if (renamed === error.message) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  Object.assign(copy, error);
  Object.defineProperty(copy, 'message', { value: renamed, enumerable: false, writable: true });
  copy.stack = error.stack;
  return copy;
}

/** The push-ecr post step (logout, delete the docker config) with the stage's prefixed state. */
export async function stagePost(parent: ActionContext): Promise<void> {
  const { run } = await import('../push-ecr/post-run.js');
  await run(stageContext(parent, 'push-ecr', {}, { outputs: {}, summaries: [] }));
}

/**
 * Finds the image an earlier run pushed for this commit (its `sha-…` tag) — read-only: the ECR
 * token and one manifest HEAD. Undefined when the tag rules make no commit tag or nothing is there.
 */
export async function findCommitImage(
  parent: ActionContext,
  repository: string,
  env: NodeJS.ProcessEnv,
): Promise<{ image: string; digest: string; tag: string } | undefined> {
  const rootRules = parent.inputs.raw('tag-rules') || ROOT_DEFAULTS['tag-rules'] || '';
  const rules = parseTagRules(
    'tag-rules',
    rootRules
      .split(/[\n,]/)
      .map((r) => r.trim())
      .filter(Boolean),
  );
  if (!rules.includes('sha')) return undefined;
  const facts = await gitFacts({ env, exec: spawnExec, cwd: process.cwd() });
  const tag = deriveTags(facts, ['sha']).tags[0];
  if (!tag) return undefined;
  const scratch: StageRun = { outputs: {}, summaries: [] };
  const settings = parsePushEcrSettings(
    stageContext(parent, 'push-ecr', { image: repository, tags: tag }, scratch).inputs,
    env,
  );
  const ecr = createEcrClient({
    region: settings.region,
    ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
    maxAttempts: settings.apiMaxAttempts,
  });
  try {
    const found = await findPushedImage(settings.push, tag, {
      ecr,
      clock: systemClock,
      mask: (v) => parent.setSecret(v),
    });
    return found ? { image: found.image, digest: found.digest, tag } : undefined;
  } finally {
    ecr.destroy();
  }
}
