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
import { KubeClient, type KubeObject } from './client.js';
import type { ObjectRef, WorkloadKind } from './types.js';
import { WORKLOAD_KINDS } from './types.js';

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
 * Takes a loaded KubeConfig (or an existing KubeClient, to share its connection pool).
 */
export async function recordRevisions(
  kc: KubeConfig | KubeClient,
  objects: readonly ObjectRef[],
  options: { concurrency?: number } = {},
): Promise<RevisionRecord[]> {
  const own = !(kc instanceof KubeClient);
  const client = kc instanceof KubeClient ? kc : await KubeClient.create(kc);
  try {
    const workloads = objects.filter((o) => isWorkloadKind(o.kind));
    const out: RevisionRecord[] = new Array(workloads.length);
    const limit = Math.max(1, options.concurrency ?? 8);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < workloads.length) {
        const i = next++;
        out[i] = await recordOne(client, workloads[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, workloads.length) }, worker));
    return out;
  } finally {
    if (own) client.close();
  }
}

async function recordOne(client: KubeClient, ref: ObjectRef): Promise<RevisionRecord> {
  const base: RevisionRecord = { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name, exists: false };
  const ns = ref.namespace ?? '';
  const group = ref.kind === 'Job' ? 'batch/v1' : 'apps/v1';
  const plural = `${ref.kind.toLowerCase()}s`;
  const live = await client.getOrUndefined<KubeObject & { spec?: any; status?: any }>(
    `/apis/${group}/namespaces/${encodeURIComponent(ns)}/${plural}/${encodeURIComponent(ref.name)}`,
  );
  if (!live) return base;
  const rec: RevisionRecord = {
    ...base,
    exists: true,
    uid: live.metadata.uid,
    generation: live.metadata.generation,
    resourceVersion: live.metadata.resourceVersion,
  };
  const uid = live.metadata.uid;
  const selector = selectorString(live.spec?.selector);
  switch (ref.kind) {
    case 'Deployment': {
      const sets = await client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`, {
        labelSelector: selector,
      });
      let best: { revision: number; name: string } | undefined;
      for (const rs of sets) {
        if (!ownedBy(rs, uid)) continue;
        const revision = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? NaN);
        if (!Number.isFinite(revision)) continue;
        if (!best || revision > best.revision) best = { revision, name: rs.metadata.name };
      }
      if (best) rec.previousRevision = best;
      break;
    }
    case 'StatefulSet': {
      const current: string | undefined = live.status?.currentRevision;
      if (current) {
        const cr = await client.getOrUndefined<KubeObject & { revision?: number }>(
          `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions/${encodeURIComponent(current)}`,
        );
        if (cr && typeof cr.revision === 'number') {
          rec.previousRevision = { revision: cr.revision, name: cr.metadata.name };
          break;
        }
      }
      const newest = await newestControllerRevision(client, ns, selector, uid);
      if (newest) rec.previousRevision = newest;
      break;
    }
    case 'DaemonSet': {
      const newest = await newestControllerRevision(client, ns, selector, uid);
      if (newest) rec.previousRevision = newest;
      break;
    }
    default:
      break;
  }
  return rec;
}

async function newestControllerRevision(
  client: KubeClient,
  ns: string,
  selector: string | undefined,
  uid: string | undefined,
): Promise<{ revision: number; name: string } | undefined> {
  const revisions = await client.list<KubeObject & { revision?: number }>(
    `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions`,
    { labelSelector: selector },
  );
  let best: { revision: number; name: string } | undefined;
  for (const cr of revisions) {
    if (!ownedBy(cr, uid) || typeof cr.revision !== 'number') continue;
    if (!best || cr.revision > best.revision) best = { revision: cr.revision, name: cr.metadata.name };
  }
  return best;
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
