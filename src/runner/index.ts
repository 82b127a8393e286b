/**
 * The GitHub runner adapter: the only place (with the entry points) that touches @actions/core.
 * `runAction` wraps an action's body in the catch-all that turns any error into one clean
 * `::error::` line and a non-zero exit code, and hands the body its typed ports.
 */
import { appendFileSync } from 'node:fs';
import * as core from '@actions/core';
import { describeError, errorLine, exitCodeOf, isUserFacing } from '../lib/runtime/errors.js';
import { Inputs } from '../lib/runtime/inputs.js';
import type { Logger } from '../lib/runtime/logger.js';
import type { ActionContext } from '../lib/runtime/context.js';

export const coreLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
  group: (title, fn) => core.group(title, fn),
};

export type { ActionContext } from '../lib/runtime/context.js';

export function createContext(): ActionContext & { flushSummary(): Promise<void> } {
  const parts: string[] = [];
  // State saved by this step is readable in this step too (core.getState only sees the state of
  // earlier steps, through STATE_* variables), as in the CLI's context.
  const saved = new Map<string, string>();
  return {
    inputs: new Inputs((name) => core.getInput(name)),
    logger: coreLogger,
    setOutput: (name, value) => core.setOutput(name, typeof value === 'object' ? JSON.stringify(value) : value),
    setSecret: (value) => {
      if (value) core.setSecret(value);
    },
    summary: (markdown) => {
      parts.push(markdown);
    },
    saveState: (name, value) => {
      saved.set(name, value);
      core.saveState(name, value);
    },
    getState: (name) => saved.get(name) ?? core.getState(name),
    // Appended synchronously, as @actions/core writes outputs and state: the step's last write does not
    // wake libuv's thread pool (which an exiting process must then join) for one small append.
    flushSummary: async () => {
      const file = process.env.GITHUB_STEP_SUMMARY;
      if (parts.length === 0 || !file) return;
      appendFileSync(file, `${parts.join('\n\n')}\n`, { encoding: 'utf8' });
    },
  };
}

/** Runs an action body; never throws, never calls process.exit. */
export async function runAction(name: string, body: (ctx: ActionContext) => Promise<void>): Promise<void> {
  const ctx = createContext();
  try {
    await body(ctx);
  } catch (error) {
    reportFailure(name, error);
  } finally {
    try {
      await ctx.flushSummary();
    } catch (error) {
      core.warning(`${name}: could not write the job summary: ${describeError(error)}`);
    }
  }
}

export function reportFailure(name: string, error: unknown): void {
  if (isUserFacing(error)) {
    core.setFailed(`${name}: ${errorLine(error)}`);
    // after setFailed, which sets 1: drift-check exits 2 on an error
    process.exitCode = exitCodeOf(error);
    return;
  }
  core.setFailed(`${name} failed: ${errorLine(error)}`);
  process.exitCode = 1;
  if (error instanceof Error) {
    core.debug(error.stack ?? String(error));
    let cause: unknown = error.cause;
    while (cause) {
      core.debug(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
}
