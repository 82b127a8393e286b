import { createEcrClient } from '../../lib/ecr/client.js';
import { gateEcrScan } from '../../lib/ecr/gate.js';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { openRegistrySession, pushToEcr, type RegistrySession } from '../../lib/ecr/push.js';
import { waitForScanFindings } from '../../lib/ecr/scan.js';
import { parsePushEcrSettings, type PushEcrSettings } from '../../lib/ecr/settings.js';
import { pushSummary } from '../../lib/ecr/summary.js';
import { loadIgnoreFile } from '../../lib/scan/ignore.js';
import { spawnExec, type Exec } from '../../lib/runtime/exec.js';
import { systemClock } from '../../lib/runtime/clock.js';
import { GateFailure } from '../../lib/runtime/errors.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { STATE } from './state.js';
import { runDeps, type RunDeps } from '../run-deps.js';

/** The read-only half of push-ecr (token, repository look, docker login), started before the push. */
export interface PreparedPush {
  /** The ECR repository the session is for. */
  repository: string;
  ecr: ECRClient;
  /** How docker runs (the pipeline watches for the push starting). */
  exec: Exec;
  session: Promise<RegistrySession>;
  /** Waits for the session to settle, then closes the ECR client. */
  close(): Promise<void>;
}

function createClient(settings: PushEcrSettings): ECRClient {
  return createEcrClient({
    region: settings.region,
    ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
    maxAttempts: settings.apiMaxAttempts,
  });
}

function portsFor(ctx: ActionContext, ecr: ECRClient, exec: Exec) {
  return {
    ecr,
    exec,
    clock: systemClock,
    logger: ctx.logger,
    mask: (secret: string) => ctx.setSecret(secret),
    onDockerConfig: (dir: string, registry: string) => {
      // Recorded before login writes credentials there: the post step removes it whatever happens next.
      ctx.saveState(STATE.dockerConfig, dir);
      ctx.saveState(STATE.registry, registry);
    },
  };
}

/**
 * Opens the registry session now. The pipeline calls it while the image builds (with the image and
 * tags not known yet, so they are placeholders in `ctx`); `run` then pushes through it.
 */
export function prepare(
  ctx: ActionContext,
  parsed: PushEcrSettings = parsePushEcrSettings(ctx.inputs),
  exec: Exec = spawnExec,
): PreparedPush {
  const ecr = createClient(parsed);
  const session = openRegistrySession(parsed.push, portsFor(ctx, ecr, exec));
  session.catch(() => undefined); // reported by whoever awaits it (run); never unhandled
  return {
    repository: parsed.push.repository.name,
    ecr,
    exec,
    session,
    close: async () => {
      await session.catch(() => undefined);
      ecr.destroy();
    },
  };
}

/** `prepared`: a registry session the pipeline opened while the image built (else the push opens one). */
export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}, prepared?: PreparedPush): Promise<void> {
  const { exec, env } = runDeps(deps);
  const settings = parsePushEcrSettings(ctx.inputs, env);
  // The ignore file is read (and checked) before anything is written.
  if (settings.scan?.ignoreFile)
    settings.scan.policy.ignores = await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file');
  // Standalone, the session opens inside pushToEcr once the image is known to exist.
  const ecr = prepared?.ecr ?? createClient(settings);
  try {
    const result = await pushToEcr(settings.push, portsFor(ctx, ecr, prepared?.exec ?? exec), prepared?.session);

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
    if (!prepared) ecr.destroy();
  }
}
