/**
 * A restore: the dry run (planRestore) always first; then, only when `confirm` matched, the writers —
 * lake, database (dump, RDS), cluster — each verified after it wrote. Everything that happened goes in
 * one RestoreReport (the audit trail: who, inputs, plan, what was written, durations, result).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, GateFailure, errorLine } from '../runtime/errors.js';
import type { RestoreSettings } from './settings.js';
import { planRestore, type RestorePlan, type RestorePorts } from './plan.js';
import type { SetSource } from './set.js';
import { restoreLake, type LakeRestoreResult } from './lake.js';
import { restoreDump, restoreRds, type DumpRestoreResult, type RdsRestoreResult } from './database.js';
import { restoreCluster } from './cluster.js';
import { pgServer } from './postgres.js';

export type RestoreResult = 'planned' | 'restored' | 'refused' | 'failed';

export interface RestoreReport {
  schema: 'phlo-deploy/restore-report@1';
  environment: string;
  actor?: string;
  runUrl?: string;
  /** The inputs as understood (no secret: database-url appears only as "set"). */
  inputs: Record<string, string>;
  mode: 'dry-run' | 'restore' | 'drill';
  result: RestoreResult;
  error?: string;
  startedAt: string;
  finishedAt?: string;
  /** Milliseconds per phase (plan, lake, database, rds, cluster). */
  durations: Record<string, number>;
  setId?: string;
  plan?: Omit<RestorePlan, 'cluster' | 'lake' | 'set'> & {
    lake?: Omit<NonNullable<RestorePlan['lake']>, 'copies' | 'extra' | 'deletes'> & {
      copies: number;
      extra: string[];
      deletes: string[];
    };
    cluster?: Omit<NonNullable<RestorePlan['cluster']>, 'bodies'>;
  };
  written: {
    lake?: LakeRestoreResult & { bucket: string; prefix: string };
    dumps: DumpRestoreResult[];
    rds?: RdsRestoreResult;
    cluster?: {
      counts: { created: number; changed: number; unchanged: number };
      gate: string;
      secretsToFill: string[];
    };
  };
  /** The problems a verification after a write found (the run then failed). */
  problems: string[];
  /** The drill: `<set> <ISO date>` of this verified restore, and what its clean-up deleted. */
  drill?: { lastVerifiedRestore?: string; cleanup: string[] };
}

export function settingsForReport(s: RestoreSettings): Record<string, string> {
  return {
    environment: s.environment,
    'backup-set': s.backupSet,
    what: s.what.join(','),
    ...(s.pointInTime ? { 'point-in-time': s.pointInTime.toISOString() } : {}),
    target: s.target,
    ...(s.drill ? { drill: 'true' } : {}),
    confirm: s.confirmed ? s.environment : '',
    'delete-extra': String(s.deleteExtra),
    'max-delete': String(s.maxDelete),
    ...(s.namespaceMap.size ? { 'namespace-map': [...s.namespaceMap].map(([a, b]) => `${a}=${b}`).join(',') } : {}),
    'backup-bucket': s.backup.bucket,
    'backup-prefix': s.backup.prefix,
    ...(s.lake.targetBucket ? { 'target-bucket': s.lake.targetBucket } : {}),
    ...(s.lake.targetPrefix !== undefined ? { 'target-prefix': s.lake.targetPrefix } : {}),
    'database-url': s.databaseUrl ? '(set)' : '',
  };
}

function planForReport(plan: RestorePlan): RestoreReport['plan'] {
  const { cluster, lake, set: _set, ...rest } = plan;
  void _set;
  return {
    ...rest,
    ...(lake
      ? {
          lake: {
            ...lake,
            copies: lake.copies.length,
            extra: lake.extra.slice(0, 1000),
            deletes: lake.deletes.slice(0, 1000),
          },
        }
      : {}),
    ...(cluster
      ? { cluster: { objects: cluster.objects, secretsToFill: cluster.secretsToFill, namespaces: cluster.namespaces } }
      : {}),
  };
}

/**
 * Runs the restore and returns its report; never throws for a refusal or a failure (the report says
 * so), only for bugs in the caller's wiring. `plan` is the dry run's plan when it got that far.
 */
export async function runRestore(
  settings: RestoreSettings,
  source: SetSource,
  ports: RestorePorts,
): Promise<{ report: RestoreReport; plan?: RestorePlan }> {
  const started = ports.clock.now();
  const report: RestoreReport = {
    schema: 'phlo-deploy/restore-report@1',
    environment: settings.environment,
    ...(settings.actor ? { actor: settings.actor } : {}),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
    inputs: settingsForReport(settings),
    mode: settings.drill ? 'drill' : settings.confirmed ? 'restore' : 'dry-run',
    result: 'planned',
    startedAt: new Date(started).toISOString(),
    durations: {},
    written: { dumps: [] },
    problems: [],
  };
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = ports.clock.now();
    try {
      return await ports.logger.group(`restore: ${phase}`, fn);
    } finally {
      report.durations[phase] = ports.clock.now() - t0;
    }
  };
  const finish = (result: RestoreResult, error?: unknown): { report: RestoreReport; plan?: RestorePlan } => {
    report.result = result;
    if (error !== undefined) report.error = errorLine(error);
    report.finishedAt = new Date(ports.clock.now()).toISOString();
    return { report, ...(plan ? { plan } : {}) };
  };
  let plan: RestorePlan | undefined;
  try {
    ({ plan } = await timed('plan', () => planRestore(settings, source, ports)));
    report.setId = plan.setId;
    report.plan = planForReport(plan);
  } catch (error) {
    if (error instanceof GateFailure || error instanceof ConfigurationError) return finish('refused', error);
    return finish('failed', error);
  }
  if (!settings.confirmed) return finish('planned');

  try {
    if (plan.lake) {
      const lake = plan.lake;
      const result = await timed('lake', () =>
        restoreLake(lake, ports.s3, {
          concurrency: settings.lake.concurrency,
          sample: settings.lake.sample,
          logger: ports.logger,
        }),
      );
      report.written.lake = { ...result, bucket: lake.targetBucket, prefix: lake.targetPrefix };
      report.problems.push(...result.problems.map((p) => `lake: ${p}`));
    }
    if (plan.dumps.length) {
      const server = pgServer(settings.databaseUrl!, ports.env);
      for (const dump of plan.dumps) {
        const result = await timed('database', () =>
          restoreDump(dump, ports, { backupBucket: source.bucket, server, tempDir: settings.tempDir }),
        );
        report.written.dumps.push(result);
        report.problems.push(...result.problems.map((p) => `database: ${p}`));
      }
    }
    if (plan.rds) {
      const rdsPlan = plan.rds;
      report.written.rds = await timed('rds', () =>
        restoreRds(rdsPlan, ports.rds!, ports, { setId: plan!.setId, timeoutMs: 90 * 60_000 }),
      );
    }
    if (plan.cluster && (plan.cluster.bodies.length || plan.cluster.secretsToFill.length)) {
      const clusterPlan = plan.cluster;
      const result = await timed('cluster', () =>
        restoreCluster(clusterPlan, ports.kube!, ports, {
          rolloutTimeoutMs: settings.rolloutTimeoutMs,
          setId: plan!.setId,
        }),
      );
      const { created, changed, unchanged } = result.apply.counts;
      report.written.cluster = {
        counts: { created, changed, unchanged },
        gate: result.gate.verdict,
        secretsToFill: clusterPlan.secretsToFill,
      };
      if (result.gate.verdict !== 'success')
        report.problems.push(
          `cluster: the rollout gate says ${result.gate.verdict}: ${result.gate.workloads
            .filter((w) => w.state !== 'ready')
            .map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.state}`)
            .join(', ')}`,
        );
    }
  } catch (error) {
    return finish('failed', error);
  }
  if (report.problems.length)
    return finish(
      'failed',
      new GateFailure(
        `Verification after the restore found ${report.problems.length} problem(s): ${report.problems[0]}`,
      ),
    );
  return finish('restored');
}

export function writeRestoreReport(report: RestoreReport, file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
