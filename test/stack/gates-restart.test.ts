/**
 * The API server restarts in the middle of a gate: the watches reconnect with backoff, resume from
 * their last resourceVersion (or relist on 410), and the verdict is still right.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubeConfig, sleep, stackDir, useNamespace, waitFor, repoRoot } from '../helpers/stack.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { kubeRequest } from '../../src/lib/kube/watch.js';
import { runRolloutGate } from '../../src/lib/gates/index.js';
import { apply, deploymentManifest, ref } from './gates.fixtures.js';

const kc = kubeConfig();
const run = promisify(execFile);

/**
 * Restarts the stack's kube-apiserver: through stack/components/kube.sh when it offers a restart
 * command, else by stopping the recorded pid and starting the same command line again (what
 * stack/lib.sh start_bg does), recording the new pid.
 */
async function restartApiserver(): Promise<void> {
  const script = join(repoRoot, 'stack', 'components', 'kube.sh');
  if (readFileSync(script, 'utf8').includes('restart-apiserver)')) {
    await run('bash', [script, 'restart-apiserver']);
  } else {
    const pidFile = join(stackDir(), 'pids', 'kube-apiserver.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
    process.kill(pid, 'SIGTERM');
    await waitFor('the old kube-apiserver to exit', async () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const log = openSync(join(stackDir(), 'logs', 'kube-apiserver.log'), 'a');
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
    child.unref();
    closeSync(log);
    writeFileSync(pidFile, `${child.pid}\n`);
  }
  await waitFor(
    'kube-apiserver ready again',
    async () => {
      try {
        const res = await kubeRequest(kc, 'GET', '/readyz', { timeoutMs: 2_000, accept: '*/*' });
        return res.status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  );
}

describe('rollout gate across an API server restart', () => {
  const ns = useNamespace('gates-restart');

  it('resumes its watches and still sees the rollout finish', async () => {
    const n = ns.name;
    await apply(kc, n, deploymentManifest('phoenix', { fault: 'never-ready', replicas: 2 }));
    const logger = new MemoryLogger();
    const timeoutMs = 150_000;
    const gate = runRolloutGate(kc, [ref('Deployment', n, 'phoenix')], { timeoutMs, logger, clock: systemClock });
    await sleep(2_000);
    await restartApiserver();
    // Only after the restart does the rollout become able to finish: the gate can only say
    // "success" if its watches came back and saw the new events.
    await apply(kc, n, deploymentManifest('phoenix', { replicas: 2 }));
    const result = await gate;
    expect(result.verdict).toBe('success');
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    expect(logger.text()).toMatch(/lost the watch on .*; resuming/);
    expect(result.durationMs).toBeLessThan(timeoutMs);
  });
});
