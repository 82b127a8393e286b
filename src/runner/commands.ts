/**
 * The runner's side of a step, spoken directly: inputs from `INPUT_*`, state from `STATE_*`, outputs
 * and state appended to the `GITHUB_OUTPUT` / `GITHUB_STATE` files (the `name<<delimiter` form), and
 * workflow commands (`::add-mask::`, `::warning::`, `::group::`, ...) on stdout — byte for byte what
 * @actions/core 3 writes for the calls the adapter makes (its `getInput`, `setOutput`, `setSecret`,
 * `saveState`, `getState`, `info`, `debug`, `warning`, `error`, `setFailed`, `group`).
 *
 * Not @actions/core itself: its entry module imports its OIDC client at load time, and with it an HTTP
 * client (undici, ≈ 560 KB in the bundle) that no step uses — a cost every step of every job paid at
 * start-up. Everything here is synchronous (appendFileSync, stdout), as in core, so a step's outputs
 * are written when the call returns.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** core's toCommandValue: strings as they are, null/undefined as '', anything else as JSON. */
export function commandValue(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string' || input instanceof String) return String(input);
  return JSON.stringify(input);
}

const escapeData = (s: unknown): string =>
  commandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const escapeProperty = (s: unknown): string =>
  commandValue(s)
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/:/g, '%3A')
    .replace(/,/g, '%2C');

/** `::command key=value,...::message` on stdout (properties with an empty value are left out). */
export function issueCommand(command: string, properties: Record<string, string>, message: unknown): void {
  let line = `::${command}`;
  const props = Object.entries(properties).filter(([, v]) => v);
  if (Object.keys(properties).length > 0) {
    line += ` ${props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',')}`;
  }
  process.stdout.write(`${line}::${escapeData(message)}${EOL}`);
}

/** `key<<delimiter`, the value, `delimiter`: a random delimiter neither may contain. */
export function keyValueMessage(key: string, value: unknown): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const converted = commandValue(value);
  if (key.includes(delimiter))
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  if (converted.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${EOL}${converted}${EOL}${delimiter}`;
}

function issueFileCommand(command: 'OUTPUT' | 'STATE', message: string): void {
  const file = process.env[`GITHUB_${command}`];
  if (!file) throw new Error(`Unable to find environment variable for file command ${command}`);
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`);
  appendFileSync(file, `${message}${EOL}`, { encoding: 'utf8' });
}

/** An input as the runner passes it (`INPUT_<NAME>`, spaces as `_`), trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) return issueFileCommand('OUTPUT', keyValueMessage(name, value));
  process.stdout.write(EOL);
  issueCommand('set-output', { name }, commandValue(value));
}

export function saveState(name: string, value: unknown): void {
  if (process.env.GITHUB_STATE) return issueFileCommand('STATE', keyValueMessage(name, value));
  issueCommand('save-state', { name }, commandValue(value));
}

/** State an earlier step of this action saved (`STATE_<name>`); '' when none. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

export const setSecret = (secret: string): void => issueCommand('add-mask', {}, secret);
export const info = (message: string): void => void process.stdout.write(message + EOL);
export const debug = (message: string): void => issueCommand('debug', {}, message);
export const warning = (message: string): void => issueCommand('warning', {}, message);
export const error = (message: string): void => issueCommand('error', {}, message);

/** Marks the step failed (exit code 1) with an `::error::` line. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/** Output between `::group::title` and `::endgroup::`, also when fn throws. */
export async function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  issueCommand('group', {}, title);
  try {
    return await fn();
  } finally {
    issueCommand('endgroup', {}, '');
  }
}
