/**
 * drift-check: is the cluster what the repository says?
 *
 *  1. desired — render the environment (render's own settings and renderer) with the commit, run URL
 *               and container images of the last deploy (its record); without a record, the images
 *               of the live workloads. The rendered set's hash against the record's says `pending`.
 *  2. predict — apply's own steps 1–4 (planObjects, predictPlans): a server-side apply dry run
 *               (dryRun=All, field manager phlo-deploy, force) of each object next to its live copy.
 *  3. compare — only the leaves phlo-deploy owns in the dry run's managedFields, so server defaults,
 *               webhook mutations, injected sidecars and controller writes never count; labels and
 *               annotations are compared on the keys we declare (the only ones we own). A leaf that
 *               differs and that another manager owns in live is `taken-over` (manager named), else
 *               `modified`. HPA targets' spec.replicas never count. Secret values are compared, never
 *               kept: items carry no Secret value and the diff masks them.
 *  4. extraneous — objects labelled for the environment and written by phlo-deploy that are no
 *               longer rendered (apply's prune listing).
 *  5. ignore rules, verdict, fingerprint.
 *
 * An object that cannot be checked is an error of that object: the others are still compared and
 * the report is marked incomplete. Errors are never drift, drift is never hidden by errors.
 */
import pLimit from 'p-limit';
import { describeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import { KubeClient, type KubeObject } from '../kube/client.js';
import {
  groupKindKey,
  listUnrendered,
  planObjects,
  predictPlans,
  startListEnvironment,
  type Planned,
  type PruneCandidate,
} from '../kube/apply.js';
import { unifiedDiff } from '../kube/diff.js';
import { renderManifestsYielding, stampDeploy, type RenderSettings, type SecretValues } from '../manifests/index.js';
import { containerLists } from '../manifests/images.js';
import type { Manifest } from '../manifests/validate.js';
import { FIELD_MANAGERS } from '../objects/names.js';
import { refKey, type ObjectRef } from '../objects/types.js';
import {
  canonicalJson,
  displayPath,
  hasLeaf,
  leaves,
  ownedTree,
  ownersOf,
  pointerOf,
  project,
  removeLeaf,
  sha256,
  valueAt,
  type FieldsV1,
} from './fields.js';
import {
  canonicalTexts,
  containerKey,
  ownedFingerprint,
  readRecord,
  recordNamespace,
  renderedHash,
  serverVersion,
  type CanonicalTexts,
  type DeployRecord,
} from './record.js';
import { REPLICAS, addHpaTarget, hpaTargetKey, renderedHpaTargets } from './hpa.js';
import { describeRule, isExpired, pointerCovered, ruleMatches, type IgnoreRule } from './ignore.js';
import {
  REPORT_SCHEMA,
  type DriftCategory,
  type DriftError,
  type DriftField,
  type DriftItem,
  type DriftReport,
} from './report.js';

export interface DriftSettings {
  /** How to render the environment (render's settings; `output` is ignored: nothing is written). */
  render: RenderSettings;
  ignoreRules: IgnoreRule[];
  /** Parallel API requests (default 16). */
  concurrency: number;
  /**
   * Dry-run every object, even those the deploy record shows unchanged since the deploy (slower;
   * for when an admission webhook or the cluster's defaulting may have changed since).
   */
  full?: boolean;
}

const MANAGER = FIELD_MANAGERS.apply;

/** Runs the check. Never throws for the cluster's sake: a failure is in `report.errors`. */
export async function checkDrift(
  s: DriftSettings,
  client: KubeClient,
  logger: Logger,
  clock: Clock,
): Promise<{ report: DriftReport; desired: Manifest[]; plans: Planned[] }> {
  const started = clock.now();
  const errors: DriftError[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];
  const now = new Date(started);

  // ignore rules: an expired one is an error (and is not applied: it hides nothing)
  const rules = s.ignoreRules.filter((r) => {
    if (!isExpired(r, now)) return true;
    errors.push({
      message: `Ignore ${describeRule(r)} expired on ${r.expires} (reason: ${r.reason}): renew it with a new 'expires' date or remove it.`,
    });
    return false;
  });
  const used = new Set<IgnoreRule>();

  // The reads that need nothing rendered start first, and render lets them run while it parses (the
  // API server answers on another core meanwhile): the server's version, every HPA of the cluster,
  // and the environment's listing of PRUNE_KINDS (with their discovery). Each is settled before it can
  // fail unobserved: a render that throws leaves nothing unhandled.
  const limit = pLimit(Math.max(1, s.concurrency));
  const versionRead = serverVersion(client);
  const hpasOf = startLiveHpas(client, limit);
  const listEnvironment = startListEnvironment(client, s.render.environment, limit, ['list']);

  // 1. desired: render once without a deploy's commit and run URL (a problem in the repository is a
  //    configuration error: thrown); the record, once read, says which deploy's to stamp
  const renderSettings: RenderSettings = { ...s.render, output: undefined, commit: undefined, runUrl: undefined };
  const first = await renderManifestsYielding(renderSettings, logger);
  const environment = first.environment;
  const recordNs = recordNamespace(first.objects);
  const base: Omit<DriftReport, 'status' | 'durationMs'> = {
    schema: REPORT_SCHEMA,
    environment,
    commit: s.render.commit,
    clusterVersion: undefined,
    startedAt: now.toISOString(),
    incomplete: false,
    drifted: 0,
    pending: false,
    imagesFrom: 'repository',
    record: undefined,
    renderedHash: undefined,
    fingerprint: '',
    counts: emptyCounts(),
    items: [],
    errors,
    warnings,
    notes,
    ignore: { unused: [], expired: [] },
  };
  const finish = (report: Omit<DriftReport, 'status' | 'durationMs'>): DriftReport => {
    const status = report.errors.length ? 'error' : report.drifted ? 'drift' : 'clean';
    return { ...report, status, durationMs: clock.now() - started };
  };

  // The reads that need the rendered set start now, together: the record (in the set's first
  // namespace), the HPAs of the rendered namespaces, and the rest of the environment's listing (the
  // rendered kinds PRUNE_KINDS lacks; the owner scope). The listing (the extraneous check needs it in any
  // case) also holds the live copies the record's fingerprints are checked against; it depends on the
  // rendered labels and kinds only, which stamping the record's commit and images below does not change.
  // Each is settled here, so none is left to fail unobserved when an earlier one returns early.
  const secrets: SecretValues = s.render.secret?.values ?? new Map();
  const recordRead = settle(
    Promise.all([recordNs ? readRecord(client, recordNs, environment) : Promise.resolve(undefined), versionRead]),
  );
  const hpasRead = settle(hpasOf(first.objects));
  const listing = settle(
    planObjects(first.objects, secrets, client, { unfilled: () => undefined }).then(({ plans }) =>
      listEnvironment(plans),
    ),
  );

  const read = await recordRead;
  if ('error' in read) {
    errors.push({ message: `Cannot read the deploy record: ${describeError(read.error)}` });
    return { report: finish({ ...base, incomplete: true }), desired: first.objects, plans: [] };
  }
  const [record, clusterVersion]: [DeployRecord | undefined, string | undefined] = read.value;
  base.clusterVersion = clusterVersion;

  let desired: Manifest[];
  let texts: CanonicalTexts | undefined;
  if (record) {
    // as the last deploy rendered it: its commit and run URL (annotations), then its images
    desired = first.objects;
    stampDeploy(desired, record.commit, record.runUrl);
    useImages(desired, (m, c) => record!.images[containerKey(m, c)]);
    base.imagesFrom = 'record';
    base.record = { commit: record.commit, time: record.time, hash: record.hash, runUrl: record.runUrl };
    texts = canonicalTexts(desired);
    base.renderedHash = renderedHash(desired, texts);
    base.pending = base.renderedHash !== record.hash;
    if (base.pending)
      notes.push(
        `pending: the repository renders differently from what the last deploy applied (${record.commit ? `commit ${record.commit.slice(0, 12)}, ` : ''}${record.time}); the differences below are the cluster's, against the deploy.`,
      );
  } else {
    desired = first.objects;
    base.imagesFrom = 'live';
    notes.push(
      'No deploy record for this environment (apply writes one): images were taken from the live workloads, and pending changes cannot be told.',
    );
  }

  if (!record) {
    try {
      const live = await liveImages(client, desired, limit);
      useImages(desired, (m, c) => live.get(containerKey(m, c)));
    } catch (error) {
      errors.push({ message: `Cannot read the live workloads' images: ${describeError(error)}` });
    }
  }

  // HPA targets (rendered and live): their spec.replicas is the autoscaler's
  const renderedTargets = renderedHpaTargets(desired);
  const hpaTargets = new Set(renderedTargets);
  const hpas = await hpasRead;
  if ('error' in hpas) throw hpas.error;
  for (const h of hpas.value) addHpaTarget(hpaTargets, h as unknown as Record<string, unknown>, h.metadata.namespace);
  for (const m of desired) {
    if (hpaTargets.has(hpaTargetKey(m.ref.kind, m.ref.namespace, m.ref.name)) && hasReplicas(m.object))
      warnings.push(
        `${refKey(m.ref)} (${m.source}) declares spec.replicas but a HorizontalPodAutoscaler scales it: drop replicas from the manifest (every deploy fights the autoscaler); drift-check never compares it.`,
      );
  }

  // 2. predict: apply's own plan (discovery is cached: no request), then its dry run of every object
  //    the record cannot vouch for
  const unfilled = new Set<string>();
  let plans: Planned[] = [];
  const confirmed = new Set<string>();
  const listed = await listing;
  try {
    const planned = await planObjects(desired, secrets, client, { unfilled: (ref) => unfilled.add(refKey(ref)) });
    plans = planned.plans;
    for (const p of planned.problems) errors.push({ ref: p.ref, message: p.message });
    if (record?.owned && !s.full) {
      if (!record.cluster || record.cluster !== clusterVersion)
        notes.push(
          `The API server is ${clusterVersion ?? 'of an unknown version'}, the deploy was recorded on ${record.cluster ?? 'an unknown version'}: every object was dry-run.`,
        );
      // without the listing nothing is vouched for: every object is dry-run (its error is reported below)
      else if ('value' in listed)
        for (const key of unchangedSinceDeploy(plans, listed.value, record.owned, renderedTargets, texts))
          confirmed.add(key);
    }
    const failures = await predictPlans(
      client,
      plans.filter((p) => !confirmed.has(refKey(p.ref))),
      { manager: MANAGER, force: true, limit, ...('value' in listed ? { listed: listed.value } : {}) },
    );
    for (const f of failures) errors.push({ ref: f.ref, message: f.message });
  } catch (error) {
    errors.push({ message: describeError(error) });
    return { report: finish({ ...base, incomplete: true }), desired, plans };
  }
  for (const ref of unfilled)
    warnings.push(`${ref}: no values given for this Secret (inputs 'env-file'/'secrets'): its data was not compared.`);
  if (confirmed.size)
    notes.push(
      `${confirmed.size} of ${plans.length} objects are as the deploy left them (the fields phlo-deploy owns match the deploy record's fingerprint): not dry-run.`,
    );

  // 3. compare
  const failed = new Set(errors.filter((e) => e.ref).map((e) => refKey(e.ref!)));
  const items: DriftItem[] = [];
  let checked = 0;
  for (const p of plans) {
    const key = refKey(p.ref);
    if (failed.has(key) || !(p.dry || confirmed.has(key))) continue;
    checked++;
    const matching = rules.filter((r) => ruleMatches(r, p.ref));
    matching.forEach((r) => used.add(r));
    if (matching.some((r) => r.paths.length === 0)) {
      items.push({
        ref: p.ref,
        category: 'excluded',
        counts: { added: 0, changed: 0, removed: 0 },
        fields: [],
        diff: '',
      });
      continue;
    }
    if (!p.dry) continue; // unchanged since the deploy: clean without a dry run
    if (!p.live || p.inNewNamespace) {
      items.push({
        ref: p.ref,
        category: 'missing',
        counts: { added: 1, changed: 0, removed: 0 },
        fields: [],
        diff: unifiedDiff(key, undefined, shown(p.dry, ownedTree(p.dry, MANAGER), p.ref)),
      });
      continue;
    }
    const skip: string[][] = [];
    if (hpaTargets.has(hpaTargetKey(p.ref.kind, p.ref.namespace, p.ref.name))) skip.push([...REPLICAS]);
    if (unfilled.has(key)) skip.push(['f:data'], ['f:stringData']);
    const item = compareObject(p.ref, p.live, p.dry, skip, matching);
    if (item) items.push(item);
  }

  // 4. extraneous
  try {
    // the listing made above, or (when it failed) a second attempt whose failure is reported here
    const extra = await listUnrendered(client, plans, environment, limit, 'value' in listed ? listed.value : undefined);
    for (const o of extra) {
      const mfs = (o.live.metadata.managedFields ?? []) as Array<{ manager?: string }>;
      if (!mfs.some((m) => m.manager === MANAGER)) continue;
      const matching = rules.filter((r) => ruleMatches(r, o.ref));
      matching.forEach((r) => used.add(r));
      const excluded = matching.some((r) => r.paths.length === 0);
      items.push({
        ref: o.ref,
        category: excluded ? 'excluded' : 'extraneous',
        counts: { added: 0, changed: 0, removed: excluded ? 0 : 1 },
        fields: [],
        diff: excluded ? '' : unifiedDiff(refKey(o.ref), shown(o.live, ownedTree(o.live, MANAGER), o.ref), undefined),
      });
    }
  } catch (error) {
    errors.push({
      message: `Cannot list objects labelled for '${environment}' (extraneous check): ${describeError(error)}`,
    });
  }

  // 5. verdict
  items.sort((a, b) => refKey(a.ref).localeCompare(refKey(b.ref)));
  const counts = emptyCounts();
  counts.checked = checked;
  counts.unchangedSinceDeploy = confirmed.size;
  for (const i of items) counts[i.category]++;
  counts.error = failed.size;
  counts.clean = checked - items.filter((i) => i.category !== 'extraneous').length;
  const drifted = items.filter((i) => i.category !== 'excluded');
  const report: Omit<DriftReport, 'status' | 'durationMs'> = {
    ...base,
    incomplete: errors.length > 0,
    drifted: drifted.length,
    counts,
    items,
    fingerprint: fingerprint(drifted),
    ignore: {
      unused: s.ignoreRules.filter((r) => !used.has(r) && rules.includes(r)).map(describeRule),
      expired: s.ignoreRules.filter((r) => !rules.includes(r)).map(describeRule),
    },
  };
  for (const u of report.ignore.unused)
    warnings.push(`Ignore ${u} matched no object: remove it if it is no longer needed.`);
  return { report: finish(report), desired, plans };
}

/** A promise's outcome, never a rejection: reads started together are awaited one at a time. */
function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * The objects (refKeys) whose rendered form and live owned fields give the fingerprint the deploy
 * recorded: nobody has written a field phlo-deploy owns since, and the repository renders them as
 * deployed, so a dry run would predict what is live. Secrets never (no fingerprint is kept).
 */
function unchangedSinceDeploy(
  plans: readonly Planned[],
  listed: readonly PruneCandidate[],
  owned: Readonly<Record<string, string>>,
  hpaTargets: ReadonlySet<string>,
  texts?: CanonicalTexts,
): string[] {
  const live = new Map(listed.map((c) => [groupKindKey(c), c.live]));
  return plans
    .filter((p) => {
      const print = owned[refKey(p.ref)];
      const object = live.get(groupKindKey(p));
      const scaled = hpaTargets.has(hpaTargetKey(p.ref.kind, p.ref.namespace, p.ref.name));
      return !!print && !!object && ownedFingerprint(p.body, object, scaled, texts?.get(p.body)) === print;
    })
    .map((p) => refKey(p.ref));
}

/** Compares one object on the leaves phlo-deploy owns in the dry run. Undefined when equal. */
export function compareObject(
  ref: ObjectRef,
  live: KubeObject,
  dry: KubeObject,
  skip: readonly string[][],
  rules: readonly IgnoreRule[] = [],
): DriftItem | undefined {
  const tree: FieldsV1 = ownedTree(dry, MANAGER);
  for (const keys of skip) removeLeaf(tree, keys);
  const secret = ref.kind === 'Secret';
  const fields: DriftField[] = [];
  const reported = new Set<string>();
  for (const leaf of leaves(tree)) {
    const want = valueAt(dry, leaf.keys);
    const present = hasLeaf(live, leaf.keys);
    const have = valueAt(live, leaf.keys);
    if (present && canonicalJson(want) === canonicalJson(have)) continue;
    // a whole missing list item or map is one difference, not one per leaf below it
    let keys = leaf.keys;
    if (!present) {
      for (let n = 1; n <= leaf.keys.length; n++)
        if (!hasLeaf(live, leaf.keys.slice(0, n))) {
          keys = leaf.keys.slice(0, n);
          break;
        }
    }
    const id = keys.join('\u0000');
    if (reported.has(id)) continue;
    reported.add(id);
    const pointer = pointerOf(dry, keys);
    if (rules.some((r) => r.paths.some((rp) => pointerCovered(rp, pointer)))) continue;
    const hidden =
      secret &&
      (keys[0] === 'f:data' || keys[0] === 'f:stringData' || (keys[0] === 'f:metadata' && keys[1] === 'f:annotations'));
    const owners = ownersOf(live, keys, [MANAGER]);
    const field: DriftField = {
      path: displayPath(keys),
      pointer,
      change: !present ? 'added' : want === undefined || want === null ? 'removed' : 'changed',
      ...(owners.length ? { owners } : {}),
      ...(hidden
        ? { secret: true }
        : { desired: valueAt(dry, keys), ...(present ? { live: valueAt(live, keys) } : {}) }),
      hash: sha256(canonicalJson([valueAt(dry, keys), valueAt(live, keys)])!),
    };
    fields.push(field);
  }
  if (fields.length === 0) return undefined;
  const managers = [...new Set(fields.flatMap((f) => f.owners ?? []))].sort();
  const category: DriftCategory = managers.length ? 'taken-over' : 'modified';
  return {
    ref,
    category,
    ...(managers.length ? { managers } : {}),
    counts: {
      added: fields.filter((f) => f.change === 'added').length,
      changed: fields.filter((f) => f.change === 'changed').length,
      removed: fields.filter((f) => f.change === 'removed').length,
    },
    fields,
    diff: unifiedDiff(refKey(ref), shown(live, tree, ref), shown(dry, tree, ref)),
  };
}

/** The owned part of an object, with its identity (what the diff shows). */
function shown(object: KubeObject, tree: FieldsV1, ref: ObjectRef): Record<string, unknown> {
  const projected = (project(object, tree) ?? {}) as Record<string, unknown>;
  const md = (projected.metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    ...projected,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), ...md },
  };
}

/** A hash of the normalised differences: the same drift gives the same fingerprint. */
export function fingerprint(items: readonly DriftItem[]): string {
  if (items.length === 0) return '';
  const basis = items.map((i) => ({
    ref: refKey(i.ref),
    category: i.category,
    managers: i.managers ?? [],
    fields: i.fields.map((f) => [f.pointer, f.change, f.hash]).sort(),
  }));
  return sha256(JSON.stringify(basis)).slice(0, 16);
}

function emptyCounts(): DriftReport['counts'] {
  return {
    checked: 0,
    unchangedSinceDeploy: 0,
    clean: 0,
    modified: 0,
    'taken-over': 0,
    missing: 0,
    extraneous: 0,
    excluded: 0,
    error: 0,
  };
}

function hasReplicas(object: Record<string, unknown>): boolean {
  const spec = object.spec as Record<string, unknown> | undefined;
  return spec?.replicas !== undefined;
}

/** Sets each container's image from `imageOf` (when it knows one). */
function useImages(
  manifests: readonly Manifest[],
  imageOf: (m: Manifest, container: string) => string | undefined,
): void {
  for (const m of manifests)
    for (const list of containerLists(m.object, m.ref.kind))
      for (const c of list) {
        const image = typeof c.name === 'string' ? imageOf(m, c.name) : undefined;
        if (image) c.image = image;
      }
}

/**
 * The live HorizontalPodAutoscalers in the rendered namespaces: one list across the cluster (started
 * at once, before the set is rendered), or one per namespace when the identity may not list across it.
 * Best effort (the rendered HPAs are known anyway): an HPA that cannot be listed is not known.
 */
function startLiveHpas(
  client: KubeClient,
  limit: ReturnType<typeof pLimit>,
): (desired: readonly Manifest[]) => Promise<KubeObject[]> {
  const HPAS = '/apis/autoscaling/v2';
  const all = settle(client.list<KubeObject>(`${HPAS}/horizontalpodautoscalers`));
  return async (desired) => {
    const namespaces = new Set(desired.map((m) => m.ref.namespace).filter((n): n is string => !!n));
    const listed = await all;
    if ('value' in listed) return listed.value.filter((h) => namespaces.has(h.metadata.namespace ?? ''));
    const each = await Promise.all(
      [...namespaces].map((ns) =>
        limit(() =>
          client.list<KubeObject>(`${HPAS}/namespaces/${ns}/horizontalpodautoscalers`).catch(() => [] as KubeObject[]),
        ),
      ),
    );
    return each.flat();
  };
}

/** The live images of the rendered workloads' containers (by containerKey). */
async function liveImages(
  client: KubeClient,
  manifests: readonly Manifest[],
  limit: ReturnType<typeof pLimit>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    manifests
      .filter((m) => containerLists(m.object, m.ref.kind).length > 0)
      .map((m) =>
        limit(async () => {
          const info = await client.resourceFor(m.ref.apiVersion, m.ref.kind);
          if (!info) return;
          const live = await client.getOrUndefined<KubeObject>(KubeClient.objectPath(info, m.ref));
          if (!live) return;
          for (const list of containerLists(live as unknown as Record<string, unknown>, m.ref.kind))
            for (const c of list)
              if (typeof c.name === 'string' && typeof c.image === 'string') out.set(containerKey(m, c.name), c.image);
        }),
      ),
  );
  return out;
}
