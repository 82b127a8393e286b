/**
 * The rollout gate: watches every workload of a deploy at once, under one deadline, and decides
 * success (all done), failure (one is doomed: fail fast) or timeout. Each namespace gets a handful
 * of list-watches (one per workload kind, plus pods, ReplicaSets and ControllerRevisions when
 * needed); every event re-evaluates that namespace's workloads with the pure rules.
 */
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { formatDuration } from '../runtime/inputs.js';
import { describeError } from '../runtime/errors.js';
import { refKey, type ObjectRef } from '../objects/types.js';
import { collectionPath, type KubeClient, type KubeObject } from '../kube/client.js';
import { listWatch, ObjectStore, STOPPED } from '../kube/watch.js';
import { newReplicaSet, newRevisionPods, podDoom, workloadRule, type RuleVerdict } from './rules.js';
import { explainWorkload, type WorkloadExplanation } from './explain.js';

export type WorkloadState = 'ready' | 'progressing' | 'failed' | 'timeout';
export type Verdict = 'success' | 'failure' | 'timeout';

export interface GateTarget extends ObjectRef {
  /** metadata.generation after apply, when known (the rules compare against the live one anyway). */
  generation?: number;
}

export interface WorkloadStatus extends ObjectRef {
  state: WorkloadState;
  reason?: string;
  message: string;
  /** The pod that doomed it, for fail-fast verdicts. */
  pod?: string;
  /** Milliseconds from the gate's start to when this workload became ready or failed. */
  completedMs?: number;
}

export interface GateResult {
  verdict: Verdict;
  durationMs: number;
  timeoutMs: number;
  workloads: WorkloadStatus[];
  /** One per workload that failed or timed out. */
  explanations: WorkloadExplanation[];
  /** Watch reconnections (e.g. an API server restart) during the gate. */
  reconnects: number;
}

export interface GateOptions {
  /** The one deadline for all workloads, in ms. */
  timeoutMs: number;
  /** CrashLoopBackOff fails the workload at this many restarts of a new-revision container (default 3). */
  restartLimit?: number;
  logger: Logger;
  clock: Clock;
  signal?: AbortSignal;
  /** Server-side timeout of each watch request (the loop resumes after it). Default 60. */
  watchTimeoutSeconds?: number;
  /** Skip collecting explanations (events, logs) for failures. */
  skipExplain?: boolean;
  /** Called on each state change of a workload. */
  onChange?(status: WorkloadStatus): void;
}

interface Tracked {
  target: GateTarget;
  key: string;
  status: WorkloadStatus;
  store: ObjectStore;
  lastLogged?: string;
}

interface NamespaceWatch {
  namespace: string;
  tracked: Tracked[];
  pods: ObjectStore;
  replicaSets?: ObjectStore;
  revisions?: ObjectStore;
  stores: Map<string, ObjectStore>;
}

/** Gates `targets` over `client` (its watches share the client's connections). */
export async function runRolloutGate(
  client: KubeClient,
  targets: GateTarget[],
  options: GateOptions,
): Promise<GateResult> {
  const start = options.clock.now();
  const unique = new Map<string, GateTarget>();
  for (const t of targets) unique.set(refKey(t), t);
  const list = [...unique.values()];
  if (list.length === 0) {
    return {
      verdict: 'success',
      durationMs: 0,
      timeoutMs: options.timeoutMs,
      workloads: [],
      explanations: [],
      reconnects: 0,
    };
  }
  return gate(client, list, start, options);
}

async function gate(client: KubeClient, list: GateTarget[], start: number, options: GateOptions): Promise<GateResult> {
  const { clock, logger } = options;
  const restartLimit = options.restartLimit ?? 3;

  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort(options.signal?.reason ?? STOPPED);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  // Group by namespace; one store per (namespace, apiVersion, kind).
  const namespaces = new Map<string, NamespaceWatch>();
  for (const target of list) {
    const ns = target.namespace ?? '';
    let nw = namespaces.get(ns);
    if (!nw) {
      nw = { namespace: ns, tracked: [], pods: new ObjectStore(), stores: new Map() };
      namespaces.set(ns, nw);
    }
    const storeKey = `${target.apiVersion} ${target.kind}`;
    let store = nw.stores.get(storeKey);
    if (!store) {
      store = new ObjectStore();
      nw.stores.set(storeKey, store);
    }
    if (target.kind === 'Deployment') nw.replicaSets ??= new ObjectStore();
    if (target.kind === 'DaemonSet') nw.revisions ??= new ObjectStore();
    nw.tracked.push({
      target,
      key: refKey(target),
      store,
      status: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        namespace: target.namespace,
        name: target.name,
        state: 'progressing',
        message: 'waiting for the first status',
      },
    });
  }

  let settled = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let reconnects = 0;

  const evaluate = (nw: NamespaceWatch): void => {
    if (settled) return;
    for (const t of nw.tracked) {
      if (t.status.state !== 'progressing') continue;
      if (
        !t.store.synced ||
        !nw.pods.synced ||
        (nw.replicaSets && !nw.replicaSets.synced) ||
        (nw.revisions && !nw.revisions.synced)
      )
        continue;
      const obj = t.store.get(t.target.namespace, t.target.name);
      let verdict: RuleVerdict;
      if (!obj) {
        verdict = { state: 'failed', reason: 'NotFound', message: `${t.target.kind} ${t.target.name} does not exist` };
      } else {
        verdict = workloadRule(t.target.kind, obj);
        if (verdict.state === 'progressing' && obj.spec?.selector) {
          const pods = newRevisionPods(t.target.kind, obj, nw.pods.values(), {
            replicaSets: nw.replicaSets?.values(),
            daemonSetHash: t.target.kind === 'DaemonSet' ? daemonSetHash(obj, nw.revisions?.values() ?? []) : undefined,
          });
          for (const pod of pods) {
            const doom = podDoom(pod, restartLimit);
            if (doom) {
              verdict = doom;
              break;
            }
          }
        }
      }
      update(t, verdict);
    }
    const all = [...namespaces.values()].flatMap((n) => n.tracked);
    if (all.some((t) => t.status.state === 'failed') || all.every((t) => t.status.state === 'ready')) {
      settled = true;
      resolveDone();
    }
  };

  const update = (t: Tracked, verdict: RuleVerdict): void => {
    const before = t.status;
    const next: WorkloadStatus = {
      ...before,
      state: verdict.state,
      reason: verdict.reason,
      message: verdict.message,
      pod: verdict.pod,
    };
    if (verdict.state !== 'progressing') next.completedMs = clock.now() - start;
    t.status = next;
    if (before.state !== next.state || before.message !== next.message) {
      const line = `${t.key}: ${next.state}${next.reason ? ` (${next.reason})` : ''} — ${next.message}`;
      if (line !== t.lastLogged) {
        t.lastLogged = line;
        if (next.state === 'failed') logger.warning(line);
        else logger.info(line);
      }
      options.onChange?.(next);
    }
  };

  const loops: Array<Promise<unknown>> = [];
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 60;
  const watchCollection = (nw: NamespaceWatch, path: string, store: ObjectStore, fieldSelector?: string): void => {
    loops.push(
      listWatch(
        {
          path,
          fieldSelector,
          timeoutSeconds: watchTimeoutSeconds,
          signal: abort.signal,
          clock,
          logger,
          onSync: (items) => {
            store.replace(items);
            evaluate(nw);
          },
          onEvent: (type, obj) => {
            store.apply(type, obj);
            evaluate(nw);
          },
          onConnection: (state, detail) => {
            if (state === 'lost') {
              reconnects += 1;
              logger.info(`lost the watch on ${path} (${detail}); resuming`);
            } else logger.info(`watch on ${path} resumed`);
          },
        },
        client,
      ).catch((error) => logger.warning(`watch ${path} stopped: ${String(error)}`)),
    );
  };

  const timer = clock.sleep(Math.max(0, options.timeoutMs), abort.signal).then(
    () => {
      if (!settled) {
        settled = true;
        resolveDone();
      }
    },
    () => undefined,
  );

  try {
    for (const nw of namespaces.values()) {
      const ns = nw.namespace || undefined;
      for (const [storeKey, store] of nw.stores) {
        const [apiVersion, kind] = storeKey.split(' ') as [string, string];
        let path: string;
        try {
          path = await client.pathOf({ apiVersion, kind, namespace: ns });
        } catch (error) {
          // A kind the API server does not serve: those workloads fail (the rest are still gated).
          for (const t of nw.tracked.filter((x) => x.store === store)) {
            update(t, {
              state: 'failed',
              reason: 'UnknownKind',
              message: `cannot watch ${kind} (${apiVersion}): ${describeError(error)}`,
            });
          }
          evaluate(nw);
          continue;
        }
        const names = nw.tracked.filter((t) => t.store === store).map((t) => t.target.name);
        watchCollection(nw, path, store, names.length === 1 ? `metadata.name=${names[0]}` : undefined);
      }
      watchCollection(nw, collectionPath('v1', 'pods', ns), nw.pods);
      if (nw.replicaSets) watchCollection(nw, collectionPath('apps/v1', 'replicasets', ns), nw.replicaSets);
      if (nw.revisions) watchCollection(nw, collectionPath('apps/v1', 'controllerrevisions', ns), nw.revisions);
    }
    await done;
  } finally {
    // Stop the watches but do not wait for their connections to unwind (tens of ms): the verdict
    // is known now. Each loop ends by itself on the abort and never rejects (caught above).
    abort.abort(STOPPED);
    options.signal?.removeEventListener('abort', onOuterAbort);
    void Promise.allSettled([...loops, timer]);
  }
  const durationMs = clock.now() - start;
  const all = [...namespaces.values()].flatMap((n) => n.tracked);
  const failed = all.some((t) => t.status.state === 'failed');
  const allReady = all.every((t) => t.status.state === 'ready');
  const verdict: Verdict = failed ? 'failure' : allReady ? 'success' : 'timeout';
  if (verdict === 'timeout') {
    for (const t of all) {
      if (t.status.state === 'progressing') {
        t.status = {
          ...t.status,
          state: 'timeout',
          reason: t.status.reason ?? 'Timeout',
          message: `not done after ${formatDuration(options.timeoutMs)}: ${t.status.message}`,
        };
      }
    }
  }

  const explanations: WorkloadExplanation[] = [];
  if (verdict !== 'success' && !options.skipExplain) {
    for (const nw of namespaces.values()) {
      for (const t of nw.tracked) {
        if (t.status.state !== 'failed' && t.status.state !== 'timeout') continue;
        const obj = t.store.get(t.target.namespace, t.target.name);
        try {
          explanations.push(
            await explainWorkload(client, t.status, {
              workload: obj,
              pods: obj ? podsForExplain(t.target.kind, obj, nw) : [],
              replicaSet:
                t.target.kind === 'Deployment' && obj ? newReplicaSet(obj, nw.replicaSets?.values() ?? []) : undefined,
            }),
          );
        } catch (error) {
          logger.warning(`could not explain ${t.key}: ${String(error)}`);
        }
      }
    }
  }

  return {
    verdict,
    durationMs,
    timeoutMs: options.timeoutMs,
    workloads: all.map((t) => t.status),
    explanations,
    reconnects,
  };
}

function podsForExplain(kind: string, obj: KubeObject, nw: NamespaceWatch): KubeObject[] {
  const fresh = newRevisionPods(kind, obj, nw.pods.values(), {
    replicaSets: nw.replicaSets?.values(),
    daemonSetHash: kind === 'DaemonSet' ? daemonSetHash(obj, nw.revisions?.values() ?? []) : undefined,
  });
  if (fresh.length > 0) return fresh;
  return newRevisionPods('Job', obj, nw.pods.values(), {});
}

/** The hash of a DaemonSet's newest ControllerRevision (its pods carry it as controller-revision-hash). */
export function daemonSetHash(ds: KubeObject, revisions: KubeObject[]): string | undefined {
  let best: KubeObject | undefined;
  for (const r of revisions) {
    if (!r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid)) continue;
    if (!best || Number(r.revision ?? 0) > Number(best.revision ?? 0)) best = r;
  }
  return best?.metadata.labels?.['controller-revision-hash'];
}
