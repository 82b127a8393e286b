/**
 * Rollback: return every workload a deploy changed to the revision recorded before apply.
 *
 * - Deployment: the target ReplicaSet's pod template (minus its pod-template-hash label) replaces
 *   the Deployment's template, and the ReplicaSet's own annotations (change-cause and the like)
 *   come back with it — the same effect as `kubectl rollout undo`.
 * - StatefulSet / DaemonSet: the target ControllerRevision's `data` is a strategic merge patch of the
 *   object (`spec.template` with `$patch: replace`); it is applied as such.
 * - Workloads this deploy CREATED have nothing to go back to. Decision: they are left in place and
 *   reported (a new StatefulSet may already own volumes; deleting is a separate, explicit choice:
 *   `deleteCreated: true` deletes them). Jobs are never rolled back (they run to completion; a Job's
 *   template is immutable), they are reported.
 * - Workloads the deploy did not change are left alone.
 *
 * `planRollback` is pure (records + live objects → actions); `executeRollback` writes. Gating the
 * rolled-back workloads (`rollbackAndGate`) lives with the gates, in src/lib/gates/rollback.ts.
 */
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';
import { refKey, type ObjectRef, type WorkloadRecord } from '../objects/types.js';
import { FIELD_MANAGERS, REVISION_ANNOTATION } from '../objects/names.js';
import { KubeApiError, type KubeClient, type KubeObject } from './client.js';
import { isWorkloadKind } from './revisions.js';
import { selectorToString } from './selector.js';

/** Annotations that describe the Deployment itself and are never copied from a ReplicaSet. */
const DEPLOYMENT_OWN_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** Where to go: the revision recorded before apply, the one before the current, or a number. */
export type RollbackTarget = 'recorded' | 'previous' | number;

export interface LiveWorkload {
  /** The live object; absent when it no longer exists. */
  object?: KubeObject;
  /** Deployment: its ReplicaSets; StatefulSet/DaemonSet: its ControllerRevisions. */
  history: KubeObject[];
}

export type RollbackAction =
  | {
      type: 'patch';
      ref: ObjectRef;
      fromRevision?: number;
      toRevision: number;
      toName: string;
      patchType: 'json' | 'strategic';
      patch: unknown;
      /**
       * StatefulSet only: pods of this (bad) revision that are not Ready are deleted after the
       * patch — the controller does not replace a stuck pod by itself ("forced rollback" in the
       * Kubernetes StatefulSet docs). They are deleted only once the controller has taken the
       * patched template (observedGeneration and updateRevision caught up): deleted earlier, a pod
       * can be recreated from the bad template still in the controller's cache, and be stuck again.
       */
      replaceStuckPods?: { revision: string; selector: string };
    }
  | { type: 'skip'; ref: ObjectRef; reason: string }
  | { type: 'leave-created'; ref: ObjectRef; reason: string }
  | { type: 'delete-created'; ref: ObjectRef; reason: string }
  | { type: 'impossible'; ref: ObjectRef; reason: string };

export interface RollbackPlanOptions {
  target?: RollbackTarget;
  deleteCreated?: boolean;
}

export function revisionOf(o: KubeObject): number {
  if (o.kind === 'ControllerRevision' || typeof o.revision === 'number') return Number(o.revision ?? 0);
  return Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}

/** The live workload's current revision number. */
export function currentRevision(kind: string, live: LiveWorkload): number | undefined {
  const obj = live.object;
  if (!obj) return undefined;
  if (kind === 'Deployment') {
    const r = obj.metadata.annotations?.[REVISION_ANNOTATION];
    return r ? Number(r) : undefined;
  }
  if (kind === 'StatefulSet') {
    const name = obj.status?.updateRevision as string | undefined;
    const hit = live.history.find((h) => h.metadata.name === name);
    if (hit) return revisionOf(hit);
  }
  const max = Math.max(0, ...live.history.map(revisionOf));
  return max || undefined;
}

/** Pure: decide, per record, what the rollback does. Order follows the records. */
export function planRollback(
  records: WorkloadRecord[],
  live: ReadonlyMap<string, LiveWorkload>,
  options: RollbackPlanOptions = {},
): RollbackAction[] {
  const target = options.target ?? 'recorded';
  const actions: RollbackAction[] = [];
  for (const record of records) {
    const ref: ObjectRef = {
      apiVersion: record.apiVersion,
      kind: record.kind,
      namespace: record.namespace,
      name: record.name,
    };
    const state = live.get(refKey(ref));
    if (record.kind === 'Job') {
      actions.push({
        type: 'skip',
        ref,
        reason: 'Jobs are not rolled back (a Job runs once; its template is immutable)',
      });
      continue;
    }
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(record.kind)) {
      actions.push({ type: 'impossible', ref, reason: `${record.kind} has no revision history to roll back to` });
      continue;
    }
    if (record.created && target === 'recorded') {
      actions.push(
        options.deleteCreated
          ? { type: 'delete-created', ref, reason: 'created by this deploy; deleted because delete-created is set' }
          : { type: 'leave-created', ref, reason: 'created by this deploy: no earlier revision; left in place' },
      );
      continue;
    }
    if (target === 'recorded' && !record.changed) {
      actions.push({ type: 'skip', ref, reason: 'not changed by this deploy' });
      continue;
    }
    if (!state?.object) {
      actions.push({ type: 'impossible', ref, reason: 'it no longer exists' });
      continue;
    }
    const history = [...state.history].sort((a, b) => revisionOf(a) - revisionOf(b));
    const from = currentRevision(record.kind, state);
    let to: KubeObject | undefined;
    if (target === 'recorded') {
      const prev = record.previousRevision;
      if (!prev) {
        actions.push({ type: 'impossible', ref, reason: 'no revision was recorded before apply' });
        continue;
      }
      to = history.find((h) => h.metadata.name === prev.name) ?? history.find((h) => revisionOf(h) === prev.revision);
      if (!to) {
        actions.push({
          type: 'impossible',
          ref,
          reason: `recorded revision ${prev.revision} (${prev.name}) is no longer in its history`,
        });
        continue;
      }
    } else if (target === 'previous') {
      const older = history.filter((h) => from === undefined || revisionOf(h) < from);
      to = older[older.length - 1];
      if (!to) {
        actions.push({
          type: 'impossible',
          ref,
          reason: `no revision before the current one${from !== undefined ? ` (${from})` : ''}`,
        });
        continue;
      }
    } else {
      to = history.find((h) => revisionOf(h) === target);
      if (!to) {
        const have = history.map(revisionOf).join(', ') || 'none';
        actions.push({ type: 'impossible', ref, reason: `revision ${target} not found (revisions: ${have})` });
        continue;
      }
    }
    const toRevision = revisionOf(to);
    if (record.kind === 'Deployment') {
      const template = templateWithoutHash(to.spec?.template);
      if (deepEqual(templateWithoutHash(state.object.spec?.template), template)) {
        actions.push({ type: 'skip', ref, reason: `already at the template of revision ${toRevision}` });
        continue;
      }
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(state.object.metadata.annotations ?? {}))
        if (DEPLOYMENT_OWN_ANNOTATIONS.has(k)) annotations[k] = v;
      for (const [k, v] of Object.entries(to.metadata.annotations ?? {}))
        if (!DEPLOYMENT_OWN_ANNOTATIONS.has(k)) annotations[k] = v;
      actions.push({
        type: 'patch',
        ref,
        fromRevision: from,
        toRevision,
        toName: to.metadata.name,
        patchType: 'json',
        patch: [
          { op: 'replace', path: '/spec/template', value: template },
          { op: 'replace', path: '/metadata/annotations', value: annotations },
        ],
      });
    } else {
      const data = (to.data ?? {}) as { spec?: { template?: unknown } };
      const revTemplate = stripPatchDirective(data.spec?.template);
      if (revTemplate !== undefined && deepEqual(stripPatchDirective(state.object.spec?.template), revTemplate)) {
        actions.push({ type: 'skip', ref, reason: `already at the template of revision ${toRevision}` });
        continue;
      }
      const bad = state.object.status?.updateRevision as string | undefined;
      actions.push({
        type: 'patch',
        ref,
        fromRevision: from,
        toRevision,
        toName: to.metadata.name,
        patchType: 'strategic',
        patch: data,
        ...(record.kind === 'StatefulSet' && bad && bad !== to.metadata.name && state.object.spec?.selector
          ? { replaceStuckPods: { revision: bad, selector: selectorToString(state.object.spec.selector) } }
          : {}),
      });
    }
  }
  return actions;
}

function templateWithoutHash(template: unknown): unknown {
  if (!template || typeof template !== 'object') return template;
  const copy = JSON.parse(JSON.stringify(template)) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

function stripPatchDirective(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPatchDirective);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$patch') out[k] = stripPatchDirective(v);
    return out;
  }
  return value;
}

/** Structural equality, key order ignored; null/undefined/empty-object members count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'undefined';
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = normalize((value as Record<string, unknown>)[k]);
      if (v === undefined || v === null) continue;
      if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
      out[k] = v;
    }
    return out;
  }
  return value;
}

/** Reads the live workloads (other kinds are left out) and their revision history for the records. */
export async function fetchLive(kube: KubeClient, refs: ObjectRef[]): Promise<Map<string, LiveWorkload>> {
  const out = new Map<string, LiveWorkload>();
  await Promise.all(
    refs.map(async (ref) => {
      if (!isWorkloadKind(ref.kind)) return;
      let object: KubeObject | undefined;
      try {
        object = await kube.request<KubeObject>({ method: 'GET', path: await kube.pathOf(ref) });
      } catch (error) {
        if (error instanceof KubeApiError && error.code === 404) {
          out.set(refKey(ref), { history: [] });
          return;
        }
        throw error;
      }
      let history: KubeObject[] = [];
      if (ref.kind !== 'Job' && object.spec?.selector) {
        const historyKind = ref.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision';
        const items = await kube.list<KubeObject>(
          await kube.pathOf({ apiVersion: 'apps/v1', kind: historyKind, namespace: ref.namespace }),
          { labelSelector: selectorToString(object.spec.selector) },
        );
        history = items
          .filter((h) => h.metadata.ownerReferences?.some((o) => o.uid === object!.metadata.uid))
          .map((h) => ({ ...h, kind: ref.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision' }));
      }
      out.set(refKey(ref), { object, history });
    }),
  );
  return out;
}

export interface RollbackOutcome {
  ref: ObjectRef;
  action: RollbackAction['type'];
  outcome: 'rolled-back' | 'skipped' | 'left' | 'deleted' | 'error';
  fromRevision?: number;
  toRevision?: number;
  message: string;
}

/** Applies a plan. Errors per workload are reported, not thrown (the others still roll back). */
export async function executeRollback(
  kube: KubeClient,
  plan: RollbackAction[],
  logger: Logger,
  clock: Clock,
  options: { signal?: AbortSignal; settleTimeoutMs?: number } = {},
): Promise<RollbackOutcome[]> {
  const outcomes: RollbackOutcome[] = [];
  for (const action of plan) {
    const { ref } = action;
    switch (action.type) {
      case 'patch':
        try {
          const path = await kube.pathOf(ref);
          const patched = await kube.request<KubeObject>({
            method: 'PATCH',
            path,
            query: { fieldManager: FIELD_MANAGERS.rollback },
            body: action.patch,
            contentType:
              action.patchType === 'json' ? 'application/json-patch+json' : 'application/strategic-merge-patch+json',
          });
          let message = `rolled back from revision ${action.fromRevision ?? '?'} to revision ${action.toRevision} (${action.toName})`;
          if (action.replaceStuckPods) {
            const settled = await untilControllerTook(
              kube,
              path,
              patched,
              action.replaceStuckPods.revision,
              clock,
              options,
            );
            if (!settled)
              logger.warning(
                `${refKey(ref)}: the StatefulSet controller had not taken the rolled-back template after ${Math.round((options.settleTimeoutMs ?? SETTLE_TIMEOUT_MS) / 1000)}s; replacing its stuck pods anyway`,
              );
            const deleted = await deleteStuckPods(kube, ref.namespace, action.replaceStuckPods);
            if (deleted.length > 0) message += `; replaced stuck pod(s) ${deleted.join(', ')}`;
          }
          logger.info(`${refKey(ref)}: ${message}`);
          outcomes.push({
            ref,
            action: action.type,
            outcome: 'rolled-back',
            fromRevision: action.fromRevision,
            toRevision: action.toRevision,
            message,
          });
        } catch (error) {
          const message = `rollback failed: ${describeError(error)}`;
          logger.warning(`${refKey(ref)}: ${message}`);
          outcomes.push({ ref, action: action.type, outcome: 'error', toRevision: action.toRevision, message });
        }
        break;
      case 'delete-created':
        try {
          await kube.request({
            method: 'DELETE',
            path: await kube.pathOf(ref),
            body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
          });
          logger.info(`${refKey(ref)}: deleted (${action.reason})`);
          outcomes.push({ ref, action: action.type, outcome: 'deleted', message: action.reason });
        } catch (error) {
          outcomes.push({
            ref,
            action: action.type,
            outcome: 'error',
            message: `delete failed: ${describeError(error)}`,
          });
        }
        break;
      case 'leave-created':
        logger.info(`${refKey(ref)}: ${action.reason}`);
        outcomes.push({ ref, action: action.type, outcome: 'left', message: action.reason });
        break;
      case 'skip':
        outcomes.push({ ref, action: action.type, outcome: 'skipped', message: action.reason });
        break;
      case 'impossible':
        logger.warning(`${refKey(ref)}: cannot roll back: ${action.reason}`);
        outcomes.push({ ref, action: action.type, outcome: 'error', message: `cannot roll back: ${action.reason}` });
        break;
    }
  }
  return outcomes;
}

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Waits until the StatefulSet's controller has observed the patch (`patched`'s generation) and its
 * update revision is no longer the bad one. False when that did not happen in time.
 */
async function untilControllerTook(
  kube: KubeClient,
  path: string,
  patched: KubeObject,
  bad: string,
  clock: Clock,
  options: { signal?: AbortSignal; settleTimeoutMs?: number },
): Promise<boolean> {
  const generation = patched.metadata.generation ?? 0;
  const deadline = clock.now() + (options.settleTimeoutMs ?? SETTLE_TIMEOUT_MS);
  let live = patched;
  for (;;) {
    const status = (live.status ?? {}) as { observedGeneration?: number; updateRevision?: string };
    if ((status.observedGeneration ?? 0) >= generation && status.updateRevision && status.updateRevision !== bad)
      return true;
    if (clock.now() >= deadline) return false;
    await clock.sleep(100, options.signal);
    live = await kube.request<KubeObject>({ method: 'GET', path });
  }
}

/** Deletes the not-Ready pods of a bad StatefulSet revision so the controller recreates them. */
async function deleteStuckPods(
  kube: KubeClient,
  namespace: string | undefined,
  stuck: { revision: string; selector: string },
): Promise<string[]> {
  const pods = await kube.list<KubeObject>(await kube.pathOf({ apiVersion: 'v1', kind: 'Pod', namespace }), {
    labelSelector: `${stuck.selector},controller-revision-hash=${stuck.revision}`,
  });
  const deleted: string[] = [];
  for (const pod of pods) {
    const ready = ((pod.status?.conditions ?? []) as Array<{ type: string; status: string }>).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
    if (ready || pod.metadata.deletionTimestamp) continue;
    try {
      await kube.request({
        method: 'DELETE',
        path: await kube.pathOf({ apiVersion: 'v1', kind: 'Pod', namespace, name: pod.metadata.name }),
      });
      deleted.push(pod.metadata.name);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.code === 404)) throw error;
    }
  }
  return deleted;
}
