/**
 * What a command takes: its action.yml's inputs (the root action.yml for `deploy`), read from the
 * clone or package the CLI runs from, and the help text made from them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { ConfigurationError } from '../lib/runtime/errors.js';

export interface InputSpec {
  name: string;
  description: string;
  required: boolean;
  default?: string;
  /** A switch: its default is `true` or `false`, so `--name` alone means true. */
  switch: boolean;
}

export interface CommandSpec {
  command: string;
  /** Relative to the root, for the help text. */
  file: string;
  description: string;
  inputs: Map<string, InputSpec>;
  outputs: string[];
}

interface ActionYml {
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown } | null>;
  outputs?: Record<string, unknown>;
}

/**
 * The folder holding action.yml and actions/: the clone (or the installed package) the bundle or the
 * source lives in. Paths are put together at run time so the bundler does not copy the files into dist/.
 */
export function findRoot(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = from;
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    if (existsSync(join(dir, ['action', 'yml'].join('.'))) && existsSync(join(dir, 'actions'))) return dir;
  }
  return undefined;
}

export function actionFile(command: string): string {
  return command === 'deploy' ? 'action.yml' : ['actions', command, 'action.yml'].join('/');
}

const cache = new Map<string, CommandSpec>();

/** The inputs of `command` (a key of COMMANDS; the caller checks that). */
export function loadSpec(command: string, root = findRoot()): CommandSpec {
  const file = actionFile(command);
  const cached = cache.get(`${root}:${file}`);
  if (cached) return cached;
  if (!root) {
    throw new ConfigurationError(
      `'phlo-deploy ${command}' reads its inputs from ${file}, which was not found next to the CLI (run it from a clone or the installed package).`,
    );
  }
  const doc = (yaml.load(readFileSync(join(root, file), 'utf8')) ?? {}) as ActionYml;
  const inputs = new Map<string, InputSpec>();
  for (const [name, raw] of Object.entries(doc.inputs ?? {})) {
    const def = raw?.default === undefined || raw.default === null ? undefined : String(raw.default);
    inputs.set(name, {
      name,
      description: String(raw?.description ?? '').trim(),
      required: raw?.required === true,
      ...(def === undefined ? {} : { default: def }),
      switch: def === 'true' || def === 'false',
    });
  }
  const spec: CommandSpec = {
    command,
    file,
    description: String(doc.description ?? '').trim(),
    inputs,
    outputs: Object.keys(doc.outputs ?? {}),
  };
  cache.set(`${root}:${file}`, spec);
  return spec;
}

/** Words wrapped to `width` columns, each line indented by `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

const WIDTH = 100;

/**
 * `phlo-deploy <command> --help`: the inputs with whether they are required, their default and their
 * description, straight from action.yml. Never any value the user passed.
 */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: phlo-deploy ${spec.command} [--<input> <value> ...] [--json]`, ''];
  lines.push(...wrap(spec.description, WIDTH, ''), '');
  lines.push(`Inputs (from ${spec.file}):`);
  // Required first, then in action.yml's order (which groups related inputs).
  for (const input of [...spec.inputs.values()].sort((a, b) => Number(b.required) - Number(a.required))) {
    const facts = [
      input.required ? 'required' : undefined,
      input.default !== undefined && input.default !== '' ? `default: ${input.default}` : undefined,
    ].filter(Boolean);
    const flag = `--${input.name}${input.switch ? ' [true|false]' : ' <value>'}`;
    lines.push(`  ${flag}${facts.length ? `  (${facts.join(', ')})` : ''}`);
    lines.push(...wrap(input.description, WIDTH, '      '));
  }
  if (spec.outputs.length) {
    lines.push('', 'Outputs:', ...wrap(spec.outputs.join(', '), WIDTH, '  '));
  }
  lines.push('', ...wrap(FLAG_RULES, WIDTH, ''), '');
  return lines.join('\n');
}

export const FLAG_RULES = [
  "Flags: --name value or --name=value; a value that starts with '--' needs the = form.",
  'A switch (an input whose default is true or false) alone means true: --dry-run is --dry-run true;',
  'it takes only true or false (yes/no, on/off, 1/0) as its value.',
  'A repeated flag adds a line to a list input (--tags a --tags b).',
  '--env is short for --environment (where there is one).',
  'Unknown flags, flags without a value and stray values are errors; nothing runs.',
  '--json prints one JSON document on stdout (command, ok, outputs, summary, error) and everything else',
  'on stderr. --help (-h) anywhere after a command prints its inputs and runs nothing.',
].join(' ');
