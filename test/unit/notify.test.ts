import { notify, PAGERDUTY_EVENTS_URL, type DeployNotice, type NotifySettings } from '../../src/lib/notify/notify.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { Recorder } from '../helpers/recorder.js';

const WEBHOOK_SECRET = 'T000/B000/XXXXsecretwebhookpart';
const ROUTING_KEY = 'R0UTINGKEYsecret0123456789abcdef';

let slack: Recorder;
let pagerduty: Recorder;
beforeEach(async () => {
  slack = await new Recorder(() => ({ status: 200, body: 'ok' })).start();
  pagerduty = await new Recorder(() => ({ status: 202, body: { status: 'success', dedup_key: 'k' } })).start();
});
afterEach(async () => {
  await slack.stop();
  await pagerduty.stop();
});

const notice = (event: DeployNotice['event']): DeployNotice => ({
  event,
  environment: 'production',
  repository: 'org/phlo',
  headline:
    event === 'success' ? 'deployed' : 'rollout failed: Deployment dagster/dagster-webserver never became ready',
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/phlo/dagster@sha256:abc',
  runUrl: 'https://github.com/org/phlo/actions/runs/42',
  details: { 'dagster/dagster-webserver': 'rolled back to revision 3' },
});

function settings(on: NotifySettings['on']): NotifySettings {
  return {
    slackWebhookUrl: `${slack.url}/services/${WEBHOOK_SECRET}`,
    pagerdutyRoutingKey: ROUTING_KEY,
    pagerdutyEventsUrl: `${pagerduty.url}/v2/enqueue`,
    on,
    timeoutMs: 2000,
  };
}

test('a failure goes to Slack and triggers PagerDuty, with no secret in either message', async () => {
  const logger = new MemoryLogger();
  const results = await notify(notice('failure'), settings(new Set(['failure', 'rollback'])), { logger });
  expect(results.map((r) => [r.channel, r.ok])).toEqual([
    ['slack', true],
    ['pagerduty', true],
  ]);

  expect(slack.requests).toHaveLength(1);
  const s = slack.requests[0]!;
  expect(s.path).toBe(`/services/${WEBHOOK_SECRET}`);
  expect((s.json as { text: string }).text).toContain('org/phlo → production: rollout failed');
  expect(s.body).toContain('rolled back to revision 3');
  expect(s.body).not.toContain(WEBHOOK_SECRET);
  expect(s.body).not.toContain(ROUTING_KEY);

  const p = pagerduty.requests[0]!.json as Record<string, any>;
  expect(p.event_action).toBe('trigger');
  expect(p.routing_key).toBe(ROUTING_KEY);
  expect(p.dedup_key).toBe('phlo-deploy/org/phlo/production');
  expect(p.payload.severity).toBe('critical');
  expect(p.payload.summary).toContain('rollout failed');
  expect(p.links).toEqual([{ href: 'https://github.com/org/phlo/actions/runs/42', text: 'Workflow run' }]);
  expect(JSON.stringify(p.payload)).not.toContain(ROUTING_KEY);
  expect(logger.text()).not.toContain(WEBHOOK_SECRET);
});

test('a rollback is a warning-level incident', async () => {
  await notify(notice('rollback'), settings(new Set(['failure', 'rollback'])), { logger: new MemoryLogger() });
  expect((pagerduty.requests[0]!.json as any).payload.severity).toBe('warning');
});

test('success: Slack only when asked; PagerDuty resolves the incident by its dedup key', async () => {
  await notify(notice('success'), settings(new Set(['failure', 'rollback'])), { logger: new MemoryLogger() });
  expect(slack.requests).toHaveLength(0);
  expect(pagerduty.requests.map((r) => r.json)).toEqual([
    { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'phlo-deploy/org/phlo/production' },
  ]);
  await notify(notice('success'), settings(new Set(['success', 'failure'])), { logger: new MemoryLogger() });
  expect(slack.requests).toHaveLength(1);
});

test('a receiver that fails is a warning, retried once on 5xx, and never throws', async () => {
  slack.respond(() => ({ status: 500, body: 'boom' }));
  pagerduty.respond(() => ({ status: 400, body: { status: 'invalid event' } }));
  const logger = new MemoryLogger();
  const results = await notify(notice('failure'), settings(new Set(['failure'])), { logger });
  expect(results).toEqual([
    { channel: 'slack', ok: false, detail: 'HTTP 500' },
    { channel: 'pagerduty', ok: false, detail: 'HTTP 400' },
  ]);
  expect(slack.requests).toHaveLength(2);
  expect(pagerduty.requests).toHaveLength(1);
  expect(logger.text()).toMatch(/warning: could not notify slack: HTTP 500 \(the deploy's result is unchanged\)/);
});

test('an unreachable receiver is a warning', async () => {
  await slack.stop();
  const logger = new MemoryLogger();
  const s = settings(new Set(['failure']));
  const results = await notify(notice('failure'), { ...s, pagerdutyRoutingKey: undefined }, { logger });
  expect(results).toEqual([{ channel: 'slack', ok: false, detail: 'request failed (ECONNREFUSED)' }]);
});

test('the default PagerDuty endpoint is the Events v2 API', () => {
  expect(PAGERDUTY_EVENTS_URL).toBe('https://events.pagerduty.com/v2/enqueue');
});
