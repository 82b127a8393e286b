/**
 * The push-ecr lib against the local stack: moto's ECR API, the stack's registry (user AWS, password
 * = moto's token password) and the stack's docker daemon.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  PutImageCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  StartImageScanCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { createEcrClient, getRegistryCredentials } from '../../src/lib/ecr/client.js';
import { gateEcrScan } from '../../src/lib/ecr/gate.js';
import { buildLifecyclePolicy } from '../../src/lib/ecr/lifecycle.js';
import { parseRegistryEndpoint } from '../../src/lib/ecr/names.js';
import { cleanupDockerConfig, pushToEcr, type PushSettings } from '../../src/lib/ecr/push.js';
import { ensureRepository, errorName, type RepositorySettings } from '../../src/lib/ecr/repository.js';
import { waitForScanFindings } from '../../src/lib/ecr/scan.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { ConfigurationError, GateFailure } from '../../src/lib/runtime/errors.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { defaultPolicy } from '../../src/lib/scan/policy.js';
import {
  awsDockerEnv,
  buildTestImage,
  pushStackEnv,
  registryCatalog,
  registryTags,
  removeTestImage,
  servedManifest,
  stackExec,
  uniqueRepo,
  type StackEnv,
} from './push-ecr.fixtures.js';

let env: StackEnv;
let ecr: ECRClient;
const images: string[] = [];

beforeAll(() => {
  env = pushStackEnv();
  ecr = createEcrClient({ region: env.AWS_REGION, endpoint: env.AWS_ENDPOINT_URL, maxAttempts: 3 });
});
beforeEach(() => {
  Object.assign(process.env, awsDockerEnv(env));
});
afterAll(async () => {
  ecr?.destroy();
  for (const tag of images) await removeTestImage(env, tag);
});

async function image(label: string): Promise<{ id: string; tag: string }> {
  const built = await buildTestImage(env, label);
  images.push(built.tag);
  return built;
}

function repoSettings(name: string, overrides: Partial<RepositorySettings> = {}): RepositorySettings {
  return {
    name,
    tagMutability: 'IMMUTABLE',
    scanOnPush: true,
    encryption: { type: 'AES256' },
    lifecycle: buildLifecyclePolicy({ keepTagged: 20, untaggedDays: 3 })!,
    create: true,
    ...overrides,
  };
}

function pushSettings(
  imageRef: string,
  repository: string,
  tags: string[],
  overrides: Partial<PushSettings> = {},
): PushSettings {
  return {
    image: imageRef,
    tags,
    repository: repoSettings(repository),
    registryEndpoint: parseRegistryEndpoint('registry-endpoint', `http://${env.PHLO_REGISTRY}`),
    retry: { attempts: 3, baseMs: 200, capMs: 1000 },
    ...overrides,
  };
}

function ports(logger = new MemoryLogger(), masked: string[] = []) {
  return {
    ecr,
    exec: stackExec(env),
    clock: systemClock,
    logger,
    mask: (s: string) => void masked.push(s),
  };
}

async function describeRepo(name: string) {
  try {
    return (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0];
  } catch (error) {
    if (errorName(error) === 'RepositoryNotFoundException') return undefined;
    throw error;
  }
}

describe('ECR repository (moto)', () => {
  it('creates the repository with safe settings, then finds nothing to change', async () => {
    const name = uniqueRepo('ensure');
    const logger = new MemoryLogger();
    const first = await ensureRepository(ecr, repoSettings(name), logger);
    expect(first).toMatchObject({ name, created: true, changes: [], warnings: [], registryId: '123456789012' });
    expect(first.repositoryUri).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}`);

    const repo = await describeRepo(name);
    expect(repo).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(JSON.parse(policy.lifecyclePolicyText!)).toEqual(buildLifecyclePolicy({ keepTagged: 20, untaggedDays: 3 }));

    const second = await ensureRepository(ecr, repoSettings(name), logger);
    expect(second).toMatchObject({ created: false, changes: [], warnings: [] });
    expect(logger.text()).toMatch(/exists with the wanted settings/);
  });

  it('reconciles tag mutability, scan on push and the lifecycle policy of an existing repository', async () => {
    const name = uniqueRepo('drift');
    await ensureRepository(ecr, repoSettings(name), new MemoryLogger());
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: name, imageTagMutability: 'MUTABLE' }));
    await ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: false },
      }),
    );
    const result = await ensureRepository(
      ecr,
      repoSettings(name, { lifecycle: buildLifecyclePolicy({ keepTagged: 5, untaggedDays: 1 })! }),
      new MemoryLogger(),
    );
    expect(result.changes).toEqual([
      'image tag mutability MUTABLE → IMMUTABLE',
      'scan on push off → on',
      'lifecycle policy replaced',
    ]);
    const repo = await describeRepo(name);
    expect(repo).toMatchObject({ imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true } });
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(JSON.parse(policy.lifecyclePolicyText!).rules[1].selection.countNumber).toBe(5);
  });

  it('warns, without changing anything, when the encryption differs (fixed at creation)', async () => {
    const name = uniqueRepo('kms');
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE',
        encryptionConfiguration: { encryptionType: 'KMS' },
      }),
    );
    const logger = new MemoryLogger();
    const result = await ensureRepository(ecr, repoSettings(name), logger);
    expect(result.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `${name} is encrypted with KMS.*not AES256 as asked: ECR sets encryption only when a repository is created`,
        ),
      ),
    ]);
    expect(logger.text()).toMatch(/warning: ECR repository .* is encrypted with KMS/);
  });

  it('refuses a missing repository when creation is off', async () => {
    const name = uniqueRepo('nocreate');
    await expect(ensureRepository(ecr, repoSettings(name, { create: false }), new MemoryLogger())).rejects.toThrow(
      /does not exist and input 'create-repository' is 'false'/,
    );
    expect(await describeRepo(name)).toBeUndefined();
  });
});

describe('GetAuthorizationToken (moto)', () => {
  it('returns the registry password and masks token, password and pair before returning', async () => {
    const masked: string[] = [];
    const credentials = await getRegistryCredentials(ecr, (s) => void masked.push(s));
    expect(credentials.username).toBe('AWS');
    expect(credentials.password).toBe(env.PHLO_REGISTRY_PASSWORD);
    expect(credentials.accountId).toBe('123456789012');
    expect(masked).toEqual([credentials.token, credentials.password, `AWS:${credentials.password}`]);
    expect(credentials.expiresAt).toBeInstanceOf(Date);
  });
});

describe('pushToEcr (moto + registry + dockerd)', () => {
  it('pushes every tag, reports the digest the registry serves, and is idempotent', async () => {
    const repository = uniqueRepo('push');
    const built = await image('push');
    const logger = new MemoryLogger();
    const masked: string[] = [];
    let recorded: string | undefined;
    const result = await pushToEcr(pushSettings(built.tag, repository, ['v1', 'latest']), {
      ...ports(logger, masked),
      onDockerConfig: (dir) => void (recorded = dir),
    });
    expect(result.registry).toBe(env.PHLO_REGISTRY);
    expect(result.repositoryUri).toBe(`${env.PHLO_REGISTRY}/${repository}`);
    expect(result.ecrRepositoryUri).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${repository}`);
    expect(result.tags.map((t) => [t.tag, t.action])).toEqual([
      ['v1', 'pushed'],
      ['latest', 'pushed'],
    ]);
    const served = await servedManifest(env, repository, 'v1');
    expect(result.image.digest).toBe(served!.digest);
    expect((await servedManifest(env, repository, 'latest'))!.digest).toBe(result.image.digest);
    expect(result.image.reference).toBe(`${env.PHLO_REGISTRY}/${repository}@${served!.digest}`);
    expect(JSON.parse(served!.body).config.digest).toBe(built.id);
    expect(await registryTags(env, repository)).toEqual(['latest', 'v1']);

    // the private docker config holds the login; nothing else does, and cleanup removes it
    expect(recorded).toBe(result.dockerConfigDir);
    const config = JSON.parse(readFileSync(join(result.dockerConfigDir, 'config.json'), 'utf8')) as {
      auths: Record<string, unknown>;
    };
    expect(Object.keys(config.auths)).toEqual([env.PHLO_REGISTRY]);
    // readable by this user only, in a directory only this user can enter
    expect(statSync(join(result.dockerConfigDir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(statSync(result.dockerConfigDir).mode & 0o777).toBe(0o700);
    expect(masked).toContain(env.PHLO_REGISTRY_PASSWORD);
    expect(logger.text()).not.toContain(env.PHLO_REGISTRY_PASSWORD);
    await cleanupDockerConfig(result.dockerConfigDir, result.registry, logger);
    expect(logger.text()).toContain(`Logged out of ${env.PHLO_REGISTRY}`);
    expect(existsSync(result.dockerConfigDir)).toBe(false);

    // second run: same digest, nothing pushed again, repository untouched
    const again = await pushToEcr(pushSettings(built.tag, repository, ['v1', 'latest']), ports());
    expect(again.image.digest).toBe(result.image.digest);
    expect(again.tags.map((t) => t.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.repository).toMatchObject({ created: false, changes: [] });
    await cleanupDockerConfig(again.dockerConfigDir, again.registry, new MemoryLogger());
  });

  it('refuses to move an immutable tag to new content, before pushing anything', async () => {
    const repository = uniqueRepo('immutable');
    const first = await image('first');
    const second = await image('second');
    const pushed = await pushToEcr(pushSettings(first.tag, repository, ['v1']), ports());
    await cleanupDockerConfig(pushed.dockerConfigDir, pushed.registry, new MemoryLogger());

    const attempt = pushToEcr(pushSettings(second.tag, repository, ['v2', 'v1']), ports());
    await expect(attempt).rejects.toThrow(GateFailure);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `tag invalid: the image tag 'v1' \\(holds ${pushed.image.digest}\\) already exists in the '${repository}' repository .* cannot be overwritten because the repository is immutable`,
      ),
    );
    // v2 (listed first) was not pushed either: every tag is checked before the first push
    expect(await registryTags(env, repository)).toEqual(['v1']);
    expect((await servedManifest(env, repository, 'v1'))!.digest).toBe(pushed.image.digest);

    // a MUTABLE repository lets the tag move
    const mutable = pushSettings(second.tag, repository, ['v1'], {
      repository: repoSettings(repository, { tagMutability: 'MUTABLE' }),
    });
    const moved = await pushToEcr(mutable, ports());
    expect(moved.image.digest).not.toBe(pushed.image.digest);
    expect((await servedManifest(env, repository, 'v1'))!.digest).toBe(moved.image.digest);
    await cleanupDockerConfig(moved.dockerConfigDir, moved.registry, new MemoryLogger());
  });

  it('stops at a missing image before creating or pushing anything', async () => {
    const repository = uniqueRepo('missing');
    const attempt = pushToEcr(pushSettings('phlo-push-test:does-not-exist', repository, ['v1']), ports());
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toThrow(
      /Input 'image' is 'phlo-push-test:does-not-exist': expected a local image known to the docker daemon/,
    );
    expect(await describeRepo(repository)).toBeUndefined();
    expect(await registryCatalog(env)).not.toContain(repository);
  });

  it('retries docker push over dropped connections', async () => {
    const proxy = await flakyProxy(env.PHLO_REGISTRY);
    try {
      const repository = uniqueRepo('flaky');
      const built = await image('flaky');
      const logger = new MemoryLogger();
      const endpoint = parseRegistryEndpoint('registry-endpoint', `http://127.0.0.1:${proxy.port}`);
      // login and the pre-push manifest check pass; then the next connections are reset
      const settings = pushSettings(built.tag, repository, ['v1'], {
        registryEndpoint: endpoint,
        retry: { attempts: 4, baseMs: 100, capMs: 400 },
      });
      let armed = true;
      const result = await pushToEcr(settings, {
        ...ports(logger),
        exec: async (command, args, options) => {
          if (armed && args.includes('push')) {
            armed = false;
            proxy.dropNext(2);
          }
          return stackExec(env)(command, args, options);
        },
      });
      expect(proxy.dropped).toBeGreaterThan(0);
      expect(logger.text()).toMatch(/warning: docker push .* attempt 1 of 4 failed .*; retrying in \d+ms/);
      expect(result.image.digest).toBe((await servedManifest(env, repository, 'v1'))!.digest);
      await cleanupDockerConfig(result.dockerConfigDir, result.registry, new MemoryLogger());
    } finally {
      await proxy.close();
    }
  });
});

describe('ECR scan findings (moto)', () => {
  /** Pushes an image and tells moto about its manifest, as ECR's registry does for its API. */
  async function pushedAndKnownToEcr(label: string) {
    const repository = uniqueRepo(label);
    const built = await image(label);
    const result = await pushToEcr(pushSettings(built.tag, repository, ['v1']), ports());
    await cleanupDockerConfig(result.dockerConfigDir, result.registry, new MemoryLogger());
    const manifest = (await servedManifest(env, repository, 'v1'))!;
    await ecr.send(
      new PutImageCommand({
        repositoryName: repository,
        imageManifest: manifest.body,
        imageManifestMediaType: manifest.mediaType,
        imageTag: 'v1',
        imageDigest: manifest.digest,
      }),
    );
    return { repository, digest: result.image.digest };
  }

  const waitOptions = (logger = new MemoryLogger()) => ({
    clock: systemClock,
    logger,
    timeoutMs: 20_000,
    intervalMs: 200,
    startScanIfMissing: true,
  });

  it('starts a scan when none exists, reads the findings and gates them with the shared policy', async () => {
    const { repository, digest } = await pushedAndKnownToEcr('scan');
    const outcome = await waitForScanFindings(ecr, { repositoryName: repository, imageDigest: digest }, waitOptions());
    // moto's built-in result: one HIGH finding on package moto_fake 9.9.9
    expect(outcome).toMatchObject({ status: 'COMPLETE', ready: true, pages: 1 });
    expect(outcome.findings).toEqual([
      expect.objectContaining({
        id: 'CVE-9999-9999',
        severity: 'HIGH',
        package: 'moto_fake',
        installedVersion: '9.9.9',
        source: 'ecr',
      }),
    ]);
    expect(outcome.counts.HIGH).toBe(1);
    const now = new Date();
    const gate = gateEcrScan(outcome, defaultPolicy(), now, 'fail');
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(/CVE-9999-9999 moto_fake 9\.9\.9/);
    const accepted = defaultPolicy({
      ignores: [{ id: 'CVE-9999-9999', reason: 'moto fixture', expires: '2999-12-31' }],
    });
    expect(gateEcrScan(outcome, accepted, now, 'fail').passed).toBe(true);

    // ECR's once-a-day limit is the error name the wait code handles
    const again = ecr.send(new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest: digest } }));
    await expect(again).rejects.toMatchObject({ name: 'LimitExceededException' });
  });

  it.each([
    ['FAILED', 'The scan failed.'],
    ['UNSUPPORTED_IMAGE', 'UnsupportedImageError: the operating system is not supported'],
    ['SCAN_ELIGIBILITY_EXPIRED', 'Continuous scan eligibility expired'],
    ['FINDINGS_UNAVAILABLE', 'Findings are unavailable'],
  ])('reports %s from ECR as findings unavailable', async (status, description) => {
    const { repository, digest } = await pushedAndKnownToEcr(`status-${status.toLowerCase().replace(/_/g, '-')}`);
    await ecr.send(new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest: digest } }));
    // moto's documented hook for custom DescribeImageScanFindings results
    const response = await fetch(`${env.AWS_ENDPOINT_URL}/moto-api/static/ecr/scan-finding-results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        region: env.AWS_REGION,
        results: [
          {
            registryId: '123456789012',
            repositoryName: repository,
            imageId: { imageDigest: digest },
            imageScanStatus: { status, description },
          },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const outcome = await waitForScanFindings(ecr, { repositoryName: repository, imageDigest: digest }, waitOptions());
    expect(outcome).toMatchObject({ status, ready: false, description, findings: [] });
    expect(gateEcrScan(outcome, defaultPolicy(), new Date(), 'fail')).toMatchObject({ passed: false });
    expect(gateEcrScan(outcome, defaultPolicy(), new Date(), 'warn')).toMatchObject({
      passed: true,
      warning: expect.stringContaining(status),
    });
  });
});

/**
 * A TCP proxy on 127.0.0.1 in front of the registry that resets the next N connections on request —
 * a dropped connection, as a flaky network or a registry restart gives.
 */
async function flakyProxy(target: string): Promise<{
  port: number;
  dropped: number;
  dropNext(n: number): void;
  close(): Promise<void>;
}> {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let toDrop = 0;
  const state = {
    port: 0,
    dropped: 0,
    dropNext(n: number) {
      toDrop += n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (toDrop > 0) {
      toDrop -= 1;
      state.dropped += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as { port: number }).port;
  return state;
}
