import { createEcrClient } from '../../lib/ecr/client.js';
import { gateEcrScan } from '../../lib/ecr/gate.js';
import { pushToEcr } from '../../lib/ecr/push.js';
import { waitForScanFindings } from '../../lib/ecr/scan.js';
import { parsePushEcrSettings } from '../../lib/ecr/settings.js';
import { pushSummary } from '../../lib/ecr/summary.js';
import { loadIgnoreFile } from '../../lib/scan/ignore.js';
import { spawnExec } from '../../lib/registry/exec.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { GateFailure } from '../../lib/runtime/errors.js';
import type { ActionContext } from '../../runner/index.js';
import { STATE } from './state.js';

export async function run(ctx: ActionContext): Promise<void> {
  const settings = parsePushEcrSettings(ctx.inputs);
  // The ignore file is read (and checked) before anything is written.
  if (settings.scan?.ignoreFile)
    settings.scan.policy.ignores = await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file');
  const ecr = createEcrClient({
    region: settings.region,
    ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
    maxAttempts: settings.apiMaxAttempts,
  });
  try {
    const result = await pushToEcr(settings.push, {
      ecr,
      exec: spawnExec,
      clock: systemClock,
      logger: ctx.logger,
      mask: (secret) => ctx.setSecret(secret),
      onDockerConfig: (dir, registry) => {
        ctx.saveState(STATE.dockerConfig, dir);
        ctx.saveState(STATE.registry, registry);
      },
    });

    ctx.setOutput('registry', result.registry);
    ctx.setOutput('repository-uri', result.repositoryUri);
    ctx.setOutput('ecr-repository-uri', result.ecrRepositoryUri);
    ctx.setOutput('digest', result.digest);
    ctx.setOutput('image', result.image);
    ctx.setOutput(
      'tags',
      result.tags.map((t) => t.reference),
    );
    ctx.setOutput('token-expiry', result.tokenExpiresAt?.toISOString() ?? '');
    ctx.setOutput('repository-created', result.repository.created);

    if (!settings.scan) {
      ctx.summary(pushSummary(result));
      return;
    }
    const outcome = await ctx.logger.group('Waiting for the ECR scan', () =>
      waitForScanFindings(
        ecr,
        {
          repositoryName: result.repository.name,
          registryId: result.repository.registryId,
          imageDigest: result.digest,
        },
        {
          clock: systemClock,
          logger: ctx.logger,
          timeoutMs: settings.scan!.timeoutMs,
          intervalMs: settings.scan!.intervalMs,
          startScanIfMissing: settings.scan!.startScanIfMissing,
        },
      ),
    );
    const gate = gateEcrScan(outcome, settings.scan.policy, new Date(systemClock.now()), settings.scan.onUnavailable);
    ctx.setOutput('scan-status', outcome.status);
    ctx.setOutput('scan-counts', outcome.counts);
    ctx.summary(pushSummary(result, { outcome, gate }));
    if (gate.warning) ctx.logger.warning(gate.warning);
    if (!gate.passed) throw new GateFailure(gate.message);
    ctx.logger.info(`ECR scan ${outcome.status}: gate passed`);
  } finally {
    ecr.destroy();
  }
}
