/**
 * apply against the local stack (real kube-apiserver + KWOK). Every test works on its own copy of
 * k8s/ whose two namespaces get unique names, so suites stay independent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfig, restrictedKubeConfig, repoRoot, uniqueName, waitFor } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS, type ApplySettings } from '../../src/lib/kube/apply.js';
import { renderManifests, loadManifests, parseImagesInput, type Manifest } from '../../src/lib/manifests/index.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { refKey, type ObjectRef } from '../../src/lib/objects/types.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const SECRET_VALUE = 'pg-pass-Zq81-unique-value';

/**
 * A copy of k8s/ with namespaces dagster/data-warehouse renamed to unique ones and the `local`
 * environment renamed to a unique one (prune works environment-wide: other suites' objects must
 * not be in its scope).
 */
function workspaceCopy(): { ws: string; ns1: string; ns2: string; env: string } {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-apply-'));
  const ns1 = uniqueName('dagster');
  const ns2 = uniqueName('dw');
  const env = uniqueName('local');
  // k8s/ as the demo's fallback renders it: the webserver on the KWOK nodes like the rest, not on the
  // real node (where its unpullable image would only fail to pull).
  execFileSync('bash', [path.join(repoRoot, 'scripts', 'demo-manifests.sh'), ws], { stdio: 'ignore' });
  renameSync(path.join(ws, 'k8s', 'environments', 'local'), path.join(ws, 'k8s', 'environments', env));
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else {
        let text = readFileSync(p, 'utf8')
          .replace(/namespace: dagster\b/g, `namespace: ${ns1}`)
          .replace(/namespace: data-warehouse\b/g, `namespace: ${ns2}`)
          .replace(/^ {2}dagster\//gm, `  ${ns1}/`)
          .replace(/^environment: local$/m, `environment: ${env}`)
          .replace(/\.data-warehouse\.svc/g, `.${ns2}.svc`);
        if (e === 'namespaces.yaml') {
          text = text
            .replace(/^ {2}name: dagster$/m, `  name: ${ns1}`)
            .replace(/^ {2}name: data-warehouse$/m, `  name: ${ns2}`);
        }
        writeFileSync(p, text);
      }
    }
  };
  walk(path.join(ws, 'k8s'));
  return { ws, ns1, ns2, env };
}

/** The unique environment of a workspace copy. */
function envOf(ws: string): string {
  return readdirSync(path.join(ws, 'k8s', 'environments')).find((e) => e.startsWith('local-'))!;
}

function render(ws: string, ns1: string, images: Map<string, string> = new Map()): Manifest[] {
  const values = new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]);
  return renderManifests(
    {
      workspace: ws,
      manifests: ['k8s'],
      environment: envOf(ws),
      images: parseImagesInput('images', images),
      labels: new Map(),
      annotations: new Map(),
      secret: { name: 'phlo-secrets', namespace: ns1, values },
      commit: 'abcdef0',
      runUrl: 'https://github.com/acme/phlo/actions/runs/1',
      output: path.join(ws, 'out', 'rendered.yaml'),
    },
    new MemoryLogger(),
  ).objects;
}

const settings = (over: Partial<ApplySettings> = {}): ApplySettings => ({ ...DEFAULT_APPLY_SETTINGS, ...over });

async function resourceVersions(
  client: KubeClient,
  refs: readonly ObjectRef[],
): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  for (const ref of refs) {
    const info = (await client.resourceFor(ref.apiVersion, ref.kind))!;
    const live = await client.getOrUndefined<KubeObject>(KubeClient.objectPath(info, ref));
    out.set(refKey(ref), live?.metadata.resourceVersion);
  }
  return out;
}

/** Our field manager's managedFields entries (with their times) per object. */
async function ourEntries(client: KubeClient, refs: readonly ObjectRef[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ref of refs) {
    const info = (await client.resourceFor(ref.apiVersion, ref.kind))!;
    const live = await client.getOrUndefined<any>(KubeClient.objectPath(info, ref));
    out.set(
      refKey(ref),
      JSON.stringify((live?.metadata.managedFields ?? []).filter((m: any) => m.manager === 'phlo-deploy')),
    );
  }
  return out;
}

/** Kinds whose status a controller keeps writing (their resourceVersion moves without us). */
const STATUS_WRITTEN = ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'];

interface WriteMarks {
  rvs: Map<string, string | undefined>;
  entries: Map<string, string>;
}

async function marks(client: KubeClient, refs: readonly ObjectRef[]): Promise<WriteMarks> {
  return { rvs: await resourceVersions(client, refs), entries: await ourEntries(client, refs) };
}

/**
 * Nothing of ours was written since `before`: objects no controller writes keep their exact
 * resourceVersion; for every object our managedFields entry (fields and time) is unchanged.
 */
async function expectNothingWritten(client: KubeClient, refs: readonly ObjectRef[], before: WriteMarks): Promise<void> {
  const now = await marks(client, refs);
  for (const ref of refs) {
    if (STATUS_WRITTEN.includes(ref.kind)) continue;
    expect([refKey(ref), now.rvs.get(refKey(ref))]).toEqual([refKey(ref), before.rvs.get(refKey(ref))]);
  }
  expect(now.entries).toEqual(before.entries);
}

async function expectConfigError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as Error).message;
  }
  throw new Error('expected the apply to fail');
}

let kc: KubeConfig;
let client: KubeClient;
const cleanup: string[] = [];

beforeAll(async () => {
  kc = kubeConfig();
  client = await KubeClient.create(kc);
});

afterAll(async () => {
  for (const ns of cleanup) {
    await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined);
  }
  client.close();
});

describe('the whole of k8s/ (local environment)', () => {
  const { ws, ns1, ns2, env } = workspaceCopy();
  cleanup.push(ns1, ns2);
  let objects: Manifest[];
  const logger = new MemoryLogger();

  test('apply creates every object; the Secret gets its value from memory', async () => {
    objects = render(ws, ns1);
    expect(readFileSync(path.join(ws, 'out', 'rendered.yaml'), 'utf8')).not.toContain(SECRET_VALUE);
    const { result } = await applyManifests(
      objects,
      new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
      settings(),
      client,
      logger,
    );
    expect(result.counts).toEqual({ created: objects.length, changed: 0, unchanged: 0, pruned: 0 });
    const rvs = await resourceVersions(
      client,
      objects.map((o) => o.ref),
    );
    expect([...rvs.values()].every((rv) => typeof rv === 'string')).toBe(true);
    const secret = await client.request<any>({ method: 'GET', path: `/api/v1/namespaces/${ns1}/secrets/phlo-secrets` });
    expect(Buffer.from(secret.data.DAGSTER_PG_PASSWORD, 'base64').toString()).toBe(SECRET_VALUE);
    const hpa = await client.request<any>({
      method: 'GET',
      path: `/apis/autoscaling/v2/namespaces/${ns1}/horizontalpodautoscalers/dagster-compute`,
    });
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    const dep = await client.request<any>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${ns1}/deployments/dagster-webserver`,
    });
    expect(dep.metadata.managedFields.map((m: any) => m.manager)).toContain('phlo-deploy');
    expect(result.workloads.filter((w) => w.created)).toHaveLength(6);
    expect(logger.text()).not.toContain(SECRET_VALUE);
  });

  test('a second apply changes nothing: no resourceVersion moves', async () => {
    // wait until the controllers settled (ReplicaSets exist) so only our own writes could move versions
    await waitFor('replicasets of dagster-webserver', async () => {
      const rs = await client.list(`/apis/apps/v1/namespaces/${ns1}/replicasets`);
      return rs.length >= 3 || undefined;
    });
    const before = await resourceVersions(
      client,
      objects.map((o) => o.ref),
    );
    const entriesBefore = await ourEntries(
      client,
      objects.map((o) => o.ref),
    );
    const again = render(ws, ns1);
    const { result } = await applyManifests(
      again,
      new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
      settings(),
      client,
      logger,
    );
    expect(result.counts).toEqual({ created: 0, changed: 0, unchanged: objects.length, pruned: 0 });
    const after = await resourceVersions(
      client,
      objects.map((o) => o.ref),
    );
    // Objects no controller writes to must keep their resourceVersion exactly; Deployments, HPAs and
    // PDBs get status updates from their controllers, so for them our own managedFields entry (its
    // time and fields) must be untouched, and the generation must not move.
    for (const o of objects) {
      if (STATUS_WRITTEN.includes(o.ref.kind)) continue;
      expect([refKey(o.ref), after.get(refKey(o.ref))]).toEqual([refKey(o.ref), before.get(refKey(o.ref))]);
    }
    expect(
      await ourEntries(
        client,
        objects.map((o) => o.ref),
      ),
    ).toEqual(entriesBefore);
    const dep = await client.request<any>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${ns1}/deployments/dagster-webserver`,
    });
    expect(dep.metadata.generation).toBe(1);
  });

  test('a new image digest changes only the workloads that use it, with revisions recorded', async () => {
    await waitFor('revision annotations on the ReplicaSets', async () => {
      const rs = await client.list(`/apis/apps/v1/namespaces/${ns1}/replicasets`);
      return rs.filter((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).length >= 3 || undefined;
    });
    // the objects that must not be written: all but the three Deployments using the image
    const untouched = objects
      .map((o) => o.ref)
      .filter((r) => !(r.kind === 'Deployment' && r.name.startsWith('dagster-')));
    const before = await marks(client, untouched);
    const pinned = render(ws, ns1, new Map([['phlo-dagster', `127.0.0.1:15000/phlo-dagster@${D('e')}`]]));
    const { result } = await applyManifests(
      pinned,
      new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
      settings(),
      client,
      logger,
    );
    const changed = result.objects
      .filter((o) => o.action === 'changed')
      .map((o) => `${o.kind}/${o.name}`)
      .sort();
    expect(changed).toEqual([
      'Deployment/dagster-compute',
      'Deployment/dagster-daemon',
      'Deployment/dagster-webserver',
    ]);
    expect(result.counts.unchanged).toBe(objects.length - 3);
    await expectNothingWritten(client, untouched, before);
    const web = result.workloads.find((w) => w.name === 'dagster-webserver')!;
    expect(web).toMatchObject({ created: false, changed: true, generation: 2 });
    expect(web.previousRevision?.revision).toBe(1);
    expect(web.previousRevision?.name).toMatch(/^dagster-webserver-[a-z0-9]+$/);
    const trino = result.workloads.find((w) => w.name === 'trino-coordinator')!;
    expect(trino.changed).toBe(false);
    const dep = await client.request<any>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${ns1}/deployments/dagster-webserver`,
    });
    expect(dep.spec.template.spec.containers[0].image).toBe(`127.0.0.1:15000/phlo-dagster@${D('e')}`);
  });

  test('dry run: per-object diffs, Secret values masked, nothing written', async () => {
    const before = await marks(
      client,
      objects.map((o) => o.ref),
    );
    const next = render(ws, ns1, new Map([['phlo-dagster', `127.0.0.1:15000/phlo-dagster@${D('f')}`]]));
    const newValue = 'another-secret-Ve77';
    const { result, diffs } = await applyManifests(
      next,
      new Map([['DAGSTER_PG_PASSWORD', newValue]]),
      settings({ dryRun: true }),
      client,
      logger,
    );
    expect(result.dryRun).toBe(true);
    expect(result.counts.changed).toBe(4);
    const web = diffs.find((d) => d.ref.name === 'dagster-webserver' && d.ref.kind === 'Deployment')!;
    expect(web.diff).toMatch(new RegExp(`^-\\s+image: 127\\.0\\.0\\.1:15000/phlo-dagster@${D('e')}$`, 'm'));
    expect(web.diff).toMatch(new RegExp(`^\\+\\s+image: 127\\.0\\.0\\.1:15000/phlo-dagster@${D('f')}$`, 'm'));
    expect(web.diff).not.toMatch(/managedFields|resourceVersion|creationTimestamp|uid:/);
    const secret = diffs.find((d) => d.ref.kind === 'Secret')!;
    expect(secret.diff).toContain('*** (changed)');
    for (const d of diffs) {
      expect(d.diff).not.toContain(newValue);
      expect(d.diff).not.toContain(SECRET_VALUE);
      expect(d.diff).not.toContain(Buffer.from(newValue).toString('base64'));
      expect(d.diff).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    }
    await expectNothingWritten(
      client,
      objects.map((o) => o.ref),
      before,
    );
  });

  test('a field owned by another manager: the conflict names the manager and the field; nothing is written', async () => {
    await client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${ns1}/configmaps/phlo-config`,
      query: { fieldManager: 'platform-team-tool', force: 'true' },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'phlo-config', namespace: ns1 },
        data: { DAGSTER_LOG_LEVEL: 'WARNING' },
      },
    });
    // our next render sets a different log level → conflict on that field
    const cfg = path.join(ws, 'k8s', 'environments', env, 'settings.yaml');
    const original = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, original.replace('LOG_LEVEL: DEBUG', 'LOG_LEVEL: ERROR'));
    try {
      const next = render(ws, ns1, new Map([['phlo-dagster', `127.0.0.1:15000/phlo-dagster@${D('a')}`]]));
      const before = await marks(
        client,
        objects.map((o) => o.ref),
      );
      const message = await expectConfigError(
        applyManifests(next, new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]), settings(), client, logger),
      );
      expect(message).toContain(
        `ConfigMap ${ns1}/phlo-config: conflict: field .data.DAGSTER_LOG_LEVEL is owned by field manager 'platform-team-tool'`,
      );
      expect(message).toContain('force-conflicts: true');
      expect(message).toContain('nothing was applied');
      await expectNothingWritten(
        client,
        objects.map((o) => o.ref),
        before,
      );
      const { result } = await applyManifests(
        next,
        new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
        settings({ forceConflicts: true }),
        client,
        logger,
      );
      expect(result.objects.find((o) => o.kind === 'ConfigMap')!.action).toBe('changed');
      const cm = await client.request<any>({ method: 'GET', path: `/api/v1/namespaces/${ns1}/configmaps/phlo-config` });
      expect(cm.data.DAGSTER_LOG_LEVEL).toBe('ERROR');
    } finally {
      writeFileSync(cfg, original);
    }
  });

  test('prune deletes a removed object and refuses past max-prune', async () => {
    const current = render(ws, ns1, new Map([['phlo-dagster', `127.0.0.1:15000/phlo-dagster@${D('a')}`]]));
    const withoutNessieService = current.filter((o) => !(o.ref.kind === 'Service' && o.ref.name === 'nessie'));
    // refuse: max-prune 0 < 1 candidate; nothing written or deleted
    const message = await expectConfigError(
      applyManifests(
        withoutNessieService,
        new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
        settings({ prune: true, maxPrune: 0, environment: env }),
        client,
        logger,
      ),
    );
    expect(message).toContain(
      `Prune would delete 1 objects, more than input 'max-prune' (0) allows: Service/${ns2}/nessie`,
    );
    expect(await client.getOrUndefined(`/api/v1/namespaces/${ns2}/services/nessie`)).toBeDefined();
    // allowed: the Service goes; Namespaces are never pruned even when not rendered
    const withoutNamespace = withoutNessieService.filter((o) => !(o.ref.kind === 'Namespace' && o.ref.name === ns2));
    const { result } = await applyManifests(
      withoutNamespace,
      new Map([['DAGSTER_PG_PASSWORD', SECRET_VALUE]]),
      settings({ prune: true, environment: env }),
      client,
      logger,
    );
    expect(result.counts.pruned).toBe(1);
    expect(result.objects.filter((o) => o.action === 'pruned').map(refKey)).toEqual([`Service/${ns2}/nessie`]);
    expect(await client.getOrUndefined(`/api/v1/namespaces/${ns2}/services/nessie`)).toBeUndefined();
    expect(await client.getOrUndefined(`/api/v1/namespaces/${ns2}`)).toBeDefined();
  });
});

describe('permissions', () => {
  test("the restricted service account's permission error is reported clearly, and nothing is applied", async () => {
    const ns = uniqueName('restricted');
    cleanup.push(ns);
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-restricted-'));
    const role = uniqueName('phlo-test-role');
    writeFileSync(
      path.join(ws, 'objects.yaml'),
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ${ns}}\ndata: {a: b}\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${role}}\nrules: []\n`,
    );
    const restricted = await KubeClient.create(restrictedKubeConfig());
    try {
      const message = await expectConfigError(
        applyManifests(loadManifests(['objects.yaml'], [ws]), new Map(), settings(), restricted, new MemoryLogger()),
      );
      expect(message).toContain(`ClusterRole ${role}: permission denied:`);
      expect(message).toMatch(/cannot (get|patch) resource "clusterroles"/);
      expect(message).toContain('nothing was applied');
      expect(await client.getOrUndefined(`/api/v1/namespaces/${ns}`)).toBeUndefined();
      expect(await client.getOrUndefined(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`)).toBeUndefined();
    } finally {
      restricted.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('revisions recorded before writing: StatefulSet and DaemonSet', () => {
  test('the ControllerRevision live before the apply is recorded', async () => {
    const ns = uniqueName('revisions');
    cleanup.push(ns);
    const ws = mkdtempSync(path.join(os.tmpdir(), 'phlo-rev-'));
    const write = (image: string): Manifest[] => {
      const pod = `    metadata: {labels: {app: x}}\n    spec:\n      nodeSelector: {workload: compute}\n      containers: [{name: c, image: '${image}'}]\n`;
      writeFileSync(
        path.join(ws, 'o.yaml'),
        `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n---\n` +
          `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: sts, namespace: ${ns}}\nspec:\n  serviceName: sts\n  replicas: 1\n  selector: {matchLabels: {app: x}}\n  template:\n${pod}---\n` +
          `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: x}}\n  template:\n${pod}`,
      );
      return loadManifests(['o.yaml'], [ws]);
    };
    const first = await applyManifests(write('busybox:1'), new Map(), settings(), client, new MemoryLogger());
    expect(first.result.workloads.map((w) => [w.kind, w.created, w.previousRevision])).toEqual([
      ['StatefulSet', true, undefined],
      ['DaemonSet', true, undefined],
    ]);
    const revisions = await waitFor('controller revisions', async () => {
      const list = await client.list<KubeObject & { revision?: number }>(
        `/apis/apps/v1/namespaces/${ns}/controllerrevisions`,
      );
      return list.length >= 2 ? list : undefined;
    });
    const second = await applyManifests(write('busybox:2'), new Map(), settings(), client, new MemoryLogger());
    const sts = second.result.workloads.find((w) => w.kind === 'StatefulSet')!;
    const ds = second.result.workloads.find((w) => w.kind === 'DaemonSet')!;
    expect(sts).toMatchObject({ created: false, changed: true, previousRevision: { revision: 1 } });
    expect(ds).toMatchObject({ created: false, changed: true, previousRevision: { revision: 1 } });
    const names = revisions.map((r) => r.metadata.name);
    expect(names).toContain(sts.previousRevision!.name);
    expect(names).toContain(ds.previousRevision!.name);
    expect(sts.previousRevision!.name).toMatch(/^sts-/);
    expect(ds.previousRevision!.name).toMatch(/^ds-/);
  });
});
