/**
 * The pipeline's ordering rules with recording stage ports (the stages themselves are tested on the
 * local stack, and the whole pipeline end to end in test/e2e): what overlaps the build, what a commit
 * lookup decides, and that nothing after the build starts when it is not needed.
 */
import { expect, test } from '@jest/globals';
import {
  STAGES,
  runPipeline,
  type PipelinePorts,
  type PipelineSettings,
  type StageName,
  type StagePort,
  type StageRun,
  type Wired,
} from '../../src/lib/pipeline/pipeline.js';
import { GateFailure } from '../../src/lib/runtime/errors.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

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

interface Call {
  what: 'validate' | 'prepare' | 'run' | 'stopped' | 'forget credentials';
  stage: StageName;
  wired?: Wired;
}

/** Stage ports that record every call; build-scan runs until stopped when `buildWaits` is set. */
function recordingPorts(options: { buildWaits?: boolean; fail?: StageName; crash?: StageName } = {}) {
  const calls: Call[] = [];
  const outputs: Partial<Record<StageName, Record<string, string>>> = {
    'build-scan': { 'image-id': 'sha256:local', tags: 'sha-0123456' },
    'push-ecr': { image: `registry/phlo/dagster@${DIGEST}`, digest: DIGEST },
    render: { path: '/tmp/rendered.yaml' },
    apply: { result: '{"workloads":[]}' },
  };
  let releaseBuild: () => void = () => undefined;
  const port = (stage: StageName): StagePort => ({
    validate: (wired) => void calls.push({ what: 'validate', stage, wired }),
    prepare: (wired) => void calls.push({ what: 'prepare', stage, wired }),
    run: async (wired, signal) => {
      calls.push({ what: 'run', stage, wired });
      const result: StageRun = { outputs: outputs[stage] ?? {}, summaries: [] };
      if (stage === 'build-scan' && options.buildWaits) {
        await new Promise<void>((resolve) => {
          releaseBuild = resolve;
          signal?.addEventListener('abort', () => {
            calls.push({ what: 'stopped', stage });
            result.error = signal.reason;
            resolve();
          });
        });
      }
      if (options.fail === stage) result.error = new GateFailure(`${stage} failed`);
      if (options.crash === stage) result.error = new Error('the watch broke: HTTP 503 from the API server');
      return result;
    },
  });
  const stages = Object.fromEntries(STAGES.map((s) => [s, port(s)])) as Record<StageName, StagePort>;
  const disposed: string[] = [];
  const ports: PipelinePorts = {
    stages,
    logger: new MemoryLogger(),
    clock: systemClock,
    notify: async () => undefined,
    preload: () => void disposed.push('preload'),
    dispose: async () => void disposed.push('dispose'),
    forgetRegistryCredentials: async () => void calls.push({ what: 'forget credentials', stage: 'push-ecr' }),
  };
  return { calls, ports, disposed, release: () => releaseBuild() };
}

const runs = (calls: Call[]) => calls.filter((c) => c.what === 'run').map((c) => c.stage);

test('a new commit: build, then push with what the build made; the push session is opened beside the build', async () => {
  const { calls, ports, disposed } = recordingPorts();
  ports.findCommitImage = async () => undefined;
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('success');
  expect(runs(calls)).toEqual(['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate']);
  // Every stage was validated before the first one ran, and the session opened after validation.
  const firstRun = calls.findIndex((c) => c.what === 'run');
  expect(calls.slice(0, firstRun).every((c) => c.what === 'validate')).toBe(true);
  expect(calls.find((c) => c.what === 'prepare')).toEqual({
    what: 'prepare',
    stage: 'push-ecr',
    wired: { image: 'phlo/dagster', tags: 'prepare' },
  });
  expect(calls.find((c) => c.what === 'run' && c.stage === 'push-ecr')!.wired).toEqual({
    image: 'sha256:local',
    tags: 'sha-0123456',
  });
  expect(result.outputs.digest).toBe(DIGEST);
  expect(disposed).toEqual(['preload', 'dispose']);
  // the registry credentials are deleted right after the push, before anything is applied
  const steps = calls.filter((c) => c.what !== 'validate' && c.what !== 'prepare').map((c) => `${c.what} ${c.stage}`);
  expect(steps.slice(0, 4)).toEqual(['run build-scan', 'run push-ecr', 'forget credentials push-ecr', 'run render']);
});

test('an image an earlier run pushed for the commit stops the build and is deployed; nothing is pushed', async () => {
  const { calls, ports } = recordingPorts({ buildWaits: true });
  ports.findCommitImage = async () => ({ image: `registry/phlo/dagster@${OLD}`, digest: OLD, tag: 'sha-0123456' });
  const result = await runPipeline(settings, ports);
  expect(result.verdict).toBe('success');
  expect(calls.some((c) => c.what === 'stopped' && c.stage === 'build-scan')).toBe(true);
  expect(runs(calls)).toEqual(['build-scan', 'render', 'apply', 'rollout-gate', 'health-gate']);
  expect(calls.find((c) => c.what === 'run' && c.stage === 'render')!.wired).toEqual({
    images: `phlo/dagster=registry/phlo/dagster@${OLD}`,
  });
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
  ports.findCommitImage = async () => ({ image: `registry/phlo/dagster@${OLD}`, digest: OLD, tag: 'sha-0123456' });
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
