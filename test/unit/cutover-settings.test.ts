/**
 * The cutover's settings: a dry run unless confirm equals the environment; the new settings required;
 * Secret values masked before anything else; the health gate's own parser over the `health-*` inputs;
 * every problem at once, each naming its input as the action does.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { ConfigurationErrors } from '../../src/lib/runtime/errors.js';
import { DEFAULT_RESTART, parseCutoverSettings } from '../../src/lib/restore/cutover-settings.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'cutover-settings-'));
mkdirSync(path.join(workspace, 'k8s', 'environments', 'production'), { recursive: true });
writeFileSync(path.join(workspace, 'k8s', 'environments', 'production', 'settings.yaml'), 'environment: production\n');
const env = { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace };
const parse = (inputs: Record<string, string>, masked: string[] = []) =>
  parseCutoverSettings(
    new Inputs(fromRecord({ environment: 'production', set: 'S3_WAREHOUSE=s3://lake/restore-x/', ...inputs })),
    env,
    (s) => masked.push(s),
  );

describe('parseCutoverSettings', () => {
  test('defaults: a dry run restarting the Dagster and Nessie workloads, no health gate', () => {
    const s = parse({});
    expect(s.confirmed).toBe(false);
    expect(s.variables).toEqual(new Map([['S3_WAREHOUSE', 's3://lake/restore-x/']]));
    expect(DEFAULT_RESTART).toEqual(['dagster/*', 'data-warehouse/nessie']);
    expect(s.restart).toEqual([
      { namespace: 'dagster', name: '*' },
      { namespace: 'data-warehouse', name: 'nessie' },
    ]);
    expect(s.secret).toEqual({ name: 'phlo-secrets', namespace: 'dagster' });
    expect(s.health).toBeUndefined();
    expect(s.rolloutTimeoutMs).toBe(600_000);
    expect(s.reportPath).toBe(path.join(workspace, 'phlo-deploy', 'cutover-production.json'));
    expect(s.notify.on).toEqual(new Set(['failure', 'rollback']));
  });

  test('confirm equal to the environment confirms; anything else but blank is an error naming confirm', () => {
    expect(parse({ confirm: 'production' }).confirmed).toBe(true);
    expect(() => parse({ confirm: 'staging' })).toThrow(
      "Input 'confirm' is 'staging': expected the environment's name ('production') to write, or nothing for a dry run.",
    );
  });

  test('Secret values are masked before anything else, and never in a problem', () => {
    const masked: string[] = [];
    let error: unknown;
    try {
      parse({ secrets: 'DATABASE_URL=postgres://u:hunter2-secret@db/x', confirm: 'nope' }, masked);
    } catch (e) {
      error = e;
    }
    expect(masked).toContain('postgres://u:hunter2-secret@db/x');
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect(parse({ secrets: 'DATABASE_URL=postgres://u:p@db/x' }).secretValues).toEqual(
      new Map([['DATABASE_URL', 'postgres://u:p@db/x']]),
    );
  });

  test('the health gate reads the health-* inputs with its own parser, naming them as the action does', () => {
    const s = parse({ 'health-url': 'https://phlo.example.com', 'health-paths': '/ready', 'health-timeout': '30s' });
    expect(s.health?.urls.map(String)).toEqual(['https://phlo.example.com/']);
    expect(s.health?.paths).toEqual(['/ready']);
    expect(s.health?.policy.deadlineMs).toBe(30_000);
    expect(() => parse({ 'health-url': 'https://phlo.example.com', 'health-paths': 'ready' })).toThrow(
      "Input 'health-paths' is 'ready'",
    );
  });

  test('every problem at once, each naming its input', () => {
    let error: unknown;
    try {
      parse({ set: '', restart: 'dagster, Data/X', confirm: 'prod', 'rollout-timeout': 'soon', 'notify-on': 'always' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationErrors);
    const text = (error as ConfigurationErrors).problems.join('\n');
    expect(text).toContain("Input 'set' (or 'secrets') is required");
    expect(text).toContain("Input 'restart' is 'dagster'");
    expect(text).toContain("Input 'restart' is 'Data/X'");
    expect(text).toContain("Input 'confirm' is 'prod'");
    expect(text).toContain("Input 'rollout-timeout'");
    expect(text).toContain("Input 'notify-on' is 'always'");
  });
});
