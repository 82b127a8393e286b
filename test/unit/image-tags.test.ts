import { deriveTags, parseTagRules, slugify, TAG_RULES } from '../../src/lib/image/tags.js';
import { defaultLabels, mergeLabels, OCI, validateLabels } from '../../src/lib/image/labels.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitFacts, sanitizeRemote } from '../../src/lib/image/git.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const all = [...TAG_RULES];

describe('deriveTags', () => {
  test('default branch: branch slug, sha and latest', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/heads/main', defaultBranch: 'main' }, all)).toEqual({
      tags: ['main', 'sha-0123456', 'latest'],
      version: 'main',
    });
  });

  test('other branch: no latest, slugged name', () => {
    const d = deriveTags({ sha: SHA, ref: 'refs/heads/Feature/Add_Thing#2', defaultBranch: 'main' }, all);
    expect(d.tags).toEqual(['feature-add_thing-2', 'sha-0123456']);
    expect(d.tags).not.toContain('latest');
  });

  test('no latest when the default branch is unknown', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/heads/main' }, all).tags).toEqual(['main', 'sha-0123456']);
  });

  test('semver tag: full, minor and major; no latest; version label from semver', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/tags/v1.4.2', defaultBranch: 'main' }, all)).toEqual({
      tags: ['1.4.2', '1.4', '1', 'sha-0123456'],
      version: '1.4.2',
    });
  });

  test('pre-release: only the full version; 0.x gets no bare major', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/tags/v2.0.0-rc.1' }, ['semver']).tags).toEqual(['2.0.0-rc.1']);
    expect(deriveTags({ sha: SHA, ref: 'refs/tags/0.3.1' }, ['semver']).tags).toEqual(['0.3.1', '0.3']);
  });

  test('non-semver git tag yields no version tags', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/tags/release-candidate' }, ['semver', 'sha']).tags).toEqual([
      'sha-0123456',
    ]);
  });

  test('pull request ref → pr-N', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/pull/42/merge', defaultBranch: 'main' }, all).tags).toEqual([
      'pr-42',
      'sha-0123456',
    ]);
  });

  test('only the rules asked for', () => {
    expect(deriveTags({ sha: SHA, ref: 'refs/heads/main', defaultBranch: 'main' }, ['latest']).tags).toEqual([
      'latest',
    ]);
    expect(deriveTags({ sha: SHA, ref: 'refs/heads/main', defaultBranch: 'main' }, []).tags).toEqual([]);
  });

  test('a missing or malformed sha adds no sha tag', () => {
    expect(deriveTags({ sha: '', ref: 'refs/heads/dev' }, ['sha', 'branch']).tags).toEqual(['dev']);
    expect(deriveTags({ sha: 'not-a-sha', ref: '' }, ['sha']).tags).toEqual([]);
  });
});

describe('slugify', () => {
  test.each([
    ['main', 'main'],
    ['feature/x', 'feature-x'],
    ['-.Leading', 'leading'],
    ['dependabot/npm_and_yarn/semver-7.8.6', 'dependabot-npm_and_yarn-semver-7.8.6'],
    ['a'.repeat(300), 'a'.repeat(128)],
  ])('%s → %s', (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });
});

describe('parseTagRules', () => {
  test('accepts known rules, de-duplicates, `none` is empty', () => {
    expect(parseTagRules('tag-rules', ['sha', 'SHA', 'latest'])).toEqual(['sha', 'latest']);
    expect(parseTagRules('tag-rules', ['none'])).toEqual([]);
  });
  test('unknown rule names the input and the value', () => {
    expect(() => parseTagRules('tag-rules', ['sha', 'nightly'])).toThrow("Input 'tag-rules' is 'nightly'");
  });
});

describe('labels', () => {
  test('OCI labels from git facts; explicit labels win', () => {
    const facts = { sha: SHA, ref: 'refs/heads/main', repositoryUrl: 'https://github.com/org/repo' };
    const created = new Date('2026-01-02T03:04:05Z');
    const labels = mergeLabels(
      defaultLabels(facts, created, '1.2.3'),
      new Map([
        [OCI.version, 'custom'],
        ['team', 'data'],
      ]),
    );
    expect(Object.fromEntries(labels)).toEqual({
      [OCI.source]: 'https://github.com/org/repo',
      [OCI.revision]: SHA,
      [OCI.created]: '2026-01-02T03:04:05.000Z',
      [OCI.version]: 'custom',
      team: 'data',
    });
  });

  test('bad label keys and multi-line values are ConfigurationErrors naming the input', () => {
    expect(() => validateLabels('labels', new Map([['bad key', 'x']]))).toThrow(ConfigurationError);
    expect(() => validateLabels('labels', new Map([['bad key', 'x']]))).toThrow("Input 'labels'");
    expect(() => validateLabels('labels', new Map([['ok', 'a\nb']]))).toThrow('single-line');
  });

  test('remote URLs lose credentials and become https', () => {
    expect(sanitizeRemote('https://x-access-token:ghs_secret@github.com/org/repo.git')).toBe(
      'https://github.com/org/repo',
    );
    expect(sanitizeRemote('git@github.com:org/repo.git')).toBe('https://github.com/org/repo');
    expect(sanitizeRemote('file:///tmp/repo')).toBeUndefined();
  });
});

describe('gitFacts', () => {
  const run = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.invalid',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.invalid',
      },
    })
      .toString()
      .trim();

  test("GitHub's environment first: sha, ref, event payload's default branch, repository URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facts-'));
    writeFileSync(join(dir, 'event.json'), JSON.stringify({ repository: { default_branch: 'trunk' } }));
    const facts = await gitFacts({
      exec: spawnExec,
      cwd: dir,
      env: {
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/heads/trunk',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_REPOSITORY: 'org/repo',
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
      },
    });
    expect(facts).toEqual({
      sha: SHA,
      ref: 'refs/heads/trunk',
      defaultBranch: 'trunk',
      repositoryUrl: 'https://ghe.example.com/org/repo',
    });
    const withInput = await gitFacts({
      exec: spawnExec,
      cwd: dir,
      env: { GITHUB_SHA: SHA, GITHUB_REF: 'refs/heads/trunk', GITHUB_EVENT_PATH: join(dir, 'event.json') },
      defaultBranch: 'main',
    });
    expect(withInput.defaultBranch).toBe('main');
  });

  test('falls back to git: HEAD, the branch, a tag on a detached HEAD, a credential-free remote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facts-git-'));
    run(dir, 'init', '-q', '-b', 'develop');
    run(dir, 'commit', '-q', '--allow-empty', '-m', 'x');
    run(dir, 'remote', 'add', 'origin', 'https://user:token@github.com/org/repo.git');
    const head = run(dir, 'rev-parse', 'HEAD');
    expect(await gitFacts({ exec: spawnExec, cwd: dir, env: { PATH: process.env.PATH } })).toEqual({
      sha: head,
      ref: 'refs/heads/develop',
      repositoryUrl: 'https://github.com/org/repo',
    });
    run(dir, 'tag', 'v2.3.4');
    run(dir, 'checkout', '-q', '--detach');
    const facts = await gitFacts({ exec: spawnExec, cwd: dir, env: { PATH: process.env.PATH } });
    expect(facts.ref).toBe('refs/tags/v2.3.4');
    expect(deriveTags(facts, ['semver']).tags).toEqual(['2.3.4', '2.3', '2']);
  });
});
