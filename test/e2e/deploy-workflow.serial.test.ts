// The deploy caller template (workflows/deploy-on-push.yml) run by a workflow engine (act,
// test/helpers/workflow-engine.ts) in a consumer repository, against the local stack: a push deploys
// staging, then production, through the reusable workflow .github/workflows/deploy.yml@v1 and the
// root action (image built, scanned, pushed through the ECR API to the stack's registry, applied,
// gated); the job outputs reach the caller; a failing health gate rolls back and fails the job; a
// workflow_dispatch caller with typed inputs deploys the chosen environment; no secret passed to
// the reusable workflow appears in anything the engine printed.
//
// Stand-ins only where GitHub's SaaS or AWS would be: configure-aws-credentials exports moto's
// credentials, `aws eks update-kubeconfig` writes the kubeconfig of a control plane of this test's own
// (so staging and production get their real namespaces, dagster and data-warehouse, without touching
// the shared stack's), GitHub's REST API and Slack are recorders. The runner's tool cache holds the
// stack's Trivy build, as a runner's cache would hold a downloaded release.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { githubDeployments, Recorder } from '../helpers/recorder.js';
import { loadStackEnv, startPrivateStack, type PrivateStack } from '../helpers/stack.js';
import {
  awsStandIns,
  createConsumerRepo,
  removeExampleBuild,
  setWith,
  type ConsumerRepo,
  type WorkflowYaml,
} from '../helpers/consumer-repo.js';
import {
  actBinary,
  exportWorkingTree,
  removeExport,
  runWorkflow,
  type RunWorkflowOptions,
  type WorkflowRun,
} from '../helpers/workflow-engine.js';
import { registryTags, servedManifest, type StackEnv } from '../stack/push-ecr.fixtures.js';

const TEMPLATE = 'deploy-on-push.yml';
const DISPATCH = 'redeploy.yml';
const REPOSITORY = 'phlo/dagster'; // the template's own
const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;
const SECRETS = {
  PHLO_ENV_STAGING: `DAGSTER_PG_PASSWORD=${secret('stg-pg')}\nAWS_SECRET_ACCESS_KEY=${secret('stg-aws')}`,
  PHLO_ENV_PRODUCTION: `DAGSTER_PG_PASSWORD=${secret('prd-pg')}\nAWS_SECRET_ACCESS_KEY=${secret('prd-aws')}`,
  SLACK_DEPLOY_WEBHOOK: '', // set once the Slack recorder listens
  TRIVY_DB_PASSWORD: '', // the stack registry's password
};
const TOKEN = `ghs_${randomBytes(18).toString('hex')}`;

let stack: StackEnv;
let cluster: PrivateStack;
let standIns: ReturnType<typeof awsStandIns>;
let consumer: ConsumerRepo;
let github: Recorder;
let slack: Recorder;
let health: Server;
let healthUrl: string;
const healthStatus: Record<string, number> = {};
const probes: string[] = [];

beforeAll(async () => {
  stack = loadStackEnv([
    'DOCKER_HOST',
    'PHLO_REGISTRY',
    'PHLO_REGISTRY_USER',
    'PHLO_REGISTRY_PASSWORD',
    'PHLO_TRIVY',
    'PHLO_TRIVY_DB_REPOSITORY',
    'AWS_ENDPOINT_URL',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ]) as StackEnv;
  actBinary();
  exportWorkingTree();
  cluster = await startPrivateStack(2500);
  standIns = awsStandIns({
    endpoint: stack.AWS_ENDPOINT_URL,
    accessKeyId: stack.AWS_ACCESS_KEY_ID,
    secretAccessKey: stack.AWS_SECRET_ACCESS_KEY,
    clusters: { 'phlo-staging': cluster.env.KUBECONFIG!, 'phlo-production': cluster.env.KUBECONFIG! },
  });

  github = await new Recorder(githubDeployments(501)).start();
  slack = await new Recorder(() => ({ status: 200, body: 'ok' })).start();
  SECRETS.SLACK_DEPLOY_WEBHOOK = `${slack.url}/services/T0000/B0000/${secret('slack')}`;
  SECRETS.TRIVY_DB_PASSWORD = stack.PHLO_REGISTRY_PASSWORD;
  // The stand-in for each environment's load balancer: /<environment>/health and /<environment>/ready.
  health = createServer((req, res) => {
    const env = (req.url ?? '').split('/')[1] ?? '';
    probes.push(req.url ?? '');
    const status = healthStatus[env] ?? 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'down' }));
  });
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;

  consumer = createConsumerRepo({
    templates: [TEMPLATE],
    edit: (_file, wf) => fillIn(wf),
    files: {
      // Production refuses tag-only images: the consumer pins its mirrored third-party images.
      'k8s/environments/production/settings.yaml': productionSettings(),
      [`.github/workflows/${DISPATCH}`]: dispatchCaller(),
    },
  });
}, 20 * 60_000);

afterAll(async () => {
  await Promise.all([github?.stop(), slack?.stop()]);
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  standIns?.remove();
  consumer?.remove();
  removeExport();
  removeExampleBuild();
  await cluster?.stop();
}, 120_000);

beforeEach(() => {
  github.requests.length = 0;
  slack.requests.length = 0;
  probes.length = 0;
  for (const k of Object.keys(healthStatus)) delete healthStatus[k];
});

/** What a consumer fills in for its own endpoints, plus a job reading the outputs of both deploys. */
function fillIn(wf: WorkflowYaml): void {
  for (const env of ['staging', 'production']) {
    setWith(wf, env, {
      'health-url': `${healthUrl}/${env}`,
      'health-timeout': '${{ vars.HEALTH_TIMEOUT }}',
      'registry-endpoint': `http://${stack.PHLO_REGISTRY}`,
      'trivy-db-repository': stack.PHLO_TRIVY_DB_REPOSITORY,
      'trivy-db-username': stack.PHLO_REGISTRY_USER,
    });
    wf.jobs[env]!.secrets = {
      ...(wf.jobs[env]!.secrets as Record<string, string>),
      'trivy-db-password': '${{ secrets.TRIVY_DB_PASSWORD }}',
    };
  }
  wf.jobs.report = {
    needs: ['staging', 'production'],
    if: 'always()',
    'runs-on': 'ubuntu-24.04',
    permissions: {},
    steps: [
      {
        name: 'Report',
        env: {
          STAGING_DIGEST: '${{ needs.staging.outputs.digest }}',
          STAGING_VERDICT: '${{ needs.staging.outputs.verdict }}',
          PRODUCTION_DIGEST: '${{ needs.production.outputs.digest }}',
          PRODUCTION_VERDICT: '${{ needs.production.outputs.verdict }}',
        },
        run: [
          'echo "staging digest=$STAGING_DIGEST verdict=$STAGING_VERDICT"',
          'echo "production digest=$PRODUCTION_DIGEST verdict=$PRODUCTION_VERDICT"',
        ].join('\n'),
      },
    ],
  };
}

function productionSettings(): string {
  const pin = (c: string) => `@sha256:${c.repeat(64)}`;
  return [
    'environment: production',
    'requireDigests: true',
    'replicas:',
    '  dagster/dagster-webserver: 2',
    '  dagster/dagster-daemon: 1',
    'images:',
    `  trinodb/trino: ${stack.PHLO_REGISTRY}/mirror/trino${pin('a')}`,
    `  ghcr.io/projectnessie/nessie: ${stack.PHLO_REGISTRY}/mirror/nessie${pin('b')}`,
    'variables:',
    '  PHLO_ENVIRONMENT: production',
    '  LOG_LEVEL: INFO',
    '  S3_ENDPOINT: https://s3.us-east-1.amazonaws.com',
    '  S3_WAREHOUSE: s3://phlo-warehouse-production/',
    '  NESSIE_VERSION_STORE: JDBC2',
    '',
  ].join('\n');
}

/** The deploy template's job as a manual (workflow_dispatch) caller with typed inputs. */
function dispatchCaller(): string {
  return `name: redeploy
on:
  workflow_dispatch:
    inputs:
      environment:
        description: The environment to deploy.
        type: choice
        options: [staging, production]
        required: true
      health-timeout:
        description: Deadline of the health gate.
        type: string
        default: 1m
permissions: {}
jobs:
  deploy:
    uses: org/phlo-deploy/.github/workflows/deploy.yml@v1
    permissions:
      contents: read
      id-token: write
      deployments: write
    with:
      environment: \${{ inputs.environment }}
      aws-region: eu-west-1
      role-to-assume: arn:aws:iam::123456789012:role/phlo-deploy-\${{ inputs.environment }}
      eks-cluster: phlo-\${{ inputs.environment }}
      repository: ${REPOSITORY}
      manifest-image: phlo-dagster
      manifests: k8s
      health-url: ${healthUrl}/\${{ inputs.environment }}
      health-timeout: \${{ inputs.health-timeout }}
      registry-endpoint: http://${stack.PHLO_REGISTRY}
      trivy-db-repository: ${stack.PHLO_TRIVY_DB_REPOSITORY}
      trivy-db-username: ${stack.PHLO_REGISTRY_USER}
    secrets:
      env-file: \${{ inputs.environment == 'production' && secrets.PHLO_ENV_PRODUCTION || secrets.PHLO_ENV_STAGING }}
      slack-webhook-url: \${{ secrets.SLACK_DEPLOY_WEBHOOK }}
      trivy-db-password: \${{ secrets.TRIVY_DB_PASSWORD }}
`;
}

function run(workflow: string, extra: Partial<RunWorkflowOptions> = {}): Promise<WorkflowRun> {
  return runWorkflow({
    repo: consumer.dir,
    workflow: consumer.workflow(workflow),
    event: 'push',
    secrets: SECRETS,
    // The health gate's deadline (a repository variable the callers read): enough for 3 consecutive
    // successes 2 s apart; a failing gate waits it out.
    vars: { HEALTH_TIMEOUT: '30s' },
    token: TOKEN,
    env: { GITHUB_API_URL: github.url },
    // The runner machine: the stack's docker engine.
    runnerEnv: { ...standIns.runnerEnv, DOCKER_HOST: stack.DOCKER_HOST, DOCKER_BUILDKIT: stack.DOCKER_BUILDKIT ?? '0' },
    path: standIns.path,
    actions: standIns.actions,
    // A runner's tool cache holding the Trivy release the action would otherwise download.
    toolCache: {
      'phlo-trivy/0.74.0/x64/trivy': { link: stack.PHLO_TRIVY! },
      // the install marker records the binary's sha256, which the action re-checks before every use
      'phlo-trivy/0.74.0/x64/.complete': `the local stack build of trivy 0.74.0\nbinary sha256:${createHash('sha256')
        .update(readFileSync(stack.PHLO_TRIVY!))
        .digest('hex')}\n`,
    },
    timeoutMs: 8 * 60_000,
    ...extra,
  });
}

/** No secret value (nor a line of a multi-line one) appears in anything the engine printed. */
function expectNoSecrets(r: WorkflowRun): void {
  const values = [TOKEN, ...Object.values(SECRETS)];
  const pieces = values.flatMap((v) => [v, ...v.split('\n'), ...v.split('\n').map((l) => l.split('=')[1] ?? '')]);
  for (const piece of new Set(pieces.filter((p) => p.length >= 8)))
    expect([piece, r.everything.includes(piece)]).toEqual([piece, false]);
  // GitHub and Slack got what they needed, not the env files.
  for (const rec of [...github.requests, ...slack.requests])
    for (const v of [SECRETS.PHLO_ENV_STAGING, SECRETS.PHLO_ENV_PRODUCTION].flatMap((s) => s.split('\n')))
      expect(rec.body).not.toContain(v.split('=')[1]);
}

async function deployedImage(namespace: string, name: string): Promise<string | undefined> {
  const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  const d = await apps.readNamespacedDeployment({ name, namespace });
  return d.spec?.template.spec?.containers[0]?.image;
}

function firstLine(r: WorkflowRun, job: string): number {
  return r.lines.findIndex((l) => l.job?.includes(job));
}

let goodDigest = '';

test(
  'a push deploys staging, then production, through deploy.yml@v1 and the root action; the outputs reach the caller',
  async () => {
    const r = await run(TEMPLATE);
    if (r.exitCode !== 0) throw new Error(r.explain());
    const staging = r.job('deploy staging');
    const production = r.job('deploy production');
    expect([staging.result, production.result, r.job('report').result]).toEqual(['success', 'success', 'success']);
    expect(firstLine(r, 'deploy production')).toBeGreaterThan(
      r.lines.findIndex((l) => l.jobResult && l.job?.includes('deploy staging')),
    );
    // The reusable workflow's steps ran for real: the stand-ins, then the root action and its post step.
    expect(staging.log).toContain('stand-in configure-aws-credentials: moto at');
    expect(staging.log).toContain('Added new context arn:aws:eks:eu-west-1:123456789012:cluster/phlo-staging');
    expect(staging.steps.filter((s) => s.name === 'Deploy').map((s) => `${s.stage} ${s.result}`)).toEqual([
      'Main success',
      'Post success',
    ]);

    const digest = staging.outputs.digest!;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(staging.outputs.verdict).toBe('success');
    // Production deploys the image staging built, scanned and pushed for this commit.
    expect(production.outputs.digest).toBe(digest);
    expect(production.outputs.verdict).toBe('success');
    expect(r.job('report').log).toContain(`staging digest=${digest} verdict=success`);
    expect(r.job('report').log).toContain(`production digest=${digest} verdict=success`);

    expect(staging.summary).toMatch(/phlo-deploy → staging: ✅ deployed/);
    for (const stage of ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate'])
      expect(staging.summary).toContain(`| ${stage} | ✅ passed`);
    expect(production.summary).toMatch(/phlo-deploy → production: ✅ deployed/);

    // What the run did, seen from outside it: the registry, the cluster, GitHub.
    const tag = `sha-${consumer.sha().slice(0, 7)}`;
    expect(await registryTags(stack, REPOSITORY)).toContain(tag);
    expect((await servedManifest(stack, REPOSITORY, tag))?.digest).toBe(digest);
    expect(await deployedImage('dagster', 'dagster-webserver')).toBe(`${stack.PHLO_REGISTRY}/${REPOSITORY}@${digest}`);
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    const secretData = (await core.readNamespacedSecret({ name: 'phlo-secrets', namespace: 'dagster' })).data ?? {};
    expect(Buffer.from(secretData.DAGSTER_PG_PASSWORD ?? '', 'base64').toString()).toBe(
      SECRETS.PHLO_ENV_PRODUCTION.split('\n')[0]!.split('=')[1],
    );
    expect(probes).toEqual(expect.arrayContaining(['/staging/health', '/staging/ready', '/production/health']));
    const created = github.requests.filter((q) => q.method === 'POST' && /\/deployments$/.test(q.path));
    expect(created.map((q) => q.path)).toEqual([
      '/repos/acme/consumer/deployments',
      '/repos/acme/consumer/deployments',
    ]);
    expect(created.map((q) => (q.json as { environment: string }).environment)).toEqual(['staging', 'production']);
    expect(created[0]!.json).toMatchObject({ ref: consumer.sha() });
    expect(github.requests.at(-1)!.json).toMatchObject({ state: 'success' });
    expect(slack.requests).toHaveLength(0);
    expectNoSecrets(r);
    goodDigest = digest;
  },
  10 * 60_000,
);

test(
  'workflow_dispatch with typed inputs deploys the chosen environment',
  async () => {
    expect(goodDigest).not.toBe('');
    const r = await run(DISPATCH, {
      event: 'workflow_dispatch',
      inputs: { environment: 'production', 'health-timeout': '45s' },
    });
    if (r.exitCode !== 0) throw new Error(r.explain());
    const job = r.job('deploy production');
    expect(job.result).toBe('success');
    // Only the environment chosen ran (the other records are the caller's own job, which runs no steps).
    expect(r.jobs.filter((j) => j.result).map((j) => j.name)).toEqual([job.name]);
    // The same commit: its image is reused, not rebuilt.
    expect(job.outputs.digest).toBe(goodDigest);
    expect(job.summary).toContain('| build-scan | ⏭️ skipped');
    expect(job.log).toContain('cluster/phlo-production');
    expect(probes.every((p) => p.startsWith('/production/'))).toBe(true);
    expectNoSecrets(r);
  },
  10 * 60_000,
);

test(
  'a failing health gate rolls staging back: verdict rolled-back, the job fails, production never runs',
  async () => {
    expect(goodDigest).not.toBe('');
    consumer.commit('A release whose health check fails');
    healthStatus.staging = 503;
    const r = await run(TEMPLATE, { vars: { HEALTH_TIMEOUT: '5s' } });
    expect(r.exitCode).toBe(1);
    const staging = r.job('deploy staging');
    expect(staging.result).toBe('failure');
    expect(staging.outputs.verdict).toBe('rolled-back');
    expect(staging.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(staging.outputs.digest).not.toBe(goodDigest);
    expect(staging.steps.find((s) => s.name === 'Deploy' && s.stage === 'Main')?.result).toBe('failure');
    expect(staging.summary).toContain('| health-gate | ❌ failed');
    expect(staging.summary).toContain('| rollback | ✅ passed');
    expect(staging.errors.join('\n')).toMatch(/503/);
    // A failed job stops the run: production is not deployed (act runs no later job, not even if: always()).
    expect(r.jobs.filter((j) => j.name.includes('production'))).toEqual([]);
    expect(await deployedImage('dagster', 'dagster-webserver')).toBe(
      `${stack.PHLO_REGISTRY}/${REPOSITORY}@${goodDigest}`,
    );
    expect((slack.requests.at(-1)?.json as { text?: string } | undefined)?.text).toMatch(/rolled back/);
    expect(github.requests.at(-1)!.json).toMatchObject({ state: 'failure' });
    expectNoSecrets(r);
  },
  10 * 60_000,
);
