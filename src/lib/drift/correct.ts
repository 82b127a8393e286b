/**
 * `mode: correct`: re-applies only the drifted objects (modified, taken-over, missing) from the
 * rendered desired state — never from the report, whose Secret data is masked — with server-side
 * apply and force (apply's own path), then gates the workloads it touched. Refuses when more than
 * `max-corrections` objects drifted. Extraneous objects are reported, never deleted.
 */
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';
import type { KubeClient } from '../kube/client.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS } from '../kube/apply.js';
import type { Manifest } from '../manifests/validate.js';
import { refKey } from '../objects/types.js';
import { WORKLOAD_KINDS } from '../objects/types.js';
import { runRolloutGate } from '../gates/gate.js';
import type { DriftReport } from './report.js';

export async function correctDrift(
  report: DriftReport,
  desired: readonly Manifest[],
  settings: {
    maxCorrections: number;
    drift: { render: { secret?: { values: Map<string, string> } }; concurrency: number };
  },
  client: KubeClient,
  logger: Logger,
  clock: Clock,
  options: { gateTimeoutMs?: number } = {},
): Promise<DriftReport> {
  const fixable = new Set(
    report.items
      .filter((i) => i.category === 'modified' || i.category === 'taken-over' || i.category === 'missing')
      .map((i) => refKey(i.ref)),
  );
  if (fixable.size === 0) return report;
  if (fixable.size > settings.maxCorrections) {
    return {
      ...report,
      status: 'error',
      errors: [
        ...report.errors,
        {
          message: `mode 'correct': ${fixable.size} objects drifted, more than 'max-corrections' (${settings.maxCorrections}) allows: nothing was re-applied.`,
        },
      ],
    };
  }
  const subset = desired.filter((m) => fixable.has(refKey(m.ref)));
  try {
    const { result } = await applyManifests(
      subset,
      settings.drift.render.secret?.values ?? new Map(),
      { ...DEFAULT_APPLY_SETTINGS, forceConflicts: true, concurrency: settings.drift.concurrency },
      client,
      logger,
    );
    const workloads = result.workloads.filter((w) => (WORKLOAD_KINDS as readonly string[]).includes(w.kind));
    if (workloads.length) {
      const gate = await runRolloutGate(
        client,
        workloads.map((w) => ({ ...w })),
        { timeoutMs: options.gateTimeoutMs ?? 300_000, logger, clock, skipExplain: true },
      );
      if (gate.verdict !== 'success')
        return {
          ...report,
          corrected: [...fixable],
          status: 'error',
          errors: [
            ...report.errors,
            { message: `mode 'correct': the rollout gate said ${gate.verdict} after re-applying.` },
          ],
        };
    }
    logger.info(`mode 'correct': re-applied ${fixable.size} object(s): ${[...fixable].join(', ')}`);
    return { ...report, corrected: [...fixable] };
  } catch (error) {
    return {
      ...report,
      status: 'error',
      errors: [...report.errors, { message: `mode 'correct': re-applying failed: ${describeError(error)}` }],
    };
  }
}
