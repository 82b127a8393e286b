/**
 * A consuming repository for the workflow engine (workflow-engine.ts): a temporary git repository
 * with an `origin` remote on github.com (act takes GITHUB_REPOSITORY from it), this repository's
 * caller templates (workflows/*.yml) copied to .github/workflows/ as a consumer copies them, and by
 * default the example app (examples/app, its static binary built) as the image to deploy and the
 * Phlo stack's manifests (k8s/).
 *
 *   const consumer = createConsumerRepo({ edit: (file, wf) => setWith(wf, 'staging', { 'health-url': url }) });
 *   await runWorkflow({ repo: consumer.dir, workflow: consumer.workflow('deploy-on-push.yml'), event: 'push', ...awsStandIns(...) });
 *   consumer.commit('second');   // a new commit (new sha) for another run
 *
 * And the stand-ins for what AWS would provide (test/workflows/stand-ins/): awsStandIns().
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from './action-runner.js';
import type { RunWorkflowOptions } from './workflow-engine.js';

export const CONSUMER_REMOTE = 'https://github.com/acme/consumer.git';

export type WorkflowYaml = {
  on?: unknown;
  jobs: Record<string, { uses?: string; with?: Record<string, unknown>; [key: string]: unknown }>;
  [key: string]: unknown;
};

export interface ConsumerOptions {
  /** Caller templates (file names in workflows/) to copy; default: all of them. */
  templates?: string[];
  /** Edits a copied template (parsed) before the first commit, as a consumer fills in its values. */
  edit?: (file: string, workflow: WorkflowYaml) => void;
  /** The example app at the root (Dockerfile, sources, bin/phlo-example); default true. */
  app?: boolean;
  /** A copy of this repository's k8s/ as k8s/; default true. */
  manifests?: boolean;
  /** More files, path → content (e.g. another caller in .github/workflows/). */
  files?: Record<string, string>;
}

export interface ConsumerRepo {
  dir: string;
  /** The workflow path (relative to dir) of a copied template or added file name. */
  workflow(name: string): string;
  /** HEAD's sha. */
  sha(): string;
  /** Writes `files` (default: none, an empty commit) and commits; returns the new sha. */
  commit(message: string, files?: Record<string, string>): string;
  remove(): void;
}

let exampleBinary: string | undefined;

/** The example app's static binary (built once per test file; removeExampleBuild() in afterAll). */
function buildExampleApp(): string {
  if (exampleBinary && existsSync(exampleBinary)) return exampleBinary;
  const out = join(mkdtempSync(join(tmpdir(), 'phlo-example-bin-')), 'phlo-example');
  execFileSync('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, '.'], {
    cwd: join(repoRoot, 'examples', 'app'),
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  exampleBinary = out;
  return out;
}

export function removeExampleBuild(): void {
  if (exampleBinary) rmSync(dirname(exampleBinary), { recursive: true, force: true });
  exampleBinary = undefined;
}

export function createConsumerRepo(options: ConsumerOptions = {}): ConsumerRepo {
  const dir = mkdtempSync(join(tmpdir(), 'phlo-consumer-'));
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Acme CI',
        GIT_AUTHOR_EMAIL: 'ci@acme.example',
        GIT_COMMITTER_NAME: 'Acme CI',
        GIT_COMMITTER_EMAIL: 'ci@acme.example',
      },
    }).trim();
  const write = (files: Record<string, string>): void => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  try {
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', CONSUMER_REMOTE);
    const templates = options.templates ?? readdirSync(join(repoRoot, 'workflows')).filter((f) => /\.ya?ml$/.test(f));
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    for (const file of templates) {
      const text = readFileSync(join(repoRoot, 'workflows', file), 'utf8');
      let out = text;
      if (options.edit) {
        const doc = yaml.load(text) as WorkflowYaml;
        options.edit(file, doc);
        out = yaml.dump(doc, { lineWidth: 120, noRefs: true });
      }
      writeFileSync(join(dir, '.github', 'workflows', file), out);
    }
    if (options.app ?? true) {
      // Its .gitignore hides bin/: the fixture commits the binary its Dockerfile copies instead (a real
      // consumer would build it in a step before the deploy).
      for (const f of readdirSync(join(repoRoot, 'examples', 'app')))
        if (f !== 'bin' && f !== '.gitignore')
          cpSync(join(repoRoot, 'examples', 'app', f), join(dir, f), { recursive: true });
      mkdirSync(join(dir, 'bin'));
      cpSync(buildExampleApp(), join(dir, 'bin', 'phlo-example'));
    }
    if (options.manifests ?? true) cpSync(join(repoRoot, 'k8s'), join(dir, 'k8s'), { recursive: true });
    write(options.files ?? {});
    git('add', '-A');
    git('commit', '-q', '-m', 'Deploy with phlo-deploy');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    workflow: (name) => join('.github', 'workflows', name),
    sha: () => git('rev-parse', 'HEAD'),
    commit(message, files = {}) {
      write(files);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Sets `with:` values of a job that calls a reusable workflow (a consumer filling in the template). */
export function setWith(workflow: WorkflowYaml, job: string, values: Record<string, unknown>): void {
  const j = workflow.jobs[job];
  if (!j) throw new Error(`no job '${job}' (jobs: ${Object.keys(workflow.jobs).join(', ')})`);
  j.with = { ...j.with, ...values };
}

export const STAND_INS = join(repoRoot, 'test', 'workflows', 'stand-ins');

export interface AwsStandInOptions {
  /** What the stand-in for configure-aws-credentials exports (the local stack's moto). */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** EKS cluster name → kubeconfig file that `aws eks update-kubeconfig --name <cluster>` writes. */
  clusters: Record<string, string>;
}

/**
 * The runWorkflow options for the AWS stand-ins: configure-aws-credentials mapped to the composite
 * stand-in, the stand-in `aws` first on PATH, and their settings on the runner.
 */
export function awsStandIns(
  options: AwsStandInOptions,
): Required<Pick<RunWorkflowOptions, 'actions' | 'path' | 'runnerEnv'>> & { remove: () => void } {
  const kubeconfigs = mkdtempSync(join(tmpdir(), 'phlo-standin-kube-'));
  for (const [cluster, file] of Object.entries(options.clusters)) cpSync(file, join(kubeconfigs, cluster));
  return {
    actions: { 'aws-actions/configure-aws-credentials': join(STAND_INS, 'configure-aws-credentials') },
    path: [join(STAND_INS, 'bin')],
    runnerEnv: {
      PHLO_STANDIN_AWS_ENDPOINT_URL: options.endpoint,
      PHLO_STANDIN_AWS_ACCESS_KEY_ID: options.accessKeyId,
      PHLO_STANDIN_AWS_SECRET_ACCESS_KEY: options.secretAccessKey,
      PHLO_STANDIN_KUBECONFIGS: kubeconfigs,
    },
    remove: () => rmSync(kubeconfigs, { recursive: true, force: true }),
  };
}
