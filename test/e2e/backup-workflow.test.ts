// The backup caller template (workflows/backup-nightly.yml) run by a workflow engine (act,
// test/helpers/workflow-engine.ts) in a consumer repository, against the local stack: the schedule
// backs up production through the reusable workflow .github/workflows/backup.yml@v1 (begin → a matrix
// of lake shards → finish) and the set is complete; a workflow_dispatch with typed inputs backs up the
// chosen environment with its own shard count. MinIO buckets are the lake and the backup store, the
// stack's PostgreSQL the metadata database. No secret passed to the reusable workflow (the database
// URL's password, MinIO's secret key) appears in anything the engine printed.
//
// Stand-ins only where GitHub's SaaS or AWS would be: configure-aws-credentials exports MinIO's keys
// (the S3 endpoint comes from AWS_ENDPOINT_URL_S3 on the runner), `aws eks update-kubeconfig` writes the
// stack's kubeconfig, Slack is a recorder.
import { loadStackEnv } from '../helpers/stack.js';
import { awsStandIns, createConsumerRepo, setWith, type ConsumerRepo } from '../helpers/consumer-repo.js';
import { actBinary, exportWorkingTree, removeExport, runWorkflow } from '../helpers/workflow-engine.js';
import { createBucket, removeBucket, seedLake, stackS3 } from '../helpers/lake-seed.js';
import { createScratchDatabase, seedDagsterSchema, type ScratchDatabase } from '../helpers/phlo-seed.js';
import { Recorder } from '../helpers/recorder.js';
import { backupStore, listSets } from '../../src/lib/backup/store.js';
import type { S3Client } from '@aws-sdk/client-s3';

const TEMPLATE = 'backup-nightly.yml';

let stack: Record<string, string>;
let s3: S3Client;
let lake: string;
let backup: string;
let db: ScratchDatabase;
let slack: Recorder;
let consumer: ConsumerRepo;
let standIns: ReturnType<typeof awsStandIns>;

const planFor = (environment: string, extra: string): string =>
  `environment: ${environment}
backupBucket: ${backup}
lake:
  bucket: ${lake}
  prefixes: ['']
verify:
  sample: 3
${extra}`;

beforeAll(async () => {
  stack = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY', 'KUBECONFIG']);
  actBinary();
  exportWorkingTree();
  s3 = stackS3();
  lake = await createBucket(s3, 'lake');
  backup = await createBucket(s3, 'backup');
  await seedLake(s3, lake, { tables: 3, filesPerTable: 4, tmp: 2 });
  db = await createScratchDatabase('backup_wf');
  await seedDagsterSchema(db.url, { runs: 5, eventsPerRun: 2 });
  slack = await new Recorder().start();
  standIns = awsStandIns({
    endpoint: stack.PHLO_S3_ENDPOINT!,
    accessKeyId: stack.PHLO_S3_ACCESS_KEY!,
    secretAccessKey: stack.PHLO_S3_SECRET_KEY!,
    clusters: { 'phlo-production': stack.KUBECONFIG!, 'phlo-staging': stack.KUBECONFIG! },
  });
  consumer = createConsumerRepo({
    templates: [TEMPLATE],
    app: false,
    manifests: false,
    // MinIO answers in us-east-1 only
    edit: (_file, wf) => setWith(wf, 'backup', { 'aws-region': 'us-east-1' }),
    files: {
      'k8s/environments/production/backup.yaml': planFor(
        'production',
        'database:\n  postgres:\n    keyTables: [runs, event_logs]\ncluster:\n  includeSecretValues: false\n',
      ),
      'k8s/environments/staging/backup.yaml': planFor('staging', ''),
    },
  });
}, 20 * 60_000);

afterAll(async () => {
  consumer?.remove();
  standIns?.remove();
  removeExport();
  for (const b of [lake, backup]) if (b) await removeBucket(s3, b);
  await db?.drop();
  await slack?.stop();
  s3?.destroy();
});

const options = () => ({
  repo: consumer.dir,
  workflow: consumer.workflow(TEMPLATE),
  ...standIns,
  runnerEnv: { ...standIns.runnerEnv, AWS_ENDPOINT_URL_S3: stack.PHLO_S3_ENDPOINT! },
  secrets: {
    PHLO_DATABASE_URL_PRODUCTION: db.url,
    PHLO_DATABASE_URL_STAGING: '',
    SLACK_BACKUP_WEBHOOK: `${slack.url}/slack`,
    PAGERDUTY_ROUTING_KEY: '',
  },
  timeoutMs: 15 * 60_000,
});

test('the nightly schedule backs up production: begin, four lake shards, finish; the set is complete', async () => {
  const run = await runWorkflow({ ...options(), event: 'schedule' });
  if (run.exitCode !== 0) throw new Error(run.explain());
  const begin = run.job(/begin/);
  const finish = run.job(/finish/);
  const setId = begin.outputs['set-id'];
  expect(setId).toMatch(/^\d{8}T\d{6}Z$/);
  expect(begin.outputs['shard-matrix']).toBe('["1/4","2/4","3/4","4/4"]');
  expect(run.jobs.filter((j) => /lake/.test(j.name)).map((j) => j.result)).toEqual([
    'success',
    'success',
    'success',
    'success',
  ]);
  expect(finish.outputs.state).toBe('complete');
  expect(finish.outputs.verified).toBe('15/15');
  expect(finish.summary).toContain('verified: 15/15 objects, sampled: 3');
  const sets = await listSets(backupStore(s3, backup, 'phlo-backup/production/'));
  expect(sets.map((s) => [s.id, s.state])).toEqual([[setId, 'complete']]);
  expect(run.everything).not.toContain(db.password);
  // MinIO's key reaches the jobs through the stand-in's GITHUB_ENV (act logs set-env, the real action
  // masks it); what phlo-deploy's steps print and write must not hold it
  for (const j of run.jobs) {
    expect(j.summary).not.toContain(stack.PHLO_S3_SECRET_KEY!);
    expect(JSON.stringify(j.outputs)).not.toContain(stack.PHLO_S3_SECRET_KEY!);
  }
  expect(slack.requests).toEqual([]);
});

test('workflow_dispatch with typed inputs backs up the chosen environment with its shard count', async () => {
  const run = await runWorkflow({
    ...options(),
    event: 'workflow_dispatch',
    inputs: { environment: 'staging', shards: 2, 'dry-run': false, 'allow-shrink': '' },
  });
  if (run.exitCode !== 0) throw new Error(run.explain());
  expect(run.job(/begin/).outputs['shard-matrix']).toBe('["1/2","2/2"]');
  expect(run.job(/finish/).outputs.state).toBe('complete');
  const sets = await listSets(backupStore(s3, backup, 'phlo-backup/staging/'));
  expect(sets.map((s) => s.state)).toEqual(['complete']);
  // its own prefix in the same bucket: its own copies
  expect(run.job(/finish/).summary).toMatch(/15 objects \(\d+ bytes\); 15 copied/);
});
