import { describe, expect, it } from '@jest/globals';
import { isTransientDockerError, parsePushDigest, pushImage } from '../../src/lib/docker/docker.js';
import type { Exec, ExecResult } from '../../src/lib/runtime/exec.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { backoffDelay, retry } from '../../src/lib/runtime/retry.js';
import type { Clock } from '../../src/lib/runtime/clock.js';

/** A clock that records sleeps and advances instantly. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('backoff with full jitter', () => {
  it('draws each wait uniformly below an exponentially growing cap', () => {
    const policy = { baseMs: 1000, capMs: 20_000 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 15999, 19999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(2000);
  });
});

describe('retry', () => {
  it('retries retryable failures, waiting the jittered backoff, then succeeds', async () => {
    const clock = fakeClock();
    const seen: number[] = [];
    const result = await retry(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error('connection reset by peer');
        return 'ok';
      },
      { attempts: 5, baseMs: 100, capMs: 1000, clock, random: () => 0.5, retryable: () => true },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('stops at the attempt limit and rethrows the last error', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new Error(`fail ${calls}`);
        },
        { attempts: 3, baseMs: 10, capMs: 100, clock, random: () => 1 - Number.EPSILON, retryable: () => true },
      ),
    ).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('does not retry a permanent failure', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new Error('denied');
        },
        { attempts: 5, baseMs: 10, capMs: 100, clock, retryable: () => false },
      ),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });
});

describe('docker push output', () => {
  it('finds the manifest digest', () => {
    const out = [
      'The push refers to repository [127.0.0.1:15000/dev/app]',
      'cf20d6564dac: Pushed',
      `v1: digest: sha256:${'a'.repeat(64)} size: 735`,
    ].join('\n');
    expect(parsePushDigest(out)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(parsePushDigest('nothing here')).toBeUndefined();
  });

  it.each([
    'read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer',
    'received unexpected HTTP status: 503 Service Unavailable',
    'received unexpected HTTP status: 500 Internal Server Error',
    'Get "https://x/v2/": net/http: TLS handshake timeout',
    'dial tcp 127.0.0.1:15000: i/o timeout',
    'toomanyrequests: Rate exceeded',
    'Put "http://x": EOF',
  ])('treats %s as transient', (text) => expect(isTransientDockerError(text)).toBe(true));

  it.each([
    'denied: Your authorization token has expired.',
    'unauthorized: authentication required',
    "tag invalid: The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.",
    'name unknown: The repository with name app does not exist in the registry',
    'An image does not exist locally with the tag: x',
  ])('treats %s as permanent', (text) => expect(isTransientDockerError(text)).toBe(false));
});

describe('pushImage', () => {
  const digest = `sha256:${'f'.repeat(64)}`;
  function scriptedExec(results: ExecResult[]): Exec & { calls: string[][] } {
    const calls: string[][] = [];
    const exec = (async (command: string, args: readonly string[]) => {
      calls.push([command, ...args]);
      return results.length > 1 ? results.shift()! : results[0]!;
    }) as Exec & { calls: string[][] };
    exec.calls = calls;
    return exec;
  }
  const ok: ExecResult = { exitCode: 0, stdout: `v1: digest: ${digest} size: 528\n`, stderr: '' };
  const reset: ExecResult = {
    exitCode: 1,
    stdout: '',
    stderr: 'Put "http://r/v2/app/blobs/uploads/": read tcp: connection reset by peer',
  };
  const denied: ExecResult = { exitCode: 1, stdout: '', stderr: 'denied: requested access to the resource is denied' };

  it('retries transient failures with backoff and returns the digest; the config dir is on every call', async () => {
    const exec = scriptedExec([reset, reset, ok]);
    const clock = fakeClock();
    const logger = new MemoryLogger();
    const result = await pushImage({ exec, configDir: '/tmp/phlo-docker-config-x' }, 'r/app:v1', {
      clock,
      logger,
      retry: { attempts: 4, baseMs: 1000, capMs: 8000 },
      random: () => 0.5,
    });
    expect(result).toBe(digest);
    expect(exec.calls).toEqual(Array(3).fill(['docker', '--config', '/tmp/phlo-docker-config-x', 'push', 'r/app:v1']));
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(logger.text()).toMatch(/attempt 1 of 4 failed .*connection reset by peer.*; retrying in 500ms/);
  });

  it("gives up at once on a permanent failure, with docker's message", async () => {
    const exec = scriptedExec([denied]);
    const clock = fakeClock();
    await expect(
      pushImage({ exec, configDir: '/d' }, 'r/app:v1', {
        clock,
        logger: new MemoryLogger(),
        retry: { attempts: 4, baseMs: 10, capMs: 10 },
      }),
    ).rejects.toThrow(/docker push r\/app:v1 failed \(exit 1\): denied: requested access/);
    expect(exec.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('stops after the last attempt', async () => {
    const exec = scriptedExec([reset]);
    await expect(
      pushImage({ exec, configDir: '/d' }, 'r/app:v1', {
        clock: fakeClock(),
        logger: new MemoryLogger(),
        retry: { attempts: 3, baseMs: 10, capMs: 10 },
      }),
    ).rejects.toThrow(/connection reset/);
    expect(exec.calls).toHaveLength(3);
  });
});
