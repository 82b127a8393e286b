/**
 * The pipeline's ordering rules and the values it hands from stage to stage, with recording stage
 * ports (the stages themselves are tested on the local stack, and the whole pipeline end to end in
 * test/e2e): what overlaps the build, what a commit lookup decides, that nothing after the build starts
 * when it is not needed, that the pushed image reaches render and the gates as the one value push
 * returned (no text in between), and what a write refused half-way leads to.
 */
import { expect, test } from '@jest/globals';
import {
  runPipeline,
  type BuiltImage,
  type PipelinePorts,
  type PipelineSettings,
  type PipelineStages,
  type StageName,
  type Staged,
} from '../../src/lib/pipeline/pipeline.js';
import { GateFailure } from '../../src/lib/runtime/errors.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { pinnedImage, type ApplyResult, type ObjectRef } from '../../src/lib/objects/types.js';
import type { ApplyOutcome } from '../../src/lib/kube/apply.js';
import { ApplyWriteFailure, type UndoResult } from '../../src/lib/kube/undo.js';
import type { Manifest } from '../../src/lib/manifests/validate.js';

const settings: PipelineSettings = {
  environment: 'staging',
  manifestImage: 'phlo/dagster',
  repository: 'phlo/dagster',
  rollback: true,
  health: true,
  notify: { on: new Set(), pagerdutyEventsUrl: 'http://127.0.0.1:9/', timeoutMs: 1000 },
  repositoryLabel: 'org/phlo',
};

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OLD = `sha256:${'b'.repeat(64)}`;

const WEB: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'dagster', name: 'web' };
const CONFIG: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'dagster', name: 'config' };

interface Call {
  what: 'prepare' | 'run' | 'stopped' | 'forget credentials';
  stage: StageName | 'gate-undone';
  /** The values the stage was given, as given (compared by identity). */
  args?: unknown[];
}

/** Stage ports that record every call and the values they got; build-scan runs until stopped when `buildWaits`. */
function recordingPorts(
  options: { buildWaits?: boolean; fail?: Call['stage']; crash?: StageName; applyThrows?: unknown } = {},
) {
  const calls: Call[] = [];
  const built: BuiltImage = { imageId: 'sha256:local', tags: ['sha-0123456'], scan: { state: 'off' } };
  const pushed = pinnedImage('registry/phlo/dagster', DIGEST);
  const objects: readonly Manifest[] = [];
  const result: ApplyResult = {
    dryRun: false,
    counts: { created: 0, changed: 1, unchanged: 0, pruned: 0 },
    objects: [{ ...WEB, action: 'changed' }],
    workloads: [{ ...WEB, created: false, changed: true }],
  };
  const applied: ApplyOutcome = { result, diffs: [], written: [], after: new Map() };
  let releaseBuild: () => void = () => undefined;

  const done = async <T>(stage: StageName | 'gate-undone', value: T, ...args: unknown[]): Promise<Staged<T>> => {
    calls.push({ what: 'run', stage, args });
    if (options.applyThrows !== undefined && stage === 'apply') throw options.applyThrows;
    if (options.crash === stage) throw new Error('the watch broke: HTTP 503 from the API server');
    return {
      value,
      summary: `${stage} summary`,
      ...(options.fail === stage ? { failure: new GateFailure(`${stage} failed`) } : {}),
    };
  };
  const stages: PipelineStages = {
    buildScan: async (signal) => {
      calls.push({ what: 'run', stage: 'build-scan' });
      if (options.buildWaits) {
        await new Promise<void>((resolve, reject) => {
          releaseBuild = resolve;
          signal.addEventListener('abort', () => {
            calls.push({ what: 'stopped', stage: 'build-scan' });
            reject(signal.reason);
          });
        });
      }
      return {
        value: built,
        ...(options.fail === 'build-scan' ? { failure: new GateFailure('build-scan failed') } : {}),
      };
    },
    pushEcr: (b) => done('push-ecr', pushed, b),
    render: (image) => done('render', objects, image),
    apply: (o) => done('apply', applied, o),
    rolloutGate: (workloads, image) => done('rollout-gate', undefined, workloads, image),
    healthGate: (image) => done('health-gate', undefined, image),
    rollback: (a) => done('rollback', undefined, a),
    gateUndone: (undo) => done('gate-undone', undefined, undo),
  };
  const disposed: string[] = [];
  const ports: PipelinePorts = {
    stages,
    logger: new MemoryLogger(),
    clock: systemClock,
    notify: async () => undefined,
    preparePush: () => void calls.push({ what: 'prepare', stage: 'push-ecr' }),
    preload: () => void disposed.push('preload'),
    dispose: async () => void disposed.push('dispose'),
    forgetRegistryCredentials: async () => void calls.push({ what: 'forget credentials', stage: 'push-ecr' }),
  };
  return { calls, ports, disposed, built, pushed, objects, applied, release: () => releaseBuild() };
}

const runs = (calls: Call[]) => calls.filter((c) => c.what === 'run').map((c) => c.stage);
const argsOf = (calls: Call[], stage: Call['stage']) => calls.find((c) => c.what === 'run' && c.stage === stage)!.args!;

test('a new commit: build, then push what the build made; the push session is opened beside the build', async () => {
  const { calls, ports, disposed, built } = recordingPorts();
  ports.findCommitImage = async () => undefined;
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('success');
  expect(runs(calls)).toEqual(['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate']);
  // the session is opened right after the build started
  expect(calls.slice(0, 2).map((c) => `${c.what} ${c.stage}`)).toEqual(['run build-scan', 'prepare push-ecr']);
  expect(argsOf(calls, 'push-ecr')[0]).toBe(built);
  expect(result.outputs.digest).toBe(DIGEST);
  expect(result.outputs.image).toBe(`registry/phlo/dagster@${DIGEST}`);
  expect(disposed).toEqual(['preload', 'dispose']);
  // the registry credentials are deleted right after the push, before anything is applied
  const steps = calls.filter((c) => c.what !== 'prepare').map((c) => `${c.what} ${c.stage}`);
  expect(steps.slice(0, 4)).toEqual(['run build-scan', 'run push-ecr', 'forget credentials push-ecr', 'run render']);
  // each stage's summary section follows the pipeline's own head, in stage order
  expect(result.summary.indexOf('push-ecr summary')).toBeLessThan(result.summary.indexOf('render summary'));
});

test('the pushed image reaches render and the gates as the very value push returned; objects and apply outcome too', async () => {
  const { calls, ports, pushed, objects, applied } = recordingPorts({ fail: 'health-gate' });
  ports.findCommitImage = async () => undefined;
  const result = await runPipeline(settings, ports);
  // one object, handed on: never printed as `name=uri@sha256:…` and parsed back
  expect(argsOf(calls, 'render')[0]).toBe(pushed);
  expect(argsOf(calls, 'rollout-gate')[1]).toBe(pushed);
  expect(argsOf(calls, 'health-gate')[0]).toBe(pushed);
  // the rendered objects go to apply, apply's workloads to the gate and its outcome to the rollback, as they are
  expect(argsOf(calls, 'apply')[0]).toBe(objects);
  expect(argsOf(calls, 'rollout-gate')[0]).toBe(applied.result.workloads);
  expect(argsOf(calls, 'rollback')[0]).toBe(applied);
  expect(result.verdict).toBe('rolled-back');
  // the outputs are made from the same values
  expect(result.outputs.digest).toBe(pushed.digest);
  expect(result.outputs['apply-result']).toBe(JSON.stringify(applied.result));
});

test('an image an earlier run pushed for the commit stops the build and is deployed; nothing is pushed', async () => {
  const { calls, ports } = recordingPorts({ buildWaits: true });
  const earlier = pinnedImage('registry/phlo/dagster', OLD);
  ports.findCommitImage = async () => ({ image: earlier, tag: 'sha-0123456' });
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('success');
  expect(calls.some((c) => c.what === 'stopped' && c.stage === 'build-scan')).toBe(true);
  expect(runs(calls)).toEqual(['build-scan', 'render', 'apply', 'rollout-gate', 'health-gate']);
  expect(argsOf(calls, 'render')[0]).toBe(earlier);
  expect(argsOf(calls, 'rollout-gate')[1]).toBe(earlier);
  expect(result.stages.find((s) => s.stage === 'build-scan')).toMatchObject({ status: 'skipped' });
  expect(result.stages.find((s) => s.stage === 'push-ecr')).toMatchObject({ status: 'skipped' });
  expect(result.outputs.digest).toBe(OLD);
});

test('a failed commit lookup stops the build and fails before anything is written', async () => {
  const { calls, ports, disposed } = recordingPorts({ buildWaits: true });
  ports.findCommitImage = async () => {
    throw new Error('ECR: AccessDenied');
  };
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('failure');
  expect(result.headline).toContain('ECR: AccessDenied');
  expect(calls.some((c) => c.what === 'stopped')).toBe(true);
  expect(runs(calls)).toEqual(['build-scan']);
  expect(disposed).toContain('dispose');
});

test('a cluster that does not answer stops the build and fails before anything is pushed', async () => {
  const { calls, ports, disposed } = recordingPorts({ buildWaits: true });
  ports.findCommitImage = async () => undefined;
  ports.checkCluster = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
  };
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('failure');
  expect(result.headline).toContain('ECONNREFUSED');
  expect(calls.some((c) => c.what === 'stopped' && c.stage === 'build-scan')).toBe(true);
  expect(runs(calls)).toEqual(['build-scan']);
  expect(result.stages.find((s) => s.stage === 'build-scan')).toMatchObject({
    status: 'not run',
    note: 'stopped: the cluster check failed',
  });
  expect(disposed).toContain('dispose');
});

test('the cluster check must pass even when an earlier run pushed the image: nothing is deployed without it', async () => {
  const { calls, ports } = recordingPorts({ buildWaits: true });
  ports.findCommitImage = async () => ({ image: pinnedImage('registry/phlo/dagster', OLD), tag: 'sha-0123456' });
  let refuse: (error: Error) => void = () => undefined;
  ports.checkCluster = () => new Promise<void>((_resolve, reject) => (refuse = reject));
  const pending = runPipeline(settings, ports);
  await new Promise((r) => setImmediate(r)); // the lookup has answered; the check is still out
  expect(runs(calls)).toEqual(['build-scan']);
  refuse(new Error('Kubernetes API 401: Unauthorized'));
  const result = await pending;
  expect(result.verdict).toBe('failure');
  expect(result.headline).toContain('401');
  expect(runs(calls)).toEqual(['build-scan']);
});

test('a build that fails while the lookup is still out is reported once the lookup finds nothing', async () => {
  const { calls, ports } = recordingPorts({ fail: 'build-scan' });
  let answer: (v: undefined) => void = () => undefined;
  ports.findCommitImage = () => new Promise((resolve) => (answer = resolve));
  const pending = runPipeline(settings, ports);
  await new Promise((r) => setImmediate(r)); // every pending step of the (immediate) build has run
  expect(runs(calls)).toEqual(['build-scan']); // the build has finished (failed); the lookup decides next
  answer(undefined);
  const result = await pending;
  expect(result.verdict).toBe('blocked');
  expect(result.headline).toContain('build-scan failed');
  expect(runs(calls)).toEqual(['build-scan']);
});

test('an unexpected error inside a gate (not a verdict) rolls back too', async () => {
  for (const stage of ['rollout-gate', 'health-gate'] as const) {
    const { calls, ports } = recordingPorts({ crash: stage });
    ports.findCommitImage = async () => undefined;
    const result = await runPipeline({ ...settings, health: true }, ports);
    expect(runs(calls)).toContain('rollback');
    expect(result.verdict).toBe('rolled-back');
    expect(result.headline).toContain('the watch broke');
  }
});

/** apply's failure after `written` writes, with what its undo did. */
function writeFailure(written: number, undo: Partial<UndoResult> = {}): ApplyWriteFailure {
  const full: UndoResult = {
    deleted: [],
    restored: [],
    recreated: [],
    failed: [],
    summary: 'undone: …',
    problems: [],
    ...undo,
  };
  return new ApplyWriteFailure(
    [
      `Apply failed in tier 'cronjobs' after a successful dry run; ${written} object(s) had been written: ${full.summary}`,
      'CronJob dagster/b: exceeded quota: one-more, requested: count/cronjobs.batch=1',
    ],
    written,
    full,
  );
}

test('a write refused half-way: the workloads apply restored are gated, and the verdict says what was put back', async () => {
  const failure = writeFailure(2, {
    restored: [WEB],
    deleted: [CONFIG],
    summary:
      'undone: deleted the 1 it created (ConfigMap dagster/config); restored the 1 it changed (Deployment dagster/web).',
  });
  const { calls, ports } = recordingPorts({ applyThrows: failure });
  const notices: string[] = [];
  ports.notify = async (n) => void notices.push(n.event);
  const result = await runPipeline(settings, ports);
  expect(runs(calls)).toEqual(['build-scan', 'push-ecr', 'render', 'apply', 'gate-undone']);
  expect(argsOf(calls, 'gate-undone')[0]).toBe(failure.undo);
  expect(result.verdict).toBe('rolled-back');
  expect(result.headline).toContain('exceeded quota');
  expect(result.headline).toContain('restored the 1 it changed (Deployment dagster/web)');
  expect(result.headline).toContain('Rolled back and healthy again');
  expect(result.stages.find((s) => s.stage === 'apply')).toMatchObject({ status: 'failed' });
  expect(result.stages.find((s) => s.stage === 'rollback')).toMatchObject({ status: 'passed' });
  expect(result.summary).toContain('gate-undone summary');
  expect(notices).toEqual(['rollback']);
});

test('a write refused half-way whose undo left something, or whose restored workloads stay unhealthy, is a failure', async () => {
  const left = writeFailure(2, {
    restored: [WEB],
    failed: [{ ref: CONFIG, message: 'Kubernetes API 403: forbidden' }],
    summary:
      'undone: restored the 1 it changed (Deployment dagster/web); 1 could not be undone (ConfigMap dagster/config).',
  });
  const first = recordingPorts({ applyThrows: left });
  const r1 = await runPipeline(settings, first.ports);
  expect(r1.verdict).toBe('failure');
  expect(r1.headline).toContain('1 could not be undone (ConfigMap dagster/config)');

  const second = recordingPorts({ applyThrows: writeFailure(1, { restored: [WEB] }), fail: 'gate-undone' });
  const r2 = await runPipeline(settings, second.ports);
  expect(r2.verdict).toBe('failure');
  expect(r2.headline).toContain('The restored workloads did NOT become healthy');
  expect(r2.stages.find((s) => s.stage === 'rollback')).toMatchObject({ status: 'failed' });
});

test('a write refused before anything was written is a plain failure: nothing to undo, nothing gated', async () => {
  const { calls, ports } = recordingPorts({ applyThrows: writeFailure(0) });
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('failure');
  expect(runs(calls)).not.toContain('gate-undone');
});
