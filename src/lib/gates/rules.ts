/**
 * Pure verdict rules: given a workload's live object (and its pods), is its rollout done, still in
 * progress, or doomed? Completion follows what `kubectl rollout status` means (observed generation
 * caught up, updated = desired, available = updated, no old replicas; StatefulSet partitions;
 * DaemonSet scheduled/available counts; Job Complete/Failed). Fail-fast rules look only at pods of
 * the new revision.
 */
import type { KubeObject } from '../kube/client.js';
import { selectorMatches } from '../kube/selector.js';

export { selectorMatches };

export type RuleState = 'ready' | 'progressing' | 'failed';

export interface RuleVerdict {
  state: RuleState;
  /** Short machine reason, e.g. ProgressDeadlineExceeded, ImagePullBackOff. */
  reason?: string;
  /** One human line. */
  message: string;
  /** The pod that doomed the workload, if a pod did. */
  pod?: string;
}

function condition(
  obj: KubeObject,
  type: string,
): { status?: string; reason?: string; message?: string; observedGeneration?: number } | undefined {
  const list = (obj.status?.conditions ?? []) as Array<{
    type: string;
    status?: string;
    reason?: string;
    message?: string;
    observedGeneration?: number;
  }>;
  return list.find((c) => c.type === type);
}

function generationObserved(obj: KubeObject): boolean {
  const generation = obj.metadata.generation ?? 0;
  const observed = obj.status?.observedGeneration;
  return typeof observed === 'number' && observed >= generation;
}

/** Pod-creation refusals that do not heal by waiting (the ReplicaSet's FailedCreate messages). */
const UNHEALABLE_CREATE = /\bforbidden\b|\bnot found\b|exceeded quota|violates PodSecurity/i;

export function deploymentRule(d: KubeObject): RuleVerdict {
  const name = d.metadata.name;
  if (!generationObserved(d))
    return { state: 'progressing', message: `waiting for deployment "${name}" spec update to be observed` };
  const progressing = condition(d, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `deployment "${name}" exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`,
    };
  }
  // The ReplicaSet cannot create pods for a reason waiting will not fix: a missing ServiceAccount (or
  // anything else the admission chain finds missing), a forbidden pod, an exhausted quota, a PodSecurity
  // rejection. Say so now instead of at the deadline.
  const replicaFailure = condition(d, 'ReplicaFailure');
  if (replicaFailure?.status === 'True' && UNHEALABLE_CREATE.test(replicaFailure.message ?? '')) {
    return {
      state: 'failed',
      reason: 'ReplicaFailure',
      message: `deployment "${name}" cannot create pods (${replicaFailure.reason ?? 'ReplicaFailure'}): ${replicaFailure.message}`,
    };
  }
  const s = d.status ?? {};
  const desired: number | undefined = d.spec?.replicas;
  const updated: number = s.updatedReplicas ?? 0;
  const total: number = s.replicas ?? 0;
  const available: number = s.availableReplicas ?? 0;
  if (desired !== undefined && desired !== null && updated < desired) {
    return { state: 'progressing', message: `${updated} of ${desired} updated replicas` };
  }
  if (total > updated) {
    return { state: 'progressing', message: `${total - updated} old replicas pending termination` };
  }
  if (available < updated) {
    return { state: 'progressing', message: `${available} of ${updated} updated replicas available` };
  }
  return { state: 'ready', message: `${available} of ${desired ?? updated} replicas updated and available` };
}

export function statefulSetRule(s: KubeObject): RuleVerdict {
  const name = s.metadata.name;
  const st = s.status ?? {};
  if (!st.observedGeneration || !generationObserved(s)) {
    return { state: 'progressing', message: `waiting for statefulset "${name}" spec update to be observed` };
  }
  const desired: number | undefined = s.spec?.replicas;
  const ready: number = st.readyReplicas ?? 0;
  if (desired !== undefined && desired !== null && ready < desired) {
    return { state: 'progressing', message: `${ready} of ${desired} pods ready` };
  }
  const strategy = s.spec?.updateStrategy ?? {};
  if (strategy.type === 'OnDelete') {
    // Pods only change when deleted: nothing to wait for beyond readiness (kubectl refuses to watch).
    return { state: 'ready', message: `${ready} pods ready (OnDelete: pods take the new template only when deleted)` };
  }
  const partition: number | undefined = strategy.rollingUpdate?.partition;
  if (desired !== undefined && partition !== undefined && partition !== null && partition > 0) {
    const updated: number = st.updatedReplicas ?? 0;
    if (updated < desired - partition) {
      return {
        state: 'progressing',
        message: `${updated} of ${desired - partition} pods updated (partition ${partition})`,
      };
    }
    return { state: 'ready', message: `partitioned roll out complete: ${updated} new pods (partition ${partition})` };
  }
  if (st.updateRevision !== st.currentRevision) {
    return {
      state: 'progressing',
      message: `${st.updatedReplicas ?? 0} of ${desired ?? '?'} pods at revision ${st.updateRevision}`,
    };
  }
  return { state: 'ready', message: `${ready} pods ready at revision ${st.currentRevision}` };
}

export function daemonSetRule(ds: KubeObject): RuleVerdict {
  const name = ds.metadata.name;
  if (!generationObserved(ds))
    return { state: 'progressing', message: `waiting for daemon set "${name}" spec update to be observed` };
  const st = ds.status ?? {};
  const desired: number = st.desiredNumberScheduled ?? 0;
  const available: number = st.numberAvailable ?? 0;
  if (ds.spec?.updateStrategy?.type === 'OnDelete') {
    if (available < desired) return { state: 'progressing', message: `${available} of ${desired} pods available` };
    return {
      state: 'ready',
      message: `${available} pods available (OnDelete: pods take the new template only when deleted)`,
    };
  }
  const updated: number = st.updatedNumberScheduled ?? 0;
  if (updated < desired) return { state: 'progressing', message: `${updated} of ${desired} updated pods scheduled` };
  if (available < desired)
    return { state: 'progressing', message: `${available} of ${desired} updated pods available` };
  return { state: 'ready', message: `${available} of ${desired} pods updated and available` };
}

export function jobRule(job: KubeObject): RuleVerdict {
  const failed = condition(job, 'Failed');
  if (failed?.status === 'True') {
    return {
      state: 'failed',
      reason: failed.reason ?? 'JobFailed',
      message: `job failed: ${failed.reason ?? ''}${failed.message ? ` — ${failed.message}` : ''}`,
    };
  }
  const complete = condition(job, 'Complete');
  if (complete?.status === 'True')
    return { state: 'ready', message: `job complete (${job.status?.succeeded ?? 0} succeeded)` };
  const st = job.status ?? {};
  return {
    state: 'progressing',
    message: `${st.active ?? 0} active, ${st.succeeded ?? 0} succeeded, ${st.failed ?? 0} failed`,
  };
}

/** A custom resource is ready when its Ready condition is True for the current generation. */
export function readyConditionRule(obj: KubeObject): RuleVerdict {
  const ready = condition(obj, 'Ready');
  const generation = obj.metadata.generation;
  const observed = ready?.observedGeneration ?? obj.status?.observedGeneration;
  if (generation !== undefined && typeof observed === 'number' && observed < generation) {
    return { state: 'progressing', message: `waiting for generation ${generation} to be observed` };
  }
  if (ready?.status === 'True') return { state: 'ready', message: `Ready${ready.reason ? ` (${ready.reason})` : ''}` };
  if (!ready) return { state: 'progressing', message: 'no Ready condition yet' };
  return {
    state: 'progressing',
    message: `Ready ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`,
  };
}

export function workloadRule(kind: string, obj: KubeObject): RuleVerdict {
  switch (kind) {
    case 'Deployment':
      return deploymentRule(obj);
    case 'StatefulSet':
      return statefulSetRule(obj);
    case 'DaemonSet':
      return daemonSetRule(obj);
    case 'Job':
      return jobRule(obj);
    default:
      return readyConditionRule(obj);
  }
}

const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

/**
 * Is this pod doomed? ImagePullBackOff/ErrImagePull, CreateContainerConfigError (a missing Secret
 * or ConfigMap key), CrashLoopBackOff at `restartLimit` restarts or more, or unschedulable.
 */
export function podDoom(pod: KubeObject, restartLimit: number): RuleVerdict | undefined {
  const name = pod.metadata.name;
  const st = pod.status ?? {};
  const statuses = [
    ...((st.initContainerStatuses ?? []) as ContainerStatus[]),
    ...((st.containerStatuses ?? []) as ContainerStatus[]),
  ];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    if (!waiting?.reason) continue;
    if (FATAL_WAITING.has(waiting.reason)) {
      return {
        state: 'failed',
        reason: waiting.reason,
        pod: name,
        message: `pod ${name} container ${c.name}: ${waiting.reason}${waiting.message ? ` — ${waiting.message}` : ''}`,
      };
    }
    if (waiting.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= restartLimit) {
      const last = c.lastState?.terminated;
      const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
      return {
        state: 'failed',
        reason: 'CrashLoopBackOff',
        pod: name,
        message: `pod ${name} container ${c.name}: CrashLoopBackOff after ${c.restartCount} restarts${exit}`,
      };
    }
  }
  const scheduled = (
    (st.conditions ?? []) as Array<{ type: string; status: string; reason?: string; message?: string }>
  ).find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return {
      state: 'failed',
      reason: 'Unschedulable',
      pod: name,
      message: `pod ${name} is unschedulable${scheduled.message ? `: ${scheduled.message}` : ''}`,
    };
  }
  return undefined;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: ContainerState;
  lastState?: ContainerState;
}
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string; finishedAt?: string };
}

/**
 * Which pods belong to the workload's NEW revision (the only ones that can doom it)?
 * Deployment: pods whose pod-template-hash is the new ReplicaSet's (the ReplicaSet whose
 * revision annotation equals the Deployment's). StatefulSet: controller-revision-hash =
 * status.updateRevision. DaemonSet: controller-revision-hash = the newest ControllerRevision's hash
 * (passed in). Job and others: every pod the selector matches.
 */
export function newRevisionPods(
  kind: string,
  workload: KubeObject,
  pods: KubeObject[],
  related: { replicaSets?: KubeObject[]; daemonSetHash?: string },
): KubeObject[] {
  const selector = workload.spec?.selector;
  const own = pods.filter((p) => !p.metadata.deletionTimestamp && selectorMatches(selector, p.metadata.labels));
  // Until the controller has seen the new spec, the "update revision" it reports is the old one.
  if (kind !== 'Job' && !generationObserved(workload)) return [];
  switch (kind) {
    case 'Deployment': {
      const rs = newReplicaSet(workload, related.replicaSets ?? []);
      const hash = rs?.metadata.labels?.['pod-template-hash'];
      if (!hash) return [];
      return own.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    }
    case 'StatefulSet': {
      const rev = workload.status?.updateRevision as string | undefined;
      if (!rev) return [];
      return own.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev);
    }
    case 'DaemonSet': {
      const hash = related.daemonSetHash;
      if (!hash) return [];
      return own.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
    }
    default:
      return own;
  }
}

/** The Deployment's new ReplicaSet: owned by it, with the Deployment's current revision. */
export function newReplicaSet(deployment: KubeObject, replicaSets: KubeObject[]): KubeObject | undefined {
  if (!generationObserved(deployment)) return undefined;
  const revision = deployment.metadata.annotations?.['deployment.kubernetes.io/revision'];
  if (!revision) return undefined;
  return replicaSets.find(
    (rs) =>
      rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid && o.controller) &&
      rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision,
  );
}
