// A fresh clone must hold every build input. Once a bare `.gitignore` rule (`build/`) hid
// stack/kube/build/go.mod, and CI stayed green only because its machine had the binaries cached.
// These tests keep that hole shut: nothing under a source folder is ignored unless it is on a short
// allowlist of generated paths, and the stack's build cache is keyed by the inputs it is built from
// (a missing input is an error naming the file even when a cache entry exists; a changed input makes
// a new entry).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/action-runner.js';

const SOURCE_FOLDERS = [
  'src',
  'stack',
  'test',
  'scripts',
  'bench',
  'examples',
  'k8s',
  'actions',
  'workflows',
  '.github',
];
// Generated paths that may exist under source folders and are rightly ignored.
const ALLOWED: RegExp[] = [
  /^examples\/app\/bin\//, // the demo's build of the example app
  /^bench\/results\/tmp\//, // scratch files of a benchmark run
  /\.log$/, // logs a script or benchmark leaves
];

function ignoredUnder(root: string, folders: string[]): string[] {
  const out = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', ...folders], {
    cwd: root,
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

describe('nothing a fresh clone needs is hidden by .gitignore', () => {
  test('no ignored file under a source folder except the allowlisted generated paths', () => {
    const bad = ignoredUnder(repoRoot, SOURCE_FOLDERS).filter((p) => !ALLOWED.some((re) => re.test(p)));
    expect(bad).toEqual([]); // each is either a build input to commit or a generated path to allowlist here
  });

  test('the check sees an ignored source file (a bare rule such as `build/` in a scratch clone)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phlo-ignore-'));
    try {
      execFileSync('git', ['init', '-q', dir]);
      mkdirSync(join(dir, 'stack', 'kube', 'build'), { recursive: true });
      writeFileSync(join(dir, 'stack', 'kube', 'build', 'go.mod'), 'module x\n');
      writeFileSync(join(dir, '.gitignore'), 'build/\n');
      expect(ignoredUnder(dir, ['stack'])).toEqual(['stack/kube/build/go.mod']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every .gitignore rule is anchored or a file pattern, never a bare folder name', () => {
    const rules = readFileSync(join(repoRoot, '.gitignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const bare = rules.filter((r) => !r.startsWith('/') && !r.startsWith('!/') && !r.startsWith('*'));
    expect(bare).toEqual([]);
  });
});

describe('the stack build cache is keyed by its inputs', () => {
  let work: string;
  let cache: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'phlo-cache-key-'));
    cache = join(work, 'cache');
    mkdirSync(cache);
    // A copy of the stack's scripts and etcd's build module: the test edits the copy, never the clone.
    cpSync(join(repoRoot, 'stack', 'lib.sh'), join(work, 'stack', 'lib.sh'));
    cpSync(join(repoRoot, 'stack', 'components'), join(work, 'stack', 'components'), { recursive: true });
    cpSync(join(repoRoot, 'stack', 'kube', 'etcd'), join(work, 'stack', 'kube', 'etcd'), { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const etcd = (command: string) =>
    spawnSync('bash', [join(work, 'stack', 'components', 'etcd.sh'), command], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PHLO_CACHE: cache, PHLO_STACK_DIR: join(work, 'run') },
      encoding: 'utf8',
    });
  // The entry etcd.sh would use, as the script itself computes it.
  const entry = () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        // etcd.sh's own lines: its version, module, recipe and the cache_entry call with its inputs.
        `source "$1/stack/lib.sh"; source <(sed -n '/^ETCD_VERSION=/p; /^ETCD_MODULE=/p; /^recipe() (/,/^)/p; /^ETCD_ENTRY=/p' "$1/stack/components/etcd.sh"); printf '%s\\n' "$ETCD_ENTRY"`,
        'x',
        work,
      ],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PHLO_CACHE: cache, PHLO_STACK_DIR: join(work, 'run') },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };
  // A complete entry for the current inputs, so `build` has nothing to do unless the key changed.
  const fakeBuilt = (dir: string) => {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin', 'etcd'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, '.complete'), '0\n');
  };

  test('a cached entry for the current inputs is used as it is', () => {
    fakeBuilt(entry());
    const r = etcd('build');
    expect(r.stderr).not.toMatch(/building/);
    expect(r.status).toBe(0);
  });

  test('a missing go.sum is an error naming the file, although a matching cache entry exists', () => {
    fakeBuilt(entry());
    rmSync(join(work, 'stack', 'kube', 'etcd', 'go.sum'));
    const r = etcd('build');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('build input stack/kube/etcd/go.sum is missing');
    expect(r.stderr).not.toMatch(/building/);
  });

  test('a changed go.sum gives another cache key', () => {
    const before = entry();
    writeFileSync(join(work, 'stack', 'kube', 'etcd', 'go.sum'), '\n', { flag: 'a' });
    const after = entry();
    expect(after).not.toBe(before);
    expect(after).toMatch(/\/etcd-v3\.6\.4-[0-9a-f]{12}$/);
  });

  test('a changed build recipe (its flags) gives another cache key', () => {
    const before = entry();
    const script = join(work, 'stack', 'components', 'etcd.sh');
    writeFileSync(script, readFileSync(script, 'utf8').replace('-ldflags="-s -w"', '-ldflags="-s"'));
    expect(entry()).not.toBe(before);
  });

  test('a helper function the recipe names as an input (fn:NAME) is part of the key; an undefined one is an error', () => {
    const key = (helper: string) =>
      spawnSync(
        'bash',
        [
          '-c',
          `source "$1/stack/lib.sh"; ${helper}; recipe() ( helper ); cache_entry tool v1 recipe fn:helper`,
          'x',
          work,
        ],
        {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, PHLO_CACHE: cache, PHLO_STACK_DIR: join(work, 'run') },
          encoding: 'utf8',
        },
      );
    const a = key("helper() { echo '-s -w'; }");
    const b = key("helper() { echo '-s'; }");
    expect(a.status).toBe(0);
    expect(a.stdout.trim()).toMatch(/\/tool-v1-[0-9a-f]{12}$/);
    expect(b.stdout.trim()).not.toBe(a.stdout.trim());
    const missing = key(':');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("the recipe's helper function helper is not defined");
  });

  test.each([
    ['kube_ldflags', ['kube.sh', 'kubectl.sh', 'node.sh']],
    ['go_gcflags', ['etcd.sh', 'kube.sh', 'kubectl.sh', 'kwok.sh', 'minio.sh', 'node.sh', 'trivy.sh']],
  ])('every recipe that calls %s names it as a cache input', (helper, expected) => {
    const dir = join(repoRoot, 'stack', 'components');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh'));
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    const callers = scripts.filter((f) => text(f).includes(`$(${helper}`));
    expect(callers.sort()).toEqual(expected);
    for (const f of callers) {
      const entries = text(f).match(/cache_entry .*$/gm) ?? [];
      expect({ f, named: entries.some((line) => line.includes(`fn:${helper}`)) }).toEqual({ f, named: true });
    }
  });

  test('every Go build of the stack compiles with go_gcflags', () => {
    const dir = join(repoRoot, 'stack', 'components');
    const text = (f: string) => readFileSync(join(dir, f), 'utf8');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh'));
    const goBuilds = scripts.filter((f) => /\bgo (build|install)\b/.test(text(f)));
    expect(goBuilds.length).toBeGreaterThan(0);
    expect(goBuilds.filter((f) => !text(f).includes('$(go_gcflags')).sort()).toEqual([]);
  });

  test('old entries are pruned: the two most recently used per component are kept', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `source "$1/stack/lib.sh"; for k in a b c d; do mkdir -p "$PHLO_CACHE/etcd-v3.6.$k-000000000000"; done
         touch -d '2026-01-01 00:01' "$PHLO_CACHE/etcd-v3.6.a-000000000000"; touch -d '2026-01-01 00:02' "$PHLO_CACHE/etcd-v3.6.b-000000000000"
         touch -d '2026-01-01 00:03' "$PHLO_CACHE/etcd-v3.6.c-000000000000"; touch -d '2026-01-01 00:04' "$PHLO_CACHE/etcd-v3.6.d-000000000000"
         mkdir -p "$PHLO_CACHE/etcdctl-v1-000000000000"
         prune_cache etcd "$PHLO_CACHE/etcd-v3.6.a-000000000000"; ls "$PHLO_CACHE"`,
        'x',
        work,
      ],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PHLO_CACHE: cache, PHLO_STACK_DIR: join(work, 'run') },
        encoding: 'utf8',
      },
    );
    // The entry in use (a, the oldest) and the newest other one (d) stay; another component is untouched.
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'etcd-v3.6.a-000000000000',
      'etcd-v3.6.d-000000000000',
      'etcdctl-v1-000000000000',
    ]);
  });
});
