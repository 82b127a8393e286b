/**
 * Helpers for tests on the stack's real node (stack/components/node.sh; stack/README.md "The real
 * node"): where pods run as real processes.
 *
 *   const realNode = realNodeSuite(env);              // skip reason printed when the machine cannot run it
 *   realNode.describe('…', () => { … });              // describe, or describe.skip with that reason
 *   const image = await buildServingImage(env, work); // busybox httpd from the base image, pushed
 *   spec: onRealNode({ containers: [...] })           // selector + toleration of the node's taint
 */
import { describe } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Ran } from './processes.js';

export const REAL_NODE_SELECTOR = { 'phlo.dev/node': 'real' } as const;
export const REAL_NODE_TOLERATION = { key: 'phlo.dev/node', operator: 'Equal', value: 'real', effect: 'NoSchedule' };

/**
 * `describe` for tests that need the real node, or `describe.skip` (counted as skipped) where `stack up`
 * found the machine unable to run it; the reason is printed once.
 */
export function realNodeSuite(env: Record<string, string>): {
  describe: typeof describe | typeof describe.skip;
  unavailable?: string;
} {
  const unavailable = env.PHLO_REAL_NODE_UNAVAILABLE;
  if (unavailable) {
    console.warn(`real-node tests skipped: this machine cannot run the real node (${unavailable})`);
    return { describe: describe.skip, unavailable };
  }
  return { describe };
}

/** A pod spec placed on the real node (and nowhere else), with DNS left to the host's default. */
export function onRealNode(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    nodeSelector: { ...REAL_NODE_SELECTOR },
    tolerations: [REAL_NODE_TOLERATION],
    dnsPolicy: 'Default',
    terminationGracePeriodSeconds: 1,
    ...spec,
  };
}

function must(r: Ran, what: string): Ran {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

function runWithInput(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Builds, in the stack's Docker engine, an image FROM the base image that serves `/index.html`
 * (holding `real node <marker>`) with busybox httpd on 8080 as user `app`, logging every request;
 * pushes it to the stack's registry. Needs DOCKER_HOST, PHLO_BASE_IMAGE and PHLO_REGISTRY* in `env`.
 */
export async function buildServingImage(
  env: Record<string, string>,
  work: string,
): Promise<{ image: string; body: string; marker: string }> {
  const marker = randomBytes(6).toString('hex');
  const ctx = join(work, `ctx-${marker}`);
  mkdirSync(ctx, { recursive: true });
  const body = `real node ${marker}\n`;
  writeFileSync(join(ctx, 'index.html'), body);
  writeFileSync(
    join(ctx, 'Dockerfile'),
    `FROM ${env.PHLO_BASE_IMAGE}\nCOPY index.html /www/index.html\nUSER app\nEXPOSE 8080\n` +
      'CMD ["/bin/busybox", "httpd", "-f", "-v", "-p", "8080", "-h", "/www"]\n',
  );
  const image = `${env.PHLO_REGISTRY}/phlo/real-node-test:${marker}`;
  const dockerEnv = {
    ...process.env,
    DOCKER_HOST: env.DOCKER_HOST,
    DOCKER_CONFIG: join(work, `docker-${marker}`),
    DOCKER_BUILDKIT: '0',
  };
  must(await run('docker', ['build', '--quiet', '--tag', image, ctx], dockerEnv), 'docker build');
  must(
    await runWithInput(
      'docker',
      ['login', '--username', env.PHLO_REGISTRY_USER!, '--password-stdin', env.PHLO_REGISTRY!],
      env.PHLO_REGISTRY_PASSWORD!,
      dockerEnv,
    ),
    'docker login',
  );
  must(await run('docker', ['push', image], dockerEnv), 'docker push');
  return { image, body, marker };
}
