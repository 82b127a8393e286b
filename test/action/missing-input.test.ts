// Every action's bundle, run as a runner runs it with a required input missing, fails at once with
// an error line that names that input — and no stack trace.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';

/** Actions whose inputs are alternatives (none is `required: true` alone): the one to report. */
const ALTERNATIVES: Record<string, string> = { 'health-gate': 'url' };

const actions = readdirSync(join(repoRoot, 'actions')).filter((n) =>
  existsSync(join(repoRoot, 'actions', n, 'action.yml')),
);

test.each(actions)('%s names its missing required input', async (name) => {
  const doc = yaml.load(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { required?: boolean }>;
  };
  const required = Object.entries(doc.inputs ?? {})
    .filter(([, s]) => s.required)
    .map(([n]) => n);
  const candidates = required.length ? required : [ALTERNATIVES[name]!];
  expect(candidates[0]).toBeDefined();
  // No inputs at all: the action must stop at whichever missing required input it checks first,
  // and name it.
  const r = await runStep(join('dist', name, 'main.js'), { inputs: {}, timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  const errors = errorLines(r).join('\n');
  expect(errors).toMatch(/is required/);
  expect(candidates.some((input) => errors.includes(`'${input}'`))).toBe(true);
  expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
});
