// Every action's bundle, run as a runner runs it with a required input missing, fails at once with
// an error line that names that input — and no stack trace.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { errorLines, repoRoot, runStep } from '../helpers/action-runner.js';

/** Actions whose inputs are alternatives (none is `required: true` alone): the one to report. */
const ALTERNATIVES: Record<string, string> = { 'health-gate': 'url' };
/** Exit codes other than 1 for a failed step: drift-check's contract is 0 clean, 1 drift, 2 error. */
const ERROR_EXIT: Record<string, number> = { 'drift-check': 2 };

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
  expect(r.code).toBe(ERROR_EXIT[name] ?? 1);
  const errors = errorLines(r).join('\n');
  expect(errors).toMatch(/is required/);
  expect(candidates.some((input) => errors.includes(`'${input}'`))).toBe(true);
  expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
});

describe('the root action (action.yml → dist/deploy/main.js)', () => {
  const root = yaml.load(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean }>;
    runs: { main: string };
  };
  const required = Object.entries(root.inputs)
    .filter(([, s]) => s.required)
    .map(([n]) => n);
  const others: Record<string, string> = { environment: 'local', repository: 'phlo/dagster' };

  test('its required inputs are environment and repository', () => {
    expect(root.runs.main).toBe('dist/deploy/main.js');
    expect(required.sort()).toEqual(['environment', 'repository']);
  });

  test.each(['environment', 'repository'])(
    'without %s: fails at once naming it, before anything is built or pushed',
    async (missing) => {
      const inputs = Object.fromEntries(Object.entries(others).filter(([n]) => n !== missing));
      // A docker that is not there: had the pipeline started building, the error would say so.
      const r = await runStep(root.runs.main, {
        inputs,
        env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock', KUBECONFIG: '/nonexistent/kubeconfig' },
        timeoutMs: 30_000,
      });
      expect(r.code).toBe(1);
      const errors = errorLines(r);
      expect(errors).toEqual([expect.stringMatching(new RegExp(`^phlo-deploy: Input '${missing}' is required`))]);
      expect(r.everything).not.toMatch(/docker|nonexistent|::group::/i);
      expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/);
    },
  );

  // Every problem is reported together: with both missing, both are named (was only the first).
  test('without both: names both in one error', async () => {
    const r = await runStep(root.runs.main, { inputs: {}, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const errors = errorLines(r).join('\n');
    expect(errors).toContain("'environment'");
    expect(errors).toContain("'repository'");
  });
});
