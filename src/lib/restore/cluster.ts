/**
 * The cluster writer: the set's objects (namespaces mapped, value-less Secrets left out by the plan)
 * through the existing server-side apply (field manager phlo-deploy), then the rollout gate on the
 * workloads it wrote.
 */
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../kube/apply.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import type { Manifest } from '../manifests/validate.js';
import { runRolloutGate, gateTargets, type GateResult } from '../gates/index.js';
import type { ApplyResult } from '../objects/types.js';
import type { Logger } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { ClusterPlan } from './plan.js';

export interface ClusterRestoreResult {
  apply: ApplyResult;
  gate: GateResult;
}

export async function restoreCluster(
  plan: ClusterPlan,
  client: KubeClient,
  ports: { logger: Logger; clock: Clock },
  options: { rolloutTimeoutMs: number; setId: string },
): Promise<ClusterRestoreResult> {
  const bodies: KubeObject[] = [];
  const declared = new Set(plan.bodies.filter((b) => b.kind === 'Namespace').map((b) => b.metadata.name));
  for (const ns of plan.namespaces) {
    if (declared.has(ns)) continue;
    const live = await client.getOrUndefined(`/api/v1/namespaces/${encodeURIComponent(ns)}`);
    if (!live) bodies.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  bodies.push(...plan.bodies);
  const manifests: Manifest[] = bodies.map((b) => ({
    ref: {
      apiVersion: b.apiVersion ?? 'v1',
      kind: b.kind!,
      ...(b.metadata.namespace ? { namespace: b.metadata.namespace } : {}),
      name: b.metadata.name,
    },
    object: b as Manifest['object'],
    source: `backup set ${options.setId}`,
    scope: b.metadata.namespace ? 'namespaced' : b.kind === 'Namespace' ? 'cluster' : 'unknown',
  }));
  const outcome = await applyManifests(
    manifests,
    new Map(),
    { ...DEFAULT_APPLY_SETTINGS, forceConflicts: true },
    client,
    ports.logger,
  );
  const gate = await runRolloutGate(client, gateTargets(outcome.result.workloads), {
    timeoutMs: options.rolloutTimeoutMs,
    logger: ports.logger,
    clock: ports.clock,
  });
  return { apply: outcome.result, gate };
}
