import { GitHubDeployment } from '../../src/lib/github/deployments.js';
import { octokitDeployments } from '../../src/lib/github/octokit.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { Recorder, type Recorded } from '../helpers/recorder.js';

const TOKEN = 'ghs_testtokenvalue000000000000000000';
let api: Recorder;
beforeEach(async () => {
  api = await new Recorder((req: Recorded) => {
    if (req.method === 'POST' && req.path === '/repos/org/phlo/deployments') return { status: 201, body: { id: 77 } };
    if (req.method === 'POST' && req.path === '/repos/org/phlo/deployments/77/statuses')
      return { status: 201, body: { id: 1 } };
    return undefined;
  }).start();
});
afterEach(() => api.stop());

const target = {
  owner: 'org',
  repo: 'phlo',
  ref: 'a'.repeat(40),
  environment: 'production',
  production: true,
  logUrl: 'https://github.com/org/phlo/actions/runs/42',
  image: 'repo@sha256:abc',
};

test('a deployment is created, marked in_progress, then success with the environment URL', async () => {
  const logger = new MemoryLogger();
  const d = new GitHubDeployment(octokitDeployments(TOKEN, api.url), target, logger);
  await d.start();
  await d.finish(true, 'Deployed repo@sha256:abc', 'https://dagster.example.com');
  expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /repos/org/phlo/deployments',
    'POST /repos/org/phlo/deployments/77/statuses',
    'POST /repos/org/phlo/deployments/77/statuses',
  ]);
  expect(api.requests[0]!.headers.authorization).toBe(`token ${TOKEN}`);
  expect(api.requests[0]!.json).toMatchObject({
    ref: target.ref,
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
    production_environment: true,
    payload: { image: 'repo@sha256:abc' },
  });
  expect(api.requests[1]!.json).toMatchObject({ state: 'in_progress', log_url: target.logUrl });
  expect(api.requests[2]!.json).toMatchObject({
    state: 'success',
    environment_url: 'https://dagster.example.com',
    log_url: target.logUrl,
    auto_inactive: true,
  });
  expect(logger.text()).not.toContain(TOKEN);
});

test('failure is reported as a failure status', async () => {
  const d = new GitHubDeployment(octokitDeployments(TOKEN, api.url), target, new MemoryLogger());
  await d.start();
  await d.finish(false, 'Rollout failed; rolled back');
  expect(api.requests[2]!.json).toMatchObject({ state: 'failure', description: 'Rollout failed; rolled back' });
});

test('GitHub refusing (403) is a warning and the deploy goes on', async () => {
  api.respond(() => ({ status: 403, body: { message: 'Resource not accessible by integration' } }));
  const logger = new MemoryLogger();
  const d = new GitHubDeployment(octokitDeployments(TOKEN, api.url), target, logger);
  await d.start();
  await d.finish(true, 'ok');
  expect(d.deploymentId).toBeUndefined();
  expect(api.requests).toHaveLength(1);
  expect(logger.text()).toContain('warning: could not create a GitHub deployment for production');
  expect(logger.text()).toContain('Resource not accessible by integration');
});
