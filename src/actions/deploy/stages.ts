/**
 * The pipeline's stage ports, made from the separate actions: each stage runs that action's own
 * `run` through a sub-context whose inputs are the root action's (renamed per inputs.generated.ts)
 * plus what earlier stages produced, and whose outputs and summary are collected for the pipeline.
 */
import { ConfigurationError, ConfigurationErrors, describeError } from '../../lib/runtime/errors.js';
import type { Manifest } from '../../lib/manifests/validate.js';
import type { SecretValues } from '../../lib/manifests/secrets.js';
import type { KubeClient } from '../../lib/kube/client.js';
import type { WrittenObject } from '../../lib/kube/apply.js';
import { readBuildScanFiles } from '../../lib/image/build-and-scan.js';
import { loadIgnoreFile } from '../../lib/scan/ignore.js';
import { Inputs } from '../../lib/runtime/inputs.js';
import { BufferedLogger, MemoryLogger } from '../../lib/runtime/logger.js';
import type { StageName, StagePort, StageRun, Wired } from '../../lib/pipeline/pipeline.js';
import { parseBuildScanSettings } from '../../lib/image/settings.js';
import { parsePushEcrSettings } from '../../lib/ecr/settings.js';
import { parseRolloutGateSettings, parseRollbackSettings } from '../../lib/gates/settings.js';
import { parseHealthGateSettings } from '../../lib/health/settings.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { parseRenderSettings } from '../../lib/manifests/render-settings.js';
import { renderManifests } from '../../lib/manifests/render.js';
import { parseApplySettings } from '../../lib/kube/apply-settings.js';
import { gitFacts, type GitFacts, type GitFactsOptions } from '../../lib/image/git.js';
import { deriveTags } from '../../lib/image/tags.js';
import { spawnExec, type Exec } from '../../lib/runtime/exec.js';
import { ROOT_DEFAULTS, STAGE_INPUTS } from './inputs.generated.js';
import type { OpenedPush } from '../../lib/ecr/push-and-gate.js';
import type { KubeClients } from '../../lib/kube/clients.js';
import type { RunDeps } from '../../lib/pipeline/run-deps.js';
import { resolveKubeconfigSource } from '../../lib/kube/source.js';

type Run = (ctx: ActionContext, deps: { kube: KubeClients }) => Promise<void>;

/**
 * The later stages' `run`, loaded when first needed: the build starts without waiting for the
 * Kubernetes client to load, which then loads while docker pushes (see `preload`). build-scan and
 * push-ecr are loaded by their own ports below.
 */
const LOAD: Record<Exclude<StageName, 'build-scan' | 'push-ecr'>, () => Promise<Run>> = {
  render: async () => (await import('../render/run.js')).run,
  apply: async () => (await import('../apply/run.js')).run,
  'rollout-gate': async () => (await import('../rollout-gate/run.js')).run,
  'health-gate': async () => (await import('../health-gate/run.js')).run,
  rollback: async () => (await import('../rollback/run.js')).run,
};
const loadPushEcr = () => import('../push-ecr/run.js');

const mask =
  (ctx: ActionContext) =>
  (secret: string): void =>
    ctx.setSecret(secret);

/** Side-effect-free settings parsers, one per stage (the same ones the actions call first). */
/** What render's validation produced: the objects with the digest pending, and the Secret values. */
interface PreRendered {
  objects: Manifest[];
  secrets: SecretValues;
}

const VALIDATE: Record<StageName, (ctx: ActionContext) => void | PreRendered | Promise<void>> = {
  // with the files the build and the scan read before their first write (context, Dockerfile, ignores)
  'build-scan': async (ctx) =>
    void (await readBuildScanFiles(parseBuildScanSettings(ctx.inputs, process.env), process.cwd())),
  'push-ecr': async (ctx) => {
    const settings = parsePushEcrSettings(ctx.inputs, process.env);
    if (settings.scan?.ignoreFile) await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file');
  },
  // The whole render, digest pending and nothing written: a bad file in k8s/ stops the deploy before
  // the image is built and pushed (to a repository that may be IMMUTABLE).
  // Kept for the cluster check beside the build, which dry-runs them against the cluster.
  render: (ctx) => {
    const settings = parseRenderSettings(ctx.inputs, process.env, mask(ctx));
    const { objects } = renderManifests(
      { ...settings, output: undefined, pendingImages: new Set(ctx.inputs.list('pending-image')) },
      new MemoryLogger(),
    );
    return { objects, secrets: settings.secret?.values ?? new Map() };
  },
  apply: (ctx) => void parseApplySettings(ctx.inputs, process.env, mask(ctx), { loadFiles: false }),
  'rollout-gate': (ctx) => void parseRolloutGateSettings(ctx.inputs, mask(ctx)),
  'health-gate': (ctx) => void parseHealthGateSettings(ctx.inputs, mask(ctx)),
  rollback: (ctx) => void parseRollbackSettings(ctx.inputs, mask(ctx)),
};

/** The sub-context a stage runs in. State keys are prefixed by the stage, so post steps find theirs. */
export function stageContext(
  parent: ActionContext,
  stage: StageName,
  wired: Wired,
  into: StageRun,
  extra: Partial<Pick<ActionContext, 'logger' | 'signal'>> = {},
): ActionContext {
  const names = STAGE_INPUTS[stage] ?? {};
  return {
    // Read from the root action's inputs, and named in messages as the user wrote them there.
    inputs: new Inputs(
      (name) => {
        if (name in wired) return wired[name]!;
        const rootName = names[name];
        if (!rootName) return '';
        return parent.inputs.raw(rootName) || ROOT_DEFAULTS[rootName] || '';
      },
      (name) => names[name] ?? name,
    ),
    logger: extra.logger ?? parent.logger,
    setOutput: (name, value) => {
      into.outputs[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
    setSecret: (value) => parent.setSecret(value),
    summary: (md) => into.summaries.push(md),
    saveState: (name, value) => parent.saveState(`${stage}.${name}`, value),
    getState: (name) => parent.getState(`${stage}.${name}`),
    ...(extra.signal ? { signal: extra.signal } : {}),
  };
}

/** The stage ports plus what the pipeline does around them. */
export interface StageKit {
  stages: Record<StageName, StagePort>;
  /** Loads the later stages' code while the push runs (the pipeline calls it at the start). */
  preload(): void;
  /**
   * The image an earlier run pushed for this commit (its `sha-…` tag), through the push session
   * opened at the start; undefined when the tag rules make no commit tag or nothing is there.
   */
  findCommitImage(): Promise<{ image: string; digest: string; tag: string } | undefined>;
  /**
   * Once the build is under way: the shared Kubernetes client asks for apps/v1 discovery (which
   * apply needs next anyway). An unreachable server or refused credentials fail here, before the push.
   */
  checkCluster(): Promise<void>;
  /** Waits for work started early (the registry session) and closes its clients and the Kubernetes ones. */
  dispose(): Promise<void>;
}

/** `given.exec` runs every program and `given.kube` gives every client (tests record them). */
export function stageKit(
  parent: ActionContext,
  env: NodeJS.ProcessEnv = process.env,
  given: Partial<Pick<RunDeps, 'exec' | 'kube'>> = {},
): StageKit {
  const baseExec = given.exec ?? spawnExec;
  // One answer per process to "which commit, which ref": build-scan and the commit lookup share it.
  const facts = new Map<string, Promise<GitFacts>>();
  const sharedGitFacts = (options: GitFactsOptions): Promise<GitFacts> => {
    const key = JSON.stringify([options.cwd, options.defaultBranch ?? '']);
    if (!facts.has(key)) facts.set(key, gitFacts(options));
    return facts.get(key)!;
  };

  // Work that overlaps others' waiting, started only once they are waiting: the registry session once
  // the build is under way (docker or trivy started, or build-scan over), the later stages' code once
  // the push is (docker push started). Neither then holds up a start on this process's one thread.
  const milestone = () => {
    let reach: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    return { reached, reach: () => reach() };
  };
  const building = milestone();
  const pushing = milestone();
  const watching =
    (when: (command: string, args: readonly string[]) => boolean, mark: () => void): Exec =>
    (command, args, options) => {
      if (when(command, args)) mark();
      return baseExec(command, args, options);
    };
  const buildExec = watching(
    (command, args) => (command === 'docker' && args.includes('build')) || /trivy/.test(command),
    building.reach,
  );
  const pushExec = watching((command, args) => command === 'docker' && args.includes('push'), pushing.reach);

  // push-ecr's read-only half, opened by `prepare` while the image builds. Its log lines wait in a
  // buffer until the push-ecr stage opens its group, so the log reads in stage order.
  let prepared: { push: OpenedPush; logger: BufferedLogger } | undefined;
  let preparing: Promise<void> | undefined;

  // One Kubernetes client per kubeconfig for apply, the gates and the rollback (see lib/kube/clients.ts),
  // made by the first of them that runs; apply caps its own concurrency, so the pool allows its maximum.
  // Once disposed, a check still under way (the commit lookup failed first) gets no new client.
  let kube: { clients: KubeClients; close(): void } | undefined;
  let preRendered: PreRendered | undefined;
  let disposed = false;
  const kubeClients: KubeClients = async (source) => {
    if (given.kube) return given.kube(source);
    const { sharedClients } = await import('../../lib/kube/clients.js');
    if (disposed) throw new Error('the deploy is over: no new Kubernetes client');
    kube ??= sharedClients({ maxSockets: 64 });
    return kube.clients(source);
  };
  // apply's record of what it wrote (previous contents in memory only), for the rollback stage
  const deps = { kube: kubeClients, written: [] as WrittenObject[] };

  const runs: Record<StageName, (ctx: ActionContext) => Promise<void>> = {
    'build-scan': async (ctx) => {
      try {
        await (await import('../build-scan/run.js')).run(ctx, { gitFacts: sharedGitFacts, exec: buildExec });
      } finally {
        building.reach();
      }
    },
    'push-ecr': async (ctx) => {
      await preparing;
      if (prepared) prepared.logger.attach(ctx.logger);
      try {
        return await (await loadPushEcr()).run(ctx, { exec: pushExec, env }, prepared?.push);
      } finally {
        pushing.reach();
      }
    },
    render: async (ctx) => (await LOAD.render())(ctx, deps),
    apply: async (ctx) => (await LOAD.apply())(ctx, deps),
    'rollout-gate': async (ctx) => (await LOAD['rollout-gate']())(ctx, deps),
    'health-gate': async (ctx) => (await LOAD['health-gate']())(ctx, deps),
    rollback: async (ctx) => (await LOAD.rollback())(ctx, deps),
  };

  const port = (stage: StageName): StagePort => ({
    validate: async (wired) => {
      const scratch: StageRun = { outputs: {}, summaries: [] };
      // The stage's inputs name themselves as the root action's (stageContext), what the user wrote.
      const validated = await VALIDATE[stage](stageContext(parent, stage, wired, scratch));
      if (stage === 'render' && validated) preRendered = validated;
    },
    ...(stage === 'push-ecr'
      ? {
          prepare: (wired: Wired) => {
            preparing ??= (async () => {
              await building.reached;
              const logger = new BufferedLogger();
              const ctx = stageContext(parent, stage, wired, { outputs: {}, summaries: [] }, { logger });
              const { prepare } = await loadPushEcr();
              prepared = { push: prepare(ctx, { exec: pushExec, env }), logger };
            })();
            preparing.catch(() => undefined); // a failure to even start shows when the stage runs
          },
        }
      : {}),
    run: async (wired, signal) => {
      const result: StageRun = { outputs: {}, summaries: [] };
      try {
        await runs[stage](stageContext(parent, stage, wired, result, signal ? { signal } : {}));
      } catch (error) {
        result.error = error;
      }
      return result;
    },
  });

  return {
    stages: Object.fromEntries((Object.keys(runs) as StageName[]).map((s) => [s, port(s)])) as Record<
      StageName,
      StagePort
    >,
    preload: () => {
      void pushing.reached
        .then(() => Promise.all([loadPushEcr(), ...Object.values(LOAD).map((load) => load())]))
        .catch(() => undefined);
    },
    findCommitImage: async () => {
      // The commit's tag as build-scan itself would derive it: its own settings, the shared git facts.
      const scratch: StageRun = { outputs: {}, summaries: [] };
      const build = parseBuildScanSettings(
        stageContext(parent, 'build-scan', { image: 'lookup' }, scratch).inputs,
        env,
      );
      if (!build.tagRules.includes('sha')) return undefined;
      const facts = await sharedGitFacts({
        env,
        exec: baseExec,
        cwd: process.cwd(),
        ...(build.defaultBranch ? { defaultBranch: build.defaultBranch } : {}),
      });
      const tag = deriveTags(facts, ['sha']).tags[0];
      if (!tag) return undefined;
      await preparing;
      if (!prepared) throw new Error('the push session was not opened before the commit lookup');
      const session = await prepared.push.session;
      const { findPushedImage } = await import('../../lib/ecr/push.js');
      const found = await findPushedImage(session, prepared.push.repository, tag);
      return found ? { image: found.image, digest: found.digest, tag } : undefined;
    },
    checkCluster: async () => {
      await building.reached;
      // After the registry session has opened: the two loads (AWS SDK, Kubernetes client) one after the
      // other, not both at once against the build for the same two cores.
      await preparing?.catch(() => undefined);
      await prepared?.push.session.catch(() => undefined);
      const ctx = stageContext(parent, 'apply', {}, { outputs: {}, summaries: [] });
      let cluster: KubeClient;
      try {
        const source = resolveKubeconfigSource(
          parseApplySettings(ctx.inputs, env, mask(ctx), { loadFiles: false }).kube,
          env,
        );
        const { client } = await kubeClients(source);
        await client.resourceFor('apps/v1', 'Deployment');
        cluster = client;
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        throw new Error(
          `The Kubernetes API server did not answer with the kubeconfig's credentials, so nothing was pushed or applied: ${describeError(error)}`,
        );
      }
      // Everything apply checks before its first write, on the objects rendered with the digest pending:
      // an object the cluster would refuse stops the deploy before the image goes to the registry.
      if (preRendered) {
        const { checkObjects } = await import('../../lib/kube/apply.js');
        const { problems } = await checkObjects(preRendered.objects, preRendered.secrets, cluster, {
          logger: parent.logger,
        });
        if (problems.length)
          throw new ConfigurationErrors([
            'The cluster would refuse the rendered objects (checked beside the build), so nothing was pushed or applied:',
            ...problems.map((p) => p.replace(/; nothing was applied\.$/, '.')),
          ]);
      }
    },
    dispose: async () => {
      disposed = true;
      kube?.close();
      await preparing?.catch(() => undefined);
      await prepared?.push.close();
    },
  };
}

/** The push-ecr post step (logout, delete the docker config) with the stage's prefixed state. */
export async function stagePost(parent: ActionContext): Promise<void> {
  const { run } = await import('../push-ecr/post-run.js');
  await run(stageContext(parent, 'push-ecr', {}, { outputs: {}, summaries: [] }));
}
