/**
 * The push-ecr stage as typed functions: `openPush` (the read-only half — token, a look at the
 * repository, credentials into a private docker config — which the pipeline starts while the image
 * builds) and `pushAndGate` (push, read back the digest, and with `wait-for-scan` gate on ECR's scan).
 * The result is a value: `PushResult` (digest and image by digest) and the scan verdict.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { Clock } from '../runtime/clock.js';
import { GateFailure } from '../runtime/errors.js';
import type { Exec } from '../runtime/exec.js';
import type { Logger, SecretMasker } from '../runtime/logger.js';
import { loadIgnoreFile } from '../scan/ignore.js';
import { createEcrClient } from './client.js';
import { gateEcrScan, type EcrGateResult } from './gate.js';
import { openRegistrySession, pushToEcr, type PushPorts, type PushResult, type RegistrySession } from './push.js';
import { waitForScanFindings, type ScanOutcome } from './scan.js';
import type { PushEcrSettings, PushEcrStageSettings } from './settings.js';
import { pushSummary } from './summary.js';

export interface PushStagePorts {
  exec: Exec;
  clock: Clock;
  logger: Logger;
  mask: SecretMasker;
  /** Told the private docker config dir before login writes credentials there (the post step removes it). */
  onDockerConfig?(dir: string, registry: string): void;
  /** Told the pushed image as soon as it is there (before any wait for ECR's scan). */
  onPushed?(push: PushResult): void;
  /** The local image's inspection, already started by the caller (see PushPorts.inspected). */
  inspected?: PushPorts['inspected'];
}

/** The read-only half of push-ecr, started before the push. */
export interface OpenedPush {
  /** The ECR repository the session is for. */
  repository: string;
  ecr: ECRClient;
  /** How docker runs (the pipeline watches for the push starting). */
  exec: Exec;
  session: Promise<RegistrySession>;
  /** Waits for the session to settle, then closes the ECR client. */
  close(): Promise<void>;
}

export interface PushAndGateResult {
  push: PushResult;
  /** ECR's scan and the gate's verdict on it (with `wait-for-scan`). */
  scan?: { outcome: ScanOutcome; gate: EcrGateResult };
}

function client(settings: PushEcrStageSettings): ECRClient {
  return createEcrClient({
    region: settings.region,
    ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
    maxAttempts: settings.apiMaxAttempts,
  });
}

/** Opens the registry session now (the image and tags need not be known yet). */
export function openPush(settings: PushEcrStageSettings, ports: PushStagePorts): OpenedPush {
  const ecr = client(settings);
  const session = openRegistrySession(settings.push, { ...ports, ecr });
  session.catch(() => undefined); // reported by whoever awaits it (pushAndGate); never unhandled
  return {
    repository: settings.push.repository.name,
    ecr,
    exec: ports.exec,
    session,
    close: async () => {
      await session.catch(() => undefined);
      ecr.destroy();
    },
  };
}

/** Pushes `settings.push.image` under its tags (through `opened`, or a session of its own) and gates on the scan. */
export async function pushAndGate(
  settings: PushEcrSettings,
  ports: PushStagePorts,
  opened?: OpenedPush,
): Promise<PushAndGateResult> {
  // The ignore file is read (and checked) before anything is written.
  const policy = settings.scan
    ? {
        ...settings.scan.policy,
        ...(settings.scan.ignoreFile ? { ignores: await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file') } : {}),
      }
    : undefined;
  // Standalone, the session opens inside pushToEcr once the image is known to exist.
  const ecr = opened?.ecr ?? client(settings);
  try {
    const push = await pushToEcr(settings.push, { ...ports, exec: opened?.exec ?? ports.exec, ecr }, opened?.session);
    ports.onPushed?.(push);
    if (!settings.scan || !policy) return { push };
    const scan = settings.scan;
    const outcome = await ports.logger.group('Waiting for the ECR scan', () =>
      waitForScanFindings(
        ecr,
        {
          repositoryName: push.repository.name,
          registryId: push.repository.registryId,
          imageDigest: push.image.digest,
        },
        {
          clock: ports.clock,
          logger: ports.logger,
          timeoutMs: scan.timeoutMs,
          intervalMs: scan.intervalMs,
          startScanIfMissing: scan.startScanIfMissing,
        },
      ),
    );
    const gate = gateEcrScan(outcome, policy, new Date(ports.clock.now()), scan.onUnavailable);
    if (gate.warning) ports.logger.warning(gate.warning);
    if (gate.passed) ports.logger.info(`ECR scan ${outcome.status}: gate passed`);
    return { push, scan: { outcome, gate } };
  } finally {
    if (!opened) ecr.destroy();
  }
}

export function pushAndGateSummary(r: PushAndGateResult): string {
  return pushSummary(r.push, r.scan);
}

/** The gate's "no": ECR's scan over the policy (or unavailable, with `scan-unavailable: fail`). */
export function pushAndGateFailure(r: PushAndGateResult): GateFailure | undefined {
  return r.scan && !r.scan.gate.passed ? new GateFailure(r.scan.gate.message) : undefined;
}
