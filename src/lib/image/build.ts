/**
 * `docker build` with an argument array: buildx when the CLI has it (`docker buildx version`
 * works), else the classic builder (DOCKER_BUILDKIT=0, which needs no buildx component).
 * The engine is whatever DOCKER_HOST in the given environment says.
 *
 * The classic builder turns every `--label` into a LABEL step of its own, and each costs a
 * container and a commit (≈ 60 ms here). So with the classic builder the labels go into ONE LABEL
 * instruction appended to a copy of the Dockerfile (same image config, one step), when that can be
 * written safely; otherwise they stay `--label` flags.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { Exec, ExecResult } from '../runtime/exec.js';

export type Builder = 'buildx' | 'classic';

export interface BuildSpec {
  /** Build context directory (absolute or relative to cwd). */
  context: string;
  /** Dockerfile path (absolute or relative to cwd); default `<context>/Dockerfile`. */
  dockerfile: string;
  buildArgs: Map<string, string>;
  target?: string;
  labels: Map<string, string>;
  /** Full references `name:tag`, all validated. */
  refs: string[];
  /** Always attempt to pull a newer base image. */
  pull?: boolean;
  noCache?: boolean;
}

export interface BuildResult {
  imageId: string;
  builder: Builder;
}

const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TARGET = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export class DockerBuildError extends Error {
  override readonly name = 'DockerBuildError';
}

/** Resolves paths and checks the context, Dockerfile, build args and target (before anything runs). */
export async function checkBuildInputs(
  raw: { context: string; dockerfile?: string; buildArgs: Map<string, string>; target?: string },
  cwd: string,
  names = { context: 'context', dockerfile: 'dockerfile', buildArgs: 'build-args', target: 'target' },
): Promise<{ context: string; dockerfile: string }> {
  const problems: string[] = [];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.context) || raw.context.startsWith('git@')) {
    problems.push(
      `Input '${names.context}' is '${raw.context}': expected a local directory (remote contexts are not supported).`,
    );
  }
  const context = isAbsolute(raw.context) ? raw.context : resolve(cwd, raw.context);
  const dockerfile = raw.dockerfile
    ? isAbsolute(raw.dockerfile)
      ? raw.dockerfile
      : resolve(cwd, raw.dockerfile)
    : join(context, 'Dockerfile');
  if (problems.length === 0 && !(await isDir(context))) {
    problems.push(
      `Input '${names.context}' is '${raw.context}': expected an existing directory (looked for ${context}).`,
    );
  }
  if (!(await isFile(dockerfile))) {
    problems.push(
      `Input '${names.dockerfile}' is '${raw.dockerfile ?? ''}': expected an existing Dockerfile (${dockerfile} does not exist).`,
    );
  }
  for (const key of raw.buildArgs.keys()) {
    if (!BUILD_ARG_KEY.test(key)) {
      problems.push(
        `Input '${names.buildArgs}' has key '${key}': expected NAME=value lines, NAME made of letters, digits and _.`,
      );
    }
  }
  if (raw.target !== undefined && !TARGET.test(raw.target)) {
    problems.push(`Input '${names.target}' is '${raw.target}': expected a build stage name (letters, digits, _ . -).`);
  }
  if (problems.length > 0)
    throw problems.length === 1 ? new ConfigurationError(problems[0]!) : new ConfigurationErrors(problems);
  return { context, dockerfile };
}

/**
 * The directories the docker CLI looks in for plugins (Linux): the config dir's, then the system ones.
 * A `docker-buildx` in none of them means no buildx, found without starting a docker process.
 */
export function pluginDirs(env: NodeJS.ProcessEnv): string[] {
  return [
    join(dockerConfigDir(env), 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
}

/** The docker CLI's config directory: DOCKER_CONFIG, else ~/.docker. */
function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** buildx when the CLI has the plugin and `docker buildx version` works; else classic. Never rejects. */
export async function detectBuilder(exec: Exec, env: NodeJS.ProcessEnv): Promise<Builder> {
  const config = join(dockerConfigDir(env), 'config.json');
  const candidates = await Promise.all([
    ...pluginDirs(env).map((dir) => isFile(join(dir, 'docker-buildx'))),
    // Extra plugin directories a config may name: leave the answer to the CLI itself.
    readFile(config, 'utf8').then(
      (text) => text.includes('cliPluginsExtraDirs'),
      () => false,
    ),
  ]);
  if (!candidates.some(Boolean)) return 'classic';
  try {
    const r = await exec('docker', ['buildx', 'version'], { env });
    return r.exitCode === 0 ? 'buildx' : 'classic';
  } catch {
    return 'classic';
  }
}

/**
 * The Dockerfile with one LABEL instruction appended that sets every label, or undefined when that
 * would not mean the same as `--label` flags: a `--target` (the labels belong to that stage, not the
 * last one), a last line that continues onto the next, or a value that cannot be quoted on one line.
 * Values are double-quoted with `"`, `$` and the escape character escaped, so nothing is expanded.
 */
export function withLabelInstruction(
  dockerfile: string,
  labels: ReadonlyMap<string, string>,
  target?: string,
): string | undefined {
  if (labels.size === 0 || target) return undefined;
  const escape = escapeCharacter(dockerfile);
  const lastLine = dockerfile.replace(/\s+$/, '').split(/\r?\n/).at(-1) ?? '';
  if (lastLine.endsWith(escape) && !lastLine.trimStart().startsWith('#')) return undefined;
  const quote = (text: string): string | undefined =>
    /[\r\n\0]/.test(text)
      ? undefined
      : `"${text.replace(/[\s\S]/g, (c) => (c === '"' || c === '$' || c === escape ? escape + c : c))}"`;
  const pairs: string[] = [];
  for (const [key, value] of labels) {
    const k = quote(key);
    const v = quote(value);
    if (k === undefined || v === undefined) return undefined;
    pairs.push(`${k}=${v}`);
  }
  const separator = dockerfile === '' || dockerfile.endsWith('\n') ? '' : '\n';
  return `${dockerfile}${separator}LABEL ${pairs.join(' ')}\n`;
}

/** The escape character from the `# escape=` parser directive (default backslash). */
function escapeCharacter(dockerfile: string): string {
  for (const line of dockerfile.split(/\r?\n/)) {
    const directive = /^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break; // directives are only the leading `# name=value` lines
    if (directive[1]!.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\'))
      return directive[2];
  }
  return '\\';
}

/** The docker command line (after `docker`), in order, for a builder. */
export function buildCommand(spec: BuildSpec, builder: Builder, iidfile: string): string[] {
  const args = builder === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  args.push('--file', spec.dockerfile, '--iidfile', iidfile);
  for (const ref of spec.refs) args.push('--tag', ref);
  for (const [k, v] of spec.labels) args.push('--label', `${k}=${v}`);
  for (const [k, v] of spec.buildArgs) args.push('--build-arg', `${k}=${v}`);
  if (spec.target) args.push('--target', spec.target);
  if (spec.pull) args.push('--pull');
  if (spec.noCache) args.push('--no-cache');
  args.push(spec.context);
  return args;
}

/** For logs: build-arg values hidden (they may carry tokens). */
export function describeCommand(args: readonly string[]): string {
  const shown = args.map((a, i) => (args[i - 1] === '--build-arg' ? `${a.split('=', 1)[0]}=***` : a));
  return `docker ${shown.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
}

export async function buildImage(
  exec: Exec,
  spec: BuildSpec,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  /** The builder, when the caller already asked (detectBuilder) while doing other work. */
  knownBuilder?: Builder | Promise<Builder>,
): Promise<BuildResult> {
  const builder = await (knownBuilder ?? detectBuilder(exec, env));
  const dir = await mkdtemp(join(tmpdir(), 'phlo-build-'));
  try {
    const iidfile = join(dir, 'iid');
    let command = spec;
    if (builder === 'classic') {
      const merged = withLabelInstruction(await readFile(spec.dockerfile, 'utf8'), spec.labels, spec.target);
      if (merged !== undefined) {
        const dockerfile = join(dir, 'Dockerfile');
        await writeFile(dockerfile, merged);
        command = { ...spec, dockerfile, labels: new Map() };
        logger.info(`Labels go in one LABEL instruction at the end of a copy of ${spec.dockerfile}`);
      }
    }
    const args = buildCommand(command, builder, iidfile);
    const runEnv: NodeJS.ProcessEnv = { ...env, DOCKER_BUILDKIT: builder === 'buildx' ? '1' : '0' };
    logger.info(`Building with the ${builder} builder: ${describeCommand(args)}`);
    const r = await exec('docker', args, { env: runEnv, onLine: (line) => logger.info(line) });
    if (r.exitCode !== 0) throw new DockerBuildError(`docker build failed (exit ${r.exitCode}): ${lastLines(r)}`);
    const imageId = (await readFile(iidfile, 'utf8')).trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(imageId))
      throw new DockerBuildError(`docker build wrote an unexpected image id '${imageId}'`);
    return { imageId, builder };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `docker save` an image to a tar file (what Trivy scans with --input). */
export async function saveImage(
  exec: Exec,
  image: string,
  tarPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const r = await exec('docker', ['save', '--output', tarPath, image], { env });
  if (r.exitCode !== 0) throw new DockerBuildError(`docker save ${image} failed (exit ${r.exitCode}): ${lastLines(r)}`);
}

/** The labels docker recorded on an image (to check what was built). */
export async function inspectLabels(
  exec: Exec,
  image: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const r = await exec('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', image], { env });
  if (r.exitCode !== 0) throw new DockerBuildError(`docker image inspect ${image} failed: ${lastLines(r)}`);
  return (JSON.parse(r.stdout.trim() || 'null') as Record<string, string> | null) ?? {};
}

function lastLines(r: ExecResult): string {
  return (r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ').slice(0, 800) || 'no output';
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
