/**
 * Plain values that flow between stages: render → apply → gates → rollback. Kept in one file so
 * every stage (and the CLI and the root action) agrees on them. JSON-serialisable: they are also
 * the actions' outputs.
 */

/** Identifies one object in the cluster. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Empty for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

/** Kinds the rollout gate knows how to wait for (plus custom resources with a Ready condition). */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A workload as apply saw it: what it was before the write, so a rollback knows where to go. */
export interface WorkloadRecord extends ObjectRef {
  /** True when apply created it (a rollback then has no previous revision to return to). */
  created: boolean;
  /** True when apply changed its spec (metadata.generation moved). */
  changed: boolean;
  /** metadata.generation after apply (the gate waits for observedGeneration to reach it). */
  generation?: number;
  /**
   * The revision live before apply. Deployment: the `deployment.kubernetes.io/revision` of its
   * current ReplicaSet, with that ReplicaSet's name. StatefulSet/DaemonSet: the ControllerRevision
   * (name and revision number). Absent for a new object or a Job.
   */
  previousRevision?: { revision: number; name: string };
}

/** What `apply` returns and outputs (as JSON, output `result`). */
export interface ApplyResult {
  dryRun: boolean;
  counts: { created: number; changed: number; unchanged: number; pruned: number };
  objects: Array<ObjectRef & { action: 'created' | 'changed' | 'unchanged' | 'pruned' }>;
  /** Every workload among the applied objects, with its revision before apply. */
  workloads: WorkloadRecord[];
}

export function refKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}
