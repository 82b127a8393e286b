/**
 * The README's main job, `npm run demo`, run from this checkout against the running stack
 * (PHLO_STACK_DIR: `stack up` finds it up and starts nothing), twice, and what the README says of it:
 * the first run deploys k8s/ for `local` with the example app as the Dagster image, all six
 * Deployments roll out, the health gate passes and the job summary is printed; the second run (a new
 * image under its own tag) changes only the three Dagster Deployments — by the deploy's own apply
 * table and by the objects on the server.
 *
 * Where the machine runs the stack's real node, the Dagster webserver (the example app's image, as
 * push-ecr pushed it) runs there as a real process, and the health gate probes its own /health and
 * /ready through the API server's service proxy; the demo's KWOK-only fallback (what it does where the
 * machine cannot run the node) is exercised by a third run with PHLO_DEMO_NODE=kwok. Where the env file
 * says PHLO_REAL_NODE_UNAVAILABLE, the two runs check the fallback instead, and the real-node tests are
 * skipped with that reason printed.
 *
 * Serial (runs alone, after the parallel tests): it deploys the namespaces k8s/ declares (dagster and
 * data-warehouse, not names of its own) and uses the ECR repository phlo/dagster. Afterwards it removes
 * what it made: the namespaces, the repository or its tags, the local images, the report folder
 * (whatever existed before is left, minus the images it pushed).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  BatchDeleteImageCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { kubeConfig, loadStackEnv, repoRoot, stackDir, waitFor } from '../helpers/stack.js';
import { realNodeSuite } from '../helpers/real-node.js';
import { run, type Ran } from '../helpers/processes.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { stripServerFields } from '../../src/lib/kube/diff.js';
import { createEcrClient } from '../../src/lib/ecr/client.js';
import { pushStackEnv, removeTestImage, type StackEnv } from '../stack/push-ecr.fixtures.js';

const REPOSITORY = 'phlo/dagster'; // scripts/demo.sh
const DAGSTER = ['dagster-compute', 'dagster-daemon', 'dagster-webserver'].map((n) => `Deployment/dagster/${n}`);
const WAREHOUSE = ['nessie', 'trino-coordinator', 'trino-worker'].map((n) => `Deployment/data-warehouse/${n}`);
const DEPLOYMENTS = [...DAGSTER, ...WAREHOUSE];
const NAMESPACES = ['dagster', 'data-warehouse'];
/** The kinds k8s/ renders into its namespaces, with their collection paths (list items carry no kind). */
const COLLECTIONS: Array<[kind: string, path: string]> = [
  ['ServiceAccount', '/api/v1/namespaces/{ns}/serviceaccounts'],
  ['ConfigMap', '/api/v1/namespaces/{ns}/configmaps'],
  ['Secret', '/api/v1/namespaces/{ns}/secrets'],
  ['Service', '/api/v1/namespaces/{ns}/services'],
  ['Deployment', '/apis/apps/v1/namespaces/{ns}/deployments'],
  ['HorizontalPodAutoscaler', '/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers'],
  ['PodDisruptionBudget', '/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets'],
];

/** The webserver's Service, as the demo's health gate names it (scripts/demo.sh). */
const WEBSERVER_SERVICE = 'dagster/dagster-webserver:http';
/** The copy of k8s/ the demo's KWOK fallback renders (scripts/demo-manifests.sh). */
const FALLBACK_COPY = join(repoRoot, 'build', 'demo-kwok');
/** `stack up` (the suite's, before the tests) decided whether this machine runs the real node. */
const realNode = realNodeSuite(existsSync(join(stackDir(), 'env')) ? loadStackEnv() : {});

let stack: StackEnv;
let client: KubeClient;
let ecr: ECRClient;
let port: number;
const existedBefore = { namespaces: [] as string[], repository: false, reports: false, fallbackCopy: false };
const pushedTags: string[] = [];

/** A port nothing listens on now (for the stand-in of the load balancer on the demo's KWOK fallback). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return p;
}

async function repositoryExists(): Promise<boolean> {
  return ecr
    .send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] }))
    .then(() => true)
    .catch((e: { name?: string }) => {
      if (e.name === 'RepositoryNotFoundException') return false;
      throw e;
    });
}

beforeAll(async () => {
  stack = pushStackEnv();
  client = await KubeClient.create(kubeConfig());
  ecr = createEcrClient({
    region: stack.AWS_REGION,
    endpoint: stack.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: stack.AWS_ACCESS_KEY_ID, secretAccessKey: stack.AWS_SECRET_ACCESS_KEY },
  });
  for (const ns of NAMESPACES)
    if (await client.getOrUndefined(`/api/v1/namespaces/${ns}`)) existedBefore.namespaces.push(ns);
  existedBefore.repository = await repositoryExists();
  existedBefore.reports = existsSync(join(stackDir(), 'reports'));
  existedBefore.fallbackCopy = existsSync(FALLBACK_COPY);
  port = await freePort();
});

afterAll(async () => {
  if (client) {
    const made = NAMESPACES.filter((ns) => !existedBefore.namespaces.includes(ns));
    for (const ns of made)
      await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch((e: { code?: number }) => {
        if (e.code !== 404) throw e;
      });
    // Gone before the next serial test runs (they deploy into their own names, but may count namespaces).
    await waitFor(
      `namespaces ${made.join(', ')} to be gone`,
      async () => {
        for (const ns of made) if (await client.getOrUndefined(`/api/v1/namespaces/${ns}`)) return false;
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).finally(() => client.close());
  }
  if (ecr) {
    if (!existedBefore.repository) {
      await ecr.send(new DeleteRepositoryCommand({ repositoryName: REPOSITORY, force: true })).catch(() => undefined);
    } else if (pushedTags.length) {
      await ecr.send(
        new BatchDeleteImageCommand({
          repositoryName: REPOSITORY,
          imageIds: pushedTags.map((imageTag) => ({ imageTag })),
        }),
      );
    }
    ecr.destroy();
  }
  for (const tag of pushedTags) await removeTestImage(stack, `${REPOSITORY}:${tag}`);
  if (!existedBefore.reports) rmSync(join(stackDir(), 'reports'), { recursive: true, force: true });
  if (!existedBefore.fallbackCopy) rmSync(FALLBACK_COPY, { recursive: true, force: true });
}, 180_000);

interface DemoRun extends Ran {
  /** stdout and stderr together, in that order. */
  text: string;
  /** The deploy's `name: value` output lines. */
  outputs: Record<string, string>;
}

/**
 * `npm run demo` in this checkout, against the running stack (its health stand-in on `port` if it
 * takes the KWOK fallback); `extra` adds to its environment.
 */
async function demo(extra: Record<string, string> = {}): Promise<DemoRun> {
  const ran = await run(
    'npm',
    ['--prefix', repoRoot, 'run', 'demo'],
    { ...process.env, PHLO_STACK_DIR: stackDir(), PHLO_DEMO_PORT: String(port), ...extra },
    15 * 60_000,
  );
  const text = `${ran.stdout}\n${ran.stderr}`;
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^(digest|image|verdict|environment-url|scan-counts): (.+)$/gm)) outputs[m[1]!] = m[2]!;
  for (const m of text.matchAll(/^Pushed \S+:(\S+) → sha256:/gm)) pushedTags.push(m[1]!);
  return { ...ran, text, outputs };
}

/** The one line the demo prints when it takes the KWOK fallback. */
const FALLBACK_LINE =
  /^demo: .*: the webserver goes to the KWOK nodes, and the health gate probes the app's binary on loopback instead of the real pod$/m;

/**
 * What the README promises of every run: success, the summary, six Deployments ready, healthy. On the
 * real node (`path: 'real'`) the health gate probes the webserver's Service through the API server's
 * service proxy, and nothing is served on loopback; on the KWOK fallback it says so in one line and
 * the gate probes the stand-in on `port`.
 */
function expectDeployed(r: DemoRun, path: 'real' | 'kwok'): void {
  expect({ code: r.code, tail: r.code === 0 ? '' : r.text.slice(-4000) }).toEqual({ code: 0, tail: '' });
  // The job summary, printed as text: the verdict, every stage passed, nothing rolled back.
  expect(r.outputs.verdict).toBe('success');
  expect(r.text).toContain('phlo-deploy → local: ✅ deployed');
  for (const stage of ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate'])
    expect(r.text).toMatch(new RegExp(`^\\s+${stage}\\s+✅ passed`, 'm'));
  expect(r.text).toMatch(/^\s+rollback\s+⏭️ skipped/m);
  // The rollout gate's table: all six Deployments ready; the health gate's: both probes healthy.
  expect(r.text).toContain('6 workloads under one deadline');
  for (const d of DEPLOYMENTS) expect(r.text).toMatch(new RegExp(`^\\s+${d}\\s+✅ ready`, 'm'));
  if (path === 'real') {
    expect(r.text).not.toMatch(FALLBACK_LINE);
    expect(r.outputs['environment-url']).toBe(
      `${stack.PHLO_KUBE_SERVER}/api/v1/namespaces/dagster/services/dagster-webserver:http/proxy/`,
    );
    for (const p of ['health', 'ready'])
      expect(r.text).toMatch(new RegExp(`^\\s+✅\\s+service ${WEBSERVER_SERVICE}/${p}\\s+3/3`, 'm'));
    expect(r.text).not.toContain(`127.0.0.1:${port}`); // no stand-in
  } else {
    expect(r.text).toMatch(FALLBACK_LINE);
    expect(r.outputs['environment-url']).toBe(`http://127.0.0.1:${port}`);
    for (const p of ['health', 'ready'])
      expect(r.text).toMatch(new RegExp(`^\\s+✅\\s+http://127\\.0\\.0\\.1:${port}/${p}\\s+3/3`, 'm'));
    expect(r.text).not.toContain(`service ${WEBSERVER_SERVICE}`);
  }
}

interface Pod extends KubeObject {
  spec: KubeObject['spec'] & { nodeName?: string; containers: Array<{ image: string }> };
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{
      ready: boolean;
      imageID: string;
      containerID?: string;
      state: { running?: { startedAt: string } };
    }>;
  };
}

async function pods(ns: string): Promise<Pod[]> {
  return (await client.list<Pod>(`/api/v1/namespaces/${ns}/pods`)).filter((p) => !p.metadata.deletionTimestamp);
}

const isWebserver = (p: Pod): boolean => p.metadata.labels?.['app.kubernetes.io/name'] === 'dagster-webserver';

/**
 * The webserver's two replicas of `image` are real processes on the real node: Running and ready there,
 * on an address of the node's pod range, their container started by containerd from exactly the
 * image push-ecr pushed (its imageID is that reference, digest and all); each answers the app's own
 * JSON through the API server's pod proxy, and its log is the app's. Every other pod is on a KWOK node.
 */
async function expectWebserverOnRealNode(image: string): Promise<void> {
  const node = loadStackEnv(['PHLO_REAL_NODE']).PHLO_REAL_NODE!;
  const current = await waitFor(
    `two webserver pods of ${image} Running and ready`,
    async () => {
      const web = (await pods('dagster')).filter((p) => isWebserver(p) && p.spec.containers[0]!.image === image);
      return web.length === 2 && web.every((p) => p.status?.containerStatuses?.[0]?.ready) ? web : undefined;
    },
    { timeoutMs: 60_000 },
  );
  for (const pod of current) {
    const c = pod.status!.containerStatuses![0]!;
    expect({
      node: pod.spec.nodeName,
      phase: pod.status!.phase,
      running: Boolean(c.state.running),
      runtime: c.containerID?.split('://')[0],
      imageID: c.imageID,
    }).toEqual({ node, phase: 'Running', running: true, runtime: 'containerd', imageID: image });
    expect(pod.status!.podIP).toMatch(/^10\.250\.\d+\.\d+$/);
    const own = await client.send({
      method: 'GET',
      path: `/api/v1/namespaces/dagster/pods/${pod.metadata.name}:3000/proxy/`,
    });
    expect({ status: own.status, body: JSON.parse(own.body) as unknown }).toEqual({
      status: 200,
      body: { app: 'phlo-example', version: 'dev' },
    });
    const log = await client.send({ method: 'GET', path: `/api/v1/namespaces/dagster/pods/${pod.metadata.name}/log` });
    expect(log.status).toBe(200);
    expect(log.body).toMatch(/phlo-example dev listening on :3000$/m);
  }
  // The Service the health gate probed answers with the app's body too.
  const served = await client.send({
    method: 'GET',
    path: '/api/v1/namespaces/dagster/services/dagster-webserver:http/proxy/health',
  });
  expect({ status: served.status, body: JSON.parse(served.body) as unknown }).toEqual({
    status: 200,
    body: { status: 'ok', version: 'dev' },
  });
  const elsewhere = [...(await pods('dagster')), ...(await pods('data-warehouse'))].filter((p) => !isWebserver(p));
  // Every other Deployment has its pods, named <deployment>-<template hash>-<suffix> (how many depends on
  // how far its HPA has scaled by now).
  const others = DEPLOYMENTS.map((ref) => ref.split('/')[2]!).filter((name) => name !== 'dagster-webserver');
  const podless = others.filter((name) => !elsewhere.some((p) => p.metadata.name.startsWith(`${name}-`)));
  expect(podless).toEqual([]);
  for (const p of elsewhere)
    expect({ pod: p.metadata.name, onRealNode: p.spec.nodeName === node }).toEqual({
      pod: p.metadata.name,
      onRealNode: false,
    });
}

/**
 * The six Deployments on the server: rolled out (the current generation observed, every replica
 * updated and available), the Dagster ones with `dagsterImage`. Waited for a little: the HPAs may be
 * scaling their targets (trino-worker's spec.replicas is the HPA's, 3 from 1) as the demo ends.
 */
async function expectRolledOut(dagsterImage: string): Promise<void> {
  const deployment = (ref: string) => {
    const [, ns, name] = ref.split('/');
    return client.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
  };
  const pending = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const ref of DEPLOYMENTS) {
      const d = await deployment(ref);
      const s = (d?.status ?? {}) as Record<string, number | undefined>;
      const want = d?.spec.replicas as number | undefined;
      if (
        !d ||
        s.observedGeneration !== d.metadata.generation ||
        s.updatedReplicas !== want ||
        s.availableReplicas !== want
      )
        out.push(`${ref} (generation ${d?.metadata.generation}, ${JSON.stringify(s)}, replicas ${want})`);
    }
    return out;
  };
  await waitFor('the six Deployments rolled out', async () => (await pending()).length === 0, {
    timeoutMs: 60_000,
    describe: async () => (await pending()).join('; '),
  });
  for (const ref of DAGSTER) expect((await deployment(ref))?.spec.template.spec.containers[0].image).toBe(dagsterImage);
}

/**
 * Every object k8s/ renders into the two namespaces (and the namespaces), without server fields and
 * status, by `Kind/namespace/name`. Left out: the deploy record (rewritten by every apply, not
 * rendered) and the spec.replicas of an HPA's target (the autoscaler's field, not the deploy's).
 */
async function serverObjects(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ns of NAMESPACES) {
    const namespace = await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns}`);
    out.set(`Namespace//${ns}`, JSON.stringify(stripServerFields(namespace)));
    const hpas = await client.list(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`);
    const scaled = new Set(
      hpas.map((hpa) => {
        const target = hpa.spec.scaleTargetRef as { kind: string; name: string };
        return `${target.kind}/${ns}/${target.name}`;
      }),
    );
    for (const [kind, collection] of COLLECTIONS)
      for (const o of await client.list(collection.replace('{ns}', ns))) {
        if (o.metadata.name.startsWith('phlo-deploy-record-')) continue;
        const ref = `${kind}/${ns}/${o.metadata.name}`;
        const stripped = stripServerFields(o)!;
        if (scaled.has(ref)) stripped.spec = { ...(stripped.spec as object), replicas: "the HPA's" };
        out.set(ref, JSON.stringify(stripped));
      }
  }
  return out;
}

/** The path both runs take: the real node, or (where the machine cannot run it) the KWOK fallback. */
const PATH: 'real' | 'kwok' = realNode.unavailable ? 'kwok' : 'real';

describe("npm run demo (the README's main job), twice, against the running stack", () => {
  let first: DemoRun;
  let second: DemoRun | undefined;
  let before: Map<string, string>;

  test(
    'the first run deploys: six Deployments rolled out, healthy, the summary printed',
    async () => {
      first = await demo();
      expectDeployed(first, PATH);
      expect(first.outputs.image).toMatch(new RegExp(`^${stack.PHLO_REGISTRY}/${REPOSITORY}@sha256:[0-9a-f]{64}$`));
      await expectRolledOut(first.outputs.image!);
    },
    20 * 60_000,
  );

  realNode.describe('on the real node', () => {
    test('the webserver runs the pushed image there as real processes; the other workloads stay on KWOK nodes', async () => {
      expect(first?.code).toBe(0);
      await expectWebserverOnRealNode(first.outputs.image!);
    });
  });

  test(
    'the second run changes only the three Dagster Deployments',
    async () => {
      expect(first?.code).toBe(0);
      before = await serverObjects();
      expect([...before.keys()]).toEqual(expect.arrayContaining([...DEPLOYMENTS]));

      second = await demo();
      expectDeployed(second, PATH);
      // A new image under a new tag, deployed as the Dagster image.
      expect(second.outputs.image).not.toBe(first.outputs.image);
      await expectRolledOut(second.outputs.image!);
      // The deploy's own account: the apply table lists only what it wrote.
      expect(second.text).toMatch(/^created 0, changed 3, unchanged \d+, pruned 0$/m);
      const written = [...second.text.matchAll(/^\s+(\S+\/\S+)\s+(created|changed|pruned)\s*$/gm)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
      expect(written.sort()).toEqual(DAGSTER.map((d) => `${d} changed`).sort());
      // The server's: of everything rendered, only those three objects are different now.
      const after = await serverObjects();
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      const changed = [...after.keys()].filter((k) => after.get(k) !== before.get(k));
      expect(changed.sort()).toEqual([...DAGSTER].sort());
    },
    20 * 60_000,
  );

  realNode.describe('on the real node, after the second run; and the fallback', () => {
    test('the second image runs on the real node in place of the first', async () => {
      expect(second?.code).toBe(0);
      await expectWebserverOnRealNode(second!.outputs.image!);
    });

    test(
      'PHLO_DEMO_NODE=kwok takes the fallback of a machine without the real node: one line, KWOK nodes, the loopback stand-in',
      async () => {
        const third = await demo({ PHLO_DEMO_NODE: 'kwok' });
        expectDeployed(third, 'kwok');
        await expectRolledOut(third.outputs.image!);
        const node = loadStackEnv(['PHLO_REAL_NODE']).PHLO_REAL_NODE!;
        const web = await waitFor(
          'the webserver on KWOK nodes only',
          async () => {
            const p = (await pods('dagster')).filter(isWebserver);
            return p.length === 2 && p.every((x) => x.spec.nodeName && x.spec.nodeName !== node) ? p : undefined;
          },
          { timeoutMs: 60_000 },
        );
        for (const p of web) expect(p.spec.nodeName).toMatch(/^kwok-/);
      },
      20 * 60_000,
    );
  });
});
