/**
 * The gates' public API, for the rollout-gate and rollback actions, the root pipeline action and
 * the CLI.
 *
 *   runRolloutGate(client, targets, options)          → GateResult (verdict, per-workload status, explanations)
 *   gateAndRollback(client, records, options)           → { gate, health?, rollback?, ok } (rollback when the rollout
 *                                                     gate fails, or when the optional health check fails after it)
 *   rollbackAndGate(client, records, options)           → RollbackResult (e.g. after a failed health gate)
 *                                                   (with `written`: apply's other objects put back first)
 *   undoneFailure(undo, gate) / renderUndoSummary   → after apply undid a write refused half-way
 *   planRollback(records, live, options)            → RollbackAction[] (pure)
 *   renderGateSummary / renderRollbackSummary       → Markdown (pure)
 *   serviceProxyTarget(client, ref, path)               → ProbeTarget for the health gate (src/lib/health/service-proxy.ts)
 */

export * from './gate.js';
export * from './rules.js';
export * from './explain.js';
export * from './summary.js';
export * from './targets.js';
export * from './rollback.js';
export { planRollback, executeRollback, fetchLive } from '../kube/rollback.js';
export type { RollbackAction, RollbackOutcome, RollbackTarget, LiveWorkload } from '../kube/rollback.js';
