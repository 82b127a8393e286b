// The whole pipeline through the built bundle (dist/deploy/main.js), run as a runner runs it, on the
// local stack: success; a scan-gate failure deploys nothing; a rollout failure rolls back; a health
// failure rolls back. GitHub's REST API, Slack and PagerDuty are local recorders.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { errorLines, repoRoot, runStep, type StepResult } from '../helpers/action-runner.js';
import { githubDeployments, Recorder } from '../helpers/recorder.js';
import { kubeConfig, loadStackEnv, uniqueName } from '../helpers/stack.js';
import { registryTags, servedManifest, type StackEnv } from '../stack/push-ecr.fixtures.js';

const BUNDLE = 'dist/deploy/main.js';
const SLACK_SECRET = 'T0001/B0001/e2eSlackWebhookSecretPart';
const ROUTING_KEY = 'e2ePagerDutyRoutingKey0123456789ab';
const GH_TOKEN = 'ghs_e2eTokenValue0000000000000000000000';

let stack: StackEnv;
let work: string;
let github: Recorder;
let slack: Recorder;
let pagerduty: Recorder;
let health: Server;
let healthUrl: string;
let healthStatus = 200;

beforeAll(async () => {
  stack = loadStackEnv([
    'KUBECONFIG',
    'DOCKER_HOST',
    'PHLO_REGISTRY',
    'PHLO_TRIVY',
    'PHLO_TRIVY_DB_REPOSITORY',
    'AWS_ENDPOINT_URL',
    'PHLO_KUBE_SERVER',
  ]) as StackEnv;
  work = mkdtempSync(join(tmpdir(), 'phlo-e2e-'));
  // The example app's static binary, which its Dockerfile copies.
  execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', 'bin/phlo-example', '.'], {
    cwd: join(repoRoot, 'examples', 'app'),
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  github = await new Recorder(githubDeployments(101)).start();
  slack = await new Recorder(() => ({ status: 200, body: 'ok' })).start();
  pagerduty = await new Recorder(() => ({ status: 202, body: { status: 'success' } })).start();
  health = createServer((req, res) => {
    res.writeHead(healthStatus, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: healthStatus === 200 ? 'ok' : 'failing', path: req.url }));
  });
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
});

/** The namespaces these tests deploy into (the deploy itself creates them): deleted in afterAll. */
const namespaces: string[] = [];
function testNamespace(prefix: string): string {
  const name = uniqueName(prefix);
  namespaces.push(name);
  return name;
}

afterAll(async () => {
  // Whatever happened, leave no deployed namespace behind (a later run, the demo and drift checks
  // must see only what they deployed).
  const core = kubeConfig().makeApiClient(CoreV1Api);
  await Promise.all(
    namespaces.map((name) =>
      core.deleteNamespace({ name }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      }),
    ),
  );
  await Promise.all([github?.stop(), slack?.stop(), pagerduty?.stop()]);
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  healthStatus = 200;
  github.requests.length = 0;
  slack.requests.length = 0;
  pagerduty.requests.length = 0;
});

/** A copy of examples/k8s whose namespace is unique to one test, so tests never share objects. */
function workspaceFor(namespace: string): string {
  const dir = join(work, namespace);
  cpSync(join(repoRoot, 'examples', 'k8s'), join(dir, 'k8s'), { recursive: true });
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const file of walk(join(dir, 'k8s'))) {
    const text = readFileSync(file, 'utf8')
      .replace('kind: Namespace\nmetadata:\n  name: phlo-example', `kind: Namespace\nmetadata:\n  name: ${namespace}`)
      .replace(/namespace: phlo-example/g, `namespace: ${namespace}`);
    writeFileSync(file, text);
  }
  return dir;
}

function deployInputs(
  namespace: string,
  repository: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    environment: 'local',
    repository,
    'manifest-image': 'phlo-example',
    context: join(repoRoot, 'examples', 'app'),
    'build-args': `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}`,
    'default-branch': 'main',
    'trivy-path': stack.PHLO_TRIVY!,
    'trivy-db-repository': stack.PHLO_TRIVY_DB_REPOSITORY!,
    'trivy-db-username': stack.PHLO_REGISTRY_USER,
    'trivy-db-password': stack.PHLO_REGISTRY_PASSWORD,
    'trivy-cache-dir': join(work, 'trivy-cache'),
    'report-dir': join(work, namespace, 'reports'),
    'ecr-endpoint': stack.AWS_ENDPOINT_URL,
    'registry-endpoint': `http://${stack.PHLO_REGISTRY}`,
    region: 'us-east-1',
    workspace: workspaceFor(namespace),
    manifests: 'k8s',
    kubeconfig: stack.KUBECONFIG!,
    'rollout-timeout': '90s',
    'rollback-timeout': '90s',
    'health-url': healthUrl,
    'health-interval': '100ms',
    'health-timeout': '5s',
    'github-token': GH_TOKEN,
    'slack-webhook-url': `${slack.url}/services/${SLACK_SECRET}`,
    'pagerduty-routing-key': ROUTING_KEY,
    'pagerduty-events-url': `${pagerduty.url}/v2/enqueue`,
    ...extra,
  };
}

async function deploy(inputs: Record<string, string>, sha = 'a'.repeat(40)): Promise<StepResult> {
  return runStep(BUNDLE, {
    inputs,
    timeoutMs: 300_000,
    env: {
      DOCKER_HOST: stack.DOCKER_HOST,
      DOCKER_BUILDKIT: stack.DOCKER_BUILDKIT,
      AWS_ACCESS_KEY_ID: stack.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: stack.AWS_SECRET_ACCESS_KEY,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: stack.AWS_ENDPOINT_URL,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'org/phlo',
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_WORKSPACE: repoRoot,
    },
  });
}

function noSecrets(r: StepResult): void {
  for (const secret of [SLACK_SECRET, ROUTING_KEY, GH_TOKEN, stack.PHLO_REGISTRY_PASSWORD!])
    expect(r.everything).not.toContain(secret);
  for (const rec of [...slack.requests, ...pagerduty.requests]) {
    expect(rec.body).not.toContain(GH_TOKEN);
    expect(rec.body).not.toContain(stack.PHLO_REGISTRY_PASSWORD);
  }
}

/**
 * The stack's admin kubeconfig with its client certificate handed out by an exec credential plugin (as
 * `aws eks get-token` hands out a token on EKS) that counts its runs.
 */
function execPluginKubeconfig(name: string): { path: string; runs: () => number } {
  const kc = kubeConfig();
  const user = kc.getCurrentUser()!;
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      clientCertificateData: Buffer.from(user.certData!, 'base64').toString('utf8'),
      clientKeyData: Buffer.from(user.keyData!, 'base64').toString('utf8'),
    },
  };
  const dir = join(work, `exec-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'credential.json'), JSON.stringify(credential));
  const plugin = join(dir, 'plugin.sh');
  writeFileSync(plugin, '#!/bin/sh\necho run >> "$1/runs"\ncat "$1/credential.json"\n');
  chmodSync(plugin, 0o755);
  const cluster = kc.getCurrentCluster()!;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'stack', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
    users: [
      {
        name: 'plugin',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: plugin,
            args: [dir],
            interactiveMode: 'Never',
          },
        },
      },
    ],
    contexts: [{ name: 'plugin@stack', context: { cluster: 'stack', user: 'plugin' } }],
    'current-context': 'plugin@stack',
  };
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, JSON.stringify(config)); // JSON is YAML
  const runs = join(dir, 'runs');
  return { path, runs: () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0) };
}

async function deploymentImage(namespace: string): Promise<string | undefined> {
  const apps = kubeConfig().makeApiClient(AppsV1Api);
  const d = await apps.readNamespacedDeployment({ name: 'phlo-example', namespace });
  return d.spec?.template.spec?.containers[0]?.image;
}

test('success: built, scanned, pushed, applied, rolled out, healthy; GitHub deployment and PagerDuty resolve', async () => {
  const ns = testNamespace('e2e-ok');
  const repository = `e2e/${ns}`;
  const r = await deploy(deployInputs(ns, repository));
  if (r.code !== 0) console.log(r.stdout.slice(-4000), r.stderr.slice(-2000));
  expect(r.code).toBe(0);
  expect(r.outputs.verdict).toBe('success');
  // The registry session opened while the image built; its lines come out in push-ecr's own group.
  const log = r.stdout;
  expect(log.indexOf('::group::push-ecr')).toBeGreaterThan(log.indexOf('::group::build-scan'));
  expect(log.indexOf('Logged in to')).toBeGreaterThan(log.indexOf('::group::push-ecr'));
  expect(log.indexOf('Logged in to')).toBeLessThan(log.indexOf('::group::render'));
  // …and its credentials are deleted right after the push, before anything is applied (issue 15)
  expect(log.indexOf('Logged out of')).toBeGreaterThan(log.indexOf('Logged in to'));
  expect(log.indexOf('Logged out of')).toBeLessThan(log.indexOf('::group::render'));
  const digest = r.outputs.digest!;
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  // The digest the registry serves for the pushed tag is the one deployed.
  const tags = await registryTags(stack, repository);
  expect(tags.length).toBeGreaterThan(0);
  expect((await servedManifest(stack, repository, tags[0]!))?.digest).toBe(digest);
  expect(await deploymentImage(ns)).toBe(`${stack.PHLO_REGISTRY}/${repository}@${digest}`);
  expect(r.outputs.image).toBe(`${stack.PHLO_REGISTRY}/${repository}@${digest}`);
  const applied = JSON.parse(r.outputs['apply-result']!);
  expect(applied.counts.created).toBe(3);

  // One summary for the whole run: head table, scan counts, apply, rollout and health sections.
  expect(r.summary).toMatch(/phlo-deploy → local: ✅ deployed/);
  for (const stage of ['build-scan', 'push-ecr', 'render', 'apply', 'rollout-gate', 'health-gate'])
    expect(r.summary).toContain(`| ${stage} | ✅ passed`);
  expect(r.summary).toContain('Health gate: healthy');

  expect(github.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
    'POST /repos/org/phlo/deployments',
    expect.stringMatching(/^POST \/repos\/org\/phlo\/deployments\/\d+\/statuses$/),
    expect.stringMatching(/^POST \/repos\/org\/phlo\/deployments\/\d+\/statuses$/),
  ]);
  expect(github.requests[0]!.json).toMatchObject({
    environment: 'local',
    ref: 'a'.repeat(40),
    production_environment: false,
  });
  expect(github.requests[1]!.json).toMatchObject({
    state: 'in_progress',
    log_url: 'https://github.com/org/phlo/actions/runs/4242',
  });
  expect(github.requests[2]!.json).toMatchObject({ state: 'success', environment_url: healthUrl });
  expect(slack.requests).toHaveLength(0); // notify-on defaults to failure and rollback
  expect(pagerduty.requests.map((q) => (q.json as { event_action: string }).event_action)).toEqual(['resolve']);
  noSecrets(r);
});

test('a scan-gate failure deploys nothing: no push, no namespace, GitHub failure, Slack and PagerDuty told', async () => {
  const ns = testNamespace('e2e-vuln');
  const repository = `e2e/${ns}`;
  const r = await deploy(
    deployInputs(ns, repository, {
      context: join(repoRoot, 'test', 'fixtures', 'images', 'vulnerable'),
      'build-args': '',
    }),
  );
  expect(r.code).toBe(1);
  expect(r.outputs.verdict).toBe('blocked');
  expect(errorLines(r).join('\n')).toContain('CVE-2099-10001');
  expect(await registryTags(stack, repository)).toEqual([]);
  const core = kubeConfig().makeApiClient(CoreV1Api);
  await expect(core.readNamespace({ name: ns })).rejects.toMatchObject({ code: 404 });
  expect(r.summary).toContain('| push-ecr | ▫️ not run');
  expect(github.requests.at(-1)!.json).toMatchObject({ state: 'failure' });
  expect((slack.requests[0]!.json as { text: string }).text).toContain('blocked before the rollout');
  expect((pagerduty.requests[0]!.json as { event_action: string }).event_action).toBe('trigger');
  noSecrets(r);
});

test('a rollout failure (pods never ready) rolls back to the recorded revision, which turns healthy', async () => {
  const ns = testNamespace('e2e-roll');
  const repository = `e2e/${ns}`;
  const first = await deploy(deployInputs(ns, repository));
  expect(first.code).toBe(0);
  const goodImage = await deploymentImage(ns);

  // The second deploy also adds a ConfigMap (created) and relabels the Service (changed): the rollback
  // puts both back too, not only the workload.
  const extra = join(work, ns, 'k8s', 'base', 'extra.yaml');
  writeFileSync(extra, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: ${ns}}\ndata: {a: "1"}\n`);
  // The same app, but its pods carry the stack's never-ready fault knob (a new build arg gives a new digest).
  const second = await deploy(
    deployInputs(ns, repository, {
      'build-args': `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}\nREVISION=2`,
      'render-labels': 'phlo.dev/fault=never-ready',
      'rollout-timeout': '20s',
    }),
    'b'.repeat(40),
  );
  expect(second.code).toBe(1);
  expect(second.outputs.verdict).toBe('rolled-back');
  expect(second.summary).toContain('| rollout-gate | ❌ failed');
  expect(second.summary).toContain('| rollback | ✅ passed');
  expect(await deploymentImage(ns)).toBe(goodImage);
  const core = kubeConfig().makeApiClient(CoreV1Api);
  expect(
    (await core.readNamespacedService({ name: 'phlo-example', namespace: ns })).metadata?.labels,
  ).not.toHaveProperty('phlo.dev/fault');
  await expect(core.readNamespacedConfigMap({ name: 'extra', namespace: ns })).rejects.toMatchObject({ code: 404 });
  expect(second.summary).toContain('Other objects this deploy wrote: undone: deleted the 1 it created');
  rmSync(extra);
  expect((slack.requests.at(-1)!.json as { text: string }).text).toMatch(/rolled back/);
  expect(github.requests.at(-1)!.json).toMatchObject({ state: 'failure' });
  noSecrets(second);

  // The next good deploy takes the fields the rollback wrote back without a conflict.
  const third = await deploy(
    deployInputs(ns, repository, { 'build-args': `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}\nREVISION=4` }),
    'd'.repeat(40),
  );
  expect(errorLines(third)).toEqual([]);
  expect(third.code).toBe(0);
  expect(await deploymentImage(ns)).toBe(third.outputs.image);
});

test('a write refused half-way is undone, the restored workloads are gated, and the verdict says what was put back', async () => {
  const ns = testNamespace('e2e-undo');
  const repository = `e2e/${ns}`;
  const first = await deploy(deployInputs(ns, repository));
  expect(first.code).toBe(0);
  const goodImage = await deploymentImage(ns);

  // A real refusal after the dry run: a ResourceQuota with room for one CronJob. Each dry run fits (a dry
  // run charges no quota); the second real create does not — after the Deployment (an earlier tier) was
  // already changed to the new image.
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedResourceQuota({
    namespace: ns,
    body: { metadata: { name: 'one-cronjob' }, spec: { hard: { 'count/cronjobs.batch': '1' } } },
  });
  for (let i = 0; ; i++) {
    const quota = await core.readNamespacedResourceQuota({ name: 'one-cronjob', namespace: ns });
    if (quota.status?.used?.['count/cronjobs.batch'] !== undefined) break;
    if (i > 100) throw new Error('the quota was never computed');
    await new Promise((r) => setTimeout(r, 100));
  }
  const crons = join(work, ns, 'k8s', 'base', 'crons.yaml');
  const cron = (name: string) =>
    [
      'apiVersion: batch/v1',
      'kind: CronJob',
      `metadata: {name: ${name}, namespace: ${ns}}`,
      'spec:',
      '  schedule: "0 0 1 1 *"',
      '  suspend: true',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          restartPolicy: Never',
      '          containers: [{name: main, image: phlo-example}]',
      '',
    ].join('\n');
  writeFileSync(crons, [cron('cron-a'), cron('cron-b')].join('---\n'));

  const second = await deploy(
    deployInputs(ns, repository, { 'build-args': `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}\nREVISION=5` }),
    'f'.repeat(40),
  );
  rmSync(crons);
  if (second.outputs.verdict !== 'rolled-back') console.log(second.stdout.slice(-4000), second.summary.slice(0, 6000));
  expect(second.code).toBe(1);
  expect(errorLines(second).join('\n')).toMatch(/exceeded quota/);
  // The workloads the undo restored were gated healthy, so the deploy ends rolled back — and says what.
  expect(second.outputs.verdict).toBe('rolled-back');
  expect(second.summary).toContain('| apply | ❌ failed');
  expect(second.summary).toContain('| rollback | ✅ passed');
  expect(second.summary).toContain(
    'Undone after a failed write: everything it wrote is put back; the restored workloads are healthy again',
  );
  expect(second.summary).toContain(
    `| \`Deployment/${ns}/phlo-example\` | ↩️ restored: its content from before the deploy |`,
  );
  expect(second.summary).toMatch(
    new RegExp(`\\| \`CronJob/${ns}/cron-[ab]\` \\| 🗑️ deleted: this deploy had created it \\|`),
  );
  expect(second.summary).toMatch(/Rollout gate of the restored workloads: success/);
  expect(await deploymentImage(ns)).toBe(goodImage);
  const batch = kc.makeApiClient(BatchV1Api);
  expect((await batch.listNamespacedCronJob({ namespace: ns })).items).toEqual([]);
  expect((slack.requests.at(-1)!.json as { text: string }).text).toMatch(/Rolled back and healthy again/);
  expect(github.requests.at(-1)!.json).toMatchObject({ state: 'failure' });
  noSecrets(second);
});

test('a health failure after a good rollout rolls back', async () => {
  const ns = testNamespace('e2e-health');
  const repository = `e2e/${ns}`;
  const first = await deploy(deployInputs(ns, repository));
  expect(first.code).toBe(0);
  const goodImage = await deploymentImage(ns);

  healthStatus = 503;
  const kube = execPluginKubeconfig('health');
  const second = await deploy(
    deployInputs(ns, repository, {
      'build-args': `BASE_IMAGE=${stack.PHLO_BASE_IMAGE}\nREVISION=3`,
      'health-timeout': '2s',
      kubeconfig: kube.path,
    }),
    'c'.repeat(40),
  );
  expect(second.code).toBe(1);
  expect(second.outputs.verdict).toBe('rolled-back');
  expect(second.summary).toContain('| rollout-gate | ✅ passed');
  expect(second.summary).toContain('| health-gate | ❌ failed');
  expect(second.summary).toContain('| rollback | ✅ passed');
  expect(errorLines(second).join('\n')).toMatch(/status 503/);
  expect(await deploymentImage(ns)).toBe(goodImage);
  // apply, the rollout gate and the rollback share one client: the credential plugin ran once.
  expect(kube.runs()).toBe(1);
  noSecrets(second);
});

test('a re-run of the same commit deploys the image the first run pushed instead of rebuilding', async () => {
  const ns = testNamespace('e2e-rerun');
  const repository = `e2e/${ns}`;
  const sha = 'e'.repeat(40);
  const first = await deploy(deployInputs(ns, repository), sha);
  expect(first.code).toBe(0);
  const again = await deploy(deployInputs(ns, repository), sha);
  expect(errorLines(again)).toEqual([]);
  expect(again.code).toBe(0);
  expect(again.outputs.digest).toBe(first.outputs.digest);
  expect(again.summary).toContain('| build-scan | ⏭️ skipped');
  expect(again.summary).toContain('| push-ecr | ⏭️ skipped');
  expect(again.summary).toContain(`sha-eeeeeee was built, scanned and pushed by an earlier run`);
  // The build starts beside the commit lookup and is stopped (or its result dropped) when the lookup finds the image.
  expect(again.everything).toMatch(/the build started meanwhile was stopped|the image built meanwhile is not used/);
  expect(await registryTags(stack, repository)).toEqual(['sha-eeeeeee']);
  // Without the reuse, the rebuilt image is new content under the same immutable tag: refused.
  const rebuilt = await deploy(deployInputs(ns, repository, { 'reuse-commit-image': 'false' }), sha);
  expect(rebuilt.code).toBe(1);
  expect(errorLines(rebuilt).join('\n')).toContain('cannot be overwritten because the repository is immutable');
  noSecrets(again);
});

test('a kubeconfig that is not there, or a cluster that does not answer, stops the deploy before anything is pushed', async () => {
  const ns = testNamespace('e2e-nocluster');
  const repository = `e2e/${ns}`;
  const missing = join(work, 'no-such-kubeconfig');
  const r1 = await deploy(deployInputs(ns, repository, { kubeconfig: missing }));
  expect(r1.code).toBe(1);
  expect(errorLines(r1).join('\n')).toContain(`Kubeconfig file '${missing}' does not exist: check input 'kubeconfig'`);
  expect(r1.everything).not.toMatch(/at .*\.js:\d+/); // a user mistake: no stack trace

  // The stack's own kubeconfig, pointed at a port where nothing listens.
  const unreachable = join(work, `${ns}-kubeconfig`);
  writeFileSync(
    unreachable,
    readFileSync(stack.KUBECONFIG!, 'utf8').replace(/server: .*/, 'server: https://127.0.0.1:9'),
  );
  const r2 = await deploy(deployInputs(ns, repository, { kubeconfig: unreachable }));
  expect(r2.code).toBe(1);
  expect(r2.outputs.verdict).toBe('failure');
  expect(errorLines(r2).join('\n')).toMatch(
    /did not answer with the kubeconfig's credentials, so nothing was pushed or applied: .*ECONNREFUSED/,
  );
  expect(r2.summary).toContain('stopped: the cluster check failed');
  expect(r2.summary).toContain('| push-ecr | ▫️ not run');

  expect(await registryTags(stack, repository)).toEqual([]);
  noSecrets(r2);

  // The stack's API server, with a credential it refuses (a bearer token it does not know).
  const refused = join(work, `${ns}-refused-kubeconfig`);
  const token = 'e2e-refused-token-0123456789abcdef';
  writeFileSync(
    refused,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: stack\n  cluster:\n    server: ${stack.PHLO_KUBE_SERVER}\n    insecure-skip-tls-verify: true`,
      `users:\n- name: nobody\n  user:\n    token: ${token}`,
      'contexts:\n- name: nobody\n  context:\n    cluster: stack\n    user: nobody',
      'current-context: nobody',
      '',
    ].join('\n'),
  );
  const r3 = await deploy(deployInputs(ns, repository, { kubeconfig: refused }));
  expect(r3.code).toBe(1);
  expect(r3.outputs.verdict).toBe('failure');
  expect(errorLines(r3).join('\n')).toMatch(
    /did not answer with the kubeconfig's credentials, so nothing was pushed or applied: .*(401|Unauthorized)/,
  );
  expect(r3.summary).toContain('stopped: the cluster check failed');
  expect(r3.summary).toContain('| push-ecr | ▫️ not run');
  expect(await registryTags(stack, repository)).toEqual([]);
  expect(r3.everything).not.toContain(token);
});

test('bad input anywhere in the pipeline is reported before anything is built or pushed', async () => {
  const ns = testNamespace('e2e-bad');
  const repository = `e2e/${ns}`;
  const r = await deploy(
    deployInputs(ns, repository, {
      tags: '$(touch /tmp/x)',
      'rollout-timeout': 'soon',
      'health-expected-status': 'ok',
    }),
  );
  expect(r.code).toBe(1);
  const errors = errorLines(r).join('\n');
  expect(errors).toMatch(/3 problems/);
  expect(errors).toContain("'tags'");
  expect(errors).toContain("'rollout-timeout'");
  expect(errors).toContain("'health-expected-status'");
  expect(await registryTags(stack, repository)).toEqual([]);
  expect(github.requests).toHaveLength(0);
});

test('an object the cluster would refuse, or a ServiceAccount nobody made, stops the deploy before the push', async () => {
  const ns = testNamespace('e2e-refused');
  const repository = `e2e/${ns}`;
  const inputs = deployInputs(ns, repository);
  // replicas as a string passes render (no schema there) and is refused by the server's dry run;
  // a ServiceAccount that exists neither in the set nor in the cluster would never let a pod start
  const app = join(inputs.workspace!, 'k8s', 'base', 'app.yaml');
  writeFileSync(
    app,
    readFileSync(app, 'utf8')
      .replace('replicas: 3', 'replicas: "three"')
      .replace('      nodeSelector:', '      serviceAccountName: dagster-missing\n      nodeSelector:'),
  );
  const r = await deploy(inputs);
  expect(r.code).toBe(1);
  const errors = errorLines(r).join('\n');
  expect(errors).toContain(
    'The cluster would refuse the rendered objects (checked beside the build), so nothing was pushed or applied',
  );
  expect(errors).toContain(
    `ServiceAccount ${ns}/dagster-missing, which is neither in the rendered manifests nor in the cluster`,
  );
  expect(r.summary).toContain('| push-ecr | ▫️ not run');
  expect(await registryTags(stack, repository)).toEqual([]);
  noSecrets(r);

  // with the ServiceAccount named correctly, the server's dry run still refuses replicas: "three"
  writeFileSync(app, readFileSync(app, 'utf8').replace('      serviceAccountName: dagster-missing\n', ''));
  const r2 = await deploy(inputs);
  expect(r2.code).toBe(1);
  const errors2 = errorLines(r2).join('\n');
  expect(errors2).toContain('The cluster would refuse the rendered objects');
  expect(errors2).toMatch(/Deployment .*phlo-example.*replicas/);
  expect(await registryTags(stack, repository)).toEqual([]);
});
