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
import type { KubeConfig } from '@kubernetes/client-node';
import { withKubeClient, type KubeClient, type KubeObject } from './client.js';
import type { ObjectRef, WorkloadKind } from './types.js';
import { WORKLOAD_KINDS, refKey } from './types.js';

/** The live state of one workload before apply. */
export interface RevisionRecord extends ObjectRef {
  /** False when the workload does not exist yet (apply will create it). */
  exists: boolean;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  previousRevision?: { revision: number; name: string };
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/**
 * Reads the current revision of every workload among `objects` (others are ignored), in order.
 * Takes a loaded KubeConfig (or an existing KubeClient, to share its connection pool). `live` may
 * hold workloads already fetched (keyed by refKey); ReplicaSets and ControllerRevisions are listed
 * once per namespace, so the cost does not grow with the number of workloads.
 */
export async function recordRevisions(
  kc: KubeConfig | KubeClient,
  objects: readonly ObjectRef[],
  options: { concurrency?: number; live?: ReadonlyMap<string, KubeObject | undefined> } = {},
): Promise<RevisionRecord[]> {
  return withKubeClient(kc, async (client) => {
    const workloads = objects.filter((o) => isWorkloadKind(o.kind));
    const limit = Math.max(1, options.concurrency ?? 8);
    const lives = await mapLimit(workloads, limit, async (ref) => {
      if (options.live?.has(refKey(ref))) return options.live.get(refKey(ref));
      const group = ref.kind === 'Job' ? 'batch/v1' : 'apps/v1';
      return client.getOrUndefined<KubeObject>(
        `/apis/${group}/namespaces/${encodeURIComponent(ref.namespace ?? '')}/${ref.kind.toLowerCase()}s/${encodeURIComponent(ref.name)}`,
      );
    });
    // one list per namespace and kind of child
    const rsByNs = new Map<string, Promise<KubeObject[]>>();
    const crByNs = new Map<string, Promise<Array<KubeObject & { revision?: number }>>>();
    const listRs = (ns: string) => {
      let p = rsByNs.get(ns);
      if (!p) rsByNs.set(ns, (p = client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`)));
      return p;
    };
    const listCr = (ns: string) => {
      let p = crByNs.get(ns);
      if (!p)
        crByNs.set(ns, (p = client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions`)));
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
  });
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

/** A LabelSelector (matchLabels + matchExpressions) as a label-selector query string. */
export function selectorString(selector: unknown): string | undefined {
  if (!selector || typeof selector !== 'object') return undefined;
  const s = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : undefined;
}
