// The drift-check caller template (workflows/drift-check-nightly.yml) run by a workflow engine (act,
// test/helpers/workflow-engine.ts) in a consumer repository, against the local stack: a
// workflow_dispatch for production goes through the reusable workflow .github/workflows/drift-check.yml@v1
// and the drift-check action. A deployed environment is clean (the job succeeds, no issue); after a
// `kubectl set image` the job fails with the drift in its outputs and summary and one GitHub issue is
// opened (GitHub's REST API is a recorder); once deployed again, the next run is clean and closes it.
//
// Stand-ins only where GitHub's SaaS or AWS would be: configure-aws-credentials, `aws eks
// update-kubeconfig` (writes the stack's kubeconfig), the GitHub API.
import { execFileSync } from 'node:child_process';
import { loadStackEnv, uniqueName } from '../helpers/stack.js';
import { awsStandIns, createConsumerRepo, type ConsumerRepo } from '../helpers/consumer-repo.js';
import { actBinary, exportWorkingTree, removeExport, runWorkflow } from '../helpers/workflow-engine.js';
import { Recorder, githubIssues, type RecordedIssue } from '../helpers/recorder.js';
import { baseYaml, kubectl, redeploy, type DriftEnv } from '../stack/drift.fixtures.js';

const TEMPLATE = 'drift-check-nightly.yml';
const TOKEN = 'ghs_driftE2eTokenValue0123456789';

let consumer: ConsumerRepo;
let standIns: ReturnType<typeof awsStandIns>;
let d: DriftEnv;
let repository: string;
const github = new Recorder();
const issues: RecordedIssue[] = [];

beforeAll(async () => {
  const stack = loadStackEnv(['KUBECONFIG', 'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  actBinary();
  exportWorkingTree();
  await github.start();
  standIns = awsStandIns({
    endpoint: stack.AWS_ENDPOINT_URL!,
    accessKeyId: stack.AWS_ACCESS_KEY_ID!,
    secretAccessKey: stack.AWS_SECRET_ACCESS_KEY!,
    clusters: { 'phlo-production': stack.KUBECONFIG!, 'phlo-staging': stack.KUBECONFIG! },
  });
  const ns = uniqueName('e2e-drift');
  repository = `acme/${ns}`;
  const files: Record<string, string> = {
    // production keeps requireDigests: the images are pinned by digest, as a deploy pins them
    'k8s/environments/production/settings.yaml': `environment: production\ndefaultNamespace: ${ns}\n`,
  };
  // the ignore file the template names: one rule, used (it matches the ConfigMap)
  files['.github/drift-ignore.yaml'] = [
    'rules:',
    '  - kind: ConfigMap',
    '    name: app-config',
    '    paths: [/data/LOG_LEVEL]',
    '    reason: raised by hand during incidents',
    '    expires: "2099-12-31"',
    '',
  ].join('\n');
  for (const [name, text] of Object.entries(baseYaml(ns)))
    files[`k8s/base/${name}`] = text.replace(
      /image: (\S+):1\.0/g,
      (_m, repo: string) => `image: ${repo}@sha256:${'a'.repeat(64)}`,
    );
  consumer = createConsumerRepo({ templates: [TEMPLATE], app: false, manifests: false, files });
  // a repository of its own (GITHUB_REPOSITORY, so the owner label): other tests deploy a 'production'
  // as acme/consumer, and a Namespace of the same owner and environment that this one does not render
  // would rightly be extraneous here
  execFileSync('git', ['remote', 'set-url', 'origin', `https://github.com/${repository}.git`], { cwd: consumer.dir });
  github.respond(githubIssues(repository, issues));
  // the Secret the pods read, made beforehand (the caller passes no env file: Secret data is not compared)
  kubectl(['create', 'namespace', ns]);
  kubectl(['create', 'secret', 'generic', 'phlo-secrets', '-n', ns, '--from-literal=DB_PASSWORD=e2e-not-compared']);
  // the environment as its deploy left it (render, apply, the deploy record)
  d = {
    ws: consumer.dir,
    ns,
    env: 'production',
    secrets: new Map(),
    owner: repository,
    remove: async () => undefined,
  };
  await redeploy(d);
}, 10 * 60_000);

afterAll(async () => {
  if (d) kubectl(['delete', 'namespace', d.ns, '--wait=false', '--ignore-not-found']);
  consumer?.remove();
  standIns?.remove();
  removeExport();
  await github.stop();
});

const dispatch = () =>
  runWorkflow({
    repo: consumer.dir,
    workflow: consumer.workflow(TEMPLATE),
    event: 'workflow_dispatch',
    inputs: { environment: 'production' },
    secrets: { PHLO_ENV_PRODUCTION: '', PHLO_ENV_STAGING: '' },
    token: TOKEN,
    env: { GITHUB_API_URL: github.url },
    runnerEnv: standIns.runnerEnv,
    path: standIns.path,
    actions: standIns.actions,
    timeoutMs: 8 * 60_000,
  });

const calls = () => github.requests.map((r) => `${r.method} ${r.path.split('?')[0]!.replace(repository, 'R')}`);

test(
  'dispatch for production: clean, then drift after `kubectl set image` (job fails, one issue), then clean again (closed)',
  async () => {
    const clean = await dispatch();
    if (clean.exitCode !== 0) throw new Error(clean.explain());
    // the dispatch chose production: staging's job did not run
    expect(clean.jobs.filter((j) => j.result).map((j) => j.name)).toEqual([
      'production/phlo-deploy drift-check/drift-check production',
    ]);
    const job = clean.job('drift-check production');
    expect(job.result).toBe('success');
    expect(job.outputs.status).toBe('clean');
    expect(job.outputs.drifted).toBe('0');
    expect(job.summary).toContain('drift-check `production`: clean');
    expect(calls()).toEqual(['GET /repos/R/issues']); // looked for an open issue, opened none

    kubectl(['set', 'image', 'deployment/web', '-n', d.ns, 'web=example.com/web:by-hand']);
    const drift = await dispatch();
    expect(drift.exitCode).not.toBe(0);
    const failed = drift.job('drift-check production');
    expect(failed.result).toBe('failure');
    expect(failed.outputs.status).toBe('drift');
    expect(failed.outputs.drifted).toBe('1');
    expect(failed.log).toContain('taken-over by kubectl-set');
    expect(failed.summary).toContain('drift-check `production`: 1 object(s) drifted');
    expect(issues.map((i) => i.state)).toEqual(['open']);
    expect(issues[0]!.body).toContain('example.com/web:by-hand');

    await redeploy(d);
    const again = await dispatch();
    if (again.exitCode !== 0) throw new Error(again.explain());
    expect(again.job('drift-check production').outputs.status).toBe('clean');
    expect(issues.map((i) => i.state)).toEqual(['closed']);
    for (const r of [clean, drift, again]) expect(r.everything).not.toContain(TOKEN);
  },
  30 * 60_000,
);
