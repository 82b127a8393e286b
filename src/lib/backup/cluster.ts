/**
 * The cluster phase of a backup set: the environment's objects — those labelled
 * `phlo.dev/environment=<env>` and `app.kubernetes.io/managed-by=phlo-deploy`, over the kinds apply
 * prunes plus the cluster-scoped kinds a platform's manifests carry — read through the same listing
 * as apply's prune and drift-check's extraneous check (`listLabelled`), written as one JSON document
 * to `layout.set(id).cluster`.
 *
 * Each object is stored as it could be applied again: server fields stripped (status, uid,
 * resourceVersion, generation, creationTimestamp, managedFields, selfLink, ownerReferences, the
 * server's annotations, kubectl's last-applied-configuration — which for a Secret holds its data),
 * and the fields the server allocates (a Service's cluster IPs, a Job's generated selector, a claim's
 * bound volume) left for the server to allocate again.
 *
 * Secrets: unless the plan opts in (and the backup bucket encrypts by default), a Secret is stored as
 * apply's placeholder Secret (`src/lib/manifests/secrets.ts`): no `data`, its keys in the
 * `phlo.dev/secret-keys` annotation, `phlo.dev/secret-values: injected-at-apply` — so a restore through
 * apply fills the values from the same `env-file`/`secrets` inputs a deploy uses, and a restore that
 * has none refuses instead of writing empty Secrets. Their `Kind/namespace/name` go into the record's
 * `secretsWithoutValues`.
 */
import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { PRUNE_KINDS, listLabelled } from '../kube/apply.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import { stripServerFields } from '../kube/diff.js';
import {
  SECRET_KEYS_ANNOTATION,
  SECRET_PLACEHOLDER_ANNOTATION,
  SECRET_PLACEHOLDER_VALUE,
} from '../manifests/secrets.js';
import { REVISION_ANNOTATION } from '../objects/names.js';
import { ConfigurationError, describeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { writeJson, type BackupStore } from './store.js';
import type { ClusterRecord, SetId } from './types.js';

/** The plan field that opts in to Secret values, named in messages. */
const SECRET_VALUES_FIELD = 'cluster.includeSecretValues';

/** What the cluster phase reads: apply's prune kinds, and the cluster-scoped kinds manifests carry. */
export const CLUSTER_BACKUP_KINDS: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  ...PRUNE_KINDS,
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass' },
];

/** sets/<id>/cluster/objects.json */
export interface ClusterObjectsFile {
  schema: 1;
  setId: SetId;
  environment: string;
  /** True when Secrets were stored with their data (the plan opted in, the bucket encrypts). */
  secretValues: boolean;
  /** `apiVersion` and `kind` set on each, server fields stripped; sorted by Kind/namespace/name. */
  objects: KubeObject[];
}

/** Annotations the server (or kubectl) writes, never stored. */
const SERVER_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
];

/** Labels the Job controller writes into a Job it made its selector for. */
const JOB_CONTROLLER_LABELS = [
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'job-name',
  'batch.kubernetes.io/job-name',
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of a live object as it could be applied again (see the file comment). Secrets keep their
 * data only with `secretValues`; otherwise they become placeholders listing their keys.
 */
export function storedObject(live: KubeObject, secretValues: boolean): KubeObject {
  const out = structuredClone(stripServerFields(live)!) as KubeObject;
  const md = out.metadata as Record<string, unknown>;
  for (const k of ['selfLink', 'ownerReferences', 'deletionTimestamp', 'deletionGracePeriodSeconds']) delete md[k];
  const annotations = isRecord(md.annotations) ? (md.annotations as Record<string, string>) : undefined;
  if (annotations) {
    for (const a of SERVER_ANNOTATIONS) delete annotations[a];
    if (Object.keys(annotations).length === 0) delete md.annotations;
  }
  const spec = isRecord(out.spec) ? (out.spec as Record<string, unknown>) : undefined;
  switch (out.kind) {
    case 'Service':
      // allocated by the server; a headless Service's 'None' is the user's
      if (spec && spec.clusterIP !== 'None') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      break;
    case 'PersistentVolumeClaim':
      if (spec) delete spec.volumeName;
      break;
    case 'Job': {
      // a generated selector names the old Job's uid: the server generates a new one
      if (spec && spec.manualSelector !== true) {
        delete spec.selector;
        const template = isRecord(spec.template) ? spec.template : undefined;
        const labels = isRecord(template?.metadata) ? (template.metadata.labels as Record<string, string>) : undefined;
        if (labels) for (const l of JOB_CONTROLLER_LABELS) delete labels[l];
      }
      break;
    }
    case 'Secret':
      if (!secretValues) return placeholder(out);
      break;
  }
  return out;
}

/** A Secret without its values: apply's placeholder form, its keys listed in an annotation. */
function placeholder(secret: KubeObject): KubeObject {
  const keys = [
    ...Object.keys(isRecord(secret.data) ? secret.data : {}),
    ...Object.keys(isRecord(secret.stringData) ? secret.stringData : {}),
  ];
  const { data: _data, stringData: _stringData, ...rest } = secret;
  return {
    ...rest,
    metadata: {
      ...secret.metadata,
      annotations: {
        ...secret.metadata.annotations,
        [SECRET_PLACEHOLDER_ANNOTATION]: SECRET_PLACEHOLDER_VALUE,
        [SECRET_KEYS_ANNOTATION]: [...new Set(keys)].sort().join(','),
      },
    },
  };
}

/** Refuses unless the bucket has default encryption (what makes storing Secret values acceptable). */
async function requireEncryptedBucket(store: BackupStore): Promise<string> {
  const refuse = (why: string): ConfigurationError =>
    new ConfigurationError(
      `'${SECRET_VALUES_FIELD}' is true, but backup bucket '${store.bucket}' ${why}, so Secret values are not stored. ` +
        `Turn on default encryption (aws s3api put-bucket-encryption --bucket ${store.bucket} ` +
        `--server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}') ` +
        'or set it to false.',
    );
  let algorithms: string[];
  try {
    const answer = await store.s3.send(new GetBucketEncryptionCommand({ Bucket: store.bucket }));
    algorithms = (answer.ServerSideEncryptionConfiguration?.Rules ?? [])
      .map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
      .filter((a): a is NonNullable<typeof a> => Boolean(a));
  } catch (error) {
    if ((error as { name?: string }).name === 'ServerSideEncryptionConfigurationNotFoundError') {
      throw refuse('has no default encryption');
    }
    throw refuse(`could not be checked for default encryption (${describeError(error)})`);
  }
  if (algorithms.length === 0) throw refuse('has no default encryption rule');
  return algorithms.join(', ');
}

/**
 * Writes the environment's objects into the set and returns the record (key, SHA-256 of the bytes
 * written, object count, the Secrets stored without values).
 */
export async function backupCluster(
  store: BackupStore,
  setId: SetId,
  kube: KubeClient,
  options: { environment: string; includeSecretValues: boolean },
  logger: Logger,
): Promise<ClusterRecord> {
  if (options.includeSecretValues) {
    const algorithm = await requireEncryptedBucket(store);
    logger.info(`Secret values are stored: backup bucket '${store.bucket}' encrypts by default (${algorithm})`);
  }
  let listed;
  try {
    listed = await listLabelled(kube, CLUSTER_BACKUP_KINDS, options.environment, pLimit(4));
  } catch (error) {
    throw new Error(`Cannot list the objects of environment '${options.environment}': ${describeError(error)}`, {
      cause: error,
    });
  }
  const objects = listed.map((c) => storedObject(c.live, options.includeSecretValues));
  const secretsWithoutValues = options.includeSecretValues
    ? []
    : listed.filter((c) => c.ref.kind === 'Secret').map((c) => `Secret/${c.ref.namespace ?? ''}/${c.ref.name}`);
  const file: ClusterObjectsFile = {
    schema: 1,
    setId,
    environment: options.environment,
    secretValues: options.includeSecretValues,
    objects,
  };
  const key = store.layout.set(setId).cluster;
  const written = await writeJson(store, key, file);
  const byKind = new Map<string, number>();
  for (const c of listed) byKind.set(c.ref.kind, (byKind.get(c.ref.kind) ?? 0) + 1);
  logger.info(
    `Cluster objects of '${options.environment}': ${objects.length} ` +
      `(${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}) → s3://${store.bucket}/${key}` +
      (secretsWithoutValues.length ? `; ${secretsWithoutValues.length} Secret(s) stored with keys only` : ''),
  );
  return { key, sha256: written.sha256, objects: objects.length, secretsWithoutValues };
}
