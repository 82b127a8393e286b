/**
 * The stack's Kubernetes half: real kube-apiserver / controller-manager / scheduler with KWOK nodes.
 * Deployments roll out through the real controllers, KWOK plays the kubelet (stack/kube/kwok/stages.yaml),
 * the failure knobs of stack/README.md misbehave as documented, and the restricted service account is
 * refused where it should be.
 */
import { describe, expect, test } from '@jest/globals';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  VersionApi,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { createNamespace, kubeConfig, restrictedKubeConfig, sleep, useNamespace, waitFor } from '../helpers/stack.js';

const kc = kubeConfig();
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);
const batch = kc.makeApiClient(BatchV1Api);

function deployment(
  name: string,
  opts: {
    replicas?: number;
    image?: string;
    podLabels?: Record<string, string>;
    maxSurge?: number;
    maxUnavailable?: number;
  } = {},
): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: opts.maxSurge ?? 1, maxUnavailable: opts.maxUnavailable ?? 0 },
      },
      template: {
        metadata: { labels: { app: name, ...opts.podLabels } },
        spec: {
          nodeSelector: { workload: 'compute' },
          containers: [
            {
              name: 'app',
              image: opts.image ?? 'registry.local/phlo/app:1',
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

async function readDeployment(namespace: string, name: string): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ namespace, name });
}

/** The rollout is complete the way `kubectl rollout status` means it. */
function rolloutComplete(d: V1Deployment): boolean {
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

function summary(d: V1Deployment): string {
  const s = d.status ?? {};
  return JSON.stringify({
    gen: d.metadata?.generation,
    observed: s.observedGeneration,
    replicas: s.replicas,
    updated: s.updatedReplicas,
    ready: s.readyReplicas,
    available: s.availableReplicas,
    unavailable: s.unavailableReplicas,
    conditions: s.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`),
  });
}

async function updateDeployment(namespace: string, name: string, change: (d: V1Deployment) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const d = await readDeployment(namespace, name);
    change(d);
    try {
      await apps.replaceNamespacedDeployment({ namespace, name, body: d });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 409 || attempt > 5) throw error;
    }
  }
}

async function podsOf(namespace: string, app: string): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
}

const isReady = (p: V1Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('the control plane', () => {
  test('is the pinned Kubernetes release with at least 3 Ready KWOK nodes labelled workload=compute', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toMatch(/^v1\.34\.\d+$/);
    const nodes = (await core.listNode({ labelSelector: 'workload=compute' })).items;
    const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(ready.length).toBeGreaterThanOrEqual(3);
    for (const node of ready) {
      expect(node.spec?.taints ?? []).toEqual([]);
      expect(node.status?.allocatable?.cpu).toBe('32');
      expect(node.spec?.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
    }
  });
});

describe('deployments on KWOK nodes', () => {
  const ns = useNamespace('kube-deploy');

  test('a 3-replica Deployment becomes Available, its pods scheduled on KWOK nodes and Ready', async () => {
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('web') });
    const d = await waitFor(
      'deployment web available',
      async () => {
        const d = await readDeployment(ns.name, 'web');
        return rolloutComplete(d) && d;
      },
      { describe: async () => summary(await readDeployment(ns.name, 'web')) },
    );
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const pods = await podsOf(ns.name, 'web');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-\d+$/);
      expect(pod.status?.phase).toBe('Running');
      expect(isReady(pod)).toBe(true);
      expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    }
  });

  test('a rolling update to a new image completes, honours maxSurge=1/maxUnavailable=0, and scales the old ReplicaSet to 0', async () => {
    const before = await apps.listNamespacedReplicaSet({ namespace: ns.name, labelSelector: 'app=web' });
    expect(before.items).toHaveLength(1);
    const oldRs = before.items[0]!.metadata!.name!;

    await updateDeployment(ns.name, 'web', (d) => {
      d.spec!.template.spec!.containers[0]!.image = 'registry.local/phlo/app:2';
    });
    // Sample the rollout as it goes. maxSurge bounds what the Deployment controller asks for — the sum of
    // its ReplicaSets' spec.replicas — at 3+1. The observed pod count (status.replicas) may briefly read 5:
    // the old ReplicaSet is scaled down in spec before its pod is gone, so it is not a surge bound.
    // maxUnavailable=0 keeps at least 3 available throughout.
    const samples: Array<{ wanted: number; available: number }> = [];
    await waitFor(
      'rolling update of web to app:2',
      async () => {
        const [d, rs] = await Promise.all([
          readDeployment(ns.name, 'web'),
          apps.listNamespacedReplicaSet({ namespace: ns.name, labelSelector: 'app=web' }),
        ]);
        const wanted = rs.items.reduce((sum, r) => sum + (r.spec?.replicas ?? 0), 0);
        samples.push({ wanted, available: d.status?.availableReplicas ?? 0 });
        return rolloutComplete(d) && d.status?.observedGeneration === 2;
      },
      { intervalMs: 100, describe: async () => summary(await readDeployment(ns.name, 'web')) },
    );
    expect(samples.length).toBeGreaterThan(1);
    for (const s of samples) {
      expect(s.wanted).toBeLessThanOrEqual(4);
      expect(s.available).toBeGreaterThanOrEqual(3);
    }
    // The surge was used: at some point the controller wanted a fourth pod.
    expect(samples.some((s) => s.wanted === 4)).toBe(true);

    const after = await waitFor('old ReplicaSet scaled to 0 and its pods gone', async () => {
      const rs = (await apps.listNamespacedReplicaSet({ namespace: ns.name, labelSelector: 'app=web' })).items;
      const old = rs.find((r) => r.metadata?.name === oldRs);
      return old && old.spec?.replicas === 0 && (old.status?.replicas ?? 0) === 0 && rs;
    });
    expect(after).toHaveLength(2);
    const newRs = after.find((r) => r.metadata?.name !== oldRs)!;
    expect(newRs.spec?.template?.spec?.containers[0]?.image).toBe('registry.local/phlo/app:2');
    expect(newRs.status?.readyReplicas).toBe(3);
    const pods = await waitFor('only the 3 new pods left', async () => {
      const pods = await podsOf(ns.name, 'web');
      return pods.length === 3 && pods;
    });
    for (const pod of pods) expect(pod.spec?.containers[0]?.image).toBe('registry.local/phlo/app:2');
  });

  test('an update whose pods never become ready (phlo.dev/fault=never-ready) keeps the rollout from completing', async () => {
    await updateDeployment(ns.name, 'web', (d) => {
      d.spec!.template.metadata!.labels!['phlo.dev/fault'] = 'never-ready';
      d.spec!.template.spec!.containers[0]!.image = 'registry.local/phlo/app:3';
    });
    // Wait until the new pod exists and is Running (KWOK has acted on it), then give it more time.
    const stuck = await waitFor('the never-ready pod to be Running', async () => {
      const pods = await podsOf(ns.name, 'web');
      return pods.find(
        (p) => p.metadata?.labels?.['phlo.dev/fault'] === 'never-ready' && p.status?.phase === 'Running',
      );
    });
    await sleep(8_000);
    const d = await readDeployment(ns.name, 'web');
    expect(rolloutComplete(d)).toBe(false);
    expect(d.status?.observedGeneration).toBe(3);
    expect(d.status?.updatedReplicas).toBe(1); // maxSurge=1: one new pod, which never turns ready
    expect(d.status?.unavailableReplicas).toBeGreaterThanOrEqual(1);
    expect(d.status?.availableReplicas).toBe(3); // maxUnavailable=0: the old pods keep serving
    const pod = await core.readNamespacedPod({ namespace: ns.name, name: stuck.metadata!.name! });
    expect(pod.status?.phase).toBe('Running');
    expect(isReady(pod)).toBe(false);
    expect(pod.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(false);
  });
});

describe('failure knobs', () => {
  const ns = useNamespace('kube-faults');

  test('crash-loop: the container waits in CrashLoopBackOff with a growing restart count', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('crashy', { replicas: 1, podLabels: { 'phlo.dev/fault': 'crash-loop' } }),
    });
    const first = await waitFor('a restart count of at least 1', async () => {
      const [pod] = await podsOf(ns.name, 'crashy');
      const cs = pod?.status?.containerStatuses?.[0];
      return cs && (cs.restartCount ?? 0) >= 1 && cs;
    });
    expect(first.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(first.lastState?.terminated?.exitCode).toBe(1);
    const later = await waitFor(
      'the restart count to grow',
      async () => {
        const [pod] = await podsOf(ns.name, 'crashy');
        const cs = pod?.status?.containerStatuses?.[0];
        return cs && (cs.restartCount ?? 0) > first.restartCount! + 1 && cs;
      },
      { timeoutMs: 30_000 },
    );
    expect(later.state?.waiting?.reason).toBe('CrashLoopBackOff');
    const d = await readDeployment(ns.name, 'crashy');
    expect(d.status?.availableReplicas ?? 0).toBe(0);
  });

  test('image-pull: the pod stays Pending, waiting in ErrImagePull then ImagePullBackOff', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('nopull', { replicas: 1, podLabels: { 'phlo.dev/fault': 'image-pull' } }),
    });
    const reasons = new Set<string>();
    const pod = await waitFor(
      'ImagePullBackOff',
      async () => {
        const [pod] = await podsOf(ns.name, 'nopull');
        const reason = pod?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
        if (reason) reasons.add(reason);
        return reason === 'ImagePullBackOff' && pod;
      },
      { intervalMs: 100 },
    );
    expect(pod.status?.phase).toBe('Pending');
    expect(isReady(pod)).toBe(false);
    expect([...reasons].every((r) => r === 'ErrImagePull' || r === 'ImagePullBackOff')).toBe(true);
  });

  test('the image-name knob: an image reference containing "never-ready" runs but never turns Ready', async () => {
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('byimage', { replicas: 2, image: 'registry.local/phlo/app:never-ready' }),
    });
    await waitFor('both pods Running', async () => {
      const pods = await podsOf(ns.name, 'byimage');
      return pods.length === 2 && pods.every((p) => p.status?.phase === 'Running');
    });
    await sleep(3_000);
    const pods = await podsOf(ns.name, 'byimage');
    expect(pods.filter(isReady)).toHaveLength(0);
    const d = await readDeployment(ns.name, 'byimage');
    expect(d.status?.availableReplicas ?? 0).toBe(0);
    expect(d.status?.unavailableReplicas).toBe(2);
  });

  test('never-ready with progressDeadlineSeconds: the Deployment reports ProgressDeadlineExceeded', async () => {
    const body = deployment('deadline', { replicas: 1, podLabels: { 'phlo.dev/fault': 'never-ready' } });
    body.spec!.progressDeadlineSeconds = 5;
    await apps.createNamespacedDeployment({ namespace: ns.name, body });
    const d = await waitFor(
      'Progressing=False/ProgressDeadlineExceeded',
      async () => {
        const d = await readDeployment(ns.name, 'deadline');
        const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
        return progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded' && d;
      },
      { timeoutMs: 60_000, describe: async () => summary(await readDeployment(ns.name, 'deadline')) },
    );
    expect(d.status?.availableReplicas ?? 0).toBe(0);
    expect(d.status?.unavailableReplicas).toBe(1);
  });

  test('job-fail: the Job pod fails with exit code 1 and the Job is Failed', async () => {
    await batch.createNamespacedJob({
      namespace: ns.name,
      body: {
        metadata: { name: 'failing' },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: { 'phlo.dev/fault': 'job-fail' } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'registry.local/phlo/migrate:1' }] },
          },
        },
      },
    });
    const job = await waitFor('job failing to be Failed', async () => {
      const job = await batch.readNamespacedJob({ namespace: ns.name, name: 'failing' });
      return job.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') && job;
    });
    expect(job.status?.failed).toBe(1);
    expect(job.status?.succeeded ?? 0).toBe(0);
    const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'job-name=failing' })).items;
    expect(pods[0]?.status?.phase).toBe('Failed');
    expect(pods[0]?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
  });
});

describe('jobs and statefulsets', () => {
  const ns = useNamespace('kube-batch');

  test('a Job with 2 completions completes', async () => {
    await batch.createNamespacedJob({
      namespace: ns.name,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          completions: 2,
          parallelism: 1,
          backoffLimit: 0,
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'registry.local/phlo/migrate:1' }] },
          },
        },
      },
    });
    const job = await waitFor('job migrate to be Complete', async () => {
      const job = await batch.readNamespacedJob({ namespace: ns.name, name: 'migrate' });
      return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') && job;
    });
    expect(job.status?.succeeded).toBe(2);
    expect(job.status?.failed ?? 0).toBe(0);
    const pods = (await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'job-name=migrate' })).items;
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded']);
  });

  test('a 2-replica StatefulSet gets its ordered pods Ready', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: ns.name,
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: { containers: [{ name: 'db', image: 'registry.local/phlo/postgres:16' }] },
          },
        },
      },
    });
    const sts = await waitFor('statefulset db ready', async () => {
      const s = await apps.readNamespacedStatefulSet({ namespace: ns.name, name: 'db' });
      return s.status?.readyReplicas === 2 && s.status?.availableReplicas === 2 && s;
    });
    expect(sts.status?.currentReplicas).toBe(2);
    const names = (await podsOf(ns.name, 'db')).map((p) => p.metadata?.name).sort();
    expect(names).toEqual(['db-0', 'db-1']);
  });

  test('a StatefulSet with a volume claim template gets its claims Bound (default class "standard") and its pod Ready', async () => {
    await apps.createNamespacedStatefulSet({
      namespace: ns.name,
      body: {
        metadata: { name: 'pg' },
        spec: {
          replicas: 1,
          serviceName: 'pg',
          selector: { matchLabels: { app: 'pg' } },
          template: {
            metadata: { labels: { app: 'pg' } },
            spec: {
              containers: [
                {
                  name: 'pg',
                  image: 'registry.local/phlo/postgres:16',
                  volumeMounts: [{ name: 'data', mountPath: '/data' }],
                },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
            },
          ],
        },
      },
    });
    await waitFor(
      'statefulset pg ready',
      async () => {
        const s = await apps.readNamespacedStatefulSet({ namespace: ns.name, name: 'pg' });
        return s.status?.readyReplicas === 1;
      },
      {
        describe: async () =>
          JSON.stringify(
            (await core.listNamespacedPersistentVolumeClaim({ namespace: ns.name })).items.map((c) => c.status),
          ),
      },
    );
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: ns.name, name: 'data-pg-0' });
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.spec?.storageClassName).toBe('standard');
    expect(claim.spec?.volumeName).toMatch(/^kwok-pv-\d+$/);

    // Deleting the claim releases the volume; the pv-reuse stage makes it Available for the next one.
    await apps.deleteNamespacedStatefulSet({ namespace: ns.name, name: 'pg' });
    await core.deleteNamespacedPersistentVolumeClaim({ namespace: ns.name, name: 'data-pg-0' });
    const volume = claim.spec!.volumeName!;
    const pv = await waitFor(
      `volume ${volume} Available again`,
      async () => {
        const pv = await core.readPersistentVolume({ name: volume });
        return pv.status?.phase === 'Available' && pv;
      },
      { timeoutMs: 30_000 },
    );
    expect(pv.spec?.claimRef).toBeUndefined();
  });
});

describe('the restricted service account', () => {
  const restricted = restrictedKubeConfig();
  const rcore = restricted.makeApiClient(CoreV1Api);

  test('is refused (403) deleting a namespace or creating a ClusterRoleBinding, but may manage config maps', async () => {
    const target = await createNamespace('kube-rbac');
    try {
      const refused = await rcore.deleteNamespace({ name: target.name }).then(
        () => undefined,
        (e: { code?: number }) => e.code,
      );
      expect(refused).toBe(403);
      // still there
      expect((await core.readNamespace({ name: target.name })).status?.phase).toBe('Active');

      const rbacRefused = await restricted
        .makeApiClient(RbacAuthorizationV1Api)
        .createClusterRoleBinding({
          body: {
            metadata: { name: `${target.name}-escalate` },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: [{ kind: 'ServiceAccount', name: 'phlo-restricted', namespace: 'phlo-system' }],
          },
        })
        .then(
          () => undefined,
          (e: { code?: number }) => e.code,
        );
      expect(rbacRefused).toBe(403);

      const cm = await rcore.createNamespacedConfigMap({
        namespace: target.name,
        body: { metadata: { name: 'settings' }, data: { mode: 'test' } },
      });
      expect(cm.metadata?.name).toBe('settings');
      const listed = await rcore.listNamespacedConfigMap({ namespace: target.name });
      expect(listed.items.map((c) => c.metadata?.name)).toContain('settings');
      await rcore.deleteNamespacedConfigMap({ namespace: target.name, name: 'settings' });
    } finally {
      await target.remove();
    }
  });
});
