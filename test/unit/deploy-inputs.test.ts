/**
 * Every root-action input, given a bad value, fails the deploy before the build starts: no docker
 * build, no push, no Kubernetes client (so no namespace), and the problem names the root action's
 * input — the name the user wrote in the workflow. Inputs that take any value say why.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/action-runner.js';
import { run } from '../../src/actions/deploy/run.js';
import type { ActionContext } from '../../src/lib/runtime/context.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import type { Exec } from '../../src/lib/runtime/exec.js';
import type { KubeClients } from '../../src/lib/kube/clients.js';

const ROOT_INPUTS = Object.keys(
  (yaml.load(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
);

/** A bad value per input (the deploy must refuse it before the build), or why any value is accepted. */
const BAD: Record<string, string | { any: string }> = {
  annotations: 'not a key!=x',
  'api-max-attempts': '0',
  'build-args': 'NO_EQUALS_SIGN',
  'build-labels': '=x',
  commit: 'not-hex',
  concurrency: '0',
  context: 'no-such-folder',
  'create-repository': 'maybe',
  'default-branch': { any: 'any branch name; it only decides whether the `latest` rule applies' },
  'delete-created': 'maybe',
  dockerfile: 'no/such/Dockerfile',
  'dry-run': 'maybe',
  'ecr-endpoint': 'ftp://ecr.example',
  encryption: 'ROT13',
  'env-file': 'no-such.env',
  environment: 'e'.repeat(64),
  'environment-url': 'not a url',
  'fixable-only': 'maybe',
  'force-conflicts': 'maybe',
  'github-deployment': 'maybe',
  'github-token': { any: 'a secret; GitHub decides whether it is good' },
  'health-attempt-timeout': 'soon',
  'health-consecutive-successes': '0',
  'health-context': { any: 'a context name, known only to the kubeconfig that the cluster check loads' },
  'health-expect-json': 'NO_EQUALS_SIGN',
  'health-expected-status': '999',
  'health-headers': 'no colon here',
  'health-interval': 'soon',
  'health-kubeconfig': { any: 'a path, read by the cluster check beside the build' },
  'health-kubeconfig-content': { any: 'a secret, read by the cluster check beside the build' },
  'health-latency-budget': 'soon',
  'health-paths': 'health',
  'health-service': 'no-port',
  'health-timeout': 'soon',
  'health-url': 'ftp://app.example',
  'ignore-file': 'no-such-ignores.yaml',
  'kms-key': 'not a key',
  'kube-context': { any: 'a context name, known only to the kubeconfig that the cluster check loads' },
  kubeconfig: { any: 'a path, read by the cluster check beside the build (before the push)' },
  'kubeconfig-content': { any: 'a secret, read by the cluster check beside the build (before the push)' },
  'lifecycle-keep-tagged': '-1',
  'lifecycle-policy': 'maybe',
  'lifecycle-untagged-days': '-1',
  'manifest-image': 'Not An Image',
  manifests: 'no-such-folder',
  'max-prune': '-1',
  'no-cache': 'maybe',
  'notify-on': 'sometimes',
  'oci-labels': 'maybe',
  output: { any: 'any file path for the rendered YAML' },
  'pagerduty-events-url': 'not a url',
  'pagerduty-routing-key': { any: 'a secret; PagerDuty decides whether it is good' },
  prune: 'maybe',
  'prune-allow': 'Deployment/web',
  pull: 'maybe',
  'push-attempts': '0',
  region: 'mars-north-1x',
  registry: 'docker.io',
  'registry-endpoint': 'ftp://registry.example',
  'render-labels': 'not a key!=x',
  'report-dir': { any: 'any folder; made when missing' },
  repository: 'UPPER/Case',
  'restart-limit': '0',
  'reuse-commit-image': 'maybe',
  rollback: 'maybe',
  'rollback-timeout': 'soon',
  'rollout-timeout': 'soon',
  'run-url': 'not a url',
  scan: 'maybe',
  'scan-interval': 'soon',
  'scan-on-push': 'maybe',
  'scan-timeout': 'soon',
  'scan-unavailable': 'shrug',
  'secret-name': 'Bad_Name',
  'secret-namespace': 'Bad_Namespace',
  secrets: 'NO_EQUALS_SIGN',
  settings: { any: 'used only with files or globs in manifests (here k8s/ has its own settings)' },
  severity: 'HORRIBLE',
  'skip-scan-on-db-error': 'maybe',
  'slack-webhook-url': 'not a url',
  'start-scan': 'maybe',
  'tag-mutability': 'SOMETIMES',
  'tag-rules': 'weekly',
  tags: 'bad tag!',
  target: { any: 'a stage name that only the Dockerfile knows' },
  'trivy-cache-dir': { any: 'any folder; made when missing' },
  'trivy-db-password': { any: 'a secret; the DB registry decides whether it is good' },
  'trivy-db-repository': { any: 'an OCI repository that Trivy resolves' },
  'trivy-db-username': { any: 'a user name; the DB registry decides whether it is good' },
  'trivy-download-url': 'not a url',
  'trivy-insecure': 'maybe',
  'trivy-path': { any: 'a path to a program, run as the first step of the scan' },
  'trivy-sha256': 'abc',
  'trivy-timeout': 'soon',
  'trivy-version': 'latest',
  'wait-for-scan': 'maybe',
  workspace: '/no/such/workspace',
};

let dir: string;
let good: Record<string, string>;
const env = (): NodeJS.ProcessEnv => ({ RUNNER_TEMP: join(dir, 'tmp'), PATH: process.env.PATH });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'phlo-deploy-inputs-'));
  const workspace = join(dir, 'ws');
  cpSync(join(repoRoot, 'k8s'), join(workspace, 'k8s'), { recursive: true });
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  good = {
    repository: 'phlo/dagster',
    'manifest-image': 'phlo-dagster',
    environment: 'staging',
    workspace,
    context: workspace,
    region: 'us-east-1',
    'ecr-endpoint': 'http://127.0.0.1:9',
    kubeconfig: join(dir, 'kubeconfig'),
    'health-url': 'https://app.example.com',
    'github-token': '',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Attempt {
  error: unknown;
  programs: string[];
  clients: number;
}

/** Runs the root action's `run` with the given inputs; every program and every client is refused. */
async function deploy(inputs: Record<string, string>): Promise<Attempt> {
  const programs: string[] = [];
  let clients = 0;
  const exec: Exec = async (command, args) => {
    programs.push([command, ...args].join(' '));
    throw new Error('no program runs in this test');
  };
  const kube: KubeClients = async () => {
    clients++;
    throw new Error('no cluster in this test');
  };
  const ctx: ActionContext = {
    inputs: new Inputs(fromRecord(inputs)),
    logger: new MemoryLogger(),
    setOutput: () => undefined,
    setSecret: () => undefined,
    summary: () => undefined,
    saveState: () => undefined,
    getState: () => '',
  };
  let error: unknown;
  try {
    await run(ctx, { exec, kube, env: env() });
  } catch (e) {
    error = e;
  }
  return { error, programs, clients };
}

test('the table names every root-action input', () => {
  expect(Object.keys(BAD).sort()).toEqual([...ROOT_INPUTS].sort());
});

test('the good inputs pass validation: the deploy goes on to the build (here refused: no programs run)', async () => {
  const { error, programs } = await deploy(good);
  expect(error).not.toBeInstanceOf(ConfigurationError);
  expect(programs.length).toBeGreaterThan(0);
});

describe.each(Object.entries(BAD).filter((e): e is [string, string] => typeof e[1] === 'string'))(
  'root input %s',
  (input, bad) => {
    test(`'${bad.length > 20 ? `${bad.slice(0, 20)}…` : bad}' fails before the build, naming '${input}'`, async () => {
      const { error, programs, clients } = await deploy({ ...good, [input]: bad });
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(`'${input}'`);
      expect(programs).toEqual([]);
      expect(clients).toBe(0);
    });
  },
);

test('a bad file in k8s/ fails the deploy before the build (k8s/ is rendered first, the digest pending)', async () => {
  const workspace = join(dir, 'ws-bad');
  cpSync(good.workspace!, workspace, { recursive: true });
  writeFileSync(join(workspace, 'k8s', 'base', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
  const { error, programs, clients } = await deploy({ ...good, workspace, context: workspace });
  expect(error).toBeInstanceOf(ConfigurationError);
  expect((error as Error).message).toContain('broken.yaml');
  expect(programs).toEqual([]);
  expect(clients).toBe(0);
});

test('a manifest image that no container uses fails the deploy before the build, naming manifest-image', async () => {
  // Once only a warning: the pushed digest replaced nothing and k8s/'s own `phlo-dagster:latest` was deployed.
  for (const [inputs, said] of [
    [{ 'manifest-image': 'phlo-dagstre' }, "Input 'manifest-image' is 'phlo-dagstre', and no container"],
    [
      { 'manifest-image': '' },
      "Input 'manifest-image' is not set, so the pushed image replaces the image named like input 'repository' ('phlo/dagster')",
    ],
  ] as const) {
    const { error, programs, clients } = await deploy({ ...good, ...inputs });
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(said);
    expect(message).toContain(
      "Set 'manifest-image' to the image name in the manifests that the pushed digest replaces",
    );
    expect(message).toContain('phlo-dagster, trinodb/trino');
    expect(programs).toEqual([]);
    expect(clients).toBe(0);
  }
});
