// Every action.yml parses, declares node24, describes every input and output, and points at a
// bundle that exists, and has no `${{ }}` where GitHub would refuse it; the README's table of actions
// is generated from them and must be current.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/action-runner.js';

interface ActionYml {
  name: string;
  description: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs: { using: string; main?: string; post?: string };
}

/**
 * The paths (`inputs.secrets.description`) of every key or string value holding `${{`, except an
 * input's `default` and anything under `runs`, where GitHub evaluates expressions.
 */
function expressionsOutsideDefaults(doc: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string[]): void => {
    if (path[0] === 'runs' || (path.length === 3 && path[0] === 'inputs' && path[2] === 'default')) return;
    if (typeof value === 'string') {
      if (value.includes('${{')) found.push(path.join('.'));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, String(i)]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('${{')) found.push([...path, key].join('.'));
        walk(item, [...path, key]);
      }
    }
  };
  walk(doc, []);
  return found;
}

const files = [
  ...(existsSync(join(repoRoot, 'action.yml')) ? ['action.yml'] : []),
  ...readdirSync(join(repoRoot, 'actions')).map((n) => join('actions', n, 'action.yml')),
];

test('there is at least one action', () => {
  expect(files.length).toBeGreaterThan(0);
});

describe.each(files)('%s', (file) => {
  const doc = yaml.load(readFileSync(join(repoRoot, file), 'utf8')) as ActionYml;

  test('declares node24 and points at bundles that exist', () => {
    expect(doc.runs.using).toBe('node24');
    for (const step of ['main', 'post'] as const) {
      const target = doc.runs[step];
      if (step === 'main') expect(target).toBeDefined();
      if (target) expect(existsSync(resolve(repoRoot, dirname(file), target))).toBe(true);
    }
  });

  test('has a name, a description, and a description for every input and output', () => {
    expect(doc.name).toBeTruthy();
    expect(doc.description).toBeTruthy();
    for (const [name, spec] of Object.entries({ ...doc.inputs, ...doc.outputs })) {
      expect([name, spec?.description?.trim()]).toEqual([name, expect.any(String)]);
      expect(spec!.description!.length).toBeGreaterThan(10);
    }
  });

  test('has no ${{ }} expression outside input defaults and runs', () => {
    const offenders = expressionsOutsideDefaults(doc).map((path) => `${file}: ${path}`);
    if (offenders.length > 0) {
      throw new Error(
        `${offenders.join('\n')}\n` +
          "GitHub's runner evaluates every `${{ }}` in an action's metadata (descriptions included) and refuses to " +
          'load the action ("Unrecognized named-value" ... "Failed to load action.yml"), so every workflow that uses ' +
          'it fails at "Set up job". Expressions belong only in an input\'s `default` and under `runs`: reword the ' +
          'text without `${{` (for the root action.yml, fix the stage action or src/actions/deploy/stages.json and ' +
          'run `npm run docs`).',
      );
    }
  });

  test('required inputs have no default (a default makes "required" meaningless)', () => {
    for (const [, spec] of Object.entries(doc.inputs ?? {})) {
      if (spec.required) expect(spec.default).toBeUndefined();
    }
  });
});

test("the README's table of actions is generated from the action.yml files", async () => {
  const { withTable } = (await import(join(repoRoot, 'scripts', 'gen-readme-table.mjs'))) as {
    withTable: (s: string) => string;
  };
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  expect(withTable(readme)).toBe(readme);
});
