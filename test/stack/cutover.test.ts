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
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { KubeClient, type KubeObject } from '../../src/lib/kube/client.js';
import { stripServerFields } from '../../src/lib/kube/diff.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { ANNOTATION_CUTOVER } from '../../src/lib/objects/names.js';
import { parseCutoverSettings } from '../../src/lib/restore/cutover-settings.js';
import { runCutover, type CutoverReport } from '../../src/lib/restore/cutover.js';
import { cutoverSummary } from '../../src/lib/restore/cutover-summary.js';
import { kubeConfig, useNamespace } from '../helpers/stack.js';
import { waitDeploymentReady } from './gates.fixtures.js';
import { deployCutoverEnvironment } from './cutover.fixtures.js';

const kc = kubeConfig();
const dagster = useNamespace('cutover-dagster');
const warehouse = useNamespace('cutover-dw');
const environment = `cut${randomBytes(3).toString('hex')}`;
const OLD_PASSWORD = randomBytes(9).toString('hex');
const NEW_PASSWORD = randomBytes(9).toString('hex');
const OTHER_SECRET = randomBytes(9).toString('hex');
let client: KubeClient;
let workspace: string;
let server: Server;
let healthStatus = 200;
let healthUrl = '';

beforeAll(async () => {
  client = await KubeClient.create(kc);
  server = createServer((_req, res) => {
    res.writeHead(healthStatus, { 'content-type': 'text/plain' });
    res.end(healthStatus === 200 ? 'ok' : 'unhealthy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workspace = await deployCutoverEnvironment({
    client,
    kc,
    environment,
    dagster: dagster.name,
    warehouse: warehouse.name,
    secrets: new Map([
      ['DATABASE_URL', `postgres://phlo:${OLD_PASSWORD}@db:5432/phlo`],
      ['OTHER', OTHER_SECRET],
    ]),
  });
}, 180_000);

afterAll(async () => {
  client?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

function settings(extra: Record<string, string>) {
  return parseCutoverSettings(
    new Inputs(
      fromRecord({
        environment,
        workspace,
        set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261129T160312Z/',
        secrets: `DATABASE_URL=postgres://phlo:${NEW_PASSWORD}@db:5432/phlo_restore_20261129t160312z`,
        'secret-namespace': dagster.name,
        restart: `${dagster.name}/*, ${warehouse.name}/nessie`,
        'rollout-timeout': '90s',
        'health-url': healthUrl,
        'health-paths': '/health',
        'health-consecutive-successes': '2',
        'health-interval': '100ms',
        'health-timeout': '2s',
        ...extra,
      }),
    ),
    { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace },
    () => undefined,
  );
}

type WithData = KubeObject & { data: Record<string, string> };
const get = (p: string) => client.request<KubeObject>({ method: 'GET', path: p });
const configMap = (ns: string) =>
  client.request<WithData>({ method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/phlo-config` });
const secret = () =>
  client.request<WithData>({ method: 'GET', path: `/api/v1/namespaces/${dagster.name}/secrets/phlo-secrets` });
const deploy = (ns: string, name: string) => get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
const secretValue = async (key: string) => Buffer.from((await secret()).data[key]!, 'base64').toString('utf8');
const templateOf = async (ns: string, name: string) =>
  stripServerFields((await deploy(ns, name)).spec.template as Record<string, unknown>);

async function liveVersions(): Promise<Record<string, string>> {
  const d = dagster.name;
  const w = warehouse.name;
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
    const report = await runCutover(settings({}), { client, logger, clock: systemClock });
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('planned');
    expect(report.mode).toBe('dry-run');
    expect(report.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}:${o.action}`).sort()).toEqual(
      [
        `ConfigMap/${dagster.name}/phlo-config:changed`,
        `ConfigMap/${warehouse.name}/phlo-config:changed`,
        `Secret/${dagster.name}/phlo-secrets:changed`,
      ].sort(),
    );
    expect(report.restart.map((r) => `${r.namespace}/${r.name}`)).toEqual([
      `${dagster.name}/dagster-daemon`,
      `${dagster.name}/dagster-webserver`,
      `${warehouse.name}/nessie`,
    ]);
    const diffs = report.diffs.join('\n');
    expect(diffs).toContain('+  S3_WAREHOUSE: s3://phlo-lake/restore-20261129T160312Z/');
    expect(diffs).toContain("DATABASE_URL: '*** (changed)'");
    expect(report.secret).toEqual({
      namespace: dagster.name,
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
      client,
      logger: new MemoryLogger(),
      clock: systemClock,
    });
    expect(undeclared.result).toBe('refused');
    expect(undeclared.error).toMatch(/^Input 'set': 'NOT_DECLARED' is not declared under 'variables' in /);
    expect(await liveVersions()).toEqual(before);
  });

  test('confirmed and healthy: the settings change, the Dagster and Nessie workloads restart and roll out, the rest is untouched', async () => {
    healthStatus = 200;
    const trinoBefore = await deploy(warehouse.name, 'trino');
    const webBefore = await deploy(dagster.name, 'dagster-webserver');
    const logger = new MemoryLogger();
    const notices: unknown[] = [];
    const report = await runCutover(settings({ confirm: environment, 'notify-on': 'success' }), {
      client,
      logger,
      clock: systemClock,
      notify: async (n) => notices.push(n),
    });
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('cut-over');
    expect(report.gate?.verdict).toBe('success');
    expect(report.health).toEqual({ healthy: true });
    expect((await configMap(dagster.name)).data.S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect((await configMap(warehouse.name)).data.S3_WAREHOUSE).toBe('s3://phlo-lake/restore-20261129T160312Z/');
    expect((await configMap(dagster.name)).data.LOG_LEVEL).toBe('INFO');
    expect(await secretValue('DATABASE_URL')).toBe(
      `postgres://phlo:${NEW_PASSWORD}@db:5432/phlo_restore_20261129t160312z`,
    );
    expect(await secretValue('OTHER')).toBe(OTHER_SECRET);
    for (const [ns, name] of [
      [dagster.name, 'dagster-webserver'],
      [dagster.name, 'dagster-daemon'],
      [warehouse.name, 'nessie'],
    ] as const) {
      const live = await waitDeploymentReady(kc, ns, name);
      expect(live.spec.template.metadata.annotations[ANNOTATION_CUTOVER]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    const webAfter = await deploy(dagster.name, 'dagster-webserver');
    expect(Number(webAfter.metadata.annotations!['deployment.kubernetes.io/revision'])).toBe(
      Number(webBefore.metadata.annotations!['deployment.kubernetes.io/revision']) + 1,
    );
    expect((await deploy(warehouse.name, 'trino')).metadata.resourceVersion).toBe(trinoBefore.metadata.resourceVersion);
    expect(notices).toEqual([expect.objectContaining({ event: 'success', activity: 'cutover' })]);
    expect(cutoverSummary(report)).toContain('The repository still renders the old settings');
    expectNoSecrets(report, logger);
  }, 180_000);

  test('confirmed but unhealthy: rolled back, the settings and the workloads back as they were', async () => {
    healthStatus = 503;
    const cmBefore = (await configMap(dagster.name)).data;
    const dbBefore = await secretValue('DATABASE_URL');
    const templates = {
      web: await templateOf(dagster.name, 'dagster-webserver'),
      daemon: await templateOf(dagster.name, 'dagster-daemon'),
      nessie: await templateOf(warehouse.name, 'nessie'),
    };
    const logger = new MemoryLogger();
    const notices: Array<{ event: string }> = [];
    const report = await runCutover(
      settings({
        confirm: environment,
        set: 'S3_WAREHOUSE=s3://phlo-lake/restore-20261130T010000Z/',
        secrets: `DATABASE_URL=postgres://phlo:${NEW_PASSWORD}@db:5432/wrong`,
      }),
      { client, logger, clock: systemClock, notify: async (n) => void notices.push(n) },
    );
    expect(report.result).toBe('rolled-back');
    expect(report.error).toMatch(/^Cutover rolled back: the health gate says unhealthy/);
    expect(report.health?.healthy).toBe(false);
    expect(report.rollback?.healthy).toBe(true);
    expect(report.rollback?.workloads.map((w) => w.outcome)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
    expect(notices.map((n) => n.event)).toEqual(['rollback']);
    // back as they were
    expect((await configMap(dagster.name)).data).toEqual(cmBefore);
    expect(await secretValue('DATABASE_URL')).toBe(dbBefore);
    expect(await secretValue('OTHER')).toBe(OTHER_SECRET);
    await waitDeploymentReady(kc, dagster.name, 'dagster-webserver');
    await waitDeploymentReady(kc, dagster.name, 'dagster-daemon');
    await waitDeploymentReady(kc, warehouse.name, 'nessie');
    expect(await templateOf(dagster.name, 'dagster-webserver')).toEqual(templates.web);
    expect(await templateOf(dagster.name, 'dagster-daemon')).toEqual(templates.daemon);
    expect(await templateOf(warehouse.name, 'nessie')).toEqual(templates.nessie);
    expectNoSecrets(report, logger);
  }, 240_000);
});
