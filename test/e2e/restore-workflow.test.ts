/**
 * The restore caller template (workflows/restore.yml) through a real workflow engine (act): a
 * workflow_dispatch with the form's typed inputs runs the reusable .github/workflows/restore.yml and
 * the restore action against the stack's MinIO. Blank confirm: a dry run, the plan in the summary,
 * nothing written. confirm = the environment: the lake restored into restore-<set>/.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createConsumerRepo, awsStandIns, setWith, type ConsumerRepo } from '../helpers/consumer-repo.js';
import { actBinary, exportWorkingTree, removeExport, runWorkflow } from '../helpers/workflow-engine.js';
import { loadStackEnv } from '../helpers/stack.js';
import {
  buildSet,
  createBucket,
  emptyAndDeleteBucket,
  lakeHashes,
  rand,
  seedLake,
  stackS3,
  type BuiltSet,
} from '../stack/restore.fixtures.js';
import type { S3Client } from '@aws-sdk/client-s3';

const id = rand();
const lakeBucket = `phlo-wlake-${id}`;
const backupBucket = `phlo-wback-${id}`;
let s3: S3Client;
let set: BuiltSet;
let consumer: ConsumerRepo;
let standIns: ReturnType<typeof awsStandIns>;

beforeAll(async () => {
  actBinary();
  exportWorkingTree();
  const stack = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
  s3 = stackS3();
  await createBucket(s3, lakeBucket);
  await createBucket(s3, backupBucket);
  await seedLake(s3, lakeBucket);
  set = await buildSet({ s3, environment: 'staging', backupBucket, prefix: 'phlo-backup/staging/', lakeBucket });
  consumer = createConsumerRepo({
    templates: ['restore.yml'],
    app: false,
    manifests: false,
    files: {
      'k8s/environments/staging/backup.yaml': `environment: staging\nbackupBucket: ${backupBucket}\nlake:\n  bucket: ${lakeBucket}\n  prefixes: [warehouse/]\n`,
    },
    edit: (_file, wf) => setWith(wf, 'restore', { 'aws-region': 'us-east-1', 'eks-cluster': '' }),
  });
  // the AWS stand-in exports MinIO's endpoint and keys (the restore only talks to S3 here)
  standIns = awsStandIns({
    endpoint: stack.PHLO_S3_ENDPOINT!,
    accessKeyId: stack.PHLO_S3_ACCESS_KEY!,
    secretAccessKey: stack.PHLO_S3_SECRET_KEY!,
    clusters: {},
  });
}, 20 * 60_000);

afterAll(async () => {
  consumer?.remove();
  standIns?.remove();
  removeExport();
  if (!s3) return;
  await emptyAndDeleteBucket(s3, lakeBucket);
  await emptyAndDeleteBucket(s3, backupBucket);
  s3.destroy();
});

const dispatch = (confirm: string) => ({
  repo: consumer.dir,
  workflow: consumer.workflow('restore.yml'),
  event: 'workflow_dispatch',
  inputs: { environment: 'staging', 'backup-set': 'latest', what: 'lake', 'point-in-time': '', target: 'new', confirm },
  ...standIns,
  timeoutMs: 300_000,
});

test('workflow_dispatch: a dry run without confirm, then a confirmed lake restore', async () => {
  const before = await lakeHashes(s3, lakeBucket);
  const dry = await runWorkflow(dispatch(''));
  if (dry.exitCode !== 0) throw new Error(dry.explain());
  const job = dry.job(/restore staging/);
  expect(job.result).toBe('success');
  expect(job.outputs.result).toBe('planned');
  expect(job.summary).toContain('nothing written');
  expect(job.summary).toContain(`restore-${set.setId}/`);
  expect(await lakeHashes(s3, lakeBucket)).toEqual(before);

  const run = await runWorkflow(dispatch('staging'));
  if (run.exitCode !== 0) throw new Error(run.explain());
  expect(run.job(/restore staging/).outputs.result).toBe('restored');
  const restored = await lakeHashes(s3, lakeBucket, `restore-${set.setId}/`);
  expect(restored.size).toBe(set.manifest.lake.entries.length);
});

test('schedule: the drill restores the latest set into throwaway targets, deletes them, and outputs the last verified restore', async () => {
  const drill = createConsumerRepo({
    templates: ['restore-drill.yml'],
    app: false,
    manifests: false,
    files: {
      'k8s/environments/staging/backup.yaml': `environment: staging\nbackupBucket: ${backupBucket}\nlake:\n  bucket: ${lakeBucket}\n  prefixes: [warehouse/]\n`,
    },
    edit: (_file, wf) => {
      delete wf.jobs.production; // one environment on this stack
      setWith(wf, 'staging', { 'aws-region': 'us-east-1' });
    },
  });
  try {
    const before = await lakeHashes(s3, lakeBucket);
    const run = await runWorkflow({
      repo: drill.dir,
      workflow: drill.workflow('restore-drill.yml'),
      event: 'schedule',
      ...standIns,
      timeoutMs: 300_000,
    });
    if (run.exitCode !== 0) throw new Error(run.explain());
    const job = run.job(/restore staging/);
    expect(job.outputs.result).toBe('restored');
    expect(job.outputs['last-verified-restore']).toMatch(new RegExp(`^${set.setId} \\d{4}-\\d{2}-\\d{2}T`));
    expect(job.summary).toContain('last verified restore');
    // the throwaways are gone: the lake is as it was
    expect(await lakeHashes(s3, lakeBucket)).toEqual(before);
  } finally {
    drill.remove();
  }
});
