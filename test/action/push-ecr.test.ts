/**
 * The push-ecr bundle run as a runner runs it (INPUT_* variables, GITHUB_OUTPUT/STATE/STEP_SUMMARY
 * files), against the local stack: moto's ECR API, the stack's registry and docker daemon. Then the
 * post bundle with the saved state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { errorLines, runStep, type StepResult } from '../helpers/action-runner.js';
import {
  awsDockerEnv,
  buildTestImage,
  pushStackEnv,
  registryCatalog,
  registryTags,
  removeTestImage,
  servedManifest,
  uniqueRepo,
  type StackEnv,
} from '../stack/push-ecr.fixtures.js';

const MAIN = 'dist/push-ecr/main.js';
const POST = 'dist/push-ecr/post.js';

let env: StackEnv;
let runnerTemp: string;
const images: string[] = [];

beforeAll(() => {
  env = pushStackEnv();
  runnerTemp = mkdtempSync(join(tmpdir(), 'phlo-push-runner-'));
});
afterAll(async () => {
  for (const tag of images) await removeTestImage(env, tag);
  if (runnerTemp) rmSync(runnerTemp, { recursive: true, force: true });
});

function step(bundle: string, inputs: Record<string, string>, state?: Record<string, string>): Promise<StepResult> {
  return runStep(bundle, {
    inputs,
    ...(state ? { state } : {}),
    // our own RUNNER_TEMP, so the docker config dir outlives the main step until the post step
    env: { ...awsDockerEnv(env), RUNNER_TEMP: runnerTemp },
    timeoutMs: 180_000,
  });
}

/** Every form the registry secret could take in output: password, token, the Basic header value. */
function secretForms(): string[] {
  const pair = `${env.PHLO_REGISTRY_USER}:${env.PHLO_REGISTRY_PASSWORD}`;
  const token = Buffer.from(pair).toString('base64');
  return [env.PHLO_REGISTRY_PASSWORD, token, `Basic ${token}`, pair];
}

function expectNoSecrets(result: StepResult): void {
  for (const secret of secretForms()) expect(result.everything).not.toContain(secret);
}

async function repositoryInEcr(name: string): Promise<boolean> {
  const ecr = new ECRClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  try {
    await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'RepositoryNotFoundException') return false;
    throw error;
  } finally {
    ecr.destroy();
  }
}

const configDirs = () => readdirSync(runnerTemp).filter((n) => n.startsWith('phlo-docker-config-'));

describe('push-ecr bundle', () => {
  it('pushes, outputs the served digest, is idempotent, leaks no secret, and its post step removes the docker config', async () => {
    const repository = uniqueRepo('action');
    const built = await buildTestImage(env, 'action');
    images.push(built.tag);
    const inputs = {
      image: built.tag,
      repository,
      tags: 'v1\nlatest',
      'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
      'lifecycle-keep-tagged': '10',
    };

    const first = await step(MAIN, inputs);
    expect(errorLines(first)).toEqual([]);
    expect(first.code).toBe(0);
    const served = await servedManifest(env, repository, 'v1');
    expect(first.outputs).toMatchObject({
      registry: env.PHLO_REGISTRY,
      'repository-uri': `${env.PHLO_REGISTRY}/${repository}`,
      'ecr-repository-uri': `123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}`,
      digest: served!.digest,
      image: `${env.PHLO_REGISTRY}/${repository}@${served!.digest}`,
      'repository-created': 'true',
    });
    expect(new Date(first.outputs['token-expiry']!).toISOString()).toBe(first.outputs['token-expiry']);
    expect(JSON.parse(first.outputs.tags!)).toEqual([
      `${env.PHLO_REGISTRY}/${repository}:v1`,
      `${env.PHLO_REGISTRY}/${repository}:latest`,
    ]);
    expect(await registryTags(env, repository)).toEqual(['latest', 'v1']);
    expect((await servedManifest(env, repository, 'latest'))!.digest).toBe(served!.digest);
    expect(first.summary).toContain(served!.digest);
    // the runner's masking command is the only place the secret may appear
    expect(first.stdout).toContain(`::add-mask::${env.PHLO_REGISTRY_PASSWORD}`);
    expectNoSecrets(first);

    const dir = first.state['docker-config']!;
    expect(dir.startsWith(join(runnerTemp, 'phlo-docker-config-'))).toBe(true);
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
    expect(first.state.registry).toBe(env.PHLO_REGISTRY);

    const post = await step(POST, {}, first.state);
    expect(post.code).toBe(0);
    expect(post.stdout).toMatch(/Logged out of 127\.0\.0\.1:15000|Logged out of /);
    expect(existsSync(dir)).toBe(false);
    expectNoSecrets(post);

    const second = await step(MAIN, inputs);
    expect(second.code).toBe(0);
    expect(second.outputs.digest).toBe(served!.digest);
    expect(second.outputs['repository-created']).toBe('false');
    expect(second.stdout).toMatch(/exists with the wanted settings/);
    expect(second.stdout).toMatch(/already holds this image .* not pushed again/);
    expectNoSecrets(second);
    const post2 = await step(POST, {}, second.state);
    expect(post2.code).toBe(0);
    expect(configDirs()).toEqual([]);
  });

  it('fails clearly when an immutable tag would get new content, and pushes nothing', async () => {
    const repository = uniqueRepo('action-immutable');
    const a = await buildTestImage(env, 'action-a');
    const b = await buildTestImage(env, 'action-b');
    images.push(a.tag, b.tag);
    const base = { repository, 'registry-endpoint': `http://${env.PHLO_REGISTRY}` };
    const first = await step(MAIN, { ...base, image: a.tag, tags: 'release' });
    expect(first.code).toBe(0);
    await step(POST, {}, first.state);

    const second = await step(MAIN, { ...base, image: b.tag, tags: 'new-tag, release' });
    expect(second.code).toBe(1);
    const errors = errorLines(second);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^push-ecr: tag invalid: the image tag 'release' \\(holds ${first.outputs.digest}\\) already exists in the '${repository}' repository .*cannot be overwritten because the repository is immutable\\.`,
      ),
    );
    expect(second.stdout + second.stderr).not.toMatch(/\n\s+at /);
    expect(await registryTags(env, repository)).toEqual(['release']);
    expect((await servedManifest(env, repository, 'release'))!.digest).toBe(first.outputs.digest);
    expectNoSecrets(second);
    // the login happened before the check: the post step still cleans up
    expect(existsSync(second.state['docker-config']!)).toBe(true);
    await step(POST, {}, second.state);
    expect(existsSync(second.state['docker-config']!)).toBe(false);
  });

  describe('bad input: a clear error, nothing created, nothing pushed', () => {
    let good: { id: string; tag: string };
    beforeAll(async () => {
      good = await buildTestImage(env, 'action-bad');
      images.push(good.tag);
    });
    const marker = join(tmpdir(), `phlo-pwned-${randomBytes(4).toString('hex')}`);

    it.each([
      [
        'an invalid repository name',
        { repository: 'Phlo/Bad Name' },
        /Input 'repository' is 'Phlo\/Bad Name': expected an ECR repository name/,
      ],
      [
        'a tag with shell metacharacters',
        { tags: `v1, $(touch ${marker})` },
        /Input 'tags' is '\$\(touch .*\)': expected image tags of at most 128 characters/,
      ],
      [
        'an unknown region',
        { region: 'mars-north-9x' },
        /Input 'region' is 'mars-north-9x': expected an AWS region such as us-east-1/,
      ],
      [
        'a missing image',
        { image: 'phlo-push-test:no-such-image' },
        /Input 'image' is 'phlo-push-test:no-such-image': expected a local image known to the docker daemon/,
      ],
    ])('%s', async (_label, override, message) => {
      const repository = uniqueRepo('action-bad');
      const result = await step(MAIN, {
        image: good.tag,
        repository,
        tags: 'v1',
        'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
        ...override,
      });
      expect(result.code).toBe(1);
      const errors = errorLines(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(marker)).toBe(false);
      const target = (override as { repository?: string }).repository ?? repository;
      expect(await registryCatalog(env)).not.toContain(target);
      if (!('repository' in override)) expect(await repositoryInEcr(repository)).toBe(false);
      expect(result.state['docker-config']).toBeUndefined();
      expectNoSecrets(result);
    });
  });
});
