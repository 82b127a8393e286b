// What a workflow engine cannot check (act ignores permissions, concurrency and dispatch input
// types), checked statically for every reusable workflow (.github/workflows with workflow_call) and
// every caller template (workflows/): least permissions, one deploy per environment at a time where
// a job writes to an environment, and typed, described workflow_dispatch inputs.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/action-runner.js';

type Permissions = string | Record<string, string> | undefined;
interface Job {
  uses?: string;
  permissions?: Permissions;
  environment?: unknown;
  concurrency?: string | { group?: string; 'cancel-in-progress'?: unknown };
  steps?: Array<{ uses?: string }>;
}
interface Workflow {
  on?: unknown;
  permissions?: Permissions;
  concurrency?: Job['concurrency'];
  jobs: Record<string, Job>;
}

const OWN_WORKFLOW = /^org\/phlo-deploy\/(\.github\/workflows\/[^@]+)@/;
/** Steps that change an environment (apply, roll back, the whole pipeline). */
const WRITING_STEP = /^org\/phlo-deploy(\/actions\/(apply|rollback))?@/;
/** Why a job may hold a write scope: a step (or called workflow) that needs it. */
const WRITE_NEEDS: Record<string, { because: string; step: RegExp }> = {
  'id-token': { because: 'OIDC for AWS credentials', step: /^aws-actions\/configure-aws-credentials@/ },
  deployments: { because: 'GitHub deployment statuses', step: /^org\/phlo-deploy@/ },
  issues: { because: 'the drift issue per environment', step: /^org\/phlo-deploy\/actions\/drift-check@/ },
};

const load = (file: string): Workflow => yaml.load(readFileSync(join(repoRoot, file), 'utf8')) as Workflow;
const triggers = (wf: Workflow): Record<string, unknown> =>
  typeof wf.on === 'string'
    ? { [wf.on]: null }
    : Array.isArray(wf.on)
      ? Object.fromEntries(wf.on.map((e: string) => [e, null]))
      : ((wf.on ?? {}) as Record<string, unknown>);

const files = [
  ...readdirSync(join(repoRoot, '.github', 'workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join('.github', 'workflows', f))
    .filter((f) => 'workflow_call' in triggers(load(f))),
  ...readdirSync(join(repoRoot, 'workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join('workflows', f)),
];

/** The steps' `uses:` of a job, and of the jobs of the reusable workflow it calls (this repository's). */
function usesOf(job: Job, resolve: (path: string) => Workflow | undefined): string[] {
  const own = job.uses ? OWN_WORKFLOW.exec(job.uses) : null;
  if (own) {
    const called = resolve(own[1]!);
    return Object.values(called?.jobs ?? {}).flatMap((j) => usesOf(j, resolve));
  }
  return (job.steps ?? []).map((s) => s.uses ?? '').filter(Boolean);
}

/** The environment-scoped concurrency group covering a job: its own, or the called workflow's. */
function concurrencyOf(job: Job, resolve: (path: string) => Workflow | undefined): Job['concurrency'][] {
  const own = job.uses ? OWN_WORKFLOW.exec(job.uses) : null;
  if (own) {
    const called = resolve(own[1]!);
    return [called?.concurrency, ...Object.values(called?.jobs ?? {}).map((j) => j.concurrency)].filter(Boolean);
  }
  return [job.concurrency];
}

export function policyProblems(
  file: string,
  wf: Workflow,
  resolve: (path: string) => Workflow | undefined = (p) => load(p),
): string[] {
  const problems: string[] = [];
  const on = triggers(wf);

  // Least permissions: nothing at the top, each job its own, each write scope needed by a step.
  if (wf.permissions === undefined) {
    problems.push(`${file}: no top-level permissions (the default token may write): declare \`permissions: {}\``);
  } else if (typeof wf.permissions === 'string' || Object.values(wf.permissions).some((v) => v !== 'read')) {
    problems.push(`${file}: top-level permissions grant ${JSON.stringify(wf.permissions)}: grant writes per job only`);
  }
  for (const [name, job] of Object.entries(wf.jobs)) {
    const where = `${file}: job ${name}`;
    if (job.permissions === undefined) {
      problems.push(`${where}: no permissions of its own (it inherits the workflow's): declare the scopes it needs`);
      continue;
    }
    if (typeof job.permissions === 'string') {
      problems.push(`${where}: permissions '${job.permissions}': name each scope instead`);
      continue;
    }
    const uses = usesOf(job, resolve);
    for (const [scope, level] of Object.entries(job.permissions)) {
      if (level !== 'write') continue;
      const need = WRITE_NEEDS[scope];
      if (!need) problems.push(`${where}: '${scope}: write' is not needed by any phlo-deploy step`);
      else if (!uses.some((u) => need.step.test(u)))
        problems.push(`${where}: '${scope}: write' (${need.because}) but no step needs it`);
    }
    for (const [scope, need] of Object.entries(WRITE_NEEDS)) {
      if (uses.some((u) => need.step.test(u)) && job.permissions[scope] !== 'write')
        problems.push(`${where}: a step needs '${scope}: write' (${need.because}); the job does not grant it`);
    }

    // Writes to an environment: one run per environment at a time, never cancelled half-way.
    const writes = job.environment !== undefined || uses.some((u) => WRITING_STEP.test(u));
    if (writes) {
      const groups = concurrencyOf(job, resolve).filter(
        (c): c is { group: string; 'cancel-in-progress'?: unknown } =>
          typeof c === 'object' && c !== null && typeof c.group === 'string',
      );
      const env = typeof job.environment === 'object' ? (job.environment as { name?: string }).name : job.environment;
      const perEnvironment = groups.filter(
        (c) => /inputs\.environment/.test(c.group) || (typeof env === 'string' && c.group.includes(env)),
      );
      if (perEnvironment.length === 0) {
        problems.push(
          `${where}: writes to an environment without a concurrency group per environment ` +
            '(e.g. `group: phlo-deploy-${{ inputs.environment }}`): two runs could deploy it at once',
        );
      }
      for (const c of perEnvironment)
        if (c['cancel-in-progress'] !== false)
          problems.push(
            `${where}: concurrency '${c.group}' must set cancel-in-progress: false (never cut a deploy short)`,
          );
    }
  }

  // workflow_dispatch inputs: typed and described (act and the API accept anything untyped).
  const dispatch = on.workflow_dispatch as { inputs?: Record<string, Record<string, unknown>> } | null | undefined;
  for (const [name, spec] of Object.entries(dispatch?.inputs ?? {})) {
    const where = `${file}: workflow_dispatch input '${name}'`;
    const type = spec?.type;
    if (!['string', 'boolean', 'choice', 'number', 'environment'].includes(String(type)))
      problems.push(`${where}: no type (string, boolean, choice, number or environment)`);
    if (!spec?.description) problems.push(`${where}: no description`);
    if (type === 'choice' && !(Array.isArray(spec.options) && spec.options.length > 0))
      problems.push(`${where}: a choice without options`);
    if (type === 'boolean' && spec.default !== undefined && typeof spec.default !== 'boolean')
      problems.push(`${where}: a boolean whose default is not true or false`);
    if (spec?.required === true && spec.default !== undefined && type !== 'boolean')
      problems.push(`${where}: required with a default (the default makes "required" meaningless)`);
  }
  return problems;
}

test('there are reusable workflows and caller templates to check', () => {
  expect(files.some((f) => f.startsWith('.github'))).toBe(true);
  expect(files.some((f) => f.startsWith('workflows'))).toBe(true);
});

test.each(files)('%s: least permissions, a concurrency group per environment, typed dispatch inputs', (file) => {
  expect(policyProblems(file, load(file))).toEqual([]);
});

test('the checks catch what they are for (a made-up workflow breaking each rule)', () => {
  const bad = yaml.load(`
on:
  workflow_dispatch:
    inputs:
      environment: { required: true, default: staging }
      dry-run: { type: boolean, default: 'yes', description: Only show what would change. }
      target: { type: choice, description: Where. }
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions: { contents: write, id-token: write }
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
  deploy:
    runs-on: ubuntu-24.04
    environment: production
    concurrency: { group: deploys, cancel-in-progress: true }
    permissions: { contents: read }
    steps:
      - uses: aws-actions/configure-aws-credentials@b47578312673ae6fa5b5096b330d9fbac3d116df
      - uses: org/phlo-deploy@v1
  call:
    uses: org/phlo-deploy/.github/workflows/deploy.yml@v1
`) as Workflow;
  const problems = policyProblems('bad.yml', bad).join('\n');
  for (const expected of [
    'top-level permissions grant "write-all"',
    "job build: 'contents: write' is not needed",
    "job build: 'id-token: write' (OIDC for AWS credentials) but no step needs it",
    "job deploy: a step needs 'id-token: write'",
    "job deploy: a step needs 'deployments: write'",
    'job deploy: writes to an environment without a concurrency group per environment',
    'job call: no permissions of its own',
    "input 'environment': no type",
    "input 'environment': no description",
    "input 'environment': required with a default",
    "input 'dry-run': a boolean whose default is not true or false",
    "input 'target': a choice without options",
  ])
    expect(problems).toContain(expected);
  // The reusable workflow's own concurrency covers its callers; cancel-in-progress must be false.
  const cancelling = yaml.load(`
on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-24.04
    environment: staging
    concurrency: { group: deploy-staging, cancel-in-progress: true }
    permissions: { contents: read }
    steps: [{ run: echo }]
`) as Workflow;
  expect(policyProblems('c.yml', cancelling)).toEqual([
    "c.yml: job deploy: concurrency 'deploy-staging' must set cancel-in-progress: false (never cut a deploy short)",
  ]);
});
