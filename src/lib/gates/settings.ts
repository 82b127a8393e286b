/**
 * Input parsing shared by rollout-gate and rollback (and the pipeline): one typed settings object,
 * every problem reported before anything talks to the cluster.
 */
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import type { WorkloadRecord } from '../objects/types.js';
import type { RollbackTarget } from '../kube/rollback.js';
import { parseWorkloads } from './targets.js';

export interface GateSettings {
  workloads: WorkloadRecord[];
  timeoutMs: number;
  restartLimit: number;
  kube: KubeconfigSettings;
}

export interface RollbackSettings {
  enabled: boolean;
  target: RollbackTarget | 'auto';
  timeoutMs: number;
  deleteCreated: boolean;
}

/** A gate's settings as a pipeline stage parses them: the workloads come from apply, as a value. */
export type GateStageSettings = Omit<GateSettings, 'workloads'> & { rollback: RollbackSettings };

/** Collects ConfigurationErrors from several readers into one. */
function collect<T extends object>(readers: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  const { problems, attempt } = collectProblems();
  for (const key of Object.keys(readers) as Array<keyof T>) {
    attempt(() => {
      out[key] = readers[key]();
    });
  }
  if (problems.length > 0) throw new ConfigurationErrors(problems);
  return out;
}

export function parseRevision(input: string, value: string): RollbackTarget | 'auto' {
  const v = value.trim().toLowerCase();
  if (!v || v === 'auto') return 'auto';
  if (v === 'previous' || v === 'recorded') return v;
  if (/^\d+$/.test(v) && Number(v) >= 1) return Number(v);
  throw ConfigurationError.forInput(input, value, "'previous', 'recorded', 'auto' or a revision number of at least 1");
}

/** Input 'workloads' (with 'namespace' for entries without one). */
function readWorkloads(inputs: Inputs): WorkloadRecord[] {
  return parseWorkloads(inputs.name('workloads'), inputs.raw('workloads'), inputs.optional('namespace'));
}

/**
 * The rollout-gate action's settings without its workloads, as the deploy pipeline parses them (the
 * kubeconfig masked first; the rollback there is the pipeline's own: `rollback-on-failure` is wired off).
 */
export function parseRolloutGateStageSettings(inputs: Inputs, mask: (secret: string) => void): GateStageSettings {
  const kube = readKubeconfigInputs(inputs, mask);
  const common = collect({
    timeoutMs: () => positive(inputs.name('timeout'), inputs.duration('timeout', '5m', { minMs: 1000 })),
    restartLimit: () => inputs.int('restart-limit', 3, { min: 1, max: 100 }),
    enabled: () => inputs.boolean('rollback-on-failure', false),
    deleteCreated: () => inputs.boolean('delete-created', false),
    rollbackTimeout: () => inputs.raw('rollback-timeout'),
  });
  const rollbackTimeoutMs = common.rollbackTimeout
    ? positive(inputs.name('rollback-timeout'), inputs.duration('rollback-timeout', '5m', { minMs: 1000 }))
    : common.timeoutMs;
  return {
    timeoutMs: common.timeoutMs,
    restartLimit: common.restartLimit,
    kube,
    rollback: {
      enabled: common.enabled,
      target: 'recorded',
      timeoutMs: rollbackTimeoutMs,
      deleteCreated: common.deleteCreated,
    },
  };
}

/** The rollout-gate action's settings (the kubeconfig masked first; every problem at once). */
export function parseRolloutGateSettings(
  inputs: Inputs,
  mask: (secret: string) => void,
): GateSettings & { rollback: RollbackSettings } {
  const { stage, workloads } = collect({
    stage: () => parseRolloutGateStageSettings(inputs, mask),
    workloads: () => readWorkloads(inputs),
  });
  return { ...stage, workloads };
}

/**
 * The rollback action's settings without its workloads and revision, as the deploy pipeline parses
 * them: it rolls back the workloads apply wrote, to the revisions apply recorded.
 */
export function parseRollbackStageSettings(inputs: Inputs, mask: (secret: string) => void): GateStageSettings {
  const kube = readKubeconfigInputs(inputs, mask);
  const s = collect({
    timeoutMs: () => positive(inputs.name('timeout'), inputs.duration('timeout', '5m', { minMs: 1000 })),
    restartLimit: () => inputs.int('restart-limit', 3, { min: 1, max: 100 }),
    deleteCreated: () => inputs.boolean('delete-created', false),
  });
  return {
    timeoutMs: s.timeoutMs,
    restartLimit: s.restartLimit,
    kube,
    rollback: { enabled: true, target: 'recorded', timeoutMs: s.timeoutMs, deleteCreated: s.deleteCreated },
  };
}

/** The rollback action's settings (the kubeconfig masked first; every problem at once). */
export function parseRollbackSettings(
  inputs: Inputs,
  mask: (secret: string) => void,
): GateSettings & { rollback: RollbackSettings } {
  const { stage, workloads, target } = collect({
    stage: () => parseRollbackStageSettings(inputs, mask),
    workloads: () => readWorkloads(inputs),
    target: () => parseRevision(inputs.name('revision'), inputs.raw('revision')),
  });
  if (typeof target === 'number' && workloads.length !== 1) {
    throw new ConfigurationError(
      `Input '${inputs.name('revision')}' is '${target}' but input '${inputs.name('workloads')}' names ${workloads.length} workloads: a revision number applies to exactly one workload (use 'previous' or 'recorded' for several).`,
    );
  }
  return { ...stage, workloads, rollback: { ...stage.rollback, target } };
}

/** 'auto': the recorded revisions when the records carry them (the apply result), else 'previous'. */
export function resolveTarget(target: RollbackTarget | 'auto', records: WorkloadRecord[]): RollbackTarget {
  if (target !== 'auto') return target;
  return records.some((r) => r.previousRevision || r.created) ? 'recorded' : 'previous';
}

function positive(name: string, ms: number): number {
  if (ms <= 0) throw ConfigurationError.forInput(name, `${ms}ms`, 'a duration above zero such as 5m');
  return ms;
}
