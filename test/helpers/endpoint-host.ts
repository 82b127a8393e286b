/**
 * A real HTTP server at a non-loopback address, for probing through the API server's service
 * proxy (which refuses loopback and link-local endpoints, and KWOK pods run nothing).
 *
 * It creates its own network namespace and a veth pair — host side 10.213.X.Y+1/30, namespace side
 * 10.213.X.Y+2/30 — and runs a small Node server inside the namespace on the namespace address.
 * Nothing leaves this machine: the address is only reachable over the veth. `close()` kills the
 * server and deletes the namespace (which removes the veth pair).
 *
 * The server answers any path with the current mode's response and counts requests:
 *   ok        → 200 {"status":"ok"}
 *   fail      → 500 {"status":"down"}
 *   seq:P     → the P pattern (e.g. "ssfssfsssss" = success, success, fail, ...); after it ends, ok
 * Control (from the host only, over the veth): POST /__control/mode/<mode>, GET /__control/stats.
 *
 * `expose(kc, namespace, service)` makes it the backend of a Service the API server will proxy to.
 * The API server only proxies to an endpoint address that has a targetRef to a Pod whose status
 * lists that IP (and never to loopback/link-local addresses), so expose creates: a Node of its own
 * (`phlo-endpoint-host-<id>`, tainted NoSchedule, not managed by KWOK), a Pod bound to it whose
 * status (podIP) is set to the server's address, a selector-less Service and Endpoints pointing at
 * the Pod. `close()` also deletes that Node (the namespace's owner deletes the rest).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { collectionPath, kubeJson, kubeRequest, objectPath } from '../../src/lib/kube/client.js';

const run = promisify(execFile);

const SERVER = `
const http = require('node:http');
const [host, port] = [process.argv[1], Number(process.argv[2])];
let mode = 'ok', seq = '', served = 0, probes = 0;
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/__control/')) {
    const parts = url.pathname.split('/');
    if (parts[2] === 'mode') { mode = decodeURIComponent(parts[3] || 'ok'); seq = mode.startsWith('seq:') ? mode.slice(4) : ''; probes = 0; }
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ mode, served, probes }));
  }
  served++;
  let good = mode === 'ok';
  if (mode.startsWith('seq:')) good = probes < seq.length ? seq[probes] === 's' : true;
  probes++;
  res.writeHead(good ? 200 : 500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: good ? 'ok' : 'down', path: url.pathname }));
}).listen(port, host, () => process.stdout.write('listening\\n'));
`;

export interface EndpointHost {
  /** The server's address (namespace side of the veth). */
  ip: string;
  port: number;
  setMode(mode: string): Promise<void>;
  stats(): Promise<{ mode: string; served: number; probes: number }>;
  /** Creates Service `service` (port `servicePort`) in `namespace` with this server as its endpoint. */
  expose(kc: KubeConfig, namespace: string, service: string, servicePort?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startEndpointHost(port = 8080): Promise<EndpointHost> {
  const id = randomBytes(3).toString('hex');
  const ns = `phlo-t-${id}`;
  const vethHost = `ph${id}h`;
  const vethNs = `ph${id}n`;
  const third = randomBytes(1)[0]!;
  const fourth = (randomBytes(1)[0]! % 64) * 4;
  const hostIp = `10.213.${third}.${fourth + 1}`;
  const ip = `10.213.${third}.${fourth + 2}`;
  let child: ChildProcess | undefined;
  const nodeName = `phlo-endpoint-host-${id}`;
  let nodeKc: KubeConfig | undefined;
  const cleanup = async (): Promise<void> => {
    if (nodeKc) await kubeRequest(nodeKc, 'DELETE', `/api/v1/nodes/${nodeName}`).catch(() => undefined);
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    await run('ip', ['link', 'del', vethHost]).catch(() => undefined);
  };
  try {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethNs]);
    await run('ip', ['link', 'set', vethNs, 'netns', ns]);
    await run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', vethHost]);
    await run('ip', ['link', 'set', vethHost, 'up']);
    await run('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${ip}/30`, 'dev', vethNs]);
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', vethNs, 'up']);
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, ip, String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('endpoint host did not start within 10 s')), 10_000);
      child!.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`endpoint host exited with ${code}`));
      });
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const control = async (path: string, method = 'GET'): Promise<{ mode: string; served: number; probes: number }> => {
    const res = await fetch(`http://${ip}:${port}/__control/${path}`, { method });
    return (await res.json()) as { mode: string; served: number; probes: number };
  };
  return {
    ip,
    port,
    setMode: async (mode) => {
      await control(`mode/${encodeURIComponent(mode)}`, 'POST');
    },
    stats: () => control('stats'),
    expose: async (kc, namespace, service, servicePort = 80) => {
      if (!nodeKc) {
        await kubeJson(kc, 'POST', '/api/v1/nodes', {
          body: {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: nodeName, labels: { 'phlo.dev/endpoint-host': 'true' } },
            spec: { taints: [{ key: 'phlo.dev/endpoint-host', effect: 'NoSchedule' }] },
          },
        });
        nodeKc = kc;
      }
      const pod = `${service}-backend`;
      await kubeJson(kc, 'POST', collectionPath('v1', 'pods', namespace), {
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: pod, labels: { 'phlo.dev/endpoint-host': id } },
          spec: {
            nodeName,
            tolerations: [{ operator: 'Exists' }],
            containers: [{ name: 'app', image: 'phlo/endpoint-host:1' }],
          },
        },
      });
      await kubeJson(kc, 'PATCH', `${objectPath('v1', 'pods', namespace, pod)}/status`, {
        body: {
          status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
        },
        contentType: 'application/merge-patch+json',
      });
      await kubeJson(kc, 'POST', collectionPath('v1', 'services', namespace), {
        body: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: service },
          spec: { ports: [{ port: servicePort, targetPort: port, protocol: 'TCP' }] },
        },
      });
      await kubeJson(kc, 'POST', collectionPath('v1', 'endpoints', namespace), {
        body: {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: service },
          subsets: [
            {
              addresses: [{ ip, targetRef: { kind: 'Pod', name: pod, namespace } }],
              ports: [{ port, protocol: 'TCP' }],
            },
          ],
        },
      });
    },
    close: cleanup,
  };
}
