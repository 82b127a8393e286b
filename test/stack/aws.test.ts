/**
 * The AWS half of the stack: moto's ECR API, and how its GetAuthorizationToken maps onto the local
 * registry (user AWS, password "<account>-auth-token" for account 123456789012).
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryAlreadyExistsException,
} from '@aws-sdk/client-ecr';
import { loadStackEnv } from '../helpers/stack.js';
function stackEnv(): Record<string, string> {
  return loadStackEnv([
    'DOCKER_HOST',
    'PHLO_REGISTRY',
    'PHLO_REGISTRY_USER',
    'PHLO_REGISTRY_PASSWORD',
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ]);
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const input = opts.input;
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

function decodeToken(token: string): { user: string; password: string } {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

describe('stack AWS (moto) + ECR token → local registry', () => {
  let env: Record<string, string>;
  let ecr: ECRClient;
  let work: string;
  const created: string[] = [];

  beforeAll(() => {
    env = stackEnv();
    ecr = new ECRClient({
      region: env.AWS_REGION!,
      endpoint: env.AWS_ENDPOINT_URL!,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    work = mkdtempSync(join(tmpdir(), 'phlo-aws-test-'));
  });

  afterAll(async () => {
    for (const repositoryName of created)
      await ecr.send(new DeleteRepositoryCommand({ repositoryName, force: true })).catch(() => undefined);
    ecr?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('an ECR repository is created, described and refuses a duplicate', async () => {
    const repositoryName = `phlo/app-${randomBytes(5).toString('hex')}`;
    const out = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        tags: [{ Key: 'owner', Value: 'phlo-deploy-tests' }],
      }),
    );
    created.push(repositoryName);
    const repo = out.repository!;
    expect(repo.repositoryName).toBe(repositoryName);
    expect(repo.registryId).toBe('123456789012');
    // moto hands out real-looking ECR URIs; the actions map this host to PHLO_REGISTRY by an explicit setting.
    expect(repo.repositoryUri).toBe(`123456789012.dkr.ecr.${env.AWS_REGION}.amazonaws.com/${repositoryName}`);

    const described = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
    expect(described.repositories?.map((r) => r.repositoryName)).toEqual([repositoryName]);
    expect(described.repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');

    await expect(ecr.send(new CreateRepositoryCommand({ repositoryName }))).rejects.toBeInstanceOf(
      RepositoryAlreadyExistsException,
    );
  });

  test("the GetAuthorizationToken token logs in to the local registry; another account's token does not", async () => {
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = token.authorizationData?.[0];
    expect(data?.authorizationToken).toBeTruthy();
    const { user, password } = decodeToken(data!.authorizationToken!);
    // moto's token for account 123456789012 is the local registry's only credential (stack/README.md).
    expect(user).toBe('AWS');
    expect(user).toBe(env.PHLO_REGISTRY_USER);
    expect(password).toBe('123456789012-auth-token');
    expect(password).toBe(env.PHLO_REGISTRY_PASSWORD);

    const dockerEnv = { ...process.env, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: join(work, 'docker-config') };
    const ok = await run('docker', ['login', '--username', user, '--password-stdin', env.PHLO_REGISTRY!], {
      env: dockerEnv,
      input: password,
    });
    expect(ok.stderr + ok.stdout).toContain('Login Succeeded');
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(password);
    // The stored credential is for the local registry host and is the ECR token itself (base64 "AWS:<password>").
    const cfg = JSON.parse(readFileSync(join(work, 'docker-config', 'config.json'), 'utf8')) as {
      auths: Record<string, { auth?: string }>;
    };
    expect(cfg.auths[env.PHLO_REGISTRY!]?.auth).toBe(data!.authorizationToken);
    expect((await run('docker', ['logout', env.PHLO_REGISTRY!], { env: dockerEnv })).code).toBe(0);

    // A token for a different account carries a different password: the registry must refuse it.
    const other = await ecr.send(new GetAuthorizationTokenCommand({ registryIds: ['111111111111'] }));
    const wrong = decodeToken(other.authorizationData![0]!.authorizationToken!);
    expect(wrong.password).not.toBe(password);
    const refused = await run('docker', ['login', '--username', wrong.user, '--password-stdin', env.PHLO_REGISTRY!], {
      env: dockerEnv,
      input: wrong.password,
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/unauthorized|401/i);
  });
});
