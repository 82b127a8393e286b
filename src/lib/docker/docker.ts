/**
 * The docker CLI steps of a push: a private DOCKER_CONFIG directory holding the registry
 * credentials, tag, push (retried on transient failures), logout. Every command is an argument
 * array; the password is never on a command line.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Exec, ExecResult } from '../runtime/exec.js';
import { retry, type RetryPolicy } from '../runtime/retry.js';

export const CONFIG_DIR_PREFIX = 'phlo-docker-config-';

/** Creates a private (0700) docker config directory under RUNNER_TEMP or the OS temp dir. */
export async function createDockerConfigDir(base: string = process.env.RUNNER_TEMP || tmpdir()): Promise<string> {
  const dir = await mkdtemp(join(base, CONFIG_DIR_PREFIX));
  await chmod(dir, 0o700);
  return dir;
}

/** Deletes a directory made by createDockerConfigDir; refuses any other path. */
export async function removeDockerConfigDir(dir: string): Promise<void> {
  if (!basename(dir).startsWith(CONFIG_DIR_PREFIX)) {
    throw new Error(`refusing to delete '${dir}': not a docker config directory made by push-ecr`);
  }
  await rm(dir, { recursive: true, force: true });
}

export interface DockerSession {
  exec: Exec;
  /** The private DOCKER_CONFIG directory every command uses (`docker --config DIR`). */
  configDir: string;
}

function docker(
  session: DockerSession,
  args: readonly string[],
  options: Parameters<Exec>[2] = {},
): Promise<ExecResult> {
  return session.exec('docker', ['--config', session.configDir, ...args], options);
}

export class DockerCommandError extends Error {
  constructor(
    readonly step: string,
    readonly result: ExecResult,
  ) {
    super(`docker ${step} failed (exit ${result.exitCode}): ${lastLines(result.stderr || result.stdout)}`);
    this.name = 'DockerCommandError';
  }
}

/**
 * Logs in by writing the credentials into the private config's `config.json` (mode 0600), which is
 * what `docker login` does when no credential store is configured — and a private config has none.
 * Unlike `docker login` it does not ask the registry first; the first registry read made with the
 * same credentials (the tag check before any push) is where a refused token shows.
 */
export async function writeDockerAuth(
  session: DockerSession,
  registry: { host: string; username: string; password: string },
): Promise<void> {
  const auth = Buffer.from(`${registry.username}:${registry.password}`, 'utf8').toString('base64');
  await writeFile(
    join(session.configDir, 'config.json'),
    `${JSON.stringify({ auths: { [registry.host]: { auth } } })}\n`,
    {
      mode: 0o600,
      flag: 'wx', // a fresh private directory: never overwrite anything
    },
  );
}

export interface LocalImage {
  /** The image id (`sha256:…`): the config digest (classic store) or the manifest digest (containerd store). */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  os?: string;
  architecture?: string;
}

/** Inspects a local image; undefined when docker has no such image. */
export async function inspectImage(exec: Exec, image: string): Promise<LocalImage | undefined> {
  const result = await exec('docker', ['image', 'inspect', '--format', '{{json .}}', image]);
  if (result.exitCode !== 0) {
    if (/no such (image|object)|invalid reference format/i.test(result.stderr)) return undefined;
    throw new DockerCommandError(`image inspect ${image}`, result);
  }
  const parsed = JSON.parse(result.stdout.trim().split('\n')[0] ?? '{}') as {
    Id?: string;
    RepoTags?: string[] | null;
    RepoDigests?: string[] | null;
    Os?: string;
    Architecture?: string;
  };
  if (!parsed.Id) throw new Error(`docker image inspect ${image} returned no image id`);
  return {
    id: parsed.Id,
    repoTags: parsed.RepoTags ?? [],
    repoDigests: parsed.RepoDigests ?? [],
    os: parsed.Os,
    architecture: parsed.Architecture,
  };
}

export async function tagImage(exec: Exec, source: string, target: string): Promise<void> {
  const result = await exec('docker', ['image', 'tag', source, target]);
  if (result.exitCode !== 0) throw new DockerCommandError(`tag ${target}`, result);
}

/** Failures worth another try: dropped connections, timeouts, 5xx and throttling. */
const TRANSIENT =
  /connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|timed? ?out|TLS handshake timeout|connection refused|no such host|temporary failure|server misbehaving|too many requests|toomanyrequests|\b429\b|\b50[0-4]\b|internal server error|bad gateway|service unavailable|gateway timeout|net\/http: request canceled/i;
/** Failures another try cannot fix. */
const PERMANENT =
  /denied|unauthorized|authentication required|tag invalid|manifest invalid|name unknown|name invalid|repository .* not found|does not exist/i;

export function isTransientDockerError(text: string): boolean {
  return TRANSIENT.test(text) && !PERMANENT.test(text);
}

export interface PushOptions {
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  random?: () => number;
}

/** `docker push REFERENCE`, retried on transient errors; returns the manifest digest docker reports. */
export async function pushImage(session: DockerSession, reference: string, options: PushOptions): Promise<string> {
  return retry(
    async () => {
      const result = await docker(session, ['push', reference], {
        onLine: (line) => options.logger.debug(line),
      });
      if (result.exitCode !== 0) throw new DockerCommandError(`push ${reference}`, result);
      const digest = parsePushDigest(result.stdout);
      if (!digest) throw new Error(`docker push ${reference} succeeded but printed no digest`);
      return digest;
    },
    {
      ...options.retry,
      clock: options.clock,
      random: options.random,
      retryable: (error) =>
        error instanceof DockerCommandError && isTransientDockerError(error.result.stderr + error.result.stdout),
      onRetry: (error, attempt, delay) =>
        options.logger.warning(
          `docker push ${reference}: attempt ${attempt} of ${options.retry.attempts} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay}ms`,
        ),
    },
  );
}

/** Finds `digest: sha256:…` in docker push output (the last one, for the manifest just written). */
export function parsePushDigest(output: string): string | undefined {
  const matches = [...output.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
  return matches.at(-1)?.[1];
}

function lastLines(text: string, count = 3): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const shown = lines.slice(-count).join(' | ');
  return shown.length > 600 ? `${shown.slice(0, 600)}…` : shown || '(no output)';
}

/**
 * The post step's logout: the private config directory is the only place the credentials were
 * written (it has no credential store), so deleting it is the logout — no docker process needed.
 */
export async function cleanupDockerConfig(
  dir: string,
  registryHost: string | undefined,
  logger: Logger,
): Promise<void> {
  if (!existsSync(dir)) {
    logger.info('The private docker config directory is already deleted (right after the push)');
    return;
  }
  await removeDockerConfigDir(dir);
  logger.info(
    registryHost
      ? `Logged out of ${registryHost} (deleted the private docker config that held the credentials)`
      : 'Deleted the private docker config directory',
  );
}
