import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorLines, runStep } from '../helpers/action-runner.js';

const BUNDLE = 'dist/health-gate/main.js';

// One local server; each path behaves differently. Counters are per path.
let server: Server;
let base: string;
const hits = new Map<string, number>();
const seenAuth: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    if (req.headers.authorization) seenAuth.push(req.headers.authorization);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path.startsWith('/ok/')) return json(200, { status: 'ok' });
    if (path.startsWith('/down/')) return json(503, { status: 'starting' });
    // flapping: ok, fail, ok, fail, ... for the first 6 hits, then steady ok
    if (path.startsWith('/flap/')) return json(n <= 6 && n % 2 === 0 ? 500 : 200, { status: 'ok' });
    // paced: /health answers after 40 ms, /ready after 80 ms (lower bounds for the latencies reported)
    if (path.startsWith('/paced/')) {
      setTimeout(() => json(200, { status: 'ok' }), path.endsWith('/ready') ? 80 : 40);
      return;
    }
    if (path.startsWith('/slow/')) {
      setTimeout(() => json(200, { status: 'ok' }), 150);
      return;
    }
    if (path.startsWith('/hang/')) return; // never answers
    if (path.startsWith('/wrongbody/')) return json(200, { status: 'degraded', checks: { db: false } });
    if (path.startsWith('/auth/')) {
      return req.headers.authorization === 'Bearer s3cr3t-t0ken-value' ? json(200, { status: 'ok' }) : json(401, {});
    }
    json(404, {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const fast = { interval: '50ms', 'attempt-timeout': '1s', 'consecutive-successes': '3' };

test('healthy: both default paths pass, outputs and summary report latencies', async () => {
  const r = await runStep(BUNDLE, { inputs: { url: `${base}/paced`, ...fast, timeout: '20s' } });
  expect(r.code).toBe(0);
  expect(r.outputs.healthy).toBe('true');
  // Real numbers, not an empty output (Number('') is 0): the server answers /health after 40 ms and
  // /ready after 80 ms, so half the successful attempts take at least 40 ms and the slowest at least 80.
  expect(r.outputs['p50-ms']).toMatch(/^\d+$/);
  expect(r.outputs['p95-ms']).toMatch(/^\d+$/);
  const p50 = Number(r.outputs['p50-ms']);
  const p95 = Number(r.outputs['p95-ms']);
  expect(p50).toBeGreaterThanOrEqual(40);
  expect(p95).toBeGreaterThanOrEqual(80);
  expect(p95).toBeGreaterThanOrEqual(p50);
  type Target = { label: string; healthy: boolean; attempts: number; successes: number; p50Ms: number; p95Ms: number };
  const results: Target[] = JSON.parse(r.outputs.results!);
  expect(results.map((t) => t.label)).toEqual([`${base}/paced/health`, `${base}/paced/ready`]);
  expect(results.map((t) => [t.attempts, t.successes])).toEqual([
    [3, 3],
    [3, 3],
  ]);
  const [health, ready] = results as [Target, Target];
  expect(health.p50Ms).toBeGreaterThanOrEqual(40);
  expect(ready.p50Ms).toBeGreaterThanOrEqual(80);
  expect(ready.p95Ms).toBeGreaterThanOrEqual(ready.p50Ms);
  // Over all six successes, the nearest-rank p95 is the slowest one: the larger of the two targets' maxima.
  expect(p95).toBe(Math.round(Math.max(health.p95Ms, ready.p95Ms)));
  expect(r.summary).toContain('Health gate: healthy');
  // One row per target with its own latencies, as the job summary shows them.
  for (const t of results) {
    expect(r.summary).toContain(`| ✅ | ${t.label} | 3/3 | ${Math.round(t.p50Ms)} ms | ${Math.round(t.p95Ms)} ms |  |`);
  }
});

test('failing: a 503 endpoint fails the gate at the deadline with the status in the error', async () => {
  const r = await runStep(BUNDLE, { inputs: { url: `${base}/down`, paths: '/health', ...fast, timeout: '1s' } });
  expect(r.code).toBe(1);
  expect(r.outputs.healthy).toBe('false');
  expect(errorLines(r).join('\n')).toMatch(/status 503, expected 200/);
  expect(r.summary).toContain('Health gate: unhealthy');
});

test('flapping: needs N consecutive successes, so it takes more attempts than N', async () => {
  const r = await runStep(BUNDLE, { inputs: { url: `${base}/flap`, paths: '/health', ...fast, timeout: '20s' } });
  expect(r.code).toBe(0);
  const [t] = JSON.parse(r.outputs.results!);
  expect(t.successes).toBe(t.attempts - 3); // three failures (2nd, 4th, 6th hit) were reset
  expect(t.attempts).toBe(9); // 1 ok,2 x,3 ok,4 x,5 ok,6 x,7 ok,8 ok,9 ok
});

test('slow: over the latency budget fails even though every answer is 200', async () => {
  const r = await runStep(BUNDLE, {
    inputs: { url: `${base}/slow`, paths: '/health', ...fast, timeout: '20s', 'latency-budget': '50ms' },
  });
  expect(r.code).toBe(1);
  expect(errorLines(r).join('\n')).toMatch(/p95 latency \d+ms is over the budget of 50ms/);
  expect(Number(r.outputs['p95-ms'])).toBeGreaterThanOrEqual(150);
});

test('slow but within a generous budget passes', async () => {
  const r = await runStep(BUNDLE, {
    inputs: { url: `${base}/slow`, paths: '/health', ...fast, timeout: '20s', 'latency-budget': '2s' },
  });
  expect(r.code).toBe(0);
});

test('hanging: the per-attempt timeout turns a hang into failures and the gate ends at its deadline', async () => {
  const r = await runStep(BUNDLE, {
    inputs: { url: `${base}/hang`, paths: '/health', interval: '50ms', 'attempt-timeout': '200ms', timeout: '1s' },
  });
  expect(r.code).toBe(1);
  expect(errorLines(r).join('\n')).toMatch(/no answer within \d+ms \(attempt timeout\)/);
  const [t] = JSON.parse(r.outputs.results!);
  expect(t.attempts).toBeGreaterThanOrEqual(3);
  expect(t.successes).toBe(0);
});

test('wrong body: the JSON check names the field, the value and what was expected', async () => {
  const r = await runStep(BUNDLE, {
    inputs: { url: `${base}/wrongbody`, paths: '/health', ...fast, timeout: '1s', 'expect-json': 'status=ok' },
  });
  expect(r.code).toBe(1);
  expect(errorLines(r).join('\n')).toContain(`body field 'status' is "degraded", expected "ok"`);
});

test('auth headers are sent but never printed', async () => {
  const secret = 's3cr3t-t0ken-value';
  const r = await runStep(BUNDLE, {
    inputs: {
      url: `${base}/auth`,
      paths: '/health',
      ...fast,
      timeout: '10s',
      headers: `Authorization: Bearer ${secret}`,
    },
    env: { RUNNER_DEBUG: '1' },
  });
  expect(r.code).toBe(0);
  expect(seenAuth).toContain(`Bearer ${secret}`);
  expect(r.everything).not.toContain(secret);
});

test('bad input: a malformed URL names the input and the expected form, no stack trace', async () => {
  const r = await runStep(BUNDLE, { inputs: { url: 'not a url' } });
  expect(r.code).toBe(1);
  expect(errorLines(r)).toEqual([
    "health-gate: Input 'url' is 'not a url': expected an absolute http:// or https:// URL.",
  ]);
  expect(r.everything).not.toMatch(/\n\s+at /);
});

test('bad input: a bad duration is rejected before any request', async () => {
  const before = hits.get('/ok/health') ?? 0;
  const r = await runStep(BUNDLE, { inputs: { url: `${base}/ok`, timeout: '10 minutes' } });
  expect(r.code).toBe(1);
  expect(errorLines(r).join()).toContain("Input 'timeout' is '10 minutes'");
  expect(hits.get('/ok/health') ?? 0).toBe(before);
});
