/**
 * The deploy pipeline's stages, made from every stage's parsed settings with the same typed lib
 * functions the separate actions call (`buildAndScan`, `pushAndGate`, `renderManifests`,
 * `applyAndRecord`, `gateAndRollback`, `healthGate`, `rollbackAndGate`), each with the summary and the
 * verdict its action writes. Values go in and out as they are: the image as a `PinnedImage`, the
 * rendered objects, apply's outcome; nothing is written to be read back (render's YAML is an artifact).
 *
 * Around the stages, the work that overlaps waiting: push-ecr's registry session opened once docker is
 * building (its log lines wait in a buffer for push-ecr's group), the commit lookup through it, the
 * cluster check (apps/v1 discovery, then everything apply checks before its first write, on k8s/ as
 * rendered with the digest pending), and the later stages' code loaded while docker pushes. One
 * Kubernetes client per kubeconfig serves apply, the gates and the rollback (closed by `dispose`).
 */
import type { Clock } from '../runtime/clock.js';
import { ConfigurationError, ConfigurationErrors, describeError } from '../runtime/errors.js';
import type { Exec } from '../runtime/exec.js';
import { BufferedLogger, type Logger } from '../runtime/logger.js';
import type { PinnedImage } from '../objects/types.js';
import type { BuildScanSettings } from '../image/settings.js';
import type { GitFacts, GitFactsOptions } from '../image/git.js';
import { deriveTags } from '../image/tags.js';
import type { OpenedPush, PushStagePorts } from '../ecr/push-and-gate.js';
import type { PushEcrStageSettings } from '../ecr/settings.js';
import type { Manifest, RenderSettings } from '../manifests/index.js';
import { renderManifests } from '../manifests/render.js';
import type { ApplyActionSettings } from '../kube/apply-settings.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeClients, KubeLease } from '../kube/clients.js';
import { resolveKubeconfigSource, type KubeconfigSettings } from '../kube/source.js';
import type { GateStageSettings } from '../gates/settings.js';
import type { HealthGateSettings } from '../health/settings.js';
import type { PipelinePorts, PipelineStages } from './pipeline.js';

/** Every stage's settings, parsed before the build (parseStageSettings in the deploy action). */
export interface StageSettings {
  build: BuildScanSettings;
  push: PushEcrStageSettings;
  /** Render's settings: the pushed image is added to `images` under `manifestImage`. */
  render: RenderSettings;
  manifestImage: string;
  /** k8s/ as rendered before the build, the digest pending: dry-run against the cluster beside the build. */
  pending: readonly Manifest[];
  apply: ApplyActionSettings;
  rolloutGate: GateStageSettings;
  /** Absent when the deploy has no health target. */
  healthGate?: HealthGateSettings;
  rollback: GateStageSettings;
}

export interface StageKitPorts {
  logger: Logger;
  exec: Exec;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
  gitFacts: (options: GitFactsOptions) => Promise<GitFacts>;
  /** Where Kubernetes clients come from (tests record them); by default one shared client per kubeconfig. */
  kube?: KubeClients;
  mask(secret: string): void;
  /** Told push-ecr's private docker config dir before login writes there (the post step removes it). */
  onDockerConfig: NonNullable<PushStagePorts['onDockerConfig']>;
}

export interface StageKit extends Required<
  Pick<PipelinePorts, 'preparePush' | 'preload' | 'findCommitImage' | 'checkCluster' | 'dispose'>
> {
  stages: PipelineStages;
}

/** Code the later stages load when first needed: the build starts without it, and it loads while docker pushes. */
const load = {
  build: () => import('../image/build-and-scan.js'),
  push: () => import('../ecr/push-and-gate.js'),
  ecr: () => import('../ecr/push.js'),
  clients: () => import('../kube/clients.js'),
  apply: () => import('../kube/apply.js'),
  record: () => import('../drift/record.js'),
  report: () => import('../kube/apply-report.js'),
  gates: () => import('../gates/index.js'),
  health: () => import('../health/health-gate.js'),
  healthSummary: () => import('../health/summary.js'),
};

export function pipelineStages(settings: StageSettings, ports: StageKitPorts): StageKit {
  const { logger, clock, env, cwd } = ports;
  // One answer per process to "which commit, which ref": the build and the commit lookup share it.
  const facts = new Map<string, Promise<GitFacts>>();
  const sharedGitFacts = (options: GitFactsOptions): Promise<GitFacts> => {
    const key = JSON.stringify([options.cwd, options.defaultBranch ?? '']);
    if (!facts.has(key)) facts.set(key, ports.gitFacts(options));
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
      return ports.exec(command, args, options);
    };
  const buildExec = watching(
    (command, args) => (command === 'docker' && args.includes('build')) || /trivy/.test(command),
    building.reach,
  );
  const pushExec = watching((command, args) => command === 'docker' && args.includes('push'), pushing.reach);
  const pushPorts = (log: Logger): PushStagePorts => ({
    exec: pushExec,
    clock,
    logger: log,
    mask: ports.mask,
    onDockerConfig: ports.onDockerConfig,
  });

  // push-ecr's read-only half, opened by `preparePush` while the image builds. Its log lines wait in a
  // buffer until the push-ecr stage opens its group, so the log reads in stage order.
  let prepared: { push: OpenedPush; logger: BufferedLogger } | undefined;
  let preparing: Promise<void> | undefined;

  // One Kubernetes client per kubeconfig for apply, the gates and the rollback (see lib/kube/clients.ts),
  // made by the first of them that runs; apply caps its own concurrency, so the pool allows its maximum.
  // Once disposed, a check still under way (the commit lookup failed first) gets no new client.
  let shared: { clients: KubeClients; close(): void } | undefined;
  let disposed = false;
  const lease = async (kube: KubeconfigSettings, options?: { maxSockets?: number }): Promise<KubeLease> => {
    const source = resolveKubeconfigSource(kube, env);
    if (ports.kube) return ports.kube(source, options);
    const { sharedClients } = await load.clients();
    if (disposed) throw new Error('the deploy is over: no new Kubernetes client');
    shared ??= sharedClients({ maxSockets: 64 });
    return shared.clients(source, options);
  };
  /** Runs `work` with a client for `kube`, released after. */
  const withClient = async <T>(kube: KubeconfigSettings, work: (client: KubeClient) => Promise<T>): Promise<T> => {
    const { client, release } = await lease(kube);
    try {
      return await work(client);
    } finally {
      release();
    }
  };

  const stages: PipelineStages = {
    buildScan: async (signal) => {
      try {
        const { buildAndScan, buildScanSummary, buildScanFailure } = await load.build();
        // Every program (git, docker, trivy) stops when the pipeline stops the build.
        const exec: Exec = (command, args, options) => buildExec(command, args, { ...options, signal });
        const r = await buildAndScan(settings.build, { exec, clock, env, cwd, logger, gitFacts: sharedGitFacts });
        return { value: r, summary: buildScanSummary(r), failure: buildScanFailure(r) };
      } finally {
        building.reach();
      }
    },

    pushEcr: async (built) => {
      await preparing;
      if (prepared) prepared.logger.attach(logger);
      try {
        const { pushAndGate, pushAndGateSummary, pushAndGateFailure } = await load.push();
        const push = { ...settings.push.push, image: built.imageId, tags: [...built.tags] };
        const r = await pushAndGate({ ...settings.push, push }, pushPorts(logger), prepared?.push);
        return { value: r.push.image, summary: pushAndGateSummary(r), failure: pushAndGateFailure(r) };
      } finally {
        pushing.reach();
      }
    },

    render: async (image) => {
      const images = new Map([...settings.render.images, [settings.manifestImage, image]]);
      const r = renderManifests({ ...settings.render, images }, logger);
      logger.info(`Rendered ${r.refs.length} objects for '${r.environment}' into ${r.path}`);
      const { renderSummary } = await load.report();
      return { value: r.objects, summary: renderSummary(r.environment, r.refs, r.path) };
    },

    apply: async (objects) => {
      const { settings: apply, secrets, kube } = settings.apply;
      const [{ applyAndRecord }, { applySummary }] = await Promise.all([load.record(), load.report()]);
      const { client, release } = await lease(kube, { maxSockets: apply.concurrency });
      try {
        const outcome = await applyAndRecord(objects, secrets, apply, client, { logger, clock });
        return { value: outcome, summary: applySummary(outcome.result, outcome.diffs) };
      } finally {
        release();
      }
    },

    rolloutGate: async (workloads, image) => {
      const s = settings.rolloutGate;
      const { gateAndRollback, renderGateSummary, rolloutGateFailure } = await load.gates();
      logger.info(`Gating ${workloads.length} workload(s) under one deadline of ${s.timeoutMs}ms`);
      const r = await withClient(s.kube, (client) =>
        gateAndRollback(client, [...workloads], {
          timeoutMs: s.timeoutMs,
          restartLimit: s.restartLimit,
          logger,
          clock,
        }),
      );
      return { value: r, summary: withImage(renderGateSummary(r.gate), image), failure: rolloutGateFailure(r) };
    },

    healthGate: async (image) => {
      const s = settings.healthGate;
      if (!s) throw new Error('the health gate has no settings (no health-url or health-service)');
      const [{ healthGate, healthGateFailure }, { healthSummary }] = await Promise.all([
        load.health(),
        load.healthSummary(),
      ]);
      const probe = (client?: KubeClient) => healthGate(s, { logger, clock, ...(client ? { client } : {}) });
      const r = s.services.length > 0 ? await withClient(s.kube, probe) : await probe();
      return { value: r, summary: withImage(healthSummary(r), image), failure: healthGateFailure(r) };
    },

    rollback: async (applied) => {
      const s = settings.rollback;
      const { rollbackAndGate, renderRollbackSummary, rollbackFailure } = await load.gates();
      logger.info(`Rolling back ${applied.result.workloads.length} workload(s) to the revisions recorded before apply`);
      // the other objects apply wrote go back first, then the workloads (see RollbackOptions.written)
      const r = await withClient(s.kube, (client) =>
        rollbackAndGate(client, applied.result.workloads, {
          written: applied.written,
          target: 'recorded',
          deleteCreated: s.rollback.deleteCreated,
          gateTimeoutMs: s.timeoutMs,
          restartLimit: s.restartLimit,
          logger,
          clock,
        }),
      );
      return { value: r, summary: renderRollbackSummary(r), failure: rollbackFailure(r) };
    },

    gateUndone: async (undo) => {
      const s = settings.rollback;
      const [{ runRolloutGate, renderUndoSummary, undoneFailure }, { isWorkloadKind }] = await Promise.all([
        load.gates(),
        import('../kube/revisions.js'),
      ]);
      const restored = undo.restored.filter((ref) => isWorkloadKind(ref.kind));
      const gate = restored.length
        ? await withClient(s.kube, (client) =>
            runRolloutGate(client, restored, { timeoutMs: s.timeoutMs, restartLimit: s.restartLimit, logger, clock }),
          )
        : undefined;
      return { value: gate, summary: renderUndoSummary(undo, gate), failure: undoneFailure(undo, gate) };
    },
  };

  return {
    stages,
    preparePush: () => {
      preparing ??= (async () => {
        await building.reached;
        const buffer = new BufferedLogger();
        const { openPush } = await load.push();
        prepared = { push: openPush(settings.push, pushPorts(buffer)), logger: buffer };
      })();
      preparing.catch(() => undefined); // a failure to even start shows when the stage runs
    },
    preload: () => {
      void pushing.reached.then(() => Promise.all(Object.values(load).map((l) => l()))).catch(() => undefined);
    },
    findCommitImage: async () => {
      // The commit's tag as the build itself derives it: its own settings, the shared git facts.
      if (!settings.build.tagRules.includes('sha')) return undefined;
      const gitFacts = await sharedGitFacts({
        env,
        exec: ports.exec,
        cwd,
        ...(settings.build.defaultBranch ? { defaultBranch: settings.build.defaultBranch } : {}),
      });
      const tag = deriveTags(gitFacts, ['sha']).tags[0];
      if (!tag) return undefined;
      await preparing;
      if (!prepared) throw new Error('the push session was not opened before the commit lookup');
      const session = await prepared.push.session;
      const { findPushedImage } = await load.ecr();
      const image: PinnedImage | undefined = await findPushedImage(session, prepared.push.repository, tag);
      return image ? { image, tag } : undefined;
    },
    checkCluster: async () => {
      await building.reached;
      // After the registry session has opened: the two loads (AWS SDK, Kubernetes client) one after the
      // other, not both at once against the build for the same two cores.
      await preparing?.catch(() => undefined);
      await prepared?.push.session.catch(() => undefined);
      let client: KubeClient;
      try {
        ({ client } = await lease(settings.apply.kube));
        await client.resourceFor('apps/v1', 'Deployment');
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        throw new Error(
          `The Kubernetes API server did not answer with the kubeconfig's credentials, so nothing was pushed or applied: ${describeError(error)}`,
        );
      }
      // Everything apply checks before its first write, on the objects rendered with the digest pending:
      // an object the cluster would refuse stops the deploy before the image goes to the registry.
      const { checkObjects } = await load.apply();
      const { problems } = await checkObjects(settings.pending, settings.apply.secrets, client, { logger });
      if (problems.length)
        throw new ConfigurationErrors([
          'The cluster would refuse the rendered objects (checked beside the build), so nothing was pushed or applied:',
          ...problems.map((p) => p.replace(/; nothing was applied\.$/, '.')),
        ]);
    },
    dispose: async () => {
      disposed = true;
      shared?.close();
      await preparing?.catch(() => undefined);
      await prepared?.push.close();
    },
  };
}

/** A gate's summary section, naming the image it judged. */
function withImage(summary: string, image: PinnedImage): string {
  const [head, ...rest] = summary.split('\n');
  return [head, '', `Image: \`${image.reference}\``, ...rest].join('\n');
}
