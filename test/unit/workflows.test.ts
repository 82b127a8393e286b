// Static checks of the workflows and caller templates: every `uses:` of this repository's actions
// names one that exists and passes its required inputs (and no input it does not declare); reusable
// workflows are called with their required inputs; the pins in .github/workflows match package.json;
// the release script rewrites them and moves the major tag.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/action-runner.js';

type Step = { uses?: string; with?: Record<string, unknown> };
type Job = { uses?: string; with?: Record<string, unknown>; steps?: Step[] };
type Workflow = { on: unknown; jobs: Record<string, Job> };
type ActionYml = { inputs?: Record<string, { required?: boolean; default?: string }> };

const workflowFiles = [
  ...readdirSync(join(repoRoot, '.github', 'workflows')).map((f) => join('.github', 'workflows', f)),
  ...readdirSync(join(repoRoot, 'workflows')).map((f) => join('workflows', f)),
].filter((f) => /\.ya?ml$/.test(f));

const load = <T>(rel: string): T => yaml.load(readFileSync(join(repoRoot, rel), 'utf8')) as T;
const OWN = /^org\/phlo-deploy(\/(?<path>[^@]+))?@(?<ref>.+)$/;

function ownUses(): Array<{ file: string; uses: string; with: Record<string, unknown>; kind: 'step' | 'job' }> {
  const found: Array<{ file: string; uses: string; with: Record<string, unknown>; kind: 'step' | 'job' }> = [];
  for (const file of workflowFiles) {
    const wf = load<Workflow>(file);
    for (const job of Object.values(wf.jobs)) {
      if (job.uses && OWN.test(job.uses)) found.push({ file, uses: job.uses, with: job.with ?? {}, kind: 'job' });
      for (const step of job.steps ?? []) {
        if (step.uses && OWN.test(step.uses))
          found.push({ file, uses: step.uses, with: step.with ?? {}, kind: 'step' });
      }
    }
  }
  return found;
}

test('the workflows use this repository somewhere (the checks below are not vacuous)', () => {
  expect(ownUses().length).toBeGreaterThanOrEqual(3);
});

test.each(ownUses().map((u) => [`${u.file}: ${u.uses}`, u] as const))(
  '%s exists and gets its required inputs',
  (_label, u) => {
    const path = OWN.exec(u.uses)!.groups!.path;
    if (u.kind === 'step') {
      const file = path ? join(path, 'action.yml') : 'action.yml';
      expect(existsSync(join(repoRoot, file))).toBe(true);
      const inputs = load<ActionYml>(file).inputs ?? {};
      for (const [name, spec] of Object.entries(inputs))
        if (spec.required) expect([name, u.with[name]]).toEqual([name, expect.anything()]);
      for (const name of Object.keys(u.with)) expect([name, name in inputs]).toEqual([name, true]);
    } else {
      expect(existsSync(join(repoRoot, path!))).toBe(true);
      const wf = load<{
        on: { workflow_call: { inputs?: Record<string, { required?: boolean }>; secrets?: Record<string, unknown> } };
      }>(path!);
      const inputs = wf.on.workflow_call.inputs ?? {};
      for (const [name, spec] of Object.entries(inputs))
        if (spec.required) expect([name, u.with[name]]).toEqual([name, expect.anything()]);
      for (const name of Object.keys(u.with)) expect([name, name in inputs]).toEqual([name, true]);
    }
  },
);

test('every third-party action is pinned by commit SHA with a version comment', () => {
  for (const file of workflowFiles) {
    for (const line of readFileSync(join(repoRoot, file), 'utf8').split('\n')) {
      const m = /^\s*-?\s*uses:\s*([^\s#]+)(\s*#\s*(\S+))?/.exec(line);
      if (!m || m[1]!.startsWith('org/phlo-deploy') || m[1]!.startsWith('./')) continue;
      expect([file, m[1]]).toEqual([file, expect.stringMatching(/@[0-9a-f]{40}$/)]);
      expect([file, m[3]]).toEqual([file, expect.stringMatching(/^v\d/)]);
    }
  }
});

test('the reusable workflows pin this repository at the version in package.json', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const pins = ownUses()
    .filter((u) => u.file.startsWith('.github'))
    .map((u) => OWN.exec(u.uses)!.groups!.ref);
  expect(pins.length).toBeGreaterThan(0);
  expect(new Set(pins)).toEqual(new Set([`v${version}`]));
});

test('the release script bumps the version, rewrites the pins, tags and moves the major tag', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phlo-release-'));
  try {
    for (const part of ['package.json', '.github', 'scripts'])
      cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'root');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
    const env = {
      ...process.env,
      PHLO_RELEASE_ROOT: dir,
      PHLO_RELEASE_SKIP_BUILD: '1',
      NODE_PATH: join(repoRoot, 'node_modules'),
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    // The script imports semver from the repository's node_modules.
    cpSync(join(repoRoot, 'node_modules', 'semver'), join(dir, 'node_modules', 'semver'), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'deps', '--allow-empty');
    execFileSync(process.execPath, [join(dir, 'scripts', 'release.mjs'), '9.4.2'], { cwd: dir, env, encoding: 'utf8' });
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version).toBe('9.4.2');
    expect(readFileSync(join(dir, '.github', 'workflows', 'deploy.yml'), 'utf8')).toContain(
      'uses: org/phlo-deploy@v9.4.2',
    );
    expect(git('rev-parse', 'v9.4.2^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(git('rev-parse', 'v9^{commit}')).toBe(git('rev-parse', 'HEAD'));
    expect(git('log', '-1', '--format=%s')).toBe('Release v9.4.2');
    // A second release moves the major tag again; a lower version is refused.
    let refused = '';
    try {
      execFileSync(process.execPath, [join(dir, 'scripts', 'release.mjs'), '9.4.1'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      refused = String((error as { stderr?: string }).stderr);
    }
    expect(refused).toContain('9.4.1 is not above the current version 9.4.2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
