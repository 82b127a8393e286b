/**
 * The restore caller template (workflows/restore.yml) through a real workflow engine (act): a
 * workflow_dispatch with the form's typed inputs runs the reusable .github/workflows/restore.yml and
 * the restore action against the stack's MinIO. Blank confirm: a dry run, the plan in the summary,
 * nothing written. confirm = the environment: the lake restored into restore-<set>/. With `cutover`
 * ticked, the cutover step against the stack's Kubernetes: after a dry-run restore it is a dry run
 * whatever cutover-confirm says; with `what: none` and cutover-confirm it repoints the platform.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeObject } from '../../src/lib/kube/client.js';
import { useCutoverEnvironment } from '../stack/cutover.fixtures.js';
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

describe('the cutover step', () => {
  // deployed by the consumer repository (phlo.dev/owner: the cutover restarts only its own workloads)
  const env = useCutoverEnvironment('cutover-w', { owner: 'acme/consumer' });
  const { environment } = env;
  let cutoverConsumer: ConsumerRepo;
  let cutoverStandIns: ReturnType<typeof awsStandIns>;
  const warehouseValue = async () =>
    (
      await env.client.request<KubeObject & { data: Record<string, string> }>({
        method: 'GET',
        path: `/api/v1/namespaces/${env.dagster}/configmaps/phlo-config`,
      })
    ).data.S3_WAREHOUSE;

  beforeAll(async () => {
    const stack = loadStackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY', 'KUBECONFIG']);
    await buildSet({ s3, environment, backupBucket, prefix: `phlo-backup/${environment}/`, lakeBucket });
    const k8s = (file: string) => readFileSync(path.join(env.workspace, 'k8s', file), 'utf8');
    cutoverConsumer = createConsumerRepo({
      templates: ['restore.yml'],
      app: false,
      manifests: false,
      files: {
        'k8s/base/platform.yaml': k8s('base/platform.yaml'),
        [`k8s/environments/${environment}/settings.yaml`]: k8s(`environments/${environment}/settings.yaml`),
        [`k8s/environments/${environment}/backup.yaml`]: `environment: ${environment}\nbackupBucket: ${backupBucket}\nlake:\n  bucket: ${lakeBucket}\n  prefixes: [warehouse/]\n`,
      },
      edit: (_file, wf) => {
        const form = (wf.on as { workflow_dispatch: { inputs: { environment: { options: string[] } } } })
          .workflow_dispatch;
        form.inputs.environment.options = [environment];
        setWith(wf, 'restore', {
          'aws-region': 'us-east-1',
          'cutover-health-url': '',
          'cutover-restart': `${env.dagster}/*, ${env.warehouse}/nessie`,
        });
      },
    });
    cutoverStandIns = awsStandIns({
      endpoint: stack.PHLO_S3_ENDPOINT!,
      accessKeyId: stack.PHLO_S3_ACCESS_KEY!,
      secretAccessKey: stack.PHLO_S3_SECRET_KEY!,
      clusters: { [`phlo-${environment}`]: stack.KUBECONFIG! },
    });
  }, 10 * 60_000);

  afterAll(() => {
    cutoverConsumer?.remove();
    cutoverStandIns?.remove();
  });

  const run = (inputs: Record<string, string | boolean>) =>
    runWorkflow({
      repo: cutoverConsumer.dir,
      workflow: cutoverConsumer.workflow('restore.yml'),
      event: 'workflow_dispatch',
      inputs: {
        environment,
        'backup-set': 'latest',
        'point-in-time': '',
        target: 'new',
        confirm: '',
        cutover: 'true', // as GitHub puts it in the event: a string
        'cutover-set': 'S3_WAREHOUSE=s3://phlo-lake/restore-w/',
        ...inputs,
      },
      ...cutoverStandIns,
      timeoutMs: 300_000,
    });

  test('workflow_dispatch: after a dry-run restore the cutover is a dry run; with what none and cutover-confirm it repoints', async () => {
    const before = await warehouseValue();
    const dry = await run({ what: 'lake', 'cutover-confirm': environment });
    if (dry.exitCode !== 0) throw new Error(dry.explain());
    const dryJob = dry.job(new RegExp(`restore ${environment}`));
    // (the engine's job outputs are its steps' outputs: the cutover's `result` comes last)
    expect(dryJob.outputs.mode).toBe('dry-run'); // the restore's
    expect(dryJob.outputs.result).toBe('planned'); // the cutover's, though cutover-confirm named the environment
    expect(dryJob.summary).toContain('Dry run of the restore');
    expect(dryJob.summary).toContain('Dry run of the cutover');
    expect(await warehouseValue()).toBe(before);

    const cut = await run({ what: 'none', 'cutover-confirm': environment });
    if (cut.exitCode !== 0) throw new Error(cut.explain());
    const job = cut.job(new RegExp(`restore ${environment}`));
    expect(job.outputs.mode).toBeUndefined(); // the restore step was skipped
    expect(job.outputs.result).toBe('cut-over');
    expect(job.summary).toContain('Cutover of ' + environment + ' done');
    expect(await warehouseValue()).toBe('s3://phlo-lake/restore-w/');
  }, 700_000);
});
