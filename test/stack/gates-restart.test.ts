/**
 * The API server restarts in the middle of a gate: the watches reconnect with backoff, resume from
 * their last resourceVersion (or relist on 410), and the verdict is still right. Done on a private
 * control plane (port offset 2300) so the shared stack's other tests are not disturbed
 * (stack/README.md).
 */
import { describe, expect, it } from '@jest/globals';
import { createNamespace, sleep, startPrivateStack } from '../helpers/stack.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { runRolloutGate } from '../../src/lib/gates/index.js';
import { apply, deploymentManifest, ref } from './gates.fixtures.js';
import { withKubeClient } from '../../src/lib/kube/client.js';

describe('rollout gate across an API server restart', () => {
  it('resumes its watches and still sees the rollout finish', async () => {
    const stack = await startPrivateStack(2300);
    try {
      const kc = stack.kubeConfig;
      const { name: n } = await createNamespace('gates-restart', kc);
      await apply(kc, n, deploymentManifest('phoenix', { fault: 'never-ready', replicas: 2 }));
      const logger = new MemoryLogger();
      const timeoutMs = 150_000;
      const gate = withKubeClient(kc, (client) =>
        runRolloutGate(client, [ref('Deployment', n, 'phoenix')], { timeoutMs, logger, clock: systemClock }),
      );
      await sleep(2_000);
      await stack.restartApiserver();
      // Only after the restart can the rollout finish: the gate can only say "success" if its
      // watches came back and saw the new events.
      await apply(kc, n, deploymentManifest('phoenix', { replicas: 2 }));
      const result = await gate;
      expect(result.verdict).toBe('success');
      expect(result.workloads[0]).toMatchObject({ state: 'ready', message: '2 of 2 replicas updated and available' });
      expect(result.reconnects).toBeGreaterThanOrEqual(1);
      expect(logger.text()).toMatch(/lost the watch on .*; resuming/);
      expect(logger.text()).toMatch(/watch on .* resumed/);
      expect(result.durationMs).toBeLessThan(timeoutMs);
    } finally {
      await stack.stop();
    }
  }, 300_000);

  it('a failure that appears after the restart still fails fast', async () => {
    const stack = await startPrivateStack(2300);
    try {
      const kc = stack.kubeConfig;
      const { name: n } = await createNamespace('gates-restart', kc);
      await apply(kc, n, deploymentManifest('icarus', { fault: 'never-ready', replicas: 1 }));
      const logger = new MemoryLogger();
      const timeoutMs = 150_000;
      const gate = withKubeClient(kc, (client) =>
        runRolloutGate(client, [ref('Deployment', n, 'icarus')], { timeoutMs, logger, clock: systemClock }),
      );
      await sleep(2_000);
      await stack.restartApiserver();
      await apply(kc, n, deploymentManifest('icarus', { fault: 'image-pull', image: 'phlo/icarus:2', replicas: 1 }));
      const result = await gate;
      expect(result.verdict).toBe('failure');
      expect(['ErrImagePull', 'ImagePullBackOff']).toContain(result.workloads[0]!.reason);
      expect(result.reconnects).toBeGreaterThanOrEqual(1);
      expect(result.durationMs).toBeLessThan(timeoutMs / 2);
    } finally {
      await stack.stop();
    }
  }, 300_000);
});
