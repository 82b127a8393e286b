import { describe, expect, it } from '@jest/globals';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
} from '@aws-sdk/client-ecr';
import { createEcrClient } from '../../src/lib/ecr/client.js';
import { buildLifecyclePolicy, lifecyclePolicyText } from '../../src/lib/ecr/lifecycle.js';
import { compareEncryption, ensureRepository } from '../../src/lib/ecr/repository.js';
import { manifestHoldsImage, type ManifestContent, type RegistryApi } from '../../src/lib/docker/manifest.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

const awsError = (name: string) => Object.assign(new Error(name), { name, $metadata: {} });

describe('ECR client', () => {
  it('uses the adaptive retry mode with the given attempts and endpoint', async () => {
    const client = createEcrClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', maxAttempts: 4 });
    try {
      expect(client.config.retryMode).toBe('adaptive');
      const strategy = await client.config.retryStrategy();
      expect(strategy.constructor.name).toBe('AdaptiveRetryStrategy');
      expect(await client.config.maxAttempts()).toBe(4);
      expect(await client.config.region()).toBe('eu-west-1');
    } finally {
      client.destroy();
    }
  });
});

describe('encryption comparison (fixed at creation)', () => {
  const repo = (encryptionType: string, kmsKey?: string) => ({
    repositoryName: 'r',
    encryptionConfiguration: { encryptionType: encryptionType as never, kmsKey },
  });
  const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  it('is quiet when they agree', () => {
    expect(compareEncryption(repo('AES256'), { type: 'AES256' })).toBeUndefined();
    expect(compareEncryption({ repositoryName: 'r' }, { type: 'AES256' })).toBeUndefined();
    expect(compareEncryption(repo('KMS', arn), { type: 'KMS' })).toBeUndefined();
    expect(compareEncryption(repo('KMS', arn), { type: 'KMS', kmsKey: arn })).toBeUndefined();
    expect(
      compareEncryption(repo('KMS', arn), { type: 'KMS', kmsKey: '1234abcd-12ab-34cd-56ef-1234567890ab' }),
    ).toBeUndefined();
  });
  it('names the difference and says it cannot be changed in place', () => {
    expect(compareEncryption(repo('KMS', arn), { type: 'AES256' })).toMatch(
      /encrypted with KMS \(arn:.*\), not AES256 as asked: ECR sets encryption only when a repository is created/,
    );
    expect(compareEncryption(repo('AES256'), { type: 'KMS' })).toMatch(/encrypted with AES256, not KMS as asked/);
    expect(
      compareEncryption(repo('KMS', arn), { type: 'KMS', kmsKey: 'ffffffff-12ab-34cd-56ef-1234567890ab' }),
    ).toMatch(/uses KMS key arn:.*, not ffffffff/);
  });
});

describe('ensureRepository', () => {
  it('treats a repository created concurrently (RepositoryAlreadyExistsException) as existing and reconciles it', async () => {
    const policy = buildLifecyclePolicy({ keepTagged: 3, untaggedDays: 1 })!;
    const sent: string[] = [];
    let describes = 0;
    const client = {
      async send(command: unknown): Promise<unknown> {
        sent.push((command as object).constructor.name);
        if (command instanceof DescribeRepositoriesCommand) {
          describes += 1;
          if (describes === 1) throw awsError('RepositoryNotFoundException');
          return {
            repositories: [
              {
                repositoryName: 'app',
                registryId: '123456789012',
                repositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app',
                imageTagMutability: 'IMMUTABLE',
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfiguration: { encryptionType: 'AES256' },
              },
            ],
          };
        }
        if (command instanceof CreateRepositoryCommand) throw awsError('RepositoryAlreadyExistsException');
        if (command instanceof GetLifecyclePolicyCommand) return { lifecyclePolicyText: lifecyclePolicyText(policy) };
        if (command instanceof PutLifecyclePolicyCommand) throw new Error('must not rewrite an equal policy');
        throw new Error(`unexpected ${String(command)}`);
      },
    };
    const result = await ensureRepository(
      client,
      {
        name: 'app',
        tagMutability: 'IMMUTABLE',
        scanOnPush: true,
        encryption: { type: 'AES256' },
        lifecycle: policy,
        create: true,
      },
      new MemoryLogger(),
    );
    expect(result).toMatchObject({ created: false, changes: [], warnings: [], registryId: '123456789012' });
    // Each look reads the repository and its lifecycle policy side by side (the policy request goes
    // out before the description answers); the first policy answer is dropped, the repository being
    // missing then.
    expect(sent).toEqual([
      'GetLifecyclePolicyCommand',
      'DescribeRepositoriesCommand',
      'CreateRepositoryCommand',
      'GetLifecyclePolicyCommand',
      'DescribeRepositoriesCommand',
    ]);
  });
});

describe('does a registry manifest hold the local image?', () => {
  const id = `sha256:${'c'.repeat(64)}`;
  const api = (children: Record<string, { config: string }>): RegistryApi => ({
    baseUrl: 'http://registry.invalid',
    authorization: 'Basic x',
    clock: { now: () => 0, sleep: async () => {} },
    retry: { attempts: 1, baseMs: 1, capMs: 1 },
    fetch: (async (url: string) => {
      const digest = decodeURIComponent(url.split('/manifests/')[1]!);
      const child = children[digest];
      if (!child) return new Response(null, { status: 404 });
      const body = JSON.stringify({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { digest: child.config },
      });
      return new Response(body, {
        status: 200,
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
    }) as typeof fetch,
  });
  const manifest = (over: Partial<ManifestContent>): ManifestContent => ({
    digest: `sha256:${'d'.repeat(64)}`,
    mediaType: 'x',
    children: [],
    ...over,
  });

  it('matches the config digest (classic store) or the manifest digest (containerd store)', async () => {
    expect(await manifestHoldsImage(api({}), 'app', manifest({ configDigest: id }), id)).toBe(true);
    expect(await manifestHoldsImage(api({}), 'app', manifest({ digest: id }), id)).toBe(true);
    expect(await manifestHoldsImage(api({}), 'app', manifest({ configDigest: `sha256:${'e'.repeat(64)}` }), id)).toBe(
      false,
    );
  });
  it("looks into an index's children", async () => {
    const child = 'sha256:'.padEnd(71, '1');
    expect(await manifestHoldsImage(api({ [child]: { config: id } }), 'app', manifest({ children: [child] }), id)).toBe(
      true,
    );
    expect(
      await manifestHoldsImage(
        api({ [child]: { config: 'sha256:other' } }),
        'app',
        manifest({ children: [child] }),
        id,
      ),
    ).toBe(false);
  });
});
