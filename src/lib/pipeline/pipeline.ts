/**
 * The deploy pipeline: build-scan → push-ecr → render → apply → rollout-gate → health-gate, with a
 * rollback when a gate fails. Each stage is a typed port (`PipelineStages`; `pipelineStages` in
 * ./stage-kit.ts makes them from the stages' parsed settings with the same lib functions the separate
 * actions call), and the values go from stage to stage in memory: the built image, the pushed image
 * as one `PinnedImage`, the rendered objects, apply's outcome (its result and what it wrote). Every
 * stage's settings are parsed, and k8s/ rendered with the digest pending, before runPipeline starts.
 *
 * Stages run in order, but read-only groundwork overlaps the build: push-ecr's registry session
 * (token, a look at the repository, credentials into a private docker config), the lookup of an image
 * an earlier run pushed for this commit, and a look at the cluster with the kubeconfig's credentials.
 * When the lookup finds an image, the build is stopped and that image is deployed; when the lookup or
 * the cluster check fails, the build is stopped and the deploy fails before any write.
 *
 * After the first write every failure puts back what was written: a gate that fails (or breaks) rolls
 * the deploy back and gates the rollback; a write that apply had to undo half-way has the workloads
 * it restored gated. The verdict says what was and was not put back.
 */
import type { DeployNotice, NotifySettings } from '../notify/notify.js';
import { GateFailure, errorLine } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { PinnedImage, WorkloadRecord } from '../objects/types.js';
import type { BuildScanResult } from '../image/build-and-scan.js';
import type { Manifest } from '../manifests/validate.js';
import type { ApplyOutcome } from '../kube/apply.js';
import { ApplyWriteFailure, type UndoResult } from '../kube/undo.js';
import { pipelineSummary, type PipelineReport, type PipelineVerdict, type StageReport } from './summary.js';

export const STAGES = ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate', 'rollback'] as const;
export type StageName = (typeof STAGES)[number];

/** What a stage hands back: its value, its section of the job summary, and its "no" when it said no. */
export interface Staged<T> {
  value: T;
  summary?: string;
  /** The stage ran and said no (a scan, a gate): the pipeline keeps the summary, then fails the stage. */
  failure?: Error;
}

/** What the build hands on: the local image and its tags, and the scan (for the `scan-counts` output). */
export type BuiltImage = Pick<BuildScanResult, 'imageId' | 'tags' | 'scan'>;

/** The stages as typed ports. Each throws when it fails outright; a verdict comes back as `failure`. */
export interface PipelineStages {
  /** build-scan; `signal` stops it (an earlier run's image was found, or a check beside it failed). */
  buildScan(signal: AbortSignal): Promise<Staged<BuiltImage>>;
  /** push-ecr: pushes the built image under its tags; the value is the pushed image by digest. */
  pushEcr(built: Pick<BuiltImage, 'imageId' | 'tags'>): Promise<Staged<PinnedImage>>;
  /** render: k8s/ for the environment with `image` pinned (the YAML is written as an artifact only). */
  render(image: PinnedImage): Promise<Staged<readonly Manifest[]>>;
  apply(objects: readonly Manifest[]): Promise<Staged<ApplyOutcome>>;
  rolloutGate(workloads: readonly WorkloadRecord[], image: PinnedImage): Promise<Staged<unknown>>;
  healthGate(image: PinnedImage): Promise<Staged<unknown>>;
  /** Puts back what apply wrote — the other objects, then the workloads to their recorded revisions — and gates it. */
  rollback(applied: ApplyOutcome): Promise<Staged<unknown>>;
  /** After apply undid a write that failed half-way: gates the workloads the undo restored. */
  gateUndone(undo: UndoResult): Promise<Staged<unknown>>;
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
  stages: PipelineStages;
  logger: Logger;
  clock: Clock;
  /** GitHub deployment, when configured. */
  deployment?: {
    start(image?: string): Promise<void>;
    finish(success: boolean, description: string, url?: string): Promise<void>;
  };
  notify(notice: DeployNotice): Promise<unknown>;
  /** Opens push-ecr's registry session while the image builds (its log lines wait for push-ecr's turn). */
  preparePush?(): void;
  /**
   * The image an earlier run already built and pushed for this commit (its `sha-…` tag), if any:
   * deployed as it is instead of rebuilding, which an IMMUTABLE repository would refuse.
   */
  findCommitImage?(): Promise<{ image: PinnedImage; tag: string } | undefined>;
  /**
   * Checks, beside the build, that the cluster answers the kubeconfig's credentials and would take the
   * rendered objects, so that an unreachable cluster, an expired credential or a refused object fails
   * the deploy before the image is pushed.
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

  /** Runs one stage in its log group, keeps its summary and time; throws its failure. */
  const runStage = async <T>(stage: StageName, work: () => Promise<Staged<T>>): Promise<T> => {
    const r = report(stage);
    const started = clock.now();
    try {
      const done = await logger.group(stage, work);
      if (done.summary) stageSummaries.push(done.summary);
      if (done.failure) throw done.failure;
      r.status = 'passed';
      return done.value;
    } catch (error) {
      r.status = 'failed';
      r.note = errorLine(error);
      throw error;
    } finally {
      r.durationMs = clock.now() - started;
    }
  };

  let verdict: PipelineVerdict = 'success';
  let failure: unknown;
  let image: PinnedImage | undefined;
  let applied: ApplyOutcome | undefined;
  let headline = '';

  await ports.deployment?.start();
  try {
    // The build starts at once; the registry session and the commit lookup run beside it.
    const stopBuild = new AbortController();
    const building = runStage('build-scan', () => stages.buildScan(stopBuild.signal));
    let buildSettled = false;
    building.then(
      () => (buildSettled = true),
      () => (buildSettled = true),
    ); // and awaited below on every path
    ports.preparePush?.();
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
      const note = `${existing.tag} was built, scanned and pushed by an earlier run: deploying ${image.digest}`;
      logger.info(`${note} (${what})`);
      for (const stage of ['build-scan', 'push-ecr'] as const)
        Object.assign(report(stage), { status: 'skipped', note });
      delete report('build-scan').durationMs;
    } else {
      const built = await building;
      if (built.scan.state === 'passed' || built.scan.state === 'failed')
        outputs['scan-counts'] = JSON.stringify(built.scan.result.counts);
      image = await runStage('push-ecr', () => stages.pushEcr(built));
    }
    try {
      await ports.forgetRegistryCredentials?.();
    } catch (error) {
      logger.warning(
        `Could not delete the registry credentials after the push (the post step will): ${errorLine(error)}`,
      );
    }
    const pinned = image;
    const objects = await runStage('render', () => stages.render(pinned));
    applied = await runStage('apply', () => stages.apply(objects));
  } catch (error) {
    failure = error;
    verdict = error instanceof GateFailure && !applied ? 'blocked' : 'failure';
    headline = `${verdict === 'blocked' ? 'blocked' : 'failed'} before the rollout: ${errorLine(error)}`;
    // A write refused half-way: apply put back what it had written; the workloads it restored are gated.
    if (error instanceof ApplyWriteFailure && error.writtenCount > 0) {
      const undo = error.undo;
      let gated = true;
      let gateLine = '';
      try {
        await runStage('rollback', () => stages.gateUndone(undo));
      } catch (gateError) {
        gated = false;
        gateLine = errorLine(gateError);
      }
      const complete = undo.failed.length === 0 && gated;
      verdict = complete ? 'rolled-back' : 'failure';
      headline =
        `apply failed after ${error.writtenCount} write(s): ${error.problems[1] ?? errorLine(error)}; ${undo.summary}` +
        (gated ? '' : ` The restored workloads did NOT become healthy: ${gateLine}`);
      if (complete) {
        headline += ' Rolled back and healthy again.';
        await ports.notify(notice(settings, 'rollback', headline, image));
      }
    }
  }

  if (!failure && applied) {
    const done = applied;
    const pinned = image!;
    try {
      await runStage('rollout-gate', () => stages.rolloutGate(done.result.workloads, pinned));
      if (settings.health) await runStage('health-gate', () => stages.healthGate(pinned));
      else report('health-gate').status = 'skipped';
      headline = `deployed ${pinned.reference}`;
    } catch (error) {
      failure = error;
      verdict = 'failure';
      headline = `gate failed: ${errorLine(error)}`;
      // Any error once the objects are written rolls back: a gate's "no", and equally an error inside it
      // (an API 5xx, a broken watch) — the deploy must not end with nothing undone.
      if (settings.rollback) {
        try {
          await runStage('rollback', () => stages.rollback(done));
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
    digest: image?.digest ?? '',
    image: image?.reference ?? '',
    verdict,
    'environment-url': settings.environmentUrl ?? '',
    'apply-result': applied ? JSON.stringify(applied.result) : '',
  });
  const head: PipelineReport = {
    environment: settings.environment,
    verdict,
    image: image?.reference,
    digest: image?.digest,
    environmentUrl: settings.environmentUrl,
    stages: reports,
    headline,
  };
  return { ...head, outputs, summary: [pipelineSummary(head), ...stageSummaries].join('\n\n'), failure };
}

function notice(
  s: PipelineSettings,
  event: DeployNotice['event'],
  headline: string,
  image?: PinnedImage,
): DeployNotice {
  return {
    event,
    environment: s.environment,
    repository: s.repositoryLabel,
    headline,
    ...(image ? { image: image.reference } : {}),
    ...(s.runUrl ? { runUrl: s.runUrl } : {}),
    ...(s.environmentUrl ? { environmentUrl: s.environmentUrl } : {}),
  };
}
