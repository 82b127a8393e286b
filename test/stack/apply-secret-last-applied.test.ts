/**
 * A Secret first created by the real `kubectl apply` (the stack's kubectl, PHLO_KUBECTL) carries its
 * whole content, values included, in the annotation kubectl.kubernetes.io/last-applied-configuration.
 * An apply dry run of phlo-deploy with changed values then diffs that Secret: neither the old values
 * (in the annotation and in `data`) nor the new ones appear in anything it prints or writes — stdout,
 * stderr, the outputs, the job summary — as text or base64. Once through the apply bundle (values from
 * an env file), once through the CLI (values from `--secrets`).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { createNamespace, kubeConfig, loadStackEnv } from '../helpers/stack.js';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';
import { run } from '../helpers/processes.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { placeholderSecret } from '../../src/lib/manifests/secrets.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const value = (label: string) => `${label}-${randomBytes(10).toString('hex')}`;
/** The values kubectl applied: DB_PASSWORD as stringData (text in the annotation), TOKEN as data (base64). */
const OLD = { DB_PASSWORD: value('old-pg'), TOKEN: value('old-token') };
/** The values phlo-deploy's dry run would apply. */
const NEW = { DB_PASSWORD: value('new-pg'), TOKEN: value('new-token') };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secretLines = Object.entries(NEW)
  .map(([k, v]) => `${k}=${v}`)
  .join('\n');
const FORBIDDEN = [...Object.values(OLD), ...Object.values(NEW)].flatMap((v) => [v, b64(v)]);

let env: Record<string, string>;
let work: string;
let client: KubeClient;
let ns: { name: string; remove: () => Promise<void> };
let before: KubeObject;

beforeAll(async () => {
  env = loadStackEnv(['KUBECONFIG', 'PHLO_KUBECTL']);
  work = mkdtempSync(join(tmpdir(), 'phlo-last-applied-'));
  client = await KubeClient.create(kubeConfig());
  ns = await createNamespace('last-applied');
  writeFileSync(
    join(work, 'kubectl-secret.yaml'),
    dump({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'app-secrets', namespace: ns.name },
      type: 'Opaque',
      stringData: { DB_PASSWORD: OLD.DB_PASSWORD },
      data: { TOKEN: b64(OLD.TOKEN) },
    }),
  );
  const kubectl = await run(
    env.PHLO_KUBECTL!,
    ['--kubeconfig', env.KUBECONFIG!, 'apply', '-f', join(work, 'kubectl-secret.yaml')],
    process.env,
    60_000,
  );
  expect(kubectl).toMatchObject({ code: 0, stdout: expect.stringContaining('secret/app-secrets created') });
  // The rendered set: the placeholder Secret render writes (keys listed, no values), filled by apply.
  writeFileSync(
    join(work, 'rendered.yaml'),
    dump(placeholderSecret({ name: 'app-secrets', namespace: ns.name }, Object.keys(NEW))),
  );
  writeFileSync(
    join(work, 'new.env'),
    Object.entries(NEW)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  before = (await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns.name}/secrets/app-secrets`))!;
});

afterAll(async () => {
  await ns?.remove();
  client?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Which of the old and new values (text or base64) `text` holds, by name (never the value itself). */
const leaked = (text: string): string[] =>
  FORBIDDEN.map((v, i) => (text.includes(v) ? `value #${i}` : '')).filter(Boolean);

describe('the dry-run diff of a Secret created by kubectl apply shows no value, old or new', () => {
  test('kubectl left the old values in the last-applied annotation (what the diff must not show)', () => {
    const annotation = (before.metadata.annotations as Record<string, string> | undefined)?.[LAST_APPLIED] ?? '';
    expect(annotation).toContain(OLD.DB_PASSWORD);
    expect(annotation).toContain(b64(OLD.TOKEN));
  });

  test('the apply bundle, dry run with the new values in an env file: the Secret diff is shown, no value in any output', async () => {
    const r = await runStep('dist/apply/main.js', {
      inputs: {
        workspace: work,
        manifests: 'rendered.yaml',
        'env-file': 'new.env',
        'dry-run': 'true',
        'force-conflicts': 'true', // kubectl's client-side apply owns the keys; taking them over is the change
        kubeconfig: env.KUBECONFIG!,
      },
    });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ created: '0', changed: '1', unchanged: '0' });
    // The diff is there (in the log and the summary), with the annotation and the changed keys masked.
    for (const text of [r.stdout, r.summary]) {
      expect(text).toContain(`applied/Secret/${ns.name}/app-secrets`);
      expect(text).toContain(LAST_APPLIED);
      expect(text).toContain('*** (changed)');
    }
    expect(leaked(r.everything)).toEqual([]);
    expect(leaked(JSON.stringify(r.outputs))).toEqual([]);
    // A dry run: the Secret is as kubectl left it.
    const after = (await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns.name}/secrets/app-secrets`))!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  test('the CLI (phlo-deploy apply --dry-run --secrets …): no value on stdout or stderr, nor in --json', async () => {
    const args = [
      join(repoRoot, 'dist', 'cli.js'),
      'apply',
      '--workspace',
      work,
      '--manifests',
      'rendered.yaml',
      '--secrets',
      secretLines,
      '--dry-run',
      '--force-conflicts',
      '--kubeconfig',
      env.KUBECONFIG!,
    ];
    const text = await run(process.execPath, args, process.env, 60_000);
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(text.stdout).toContain(LAST_APPLIED);
    expect(text.stdout).toContain('*** (changed)');
    expect(leaked(text.stdout + text.stderr)).toEqual([]);

    const json = await run(process.execPath, [...args, '--json'], process.env, 60_000);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { ok: boolean; outputs: Record<string, unknown>; summary: string };
    expect(doc.ok).toBe(true);
    expect(doc.summary).toContain(LAST_APPLIED);
    expect(leaked(json.stdout + json.stderr)).toEqual([]);
    const after = (await client.getOrUndefined<KubeObject>(`/api/v1/namespaces/${ns.name}/secrets/app-secrets`))!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});
