/**
 * The README's main job, `npm run demo`, run from this checkout against the running stack
 * (PHLO_STACK_DIR: `stack up` finds it up and starts nothing), twice, and what the README says of it:
 * the first run deploys k8s/ for `local` with the example app as the Dagster image, all six
 * Deployments roll out, the health gate passes and the job summary is printed; the second run (a new
 * image under its own tag) changes only the three Dagster Deployments — by the deploy's own apply
 * table and by the objects on the server.
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
import { kubeConfig, repoRoot, stackDir, waitFor } from '../helpers/stack.js';
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

let stack: StackEnv;
let client: KubeClient;
let ecr: ECRClient;
let port: number;
const existedBefore = { namespaces: [] as string[], repository: false, reports: false };
const pushedTags: string[] = [];

/** A port nothing listens on now (for the demo's stand-in of the load balancer). */
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
}, 180_000);

interface DemoRun extends Ran {
  /** stdout and stderr together, in that order. */
  text: string;
  /** The deploy's `name: value` output lines. */
  outputs: Record<string, string>;
}

/** `npm run demo` in this checkout, against the running stack, its health stand-in on `port`. */
async function demo(): Promise<DemoRun> {
  const ran = await run(
    'npm',
    ['--prefix', repoRoot, 'run', 'demo'],
    { ...process.env, PHLO_STACK_DIR: stackDir(), PHLO_DEMO_PORT: String(port) },
    15 * 60_000,
  );
  const text = `${ran.stdout}\n${ran.stderr}`;
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^(digest|image|verdict|environment-url|scan-counts): (.+)$/gm)) outputs[m[1]!] = m[2]!;
  for (const m of text.matchAll(/^Pushed \S+:(\S+) → sha256:/gm)) pushedTags.push(m[1]!);
  return { ...ran, text, outputs };
}

/** What the README promises of every run: success, the summary, six Deployments ready, healthy. */
function expectDeployed(r: DemoRun): void {
  expect({ code: r.code, tail: r.code === 0 ? '' : r.text.slice(-4000) }).toEqual({ code: 0, tail: '' });
  expect(r.outputs).toMatchObject({ verdict: 'success', 'environment-url': `http://127.0.0.1:${port}` });
  // The job summary, printed as text: the verdict, every stage passed, nothing rolled back.
  expect(r.text).toContain('phlo-deploy → local: ✅ deployed');
  for (const stage of ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate'])
    expect(r.text).toMatch(new RegExp(`^\\s+${stage}\\s+✅ passed`, 'm'));
  expect(r.text).toMatch(/^\s+rollback\s+⏭️ skipped/m);
  // The rollout gate's table: all six Deployments ready; the health gate's: both probes healthy.
  expect(r.text).toContain('6 workloads under one deadline');
  for (const d of DEPLOYMENTS) expect(r.text).toMatch(new RegExp(`^\\s+${d}\\s+✅ ready`, 'm'));
  for (const path of ['health', 'ready'])
    expect(r.text).toMatch(new RegExp(`^\\s+✅\\s+http://127\\.0\\.0\\.1:${port}/${path}\\s+3/3`, 'm'));
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

describe("npm run demo (the README's main job), twice, against the running stack", () => {
  let first: DemoRun;
  let before: Map<string, string>;

  test(
    'the first run deploys: six Deployments rolled out, healthy, the summary printed',
    async () => {
      first = await demo();
      expectDeployed(first);
      expect(first.outputs.image).toMatch(new RegExp(`^${stack.PHLO_REGISTRY}/${REPOSITORY}@sha256:[0-9a-f]{64}$`));
      await expectRolledOut(first.outputs.image!);
    },
    20 * 60_000,
  );

  test(
    'the second run changes only the three Dagster Deployments',
    async () => {
      expect(first?.code).toBe(0);
      before = await serverObjects();
      expect([...before.keys()]).toEqual(expect.arrayContaining([...DEPLOYMENTS]));

      const second = await demo();
      expectDeployed(second);
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
});
