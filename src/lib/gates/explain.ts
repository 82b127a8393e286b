/**
 * Why did a workload fail? Its pods (new revision first), their container states with reason and
 * message, recent events involving the workload, its new ReplicaSet and those pods, and the last
 * log lines of crashed containers when the cluster keeps them (KWOK does not: that is reported,
 * not thrown).
 */
import { describeError } from '../runtime/errors.js';
import type { ObjectRef } from '../objects/types.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import type { ContainerState, ContainerStatus } from './rules.js';

export interface ContainerExplanation {
  name: string;
  image?: string;
  ready: boolean;
  restartCount: number;
  /** e.g. "waiting: CrashLoopBackOff — back-off 40s restarting failed container". */
  state: string;
  lastState?: string;
  logTail?: string[];
  /** Why the log could not be read (e.g. the cluster keeps no logs). */
  logError?: string;
}

export interface PodExplanation {
  name: string;
  phase: string;
  node?: string;
  /** Conditions that are not True, as "Type=Status (Reason): message". */
  conditions: string[];
  containers: ContainerExplanation[];
}

export interface EventLine {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
}

export interface WorkloadExplanation {
  ref: ObjectRef;
  state: string;
  reason?: string;
  message: string;
  pods: PodExplanation[];
  events: EventLine[];
}

export interface ExplainInput {
  workload?: KubeObject;
  pods: KubeObject[];
  replicaSet?: KubeObject;
}

const MAX_PODS = 5;
const MAX_EVENTS = 15;
const LOG_LINES = 20;

export async function explainWorkload(
  kube: KubeClient,
  status: ObjectRef & { state: string; reason?: string; message: string; pod?: string },
  input: ExplainInput,
): Promise<WorkloadExplanation> {
  const ref: ObjectRef = {
    apiVersion: status.apiVersion,
    kind: status.kind,
    namespace: status.namespace,
    name: status.name,
  };
  // Doomed pod first, then unready ones, then the rest.
  const pods = [...input.pods].sort((a, b) => podRank(a, status.pod) - podRank(b, status.pod)).slice(0, MAX_PODS);
  const podExplanations: PodExplanation[] = [];
  for (const pod of pods) podExplanations.push(await explainPod(kube, pod));

  const involved: Array<{ kind: string; name: string }> = [{ kind: ref.kind, name: ref.name }];
  if (input.replicaSet) involved.push({ kind: 'ReplicaSet', name: input.replicaSet.metadata.name });
  for (const p of pods) involved.push({ kind: 'Pod', name: p.metadata.name });
  const events = await recentEvents(kube, ref.namespace, involved);

  return { ref, state: status.state, reason: status.reason, message: status.message, pods: podExplanations, events };
}

function podRank(pod: KubeObject, doomed?: string): number {
  if (pod.metadata.name === doomed) return 0;
  const ready = ((pod.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
  return ready ? 2 : 1;
}

export function describeContainerState(state: ContainerState | undefined): string {
  if (!state) return 'unknown';
  if (state.waiting)
    return `waiting${state.waiting.reason ? `: ${state.waiting.reason}` : ''}${state.waiting.message ? ` — ${state.waiting.message}` : ''}`;
  if (state.terminated) {
    const t = state.terminated;
    return `terminated: ${t.reason ?? 'exit'} (exit code ${t.exitCode ?? '?'})${t.message ? ` — ${t.message}` : ''}`;
  }
  if (state.running) return `running${state.running.startedAt ? ` since ${state.running.startedAt}` : ''}`;
  return 'unknown';
}

async function explainPod(kube: KubeClient, pod: KubeObject): Promise<PodExplanation> {
  const st = pod.status ?? {};
  const conditions = (
    (st.conditions ?? []) as Array<{ type: string; status: string; reason?: string; message?: string }>
  )
    .filter((c) => c.status !== 'True')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  const statuses = [
    ...((st.initContainerStatuses ?? []) as ContainerStatus[]),
    ...((st.containerStatuses ?? []) as ContainerStatus[]),
  ];
  const containers: ContainerExplanation[] = [];
  for (const c of statuses) {
    const entry: ContainerExplanation = {
      name: c.name,
      image: c.image,
      ready: Boolean(c.ready),
      restartCount: c.restartCount ?? 0,
      state: describeContainerState(c.state),
      lastState: c.lastState && Object.keys(c.lastState).length > 0 ? describeContainerState(c.lastState) : undefined,
    };
    const crashed = (c.restartCount ?? 0) > 0 || Boolean(c.state?.terminated) || Boolean(c.lastState?.terminated);
    if (crashed && pod.metadata.namespace) {
      const previous = !c.state?.terminated && (c.restartCount ?? 0) > 0;
      const log = await containerLogTail(kube, pod.metadata.namespace, pod.metadata.name, c.name, previous);
      if ('lines' in log) entry.logTail = log.lines;
      else entry.logError = log.error;
    }
    containers.push(entry);
  }
  return { name: pod.metadata.name, phase: st.phase ?? 'Unknown', node: pod.spec?.nodeName, conditions, containers };
}

/** The last lines of a container's log (the previous instance's after a restart). Never throws. */
export async function containerLogTail(
  kube: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  previous: boolean,
): Promise<{ lines: string[] } | { error: string }> {
  try {
    const res = await kube.send({
      method: 'GET',
      path: `${await kube.pathOf({ apiVersion: 'v1', kind: 'Pod', namespace, name: pod })}/log`,
      query: { container, tailLines: LOG_LINES, previous: previous ? 'true' : undefined, limitBytes: 8192 },
      accept: '*/*',
      timeoutMs: 10_000,
    });
    if (res.status < 200 || res.status >= 300) {
      let message = `HTTP ${res.status}`;
      try {
        const parsed = JSON.parse(res.body) as { message?: string };
        if (parsed.message) message += `: ${parsed.message.split('\n')[0]!.slice(0, 300)}`;
      } catch {
        /* not JSON */
      }
      return { error: `no log available (${message})` };
    }
    const lines = res.body.split('\n').filter((l, i, all) => l.length > 0 || i < all.length - 1);
    return { lines: lines.slice(-LOG_LINES).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l)) };
  } catch (error) {
    return { error: `no log available (${describeError(error)})` };
  }
}

/** Recent core/v1 Events about these objects, newest last. Never throws. */
export async function recentEvents(
  kube: KubeClient,
  namespace: string | undefined,
  objects: Array<{ kind: string; name: string }>,
): Promise<EventLine[]> {
  const out: EventLine[] = [];
  const seen = new Set<string>();
  await Promise.all(
    objects.map(async (o) => {
      try {
        const list = await kube.request<{ items: KubeObject[] }>({
          method: 'GET',
          path: await kube.pathOf({ apiVersion: 'v1', kind: 'Event', namespace }),
          query: { fieldSelector: `involvedObject.kind=${o.kind},involvedObject.name=${o.name}` },
          timeoutMs: 10_000,
        });
        for (const e of list.items) {
          const uid = e.metadata.uid ?? `${e.metadata.name}`;
          if (seen.has(uid)) continue;
          seen.add(uid);
          const ev = e as KubeObject & {
            type?: string;
            reason?: string;
            message?: string;
            count?: number;
            lastTimestamp?: string;
            eventTime?: string;
            firstTimestamp?: string;
            series?: { count?: number; lastObservedTime?: string };
          };
          out.push({
            time:
              ev.series?.lastObservedTime ??
              ev.lastTimestamp ??
              ev.eventTime ??
              ev.firstTimestamp ??
              e.metadata.creationTimestamp ??
              '',
            type: ev.type ?? 'Normal',
            reason: ev.reason ?? '',
            object: `${o.kind}/${o.name}`,
            message: (ev.message ?? '').split('\n')[0]!.slice(0, 300),
            count: ev.series?.count ?? ev.count ?? 1,
          });
        }
      } catch {
        /* events are best effort */
      }
    }),
  );
  out.sort((a, b) => a.time.localeCompare(b.time));
  return out.slice(-MAX_EVENTS);
}
