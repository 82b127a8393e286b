/**
 * Recording each workload's current revision BEFORE apply writes anything, so a rollback knows
 * where to return:
 * - Deployment: the ReplicaSet it owns with the highest `deployment.kubernetes.io/revision`
 *   (the controller always gives the current ReplicaSet the highest number, also after an undo).
 * - StatefulSet: `status.currentRevision`, the ControllerRevision's name, and its `.revision`
 *   (falls back to the newest ControllerRevision it owns when the status has none yet).
 * - DaemonSet: the newest ControllerRevision it owns.
 * - Job and anything else: no revision.
 */
import type { KubeClient, KubeObject } from './client.js';
import type { ObjectRef, WorkloadKind } from '../objects/types.js';
import { WORKLOAD_KINDS, refKey } from '../objects/types.js';
import { REVISION_ANNOTATION } from '../objects/names.js';

/** The live state of one workload before apply. */
export interface RevisionRecord extends ObjectRef {
  /** False when the workload does not exist yet (apply will create it). */
  exists: boolean;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  previousRevision?: { revision: number; name: string };
}

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/**
 * Reads the current revision of every workload among `objects` (others are ignored), in order.
 * `live` may hold workloads already fetched (keyed by refKey); ReplicaSets and ControllerRevisions are listed
 * once per namespace, so the cost does not grow with the number of workloads.
 */
export async function recordRevisions(
  client: KubeClient,
  objects: readonly ObjectRef[],
  options: { concurrency?: number; live?: ReadonlyMap<string, KubeObject | undefined> } = {},
): Promise<RevisionRecord[]> {
  const workloads = objects.filter((o) => isWorkloadKind(o.kind));
  const limit = Math.max(1, options.concurrency ?? 8);
  const lives = await mapLimit(workloads, limit, async (ref) => {
    if (options.live?.has(refKey(ref))) return options.live.get(refKey(ref));
    return client.getOrUndefined<KubeObject>(await client.pathOf(ref));
  });
  // one list per namespace and kind of child
  const rsByNs = new Map<string, Promise<KubeObject[]>>();
  const crByNs = new Map<string, Promise<Array<KubeObject & { revision?: number }>>>();
  const listRs = (ns: string) => {
    let p = rsByNs.get(ns);
    if (!p) rsByNs.set(ns, (p = listChildren(client, 'ReplicaSet', ns)));
    return p;
  };
  const listCr = (ns: string) => {
    let p = crByNs.get(ns);
    if (!p) crByNs.set(ns, (p = listChildren(client, 'ControllerRevision', ns)));
    return p;
  };
  return mapLimit(workloads, limit, async (ref, i) => {
    const live = lives[i] as (KubeObject & { status?: { currentRevision?: string } }) | undefined;
    const rec: RevisionRecord = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace,
      name: ref.name,
      exists: !!live,
    };
    if (!live) return rec;
    rec.uid = live.metadata.uid;
    rec.generation = live.metadata.generation;
    rec.resourceVersion = live.metadata.resourceVersion;
    const ns = ref.namespace ?? '';
    const uid = live.metadata.uid;
    if (ref.kind === 'Deployment') {
      rec.previousRevision = newest(await listRs(ns), uid, (rs) =>
        Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? NaN),
      );
    } else if (ref.kind === 'StatefulSet' || ref.kind === 'DaemonSet') {
      const revisions = await listCr(ns);
      const current = ref.kind === 'StatefulSet' ? live.status?.currentRevision : undefined;
      const named = current
        ? revisions.find((r) => r.metadata.name === current && typeof r.revision === 'number')
        : undefined;
      rec.previousRevision = named
        ? { revision: named.revision!, name: named.metadata.name }
        : newest(revisions, uid, (r) => (typeof r.revision === 'number' ? r.revision : NaN));
    }
    if (!rec.previousRevision) delete rec.previousRevision;
    return rec;
  });
}

async function listChildren(client: KubeClient, kind: string, namespace: string): Promise<KubeObject[]> {
  return client.list(await client.pathOf({ apiVersion: 'apps/v1', kind, namespace }));
}

function newest<T extends KubeObject>(
  items: T[],
  uid: string | undefined,
  revisionOf: (item: T) => number,
): { revision: number; name: string } | undefined {
  let best: { revision: number; name: string } | undefined;
  for (const item of items) {
    if (!ownedBy(item, uid)) continue;
    const revision = revisionOf(item);
    if (!Number.isFinite(revision)) continue;
    if (!best || revision > best.revision) best = { revision, name: item.metadata.name };
  }
  return best;
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

function ownedBy(obj: KubeObject, uid: string | undefined): boolean {
  return !!uid && (obj.metadata.ownerReferences ?? []).some((o) => o.uid === uid);
}
