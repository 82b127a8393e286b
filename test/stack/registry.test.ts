/**
 * The stack's Docker engine and registry: an image built from the locally made base image is pushed
 * with credentials from moto's ECR GetAuthorizationToken, and the digest the registry reports for the
 * tag equals the one `docker push` printed. Also: a FROM-scratch image with a static Go binary builds
 * and runs on the stack's engine.
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { loadStackEnv } from '../helpers/stack.js';
function stackEnv(): Record<string, string> {
  return loadStackEnv(['DOCKER_HOST', 'PHLO_BASE_IMAGE', 'PHLO_REGISTRY', 'AWS_ENDPOINT_URL', 'AWS_REGION']);
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const input = opts.input;
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // a program that exits without reading its input is not our error
      child.stdin.end(input);
    }
  });
}
function must(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

const MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

describe('stack docker engine + registry', () => {
  let env: Record<string, string>;
  let work: string;
  let dockerEnv: NodeJS.ProcessEnv;
  let user: string;
  let password: string;

  beforeAll(async () => {
    env = stackEnv();
    work = mkdtempSync(join(tmpdir(), 'phlo-registry-test-'));
    dockerEnv = {
      ...process.env,
      DOCKER_HOST: env.DOCKER_HOST,
      DOCKER_CONFIG: join(work, 'docker-config'),
      DOCKER_BUILDKIT: '0',
    };
    // Credentials come from the ECR API (moto), exactly as a deploy gets them from ECR.
    const ecr = new ECRClient({
      region: env.AWS_REGION!,
      endpoint: env.AWS_ENDPOINT_URL!,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
      },
    });
    const token = await ecr.send(new GetAuthorizationTokenCommand({}));
    ecr.destroy();
    const decoded = Buffer.from(token.authorizationData![0]!.authorizationToken!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    user = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
    const login = must(
      await run('docker', ['login', '--username', user, '--password-stdin', env.PHLO_REGISTRY!], {
        env: dockerEnv,
        input: password,
      }),
      'docker login',
    );
    expect(login.stdout + login.stderr).not.toContain(password);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('an image built from the base image is pushed; the registry reports the digest docker push printed', async () => {
    const marker = randomBytes(8).toString('hex');
    const ctx = join(work, 'ctx');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'payload.txt'), `phlo ${marker}\n`);
    // RUN proves the engine runs containers (busybox from the base image), COPY adds a unique layer.
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${env.PHLO_BASE_IMAGE}\nCOPY payload.txt /payload.txt\nRUN sha256sum /payload.txt > /payload.sha256\nUSER app\nCMD ["cat", "/payload.txt"]\n`,
    );
    const repo = `phlo/stack-test-${marker}`;
    const ref = `${env.PHLO_REGISTRY}/${repo}:v1`;
    must(await run('docker', ['build', '--quiet', '--tag', ref, ctx], { env: dockerEnv }), 'docker build');

    const out = must(await run('docker', ['run', '--rm', ref], { env: dockerEnv }), 'docker run');
    expect(out.stdout).toBe(`phlo ${marker}\n`);

    const push = must(await run('docker', ['push', ref], { env: dockerEnv }), 'docker push');
    const pushed = /v1: digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(push.stdout);
    expect(pushed).not.toBeNull();
    const pushedDigest = pushed![1]!;

    const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const base = `http://${env.PHLO_REGISTRY}/v2/${repo}/manifests`;
    const head = await fetch(`${base}/v1`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT, Authorization: auth },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(pushedDigest);

    // The digest is the sha256 of the manifest bytes the registry serves.
    const get = await fetch(`${base}/${pushedDigest}`, { headers: { Accept: MANIFEST_ACCEPT, Authorization: auth } });
    expect(get.status).toBe(200);
    const body = Buffer.from(await get.arrayBuffer());
    expect(`sha256:${createHash('sha256').update(body).digest('hex')}`).toBe(pushedDigest);
    expect(body.length).toBe(Number(pushed![2]));

    // Without credentials the registry says 401.
    const anon = await fetch(`${base}/v1`, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
    expect(anon.status).toBe(401);

    // Deletion is enabled (a rollback/cleanup path may need it).
    const del = await fetch(`${base}/${pushedDigest}`, { method: 'DELETE', headers: { Authorization: auth } });
    expect(del.status).toBe(202);
    const gone = await fetch(`${base}/v1`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_ACCEPT, Authorization: auth },
    });
    expect(gone.status).toBe(404);
    must(await run('docker', ['image', 'rm', ref], { env: dockerEnv }), 'docker image rm');
  });

  test('a FROM scratch image with a static Go binary builds and runs', async () => {
    const ctx = join(work, 'go');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'go.mod'), 'module example.com/hello\n\ngo 1.21\n');
    writeFileSync(
      join(ctx, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() { fmt.Printf("hello from scratch, args=%v\\n", os.Args[1:]) }\n',
    );
    must(
      await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'hello', '.'], {
        cwd: ctx,
        env: { ...process.env, CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
      }),
      'go build',
    );
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n');
    const tag = `phlo/scratch-test-${randomBytes(6).toString('hex')}:latest`;
    must(await run('docker', ['build', '--quiet', '--tag', tag, ctx], { env: dockerEnv }), 'docker build');
    const out = must(await run('docker', ['run', '--rm', tag, 'a', 'b'], { env: dockerEnv }), 'docker run');
    expect(out.stdout).toBe('hello from scratch, args=[a b]\n');
    const layers = must(
      await run('docker', ['image', 'inspect', '--format', '{{len .RootFS.Layers}}', tag], { env: dockerEnv }),
      'inspect',
    );
    expect(layers.stdout.trim()).toBe('1');
    must(await run('docker', ['image', 'rm', tag], { env: dockerEnv }), 'docker image rm');
  });
});
