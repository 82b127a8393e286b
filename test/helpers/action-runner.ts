/**
 * Runs a built action bundle the way a GitHub runner does: inputs as INPUT_* variables, and
 * GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY pointing at temporary files. Returns what the
 * step printed and wrote, so tests assert on the contract in action.yml.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** stdout + stderr + every file the step wrote: what a secret must never appear in. */
  everything: string;
}

export interface StepOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** STATE_* values for a post step (from a main step's `state`). */
  state?: Record<string, string>;
  timeoutMs?: number;
  cwd?: string;
  /** Called with every chunk of stdout as it arrives (to act while the step runs). */
  onStdout?: (chunk: string) => void;
}

/** Parses the GITHUB_OUTPUT / GITHUB_STATE file format (`name<<DELIM\nvalue\nDELIM`). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const eq = line.indexOf('=');
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  return env;
}

export async function runStep(bundle: string, options: StepOptions = {}): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'phlo-step-'));
  const files = { output: join(dir, 'output'), state: join(dir, 'state'), summary: join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('INPUT_') && !k.startsWith('STATE_') && !k.startsWith('GITHUB_')) env[k] = v;
  }
  Object.assign(env, inputEnv(options.inputs ?? {}), {
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
  });
  for (const [k, v] of Object.entries(options.state ?? {})) env[`STATE_${k}`] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [resolve(repoRoot, bundle)], {
    env,
    cwd: options.cwd ?? repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    options.onStdout?.(String(d));
  });
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((res) => child.on('close', res));
  clearTimeout(timer);
  const written = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(f, 'utf8')]));
  rmSync(dir, { recursive: true, force: true });
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(written.output!),
    state: parseCommandFile(written.state!),
    summary: written.summary!,
    // `::add-mask::` lines are consumed by the runner (they register the mask) and never reach the
    // log; everything else a step prints or writes is where a secret must not appear.
    everything: [stdout, stderr, written.output, written.state, written.summary]
      .join('\n')
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n'),
  };
}

/** The `::error::` lines a step printed, with their workflow-command prefix removed. */
export function errorLines(result: StepResult): string[] {
  return result.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) =>
      l
        .replace(/^::error[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}
