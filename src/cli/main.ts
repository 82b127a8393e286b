/**
 * `phlo-deploy`: the same actions and pipeline from a terminal. Every flag is the action input of
 * the same name (`--environment production` is input `environment`), so the README's tables describe
 * the CLI too. Outputs are printed as `name=value` lines on stdout, the job summary after them.
 *
 *   phlo-deploy deploy --env local            the whole pipeline (the root action)
 *   phlo-deploy <action> [--input value ...]  one action: build-scan, push-ecr, render, apply, ...
 *   phlo-deploy stack up|status|down          the local stack (from a clone of this repository)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, GateFailure, describeError } from '../lib/runtime/errors.js';
import { Inputs } from '../lib/runtime/inputs.js';
import { ConsoleLogger, type Logger } from '../lib/runtime/logger.js';
import type { ActionContext } from '../runner/index.js';

/** Commands and what they do; a unit test keeps this list equal to src/actions/. */
export const COMMANDS: Record<string, string> = {
  deploy: 'the whole pipeline: build-scan, push-ecr, render, apply, rollout-gate, health-gate, rollback on failure',
  'build-scan': 'build the image, scan it with Trivy, gate on severity, write SARIF and an SBOM',
  'push-ecr': 'make sure the ECR repository exists, log in, push every tag, output the digest',
  render: 'render k8s/ for an environment with images pinned by digest',
  apply: 'server-side apply with an all-or-nothing dry run, diff and opt-in pruning',
  'rollout-gate': 'watch workloads until they are rolled out, fail fast and explain',
  'health-gate': 'probe /health and /ready until they answer well N times in a row',
  rollback: 'return workloads to a recorded or previous revision',
};

/** Relative to the clone's root; built at run time so the bundler does not copy the script into dist/. */
const STACK_SCRIPT = ['stack', 'stack.sh'].join('/');

/** Aliases for the flags people type most. */
const ALIASES: Record<string, string> = { env: 'environment' };

export interface ParsedArgs {
  command: string;
  inputs: Map<string, string>;
  json: boolean;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const inputs = new Map<string, string>();
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new ConfigurationError(
        `Unexpected argument '${arg}': flags are written --name value (see 'phlo-deploy help').`,
      );
    }
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) {
      value = rest[++i];
    } else {
      value = 'true';
    }
    if (name === 'json') {
      json = value !== 'false';
      continue;
    }
    name = ALIASES[name] ?? name;
    // A repeated flag adds a line, for list inputs (--tags a --tags b).
    inputs.set(name, inputs.has(name) ? `${inputs.get(name)}\n${value}` : value!);
  }
  return { command, inputs, json };
}

/** Replaces every registered secret in a line before it reaches the terminal. */
class MaskingLogger implements Logger {
  private readonly secrets = new Set<string>();
  constructor(private readonly inner: Logger) {}
  add(secret: string): void {
    if (secret.length >= 3) this.secrets.add(secret);
  }
  mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }
  info(m: string): void {
    this.inner.info(this.mask(m));
  }
  warning(m: string): void {
    this.inner.warning(this.mask(m));
  }
  debug(m: string): void {
    this.inner.debug(this.mask(m));
  }
  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.group(this.mask(title), fn);
  }
}

export interface CliIo {
  out: (text: string) => void;
  logger: Logger;
}

const defaultIo: CliIo = {
  out: (text) => process.stdout.write(text),
  logger: new ConsoleLogger(),
};

type RunFn = (ctx: ActionContext) => Promise<void>;

async function loadStep(action: string, step: 'run' | 'post-run'): Promise<RunFn | undefined> {
  try {
    const mod = (await import(`../actions/${action}/${step}.ts`)) as { run?: RunFn };
    return mod.run;
  } catch (error) {
    if (step === 'post-run' && (error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    if (step === 'post-run' && /Cannot find module/.test(String(error))) return undefined;
    throw error;
  }
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const logger = new MaskingLogger(io.logger);
  try {
    const { command, inputs, json } = parseArgs(argv);
    if (command === 'help' || command === '--help' || command === '-h') {
      io.out(usage());
      return 0;
    }
    if (command === 'stack') return await runStack(argv.slice(1));
    if (!(command in COMMANDS)) {
      throw new ConfigurationError(
        `Unknown command '${command}': expected one of ${Object.keys(COMMANDS).join(', ')}, stack or help.`,
      );
    }
    const outputs = new Map<string, string>();
    const summary: string[] = [];
    const state = new Map<string, string>();
    const ctx: ActionContext = {
      inputs: new Inputs((name) => inputs.get(name) ?? ''),
      logger,
      setOutput: (name, value) => outputs.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value)),
      setSecret: (value) => logger.add(value),
      summary: (md) => summary.push(md),
      saveState: (name, value) => state.set(name, value),
      getState: (name) => state.get(name) ?? '',
    };
    const run = await loadStep(command, 'run');
    const post = await loadStep(command, 'post-run');
    let failure: unknown;
    try {
      await run!(ctx);
    } catch (error) {
      failure = error;
    } finally {
      if (post) await post(ctx).catch((error) => logger.warning(`cleanup failed: ${describeError(error)}`));
    }
    const printed = Object.fromEntries(outputs);
    io.out(
      logger.mask(
        json
          ? `${JSON.stringify(printed, null, 2)}\n`
          : Object.entries(printed)
              .map(([k, v]) => `${k}=${v}\n`)
              .join(''),
      ),
    );
    if (summary.length) io.out(`\n${logger.mask(summary.join('\n\n'))}\n`);
    if (failure) throw failure;
    return 0;
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof GateFailure) {
      logger.info(`error: ${error.message}`);
    } else {
      logger.info(`error: ${describeError(error)}`);
      if (error instanceof Error) logger.debug(error.stack ?? '');
    }
    return 1;
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: phlo-deploy <command> [--input value ...]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    `  ${'stack'.padEnd(width)}  up | status | down: the local stack (from a clone of phlo-deploy)`,
    '',
    "Every --flag is the action input of the same name (see the README's tables); a repeated flag",
    'adds a line to a list input. --env is short for --environment. --json prints outputs as JSON.',
    '',
  ].join('\n');
}

async function runStack(args: readonly string[]): Promise<number> {
  // Walk up from the bundle (or the source) to the clone's root: the stack only exists in a clone.
  let dir = dirname(fileURLToPath(import.meta.url));
  let script: string | undefined;
  for (let i = 0; i < 4 && !script; i++, dir = dirname(dir)) {
    const candidate = join(dir, STACK_SCRIPT);
    if (existsSync(candidate)) script = candidate;
  }
  if (!script)
    throw new ConfigurationError("'phlo-deploy stack' runs from a clone of phlo-deploy: stack/stack.sh was not found.");
  const child = spawn('bash', [script, ...args], { stdio: 'inherit' });
  return new Promise((res) => child.on('close', (code) => res(code ?? 1)));
}
