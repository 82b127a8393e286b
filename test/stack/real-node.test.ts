/**
 * The real node (stack/components/node.sh): a kubelet of the control plane's release, Debian's
 * containerd and runc, pods on a bridge in the node's own network namespace.
 *
 * On the shared stack: the node is Ready, labelled and tainted, and only a pod that tolerates the
 * taint lands there; an image built here and pushed to the stack's registry runs there, passes a real
 * readiness probe, answers HTTP through the API server's service proxy, and its log is the process's.
 * On a throwaway stack (etcd + kube + node at port offset 3300, the shared registry): `down` leaves no
 * container process, mount, mount or network namespace, veth, route or cgroup behind, and removes the
 * Node object.
 *
 * Where the machine cannot run the node (`stack up` wrote PHLO_REAL_NODE_UNAVAILABLE with the reason),
 * every test here is skipped and the reason is printed.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson, kubeRequest } from '../../src/lib/kube/client.js';
import {
  createNamespace,
  kubeConfig,
  loadStackEnv,
  startPrivateStack,
  waitFor,
  type PrivateStack,
} from '../helpers/stack.js';
import { run as runTo, type Ran } from '../helpers/processes.js';
import { REAL_NODE_SELECTOR, buildServingImage, onRealNode, realNodeSuite } from '../helpers/real-node.js';

const env = loadStackEnv(['KUBECONFIG', 'PHLO_REGISTRY', 'DOCKER_HOST', 'PHLO_BASE_IMAGE']);
const realNode = realNodeSuite(env);
const describeNode = realNode.describe;

interface Pod {
  metadata: { name: string; uid: string };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}
interface Node {
  metadata: { labels: Record<string, string> };
  spec: { taints?: Array<{ key: string; value?: string; effect: string }> };
  status: {
    conditions: Array<{ type: string; status: string }>;
    nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string };
  };
}

function must(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

/** A pod on the real node serving `/index.html` with busybox httpd on 8080, probed for readiness. */
function webPod(name: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: onRealNode({
      containers: [
        {
          name: 'web',
          image,
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/index.html', port: 8080 }, periodSeconds: 1 },
          resources: { limits: { cpu: '100m', memory: '32Mi' } },
        },
      ],
    }),
  };
}

async function waitReady(kc: KubeConfig, namespace: string, name: string, timeoutMs = 90_000): Promise<Pod> {
  let last: Pod | undefined;
  return waitFor(
    `pod ${namespace}/${name} Ready`,
    async () => {
      last = await kubeJson<Pod>(kc, 'GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
      return last.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? last : undefined;
    },
    { timeoutMs, describe: () => JSON.stringify(last?.status ?? {}).slice(0, 1500) },
  );
}

let image = '';
let body = '';
let work = '';
beforeAll(async () => {
  if (realNode.unavailable) return;
  work = mkdtempSync(join(tmpdir(), 'phlo-real-node-'));
  ({ image, body } = await buildServingImage(env, work));
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describeNode('the real node on the shared stack', () => {
  let ns: { name: string; remove: () => Promise<void> };
  const kc = kubeConfig();
  beforeAll(async () => {
    ns = await createNamespace('real-node');
  });
  afterAll(async () => {
    await ns?.remove();
  });

  test('is Ready, runs the control plane release on containerd, and is labelled and tainted', async () => {
    const node = await kubeJson<Node>(kc, 'GET', `/api/v1/nodes/${env.PHLO_REAL_NODE}`);
    expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.status.nodeInfo.kubeletVersion).toBe(env.PHLO_KUBE_VERSION);
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/1\./);
    expect(node.metadata.labels).toMatchObject(REAL_NODE_SELECTOR);
    expect(node.spec.taints).toEqual(
      expect.arrayContaining([{ key: 'phlo.dev/node', value: 'real', effect: 'NoSchedule' }]),
    );
    expect(env.PHLO_REAL_NODE_TAINT).toBe('phlo.dev/node=real:NoSchedule');
  });

  test('a pod that does not tolerate the taint is never scheduled there', async () => {
    const body = webPod('intolerant', image);
    (body.spec as { tolerations: unknown[] }).tolerations = [];
    await kubeJson(kc, 'POST', `/api/v1/namespaces/${ns.name}/pods`, { body });
    const pod = await waitFor('the scheduler to refuse the pod', async () => {
      const p = await kubeJson<Pod>(kc, 'GET', `/api/v1/namespaces/${ns.name}/pods/intolerant`);
      return p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')
        ? p
        : undefined;
    });
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.conditions?.find((c) => c.type === 'PodScheduled')?.message).toContain('untolerated taint');
  });

  test('an image pushed to the stack registry runs there and answers through the service proxy', async () => {
    await kubeJson(kc, 'POST', `/api/v1/namespaces/${ns.name}/pods`, { body: webPod('web', image) });
    await kubeJson(kc, 'POST', `/api/v1/namespaces/${ns.name}/services`, {
      body: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    const pod = await waitReady(kc, ns.name, 'web');
    expect(pod.spec.nodeName).toBe(env.PHLO_REAL_NODE);
    expect(pod.status.podIP).toMatch(/^10\.250\.\d+\.\d+$/);
    // The Endpoints controller needs a moment to list the ready pod behind the service.
    const served = await waitFor('the service proxy to answer', async () => {
      const r = await kubeRequest(kc, 'GET', `/api/v1/namespaces/${ns.name}/services/web:80/proxy/index.html`);
      return r.status === 200 ? r.body : undefined;
    });
    expect(served).toBe(body);
    // The log is the real process's: httpd -v logs every request, the probes' and the proxy's.
    const log = await kubeRequest(kc, 'GET', `/api/v1/namespaces/${ns.name}/pods/web/log`);
    expect(log.status).toBe(200);
    expect(log.body).toMatch(/response:200/);
  });
});

describeNode('`stack down` of the real node leaves nothing behind (a throwaway stack)', () => {
  const OFFSET = 3300;
  let stack: PrivateStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, 120_000);

  /** Pids of live processes whose mount or network namespace is `ns` (e.g. `net:[4026532561]`). */
  const inNamespace = (kind: 'mnt' | 'net', ns: string): number[] =>
    readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .filter((e) => {
        try {
          return readlinkSync(`/proc/${e}/ns/${kind}`) === ns;
        } catch {
          return false;
        }
      })
      .map(Number);
  /** The process runs (a zombie has exited: only its parent's wait is missing, and init reaps it). */
  const alive = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return false;
    }
  };
  /** Mounts, in any process's view, of namespace handles or of anything under `dir`. */
  const mountsOf = (dir: string, namespaces: string[]): string[] => {
    const found = new Set<string>();
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        for (const line of readFileSync(`/proc/${e}/mountinfo`, 'utf8').split('\n')) {
          const fields = line.split(' ');
          if ((fields[4] ?? '').startsWith(dir) || namespaces.includes(fields[3] ?? '')) found.add(line);
        }
      } catch {
        // gone meanwhile
      }
    }
    return [...found];
  };
  const ip = async (args: string[]): Promise<string> => must(await runTo('ip', args), `ip ${args.join(' ')}`).stdout;

  test('no container process, mount, namespace, veth, route or cgroup; the Node object is gone', async () => {
    stack = await startPrivateStack(OFFSET, ['etcd', 'kube', 'node'], {
      PHLO_REGISTRY: env.PHLO_REGISTRY!,
      PHLO_REGISTRY_USER: env.PHLO_REGISTRY_USER!,
      PHLO_REGISTRY_PASSWORD: env.PHLO_REGISTRY_PASSWORD!,
    });
    const kc = stack.kubeConfig;
    const nodeName = stack.env.PHLO_REAL_NODE!;
    const cgroup = `phlo-node-${createHash('sha256').update(stack.dir).digest('hex').slice(0, 10)}`;
    const net = (OFFSET / 100) % 250; // node.sh: NODE_NET
    const hostIf = `phlo-node${net}`;
    const podCidr = `10.250.${net}.0/24`;

    await kubeJson(kc, 'POST', '/api/v1/namespaces/default/pods', { body: webPod('web', image) });
    const pod = await waitReady(kc, 'default', 'web');
    expect(pod.spec.nodeName).toBe(nodeName);

    // What the node has made, seen from the host: its processes (the supervisor's mount namespace),
    // the container processes in its cgroup, the pod's network namespace, its veth, its routes.
    const supervisor = Number(readFileSync(join(stack.dir, 'pids', 'node.pid'), 'utf8'));
    const mntns = readlinkSync(`/proc/${supervisor}/ns/mnt`);
    expect(mntns).not.toBe(readlinkSync('/proc/self/ns/mnt'));
    // Container processes: in the node's cgroup, under kubepods/<QoS class>/pod<uid>/<container>.
    const containerPids = readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .filter((e) => {
        try {
          return readFileSync(`/proc/${e}/cgroup`, 'utf8').includes(`/${cgroup}/`);
        } catch {
          return false;
        }
      })
      .map(Number);
    expect(containerPids.length).toBeGreaterThanOrEqual(2); // pause + httpd
    const podNet = readlinkSync(`/proc/${containerPids[containerPids.length - 1]}/ns/net`);
    expect(podNet).not.toBe(readlinkSync('/proc/self/ns/net'));
    expect(await ip(['-br', 'link', 'show', 'dev', hostIf])).toContain(hostIf);
    expect(await ip(['route', 'show', podCidr])).toContain('via');
    expect(inNamespace('mnt', mntns).length).toBeGreaterThanOrEqual(3); // supervisor, containerd, kubelet, shims

    const down = await stack.run(['down', 'node']);
    expect({ code: down.code, stderr: down.code === 0 ? '' : down.stderr }).toEqual({ code: 0, stderr: '' });

    expect(containerPids.filter(alive)).toEqual([]);
    expect(inNamespace('mnt', mntns)).toEqual([]);
    expect(inNamespace('net', podNet)).toEqual([]);
    expect(mountsOf(stack.dir, [podNet])).toEqual([]);
    expect(await ip(['-br', 'link', 'show', 'type', 'veth'])).not.toContain(hostIf);
    const routes = await ip(['route', 'show', 'table', 'all']);
    expect(routes.split('\n').filter((l) => l.includes(`10.250.${net}.`) || l.includes(`10.251.${net}.`))).toEqual([]);
    expect(readdirSync('/sys/fs/cgroup').filter((c) => existsSync(`/sys/fs/cgroup/${c}/${cgroup}`))).toEqual([]);
    expect(existsSync(join(stack.dir, 'node'))).toBe(false);
    const gone = await kubeRequest(kc, 'GET', `/api/v1/nodes/${nodeName}`);
    expect(gone.status).toBe(404);
    const status = await stack.run(['status', 'node']);
    expect(status.stdout.trim()).toMatch(/^node: down/);
  }, 300_000);
});
