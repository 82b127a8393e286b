/**
 * `phlo-deploy deploy` from a terminal (dist/cli.js, as a user runs it) through a whole deploy on the
 * local stack: build, push through the ECR API, render, apply, rollout gate, health gate. With
 * --json, stdout is one document whose outputs match what the cluster and the registry hold.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../helpers/action-runner.js';
import { kubeConfig, loadStackEnv, uniqueName } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { registryTags, servedManifest, type StackEnv } from '../stack/push-ecr.fixtures.js';

let stack: StackEnv;
let work: string;
let health: Server;
let healthUrl: string;
let client: KubeClient;
const probes: string[] = [];
const ns = uniqueName('cli-deploy');

beforeAll(async () => {
  stack = loadStackEnv([
    'KUBECONFIG',
    'DOCKER_HOST',
    'PHLO_REGISTRY',
    'PHLO_BASE_IMAGE',
    'AWS_ENDPOINT_URL',
  ]) as StackEnv;
  client = await KubeClient.create(kubeConfig());
  work = mkdtempSync(join(tmpdir(), 'phlo-cli-deploy-'));
  // The example app's static binary, which its Dockerfile copies.
  execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', 'bin/phlo-example', '.'], {
    cwd: join(repoRoot, 'examples', 'app'),
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  // examples/k8s with a namespace of this test's own.
  cpSync(join(repoRoot, 'examples', 'k8s'), join(work, 'ws', 'k8s'), { recursive: true });
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const file of walk(join(work, 'ws', 'k8s')))
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('kind: Namespace\nmetadata:\n  name: phlo-example', `kind: Namespace\nmetadata:\n  name: ${ns}`)
        .replace(/namespace: phlo-example/g, `namespace: ${ns}`),
    );
  mkdirSync(join(work, 'runner-temp'));
  // The stand-in for the load balancer the health gate probes (KWOK's pods run nothing).
  health = createServer((req, res) => {
    probes.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await client?.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch((e: { code?: number }) => {
    if (e.code !== 404) throw e;
  });
  client?.close();
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: work, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('phlo-deploy deploy --env local: built, pushed, applied, rolled out and healthy, as --json says', async () => {
  const sha = 'c1' + '0'.repeat(38);
  const repository = `e2e/${ns}`;
  const r = await cli(
    [
      'deploy',
      '--env',
      'local',
      '--repository',
      repository,
      '--manifest-image',
      'phlo-example',
      '--workspace',
      join(work, 'ws'),
      '--manifests',
      'k8s',
      '--context',
      join(repoRoot, 'examples', 'app'),
      '--build-args',
      `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}`,
      '--scan',
      'false',
      '--registry-endpoint',
      `http://${stack.PHLO_REGISTRY}`,
      '--ecr-endpoint',
      stack.AWS_ENDPOINT_URL,
      '--region',
      'us-east-1',
      '--kubeconfig',
      stack.KUBECONFIG!,
      '--health-url',
      healthUrl,
      '--health-interval',
      '200ms',
      '--github-deployment',
      'false',
      '--json',
    ],
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOCKER_HOST: stack.DOCKER_HOST,
      ...(stack.DOCKER_BUILDKIT ? { DOCKER_BUILDKIT: stack.DOCKER_BUILDKIT } : {}),
      AWS_ACCESS_KEY_ID: stack.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: stack.AWS_SECRET_ACCESS_KEY,
      GITHUB_SHA: sha,
      RUNNER_TEMP: join(work, 'runner-temp'),
    },
  );
  let doc: { command: string; ok: boolean; outputs: Record<string, string>; summary: string; error?: unknown };
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`,
    );
  }
  expect({ code: r.code, ok: doc.ok, error: doc.error ?? null }).toEqual({ code: 0, ok: true, error: null });
  expect(doc.command).toBe('deploy');
  expect(doc.outputs.verdict).toBe('success');

  // The image the registry serves under the commit's tag is the one the cluster runs, by digest.
  const digest = doc.outputs.digest!;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(await registryTags(stack, repository)).toEqual(['sha-c100000']);
  expect((await servedManifest(stack, repository, 'sha-c100000'))!.digest).toBe(digest);
  const deployment = await client.getOrUndefined<KubeObject>(`/apis/apps/v1/namespaces/${ns}/deployments/phlo-example`);
  expect(deployment?.spec.template.spec.containers[0].image).toBe(`${stack.PHLO_REGISTRY}/${repository}@${digest}`);
  expect(deployment?.status.availableReplicas).toBe(3);
  expect(deployment?.metadata.annotations?.['phlo.dev/commit']).toBe(sha);

  // Every stage ran, in the summary; the health gate probed both paths.
  for (const stage of ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate'])
    expect(doc.summary).toMatch(new RegExp(`\\| ${stage} \\| ✅`));
  expect(probes).toEqual(expect.arrayContaining(['/health', '/ready']));
});
