/**
 * Apply's concurrency limit within a tier, seen from the server's side of the wire, not by apply's own
 * counter: a TLS-terminating proxy (test/helpers/fault-proxy.ts, with a certificate of its own and the
 * stack's admin client certificate upstream) stands in front of the stack's API server and counts the
 * writes of the tier in flight at once. It holds those writes until `K` are there together, so a
 * client that can send K at once is seen doing it however loaded the machine is. Applying N = 4K
 * ConfigMaps (one tier) with `concurrency: K`, the peak is exactly K: never more (the limit holds) and
 * not less (the tier is written in parallel, not one object after another).
 *
 * Once through applyManifests with a client whose connection pool is wider than K (as the deploy
 * pipeline's shared client is, so only apply's own limit can bound it), once through the apply bundle
 * with the input `concurrency`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { createNamespace, kubeConfig } from '../helpers/stack.js';
import { selfSignedCert } from '../helpers/tls.js';
import { FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { errorLines, runStep } from '../helpers/action-runner.js';
import { KubeClient } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../../src/lib/kube/apply.js';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { loadManifests } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

const K = 3;
const N = 4 * K;
/** The writes of the config tier: server-side applies of this test's ConfigMaps, not their dry runs. */
const isWrite = (prefix: string) => (req: ProxiedRequest) =>
  req.method === 'PATCH' && req.path.includes(`/configmaps/${prefix}-`) && !/[?&]dryRun=/.test(req.path);

let work: string;
let proxy: FaultProxy;
let proxyKubeconfig: string;
let direct: KubeClient;
const namespaces: Array<{ name: string; remove: () => Promise<void> }> = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'phlo-apply-concurrency-'));
  const kc = kubeConfig();
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  const pem = (base64?: string) => Buffer.from(base64 ?? '', 'base64');
  const tls = selfSignedCert(work);
  proxy = await new FaultProxy(
    cluster.server,
    // Hold each write until K are held together (a client that never sends K at once waits 2 s a write).
    ['cc', 'bundle'].map((prefix) => ({ match: isWrite(prefix), fault: { gather: K, maxWaitMs: 2_000 } })),
    { server: tls, upstream: { ca: pem(cluster.caData), cert: pem(user.certData), key: pem(user.keyData) } },
  ).start();
  // A kubeconfig that reaches the API server only through the proxy (which authenticates upstream).
  proxyKubeconfig = join(work, 'kubeconfig');
  writeFileSync(
    proxyKubeconfig,
    dump({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'via-proxy',
          cluster: { server: proxy.url, 'certificate-authority-data': Buffer.from(tls.cert).toString('base64') },
        },
      ],
      users: [{ name: 'via-proxy', user: {} }],
      contexts: [{ name: 'via-proxy', context: { cluster: 'via-proxy', user: 'via-proxy' } }],
      'current-context': 'via-proxy',
    }),
    { mode: 0o600 },
  );
  direct = await KubeClient.create(kc);
});

afterAll(async () => {
  await proxy?.stop();
  for (const ns of namespaces) await ns.remove();
  direct?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** N ConfigMaps `<prefix>-<i>` in a fresh namespace, in the file `<prefix>.yaml` of the work folder. */
async function configMaps(prefix: string): Promise<{ namespace: string; file: string }> {
  const ns = await createNamespace(`apply-conc-${prefix}`);
  namespaces.push(ns);
  const docs = Array.from({ length: N }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${prefix}-${i}`, namespace: ns.name },
    data: { index: String(i) },
  }));
  const file = `${prefix}.yaml`;
  writeFileSync(join(work, file), docs.map((d) => dump(d)).join('---\n'));
  return { namespace: ns.name, file };
}

/** The names of this test's ConfigMaps the server holds in `namespace`. */
async function onServer(namespace: string, prefix: string): Promise<string[]> {
  return (await direct.list(`/api/v1/namespaces/${namespace}/configmaps`))
    .map((o) => o.metadata.name)
    .filter((name) => name.startsWith(`${prefix}-`))
    .sort();
}
const expectedNames = (prefix: string) => Array.from({ length: N }, (_, i) => `${prefix}-${i}`).sort();

describe(`apply writes a tier of ${N} objects at most ${K} at a time, as the server sees it`, () => {
  test(`applyManifests with concurrency ${K} and a pool of 32 sockets: ${K} writes in flight at the peak`, async () => {
    const { namespace, file } = await configMaps('cc');
    const writes = proxy.gauge(isWrite('cc'));
    const client = await KubeClient.create(loadKubeConfig({ kind: 'file', path: proxyKubeconfig }), { maxSockets: 32 });
    try {
      const { result } = await applyManifests(
        loadManifests([file], [work]),
        new Map(),
        { ...DEFAULT_APPLY_SETTINGS, concurrency: K },
        client,
        new MemoryLogger(),
      );
      expect(result.counts).toEqual({ created: N, changed: 0, unchanged: 0, pruned: 0 });
    } finally {
      client.close();
    }
    expect(writes.total).toBe(N);
    expect(writes.peak).toBe(K);
    expect(writes.inFlight).toBe(0);
    expect(await onServer(namespace, 'cc')).toEqual(expectedNames('cc'));
  }, 90_000);

  test(`the apply bundle with the input concurrency: ${K}: ${K} writes in flight at the peak`, async () => {
    const { namespace, file } = await configMaps('bundle');
    const writes = proxy.gauge(isWrite('bundle'));
    const r = await runStep('dist/apply/main.js', {
      inputs: { manifests: file, workspace: work, kubeconfig: proxyKubeconfig, concurrency: String(K) },
      timeoutMs: 80_000,
    });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ created: String(N), changed: '0', unchanged: '0', pruned: '0' });
    expect(writes.total).toBe(N);
    expect(writes.peak).toBe(K);
    expect(await onServer(namespace, 'bundle')).toEqual(expectedNames('bundle'));
  }, 90_000);
});
