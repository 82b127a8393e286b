/**
 * Test helpers for the local stack (stack/README.md): the env file `stack up` writes, the admin and
 * restricted kubeconfigs, throwaway namespaces, and polling.
 *
 *   const env = loadStackEnv(['KUBECONFIG']);        // throws "run `npm run stack:up`" when down
 *   const kc = kubeConfig();                         // admin (cluster-admin) KubeConfig
 *   const ns = useNamespace('rollout');              // jest: created in beforeAll, deleted in afterAll
 *   await waitFor('deployment available', async () => ..., { timeoutMs: 60_000 });
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/lib/kube/config.js';

/** The repository root (this file is test/helpers/stack.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The stack's runtime directory: $PHLO_STACK_DIR, else <repo>/.stack. */
export function stackDir(): string {
  return process.env.PHLO_STACK_DIR || join(repoRoot, '.stack');
}

/** Parses KEY=VALUE lines (the format of the stack's env file). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/**
 * The variables `stack up` wrote to $PHLO_STACK_DIR/env (or <repo>/.stack/env). With `required`,
 * also checks those keys are present (a part of the stack that is not up leaves its keys out).
 */
export function loadStackEnv(required: readonly string[] = []): Record<string, string> {
  const file = join(stackDir(), 'env');
  if (!existsSync(file)) {
    throw new Error(`The local stack is not up (${file} does not exist): run \`npm run stack:up\` first.`);
  }
  const env = parseEnvFile(readFileSync(file, 'utf8'));
  const missing = required.filter((key) => !env[key]);
  if (missing.length > 0) {
    throw new Error(
      `The local stack's env file ${file} lacks ${missing.join(', ')}: run \`npm run stack:up\` ` +
        '(`npm run stack:status` shows which part is down).',
    );
  }
  return env;
}

/** The admin (system:masters) KubeConfig of the local stack. */
export function kubeConfig(): KubeConfig {
  const env = loadStackEnv(['KUBECONFIG']);
  return loadKubeConfig({ kind: 'file', path: env.KUBECONFIG! });
}

/**
 * The KubeConfig of the restricted service account phlo-system/phlo-restricted: may manage
 * workloads, services, config maps, secrets... in any namespace and create namespaces, but may not
 * delete namespaces nor touch cluster-scoped RBAC (stack/kube/rbac/).
 */
export function restrictedKubeConfig(): KubeConfig {
  const env = loadStackEnv(['PHLO_KUBECONFIG_RESTRICTED']);
  return loadKubeConfig({ kind: 'file', path: env.PHLO_KUBECONFIG_RESTRICTED! });
}

/** A DNS-1123 name `<prefix>-<random>` (prefix cut to fit), for namespaces and other objects. */
export function uniqueName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  return `${clean}-${randomBytes(4).toString('hex')}`;
}

/** Label put on every namespace these helpers create (so leftovers can be found and removed). */
export const TEST_NAMESPACE_LABEL = 'phlo.dev/test-namespace';

/** Creates a namespace `<prefix>-<random>`; returns its name and a function deleting it. */
export async function createNamespace(
  prefix: string,
  kc: KubeConfig = kubeConfig(),
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  return {
    name,
    remove: async () => {
      try {
        await core.deleteNamespace({ name });
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
    },
  };
}

/**
 * For a jest `describe`: a namespace created in beforeAll and deleted in afterAll. Read `.name` inside
 * tests (it is set once beforeAll has run). Deletion does not wait for the namespace to be gone.
 */
export function useNamespace(prefix: string): { readonly name: string } {
  let created: { name: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    created = await createNamespace(prefix);
  });
  afterAll(async () => {
    await created?.remove();
  });
  return {
    get name(): string {
      if (!created) throw new Error(`useNamespace('${prefix}'): the namespace is only there once beforeAll has run`);
      return created.name;
    },
  };
}

/**
 * Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`
 * with `what` and the last value `describe` gives (for a readable failure).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) {
      const detail = options.describe ? `; last seen: ${await options.describe()}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface PrivateStack {
  /** Its runtime directory (PHLO_STACK_DIR), a fresh temporary directory. */
  dir: string;
  /** The env file it wrote (KUBECONFIG etc. point into `dir`). */
  env: Record<string, string>;
  /** Its admin KubeConfig. */
  kubeConfig: KubeConfig;
  /** Runs `bash stack/stack.sh <args…>` against this stack (e.g. `['status']`). */
  run: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  /** Restarts its API server (stack/components/kube.sh restart-apiserver). */
  restartApiserver: () => Promise<void>;
  /** `stack down` for its components, then removes its directory. */
  stop: () => Promise<void>;
}

/**
 * A throwaway control plane of your own (etcd + kube + kwok by default) in a temporary directory on
 * ports shifted by `portOffset` (pick one no other test file uses: 1000 is the lifecycle test's), for
 * tests that break things (restart or stop the API server) and must not disturb the shared stack.
 * Needs the build cache the shared stack made; takes about 15 s. `extraEnv` reaches its scripts (the
 * real node borrows the shared stack's registry through PHLO_REGISTRY, PHLO_REGISTRY_USER and
 * PHLO_REGISTRY_PASSWORD).
 */
export async function startPrivateStack(
  portOffset: number,
  components: readonly string[] = ['etcd', 'kube', 'kwok'],
  extraEnv: Record<string, string> = {},
): Promise<PrivateStack> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execFile } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'phlo-st-'));
  const env = { ...process.env, ...extraEnv, PHLO_STACK_DIR: dir, PHLO_PORT_OFFSET: String(portOffset) };
  const exec = (file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolvePromise) => {
      execFile(file, args, { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : -1
          : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  const run = (args: string[]) => exec('bash', [join(repoRoot, 'stack', 'stack.sh'), ...args]);
  const stop = async (): Promise<void> => {
    await run(['down', ...components]);
    rmSync(dir, { recursive: true, force: true });
  };
  const up = await run(['up', ...components]);
  if (up.code !== 0) {
    await stop();
    throw new Error(`starting a private stack failed (exit ${up.code}):\n${up.stderr.slice(-3000)}`);
  }
  const stackEnv = parseEnvFile(readFileSync(join(dir, 'env'), 'utf8'));
  return {
    dir,
    env: stackEnv,
    kubeConfig: loadKubeConfig({ kind: 'file', path: stackEnv.KUBECONFIG ?? join(dir, 'kubeconfig') }),
    run,
    restartApiserver: async () => {
      const r = await exec('bash', [join(repoRoot, 'stack', 'components', 'kube.sh'), 'restart-apiserver']);
      if (r.code !== 0) throw new Error(`restart-apiserver failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
    },
    stop,
  };
}

/** Sleeps for `ms` milliseconds (for a bounded "still not done after N s" check). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
