/**
 * The restore bundle run as a runner runs it, with workflow_dispatch-style inputs, against the stack
 * (MinIO for the buckets, PostgreSQL for the dump): a dry run writes nothing and fills the summary;
 * a wrong confirm fails naming the input and writes nothing; a confirmed run restores; a refused run
 * notifies; the database password and the MinIO secret never appear in any output.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runStep, repoRoot } from '../helpers/action-runner.js';
import { Recorder } from '../helpers/recorder.js';
import { loadStackEnv } from '../helpers/stack.js';
import {
  buildSet,
  createBucket,
  databases,
  dropDatabase,
  emptyAndDeleteBucket,
  lakeHashes,
  pgUrl,
  rand,
  seedDatabase,
  seedLake,
  stackS3,
  type BuiltSet,
} from '../stack/restore.fixtures.js';
import { restoredDatabaseName } from '../../src/lib/restore/postgres.js';

const BUNDLE = 'dist/restore/main.js';
const id = rand();
const environment = 'staging';
const lakeBucket = `phlo-alake-${id}`;
const backupBucket = `phlo-abackup-${id}`;
const db = `asrc_${id}`;
const prefix = `phlo-backup/${environment}/`;
let s3: S3Client;
let set: BuiltSet;
let env: Record<string, string>;
const recorder = new Recorder();

beforeAll(async () => {
  if (!existsSync(`${repoRoot}/${BUNDLE}`)) throw new Error(`${BUNDLE} is not built: run npm run build`);
  const stack = loadStackEnv([
    'PHLO_S3_ENDPOINT',
    'PHLO_S3_ACCESS_KEY',
    'PHLO_S3_SECRET_KEY',
    'PHLO_POSTGRES_ADMIN_URL',
  ]);
  env = {
    AWS_ENDPOINT_URL_S3: stack.PHLO_S3_ENDPOINT!,
    AWS_ACCESS_KEY_ID: stack.PHLO_S3_ACCESS_KEY!,
    AWS_SECRET_ACCESS_KEY: stack.PHLO_S3_SECRET_KEY!,
    AWS_REGION: 'us-east-1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_WORKSPACE: repoRoot,
  };
  await recorder.start();
  s3 = stackS3();
  await createBucket(s3, lakeBucket);
  await createBucket(s3, backupBucket);
  await seedLake(s3, lakeBucket);
  await seedDatabase(db);
  set = await buildSet({ s3, environment, backupBucket, prefix, lakeBucket, database: db });
});

afterAll(async () => {
  await recorder.stop();
  if (!s3) return;
  await dropDatabase(db);
  if (set) await dropDatabase(restoredDatabaseName(db, set.setId));
  await emptyAndDeleteBucket(s3, lakeBucket);
  await emptyAndDeleteBucket(s3, backupBucket);
  s3.destroy();
});

function dispatch(extra: Record<string, string>): Record<string, string> {
  // what a workflow_dispatch form passes: every input, empty when left blank
  return {
    environment,
    'backup-set': 'latest',
    what: '',
    'point-in-time': '',
    target: 'new',
    confirm: '',
    'backup-bucket': backupBucket,
    'database-url': pgUrl('postgres'),
    'slack-webhook-url': `${recorder.url}/slack/T000/B000/secret`,
    ...extra,
  };
}

function secretsIn(text: string): string[] {
  const password = decodeURIComponent(new URL(pgUrl()).password);
  return [password, env.AWS_SECRET_ACCESS_KEY!, 'slack/T000/B000/secret'].filter((s) => text.includes(s));
}

describe('restore bundle', () => {
  test('a dry run (confirm blank): plan in the summary, nothing written, no secret printed', async () => {
    const lakeBefore = await lakeHashes(s3, lakeBucket);
    const dbBefore = await databases(id);
    const reportFile = path.join(mkdtempSync(path.join(tmpdir(), 'restore-report-')), 'report.json');
    const r = await runStep(BUNDLE, { inputs: dispatch({ what: 'lake\ndatabase', report: reportFile }), env });
    expect(r.stderr + r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('planned');
    expect(r.outputs['set-id']).toBe(set.setId);
    expect(r.summary).toContain('nothing written');
    expect(r.summary).toContain(`restore-${set.setId}/`);
    expect(r.summary).toContain(restoredDatabaseName(db, set.setId));
    expect(r.summary).toContain('octocat');
    expect(await lakeHashes(s3, lakeBucket)).toEqual(lakeBefore);
    expect(await databases(id)).toEqual(dbBefore);
    expect(r.outputs.report).toBe(reportFile);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      mode: string;
      inputs: Record<string, string>;
    };
    expect(report.mode).toBe('dry-run');
    expect(report.inputs['database-url']).toBe('(set)');
    expect(secretsIn(r.everything + JSON.stringify(report))).toEqual([]);
  });

  test('a wrong confirm fails naming the input and writes nothing', async () => {
    const lakeBefore = await lakeHashes(s3, lakeBucket);
    const r = await runStep(BUNDLE, { inputs: dispatch({ confirm: 'production' }), env });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      /::error::.*Input 'confirm' is 'production': expected the environment's name \('staging'\)/,
    );
    expect(r.outputs.result).toBe('refused');
    expect(await lakeHashes(s3, lakeBucket)).toEqual(lakeBefore);
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a confirmed run restores the lake and the database', async () => {
    const r = await runStep(BUNDLE, {
      inputs: dispatch({ what: 'lake,database', confirm: environment }),
      env,
      timeoutMs: 300_000,
    });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('restored');
    expect(r.outputs.database).toBe(restoredDatabaseName(db, set.setId));
    expect(r.summary).toMatch(/verified \d+\/\d+/);
    expect(r.summary).toContain('runs=120');
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a corrupted set is refused before any write, and the failure notifies', async () => {
    const victim = set.manifest.lake.entries[0]!;
    await s3.send(new PutObjectCommand({ Bucket: backupBucket, Key: victim.copyKey, Body: 'corrupt' }));
    const before = recorder.requests.length;
    const r = await runStep(BUNDLE, {
      inputs: dispatch({ what: 'lake', confirm: environment, 'target-prefix': `again-${id}/` }),
      env,
    });
    expect(r.code).not.toBe(0);
    expect(r.outputs.result).toBe('refused');
    expect(r.stdout).toMatch(/::error::.*refused before any write/);
    expect(await lakeHashes(s3, lakeBucket, `again-${id}/`)).toEqual(new Map());
    const slack = recorder.requests.slice(before).filter((q) => q.path.startsWith('/slack/'));
    expect(slack).toHaveLength(1);
    expect(slack[0]!.body).toContain('staging');
    expect(secretsIn(r.everything)).toEqual([]);
  });
});
