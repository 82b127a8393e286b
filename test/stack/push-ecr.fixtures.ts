/**
 * Shared fixtures of the push-ecr stack and action tests: the stack's docker daemon, a small image
 * built on the stack's base image, and direct reads of the stack's registry (to check what a push
 * did, independently of the code under test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnExec, type Exec } from '../../src/lib/runtime/exec.js';
import { MANIFEST_MEDIA_TYPES } from '../../src/lib/docker/manifest.js';
import { loadStackEnv } from '../helpers/stack.js';

export const STACK_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'DOCKER_HOST',
  'PHLO_REGISTRY',
  'PHLO_REGISTRY_USER',
  'PHLO_REGISTRY_PASSWORD',
  'PHLO_BASE_IMAGE',
] as const;

export type StackEnv = Record<(typeof STACK_KEYS)[number], string> & Record<string, string>;

export function pushStackEnv(): StackEnv {
  return loadStackEnv(STACK_KEYS) as StackEnv;
}

/** The environment a push needs: AWS (moto) and the stack's docker daemon. */
export function awsDockerEnv(env: StackEnv): Record<string, string> {
  const out: Record<string, string> = {
    AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: env.AWS_REGION,
    DOCKER_HOST: env.DOCKER_HOST,
  };
  if (env.DOCKER_BUILDKIT) out.DOCKER_BUILDKIT = env.DOCKER_BUILDKIT;
  return out;
}

/** spawnExec with the stack's docker daemon in the environment. */
export function stackExec(env: StackEnv): Exec {
  return (command, args, options = {}) =>
    spawnExec(command, args, { ...options, env: { ...process.env, ...awsDockerEnv(env), ...options.env } });
}

export function uniqueRepo(prefix: string): string {
  return `phlo-test/${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Builds a one-layer image on the stack's base image with unique content; returns its id and tag. */
export async function buildTestImage(env: StackEnv, label: string): Promise<{ id: string; tag: string }> {
  const exec = stackExec(env);
  const dir = mkdtempSync(join(tmpdir(), 'phlo-push-image-'));
  try {
    const content = `${label}-${randomBytes(8).toString('hex')}`;
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${env.PHLO_BASE_IMAGE}\nRUN echo ${content} > /push-ecr-test.txt\n`);
    const tag = `phlo-push-test:${content}`;
    const result = await exec('docker', ['build', '--quiet', '--tag', tag, dir]);
    if (result.exitCode !== 0) throw new Error(`docker build failed: ${result.stderr}`);
    const id = result.stdout.trim().split('\n').at(-1)!;
    return { id, tag };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes a test image with every tag it got (the push adds `<registry>/<repo>:<tag>` ones). */
export async function removeTestImage(env: StackEnv, tag: string): Promise<void> {
  const exec = stackExec(env);
  const inspected = await exec('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]);
  if (inspected.exitCode !== 0) return;
  await exec('docker', ['image', 'rm', '--force', inspected.stdout.trim()]);
}

function registryAuth(env: StackEnv): string {
  return `Basic ${Buffer.from(`${env.PHLO_REGISTRY_USER}:${env.PHLO_REGISTRY_PASSWORD}`).toString('base64')}`;
}

/** The tags the stack's registry holds for a repository ([] when the repository is unknown). */
export async function registryTags(env: StackEnv, repository: string): Promise<string[]> {
  const response = await fetch(`http://${env.PHLO_REGISTRY}/v2/${repository}/tags/list`, {
    headers: { Authorization: registryAuth(env) },
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`registry tags/list answered ${response.status}`);
  const body = (await response.json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** Every repository the stack's registry holds (following the catalog's Link pagination). */
export async function registryCatalog(env: StackEnv): Promise<string[]> {
  const all: string[] = [];
  let path: string | undefined = '/v2/_catalog?n=500';
  while (path) {
    const response = await fetch(`http://${env.PHLO_REGISTRY}${path}`, {
      headers: { Authorization: registryAuth(env) },
    });
    if (!response.ok) throw new Error(`registry catalog answered ${response.status}`);
    all.push(...((await response.json()) as { repositories: string[] }).repositories);
    path = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return all;
}

/** The digest and bytes the registry serves for repository:reference (undefined when absent). */
export async function servedManifest(
  env: StackEnv,
  repository: string,
  reference: string,
): Promise<{ digest: string; body: string; mediaType: string } | undefined> {
  const response = await fetch(`http://${env.PHLO_REGISTRY}/v2/${repository}/manifests/${reference}`, {
    headers: { Authorization: registryAuth(env), Accept: MANIFEST_MEDIA_TYPES.join(', ') },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`registry manifest answered ${response.status}`);
  return {
    digest: response.headers.get('docker-content-digest')!,
    body: await response.text(),
    mediaType: response.headers.get('content-type')!,
  };
}
