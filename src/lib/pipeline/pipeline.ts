/**
 * The deploy pipeline: build-scan → push-ecr → render → apply → rollout-gate → health-gate, with a
 * rollback when a gate fails. Each stage is a port — in the root action and the CLI it is the very
 * `run` of the separate action, fed through a sub-context — so there is one implementation of every
 * step. Everything the user gave is validated (every stage's settings) before the first write.
 *
 * Stages run in order, but read-only groundwork overlaps the build: push-ecr's registry session
 * (token, a look at the repository, credentials into a private docker config), the lookup of an image
 * an earlier run pushed for this commit, and a look at the cluster with the kubeconfig's credentials.
 * When the lookup finds an image, the build is stopped and that image is deployed; when the lookup or
 * the cluster check fails, the build is stopped and the deploy fails before any write.
 */
import type { DeployNotice, NotifySettings } from '../notify/notify.js';
import { ConfigurationError, ConfigurationErrors, GateFailure, errorLine } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { pipelineSummary, type PipelineReport, type PipelineVerdict, type StageReport } from './summary.js';

export const STAGES = ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate', 'rollback'] as const;
export type StageName = (typeof STAGES)[number];

/** Inputs a stage gets from earlier stages (its other inputs come from the user's). */
export type Wired = Record<string, string>;

export interface StageRun {
  outputs: Record<string, string>;
  summaries: string[];
  /** Set when the stage failed; its outputs and summaries so far are still there. */
  error?: unknown;
}

export interface StagePort {
  /** Parses the stage's settings and reads the files they name, without side effects; throws ConfigurationError. */
  validate(wired: Wired): void | Promise<void>;
  /**
   * Starts the stage's read-only groundwork ahead of its turn, with placeholders for what earlier
   * stages will wire in; its log lines wait for the stage's own turn. Optional.
   */
  prepare?(wired: Wired): void;
  /** Runs the stage; never throws (a failure is `error` in the result). `signal` stops it early. */
  run(wired: Wired, signal?: AbortSignal): Promise<StageRun>;
}

export interface PipelineSettings {
  environment: string;
  /** The image name in the manifests that the pushed digest replaces. */
  manifestImage: string;
  /** The local image name the build tags (the ECR repository name). */
  repository: string;
  rollback: boolean;
  /** Health gate runs when set (URL or service target given). */
  health: boolean;
  environmentUrl?: string;
  notify: NotifySettings;
  repositoryLabel: string;
  runUrl?: string;
}

export interface PipelinePorts {
  stages: Record<StageName, StagePort>;
  logger: Logger;
  clock: Clock;
  /** GitHub deployment, when configured. */
  deployment?: {
    start(image?: string): Promise<void>;
    finish(success: boolean, description: string, url?: string): Promise<void>;
  };
  notify(notice: DeployNotice): Promise<unknown>;
  /**
   * The image an earlier run already built and pushed for this commit (its `sha-…` tag), if any:
   * deployed as it is instead of rebuilding, which an IMMUTABLE repository would refuse.
   */
  findCommitImage?(): Promise<{ image: string; digest: string; tag: string } | undefined>;
  /**
   * Checks, beside the build, that the cluster answers the kubeconfig's credentials, so that an
   * unreachable cluster or an expired credential fails the deploy before the image is pushed.
   */
  checkCluster?(): Promise<void>;
  /** Starts loading what later stages need (the stage kit waits for the push to be under way). */
  preload?(): void;
  /** Called once at the end: settles work started early and closes its clients. */
  dispose?(): Promise<void>;
  /**
   * Called as soon as the image is in the registry (pushed, or an earlier push found): deletes the
   * registry credentials push-ecr's session wrote, so they are not on disk during apply and the gates.
   * The post step remains the fallback when the deploy stops before this point.
   */
  forgetRegistryCredentials?(): Promise<void>;
}

export interface PipelineResult extends PipelineReport {
  outputs: Record<string, string>;
  summary: string;
  /** The error that decided the verdict (undefined on success). */
  failure?: unknown;
}

export async function runPipeline(settings: PipelineSettings, ports: PipelinePorts): Promise<PipelineResult> {
  const { stages, logger, clock } = ports;
  const reports: StageReport[] = STAGES.map((stage) => ({ stage, status: 'not run' }));
  const report = (stage: StageName): StageReport => reports.find((r) => r.stage === stage)!;
  const stageSummaries: string[] = [];
  const outputs: Record<string, string> = {};

  // 1. Validate every stage before anything is built, pushed or applied.
  const validation: Array<[StageName, Wired]> = [
    ['build-scan', { image: settings.repository }],
    ['push-ecr', { image: settings.repository, tags: 'validate' }],
    // k8s/ is rendered here already, the pushed image's digest not known yet (nothing is written).
    ['render', { images: '', 'pending-image': settings.manifestImage }],
    ['apply', {}],
    ['rollout-gate', { workloads: 'Deployment/default/validate', 'rollback-on-failure': 'false' }],
    ...(settings.health ? ([['health-gate', {}]] as Array<[StageName, Wired]>) : []),
    ...(settings.rollback
      ? ([['rollback', { workloads: 'Deployment/default/validate', revision: 'previous' }]] as Array<
          [StageName, Wired]
        >)
      : []),
  ];
  const problems: string[] = [];
  for (const [stage, wired] of validation) {
    try {
      await stages[stage].validate(wired);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      const list = error instanceof ConfigurationErrors ? error.problems : [error.message];
      problems.push(...list.map((p) => `${stage}: ${p}`));
    }
  }
  if (problems.length) throw new ConfigurationErrors(problems);

  // 2. Run the stages in order.
  const runStage = async (stage: StageName, wired: Wired, signal?: AbortSignal): Promise<StageRun> => {
    const r = report(stage);
    const started = clock.now();
    const result = await logger.group(stage, () => stages[stage].run(wired, signal));
    r.durationMs = clock.now() - started;
    stageSummaries.push(...result.summaries);
    if (result.error !== undefined) {
      r.status = 'failed';
      r.note = errorLine(result.error);
      throw result.error;
    }
    r.status = 'passed';
    return result;
  };

  let verdict: PipelineVerdict = 'success';
  let failure: unknown;
  let image: string | undefined;
  let digest: string | undefined;
  let applyResult: string | undefined;
  let headline = '';

  await ports.deployment?.start();
  try {
    // The build starts at once; the registry session and the commit lookup run beside it.
    const stopBuild = new AbortController();
    const building = runStage('build-scan', { image: settings.repository }, stopBuild.signal);
    let buildSettled = false;
    building.then(
      () => (buildSettled = true),
      () => (buildSettled = true),
    ); // and awaited below on every path
    stages['push-ecr'].prepare?.({ image: settings.repository, tags: 'prepare' });
    ports.preload?.();
    let existing: Awaited<ReturnType<NonNullable<PipelinePorts['findCommitImage']>>>;
    // Whichever fails first stops the build (the other's later failure is handled by Promise.all).
    let stoppedBy = '';
    const guard = async <T>(what: string, work: (() => Promise<T>) | undefined): Promise<T | undefined> => {
      try {
        return await work?.();
      } catch (error) {
        stoppedBy ||= what;
        throw error;
      }
    };
    try {
      [existing] = await Promise.all([
        guard('the commit lookup failed', ports.findCommitImage && (() => ports.findCommitImage!())),
        guard('the cluster check failed', ports.checkCluster && (() => ports.checkCluster!())),
      ]);
    } catch (error) {
      stopBuild.abort();
      await building.catch(() => undefined);
      Object.assign(report('build-scan'), { status: 'not run', note: `stopped: ${stoppedBy}` });
      delete report('build-scan').durationMs;
      throw error;
    }
    if (existing) {
      const what = buildSettled ? 'the image built meanwhile is not used' : 'the build started meanwhile was stopped';
      stopBuild.abort();
      await building.catch(() => undefined);
      image = existing.image;
      digest = existing.digest;
      const note = `${existing.tag} was built, scanned and pushed by an earlier run: deploying ${existing.digest}`;
      logger.info(`${note} (${what})`);
      for (const stage of ['build-scan', 'push-ecr'] as const)
        Object.assign(report(stage), { status: 'skipped', note });
      delete report('build-scan').durationMs;
    } else {
      const built = await building;
      outputs['scan-counts'] = built.outputs.counts ?? '';
      const pushed = await runStage('push-ecr', {
        image: built.outputs['image-id'] ?? settings.repository,
        tags: built.outputs.tags ?? '',
      });
      image = pushed.outputs.image;
      digest = pushed.outputs.digest;
    }
    try {
      await ports.forgetRegistryCredentials?.();
    } catch (error) {
      logger.warning(
        `Could not delete the registry credentials after the push (the post step will): ${errorLine(error)}`,
      );
    }
    const rendered = await runStage('render', { images: `${settings.manifestImage}=${image}` });
    const applied = await runStage('apply', { manifests: rendered.outputs.path ?? '' });
    applyResult = applied.outputs.result;
  } catch (error) {
    failure = error;
    verdict = error instanceof GateFailure && !applyResult ? 'blocked' : 'failure';
    headline = `${verdict === 'blocked' ? 'blocked' : 'failed'} before the rollout: ${errorLine(error)}`;
  }

  if (!failure && applyResult) {
    try {
      await runStage('rollout-gate', { workloads: applyResult, 'rollback-on-failure': 'false' });
      if (settings.health) await runStage('health-gate', {});
      else report('health-gate').status = 'skipped';
      headline = `deployed ${image ?? ''}`.trim();
    } catch (error) {
      failure = error;
      verdict = 'failure';
      headline = `gate failed: ${errorLine(error)}`;
      // Any error once the objects are written rolls back: a gate's "no", and equally an error inside it
      // (an API 5xx, a broken watch) — the deploy must not end with nothing undone.
      if (settings.rollback) {
        try {
          await runStage('rollback', { workloads: applyResult, revision: 'recorded' });
          verdict = 'rolled-back';
          headline += '; rolled back and healthy again';
        } catch (rollbackError) {
          headline += `; the rollback did not become healthy: ${errorLine(rollbackError)}`;
        }
        await ports.notify(notice(settings, 'rollback', headline, image));
      }
    }
  }
  for (const r of reports) if (r.status === 'not run' && r.stage === 'rollback' && !failure) r.status = 'skipped';

  if (verdict !== 'rolled-back' && failure) await ports.notify(notice(settings, 'failure', headline, image));
  if (!failure) await ports.notify(notice(settings, 'success', headline, image));
  await ports.deployment?.finish(!failure, headline, settings.environmentUrl);
  await ports.dispose?.();

  Object.assign(outputs, {
    digest: digest ?? '',
    image: image ?? '',
    verdict,
    'environment-url': settings.environmentUrl ?? '',
    'apply-result': applyResult ?? '',
  });
  const head: PipelineReport = {
    environment: settings.environment,
    verdict,
    image,
    digest,
    environmentUrl: settings.environmentUrl,
    stages: reports,
    headline,
  };
  return { ...head, outputs, summary: [pipelineSummary(head), ...stageSummaries].join('\n\n'), failure };
}

function notice(s: PipelineSettings, event: DeployNotice['event'], headline: string, image?: string): DeployNotice {
  return {
    event,
    environment: s.environment,
    repository: s.repositoryLabel,
    headline,
    ...(image ? { image } : {}),
    ...(s.runUrl ? { runUrl: s.runUrl } : {}),
    ...(s.environmentUrl ? { environmentUrl: s.environmentUrl } : {}),
  };
}
