/**
 * The cutover bundle run as a runner runs it (inputs as the restore workflow's cutover step passes
 * them), against the stack's Kubernetes: a dry run writes nothing and shows the plan in the summary;
 * a wrong confirm fails naming the input and writes nothing; a confirmed run repoints and restarts;
 * no Secret value (old or new) appears in any output, file or log line.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { runStep, repoRoot } from '../helpers/action-runner.js';
import { loadStackEnv } from '../helpers/stack.js';
import type { KubeObject } from '../../src/lib/kube/client.js';
import { useCutoverEnvironment } from '../stack/cutover.fixtures.js';

const BUNDLE = 'dist/cutover/main.js';
const env = useCutoverEnvironment('cutover-a');
const { environment } = env;

beforeAll(() => {
  if (!existsSync(`${repoRoot}/${BUNDLE}`)) throw new Error(`${BUNDLE} is not built: run npm run build`);
});

function inputs(extra: Record<string, string>): Record<string, string> {
  // what the restore workflow's cutover step passes: every input it names, empty when not set
  return {
    environment,
    set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261129T160312Z/',
    secrets: `DATABASE_URL=postgres://phlo:${env.newPassword}@db:5432/phlo_restore`,
    'secret-namespace': env.dagster,
    restart: `${env.dagster}/*, ${env.warehouse}/nessie`,
    confirm: '',
    manifests: 'k8s',
    'health-url': '',
    'rollout-timeout': '90s',
    ...extra,
  };
}

const stepEnv = () => ({ GITHUB_WORKSPACE: env.workspace, KUBECONFIG: loadStackEnv(['KUBECONFIG']).KUBECONFIG! });
const configMap = async () =>
  (
    await env.client.request<KubeObject & { data: Record<string, string> }>({
      method: 'GET',
      path: `/api/v1/namespaces/${env.dagster}/configmaps/phlo-config`,
    })
  ).data;
const secretsIn = (text: string) =>
  [env.oldPassword, env.newPassword, Buffer.from(env.newPassword).toString('base64')].filter((s) => text.includes(s));

describe('cutover bundle', () => {
  test('a dry run (confirm blank): the plan in the summary, nothing written, no secret printed', async () => {
    const before = await configMap();
    const r = await runStep(BUNDLE, { inputs: inputs({}), env: stepEnv() });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('planned');
    expect(r.outputs.restarted).toBe(
      [
        `Deployment/${env.dagster}/dagster-daemon`,
        `Deployment/${env.dagster}/dagster-webserver`,
        `Deployment/${env.warehouse}/nessie`,
      ].join(','),
    );
    expect(r.summary).toContain('Dry run of the cutover');
    expect(r.summary).toContain(`ConfigMap ${env.dagster}/phlo-config`);
    expect(r.summary).toContain('S3_WAREHOUSE');
    expect(await configMap()).toEqual(before);
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a wrong confirm fails naming the input and writes nothing', async () => {
    const before = await configMap();
    const r = await runStep(BUNDLE, { inputs: inputs({ confirm: 'production' }), env: stepEnv() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`::error::.*Input 'confirm' is 'production': expected the environment's name \\('${environment}'\\)`),
    );
    expect(r.outputs.result).toBe('refused');
    expect(await configMap()).toEqual(before);
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a confirmed run repoints and restarts', async () => {
    const r = await runStep(BUNDLE, { inputs: inputs({ confirm: environment }), env: stepEnv(), timeoutMs: 180_000 });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('cut-over');
    expect((await configMap()).S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect(r.summary).toContain('rollout gate: success');
    expect(secretsIn(r.everything)).toEqual([]);
  }, 200_000);
});
