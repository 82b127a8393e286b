/**
 * The deploy record: one small ConfigMap per environment that apply writes after a successful apply
 * and drift-check reads. It says what the last deploy applied — commit, run URL, time, the image of
 * every container, the list of objects and a hash of the rendered set — so drift-check renders with
 * the live deploy's images (not the repository's tags) and can tell "the repository is ahead of the
 * last deploy" (pending) apart from drift.
 *
 * Where: ConfigMap `phlo-deploy-record-<environment>` in the alphabetically first namespace of the
 * applied namespaced objects (a namespace the deploy identity can already write to), labelled
 * `phlo.dev/record-of: <environment>` and NOT managed-by phlo-deploy, so prune and the extraneous
 * check never see it. No Secret value and no hash of one is ever in it.
 */
import type { KubeClient, KubeObject } from '../kube/client.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';
import { KubeApiError } from '../kube/client.js';
import { applyManifests, type ApplyOutcome, type ApplySettings } from '../kube/apply.js';
import type { SecretValues } from '../manifests/secrets.js';
import { containerLists } from '../manifests/images.js';
import type { Manifest } from '../manifests/validate.js';
import { ANNOTATION_COMMIT, ANNOTATION_RUN_URL, LABEL_ENVIRONMENT } from '../objects/names.js';
import { refKey, sortByRefKey } from '../objects/types.js';
import { FIELD_MANAGERS } from '../objects/names.js';
import { canonicalJson, ownedTree, project, removeLeaf, sha256 } from './fields.js';
import { REPLICAS, hpaTargetKey, renderedHpaTargets } from './hpa.js';

export const RECORD_SCHEMA = 1;
export const RECORD_LABEL = 'phlo.dev/record-of';
export const RECORD_MANAGER = 'phlo-deploy-record';

export interface DeployRecord {
  schema: number;
  environment: string;
  commit?: string;
  runUrl?: string;
  /** ISO time of the apply. */
  time: string;
  /** `Kind/namespace/name:container` → image, for every container of every applied object. */
  images: Record<string, string>;
  /** refKey of every applied object, sorted. */
  objects: string[];
  /** sha256 of the rendered set (renderedHash). */
  hash: string;
  /**
   * The API server's version when the record was written (`/version` gitVersion): the fingerprints
   * below hold for that server only (an upgrade may normalise values differently).
   */
  cluster?: string;
  /**
   * refKey → fingerprint of each object right after the apply (`ownedFingerprint`), for every applied
   * object but Secrets (a hash of a Secret's values is never stored). drift-check skips the dry run
   * of an object whose rendered form and live owned fields still give the same fingerprint.
   */
  owned?: Record<string, string>;
}

export const recordName = (environment: string): string => `phlo-deploy-record-${environment}`;

/** Where the record of a set of objects lives: the first of their namespaces (sorted). */
export function recordNamespace(manifests: readonly Manifest[]): string | undefined {
  return [...new Set(manifests.map((m) => m.ref.namespace).filter((n): n is string => !!n))].sort()[0];
}

/** The key of one container in `images`. */
export const containerKey = (m: Pick<Manifest, 'ref'>, container: string): string => `${refKey(m.ref)}:${container}`;

/**
 * A hash of the rendered set: every object (Secret placeholders as rendered: keys, never values),
 * with sorted keys, ordered by refKey, so a reordering of files or keys gives the same hash.
 */
export function renderedHash(manifests: readonly Manifest[], texts?: CanonicalTexts): string {
  const sorted = sortByRefKey(manifests, (m) => m.ref);
  // canonicalJson of the array of objects, each object's text written once (texts)
  return sha256(`[${sorted.map((m) => texts?.get(m.object) ?? canonicalJson(m.object)).join(',')}]`);
}

/**
 * The canonical JSON of each rendered object, by object: drift-check writes it once for renderedHash
 * and again for the object's fingerprint otherwise. Made after the objects' last change (stamped).
 */
export type CanonicalTexts = ReadonlyMap<object, string>;

export function canonicalTexts(manifests: readonly Manifest[]): CanonicalTexts {
  return new Map(manifests.map((m) => [m.object, canonicalJson(m.object)!]));
}

/** Every container's image, keyed by containerKey. */
export function containerImages(manifests: readonly Manifest[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of manifests)
    for (const list of containerLists(m.object, m.ref.kind))
      for (const c of list)
        if (typeof c.name === 'string' && typeof c.image === 'string') out[containerKey(m, c.name)] = c.image;
  return out;
}

/**
 * What says "this object is as the deploy left it": a hash of the object as rendered (`desired`, the
 * manifest apply was given) and of the fields phlo-deploy owns in the object on the server (their
 * field set and values, from its managedFields). A write by anyone else to a field we own moves the
 * field to that manager or changes its value, either of which changes the fingerprint; writes to
 * fields we do not own (status, defaults, controllers' annotations) do not. An HPA's target leaves out
 * its spec.replicas (the autoscaler's). Undefined for Secrets: a hash of their values is never kept.
 */
export function ownedFingerprint(
  desired: Readonly<Record<string, unknown>>,
  server: KubeObject,
  hpaTarget = false,
  desiredText?: string,
): string | undefined {
  if (server.kind === 'Secret' || desired.kind === 'Secret') return undefined;
  const tree = ownedTree(server, FIELD_MANAGERS.apply);
  if (hpaTarget) removeLeaf(tree, REPLICAS);
  const owned = project(server, tree) ?? null;
  // canonicalJson([desired, owned]), desired's text given when the caller has it (canonicalTexts)
  return sha256(`[${desiredText ?? canonicalJson(desired)},${canonicalJson(owned)}]`).slice(0, 32);
}

/** The API server's version (`/version` gitVersion), or undefined when it cannot be read. */
export async function serverVersion(client: KubeClient): Promise<string | undefined> {
  return client
    .request<{ gitVersion?: string }>({ method: 'GET', path: '/version' })
    .then((v) => v?.gitVersion)
    .catch(() => undefined);
}

/** The state an apply left: each object as the server answered the apply (or read it, when unchanged). */
export interface AppliedState {
  /** refKey → the object on the server right after the apply. */
  objects: ReadonlyMap<string, KubeObject>;
  /** The API server's version. */
  cluster?: string;
}

/** The record of an apply of `manifests` (rendered by phlo-deploy: they carry the environment label). */
export function buildRecord(
  manifests: readonly Manifest[],
  environment: string,
  now: Date,
  state?: AppliedState,
): DeployRecord {
  const annotation = (key: string) =>
    manifests
      .map((m) => (m.object.metadata.annotations as Record<string, string> | undefined)?.[key])
      .find((v) => v !== undefined);
  const commit = annotation(ANNOTATION_COMMIT);
  const runUrl = annotation(ANNOTATION_RUN_URL);
  return {
    schema: RECORD_SCHEMA,
    environment,
    ...(commit ? { commit } : {}),
    ...(runUrl ? { runUrl } : {}),
    time: now.toISOString(),
    images: containerImages(manifests),
    objects: manifests.map((m) => refKey(m.ref)).sort(),
    hash: renderedHash(manifests),
    ...(state?.cluster ? { cluster: state.cluster, owned: fingerprints(manifests, state.objects) } : {}),
  };
}

function fingerprints(
  manifests: readonly Manifest[],
  objects: ReadonlyMap<string, KubeObject>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const scaled = renderedHpaTargets(manifests);
  for (const m of manifests) {
    const server = objects.get(refKey(m.ref));
    const target = scaled.has(hpaTargetKey(m.ref.kind, m.ref.namespace, m.ref.name));
    const print = server && ownedFingerprint(m.object, server, target);
    if (print) out[refKey(m.ref)] = print;
  }
  return out;
}

/** The environment of a rendered set (its phlo.dev/environment label, when there is one value). */
export function environmentOf(manifests: readonly Manifest[]): string | undefined {
  const values = new Set(
    manifests.map((m) => (m.object.metadata.labels as Record<string, string> | undefined)?.[LABEL_ENVIRONMENT]),
  );
  const [only] = [...values];
  return values.size === 1 && only ? only : undefined;
}

const path = (namespace: string, environment: string) =>
  `/api/v1/namespaces/${namespace}/configmaps/${recordName(environment)}`;

/** Writes (server-side apply, its own field manager) the record into `namespace`. */
export async function writeRecord(client: KubeClient, namespace: string, record: DeployRecord): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: path(namespace, record.environment),
    query: { fieldManager: RECORD_MANAGER, force: 'true' },
    contentType: 'application/apply-patch+yaml',
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: recordName(record.environment),
        namespace,
        labels: { [RECORD_LABEL]: record.environment },
      },
      data: { record: JSON.stringify(record) },
    },
  });
}

/** The record of `environment` in `namespace`, or undefined (none, or not a record we can read). */
export async function readRecord(
  client: KubeClient,
  namespace: string,
  environment: string,
): Promise<DeployRecord | undefined> {
  let cm: KubeObject | undefined;
  try {
    cm = await client.getOrUndefined<KubeObject>(path(namespace, environment));
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 404) return undefined;
    throw error;
  }
  const text = (cm as { data?: Record<string, string> } | undefined)?.data?.record;
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as DeployRecord;
    return parsed.schema === RECORD_SCHEMA && parsed.environment === environment ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The apply stage, as the apply action and the deploy pipeline run it: apply (diffs logged), then,
 * unless it was a dry run, the environment's deploy record.
 */
export async function applyAndRecord(
  objects: readonly Manifest[],
  secrets: SecretValues,
  settings: ApplySettings,
  client: KubeClient,
  ports: { logger: Logger; clock: Clock },
): Promise<ApplyOutcome> {
  const outcome = await applyManifests(objects, secrets, settings, client, ports.logger);
  for (const d of outcome.diffs) if (d.diff) ports.logger.info(d.diff);
  if (!outcome.result.dryRun)
    await recordDeploy(client, objects, settings.environment, ports.clock, ports.logger, outcome.after);
  return outcome;
}

/**
 * After a successful apply: writes the environment's record (a failure is a warning: the deploy
 * itself went through; drift-check then falls back to the live images).
 */
export async function recordDeploy(
  client: KubeClient,
  manifests: readonly Manifest[],
  environment: string | undefined,
  clock: Clock,
  logger: Logger,
  applied?: ReadonlyMap<string, KubeObject>,
): Promise<void> {
  const env = environment ?? environmentOf(manifests);
  const namespace = recordNamespace(manifests);
  if (!env || !namespace) return;
  try {
    const cluster = applied ? await serverVersion(client) : undefined;
    const state = applied && cluster ? { objects: applied, cluster } : undefined;
    await writeRecord(client, namespace, buildRecord(manifests, env, new Date(clock.now()), state));
    logger.info(`Deploy record written: ConfigMap ${namespace}/${recordName(env)}`);
  } catch (error) {
    logger.warning(
      `Could not write the deploy record ${namespace}/${recordName(env)} (drift-check reads it): ${describeError(error)}`,
    );
  }
}
