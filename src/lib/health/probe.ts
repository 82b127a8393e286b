/**
 * The health gate's policy: probe each target until it answers well N times in a row, within a
 * per-attempt timeout and an overall deadline; optionally check the JSON body and a latency budget.
 * How a request reaches the target is a port (`ProbeTransport`): plain HTTP(S) here, the Kubernetes
 * API server's service proxy elsewhere.
 */
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { percentile } from './stats.js';

export interface ProbeRequest {
  /** Shown in logs and the summary; never includes headers. */
  label: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ProbeResponse {
  status: number;
  body: string;
}

/** Performs one request to one target. Throws on network errors and aborts. */
export type ProbeTransport = (req: ProbeRequest) => Promise<ProbeResponse>;

export interface ProbeTarget {
  label: string;
  send: ProbeTransport;
}

export interface HealthPolicy {
  /** Status codes that count as healthy. */
  expectedStatus: readonly number[];
  consecutiveSuccesses: number;
  intervalMs: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  /** Each key (a dotted path) must equal the value in the JSON body. */
  expectJson?: Record<string, unknown>;
  /** Fails the gate when the p95 latency of successful attempts exceeds this. */
  latencyBudgetMs?: number;
}

export interface TargetResult {
  label: string;
  healthy: boolean;
  attempts: number;
  successes: number;
  /** The longest run of consecutive successes reached. */
  streak: number;
  p50Ms?: number;
  p95Ms?: number;
  /** Why the target is not healthy (or the last failure seen on the way). */
  reason?: string;
  lastStatus?: number;
}

export interface HealthResult {
  healthy: boolean;
  targets: TargetResult[];
  /** Over every successful attempt of every target. */
  p50Ms?: number;
  p95Ms?: number;
  durationMs: number;
}

export async function runHealthGate(
  targets: readonly ProbeTarget[],
  policy: HealthPolicy,
  ports: { logger: Logger; clock: Clock },
): Promise<HealthResult> {
  const started = ports.clock.now();
  const deadline = started + policy.deadlineMs;
  const probed = await Promise.all(targets.map((t) => probeTarget(t, policy, deadline, ports)));
  const all = probed.flatMap((p) => p.latencies);
  return {
    healthy: probed.every((p) => p.result.healthy),
    targets: probed.map((p) => p.result),
    p50Ms: percentile(all, 50),
    p95Ms: percentile(all, 95),
    durationMs: ports.clock.now() - started,
  };
}

async function probeTarget(
  target: ProbeTarget,
  policy: HealthPolicy,
  deadline: number,
  { logger, clock }: { logger: Logger; clock: Clock },
): Promise<{ result: TargetResult; latencies: number[] }> {
  const latencies: number[] = [];
  let attempts = 0;
  let successes = 0;
  let streak = 0;
  let bestStreak = 0;
  let reason: string | undefined;
  let lastStatus: number | undefined;

  // The first attempt always runs; later ones only with a fair share of time left (an attempt cut to a
  // few milliseconds by the deadline says nothing about the target).
  const minimumMs = Math.min(policy.attemptTimeoutMs, 50);
  while (attempts === 0 || deadline - clock.now() >= minimumMs) {
    attempts++;
    const remaining = deadline - clock.now();
    const timeoutMs = Math.max(minimumMs, Math.min(policy.attemptTimeoutMs, remaining));
    const outcome = await attempt(target, policy, timeoutMs);
    lastStatus = outcome.status ?? lastStatus;
    if (outcome.ok) {
      successes++;
      streak++;
      bestStreak = Math.max(bestStreak, streak);
      latencies.push(outcome.latencyMs);
      logger.debug(
        `${target.label}: ok ${outcome.status} in ${Math.round(outcome.latencyMs)}ms (${streak}/${policy.consecutiveSuccesses})`,
      );
      if (streak >= policy.consecutiveSuccesses) break;
    } else {
      if (streak > 0 || attempts === 1 || outcome.reason !== reason) {
        logger.info(`${target.label}: ${outcome.reason}`);
      }
      streak = 0;
      reason = outcome.reason;
    }
    const wait = Math.min(policy.intervalMs, deadline - clock.now());
    if (wait > 0) await clock.sleep(wait);
  }

  const p50Ms = percentile(latencies, 50);
  const p95Ms = percentile(latencies, 95);
  let healthy = streak >= policy.consecutiveSuccesses;
  if (!healthy) {
    reason =
      `${bestStreak}/${policy.consecutiveSuccesses} consecutive successes before the deadline` +
      (reason ? `; last failure: ${reason}` : '');
  } else if (policy.latencyBudgetMs !== undefined && p95Ms !== undefined && p95Ms > policy.latencyBudgetMs) {
    healthy = false;
    reason = `p95 latency ${Math.round(p95Ms)}ms is over the budget of ${policy.latencyBudgetMs}ms`;
  } else {
    reason = undefined;
  }
  return {
    result: { label: target.label, healthy, attempts, successes, streak: bestStreak, p50Ms, p95Ms, reason, lastStatus },
    latencies,
  };
}

type AttemptOutcome = { ok: true; status: number; latencyMs: number } | { ok: false; status?: number; reason: string };

async function attempt(target: ProbeTarget, policy: HealthPolicy, timeoutMs: number): Promise<AttemptOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('attempt timeout')), timeoutMs);
  const start = performance.now();
  try {
    const response = await target.send({ label: target.label, timeoutMs, signal: controller.signal });
    const latencyMs = performance.now() - start;
    if (!policy.expectedStatus.includes(response.status)) {
      return {
        ok: false,
        status: response.status,
        reason: `status ${response.status}, expected ${policy.expectedStatus.join(' or ')}`,
      };
    }
    if (policy.expectJson) {
      const mismatch = checkJson(response.body, policy.expectJson);
      if (mismatch) return { ok: false, status: response.status, reason: mismatch };
    }
    return { ok: true, status: response.status, latencyMs };
  } catch (error) {
    if (controller.signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs}ms (attempt timeout)` };
    return { ok: false, reason: networkReason(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Returns a description of the first mismatch, or undefined when the body matches. */
export function checkJson(body: string, expected: Record<string, unknown>): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  for (const [path, want] of Object.entries(expected)) {
    const got = path.split('.').reduce<unknown>((node, key) => {
      if (node && typeof node === 'object' && key in (node as Record<string, unknown>))
        return (node as Record<string, unknown>)[key];
      return undefined;
    }, parsed);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      return `body field '${path}' is ${got === undefined ? 'missing' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

function networkReason(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code;
  if (code) return `connection failed (${code})`;
  return `request failed: ${(e?.cause?.message ?? e?.message ?? String(error)).split('\n')[0]}`;
}
