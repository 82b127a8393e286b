/**
 * The restore's settings (confirm means a dry run unless it equals the environment; every problem at
 * once, each naming its input), the names it generates, and the one concurrency group restore and
 * backup share (a restore waits for a running backup, so retention never deletes the set it reads).
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { ConfigurationErrors } from '../../src/lib/runtime/errors.js';
import { parseRestoreSettings } from '../../src/lib/restore/settings.js';
import { RDS_ID, restoredInstanceId } from '../../src/lib/restore/plan.js';
import { restoredDatabaseName } from '../../src/lib/restore/postgres.js';
import { repoRoot } from '../helpers/action-runner.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'restore-settings-'));
const env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace, AWS_REGION: 'eu-west-1' };
const parse = (inputs: Record<string, string>, masked: string[] = []) =>
  parseRestoreSettings(
    new Inputs(fromRecord({ environment: 'production', 'backup-bucket': 'acme-backups', ...inputs })),
    env,
    (s) => masked.push(s),
  );

describe('parseRestoreSettings', () => {
  test('defaults: latest set, everything, target new, a dry run', () => {
    const s = parse({});
    expect(s.backupSet).toBe('latest');
    expect(s.what).toEqual(['database', 'lake', 'cluster']);
    expect(s.whatExplicit).toBe(false);
    expect(s.target).toBe('new');
    expect(s.confirmed).toBe(false);
    expect(s.backup).toEqual({ bucket: 'acme-backups', prefix: 'phlo-backup/production/' });
    expect(s.aws.region).toBe('eu-west-1');
  });

  test('confirm equal to the environment confirms; blank is a dry run; anything else is an error naming confirm', () => {
    expect(parse({ confirm: 'production' }).confirmed).toBe(true);
    expect(parse({ confirm: '' }).confirmed).toBe(false);
    expect(() => parse({ confirm: 'Production' })).toThrow(
      "Input 'confirm' is 'Production': expected the environment's name ('production') to write, or nothing for a dry run.",
    );
  });

  test('every problem at once, each naming its input', () => {
    let error: unknown;
    try {
      parse({
        'backup-set': 'yesterday',
        what: 'lake,tables',
        'point-in-time': '2026-11-29 14:05',
        target: 'over',
        confirm: 'prod',
        'max-delete': '-1',
        'namespace-map': 'dagster',
        'target-bucket': 'Bad_Bucket',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationErrors);
    const text = (error as ConfigurationErrors).problems.join('\n');
    for (const input of [
      'backup-set',
      'what',
      'point-in-time',
      'target',
      'confirm',
      'max-delete',
      'namespace-map',
      'target-bucket',
    ])
      expect(text).toContain(`Input '${input}'`);
  });

  test('point-in-time needs database in what; delete-extra needs an existing target', () => {
    expect(() => parse({ what: 'lake', 'point-in-time': '2026-11-29T14:05:00Z' })).toThrow(/does not include database/);
    expect(parse({ what: 'database', 'point-in-time': '2026-11-29T14:05:00Z' }).pointInTime?.toISOString()).toBe(
      '2026-11-29T14:05:00.000Z',
    );
    expect(() => parse({ 'delete-extra': 'true' })).toThrow(/nothing to delete/);
    expect(parse({ 'delete-extra': 'true', target: 'in-place' }).deleteExtra).toBe(true);
  });

  test('the database URL and its password are masked before anything else', () => {
    const masked: string[] = [];
    parse({ 'database-url': 'postgres://restore:s3cr%21t@db.internal:5432/postgres' }, masked);
    expect(masked).toContain('postgres://restore:s3cr%21t@db.internal:5432/postgres');
    expect(masked).toContain('s3cr!t');
  });

  test('the drill confirms itself, targets new, and refuses a chosen prefix', () => {
    const s = parse({ drill: 'true' });
    expect(s.drill).toBe(true);
    expect(s.confirmed).toBe(true);
    expect(() => parse({ drill: 'true', target: 'in-place' })).toThrow(/throwaway targets only/);
    expect(() => parse({ drill: 'true', 'target-prefix': 'x/' })).toThrow(/chooses its own throwaway prefix/);
  });
});

describe('generated names', () => {
  test('RDS identifiers are valid, at most 63 characters, and never end in a hyphen', () => {
    for (const source of ['phlo-prod', 'a', 'Phlo_Metadata--DB', `x${'-y'.repeat(40)}`, '9lives'])
      expect(restoredInstanceId(source, '20261129T160312Z')).toMatch(RDS_ID);
    expect(restoredInstanceId('phlo-prod', '20261129T160312Z')).toBe('phlo-prod-r20261129t160312z');
  });

  test('database names fit in 63 bytes', () => {
    expect(restoredDatabaseName('dagster', '20261129T160312Z')).toBe('dagster_restore_20261129t160312z');
    expect(restoredDatabaseName('d'.repeat(80), '20261129T160312Z').length).toBe(63);
    expect(restoredDatabaseName('dagster', '20261129T160312Z', true)).toBe('dagster_drill_20261129t160312z');
  });
});

test('restore and backup hold the same concurrency group, never cancelling', () => {
  type Wf = {
    concurrency?: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { concurrency?: Wf['concurrency']; environment?: { name: string } }>;
  };
  const load = (f: string): Wf => yaml.load(readFileSync(path.join(repoRoot, '.github', 'workflows', f), 'utf8')) as Wf;
  const groups = (wf: Wf) => [wf.concurrency, ...Object.values(wf.jobs).map((j) => j.concurrency)].filter(Boolean);
  const restore = groups(load('restore.yml'));
  const backup = groups(load('backup.yml'));
  expect(restore.map((c) => c!.group)).toEqual(['phlo-backup-${{ inputs.environment }}']);
  expect(backup.map((c) => c!.group)).toContain(restore[0]!.group);
  expect(restore[0]!['cancel-in-progress']).toBe(false);
  expect(load('restore.yml').jobs.restore!.environment!.name).toBe('${{ inputs.environment }}');
});
