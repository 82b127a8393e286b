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

// localeCompare's own collation (no locale, no options), made once: the same order, without a lookup per call
const collator = new Intl.Collator();

/**
 * A copy of `items` in the order `(a, b) => rank(a) - rank(b) || refKey(a).localeCompare(refKey(b))`
 * gives, each item's key written once (a sort of hundreds of objects otherwise builds thousands of keys).
 */
export function sortByRefKey<T>(items: readonly T[], refOf: (item: T) => ObjectRef, rank?: (item: T) => number): T[] {
  return items
    .map((item) => ({ item, key: refKey(refOf(item)), rank: rank?.(item) ?? 0 }))
    .sort((a, b) => a.rank - b.rank || collator.compare(a.key, b.key))
    .map((e) => e.item);
}

/**
 * An image by digest: what push-ecr pushed (or found already pushed for the commit), handed by the
 * pipeline as this one value to render, which pins the containers with it, and to the gates, which
 * name it. Made only by `pinnedImage`, frozen.
 */
export interface PinnedImage {
  /** `<registry>/<repository>`, without tag or digest. */
  readonly repository: string;
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  /** `<repository>@<digest>`: what a container's `image` becomes. */
  readonly reference: string;
}

/** A manifest digest as registries and Kubernetes write it. */
export const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export function pinnedImage(repository: string, digest: string): PinnedImage {
  if (!SHA256_DIGEST.test(digest)) throw new Error(`not a sha256 manifest digest: '${digest}'`);
  if (!repository || /[@\s]/.test(repository)) throw new Error(`not an image repository: '${repository}'`);
  return Object.freeze({ repository, digest, reference: `${repository}@${digest}` });
}
