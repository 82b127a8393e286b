/**
 * ECR API retries, observed on the wire: a fault-injecting proxy (test/helpers/fault-proxy.ts) sits
 * between the client and moto and throttles (400 ThrottlingException), fails (500, 503) or drops the
 * connection of chosen calls. The client the actions make (createEcrClient: adaptive retry mode)
 * gets through once the faults stop, and fails clearly, after exactly its attempts, when they do
 * not. Then the same through the push-ecr bundle, configured only by its inputs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, DeleteRepositoryCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { createEcrClient } from '../../src/lib/ecr/client.js';
import { describeError } from '../../src/lib/runtime/errors.js';
import { errorLines, runStep } from '../helpers/action-runner.js';
import { FaultProxy, serverError, throttling } from '../helpers/fault-proxy.js';
import {
  awsDockerEnv,
  buildTestImage,
  pushStackEnv,
  registryTags,
  removeTestImage,
  uniqueRepo,
  type StackEnv,
} from './push-ecr.fixtures.js';

let env: StackEnv;
let proxy: FaultProxy;
let runnerTemp: string;
const repositories: string[] = [];
const images: string[] = [];

beforeAll(async () => {
  env = pushStackEnv();
  // The client reads its credentials from the environment, as in a workflow after configure-aws-credentials.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
  });
  runnerTemp = mkdtempSync(join(tmpdir(), 'phlo-ecr-retries-'));
  proxy = await new FaultProxy(env.AWS_ENDPOINT_URL).start();
});
beforeEach(() => {
  // The client reads its credentials from the environment, as in a workflow after
  // configure-aws-credentials (test/setup-env.ts restores the environment after every test).
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
  });
});
afterEach(() => proxy.setRules([]));
afterAll(async () => {
  await proxy?.stop();
  const ecr = createEcrClient({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL });
  for (const repositoryName of repositories)
    await ecr.send(new DeleteRepositoryCommand({ repositoryName, force: true })).catch(() => undefined);
  ecr.destroy();
  for (const tag of images) await removeTestImage(env, tag);
  if (runnerTemp) rmSync(runnerTemp, { recursive: true, force: true });
});

/** The proxy's log for one operation since `from`, as outcomes. */
const outcomes = (operation: string, from = 0): Array<number | string> =>
  proxy.log
    .slice(from)
    .filter((e) => e.operation === operation)
    .map((e) => e.outcome);

describe('the ECR client the actions make (createEcrClient)', () => {
  it('gets through throttling, 500, 503 and a dropped connection, retrying each on the wire', async () => {
    const repositoryName = uniqueRepo('retries');
    repositories.push(repositoryName);
    const ecr = createEcrClient({ region: env.AWS_REGION, endpoint: proxy.url, maxAttempts: 6 });
    try {
      await ecr.send(new CreateRepositoryCommand({ repositoryName }));
      const from = proxy.log.length;
      proxy.setRules([
        { match: { operation: 'DescribeRepositories' }, times: 2, fault: throttling() },
        { match: { operation: 'DescribeRepositories' }, times: 1, fault: serverError(500) },
        { match: { operation: 'DescribeRepositories' }, times: 1, fault: serverError(503) },
        { match: { operation: 'DescribeRepositories' }, times: 1, fault: 'drop' },
      ]);
      const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
      expect(out.repositories?.map((r) => r.repositoryName)).toEqual([repositoryName]);
      expect(out.$metadata.attempts).toBe(6);
      // Five faults, then moto's answer: every retry reached the server side.
      expect(outcomes('DescribeRepositories', from)).toEqual([400, 400, 500, 503, 'dropped', 200]);
    } finally {
      ecr.destroy();
    }
  });

  it('once its attempts are spent, fails with the last error in one clear line, after exactly that many tries', async () => {
    const ecr = createEcrClient({ region: env.AWS_REGION, endpoint: proxy.url, maxAttempts: 3 });
    try {
      for (const [fault, expected] of [
        [serverError(503), /^ServiceUnavailable \(HTTP 503\): injected 503$/],
        [throttling(), /^ThrottlingException \(HTTP 400\): Rate exceeded$/],
      ] as const) {
        const from = proxy.log.length;
        proxy.setRules([{ match: { operation: 'DescribeRepositories' }, fault }]);
        const error = await ecr
          .send(new DescribeRepositoriesCommand({ repositoryNames: ['phlo-test/none'] }))
          .catch((e: unknown) => e);
        expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(3);
        expect(describeError(error)).toMatch(expected);
        expect(outcomes('DescribeRepositories', from)).toHaveLength(3);
      }
      // A client error that retrying cannot fix is not retried.
      const from = proxy.log.length;
      proxy.setRules([
        { match: { operation: 'DescribeRepositories' }, fault: { status: 400, code: 'AccessDeniedException' } },
      ]);
      const denied = await ecr.send(new DescribeRepositoriesCommand({})).catch((e: unknown) => e);
      expect(describeError(denied)).toMatch(/^AccessDeniedException \(HTTP 400\)/);
      expect(outcomes('DescribeRepositories', from)).toEqual([400]);
    } finally {
      ecr.destroy();
    }
  });
});

describe('the push-ecr bundle through the proxy (ecr-endpoint, api-max-attempts)', () => {
  const step = (inputs: Record<string, string>) =>
    runStep('dist/push-ecr/main.js', {
      inputs,
      env: { ...awsDockerEnv(env), AWS_ENDPOINT_URL: undefined, RUNNER_TEMP: runnerTemp },
      timeoutMs: 180_000,
    });

  it('pushes although the token and repository calls are throttled, fail and drop first', async () => {
    const built = await buildTestImage(env, 'retries');
    images.push(built.tag);
    const repository = uniqueRepo('retries-action');
    repositories.push(repository);
    const from = proxy.log.length;
    proxy.setRules([
      { match: { operation: 'GetAuthorizationToken' }, times: 2, fault: throttling() },
      { match: { operation: 'DescribeRepositories' }, times: 1, fault: 'drop' },
      { match: { operation: 'DescribeRepositories' }, times: 1, fault: serverError(500) },
      { match: { operation: 'CreateRepository' }, times: 1, fault: serverError(503) },
    ]);
    const r = await step({
      image: built.tag,
      repository,
      tags: 'v1',
      'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
      'ecr-endpoint': proxy.url,
      'api-max-attempts': '4',
    });
    expect(errorLines(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registryTags(env, repository)).toEqual(['v1']);
    expect(outcomes('GetAuthorizationToken', from).slice(0, 3)).toEqual([400, 400, 200]);
    expect(outcomes('DescribeRepositories', from).slice(0, 3)).toEqual(['dropped', 500, 400]); // then: not found
    expect(outcomes('CreateRepository', from)).toEqual([503, 200]);
    const post = await runStep('dist/push-ecr/post.js', { state: r.state, env: { RUNNER_TEMP: runnerTemp } });
    expect(post.code).toBe(0);
  });

  it('fails clearly, before pushing, once api-max-attempts are spent', async () => {
    const repository = uniqueRepo('retries-spent');
    const from = proxy.log.length;
    proxy.setRules([{ match: { operation: 'GetAuthorizationToken' }, fault: throttling() }]);
    const r = await step({
      image: 'phlo-push-test:never-built',
      tags: 'v1',
      repository,
      'registry-endpoint': `http://${env.PHLO_REGISTRY}`,
      'ecr-endpoint': proxy.url,
      'api-max-attempts': '2',
    });
    expect(r.code).toBe(1);
    expect(outcomes('GetAuthorizationToken', from)).toEqual([400, 400]);
    const errors = errorLines(r).join('\n');
    expect(errors).toMatch(/ThrottlingException \(HTTP 400\): Rate exceeded/);
    expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(await registryTags(env, repository)).toEqual([]);
  });

  it('a well-formed region that does not exist (eu-nowhere-1) fails at once, naming it, before anything is pushed', async () => {
    const repository = uniqueRepo('nowhere');
    const started = Date.now();
    const r = await runStep('dist/push-ecr/main.js', {
      inputs: { image: 'phlo-push-test:never-built', repository, tags: 'v1', region: 'eu-nowhere-1' },
      // No endpoint override: the SDK resolves AWS's own endpoint for the region, which has no host.
      env: { ...awsDockerEnv(env), AWS_ENDPOINT_URL: undefined, AWS_REGION: undefined, RUNNER_TEMP: runnerTemp },
      timeoutMs: 120_000,
    });
    expect(r.code).toBe(1);
    const errors = errorLines(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('eu-nowhere-1');
    expect(errors[0]).toMatch(/api\.ecr\.eu-nowhere-1\.amazonaws\.com/);
    expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(Date.now() - started).toBeLessThan(60_000); // a few quick retries, not a hang
    expect(await registryTags(env, repository)).toEqual([]);
    expect(r.outputs.digest ?? '').toBe('');
  });
});
