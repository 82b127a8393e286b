/**
 * The cutover: a restore to a new database, instance or prefix does not repoint the platform by itself;
 * this does, as its own step with its own confirmation. Through the deploy's own parts only:
 *
 *  1. plan (the dry run; all of it without `confirm`): render the environment (`configOnly`: its
 *     ConfigMaps and Secrets) with the new variable values, and again without, to find the objects the
 *     new values change (a variable that changes nothing is refused); the Secret's live values with
 *     the new keys over them; apply's dry run of those objects (checkObjects: discovery, references,
 *     the server-side dry run; per-object diffs, Secret values masked); the Dagster and Nessie
 *     workloads to restart (the environment's live Deployments and StatefulSets matching `restart`)
 *     and apply's dry run of their restart. Any problem refuses before the first write.
 *  2. write: apply the changed ConfigMaps/Secret (field manager phlo-deploy), then restart the
 *     workloads — a server-side apply, as field manager phlo-deploy-cutover, of the one annotation
 *     ANNOTATION_CUTOVER on their pod templates, which records each workload's revision first.
 *  3. the rollout gate on the restarted workloads, then the health gate; on a "no" (or any error once
 *     something was written) the rollback of the deploy: the ConfigMaps/Secret back to what they were
 *     (in memory only), then the workloads to the recorded revision, gated (gateAndRollback).
 */
import pLimit from 'p-limit';
import { ConfigurationError, ConfigurationErrors, GateFailure, errorLine } from '../runtime/errors.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import {
  ANNOTATION_CUTOVER,
  FIELD_MANAGERS,
  LABEL_ENVIRONMENT,
  LABEL_OWNER,
  ownerLabelValue,
} from '../objects/names.js';
import { refKey, type ObjectRef, type WorkloadRecord } from '../objects/types.js';
import { renderManifests } from '../manifests/render.js';
import type { Manifest } from '../manifests/validate.js';
import type { SecretValues } from '../manifests/secrets.js';
import { applyManifests, DEFAULT_APPLY_SETTINGS, undoWrites, type WrittenObject } from '../kube/apply.js';
import { KubeApiError, type KubeClient, type KubeObject } from '../kube/client.js';
import { jsonEqual } from '../kube/diff.js';
import { gateAndRollback, rollbackAndGate, type DeployGateResult, type RollbackResult } from '../gates/rollback.js';
import { healthGate, healthGateFailure } from '../health/health-gate.js';
import type { DeployNotice } from '../notify/notify.js';
import type { CutoverSettings } from './cutover-settings.js';

export const CUTOVER_REPORT_SCHEMA = 'phlo-deploy/cutover-report@1';

export type CutoverResult = 'planned' | 'cut-over' | 'rolled-back' | 'refused' | 'failed';

export interface CutoverReport {
  schema: typeof CUTOVER_REPORT_SCHEMA;
  environment: string;
  actor?: string;
  runUrl?: string;
  mode: 'dry-run' | 'cutover';
  result: CutoverResult;
  error?: string;
  startedAt: string;
  finishedAt?: string;
  /** Milliseconds per phase (plan, apply, restart, gates, rollback). */
  durations: Record<string, number>;
  /** The variables set (name → new value; not secrets). */
  variables: Record<string, string>;
  /** The Secret and the keys given new values (names only, never values). */
  secret?: { namespace: string; name: string; keys: string[]; newKeys: string[] };
  /** The ConfigMaps and Secrets the new settings change, and what apply does (did) to each. */
  objects: Array<ObjectRef & { action: string }>;
  /** apply's dry-run diffs of those objects (Secret values masked). */
  diffs: string[];
  /** The workloads restarted (or to restart). */
  restart: ObjectRef[];
  gate?: { verdict: string; workloads: Array<ObjectRef & { state: string; reason?: string }> };
  health?: { healthy: boolean; reason?: string };
  rollback?: {
    healthy: boolean;
    objects?: string;
    workloads: Array<ObjectRef & { outcome: string; message?: string }>;
    verdict?: string;
  };
}

export interface CutoverPorts {
  client: KubeClient;
  logger: Logger;
  clock: Clock;
  /** Slack/PagerDuty (notify.ts): refused, failed and rolled-back cutovers, and a success. */
  notify?: (notice: DeployNotice) => Promise<unknown>;
}

interface CutoverPlan {
  config: Manifest[];
  secrets: SecretValues;
  restart: Manifest[];
}

const ref = (r: ObjectRef): ObjectRef => ({
  apiVersion: r.apiVersion,
  kind: r.kind,
  ...(r.namespace ? { namespace: r.namespace } : {}),
  name: r.name,
});

/** Runs the cutover and returns its report; never throws for a refusal or a failure (the report says so). */
export async function runCutover(settings: CutoverSettings, ports: CutoverPorts): Promise<CutoverReport> {
  const { logger, clock } = ports;
  const report: CutoverReport = {
    schema: CUTOVER_REPORT_SCHEMA,
    environment: settings.environment,
    ...(settings.actor ? { actor: settings.actor } : {}),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
    mode: settings.confirmed ? 'cutover' : 'dry-run',
    result: 'planned',
    startedAt: new Date(clock.now()).toISOString(),
    durations: {},
    variables: Object.fromEntries(settings.variables),
    objects: [],
    diffs: [],
    restart: [],
  };
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = clock.now();
    try {
      return await logger.group(`cutover: ${phase}`, fn);
    } finally {
      report.durations[phase] = clock.now() - t0;
    }
  };
  const finish = async (result: CutoverResult, error?: unknown): Promise<CutoverReport> => {
    report.result = result;
    if (error !== undefined) report.error = errorLine(error);
    report.finishedAt = new Date(clock.now()).toISOString();
    await notifyOutcome(settings, report, ports);
    return report;
  };

  let plan: CutoverPlan;
  try {
    plan = await timed('plan', () => planCutover(settings, ports, report));
  } catch (error) {
    if (error instanceof GateFailure || error instanceof ConfigurationError) return finish('refused', error);
    return finish('failed', error);
  }
  if (!settings.confirmed) return finish('planned');

  // the writes: settings first, then the restart; each apply undoes its own half-done writes
  let written: WrittenObject[] = [];
  let records: WorkloadRecord[] = [];
  try {
    const applied = await timed('apply', () =>
      applyManifests(plan.config, plan.secrets, { ...APPLY, environment: settings.environment }, ports.client, logger),
    );
    written = applied.written;
    report.objects = applied.result.objects.map((o) => ({ ...ref(o), action: o.action }));
    const restarted = await timed('restart', () =>
      applyManifests(
        plan.restart,
        new Map(),
        { ...APPLY, fieldManager: FIELD_MANAGERS.cutover, environment: settings.environment },
        ports.client,
        logger,
      ),
    );
    records = restarted.result.workloads;
  } catch (error) {
    // the restart failed after the settings were written (or the settings' apply, which undid itself)
    const undo = written.length ? await undoWrites(ports.client, written, pLimit(8), logger) : undefined;
    return finish(
      'failed',
      new Error(`${errorLine(error)}${undo ? `; the settings it wrote were put back (${undo.summary})` : ''}`),
    );
  }

  let gated: DeployGateResult | undefined;
  let rollback: RollbackResult | undefined;
  let gateError: unknown;
  try {
    gated = await timed('gates', () =>
      gateAndRollback(ports.client, records, {
        timeoutMs: settings.rolloutTimeoutMs,
        logger,
        clock,
        ...(settings.health ? { health: () => health(settings, ports) } : {}),
        rollback: { enabled: true, target: 'recorded', timeoutMs: settings.rolloutTimeoutMs, written },
      }),
    );
    rollback = gated.rollback;
  } catch (error) {
    // an error inside a gate (an API 5xx, a broken watch) once things are written rolls back too
    gateError = error;
    logger.warning(`the gates failed: ${errorLine(error)}; rolling back`);
    rollback = await timed('rollback', () =>
      rollbackAndGate(ports.client, records, {
        target: 'recorded',
        written,
        gateTimeoutMs: settings.rolloutTimeoutMs,
        logger,
        clock,
      }),
    ).catch((rollbackError: unknown) => {
      logger.warning(`the rollback failed: ${errorLine(rollbackError)}`);
      return undefined;
    });
  }
  if (gated) {
    report.gate = {
      verdict: gated.gate.verdict,
      workloads: gated.gate.workloads.map((w) => ({
        ...ref(w),
        state: w.state,
        ...(w.reason ? { reason: w.reason } : {}),
      })),
    };
    if (gated.health) report.health = gated.health;
  }
  if (rollback)
    report.rollback = {
      healthy: rollback.healthy,
      ...(rollback.objects ? { objects: rollback.objects.summary } : {}),
      workloads: rollback.outcomes.map((o) => ({
        ...ref(o.ref),
        outcome: o.outcome,
        ...(o.message ? { message: o.message } : {}),
      })),
      ...(rollback.gate ? { verdict: rollback.gate.verdict } : {}),
    };
  if (gated?.ok) return finish('cut-over');
  const why = gateError
    ? errorLine(gateError)
    : gated!.gate.verdict !== 'success'
      ? `the rollout gate says ${gated!.gate.verdict} (${gated!.gate.workloads
          .filter((w) => w.state !== 'ready')
          .map((w) => `${w.kind} ${w.namespace ?? ''}/${w.name} ${w.state}`)
          .join(', ')})`
      : `the health gate says unhealthy${gated!.health?.reason ? ` (${gated!.health.reason})` : ''}`;
  if (rollback?.healthy)
    return finish(
      'rolled-back',
      new GateFailure(`Cutover rolled back: ${why}; the settings and the workloads are back as they were.`),
    );
  return finish(
    'failed',
    new GateFailure(
      `Cutover failed: ${why}; the rollback is NOT healthy${rollback?.objects?.problems.length ? ` (${rollback.objects.problems.join('; ')})` : ''}: look at the cluster now.`,
    ),
  );
}

/** The applies' settings: apply's defaults — no prune, no force (a field another manager owns is a conflict, not taken). */
const APPLY = DEFAULT_APPLY_SETTINGS;

async function health(settings: CutoverSettings, ports: CutoverPorts): Promise<{ healthy: boolean; reason?: string }> {
  const result = await healthGate(settings.health!, { logger: ports.logger, clock: ports.clock, client: ports.client });
  const failure = healthGateFailure(result);
  return { healthy: result.healthy, ...(failure ? { reason: failure.message } : {}) };
}

/** The dry run: everything a confirmed cutover needs, checked; nothing written. Throws to refuse. */
async function planCutover(
  settings: CutoverSettings,
  ports: CutoverPorts,
  report: CutoverReport,
): Promise<CutoverPlan> {
  const { client, logger } = ports;
  const problems: string[] = [];

  // the Secret: its live values, the given keys over them (values in memory only)
  let secrets: SecretValues = new Map();
  const givenKeys = [...settings.secretValues.keys()].sort();
  if (givenKeys.length) {
    const { namespace, name } = settings.secret;
    const live = await client.getOrUndefined<KubeObject & { data?: Record<string, string> }>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
    );
    if (!live)
      throw new GateFailure(
        `Secret ${namespace}/${name} does not exist: the cutover changes keys of the environment's Secret (the one a deploy made from 'env-file'/'secrets').`,
      );
    secrets = new Map(
      Object.entries(live.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')] as const),
    );
    const newKeys = givenKeys.filter((k) => !secrets.has(k));
    for (const [k, v] of settings.secretValues) secrets.set(k, v);
    report.secret = { namespace, name, keys: givenKeys, newKeys };
  }

  // the objects the new values change: render with them and without them
  const render = (variables?: ReadonlyMap<string, string>) =>
    renderManifests(
      {
        ...settings.render,
        configOnly: true,
        output: undefined,
        ...(variables ? { variables: { values: variables, input: 'set' } } : {}),
        ...(secrets.size ? { secret: { ...settings.secret, values: secrets } } : {}),
      },
      logger,
    ).objects;
  const before = new Map(render().map((m) => [refKey(m.ref), m]));
  const after = render(settings.variables);
  const changes = (objects: Manifest[]) =>
    objects.filter((m) => !before.has(refKey(m.ref)) || !jsonEqual(before.get(refKey(m.ref))!.object, m.object));
  const unused = [...settings.variables].filter(([n, v]) => changes(render(new Map([[n, v]]))).length === 0);
  if (unused.length)
    problems.push(
      `Input 'set': ${unused.map(([n]) => `'${n}'`).join(', ')} ${unused.length === 1 ? 'changes' : 'change'} no ConfigMap or Secret of environment '${settings.environment}' (no object uses ${unused.length === 1 ? 'it' : 'them'}, or it has that value already in the repository): nothing to repoint.`,
    );
  const config = after.filter(
    (m) =>
      changes([m]).length > 0 ||
      (m.ref.kind === 'Secret' &&
        m.ref.namespace === settings.secret.namespace &&
        m.ref.name === settings.secret.name &&
        givenKeys.length > 0),
  );

  // the workloads to restart: the environment's live Deployments and StatefulSets that match
  const restartRefs = await restartTargets(client, settings, problems);
  report.restart = restartRefs;
  if (problems.length) throw new ConfigurationErrors(problems);
  const at = new Date(ports.clock.now()).toISOString();
  const restart: Manifest[] = restartRefs.map((r) => ({
    ref: r,
    object: {
      apiVersion: r.apiVersion,
      kind: r.kind,
      metadata: { name: r.name, namespace: r.namespace! },
      spec: { template: { metadata: { annotations: { [ANNOTATION_CUTOVER]: at } } } },
    } as Manifest['object'],
    source: 'cutover (restart)',
    scope: 'namespaced',
  }));

  // apply's dry run of both: everything the server would refuse is found now
  const dryConfig = await applyManifests(config, secrets, { ...APPLY, dryRun: true }, client, logger);
  await applyManifests(
    restart,
    new Map(),
    { ...APPLY, dryRun: true, fieldManager: FIELD_MANAGERS.cutover },
    client,
    logger,
  );
  report.objects = dryConfig.result.objects.map((o) => ({ ...ref(o), action: o.action }));
  report.diffs = dryConfig.diffs.filter((d) => d.diff).map((d) => d.diff);
  logger.info(
    `cutover plan: ${config.length} object(s) with new settings (${dryConfig.result.counts.changed} changed, ` +
      `${dryConfig.result.counts.created} created, ${dryConfig.result.counts.unchanged} already so), ` +
      `${restart.length} workload(s) to restart: ${restartRefs.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ')}`,
  );
  return { config, secrets, restart };
}

const glob = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/**
 * The environment's live Deployments and StatefulSets matching the `restart` patterns (labelled with the
 * environment, and with the repository as owner when it is known); a pattern matching none is a problem.
 */
async function restartTargets(client: KubeClient, settings: CutoverSettings, problems: string[]): Promise<ObjectRef[]> {
  const { environment, restart: patterns } = settings;
  const owner = settings.render.owner ? `,${LABEL_OWNER}=${ownerLabelValue(settings.render.owner)}` : '';
  const found = new Map<string, ObjectRef>();
  const selector = `${LABEL_ENVIRONMENT}=${environment}${owner}`;
  const listed = new Map<string, Promise<ObjectRef[]>>();
  const list = (namespace: string) => {
    let p = listed.get(namespace);
    if (!p) {
      p = (async () => {
        const out: ObjectRef[] = [];
        for (const kind of ['Deployment', 'StatefulSet']) {
          const path = await client.pathOf({ apiVersion: 'apps/v1', kind, namespace });
          const items = await client.list(path, { labelSelector: selector }).catch((error: unknown) => {
            if (error instanceof KubeApiError && error.code === 404) return [];
            throw error;
          });
          for (const o of items) out.push({ apiVersion: 'apps/v1', kind, namespace, name: o.metadata.name });
        }
        return out;
      })();
      listed.set(namespace, p);
    }
    return p;
  };
  for (const pattern of patterns) {
    const re = glob(pattern.name);
    const hits = (await list(pattern.namespace)).filter((r) => re.test(r.name));
    if (hits.length === 0)
      problems.push(
        `Input 'restart': ${pattern.namespace}/${pattern.name} matches no Deployment or StatefulSet of environment '${environment}' (label ${selector}) in namespace ${pattern.namespace}.`,
      );
    for (const r of hits) found.set(refKey(r), r);
  }
  return [...found.values()].sort((a, b) => refKey(a).localeCompare(refKey(b)));
}

async function notifyOutcome(settings: CutoverSettings, report: CutoverReport, ports: CutoverPorts): Promise<void> {
  if (!ports.notify || report.result === 'planned') return;
  const event: DeployNotice['event'] =
    report.result === 'cut-over' ? 'success' : report.result === 'rolled-back' ? 'rollback' : 'failure';
  await ports.notify({
    event,
    activity: 'cutover',
    environment: settings.environment,
    repository: settings.repository,
    headline:
      report.result === 'cut-over'
        ? `cutover done: ${Object.keys(report.variables)
            .concat(report.secret?.keys ?? [])
            .join(', ')} repointed`
        : `cutover ${report.result}: ${report.error ?? ''}`.slice(0, 500),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
    details: {
      restarted: report.restart.map((r) => `${r.namespace}/${r.name}`).join(', ') || '-',
      'started by': settings.actor ?? 'unknown',
    },
  });
}
