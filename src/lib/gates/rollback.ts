/**
 * Rollback orchestration that calls the gates: `rollbackAndGate` (plan, write, gate the rolled-back
 * workloads) and `gateAndRollback` (gate; on failure roll back and gate that). The plan and the
 * writes are in src/lib/kube/rollback.ts; this file only sequences them with the rollout gate.
 */
import type { Clock } from '../runtime/clock.js';
import { GateFailure } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import pLimit from 'p-limit';
import type { KubeClient } from '../kube/client.js';
import { undoWrites, type WrittenObject } from '../kube/apply.js';
import { isWorkloadKind } from '../kube/revisions.js';
import { refKey, type WorkloadRecord } from '../objects/types.js';
import type { UndoResult } from '../kube/undo.js';
import {
  executeRollback,
  fetchLive,
  planRollback,
  type RollbackOutcome,
  type RollbackPlanOptions,
  type RollbackTarget,
} from '../kube/rollback.js';
import { runRolloutGate, type GateResult } from './gate.js';
import { explanationLines } from './summary.js';

export interface RollbackResult {
  outcomes: RollbackOutcome[];
  /** The rollout gate run on the rolled-back workloads (absent when nothing was patched). */
  gate?: GateResult;
  /** The objects that are not workloads, put back first (when `written` was given). */
  objects?: UndoResult;
  /** True when every object was put back, every patch applied and the rolled-back workloads became healthy. */
  healthy: boolean;
}

export interface RollbackOptions extends RollbackPlanOptions {
  logger: Logger;
  clock: Clock;
  /** Deadline for the gate on the rolled-back workloads, ms. */
  gateTimeoutMs: number;
  restartLimit?: number;
  signal?: AbortSignal;
  /**
   * What apply wrote, with each object's previous content (apply's `written`): the objects that are not
   * workloads (ConfigMaps, Secrets, Services, RBAC…) go back to what they were, and the ones it
   * created go, BEFORE the workloads roll back — so the rolled-back pods start with the old
   * configuration. Namespaces and CRDs stay (deleting one would take everything in it).
   */
  written?: readonly WrittenObject[];
}

/** Plans, applies and gates a rollback of the given records (after the `written` objects), all over one client. */
export async function rollbackAndGate(
  client: KubeClient,
  records: WorkloadRecord[],
  options: RollbackOptions,
): Promise<RollbackResult> {
  const others = (options.written ?? []).filter(
    (w) => !isWorkloadKind(w.ref.kind) && w.ref.kind !== 'Namespace' && w.ref.kind !== 'CustomResourceDefinition',
  );
  const objects = others.length ? await undoWrites(client, others, pLimit(8), options.logger) : undefined;
  const live = await fetchLive(client, records);
  const plan = planRollback(records, live, options);
  const outcomes = await executeRollback(client, plan, options.logger, options.clock, {
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const patched = outcomes.filter((o) => o.outcome === 'rolled-back').map((o) => o.ref);
  let gate: GateResult | undefined;
  if (patched.length > 0) {
    options.logger.info(`gating the rollback of ${patched.length} workload(s)`);
    gate = await runRolloutGate(client, patched, {
      timeoutMs: options.gateTimeoutMs,
      restartLimit: options.restartLimit,
      logger: options.logger,
      clock: options.clock,
      signal: options.signal,
    });
  }
  const healthy =
    !outcomes.some((o) => o.outcome === 'error') &&
    (gate === undefined || gate.verdict === 'success') &&
    !objects?.problems.length;
  return { outcomes, gate, ...(objects ? { objects } : {}), healthy };
}

export interface DeployGateOptions {
  timeoutMs: number;
  restartLimit?: number;
  logger: Logger;
  clock: Clock;
  signal?: AbortSignal;
  /**
   * Runs after a successful rollout gate (e.g. the health gate, through the service proxy); when it
   * reports unhealthy, that too triggers the rollback.
   */
  health?: () => Promise<{ healthy: boolean; reason?: string }>;
  /**
   * Roll back when the gate (or the health check) fails (default false); `written` (apply's) puts the
   * other objects back first (see RollbackOptions).
   */
  rollback?: {
    enabled: boolean;
    target?: RollbackTarget;
    timeoutMs: number;
    deleteCreated?: boolean;
    written?: readonly WrittenObject[];
  };
}

export interface DeployGateResult {
  gate: GateResult;
  health?: { healthy: boolean; reason?: string };
  rollback?: RollbackResult;
  ok: boolean;
}

/**
 * Gates the workloads; when the gate fails and rollback is enabled, rolls them back and gates that.
 * The gate and the rollback share the one client given.
 */
export async function gateAndRollback(
  kc: KubeClient,
  records: WorkloadRecord[],
  options: DeployGateOptions,
): Promise<DeployGateResult> {
  const { logger } = options;
  const gate = await runRolloutGate(kc, records, {
    timeoutMs: options.timeoutMs,
    restartLimit: options.restartLimit,
    logger,
    clock: options.clock,
    signal: options.signal,
  });
  logger.info(`rollout gate: ${gate.verdict} in ${Math.round(gate.durationMs)}ms`);
  for (const e of gate.explanations) {
    await logger.group(`why ${e.ref.kind}/${e.ref.namespace ?? ''}/${e.ref.name} ${e.state}`, async () => {
      for (const line of explanationLines(e)) logger.info(line);
    });
  }
  let health: { healthy: boolean; reason?: string } | undefined;
  if (gate.verdict === 'success' && options.health) {
    health = await options.health();
    if (!health.healthy)
      logger.warning(`health check failed after a good rollout${health.reason ? `: ${health.reason}` : ''}`);
  }
  const ok = gate.verdict === 'success' && (health === undefined || health.healthy);
  if (ok || !options.rollback?.enabled) return { gate, health, ok };
  const rollback = await logger.group('rollback', () =>
    rollbackAndGate(kc, records, {
      target: options.rollback!.target ?? 'recorded',
      deleteCreated: options.rollback!.deleteCreated,
      ...(options.rollback!.written ? { written: options.rollback!.written } : {}),
      gateTimeoutMs: options.rollback!.timeoutMs,
      restartLimit: options.restartLimit,
      logger,
      clock: options.clock,
      signal: options.signal,
    }),
  );
  return { gate, health, rollback, ok };
}

/** The rollout gate's "no" (with what the rollback did, if it ran). */
export function rolloutGateFailure(r: DeployGateResult): GateFailure | undefined {
  const { gate, rollback } = r;
  if (gate.verdict === 'success') return undefined;
  const bad = gate.workloads.filter((w) => w.state === 'failed' || w.state === 'timeout');
  const what = bad.map((w) => `${w.kind}/${w.namespace ?? ''}/${w.name}: ${w.reason ?? w.state}`).join('; ');
  const after = rollback ? ` Rolled back: ${rollback.healthy ? 'healthy again' : 'the rollback is NOT healthy'}.` : '';
  return new GateFailure(`rollout ${gate.verdict} — ${what}.${after}`);
}

/** The rollback's "no": a workload that could not be rolled back, or a rollback that did not become healthy. */
export function rollbackFailure(result: RollbackResult): GateFailure | undefined {
  if (result.healthy) return undefined;
  const errors = result.outcomes
    .filter((o) => o.outcome === 'error')
    .map((o) => `${o.ref.kind}/${o.ref.namespace ?? ''}/${o.ref.name}: ${o.message}`);
  const gate =
    result.gate && result.gate.verdict !== 'success'
      ? [`the rolled-back workloads did not become healthy (${result.gate.verdict})`]
      : [];
  return new GateFailure(
    `rollback incomplete — ${[...(result.objects?.problems ?? []), ...errors, ...gate].join('; ')}`,
  );
}

/**
 * After apply undid a write that failed half-way: the "no" when an object could not be put back, or
 * the workloads the undo restored did not become healthy.
 */
export function undoneFailure(undo: UndoResult, gate?: GateResult): GateFailure | undefined {
  const problems = [
    ...undo.failed.map((f) => `${refKey(f.ref)} not put back: ${f.message}`),
    ...(gate && gate.verdict !== 'success' ? [`the restored workloads did not become healthy (${gate.verdict})`] : []),
  ];
  return problems.length ? new GateFailure(`undo incomplete — ${problems.join('; ')}`) : undefined;
}
