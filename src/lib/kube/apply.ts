/**
 * apply: server-side apply of rendered objects, all or nothing up front.
 *
 *  1. check   — fill placeholder Secrets in memory, discovery for every kind (unknown kinds, scope
 *               mismatches), prune plan and its max-prune limit. Nothing written.
 *  2. read    — live objects (one LIST per namespace+resource when there are several, else GET).
 *  3. dry run — server-side apply with dryRun=All of EVERY object; every failure (conflicts with
 *               the other manager and field, permissions, validation) is collected and reported
 *               together, and nothing is written when there is one.
 *               Objects in a namespace that this apply creates cannot be dry-run in place (the
 *               namespace does not exist yet); they are dry-run as a create in the `default`
 *               namespace instead, which runs the same schema validation and admission (an
 *               AlreadyExists answer there is accepted: it comes after validation).
 *  4. compare — dry-run result vs live, both without server fields: equal → unchanged, no write
 *               at all (no resourceVersion moves).
 *  5. record  — each existing workload's current revision (for rollback), before any write.
 *  6. write   — tier by tier (Namespaces, CRDs, RBAC, config, Services, workloads, HPAs/PDBs,
 *               CronJobs, others), in parallel within a tier (p-limit), only created/changed.
 *  7. prune   — delete the planned objects (opt-in).
 *
 * A write or a prune that fails after the dry run puts back what was written (`undoWrites`) and throws
 * `ApplyWriteFailure`, which carries what was and was not undone (the pipeline gates what it restored).
 *
 * `dryRun: true` stops after 5 and returns per-object unified diffs.
 */
import pLimit from 'p-limit';
import { ConfigurationError, ConfigurationErrors, describeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { ApplyResult, ObjectRef, WorkloadRecord } from '../objects/types.js';
import { refKey, sortByRefKey } from '../objects/types.js';
import { KubeApiError, KubeClient, type KubeObject, type ResourceInfo } from './client.js';
import { recordRevisions, isWorkloadKind } from './revisions.js';
import { jsonEqual, stripServerFields, unifiedDiff } from './diff.js';
import { checkReferences } from './references.js';
import { TIERS, tierOf } from '../manifests/kinds.js';
import { fillSecret, isPlaceholderSecret, type SecretValues } from '../manifests/secrets.js';
import type { Manifest } from '../manifests/validate.js';
import { FIELD_MANAGERS, LABEL_ENVIRONMENT, LABEL_MANAGED_BY, LABEL_OWNER, MANAGER } from '../objects/names.js';
import { ApplyWriteFailure, type UndoResult } from './undo.js';

/** Kinds prune looks at (besides every kind that is rendered). */
export const PRUNE_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
];

export interface ApplySettings {
  /** Environment whose objects prune may delete; default: the phlo.dev/environment label of the objects. */
  environment?: string;
  dryRun: boolean;
  prune: boolean;
  /** Refuse to prune more than this many objects (default 5). */
  maxPrune: number;
  /** Namespaces/PVCs prune may delete, as `Namespace/name` or `PersistentVolumeClaim/ns/name`. */
  pruneAllow: readonly string[];
  forceConflicts: boolean;
  /** Parallel requests within a tier (default 8). */
  concurrency: number;
  fieldManager?: string;
}

export const DEFAULT_APPLY_SETTINGS: ApplySettings = {
  dryRun: false,
  prune: false,
  maxPrune: 5,
  pruneAllow: [],
  forceConflicts: false,
  concurrency: 8,
};

export interface ObjectDiff {
  ref: ObjectRef;
  action: 'created' | 'changed' | 'unchanged' | 'pruned';
  diff: string;
}

export interface ApplyOutcome {
  result: ApplyResult;
  /** Unified diffs (dry-run mode only; empty otherwise). */
  diffs: ObjectDiff[];
  /**
   * What this apply wrote, with each object's content before it (in memory only: Secrets by value),
   * for `undoWrites` — the deploy pipeline's rollback puts the objects that are not workloads back.
   */
  written: WrittenObject[];
  /**
   * refKey → each object on the server right after the apply: the server's answer to the write, or
   * the live copy of an unchanged one (empty for a dry run). The deploy record fingerprints them.
   */
  after: Map<string, KubeObject>;
}

/**
 * An object apply wrote, and what it was before: created (no `live`: undone by deleting it), changed
 * (`live` is written back) or pruned (`live` is created again).
 */
export interface WrittenObject {
  ref: ObjectRef;
  info: ResourceInfo;
  action?: 'created' | 'changed' | 'unchanged' | 'pruned';
  live?: KubeObject;
  applied?: KubeObject;
}

export interface Planned {
  ref: ObjectRef;
  body: Record<string, unknown>;
  info: ResourceInfo;
  live?: KubeObject;
  /** Namespace created by this same apply: nothing can exist in it yet. */
  inNewNamespace: boolean;
  dry?: KubeObject;
  action?: 'created' | 'changed' | 'unchanged';
  applied?: KubeObject;
}

const describeRef = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/**
 * Applies `manifests` (validated, e.g. by render or loadManifests) with server-side apply. Secret
 * placeholders are filled from `secrets` in memory. The client's pool should allow
 * `settings.concurrency` sockets.
 */
export async function applyManifests(
  manifests: readonly Manifest[],
  secrets: SecretValues,
  settings: ApplySettings,
  client: KubeClient,
  logger: Logger,
): Promise<ApplyOutcome> {
  const s = { ...DEFAULT_APPLY_SETTINGS, ...settings };
  const manager = s.fieldManager ?? FIELD_MANAGERS.apply;
  const limit = pLimit(Math.max(1, s.concurrency));

  const environment = s.environment ?? envFromLabels(manifests);
  if (s.prune && !environment) {
    throw new ConfigurationError(
      "Input 'prune' is true but no environment is known: set input 'environment' (or render with phlo-deploy so objects carry the phlo.dev/environment label).",
    );
  }

  // 1.–4. check (secrets, discovery, scope, references), read live objects, dry run, settle
  const { plans, problems } = await checkObjects(manifests, secrets, client, {
    manager,
    force: s.forceConflicts,
    limit,
    logger,
  });
  if (problems.length) throw new ConfigurationErrors(problems);

  // prune plan (before any write; refuses past max-prune)
  const pruneList = s.prune ? await planPrune(client, plans, environment!, s, limit) : [];

  for (const p of plans) {
    if (!p.live) p.action = 'created';
    else p.action = jsonEqual(stripServerFields(p.live), stripServerFields(p.dry)) ? 'unchanged' : 'changed';
  }

  // 5. record revisions of existing workloads, before any write
  const workloadPlans = plans.filter((p) => isWorkloadKind(p.ref.kind));
  const liveMap = new Map(workloadPlans.map((p) => [refKey(p.ref), p.live]));
  const revisions = await recordRevisions(
    client,
    workloadPlans.map((p) => p.ref),
    { live: liveMap, concurrency: s.concurrency },
  );

  const diffs: ObjectDiff[] = [];
  if (s.dryRun) {
    for (const p of plans) {
      const shownDry = p.inNewNamespace && p.dry ? withNamespace(p.dry, p.ref.namespace!) : p.dry;
      diffs.push({
        ref: p.ref,
        action: p.action!,
        diff: p.action === 'unchanged' ? '' : unifiedDiff(refKey(p.ref), p.live, shownDry),
      });
    }
    for (const o of pruneList)
      diffs.push({ ref: o.ref, action: 'pruned', diff: unifiedDiff(refKey(o.ref), o.live, undefined) });
  } else {
    // 6. write, tier by tier
    for (const tier of TIERS) {
      const batch = plans.filter((p) => tierOf(p.ref.kind) === tier && p.action !== 'unchanged');
      if (batch.length === 0) continue;
      const errors: string[] = [];
      await Promise.all(
        batch.map((p) =>
          limit(async () => {
            try {
              p.applied = await serverSideApply(client, p, manager, s.forceConflicts, false);
            } catch (error) {
              errors.push(writeFailureLine(p.ref, error, s.forceConflicts));
            }
          }),
        ),
      );
      const done = batch.filter((p) => p.applied).length;
      logger.info(`${tier}: applied ${done} of ${batch.length} object(s)`);
      if (errors.length) await failAfterWrites(`in tier '${tier}'`, errors, plans, []);
    }
    // 7. prune
    const pruned: WrittenObject[] = [];
    const pruneErrors: string[] = [];
    for (const o of pruneList) {
      await limit(async () => {
        try {
          await client.request({
            method: 'DELETE',
            path: KubeClient.objectPath(o.info, o.ref),
            body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
          });
          pruned.push({ ...o, action: 'pruned' });
          logger.info(`pruned ${describeRef(o.ref)}`);
        } catch (error) {
          if (!(error instanceof KubeApiError && error.code === 404))
            pruneErrors.push(`Could not prune ${writeFailureLine(o.ref, error, false)}`);
        }
      });
    }
    if (pruneErrors.length) await failAfterWrites('while pruning', pruneErrors, plans, pruned);
  }

  // result
  const objects: ApplyResult['objects'] = [
    ...plans.map((p) => ({ ...p.ref, action: p.action! })),
    ...pruneList.map((o) => ({ ...o.ref, action: 'pruned' as const })),
  ];
  const workloads: WorkloadRecord[] = workloadPlans.map((p, i) => {
    const rev = revisions[i]!;
    const after = p.applied ?? p.dry;
    const generation = (p.action === 'unchanged' ? p.live : after)?.metadata.generation;
    const record: WorkloadRecord = {
      ...p.ref,
      created: p.action === 'created',
      changed: p.action === 'changed' && generation !== p.live?.metadata.generation,
      ...(generation !== undefined && !s.dryRun ? { generation } : {}),
    };
    if (rev.previousRevision) record.previousRevision = rev.previousRevision;
    return record;
  });
  const count = (a: string) => objects.filter((o) => o.action === a).length;
  const result: ApplyResult = {
    dryRun: s.dryRun,
    counts: {
      created: count('created'),
      changed: count('changed'),
      unchanged: count('unchanged'),
      pruned: count('pruned'),
    },
    objects,
    workloads,
  };
  logger.info(
    `${s.dryRun ? 'dry run: would create' : 'created'} ${result.counts.created}, changed ${result.counts.changed}, ` +
      `unchanged ${result.counts.unchanged}, pruned ${result.counts.pruned}`,
  );
  const after = new Map<string, KubeObject>();
  if (!s.dryRun)
    for (const p of plans) {
      const object = p.applied ?? (p.action === 'unchanged' ? p.live : undefined);
      if (object) after.set(refKey(p.ref), object);
    }
  return { result, diffs, written: plans.filter((p) => p.applied), after };

  /** A write or prune failed after the dry run: put back what was written, then throw what happened. */
  async function failAfterWrites(
    where: string,
    errors: string[],
    planned: readonly Planned[],
    prunedSoFar: readonly WrittenObject[],
  ): Promise<never> {
    const written: WrittenObject[] = [...planned.filter((p) => p.applied), ...prunedSoFar];
    const undo = await undoWrites(client, written, limit, logger);
    throw new ApplyWriteFailure(
      [
        `Apply failed ${where} after a successful dry run; ${written.length} object(s) had been written: ${undo.summary}`,
        ...errors,
        ...undo.problems,
      ],
      written.length,
      undo,
    );
  }
}

/**
 * Everything apply checks before its first write, as one function the deploy pipeline also runs beside
 * the build (the image's digest still pending), so that an object the cluster would refuse stops the
 * deploy before the push: placeholder Secrets filled in memory, discovery (unknown kinds, scope),
 * references that point at nothing (errors; inert objects are logged as warnings), the live objects
 * read and a server-side dry run of every object. Returns the plans (live and dry filled) and every
 * problem, each a line; nothing is written.
 */
export async function checkObjects(
  manifests: readonly Manifest[],
  secrets: SecretValues,
  client: KubeClient,
  options: { manager?: string; force?: boolean; limit?: ReturnType<typeof pLimit>; logger: Logger },
): Promise<{ plans: Planned[]; problems: string[] }> {
  const manager = options.manager ?? FIELD_MANAGERS.apply;
  const limit = options.limit ?? pLimit(DEFAULT_APPLY_SETTINGS.concurrency);
  const planned = await planObjects(manifests, secrets, client);
  const { plans } = planned;
  if (planned.problems.length) return { plans, problems: planned.problems.map((p) => p.message) };
  const dangling = await checkReferences(
    client,
    plans.map((p) => ({ ref: p.ref, object: p.body })),
    limit.concurrency,
  );
  for (const warning of dangling.warnings) options.logger.warning(warning);
  if (dangling.errors.length) {
    return {
      plans,
      problems: [`${dangling.errors.length} reference(s) point at nothing; nothing was applied.`, ...dangling.errors],
    };
  }
  const failures = await predictPlans(client, plans, { manager, force: options.force ?? false, limit });
  if (failures.length) {
    return {
      plans,
      problems: [
        `Checks before writing (read, server-side dry run) failed for ${failures.length} of ${plans.length} objects; nothing was applied.`,
        ...failures.map((f) => f.message).sort(),
      ],
    };
  }
  return { plans, problems: [] };
}

/**
 * Puts back what a failed apply wrote, newest tier first: objects it created are deleted, objects it
 * changed get their previous content back (a replace with the object as read before the writes, at
 * its current resourceVersion, tried again up to four times when something wrote it in between), objects it
 * pruned are created again from their content before the prune. The previous content (Secrets
 * included) only ever lived in memory.
 */
export async function undoWrites(
  client: KubeClient,
  written: readonly WrittenObject[],
  limit: ReturnType<typeof pLimit>,
  logger: Logger,
): Promise<UndoResult> {
  const undo: UndoResult = {
    deleted: [],
    restored: [],
    recreated: [],
    failed: [],
    summary: 'nothing to undo.',
    problems: [],
  };
  if (written.length === 0) return undo;
  for (const tier of [...TIERS].reverse()) {
    const batch = written.filter((p) => tierOf(p.ref.kind) === tier);
    await Promise.all(
      batch.map((p) =>
        limit(async () => {
          const path = KubeClient.objectPath(p.info, p.ref);
          try {
            if (p.action === 'pruned' && p.live) {
              const previous = stripServerFields(p.live)!;
              await client.request({
                method: 'POST',
                path: KubeClient.collectionPath(p.info, p.ref.namespace),
                query: { fieldManager: FIELD_MANAGERS.rollback },
                body: previous,
              });
              undo.recreated.push(p.ref);
            } else if (p.action === 'created' || !p.live) {
              await client
                .request({
                  method: 'DELETE',
                  path,
                  body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
                })
                .catch((error: unknown) => {
                  if (!(error instanceof KubeApiError && error.code === 404)) throw error;
                });
              undo.deleted.push(p.ref);
            } else {
              const previous = stripServerFields(p.live)!;
              let version = p.applied?.metadata.resourceVersion;
              for (let attempt = 0; ; attempt++) {
                try {
                  // as the rollback's manager: the next apply takes these fields back without a conflict
                  await client.request({
                    method: 'PUT',
                    path,
                    query: { fieldManager: FIELD_MANAGERS.rollback },
                    body: { ...previous, metadata: { ...(previous.metadata as object), resourceVersion: version } },
                  });
                  break;
                } catch (error) {
                  // a controller writing the object's status (a rollout under way) moves resourceVersion often
                  if (attempt >= 4 || !(error instanceof KubeApiError && error.code === 409)) throw error;
                  version = (await client.getOrUndefined<KubeObject>(path))?.metadata.resourceVersion;
                }
              }
              undo.restored.push(p.ref);
            }
          } catch (error) {
            undo.failed.push({ ref: p.ref, message: describeError(error) });
          }
        }),
      ),
    );
  }
  const list = (refs: ObjectRef[]) => refs.map(describeRef).sort().join(', ');
  const parts = [
    undo.deleted.length ? `deleted the ${undo.deleted.length} it created (${list(undo.deleted)})` : '',
    undo.restored.length ? `restored the ${undo.restored.length} it changed (${list(undo.restored)})` : '',
    undo.recreated.length ? `created again the ${undo.recreated.length} it pruned (${list(undo.recreated)})` : '',
  ].filter(Boolean);
  const failed = undo.failed.map((f) => f.ref);
  undo.summary = `undone: ${parts.join('; ') || 'nothing'}${failed.length ? `; ${failed.length} could not be undone (${list(failed)})` : ''}.`;
  undo.problems = undo.failed.map((f) => `Could not undo the write of ${describeRef(f.ref)}: ${f.message}`);
  (failed.length ? logger.warning : logger.info).call(logger, `Putting back what apply wrote: ${undo.summary}`);
  return undo;
}

/** The owner label the rendered objects carry (null when none carries one; the first when they differ). */
function ownerOf(bodies: readonly Record<string, unknown>[]): string | null {
  for (const b of bodies) {
    const v = ((b.metadata as Record<string, unknown> | undefined)?.labels as Record<string, string> | undefined)?.[
      LABEL_OWNER
    ];
    if (v) return v;
  }
  return null;
}

function envFromLabels(manifests: readonly Manifest[]): string | undefined {
  const values = new Set(
    manifests.map((m) => (m.object.metadata.labels as Record<string, string> | undefined)?.[LABEL_ENVIRONMENT]),
  );
  return values.size === 1 ? [...values][0] : undefined;
}

/** A problem found before any request: the object and one line saying what is wrong. */
export interface PlanProblem {
  ref: ObjectRef;
  message: string;
}

/**
 * Step 1 of apply, on its own: fills placeholder Secrets (from `secrets`; with `options.unfilled`
 * a Secret whose values are not given is kept without data and reported there instead of as a
 * problem), resolves each kind by discovery and checks its scope. Nothing is sent but discovery.
 */
export async function planObjects(
  manifests: readonly Manifest[],
  secrets: SecretValues,
  client: KubeClient,
  options: { unfilled?: (ref: ObjectRef) => void } = {},
): Promise<{ plans: Planned[]; problems: PlanProblem[] }> {
  const problems: PlanProblem[] = [];
  const bodies = manifests.map((m) => {
    if (!isPlaceholderSecret(m.object)) return m.object as Record<string, unknown>;
    try {
      return fillSecret(m.object, secrets, m.source);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      if (options.unfilled) options.unfilled(m.ref);
      else problems.push({ ref: m.ref, message: error.message });
      return m.object as Record<string, unknown>;
    }
  });
  const plans: Planned[] = [];
  const infos = await Promise.all(manifests.map((m) => client.resourceFor(m.ref.apiVersion, m.ref.kind)));
  manifests.forEach((m, i) => {
    const info = infos[i];
    const where = `${m.source}: ${describeRef(m.ref)}`;
    const problem = (message: string) => problems.push({ ref: m.ref, message });
    if (!info) {
      problem(
        `${where}: the cluster does not serve kind '${m.ref.kind}' in ${m.ref.apiVersion} (unknown kind or missing CRD).`,
      );
      return;
    }
    if (info.namespaced && !m.ref.namespace)
      problem(`${where}: ${m.ref.kind} is namespaced but the object has no namespace.`);
    else if (!info.namespaced && m.ref.namespace)
      problem(`${where}: ${m.ref.kind} is cluster-scoped but the object has namespace '${m.ref.namespace}'.`);
    else if (!info.verbs.includes('patch')) problem(`${where}: the cluster does not allow patching ${info.resource}.`);
    else plans.push({ ref: m.ref, body: bodies[i]!, info, inNewNamespace: false });
  });
  return { plans, problems };
}

/**
 * Steps 2–4 of apply: reads the live objects, dry-runs a server-side apply of each (`dryRun=All`)
 * and, when a controller wrote an object in between, reads and dry-runs it again so that `live`
 * and `dry` are the same version. Fills `live` and `dry` of each plan; returns the objects that
 * could not be read or dry-run (the others are complete).
 */
export async function predictPlans(
  client: KubeClient,
  plans: Planned[],
  options: {
    manager: string;
    force: boolean;
    limit: ReturnType<typeof pLimit>;
    /**
     * Live objects the caller has just listed (listEnvironment): a plan whose object is among them,
     * read in the plan's own apiVersion, takes that copy instead of being read again. A copy that is
     * older than the object is caught like any read: the dry run answers with the object's current
     * resourceVersion, which then differs, so the object is read again below. An object not listed
     * (deleted, relabelled, another version) is read as usual.
     */
    listed?: readonly PruneCandidate[];
  },
): Promise<PlanProblem[]> {
  const { manager, force, limit } = options;
  const failures: PlanProblem[] = [];
  const fail = (p: Planned, error: unknown) =>
    failures.push({ ref: p.ref, message: explainFailure(p.ref, error, force) });
  const listed = new Map((options.listed ?? []).map((c) => [groupKindKey(c), c]));
  const known = (p: Planned): KubeObject | undefined => {
    const c = listed.get(groupKindKey(p));
    return c && c.info.apiVersion === p.info.apiVersion ? c.live : undefined;
  };
  const declaredNamespaces = plans.filter((p) => p.ref.kind === 'Namespace');
  const unreadable = new Set<Planned>();
  await Promise.all(
    declaredNamespaces.map((p) =>
      limit(async () => {
        try {
          p.live = known(p) ?? (await client.getOrUndefined<KubeObject>(KubeClient.objectPath(p.info, p.ref)));
        } catch (error) {
          fail(p, error);
          unreadable.add(p);
        }
      }),
    ),
  );
  const newNamespaces = new Set(declaredNamespaces.filter((p) => !p.live && !unreadable.has(p)).map((p) => p.ref.name));
  for (const p of plans) if (p.ref.namespace && newNamespaces.has(p.ref.namespace)) p.inNewNamespace = true;
  const toRead: Planned[] = [];
  for (const p of plans) {
    if (p.ref.kind === 'Namespace' || p.inNewNamespace) continue;
    const live = known(p);
    if (live) p.live = live;
    else toRead.push(p);
  }
  await readLive(client, toRead, limit, (p, error) => {
    fail(p, error);
    unreadable.add(p);
  });
  await Promise.all(
    plans
      .filter((p) => !unreadable.has(p))
      .map((p) =>
        limit(async () => {
          try {
            p.dry = p.inNewNamespace
              ? await dryRunCreateElsewhere(client, p, manager)
              : await serverSideApply(client, p, manager, force, true);
          } catch (error) {
            fail(p, error);
          }
        }),
      ),
  );
  // A dry run keeps the live resourceVersion, so when the two differ a controller wrote the object
  // between our read and the dry run: read again (and dry-run again if needed) so that the
  // comparison is between the same version.
  await Promise.all(
    plans
      .filter((p) => p.live && p.dry && p.dry.metadata.resourceVersion !== p.live.metadata.resourceVersion)
      .map((p) =>
        limit(async () => {
          try {
            for (let attempt = 0; attempt < 3; attempt++) {
              p.live = await client.getOrUndefined<KubeObject>(KubeClient.objectPath(p.info, p.ref));
              if (!p.live || p.live.metadata.resourceVersion === p.dry!.metadata.resourceVersion) return;
              p.dry = await serverSideApply(client, p, manager, force, true);
            }
          } catch (error) {
            p.dry = undefined;
            fail(p, error);
          }
        }),
      ),
  );
  return failures;
}

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}

/** The managers named by a server-side apply conflict (409), or undefined for any other error. */
export function conflictManagers(error: unknown): string[] | undefined {
  if (!(error instanceof KubeApiError) || error.code !== 409 || error.body.reason !== 'Conflict') return undefined;
  const causes = error.body.details?.causes ?? [];
  const managers = causes.map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1]);
  return managers.length && managers.every(Boolean) ? (managers as string[]) : undefined;
}

async function serverSideApply(
  client: KubeClient,
  p: Planned,
  manager: string,
  force: boolean,
  dryRun: boolean,
): Promise<KubeObject> {
  try {
    return await serverSideApplyOnce(client, p, manager, force, dryRun);
  } catch (error) {
    // After a rollback, the fields it reverted belong to our own rollback manager: take them back.
    const managers = force ? undefined : conflictManagers(error);
    if (managers?.every((m) => m === FIELD_MANAGERS.rollback))
      return serverSideApplyOnce(client, p, manager, true, dryRun);
    throw error;
  }
}

async function serverSideApplyOnce(
  client: KubeClient,
  p: Planned,
  manager: string,
  force: boolean,
  dryRun: boolean,
): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: KubeClient.objectPath(p.info, p.ref),
    query: {
      fieldManager: manager,
      force: force ? 'true' : undefined,
      dryRun: dryRun ? 'All' : undefined,
      fieldValidation: 'Strict',
    },
    body: p.body,
    contentType: 'application/apply-patch+yaml',
  });
}

/** Dry-run of an object whose namespace does not exist yet: a create in `default`. */
async function dryRunCreateElsewhere(client: KubeClient, p: Planned, manager: string): Promise<KubeObject> {
  const md = p.body.metadata as Record<string, unknown>;
  const body = { ...p.body, metadata: { ...md, namespace: 'default' } };
  try {
    const out = await client.request<KubeObject>({
      method: 'POST',
      path: KubeClient.collectionPath(p.info, 'default'),
      query: { fieldManager: manager, dryRun: 'All', fieldValidation: 'Strict' },
      body,
    });
    return withNamespace(out, p.ref.namespace!);
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists') {
      return withNamespace(p.body as KubeObject, p.ref.namespace!);
    }
    throw error;
  }
}

/** One line for a failed request: conflicts name the other manager and the field. */
export function explainFailure(ref: ObjectRef, error: unknown, forced: boolean): string {
  const what = describeRef(ref);
  if (error instanceof KubeApiError) {
    const status = error.body;
    if (error.code === 409 && status.reason === 'Conflict' && status.details?.causes?.length) {
      const conflicts = status.details.causes
        .filter((c) => c.reason === 'FieldManagerConflict' || c.message?.startsWith('conflict with'))
        .map((c) => {
          const m = /conflict with "([^"]+)"(?: using ([^\s:]+))?/.exec(c.message ?? '');
          const manager = m?.[1] ?? 'another field manager';
          return `field ${c.field ?? '(unknown field)'} is owned by field manager '${manager}'${m?.[2] ? ` (${m[2]})` : ''}`;
        });
      if (conflicts.length) {
        return `${what}: conflict: ${conflicts.join('; ')}${forced ? '' : ". Set input 'force-conflicts: true' to take the field(s) over, or stop setting them"}.`;
      }
    }
    // a ResourceQuota answers 403 too, but it is no matter of RBAC
    if (error.code === 403 && /exceeded quota/.test(status.message ?? ''))
      return `${what}: refused by a ResourceQuota: ${status.message}`;
    if (error.code === 403)
      return `${what}: permission denied: ${status.message ?? 'forbidden'} (check the RBAC of the deploying identity).`;
    if (error.code === 401) return `${what}: not authenticated (HTTP 401): the kubeconfig's credentials were rejected.`;
    if (error.code === 404 && status.details?.kind === 'namespaces') {
      return `${what}: namespace '${status.details.name}' does not exist and is not among the applied objects.`;
    }
    if (error.code === 422 || error.code === 400) {
      const causes = (status.details?.causes ?? [])
        .map((c) => `${c.field ?? ''} ${c.message ?? ''}`.trim())
        .filter(Boolean);
      return `${what}: invalid: ${causes.length ? causes.join('; ') : (status.message ?? `HTTP ${error.code}`)}`;
    }
    // server-side apply answers 500 when the patch has fields the schema does not declare
    const typed = /failed to create typed patch object \([^)]*\): (.*)$/.exec(status.message ?? '');
    if (typed) return `${what}: invalid: ${typed[1]}`;
    return `${what}: ${describeError(error)}`;
  }
  throw error;
}

/** One line for a write that failed, whatever the error (a dropped connection as much as a refusal). */
function writeFailureLine(ref: ObjectRef, error: unknown, forced: boolean): string {
  return error instanceof KubeApiError
    ? explainFailure(ref, error, forced)
    : `${describeRef(ref)}: ${describeError(error)}`;
}

/** Reads live objects: one LIST per (namespace, resource) when several objects share it, else GETs. */
async function readLive(
  client: KubeClient,
  plans: Planned[],
  limit: ReturnType<typeof pLimit>,
  onError: (p: Planned, error: unknown) => void,
): Promise<void> {
  const groups = new Map<string, Planned[]>();
  for (const p of plans) {
    const key = KubeClient.collectionPath(p.info, p.ref.namespace);
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const getOne = (p: Planned) =>
    limit(async () => {
      try {
        p.live = await client.getOrUndefined<KubeObject>(KubeClient.objectPath(p.info, p.ref));
      } catch (error) {
        if (!(error instanceof KubeApiError)) throw error;
        onError(p, error);
      }
    });
  await Promise.all(
    [...groups.entries()].map(async ([collection, group]) => {
      if (group.length < 4) return Promise.all(group.map(getOne));
      let items: KubeObject[];
      try {
        items = await limit(() => client.list<KubeObject>(collection));
      } catch (error) {
        if (error instanceof KubeApiError && (error.code === 403 || error.code === 404))
          return Promise.all(group.map(getOne));
        throw error;
      }
      const byName = new Map(items.map((i) => [i.metadata.name, i]));
      for (const p of group) {
        const live = byName.get(p.ref.name);
        // LIST items lack apiVersion/kind; put them back so comparisons see the same shape
        p.live = live ? { ...live, apiVersion: p.ref.apiVersion, kind: p.ref.kind } : undefined;
      }
      return undefined;
    }),
  );
}

export interface PruneCandidate {
  ref: ObjectRef;
  info: ResourceInfo;
  live: KubeObject;
}

/**
 * Every object labelled for `environment` and managed by phlo-deploy (the prune selector) that could
 * belong to the set `plans` renders: this repository's objects only (the set's owner label, or objects
 * without one when the set has none), over PRUNE_KINDS and every rendered kind whose resource allows
 * `verbs`. What listUnrendered filters; drift-check reads the live rendered objects from it too.
 */
export async function listEnvironment(
  client: KubeClient,
  plans: readonly Planned[],
  environment: string,
  limit: ReturnType<typeof pLimit>,
  verbs: readonly string[] = ['list', 'delete'],
): Promise<PruneCandidate[]> {
  return startListEnvironment(client, environment, limit, verbs)(plans);
}

/**
 * listEnvironment in two halves, for a caller that knows the environment before the set is rendered
 * (drift-check): PRUNE_KINDS are listed at once, for any owner (the owner label is the rendered set's,
 * not known yet), and the function returned lists the rendered kinds PRUNE_KINDS lacks and keeps the
 * set's owner's objects only. Its answer is listEnvironment's: the owner term of the selector is
 * applied to the early listing's items instead of in the query.
 */
export function startListEnvironment(
  client: KubeClient,
  environment: string,
  limit: ReturnType<typeof pLimit>,
  verbs: readonly string[] = ['list', 'delete'],
): (plans: readonly Planned[]) => Promise<PruneCandidate[]> {
  const early = listLabelled(client, PRUNE_KINDS, environment, limit, verbs);
  early.catch(() => undefined); // the rejection is the caller's, once it asks for the listing
  const listed = new Set(PRUNE_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
  return async (plans) => {
    const owner = ownerOf(plans.map((p) => p.body));
    const rest = plans
      .map((p) => ({ apiVersion: p.info.apiVersion, kind: p.ref.kind }))
      .filter((k) => !listed.has(`${k.apiVersion}/${k.kind}`));
    const [first, more] = await Promise.all([
      early,
      rest.length ? listLabelled(client, rest, environment, limit, verbs, { owner }) : [],
    ]);
    const ours = (c: PruneCandidate) => (c.live.metadata.labels?.[LABEL_OWNER] ?? null) === owner;
    if (more.length === 0) return first.filter(ours); // sorted, one copy per object already
    // one copy per object (a rendered kind may be PRUNE_KINDS' kind in another version)
    const unique = new Map<string, PruneCandidate>();
    for (const c of [...first.filter(ours), ...more]) if (!unique.has(groupKindKey(c))) unique.set(groupKindKey(c), c);
    return sortByRefKey([...unique.values()], (c) => c.ref);
  };
}

/**
 * Objects labelled for `environment` and managed by phlo-deploy (the prune selector) that `plans` do
 * not declare, over PRUNE_KINDS and every rendered kind; controller-owned objects left out. Sorted.
 * `listed`: listEnvironment's answer when the caller already has it (nothing is listed again).
 */
export async function listUnrendered(
  client: KubeClient,
  plans: readonly Planned[],
  environment: string,
  limit: ReturnType<typeof pLimit>,
  listed?: readonly PruneCandidate[],
): Promise<PruneCandidate[]> {
  // of namespaced objects only those in the namespaces the set renders
  const namespaces = new Set(plans.flatMap((p) => (p.ref.namespace ? [p.ref.namespace] : [])));
  for (const p of plans) if (p.ref.kind === 'Namespace') namespaces.add(p.ref.name);
  const rendered = new Set(plans.map((p) => groupKindKey(p)));
  const labelled = listed ?? (await listEnvironment(client, plans, environment, limit));
  return labelled.filter(
    (c) => !rendered.has(groupKindKey(c)) && (!c.ref.namespace || namespaces.has(c.ref.namespace)),
  );
}

/** `<group>/<Kind>/<namespace>/<name>`: one key per object whatever the version it was read in. */
export function groupKindKey(c: Pick<PruneCandidate, 'ref' | 'info'>): string {
  const group = c.info.apiVersion.includes('/') ? c.info.apiVersion.split('/')[0] : '';
  return `${group}/${c.ref.kind}/${c.ref.namespace ?? ''}/${c.ref.name}`;
}

/**
 * Every object labelled for `environment` and managed by phlo-deploy, over `kinds` (each listed once,
 * across all namespaces; a kind the server does not serve, or whose resource lacks one of `verbs`, is
 * skipped); objects owned by a controller (ReplicaSets, Pods, Jobs of CronJobs) left out. Sorted.
 * The prune listing and the backup of the cluster's objects both read the cluster through it.
 */
export async function listLabelled(
  client: KubeClient,
  kinds: ReadonlyArray<{ apiVersion: string; kind: string }>,
  environment: string,
  limit: ReturnType<typeof pLimit>,
  verbs: readonly string[] = ['list'],
  scope: { owner?: string | null } = {},
): Promise<PruneCandidate[]> {
  const unique = new Map<string, { apiVersion: string; kind: string }>();
  for (const k of kinds) unique.set(`${k.apiVersion}/${k.kind}`, k);
  // owner: a value → that owner's objects only; null → objects without an owner label; absent → any
  const ownerTerm =
    scope.owner === undefined ? '' : scope.owner === null ? `,!${LABEL_OWNER}` : `,${LABEL_OWNER}=${scope.owner}`;
  const selector = `${LABEL_MANAGED_BY}=${MANAGER},${LABEL_ENVIRONMENT}=${environment}${ownerTerm}`;
  const candidates: PruneCandidate[] = [];
  const seen = new Set<string>();
  await Promise.all(
    [...unique.values()].map((k) =>
      limit(async () => {
        const info = await client.resourceFor(k.apiVersion, k.kind);
        if (!info || !verbs.every((v) => info.verbs.includes(v))) return;
        const items = await client.list<KubeObject>(KubeClient.collectionPath(info), { labelSelector: selector });
        for (const item of items) {
          const ref: ObjectRef = {
            apiVersion: info.apiVersion,
            kind: k.kind,
            name: item.metadata.name,
            ...(item.metadata.namespace ? { namespace: item.metadata.namespace } : {}),
          };
          const key = groupKindKey({ ref, info });
          if (seen.has(key)) continue;
          // objects owned by a controller (ReplicaSets, Pods, Jobs of CronJobs) are not ours to delete
          if ((item.metadata.ownerReferences ?? []).some((o) => o.controller)) continue;
          seen.add(key);
          candidates.push({ ref, info, live: { ...item, apiVersion: info.apiVersion, kind: k.kind } });
        }
      }),
    ),
  );
  return sortByRefKey(candidates, (c) => c.ref);
}

async function planPrune(
  client: KubeClient,
  plans: Planned[],
  environment: string,
  s: ApplySettings,
  limit: ReturnType<typeof pLimit>,
): Promise<PruneCandidate[]> {
  const allow = new Set(s.pruneAllow);
  const candidates = (await listUnrendered(client, plans, environment, limit)).filter(
    (c) => !((c.ref.kind === 'Namespace' || c.ref.kind === 'PersistentVolumeClaim') && !allow.has(refKey(c.ref))),
  );
  if (candidates.length > s.maxPrune) {
    throw new ConfigurationError(
      `Prune would delete ${candidates.length} objects, more than input 'max-prune' (${s.maxPrune}) allows: ` +
        `${candidates.map((c) => refKey(c.ref)).join(', ')}. Nothing was applied; raise 'max-prune' if this is intended.`,
    );
  }
  return candidates;
}
