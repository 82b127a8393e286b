/**
 * The health-gate stage as one typed function: probe every URL × path, and every Service × path
 * through the API server's service proxy (over the one client given), until each has its run of
 * successes or the deadline passes. Unhealthy is a verdict in the result (`healthGateFailure`).
 */
import type { Clock } from '../runtime/clock.js';
import { GateFailure } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { KubeClient } from '../kube/client.js';
import { httpTarget, joinUrl } from './http.js';
import { runHealthGate, type HealthResult, type ProbeTarget } from './probe.js';
import { serviceProxyTarget } from './service-proxy.js';
import type { HealthGateSettings } from './settings.js';

export interface HealthGatePorts {
  logger: Logger;
  clock: Clock;
  /** For Service targets: one client for every attempt, so a latency is the backend's. */
  client?: KubeClient;
}

export async function healthGate(settings: HealthGateSettings, ports: HealthGatePorts): Promise<HealthResult> {
  const { urls, paths, headers, services, policy } = settings;
  const targets: ProbeTarget[] = urls.flatMap((base) => paths.map((p) => httpTarget(joinUrl(base, p), headers)));
  if (services.length > 0) {
    if (!ports.client) throw new Error('health gate: Service targets need a Kubernetes client');
    for (const svc of services) for (const p of paths) targets.push(serviceProxyTarget(ports.client, svc, p, headers));
  }
  ports.logger.info(
    `Probing ${targets.length} target(s) until ${policy.consecutiveSuccesses} consecutive successes each`,
  );
  const result = await runHealthGate(targets, policy, { logger: ports.logger, clock: ports.clock });
  if (result.healthy)
    ports.logger.info(`All ${result.targets.length} target(s) healthy in ${Math.round(result.durationMs)}ms`);
  return result;
}

export function healthGateFailure(result: HealthResult): GateFailure | undefined {
  if (result.healthy) return undefined;
  const bad = result.targets.filter((t) => !t.healthy);
  return new GateFailure(
    `${bad.length} of ${result.targets.length} target(s) unhealthy: ${bad.map((t) => `${t.label} (${t.reason})`).join('; ')}`,
  );
}
