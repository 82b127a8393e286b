// The built backup bundle run as a runner runs it, against the local stack (MinIO buckets as lake and
// backup store, a scratch PostgreSQL database): outputs, the summary, the report, and no secret (the
// database password, MinIO's secret key) in anything the step printed or wrote.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorLines, runStep } from '../helpers/action-runner.js';
import { createBucket, removeBucket, seedLake, stackS3 } from '../helpers/lake-seed.js';
import { createScratchDatabase, seedDagsterSchema, type ScratchDatabase } from '../helpers/phlo-seed.js';
import { loadStackEnv } from '../helpers/stack.js';

const BUNDLE = 'dist/backup/main.js';

let s3: S3Client;
let lake: string;
let backup: string;
let db: ScratchDatabase;
let workspace: string;
let stack: Record<string, string>;

beforeAll(async () => {
  stack = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
  s3 = stackS3();
  lake = await createBucket(s3, 'lake');
  backup = await createBucket(s3, 'backup');
  await seedLake(s3, lake, { tables: 2, filesPerTable: 4, tmp: 2 });
  db = await createScratchDatabase('backup_action');
  await seedDagsterSchema(db.url, { runs: 5, eventsPerRun: 3 });
  workspace = mkdtempSync(join(tmpdir(), 'phlo-backup-action-'));
  mkdirSync(join(workspace, 'k8s', 'environments', 'local'), { recursive: true });
  writeFileSync(
    join(workspace, 'k8s', 'environments', 'local', 'backup.yaml'),
    `environment: local
backupBucket: ${backup}
database:
  postgres:
    keyTables: [runs, event_logs]
lake:
  bucket: ${lake}
  prefixes: ['']
verify:
  sample: 2
`,
  );
}, 300_000);

afterAll(async () => {
  for (const b of [lake, backup]) if (b) await removeBucket(s3, b);
  await db?.drop();
  rmSync(workspace, { recursive: true, force: true });
  s3?.destroy();
});

const env = (): Record<string, string> => ({
  GITHUB_WORKSPACE: workspace,
  AWS_ENDPOINT_URL_S3: stack.PHLO_S3_ENDPOINT!,
  AWS_ACCESS_KEY_ID: stack.PHLO_S3_ACCESS_KEY!,
  AWS_SECRET_ACCESS_KEY: stack.PHLO_S3_SECRET_KEY!,
  AWS_REGION: 'us-east-1',
});

test('a backup set through the bundle: outputs, summary, report; no secret printed', async () => {
  const report = join(workspace, 'backup-report.json');
  const r = await runStep(BUNDLE, {
    inputs: { environment: 'local', 'database-url': db.url, report },
    env: env(),
    timeoutMs: 180_000,
  });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${errorLines(r).join('\n')}\n${r.stdout.slice(-3000)}`);
  expect(r.outputs['set-id']).toMatch(/^\d{8}T\d{6}Z$/);
  expect(r.outputs.state).toBe('complete');
  // 2 tables × (4 data files + 1 metadata file); tmp/ excluded
  expect(r.outputs.objects).toBe('10');
  expect(r.outputs.copied).toBe('10');
  expect(r.outputs.verified).toBe('10/10');
  expect(r.outputs['last-complete-age-hours']).toMatch(/^\d+(\.\d)?$/);
  expect(r.outputs['shard-matrix']).toBe('["1/1"]');
  expect(r.outputs.report).toBe(report);
  expect(existsSync(report)).toBe(true);
  expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({
    schema: 'phlo-deploy/backup-report@1',
    result: { state: 'complete', setId: r.outputs['set-id'] },
  });
  expect(r.summary).toContain('verified: 10/10 objects, sampled: 2');
  expect(r.summary).toContain(`last complete set: ${r.outputs['set-id']}`);
  for (const secret of [db.password, stack.PHLO_S3_SECRET_KEY!]) {
    expect(r.everything).not.toContain(secret);
    expect(readFileSync(report, 'utf8')).not.toContain(secret);
  }
});

test('a missing set-id for the finish phase fails before anything is written, naming the input', async () => {
  const r = await runStep(BUNDLE, {
    inputs: { environment: 'local', 'database-url': db.url, phase: 'finish' },
    env: env(),
  });
  expect(r.code).toBe(1);
  expect(errorLines(r).join('\n')).toMatch(/Input 'set-id' is required with phase 'finish'/);
  expect(r.outputs.state).toBe('none');
  expect(r.everything).not.toContain(db.password);
});
