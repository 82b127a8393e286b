/**
 * The restore's cutover on the local stack (Kubernetes with KWOK nodes): an environment deployed the
 * way the deploy does it (render + apply: a ConfigMap using a settings variable, the Secret from
 * `secrets`, Dagster and Nessie Deployments and one more that is not restarted), then
 *  - no `confirm` → a dry run that writes nothing (every object's resourceVersion unchanged) and
 *    plans the changed objects, diffs (Secret values masked) and the workloads to restart; a wrong
 *    `confirm` → refused by the parser, naming the input, before anything is read;
 *  - confirmed, health gate answering 200 → the settings changed, the Dagster and Nessie workloads
 *    restarted and rolled out, the other one untouched;
 *  - confirmed, health gate answering 503 → rolled back: the ConfigMap, the Secret and the workloads'
 *    templates back as they were, and healthy;
 * and no secret value in any report, summary or log line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/lib/kube/client.js';
import { stripServerFields } from '../../src/lib/kube/diff.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { ANNOTATION_CUTOVER } from '../../src/lib/objects/names.js';
import { parseCutoverSettings } from '../../src/lib/restore/cutover-settings.js';
import { runCutover, type CutoverReport } from '../../src/lib/restore/cutover.js';
import { cutoverSummary } from '../../src/lib/restore/cutover-summary.js';
import { waitDeploymentReady } from './gates.fixtures.js';
import { useCutoverEnvironment } from './cutover.fixtures.js';

const env = useCutoverEnvironment('cutover');
const { environment, oldPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD, other: OTHER_SECRET, kc } = env;
let server: Server;
let healthStatus = 200;
let healthUrl = '';

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(healthStatus, { 'content-type': 'text/plain' });
    res.end(healthStatus === 200 ? 'ok' : 'unhealthy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

function settings(extra: Record<string, string>) {
  return parseCutoverSettings(
    new Inputs(
      fromRecord({
        environment,
        workspace: env.workspace,
        set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261129T160312Z/',
        secrets: `DATABASE_URL=postgres://phlo:${NEW_PASSWORD}@db:5432/phlo_restore_20261129t160312z`,
        'secret-namespace': env.dagster,
        restart: `${env.dagster}/*, ${env.warehouse}/nessie`,
        'rollout-timeout': '90s',
        'health-url': healthUrl,
        'health-paths': '/health',
        'health-consecutive-successes': '2',
        'health-interval': '100ms',
        'health-timeout': '2s',
        ...extra,
      }),
    ),
    { GITHUB_WORKSPACE: env.workspace, RUNNER_TEMP: env.workspace },
    () => undefined,
  );
}

type WithData = KubeObject & { data: Record<string, string> };
const get = (p: string) => env.client.request<KubeObject>({ method: 'GET', path: p });
const configMap = (ns: string) =>
  env.client.request<WithData>({ method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/phlo-config` });
const secret = () =>
  env.client.request<WithData>({ method: 'GET', path: `/api/v1/namespaces/${env.dagster}/secrets/phlo-secrets` });
const deploy = (ns: string, name: string) => get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
const secretValue = async (key: string) => Buffer.from((await secret()).data[key]!, 'base64').toString('utf8');
const templateOf = async (ns: string, name: string) =>
  stripServerFields((await deploy(ns, name)).spec.template as Record<string, unknown>);

async function liveVersions(): Promise<Record<string, string>> {
  const d = env.dagster;
  const w = env.warehouse;
  const objects = [
    await configMap(d),
    await configMap(w),
    await secret(),
    ...(await Promise.all(
      [
        [d, 'dagster-webserver'],
        [d, 'dagster-daemon'],
        [w, 'nessie'],
        [w, 'trino'],
      ].map(([ns, n]) => deploy(ns!, n!)),
    )),
  ];
  return Object.fromEntries(
    objects.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion!]),
  );
}

function expectNoSecrets(report: CutoverReport, logger: MemoryLogger): void {
  const everything = `${JSON.stringify(report)}\n${cutoverSummary(report)}\n${logger.text()}`;
  for (const s of [OLD_PASSWORD, NEW_PASSWORD, OTHER_SECRET]) {
    expect(everything).not.toContain(s);
    expect(everything).not.toContain(Buffer.from(s).toString('base64'));
  }
}

describe('cutover', () => {
  test('without confirm it is a dry run that writes nothing; a wrong confirm is refused naming the input', async () => {
    const before = await liveVersions();
    const logger = new MemoryLogger();
    const report = await runCutover(settings({}), { client: env.client, logger, clock: systemClock });
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('planned');
    expect(report.mode).toBe('dry-run');
    expect(report.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}:${o.action}`).sort()).toEqual(
      [
        `ConfigMap/${env.dagster}/phlo-config:changed`,
        `ConfigMap/${env.warehouse}/phlo-config:changed`,
        `Secret/${env.dagster}/phlo-secrets:changed`,
      ].sort(),
    );
    expect(report.restart.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      `${env.dagster}/dagster-daemon`,
      `${env.dagster}/dagster-webserver`,
      `${env.warehouse}/nessie`,
    ]);
    const diffs = report.diffs.join('\n');
    expect(diffs).toContain('+  S3_WAREHOUSE: s3://phlo-lake/restore-20261129T160312Z/');
    expect(diffs).toContain("DATABASE_URL: '*** (changed)'");
    expect(report.secret).toEqual({
      namespace: env.dagster,
      name: 'phlo-secrets',
      keys: ['DATABASE_URL'],
      newKeys: [],
    });
    expect(cutoverSummary(report)).toContain("Set input 'confirm'");
    expectNoSecrets(report, logger);
    expect(await liveVersions()).toEqual(before);

    expect(() => settings({ confirm: 'production' })).toThrow(
      `Input 'confirm' is 'production': expected the environment's name ('${environment}') to write, or nothing for a dry run.`,
    );
    const undeclared = await runCutover(settings({ set: 'NOT_DECLARED=1', confirm: environment }), {
      client: env.client,
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    expect(undeclared.result).toBe('refused');
    expect(undeclared.error).toMatch(/^Input 'set': 'NOT_DECLARED' is not declared under 'variables' in /);
    expect(await liveVersions()).toEqual(before);
  });

  test('confirmed and healthy: the settings change, the Dagster and Nessie workloads restart and roll out, the rest is untouched', async () => {
    healthStatus = 200;
    const trinoBefore = await deploy(env.warehouse, 'trino');
    const webBefore = await deploy(env.dagster, 'dagster-webserver');
    const logger = new MemoryLogger();
    const notices: unknown[] = [];
    const report = await runCutover(settings({ confirm: environment, 'notify-on': 'success' }), {
      client: env.client,
      logger,
      clock: systemClock,
      notify: async (n) => notices.push(n),
    });
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('cut-over');
    expect(report.gate?.verdict).toBe('success');
    expect(report.health).toEqual({ healthy: true });
    expect((await configMap(env.dagster)).data.S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect((await configMap(env.warehouse)).data.S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect((await configMap(env.dagster)).data.LOG_LEVEL).toBe('INFO');
    expect(await secretValue('DATABASE_URL')).toBe(
      `postgres://phlo:${NEW_PASSWORD}@db:5432/phlo_restore_20261129t160312z`,
    );
    expect(await secretValue('OTHER')).toBe(OTHER_SECRET);
    for (const [ns, name] of [
      [env.dagster, 'dagster-webserver'],
      [env.dagster, 'dagster-daemon'],
      [env.warehouse, 'nessie'],
    ] as const) {
      const live = await waitDeploymentReady(kc, ns, name);
      expect(live.spec.template.metadata.annotations[ANNOTATION_CUTOVER]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const webAfter = await deploy(env.dagster, 'dagster-webserver');
    expect(Number(webAfter.metadata.annotations!['deployment.kubernetes.io/revision'])).toBe(
      Number(webBefore.metadata.annotations!['deployment.kubernetes.io/revision']) + 1,
    );
    expect((await deploy(env.warehouse, 'trino')).metadata.resourceVersion).toBe(trinoBefore.metadata.resourceVersion);
    expect(notices).toEqual([expect.objectContaining({ event: 'success', activity: 'cutover' })]);
    expect(cutoverSummary(report)).toContain('The repository still renders the old settings');
    expectNoSecrets(report, logger);
  }, 180_000);

  test('confirmed but unhealthy: rolled back, the settings and the workloads back as they were', async () => {
    healthStatus = 503;
    const cmBefore = (await configMap(env.dagster)).data;
    const dbBefore = await secretValue('DATABASE_URL');
    const templates = {
      web: await templateOf(env.dagster, 'dagster-webserver'),
      daemon: await templateOf(env.dagster, 'dagster-daemon'),
      nessie: await templateOf(env.warehouse, 'nessie'),
    };
    const logger = new MemoryLogger();
    const notices: Array<{ event: string }> = [];
    const report = await runCutover(
      settings({
        confirm: environment,
        set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261130T010000Z/',
        secrets: `DATABASE_URL=postgres://phlo:${NEW_PASSWORD}@db:5432/wrong`,
      }),
      { client: env.client, logger, clock: systemClock, notify: async (n) => void notices.push(n) },
    );
    expect(report.result).toBe('rolled-back');
    expect(report.error).toMatch(/^Cutover rolled back: the health gate says unhealthy/);
    expect(report.health?.healthy).toBe(false);
    expect(report.rollback?.healthy).toBe(true);
    expect(report.rollback?.workloads.map((w) => w.outcome)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    expect(notices.map((n) => n.event)).toEqual(['rollback']);
    // back as they were
    expect((await configMap(env.dagster)).data).toEqual(cmBefore);
    expect(await secretValue('DATABASE_URL')).toBe(dbBefore);
    expect(await secretValue('OTHER')).toBe(OTHER_SECRET);
    await waitDeploymentReady(kc, env.dagster, 'dagster-webserver');
    await waitDeploymentReady(kc, env.dagster, 'dagster-daemon');
    await waitDeploymentReady(kc, env.warehouse, 'nessie');
    expect(await templateOf(env.dagster, 'dagster-webserver')).toEqual(templates.web);
    expect(await templateOf(env.dagster, 'dagster-daemon')).toEqual(templates.daemon);
    expect(await templateOf(env.warehouse, 'nessie')).toEqual(templates.nessie);
    expectNoSecrets(report, logger);
  }, 240_000);
});
