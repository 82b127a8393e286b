/**
 * Fixtures for the gate and rollback stack tests: workloads applied the way the apply stage does
 * (server-side apply, field manager phlo-deploy), the revision record taken before apply, and an
 * independent readiness check (plain status fields, not the gate's rules).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, objectPath, collectionPath, type KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { runRolloutGate, type GateResult } from '../../src/lib/gates/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import type { WorkloadRecord } from '../../src/lib/objects/types.js';
import { waitFor } from '../helpers/stack.js';

export type Fault = 'never-ready' | 'crash-loop' | 'image-pull' | 'job-fail';

export interface PodOptions {
  image?: string;
  fault?: Fault;
}

function podTemplate(app: string, o: PodOptions): Record<string, unknown> {
  return {
    metadata: { labels: { app, ...(o.fault ? { 'phlo.dev/fault': o.fault } : {}) } },
    spec: { containers: [{ name: 'app', image: o.image ?? 'phlo/app:1' }] },
  };
}

export function deploymentManifest(
  name: string,
  o: PodOptions & { replicas?: number; progressDeadlineSeconds?: number } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      ...(o.progressDeadlineSeconds ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      template: podTemplate(name, o),
    },
  };
}

export function statefulSetManifest(name: string, o: PodOptions & { replicas?: number } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 2,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, o),
    },
  };
}

export function daemonSetManifest(name: string, o: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: name } }, template: podTemplate(name, o) },
  };
}

export function jobManifest(name: string, o: PodOptions & { backoffLimit?: number } = {}): KubeObject {
  const template = podTemplate(name, o) as { spec: Record<string, unknown> };
  template.spec.restartPolicy = 'Never';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { backoffLimit: o.backoffLimit ?? 0, template },
  };
}

const PLURAL: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
};

/** Server-side apply as the apply stage does it; returns the live object. */
export async function apply(kc: KubeConfig, namespace: string, manifest: KubeObject): Promise<KubeObject> {
  const body = { ...manifest, metadata: { ...manifest.metadata, namespace } };
  return kubeJson<KubeObject>(
    kc,
    'PATCH',
    objectPath(manifest.apiVersion!, PLURAL[manifest.kind!]!, namespace, manifest.metadata.name),
    {
      query: { fieldManager: 'phlo-deploy', force: 'true' },
      body,
      contentType: 'application/apply-patch+yaml',
    },
  );
}

export async function get(kc: KubeConfig, namespace: string, kind: string, name: string): Promise<KubeObject> {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return kubeJson<KubeObject>(kc, 'GET', objectPath(apiVersion, PLURAL[kind]!, namespace, name));
}

/**
 * What apply records before writing: the Deployment's current ReplicaSet (revision and name), or
 * the StatefulSet/DaemonSet's newest ControllerRevision.
 */
export async function recordBefore(
  kc: KubeConfig,
  namespace: string,
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  name: string,
): Promise<WorkloadRecord> {
  const obj = await get(kc, namespace, kind, name);
  const base = { apiVersion: 'apps/v1', kind, namespace, name, created: false, changed: true };
  if (kind === 'Deployment') {
    const revision = obj.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const list = await kubeJson<{ items: KubeObject[] }>(
      kc,
      'GET',
      collectionPath('apps/v1', 'replicasets', namespace),
    );
    const rs = list.items.find(
      (r) =>
        r.metadata.ownerReferences?.some((o) => o.uid === obj.metadata.uid) &&
        r.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision,
    );
    if (!rs || !revision) throw new Error(`no current ReplicaSet for ${name}`);
    return { ...base, previousRevision: { revision: Number(revision), name: rs.metadata.name } };
  }
  const list = await kubeJson<{ items: Array<KubeObject & { revision: number }> }>(
    kc,
    'GET',
    collectionPath('apps/v1', 'controllerrevisions', namespace),
  );
  const owned = list.items
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === obj.metadata.uid))
    .sort((a, b) => b.revision - a.revision);
  const current = kind === 'StatefulSet' ? owned.find((r) => r.metadata.name === obj.status?.updateRevision) : owned[0];
  if (!current) throw new Error(`no ControllerRevision for ${name}`);
  return { ...base, previousRevision: { revision: current.revision, name: current.metadata.name } };
}

/** Independent readiness check from plain status fields (not the gate's rules). */
export async function waitDeploymentReady(
  kc: KubeConfig,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  return waitFor(
    `deployment ${namespace}/${name} ready`,
    async () => {
      last = await get(kc, namespace, 'Deployment', name);
      const s = last.status ?? {};
      const want = last.spec?.replicas ?? 1;
      const done =
        (s.observedGeneration ?? 0) >= (last.metadata.generation ?? 0) &&
        s.updatedReplicas === want &&
        s.availableReplicas === want &&
        (s.replicas ?? 0) === want;
      return done ? last : undefined;
    },
    { timeoutMs, describe: () => JSON.stringify(last?.status ?? {}) },
  );
}

export function ref(kind: string, namespace: string, name: string): WorkloadRecord {
  return { apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, namespace, name, created: true, changed: true };
}

/** The rollout gate over `targets` with a fresh MemoryLogger; the result carries the log's text. */
export function gateWith(
  client: KubeClient,
  targets: Parameters<typeof runRolloutGate>[1],
  timeoutMs: number,
  restartLimit = 3,
): Promise<GateResult & { log: string }> {
  const logger = new MemoryLogger();
  return runRolloutGate(client, targets, { timeoutMs, restartLimit, logger, clock: systemClock }).then((r) => ({
    ...r,
    log: logger.text(),
  }));
}
