/**
 * The render and apply bundles run as a runner runs them, with real inputs, against the local stack:
 * render examples/k8s (renamed to a namespace of this test) for `local` with the image pinned by
 * digest, labels, annotations and a secret; then apply the rendered file: a dry run that writes
 * nothing, the apply, and a second apply that changes nothing. The secret value never shows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';
import { kubeConfig, loadStackEnv, uniqueName } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';

const SECRET = 'r3nder-apply-s3cret-value';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let work: string;
let workspace: string;
let client: KubeClient;
const ns = uniqueName('render-apply');

beforeAll(async () => {
  client = await KubeClient.create(kubeConfig());
  work = mkdtempSync(join(tmpdir(), 'phlo-render-apply-'));
  workspace = join(work, 'ws');
  cpSync(join(repoRoot, 'examples', 'k8s'), join(workspace, 'k8s'), { recursive: true });
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const file of walk(join(workspace, 'k8s')))
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('kind: Namespace\nmetadata:\n  name: phlo-example', `kind: Namespace\nmetadata:\n  name: ${ns}`)
        .replace(/namespace: phlo-example/g, `namespace: ${ns}`),
    );
});

afterAll(async () => {
  await client?.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch((e: { code?: number }) => {
    if (e.code !== 404) throw e;
  });
  client?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('render then apply, as bundles with real inputs', () => {
  const rendered = () => join(work, 'rendered-local.yaml');
  const image = `127.0.0.1:15000/phlo/example@${DIGEST}`;

  it('render: pins the image by digest, adds the labels, annotations and the Secret, outputs path, count and objects', async () => {
    const r = await runStep('dist/render/main.js', {
      inputs: {
        workspace,
        manifests: 'k8s',
        environment: 'local',
        images: `phlo-example=${image}`,
        labels: 'team=data',
        annotations: 'phlo.dev/owner=platform',
        secrets: `DB_PASSWORD=${SECRET}`,
        'secret-name': 'app-secrets',
        'secret-namespace': ns,
        output: rendered(),
        commit: 'c0ffee0000000000000000000000000000000000',
        'run-url': 'https://github.com/acme/phlo/actions/runs/7',
      },
    });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs.path).toBe(rendered());
    const docs = loadAll(readFileSync(rendered(), 'utf8')) as KubeObject[];
    expect(Number(r.outputs.count)).toBe(docs.length);
    const refs = docs.map((d) => `${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`).sort();
    expect(refs).toEqual(
      [
        `Deployment/${ns}/phlo-example`,
        `Namespace//${ns}`,
        `Secret/${ns}/app-secrets`,
        `Service/${ns}/phlo-example`,
      ].sort(),
    );
    expect((JSON.parse(r.outputs.objects!) as unknown[]).length).toBe(docs.length);
    const deployment = docs.find((d) => d.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    for (const d of docs) {
      expect(d.metadata.labels).toMatchObject({ team: 'data', 'phlo.dev/environment': 'local' });
      expect(d.metadata.annotations).toMatchObject({
        'phlo.dev/owner': 'platform',
        'phlo.dev/commit': 'c0ffee0000000000000000000000000000000000',
      });
    }
    // The rendered Secret is a placeholder: its value is filled in by apply, never written to disk.
    expect(readFileSync(rendered(), 'utf8')).not.toContain(SECRET);
    expect(readFileSync(rendered(), 'utf8')).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(r.everything).not.toContain(SECRET);
  });

  const apply = (extra: Record<string, string> = {}) =>
    runStep('dist/apply/main.js', {
      inputs: {
        workspace: work,
        manifests: 'rendered-local.yaml',
        environment: 'local',
        secrets: `DB_PASSWORD=${SECRET}`,
        kubeconfig: loadStackEnv(['KUBECONFIG']).KUBECONFIG!,
        ...extra,
      },
    });

  it('apply: a dry run reports the four creations with diffs and writes nothing', async () => {
    expect(existsSync(rendered())).toBe(true);
    const r = await apply({ 'dry-run': 'true' });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ created: '4', changed: '0', unchanged: '0', pruned: '0' });
    expect(JSON.parse(r.outputs.result!)).toMatchObject({ dryRun: true });
    expect(r.summary).toContain(`phlo-example`);
    expect(r.everything).not.toContain(SECRET);
    expect(await client.getOrUndefined(`/api/v1/namespaces/${ns}`)).toBeUndefined();
  });

  it('apply: creates the four objects with the pinned image and the secret; a second apply changes nothing', async () => {
    const r = await apply();
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ created: '4', changed: '0', unchanged: '0', pruned: '0' });
    const result = JSON.parse(r.outputs.result!) as {
      workloads: Array<{ kind: string; name: string; created: boolean }>;
    };
    expect(result.workloads).toEqual([
      expect.objectContaining({ kind: 'Deployment', name: 'phlo-example', created: true }),
    ]);
    const live = await client.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns}/deployments/phlo-example`);
    expect(live?.spec.template.spec.containers[0].image).toBe(image);
    const secret = await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns}/secrets/app-secrets`);
    expect(
      Buffer.from(String((secret?.data as Record<string, string> | undefined)?.DB_PASSWORD), 'base64').toString(),
    ).toBe(SECRET);
    expect(r.everything).not.toContain(SECRET);

    const again = await apply();
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({ created: '0', changed: '0', unchanged: '4', pruned: '0' });
    const after = await client.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns}/deployments/phlo-example`);
    // Not written again: the same generation, and phlo-deploy's field entry keeps its time.
    const applied = (o?: KubeObject) =>
      (o?.metadata.managedFields as Array<{ manager?: string; time?: string }> | undefined)?.find(
        (f) => f.manager === 'phlo-deploy',
      )?.time;
    expect(after?.metadata.generation).toBe(live?.metadata.generation);
    expect(applied(after)).toBeDefined();
    expect(applied(after)).toBe(applied(live));
  });
});
