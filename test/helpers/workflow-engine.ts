/**
 * A workflow engine in the test suite: runs a workflow file (a caller template in a consumer
 * repository, see consumer-repo.ts) with an event through nektos/act, the way GitHub would, and
 * returns the parsed step and job results.
 *
 *   const run = await runWorkflow({ repo: consumer.dir, workflow: '.github/workflows/deploy-on-push.yml', event: 'push' });
 *   run.exitCode; run.job(/deploy staging/).result; run.job(/deploy staging/).outputs.digest; run.everything
 *
 * How act runs here (see /work/shared/docs/workflow-engine-act.md for the study behind it):
 * - act v0.2.89 from scripts/tools.sh ($ACT, else `bash scripts/tools.sh act` builds it into the cache);
 * - host mode (`-P <label>=-self-hosted` for every runs-on label the workflows use): no containers;
 *   JavaScript actions run on the installed Node;
 * - no network: every remote `uses:` is mapped to a local directory with `--local-repository`
 *   (org/phlo-deploy at every ref the workflows name → a `git archive` export of this working tree;
 *   the stand-ins for third-party actions → their directories); a remote `uses:` with no mapping is
 *   refused before act starts (act would try to clone it). actions/checkout needs no mapping: act
 *   copies the consumer repository into the workspace itself;
 * - a clean environment (`env -i`): act gets only PATH, HOME and what `runnerEnv` gives (host mode
 *   copies act's environment into every job, so the machine's own variables would leak in);
 * - `--json` logs, parsed into jobs, steps, outputs and summaries; the harness's own timeout (act
 *   enforces no job timeout) kills act's whole process group.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from './action-runner.js';

export const ACT_VERSION = 'v0.2.89';
/** Where this repository is published; every `uses: org/phlo-deploy…@<ref>` is mapped to the export. */
export const PHLO_REPOSITORY = 'org/phlo-deploy';
/** The runner labels mapped to host mode when the workflows name no others. */
const DEFAULT_LABELS = ['ubuntu-latest', 'ubuntu-24.04'];

/** The act binary: $ACT when set and executable, else the cached build (built now when missing). */
export function actBinary(): string {
  const fromEnv = process.env.ACT;
  if (fromEnv && isExecutable(fromEnv)) return fromEnv;
  const path = execFileSync('bash', [join(repoRoot, 'scripts', 'tools.sh'), 'act'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 20 * 60_000,
  }).trim();
  if (!isExecutable(path)) throw new Error(`scripts/tools.sh act printed '${path}', which is not an executable`);
  return path;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let exported: string | undefined;

/**
 * This working tree as GitHub would serve it at a ref: `git archive` of a tree made from the
 * working tree (tracked files with their changes, plus untracked files .gitignore does not hide),
 * written with a temporary index so the real one is never touched. act copies a mapped directory
 * whole, ignoring .gitignore, hence an export rather than the checkout. One export per test file
 * (removeExport() in afterAll).
 * PHLO_WORKFLOW_EXPORT=<rev> (e.g. HEAD) exports that commit instead (while the tree is being rebuilt).
 */
export function exportWorkingTree(): string {
  if (exported && existsSync(exported)) return exported;
  const dir = mkdtempSync(join(tmpdir(), 'phlo-export-'));
  const index = join(dir, '.index');
  const git = (args: string[]): Buffer =>
    execFileSync('git', args, {
      cwd: repoRoot,
      env: { ...process.env, GIT_INDEX_FILE: index },
      maxBuffer: 512 * 1024 * 1024,
    });
  let tree = process.env.PHLO_WORKFLOW_EXPORT;
  if (!tree) {
    git(['read-tree', 'HEAD']);
    git(['add', '-A', '--', '.']);
    tree = git(['write-tree']).toString().trim();
    rmSync(index, { force: true });
  }
  const tar = git(['archive', '--format=tar', tree]);
  const out = join(dir, 'phlo-deploy');
  mkdirSync(out);
  execFileSync('tar', ['-x', '-C', out], { input: tar, maxBuffer: 512 * 1024 * 1024 });
  if (!existsSync(join(out, 'dist', 'deploy', 'main.js')))
    throw new Error(`the export of ${tree} has no dist/deploy/main.js: run \`npm run build\` first`);
  exported = out;
  return out;
}

/** Removes the export (call it in afterAll). */
export function removeExport(): void {
  if (exported) rmSync(dirname(exported), { recursive: true, force: true });
  exported = undefined;
}

export type EventName = 'push' | 'workflow_dispatch' | 'schedule' | 'workflow_call' | (string & {});

export interface RunWorkflowOptions {
  /** The consumer repository (a git repository with an origin remote): act's working directory. */
  repo: string;
  /** The workflow file, relative to `repo` (e.g. `.github/workflows/deploy-on-push.yml`). */
  workflow: string;
  event: EventName;
  /** Merged over the default payload for the event (see defaultPayload). */
  payload?: Record<string, unknown>;
  /** workflow_dispatch inputs, put in the payload's `inputs` (act prefers the event file to --input). */
  inputs?: Record<string, string | boolean | number>;
  /** Repository secrets (`secrets.NAME`). GITHUB_TOKEN defaults to a made-up token (`token`). */
  secrets?: Record<string, string>;
  /** Repository variables (`vars.NAME`). */
  vars?: Record<string, string>;
  /** Variables of the run (act's --env): e.g. GITHUB_API_URL pointing at a recorder. */
  env?: Record<string, string>;
  /**
   * The runner machine's environment beside PATH and HOME (e.g. DOCKER_HOST): host mode passes
   * act's environment into every job.
   */
  runnerEnv?: Record<string, string>;
  /** Directories put first on PATH (stand-in commands such as `aws`). */
  path?: string[];
  /** Third-party actions by `owner/name` → directory of a stand-in; mapped at every ref the workflows use. */
  actions?: Record<string, string>;
  /** This repository as act sees it; default: exportWorkingTree(). */
  phloDir?: string;
  /** Files put into the runner's tool cache ($RUNNER_TOOL_CACHE): relative path → content or { link }. */
  toolCache?: Record<string, string | { link: string }>;
  /** Only this job (act -j). */
  job?: string;
  /** The token behind `github.token` / secrets.GITHUB_TOKEN. */
  token?: string;
  timeoutMs?: number;
}

export interface ActLine {
  level?: string;
  msg?: string;
  job?: string;
  jobID?: string;
  step?: string;
  stepID?: string[];
  stage?: string;
  stepResult?: string;
  jobResult?: string;
  command?: string;
  name?: string;
  arg?: string;
  content?: string;
  raw_output?: boolean;
}

export interface StepRecord {
  /** The step's name as act prints it (its `name:`, else its `uses:` or `run:`). */
  name: string;
  /** Its `id:` (or act's index). */
  id: string;
  /** Pre, Main or Post; empty for act's own Set up job / Complete job. */
  stage: string;
  result: string;
}

export interface JobRecord {
  /** act's name for the job: `<caller job>/<called workflow's name>/<job name>` for a reusable workflow's job. */
  name: string;
  jobID: string;
  /** success or failure (undefined: it never finished). */
  result?: string;
  steps: StepRecord[];
  /** What the job's steps set (`::set-output::` / GITHUB_OUTPUT), by output name; the last value wins. */
  outputs: Record<string, string>;
  /** The step summaries (GITHUB_STEP_SUMMARY) in order. */
  summary: string;
  /** Everything the job's steps printed. */
  log: string;
  /** `::error::` annotations and act's error lines. */
  errors: string[];
}

export interface WorkflowRun {
  exitCode: number | null;
  timedOut: boolean;
  jobs: JobRecord[];
  /** The one job whose name matches (a substring or a pattern); throws naming the jobs there are. */
  job(match: string | RegExp): JobRecord;
  lines: ActLine[];
  stdout: string;
  stderr: string;
  /**
   * Everything act printed, raw and with every JSON field decoded, but for its records of
   * `::add-mask::` commands (a runner never logs those): where a secret must never appear.
   */
  everything: string;
  /** A short transcript (jobs, steps, results, errors, the log's tail) for failure messages. */
  explain(): string;
}

/** Runs `workflow` of `repo` with `event` through act; resolves when act has exited (or was killed). */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const act = actBinary();
  const phloDir = options.phloDir ?? exportWorkingTree();
  const work = mkdtempSync(join(tmpdir(), 'phlo-act-'));
  try {
    const home = join(work, 'home');
    const cache = join(work, 'cache');
    mkdirSync(home);
    mkdirSync(join(cache, 'tool_cache'), { recursive: true });
    for (const [rel, content] of Object.entries(options.toolCache ?? {})) {
      const target = join(cache, 'tool_cache', rel);
      mkdirSync(dirname(target), { recursive: true });
      if (typeof content === 'string') writeFileSync(target, content);
      else symlinkSync(content.link, target);
    }

    // The workflow run and every reusable workflow it calls (theirs included), as act will load them.
    const workflows = reachableWorkflows(join(options.repo, options.workflow), options.repo, phloDir);
    const mappings: string[] = [];
    const unmapped: string[] = [];
    for (const ref of remoteUses(workflows)) {
      const at = ref.indexOf('@');
      const repoName = ref.slice(0, at).split('/').slice(0, 2).join('/');
      const key = `${repoName}@${ref.slice(at + 1)}`;
      if (repoName === PHLO_REPOSITORY) mappings.push(`${key}=${phloDir}`);
      else if (options.actions?.[repoName]) mappings.push(`${key}=${options.actions[repoName]}`);
      else if (repoName !== 'actions/checkout') unmapped.push(ref);
    }
    if (unmapped.length > 0) {
      throw new Error(
        `No stand-in for ${[...new Set(unmapped)].join(', ')}: act would clone it from GitHub (no network here). ` +
          "Pass a stand-in directory in runWorkflow's `actions`.",
      );
    }
    const labels = new Set([...DEFAULT_LABELS, ...runnerLabels(workflows)]);

    const token = options.token ?? `ghs_${randomBytes(18).toString('hex')}`;
    const eventFile = join(work, 'event.json');
    writeFileSync(eventFile, JSON.stringify(eventPayload(options)));
    // act reads .secrets, .vars, .env and .input from its working directory by default: name empty files instead.
    const empty = join(work, 'empty');
    writeFileSync(empty, '');

    const args = [
      options.event,
      '-W',
      options.workflow,
      '-e',
      eventFile,
      '--json',
      '--action-cache-path',
      cache,
      '--no-cache-server',
      '--secret-file',
      empty,
      '--var-file',
      empty,
      '--env-file',
      empty,
      '--input-file',
      empty,
      ...[...labels].flatMap((l) => ['-P', `${l}=-self-hosted`]),
      ...[...new Set(mappings)].flatMap((m) => ['--local-repository', m]),
      '-s',
      `GITHUB_TOKEN=${token}`,
      ...Object.entries(options.secrets ?? {}).flatMap(([k, v]) => ['-s', `${k}=${v}`]),
      ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
      ...Object.entries(options.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...(options.job ? ['-j', options.job] : []),
    ];
    const env: Record<string, string> = {
      ...options.runnerEnv,
      PATH: [...(options.path ?? []), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: home,
      ACT_DISABLE_VERSION_CHECK: '1',
      LANG: 'C.UTF-8',
    };
    const child = spawn(act, args, { cwd: options.repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      },
      options.timeoutMs ?? 10 * 60_000,
    );
    const exitCode = await new Promise<number | null>((res) => child.on('close', res));
    clearTimeout(timer);
    // Steps a killed act left behind (e.g. a background process) go with its process group.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // nothing left
    }
    return parseRun(stdout, stderr, exitCode, timedOut);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type WorkflowDoc = {
  on?: unknown;
  jobs?: Record<string, { uses?: string; 'runs-on'?: unknown; steps?: Array<{ uses?: string }> }>;
};

function loadWorkflow(file: string): WorkflowDoc {
  return (yaml.load(readFileSync(file, 'utf8')) as WorkflowDoc | undefined) ?? {};
}

/**
 * `workflow` and the reusable workflows it calls, transitively: `./.github/workflows/x.yml` from the
 * consumer repository, `org/phlo-deploy/.github/workflows/x.yml@ref` from this repository's export.
 */
export function reachableWorkflows(workflow: string, repo: string, phloDir: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    if (!existsSync(file)) throw new Error(`workflow ${file} does not exist`);
    seen.add(file);
    for (const job of Object.values(loadWorkflow(file).jobs ?? {})) {
      const uses = job.uses;
      if (!uses) continue;
      if (uses.startsWith('./')) visit(join(repo, uses));
      const own = new RegExp(`^${PHLO_REPOSITORY}/(\\.github/workflows/[^@]+)@`).exec(uses);
      if (own) visit(join(phloDir, own[1]!));
    }
  };
  visit(workflow);
  return [...seen];
}

/** Every remote `uses: owner/name[/path]@ref` (jobs and steps) of these workflow files. */
export function remoteUses(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const job of Object.values(loadWorkflow(file).jobs ?? {})) {
      for (const uses of [job.uses, ...(job.steps ?? []).map((s) => s.uses)]) {
        if (uses && !uses.startsWith('./') && !uses.startsWith('docker://') && uses.includes('@')) found.push(uses);
      }
    }
  }
  return found;
}

/** The literal runs-on labels and the defaults of `runs-on`-like inputs (e.g. deploy.yml's `runs-on`). */
function runnerLabels(files: string[]): string[] {
  const labels: string[] = [];
  for (const file of files) {
    const doc = loadWorkflow(file);
    const on = doc.on as { workflow_call?: { inputs?: Record<string, { default?: unknown }> } } | undefined;
    const callInputs = (typeof on === 'object' && on?.workflow_call?.inputs) || {};
    for (const [name, spec] of Object.entries(callInputs))
      if (/runs-on|runner/.test(name) && typeof spec?.default === 'string') labels.push(spec.default);
    for (const job of Object.values(doc.jobs ?? {})) {
      const runsOn = job['runs-on'];
      for (const l of Array.isArray(runsOn) ? runsOn : [runsOn])
        if (typeof l === 'string' && !l.includes('${{')) labels.push(l);
    }
  }
  return labels;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

/** The event payload: a plausible one for the event (as GitHub sends it), `payload` merged over it. */
export function eventPayload(options: Pick<RunWorkflowOptions, 'repo' | 'event' | 'payload' | 'inputs' | 'workflow'>) {
  const sha = git(options.repo, ['rev-parse', 'HEAD']);
  const branch = git(options.repo, ['rev-parse', '--abbrev-ref', 'HEAD']);
  const remote = git(options.repo, ['remote', 'get-url', 'origin']);
  const fullName = /github\.com[/:](.+?)(\.git)?$/.exec(remote)?.[1] ?? 'acme/consumer';
  const [owner, name] = fullName.split('/') as [string, string];
  const repository = { name, full_name: fullName, owner: { login: owner }, default_branch: 'main', private: true };
  const ref = `refs/heads/${branch}`;
  let base: Record<string, unknown>;
  switch (options.event) {
    case 'push':
      base = {
        ref,
        before: '0'.repeat(40),
        after: sha,
        repository,
        head_commit: { id: sha, message: git(options.repo, ['log', '-1', '--format=%s']) },
        pusher: { name: owner },
      };
      break;
    case 'workflow_dispatch':
      base = { ref, repository, inputs: options.inputs ?? {} };
      break;
    case 'schedule': {
      const doc = yaml.load(readFileSync(join(options.repo, options.workflow), 'utf8')) as {
        on?: { schedule?: Array<{ cron?: string }> };
      };
      base = { schedule: doc?.on?.schedule?.[0]?.cron ?? '', repository };
      break;
    }
    default:
      base = { repository };
  }
  return { ...base, ...options.payload };
}

/** Parses act's `--json` output into jobs, steps, outputs and summaries. */
export function parseRun(stdout: string, stderr: string, exitCode: number | null, timedOut: boolean): WorkflowRun {
  const lines: ActLine[] = [];
  // What the log shows: every line but act's JSON record of an `::add-mask::` command, whose `arg`
  // and `raw` hold the value being masked (a runner consumes that command; it never reaches the log).
  const shown: string[] = [];
  for (const text of `${stdout}\n${stderr}`.split('\n')) {
    let line: (ActLine & Record<string, unknown>) | undefined;
    if (text.startsWith('{')) {
      try {
        line = JSON.parse(text) as ActLine & Record<string, unknown>;
      } catch {
        // a partial line from a killed act
      }
    }
    if (!line) {
      shown.push(text);
      continue;
    }
    lines.push(line);
    if (line.command === 'add-mask') continue;
    shown.push(text);
    for (const v of Object.values(line)) if (typeof v === 'string') shown.push(v);
  }
  const jobs = new Map<string, JobRecord>();
  for (const line of lines) {
    if (!line.job) continue;
    const name = line.job.trim();
    let job = jobs.get(name);
    if (!job) {
      job = { name, jobID: line.jobID ?? '', steps: [], outputs: {}, summary: '', log: '', errors: [] };
      jobs.set(name, job);
    }
    if (line.jobResult) job.result = line.jobResult;
    if (line.stepResult) {
      job.steps.push({
        name: (line.step ?? '').trim(),
        id: (line.stepID ?? (line as { stepid?: string[] }).stepid ?? []).join('/'),
        stage: line.stage ?? '',
        result: line.stepResult,
      });
    }
    if (line.command === 'set-output' && line.name) job.outputs[line.name] = line.arg ?? '';
    if (line.command === 'summary') job.summary += line.content ?? '';
    if (line.raw_output) job.log += line.msg ?? '';
    if (line.command === 'error' || line.level === 'error') job.errors.push((line.msg ?? '').trim());
  }
  const list = [...jobs.values()];
  const run: WorkflowRun = {
    exitCode,
    timedOut,
    jobs: list,
    lines,
    stdout,
    stderr,
    everything: shown.join('\n'),
    job(match) {
      const found = list.filter((j) => (typeof match === 'string' ? j.name.includes(match) : match.test(j.name)));
      if (found.length !== 1) {
        throw new Error(
          `${found.length} jobs match ${String(match)}; the run has: ${list.map((j) => j.name).join(', ') || 'none'}\n${run.explain()}`,
        );
      }
      return found[0]!;
    },
    explain() {
      const parts = [`act exit code ${exitCode}${timedOut ? ' (killed: timed out)' : ''}`];
      for (const j of list) {
        parts.push(`job ${j.name}: ${j.result ?? 'unfinished'}`);
        for (const s of j.steps)
          parts.push(`  ${s.result.padEnd(8)} ${s.stage ? `${s.stage} ` : ''}${s.name.split('\n')[0]}`);
        for (const e of j.errors.slice(-5)) parts.push(`  error: ${e.slice(0, 600)}`);
      }
      const tail = stdout
        .split('\n')
        .slice(-15)
        .map((l) => {
          try {
            return (JSON.parse(l) as ActLine).msg?.trimEnd() ?? l;
          } catch {
            return l;
          }
        });
      parts.push('--- last lines:', ...tail, '--- stderr:', stderr.slice(-1500));
      return parts.join('\n');
    },
  };
  return run;
}
