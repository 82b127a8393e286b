// phlo-deploy's actions through a real workflow engine (act, test/helpers/workflow-engine.ts), with no
// local stack: every action.yml loads (a runner refuses an action whose metadata it cannot load
// before any step runs), and a scheduled caller runs the health-gate action from a consumer repository.
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/action-runner.js';
import { createConsumerRepo, type ConsumerRepo } from '../helpers/consumer-repo.js';
import {
  actBinary,
  exportWorkingTree,
  PHLO_REPOSITORY,
  removeExport,
  runWorkflow,
} from '../helpers/workflow-engine.js';

const consumers: ConsumerRepo[] = [];
let server: Server;
let url: string;
let status = 200;
const probed: string[] = [];

beforeAll(async () => {
  actBinary(); // builds act into the cache when it is missing (about 2 minutes, once per machine)
  exportWorkingTree();
  server = createServer((req, res) => {
    probed.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'down' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 20 * 60_000);

afterAll(async () => {
  for (const c of consumers) c.remove();
  removeExport();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

function consumer(files: Record<string, string>): ConsumerRepo {
  const c = createConsumerRepo({ templates: [], app: false, manifests: false, files });
  consumers.push(c);
  return c;
}

test('every action.yml loads in the engine (a step that uses it with if: false makes the runner load it)', async () => {
  const actions = ['', ...readdirSync(join(repoRoot, 'actions')).map((a) => `/actions/${a}`)];
  const jobs = Object.fromEntries(
    actions.map((path) => [
      `load-${path.split('/').pop() || 'root'}`,
      {
        'runs-on': 'ubuntu-latest',
        steps: [{ uses: `${PHLO_REPOSITORY}${path}@v1`, if: '${{ false }}' }],
      },
    ]),
  );
  const workflow = yaml.dump({ name: 'load', on: 'push', permissions: {}, jobs });
  const c = consumer({ '.github/workflows/load.yml': workflow });
  const run = await runWorkflow({ repo: c.dir, workflow: c.workflow('load.yml'), event: 'push', timeoutMs: 120_000 });
  const failed = run.jobs.filter((j) => j.result !== 'success');
  if (run.exitCode !== 0 || failed.length > 0 || run.jobs.length !== actions.length) {
    throw new Error(
      `Not every action loads in the workflow engine (act ${run.exitCode}): ` +
        `${failed.map((j) => j.name).join(', ') || `${run.jobs.length} of ${actions.length} jobs ran`}.\n` +
        'A runner loads every action.yml a job uses before the first step and fails the job when one does not ' +
        'load (e.g. a `${{ }}` in metadata where GitHub allows no expression).\n' +
        `${[...new Set(run.jobs.flatMap((j) => j.errors))].join('\n')}\n${run.stderr.slice(-3000)}`,
    );
  }
});

const SCHEDULED = `
name: health-probe
on:
  schedule:
    - cron: '17 3 * * *'
permissions: {}
jobs:
  probe:
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    steps:
      - name: Probe
        id: probe
        uses: ${PHLO_REPOSITORY}/actions/health-gate@v1
        with:
          url: \${{ vars.HEALTH_URL }}
          interval: 100ms
          timeout: 3s
      - name: Report
        if: always()
        env:
          EVENT: \${{ github.event_name }}
          CRON: \${{ github.event.schedule }}
          HEALTHY: \${{ steps.probe.outputs.healthy }}
        run: echo "event=$EVENT cron=$CRON healthy=$HEALTHY"
`;

test('a scheduled caller runs the health-gate action: healthy passes, a 503 fails the job', async () => {
  const c = consumer({ '.github/workflows/health-probe.yml': SCHEDULED });
  const options = {
    repo: c.dir,
    workflow: c.workflow('health-probe.yml'),
    event: 'schedule',
    vars: { HEALTH_URL: url },
    timeoutMs: 120_000,
  } as const;

  status = 200;
  probed.length = 0;
  const ok = await runWorkflow(options);
  if (ok.exitCode !== 0) throw new Error(ok.explain());
  const probe = ok.job('probe');
  expect(probe.result).toBe('success');
  expect(probe.outputs.healthy).toBe('true');
  expect(probe.log).toContain('event=schedule cron=17 3 * * * healthy=true');
  expect(probe.summary).toMatch(/health/i);
  expect(probed).toEqual(expect.arrayContaining(['/health', '/ready']));

  status = 503;
  const down = await runWorkflow(options);
  expect(down.exitCode).toBe(1);
  const failed = down.job('probe');
  expect(failed.result).toBe('failure');
  expect(failed.steps.find((s) => s.name === 'Probe' && s.stage === 'Main')?.result).toBe('failure');
  expect(failed.errors.join('\n')).toMatch(/503/);
  expect(failed.log).toContain('event=schedule cron=17 3 * * * healthy=false');
});
