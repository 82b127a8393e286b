/**
 * Retry with exponential backoff and full jitter (sleep a random time in [0, min(cap, base·2^n))),
 * on the Clock port so tests steer time. Hand-written on purpose: p-retry 8/9 need Node 22 and
 * p-retry 7 neither offers full jitter nor lets us pass the Clock.
 */
import type { Clock } from './clock.js';

export interface RetryPolicy {
  /** Total attempts, the first one included (≥ 1). */
  attempts: number;
  /** Backoff base in ms: the cap of the first wait. */
  baseMs: number;
  /** Upper bound of any single wait in ms. */
  capMs: number;
}

export interface RetryOptions extends RetryPolicy {
  clock: Clock;
  /** Decides whether a failed attempt may be tried again. */
  retryable(error: unknown): boolean;
  /** Called before each wait; attempt is the 1-based number of the attempt that failed. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** [0, 1) source; Math.random by default, fixed in tests. */
  random?: () => number;
  signal?: AbortSignal;
}

/** The wait before retry number `retry` (0-based): full jitter over an exponentially growing cap. */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const attempts = Math.max(1, Math.floor(options.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !options.retryable(error) || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt - 1, options, random);
      options.onRetry?.(error, attempt, delay);
      await options.clock.sleep(delay, options.signal);
    }
  }
}
