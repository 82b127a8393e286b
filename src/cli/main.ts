/**
 * `phlo-deploy`: the same actions and pipeline from a terminal. Every flag is the action input of
 * the same name (`--environment production` is input `environment`), so the README's tables and
 * `phlo-deploy <command> --help` describe the CLI too; a flag that is not an input is an error.
 * Outputs are printed as `name: value` lines on stdout, the job summary after them as plain text;
 * `--json` prints one JSON document on stdout instead and everything else on stderr.
 *
 *   phlo-deploy deploy --env local              the whole pipeline (the root action)
 *   phlo-deploy <action> [--input value ...]    one action: build-scan, push-ecr, render, apply, ...
 *   phlo-deploy <command> --help                its inputs, from its action.yml; runs nothing
 *   phlo-deploy stack up|status|down [component ...]   the local stack (from a clone of this repository)
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError, describeError, errorLine, exitCodeOf, isUserFacing } from '../lib/runtime/errors.js';
import { Inputs } from '../lib/runtime/inputs.js';
import { ConsoleLogger, type Logger } from '../lib/runtime/logger.js';
import type { ActionContext } from '../lib/runtime/context.js';
import { COMMANDS, STACK_COMMANDS, parseCommandLine } from './args.js';
import { formatOutputs, renderMarkdown } from './output.js';
import { FLAG_RULES, commandHelp, findRoot, loadSpec, wrap } from './spec.js';

export { COMMANDS, parseCommandLine } from './args.js';

/** Relative to the clone's root; built at run time so the bundler does not copy the script into dist/. */
const STACK_SCRIPT = ['stack', 'stack.sh'].join('/');

/** Replaces every registered secret in a line before it reaches the terminal. */
class MaskingLogger implements Logger {
  private readonly secrets = new Set<string>();
  constructor(private readonly inner: Logger) {}
  add(secret: string): void {
    if (secret.length >= 3) this.secrets.add(secret);
  }
  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
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

/** The document `--json` prints on stdout, and nothing else goes there. */
export interface JsonResult {
  command: string;
  ok: boolean;
  /** Every output as the action sets it (a string; JSON outputs are JSON text, as in GitHub). */
  outputs: Record<string, string>;
  /** The job summary, Markdown. */
  summary: string;
  error?: string;
}

export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const logger = new MaskingLogger(io.logger);
  try {
    const invocation = parseCommandLine(argv);
    if (invocation.kind === 'help') {
      const { command } = invocation;
      io.out(command === undefined ? usage() : command === 'stack' ? stackHelp() : commandHelp(loadSpec(command)));
      return 0;
    }
    if (invocation.kind === 'stack') return await runStack(invocation.args);
    const { command, inputs, json } = invocation;
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
    // Everything printed below is masked: values first (so JSON stays valid), then the whole text.
    const masked = new Map([...outputs].map(([k, v]) => [logger.mask(k), logger.mask(v)]));
    const markdown = logger.mask(summary.join('\n\n'));
    if (json) {
      const result: JsonResult = {
        command,
        ok: failure === undefined,
        outputs: Object.fromEntries(masked),
        summary: markdown,
        ...(failure === undefined ? {} : { error: logger.mask(errorLine(failure)) }),
      };
      // The summary is for the person watching: stderr, as plain text.
      if (markdown) logger.info(`\n${renderMarkdown(markdown)}\n`);
      io.out(`${logger.mask(JSON.stringify(result, null, 2))}\n`);
    } else {
      io.out(logger.mask(formatOutputs(masked)));
      if (markdown) io.out(`\n${logger.mask(renderMarkdown(markdown))}\n`);
    }
    if (failure) throw failure;
    return 0;
  } catch (error) {
    logger.info(`error: ${errorLine(error)}`);
    if (!isUserFacing(error) && error instanceof Error) logger.debug(error.stack ?? '');
    return exitCodeOf(error);
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: phlo-deploy <command> [--<input> <value> ...] [--json]',
    '       phlo-deploy <command> --help',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    `  ${'stack'.padEnd(width)}  ${Object.keys(STACK_COMMANDS).join(' | ')} [component ...]: the local stack (from a clone of phlo-deploy)`,
    `  ${'help'.padEnd(width)}  this list; 'phlo-deploy help <command>' is '<command> --help'`,
    '',
    ...wrap(
      `Every --flag is an input of the command's action (see 'phlo-deploy <command> --help' and the README's tables). ${FLAG_RULES}`,
      100,
      '',
    ),
    '',
  ].join('\n');
}

function stackHelp(): string {
  const width = Math.max(...Object.keys(STACK_COMMANDS).map((c) => c.length));
  const root = findRoot();
  const dir = root && join(root, 'stack', 'components');
  const components =
    dir && existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.sh'))
          .map((f) => f.slice(0, -3))
          .sort()
      : [];
  return [
    `Usage: phlo-deploy stack ${Object.keys(STACK_COMMANDS).join('|')} [component ...]`,
    '',
    'The local stack (stack/stack.sh; see stack/README.md), from a clone of phlo-deploy.',
    '',
    ...Object.entries(STACK_COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    '',
    ...wrap(
      `Components: all of them when none is named${components.length ? `; one of ${components.join(', ')}` : ''}.`,
      100,
      '',
    ),
    '',
  ].join('\n');
}

async function runStack(args: readonly string[]): Promise<number> {
  // The stack only exists in a clone: its root is where action.yml and actions/ are.
  const root = findRoot();
  const script = root && join(root, STACK_SCRIPT);
  if (!script || !existsSync(script)) {
    throw new ConfigurationError("'phlo-deploy stack' runs from a clone of phlo-deploy: stack/stack.sh was not found.");
  }
  const child = spawn('bash', [script, ...args], { stdio: 'inherit' });
  return new Promise((res) => child.on('close', (code) => res(code ?? 1)));
}
