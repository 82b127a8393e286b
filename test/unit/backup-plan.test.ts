import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import {
  bucketNameProblem,
  closestName,
  loadBackupPlan,
  objectLockAt,
  parseBackupPlan,
  planPath,
  readBackupPlan,
} from '../../src/lib/backup/plan.js';
import { checkSource, GuardFailure } from '../../src/lib/backup/guards.js';
import { ConfigurationError, ConfigurationErrors, GateFailure } from '../../src/lib/runtime/errors.js';
import { fileURLToPath } from 'node:url';

const FILE = 'k8s/environments/staging/backup.yaml';
// (test/unit/manifests.test.ts renders every environment of this repository: backup.yaml is no overlay)
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationErrors) return [...error.problems];
    if (error instanceof ConfigurationError) return [error.message];
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseBackupPlan', () => {
  test('a minimal plan gets every default', () => {
    const plan = parseBackupPlan('backupBucket: acme-backup\nlake: { bucket: acme-lake }\n', FILE, 'staging');
    expect(plan).toEqual({
      environment: 'staging',
      backupBucket: 'acme-backup',
      prefix: 'phlo-backup/staging/',
      database: {},
      lake: { bucket: 'acme-lake', prefixes: [''], exclude: ['tmp/*'], concurrency: 32 },
      verify: { sample: 32 },
      guards: { maxShrinkPercent: 20 },
      retention: { keepLast: 7, daily: 7, weekly: 4, monthly: 6, maxDelete: 1000, incompleteGraceHours: 24 },
      freshness: { maxAgeHours: 26 },
    });
  });

  test('database sections: empty or true mean the defaults, false means off', () => {
    const plan = parseBackupPlan(
      'backupBucket: acme-backup\ndatabase:\n  postgres:\n  rds: { instance: phlo-db }\ncluster: true\n',
      FILE,
      'staging',
    );
    expect(plan.database).toEqual({
      postgres: { keyTables: ['runs', 'event_logs'] },
      rds: { instance: 'phlo-db', minRetentionDays: 7 },
    });
    expect(plan.cluster).toEqual({ includeSecretValues: false });
    expect(plan.lake).toBeUndefined();
    const off = parseBackupPlan(
      'backupBucket: acme-backup\ndatabase: { postgres: false }\ncluster: {}\n',
      FILE,
      'staging',
    );
    expect(off.database).toEqual({});
  });

  test('every problem at once, each naming the file, the field, the value and the expected form', () => {
    const problems = problemsOf(() =>
      parseBackupPlan(
        [
          'environment: production',
          'backupBucket: Acme_Backup',
          'prefix: /backups',
          'database:',
          '  rds: { instance: 1db--x, minRetentionDays: 90 }',
          '  postgres: { keyTables: [runs, "drop table;"] }',
          'lake: { bucket: ab, prefixes: [warehouse/, warehouse/iceberg/], concurrency: 0 }',
          'retention: { keeplast: 3, daily: -1, maxDelete: 1.5 }',
          'guards: { maxShrinkPercent: 150 }',
          'verfy: { sample: 3 }',
        ].join('\n'),
        FILE,
        'staging',
      ),
    );
    const expected = [
      /^k8s\/environments\/staging\/backup\.yaml: verfy: unknown key \(did you mean 'verify'\?\); expected one of environment, /,
      /: environment: is 'production' but the file is in the folder for 'staging'; expected 'staging'\.$/,
      /: backupBucket: 'Acme_Backup' has characters other than lowercase letters, digits, dots and hyphens; expected an S3 bucket name/,
      /: prefix: '\/backups' starts with '\/'; expected a key prefix ending in '\/'/,
      /: database\.rds\.instance: is '1db--x'; expected an RDS DB instance identifier/,
      /: database\.rds\.minRetentionDays: is 90; expected a whole number from 1 to 35 \(default 7\)\.$/,
      /: database\.postgres\.keyTables: has 'drop table;'; expected table names/,
      /: lake\.bucket: 'ab' has 2 characters \(3 to 63 allowed\); expected an S3 bucket name/,
      /: lake\.prefixes: 'warehouse\/iceberg\/' is inside 'warehouse\/' .*; expected prefixes that do not overlap\.$/,
      /: lake\.concurrency: is 0; expected a whole number from 1 to 1000 \(default 32\)\.$/,
      /: retention\.keeplast: unknown key \(did you mean 'keepLast'\?\); expected one of keepLast, daily, weekly, monthly, maxDelete, incompleteGraceHours\.$/,
      /: retention\.daily: is -1; expected a whole number from 0 to 10000 \(default 7\)\.$/,
      /: retention\.maxDelete: is 1\.5; expected a whole number/,
      /: guards\.maxShrinkPercent: is 150; expected a number from 0 to 100 \(default 20\)\.$/,
    ];
    for (const e of expected) expect(problems.some((p) => e.test(p))).toBe(true);
    expect(problems).toHaveLength(expected.length);
    for (const p of problems) expect(p.startsWith(`${FILE}: `)).toBe(true);
  });

  test('a missing backup bucket, a plan that backs up nothing, a list where a mapping belongs', () => {
    expect(problemsOf(() => parseBackupPlan('retention: [1]\n', FILE, 'staging'))).toEqual([
      `${FILE}: backupBucket: is missing (and input backup-bucket is empty); expected an S3 bucket name: 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.`,
      `${FILE}: retention: is a list; expected a mapping with keepLast, daily, weekly, monthly, maxDelete, incompleteGraceHours.`,
      `${FILE}: database: the plan backs up nothing (no database, lake or cluster); expected at least one of database.postgres, database.rds, lake, cluster.`,
    ]);
  });

  test('not YAML, several documents, an alias bomb: one clear line each', () => {
    expect(problemsOf(() => parseBackupPlan('a: [1', FILE, 'staging'))[0]).toMatch(
      /^k8s\/environments\/staging\/backup\.yaml: malformed YAML at line \d+/,
    );
    expect(problemsOf(() => parseBackupPlan('a: 1\n---\nb: 2\n', FILE, 'staging'))[0]).toBe(
      `${FILE}: has 2 YAML documents; expected one YAML mapping (see the README's backup plan).`,
    );
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`);
    expect(problemsOf(() => parseBackupPlan(bomb.join('\n'), FILE, 'staging'))[0]).toMatch(/alias/);
  });

  test('inputs override the buckets and prefix, and are checked as inputs', () => {
    const text = 'backupBucket: acme-backup\nlake: { bucket: acme-lake }\n';
    const plan = parseBackupPlan(text, FILE, 'staging', {
      backupBucket: 'other-backup',
      lakeBucket: 'other-lake',
      prefix: 'nightly/',
    });
    expect([plan.backupBucket, plan.lake?.bucket, plan.prefix]).toEqual(['other-backup', 'other-lake', 'nightly/']);
    expect(problemsOf(() => parseBackupPlan(text, FILE, 'staging', { backupBucket: 'x', prefix: 'no-slash' }))).toEqual(
      [
        "Input 'backup-bucket' is 'x': it has 1 characters (3 to 63 allowed); expected an S3 bucket name: 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.",
        "Input 'prefix' is 'no-slash': it does not end in '/'; expected a key prefix ending in '/' with no leading '/', no empty segment and no '.' or '..' segment.",
      ],
    );
    // a lake-bucket input gives a plan without a lake section a lake (whole bucket)
    expect(
      parseBackupPlan('backupBucket: acme-backup\ncluster: {}\n', FILE, 'staging', { lakeBucket: 'acme-lake' }).lake,
    ).toEqual({
      bucket: 'acme-lake',
      prefixes: [''],
      exclude: ['tmp/*'],
      concurrency: 32,
    });
  });

  test('a backup inside the lake it backs up is refused', () => {
    const problems = problemsOf(() =>
      parseBackupPlan(
        'backupBucket: acme-data\nprefix: warehouse/backup/\nlake: { bucket: acme-data, prefixes: [warehouse/] }\n',
        FILE,
        'staging',
      ),
    );
    expect(problems).toEqual([
      `${FILE}: prefix: 'warehouse/backup/' in bucket 'acme-data' overlaps the lake prefix 'warehouse/' in the same bucket (the backup would copy itself); expected another backup bucket, or a prefix outside every lake prefix.`,
    ]);
    // the same bucket with disjoint prefixes is fine
    expect(
      parseBackupPlan(
        'backupBucket: acme-data\nprefix: backup/\nlake: { bucket: acme-data, prefixes: [warehouse/] }\n',
        FILE,
        'staging',
      ).prefix,
    ).toBe('backup/');
  });

  test('objectLock: a mode (GOVERNANCE by default) and days; the retention of a copy made now', () => {
    const plan = parseBackupPlan('backupBucket: acme-backup\ncluster: {}\nobjectLock: { days: 35 }\n', FILE, 'staging');
    expect(plan.objectLock).toEqual({ mode: 'GOVERNANCE', days: 35 });
    expect(objectLockAt(plan, new Date('2026-11-29T02:00:00Z'))).toEqual({
      mode: 'GOVERNANCE',
      retainUntil: new Date('2027-01-03T02:00:00Z'),
    });
    expect(
      objectLockAt(parseBackupPlan('backupBucket: acme-backup\ncluster: {}\n', FILE, 'staging'), new Date()),
    ).toBeUndefined();
    expect(
      problemsOf(() =>
        parseBackupPlan('backupBucket: acme-backup\ncluster: {}\nobjectLock: { mode: strict }\n', FILE, 'staging'),
      ),
    ).toEqual([
      `${FILE}: objectLock.mode: is 'strict'; expected GOVERNANCE (the default) or COMPLIANCE.`,
      `${FILE}: objectLock.days: is missing; expected a whole number of days from 1 to 36500.`,
    ]);
  });

  test('credentials in a value are never shown', () => {
    const problems = problemsOf(() =>
      parseBackupPlan(
        'backupBucket: acme-backup\ndatabase: { postgres: { keyTables: ["postgresql://u:hunter2@db/x"] } }\n',
        FILE,
        'staging',
      ),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.join('\n')).toContain('postgresql://***@db/x');
  });
});

describe('bucket names and suggestions', () => {
  test.each([
    ['acme-backup', undefined],
    ['a.b.c', undefined],
    ['ab', /3 to 63/],
    ['x'.repeat(64), /3 to 63/],
    ['Acme', /characters other than/],
    ['-acme', /start and end/],
    ['acme.', /start and end/],
    ['a..b', /adjacent dots/],
    ['192.168.5.4', /IP address/],
    ['xn--acme', /reserved 'xn--'/],
    ['acme-s3alias', /reserved '-s3alias'/],
  ])('%s', (name, problem) => {
    const found = bucketNameProblem(name);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  test('closestName', () => {
    expect(closestName('keeplast', ['keepLast', 'daily'])).toBe('keepLast');
    expect(closestName('keepLsat', ['keepLast', 'daily'])).toBe('keepLast');
    expect(closestName('dayly', ['keepLast', 'daily'])).toBe('daily');
    expect(closestName('bucketName', ['bucket', 'prefixes'])).toBe('bucket');
    expect(closestName('zzzzzz', ['keepLast', 'daily'])).toBeUndefined();
  });
});

describe('loadBackupPlan', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'backup-plan-'));
    mkdirSync(path.join(workspace, 'k8s/environments/staging'), { recursive: true });
  });
  afterEach(() => rmSync(workspace, { recursive: true, force: true }));

  test('reads the file beside the manifests, with its digest', async () => {
    const text = 'environment: staging\nbackupBucket: acme-backup\ncluster: {}\n';
    writeFileSync(planPath(workspace, 'staging'), text);
    expect(planPath(workspace, 'staging')).toBe(path.join(workspace, 'k8s/environments/staging/backup.yaml'));
    const plan = await loadBackupPlan(workspace, 'staging', { backupBucket: 'override-backup' });
    expect(plan.backupBucket).toBe('override-backup');
    const loaded = readBackupPlan(workspace, 'staging');
    expect(loaded.file).toBe('k8s/environments/staging/backup.yaml');
    expect(loaded.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  test('a missing plan, a plan outside the workspace, a bad environment name', async () => {
    await expect(loadBackupPlan(workspace, 'staging', {})).rejects.toThrow(
      /^k8s\/environments\/staging\/backup\.yaml: no backup plan for environment 'staging'; expected a file there/,
    );
    const outside = mkdtempSync(path.join(tmpdir(), 'backup-plan-outside-'));
    writeFileSync(path.join(outside, 'backup.yaml'), 'backupBucket: acme-backup\ncluster: {}\n');
    symlinkSync(path.join(outside, 'backup.yaml'), planPath(workspace, 'staging'));
    expect(() => readBackupPlan(workspace, 'staging')).toThrow(/outside the workspace/);
    rmSync(outside, { recursive: true, force: true });
    expect(() => readBackupPlan(workspace, '../etc')).toThrow(ConfigurationError);
  });

  test('input plan names another file in the workspace', () => {
    writeFileSync(path.join(workspace, 'plan.yaml'), 'backupBucket: acme-backup\ncluster: {}\n');
    expect(readBackupPlan(workspace, 'staging', { file: 'plan.yaml' }).file).toBe('plan.yaml');
  });

  test.each(['local', 'staging', 'production'])('the repository example for %s is valid', (env) => {
    const { plan } = readBackupPlan(REPO, env);
    expect(plan.environment).toBe(env);
    expect(plan.prefix).toBe(`phlo-backup/${env}/`);
  });
});

describe('checkSource', () => {
  const last = { objects: 1000, bytes: 1_000_000 };
  test('a source that grew or shrank within the threshold passes', () => {
    expect(checkSource({ objects: 1200, bytes: 2_000_000 }, last, 20)).toEqual({ ok: true });
    expect(checkSource({ objects: 800, bytes: 800_000 }, last, 20)).toEqual({ ok: true });
    expect(checkSource({ objects: 5, bytes: 10 }, undefined, 20)).toEqual({ ok: true });
  });

  test('an empty source fails, with or without an earlier set', () => {
    for (const before of [last, undefined]) {
      let error: unknown;
      try {
        checkSource({ objects: 0, bytes: 0 }, before, 20);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GuardFailure);
      expect(error).toBeInstanceOf(GateFailure);
      expect((error as GuardFailure).guard).toBe('empty-source');
      expect((error as Error).message).toMatch(/the lake listing is empty \(0 objects\).*input 'allow-shrink'/);
    }
  });

  test('shrunk past the threshold, by objects or by bytes, fails naming both numbers', () => {
    expect(() => checkSource({ objects: 799, bytes: 1_000_000 }, last, 20)).toThrow(
      /1000 → 799 objects \(−20\.1 %\), more than the plan's guards\.maxShrinkPercent 20 %/,
    );
    expect(() => checkSource({ objects: 1000, bytes: 700_000 }, last, 20)).toThrow(
      /976\.6 KiB → 683\.6 KiB \(−30\.0 %\)/,
    );
  });

  test('an override (a reason) lets it pass and says what it overrode', () => {
    expect(checkSource({ objects: 0, bytes: 0 }, last, 20, 'lake moved to a new bucket')).toEqual({
      ok: true,
      note: 'source guard overridden (lake moved to a new bucket): the lake listing is empty (0 objects), the last complete set had 1000 objects (976.6 KiB)',
    });
    expect(() => checkSource({ objects: 0, bytes: 0 }, last, 20, '  ')).toThrow(GuardFailure);
  });
});
