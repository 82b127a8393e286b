/**
 * The cutover bundle run as a runner runs it (inputs as the restore workflow's cutover step passes
 * them), against the stack's Kubernetes: a dry run writes nothing and shows the plan in the summary;
 * a wrong confirm fails naming the input and writes nothing; a confirmed run repoints and restarts;
 * no Secret value (old or new) appears in any output, file or log line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { runStep, repoRoot } from '../helpers/action-runner.js';
import { kubeConfig, loadStackEnv, useNamespace } from '../helpers/stack.js';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { deployCutoverEnvironment } from '../stack/cutover.fixtures.js';

const BUNDLE = 'dist/cutover/main.js';
const kc = kubeConfig();
const dagster = useNamespace('cutover-a-dagster');
const warehouse = useNamespace('cutover-a-dw');
const environment = `cuta${randomBytes(3).toString('hex')}`;
const OLD_PASSWORD = randomBytes(9).toString('hex');
const NEW_PASSWORD = randomBytes(9).toString('hex');
let client: KubeClient;
let workspace: string;

beforeAll(async () => {
  if (!existsSync(`${repoRoot}/${BUNDLE}`)) throw new Error(`${BUNDLE} is not built: run npm run build`);
  client = await KubeClient.create(kc);
  workspace = await deployCutoverEnvironment({
    client,
    kc,
    environment,
    dagster: dagster.name,
    warehouse: warehouse.name,
    secrets: new Map([['DATABASE_URL', `postgres://phlo:${OLD_PASSWORD}@db:5432/phlo`]]),
  });
}, 180_000);

afterAll(() => {
  client?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

function inputs(extra: Record<string, string>): Record<string, string> {
  // what the restore workflow's cutover step passes: every input it names, empty when not set
  return {
    environment,
    set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261129T160312Z/',
    secrets: `DATABASE_URL=postgres://phlo:${NEW_PASSWORD}@db:5432/phlo_restore`,
    'secret-namespace': dagster.name,
    restart: `${dagster.name}/*, ${warehouse.name}/nessie`,
    confirm: '',
    manifests: 'k8s',
    'health-url': '',
    'rollout-timeout': '90s',
    ...extra,
  };
}

const env = () => ({ GITHUB_WORKSPACE: workspace, KUBECONFIG: loadStackEnv(['KUBECONFIG']).KUBECONFIG! });
const configMap = async () =>
  (
    await client.request<KubeObject & { data: Record<string, string> }>({
      method: 'GET',
      path: `/api/v1/namespaces/${dagster.name}/configmaps/phlo-config`,
    })
  ).data;
const secretsIn = (text: string) =>
  [OLD_PASSWORD, NEW_PASSWORD, Buffer.from(NEW_PASSWORD).toString('base64')].filter((s) => text.includes(s));

describe('cutover bundle', () => {
  test('a dry run (confirm blank): the plan in the summary, nothing written, no secret printed', async () => {
    const before = await configMap();
    const r = await runStep(BUNDLE, { inputs: inputs({}), env: env() });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('planned');
    expect(r.outputs.restarted).toBe(
      [
        `Deployment/${dagster.name}/dagster-daemon`,
        `Deployment/${dagster.name}/dagster-webserver`,
        `Deployment/${warehouse.name}/nessie`,
      ].join(','),
    );
    expect(r.summary).toContain('Dry run of the cutover');
    expect(r.summary).toContain(`ConfigMap ${dagster.name}/phlo-config`);
    expect(r.summary).toContain('S3_WAREHOUSE');
    expect(await configMap()).toEqual(before);
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a wrong confirm fails naming the input and writes nothing', async () => {
    const before = await configMap();
    const r = await runStep(BUNDLE, { inputs: inputs({ confirm: 'production' }), env: env() });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`::error::.*Input 'confirm' is 'production': expected the environment's name \\('${environment}'\\)`),
    );
    expect(r.outputs.result).toBe('refused');
    expect(await configMap()).toEqual(before);
    expect(secretsIn(r.everything)).toEqual([]);
  });

  test('a confirmed run repoints and restarts', async () => {
    const r = await runStep(BUNDLE, { inputs: inputs({ confirm: environment }), env: env(), timeoutMs: 180_000 });
    expect(r.stdout).not.toMatch(/::error::/);
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('cut-over');
    expect((await configMap()).S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect(r.summary).toContain('rollout gate: success');
    expect(secretsIn(r.everything)).toEqual([]);
  }, 200_000);
});
