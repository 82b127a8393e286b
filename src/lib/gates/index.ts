/**
 * The gates' public API, for the rollout-gate and rollback actions, the root pipeline action and
 * the CLI.
 *
 *   runRolloutGate(kc, targets, options)            → GateResult (verdict, per-workload status, explanations)
 *   gateAndRollback(kc, records, options)           → { gate, health?, rollback?, ok } (rollback when the rollout
 *                                                     gate fails, or when the optional health check fails after it)
 *   rollbackAndGate(kc, records, options)           → RollbackResult (e.g. after a failed health gate)
 *   planRollback(records, live, options)            → RollbackAction[] (pure)
 *   renderGateSummary / renderRollbackSummary       → Markdown (pure)
 *   serviceProxyTarget(kc, ref, path)               → ProbeTarget for the health gate (src/lib/health/service-proxy.ts)
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { WorkloadRecord } from '../kube/types.js';
import { withKubeClient, type KubeClient } from '../kube/client.js';
import { rollbackAndGate, type RollbackResult, type RollbackTarget } from '../kube/rollback.js';
import { runRolloutGate, type GateResult } from './gate.js';
import { explanationLines } from './summary.js';

export * from './gate.js';
export * from './rules.js';
export * from './explain.js';
export * from './summary.js';
export * from './targets.js';
export { planRollback, rollbackAndGate, executeRollback, fetchLive } from '../kube/rollback.js';
export type {
  RollbackResult,
  RollbackAction,
  RollbackOutcome,
  RollbackTarget,
  LiveWorkload,
} from '../kube/rollback.js';

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
  /** Roll back when the gate (or the health check) fails (default false). */
  rollback?: { enabled: boolean; target?: RollbackTarget; timeoutMs: number; deleteCreated?: boolean };
}

export interface DeployGateResult {
  gate: GateResult;
  health?: { healthy: boolean; reason?: string };
  rollback?: RollbackResult;
  ok: boolean;
}

/**
 * Gates the workloads; when the gate fails and rollback is enabled, rolls them back and gates that.
 * The gate and the rollback share one client (made from a KubeConfig, or the one given).
 */
export async function gateAndRollback(
  kube: KubeConfig | KubeClient,
  records: WorkloadRecord[],
  options: DeployGateOptions,
): Promise<DeployGateResult> {
  return withKubeClient(kube, (client) => gateThenRollback(client, records, options));
}

async function gateThenRollback(
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
      gateTimeoutMs: options.rollback!.timeoutMs,
      restartLimit: options.restartLimit,
      logger,
      clock: options.clock,
      signal: options.signal,
    }),
  );
  return { gate, health, rollback, ok };
}
