/**
 * The names phlo-deploy writes into, and reads from, Kubernetes objects: labels, annotations and the
 * server-side-apply field managers. One list, so render, apply, the revision reader and the rollback
 * agree.
 */

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_ENVIRONMENT = 'phlo.dev/environment';
/**
 * The repository that deploys an object (GITHUB_REPOSITORY, `org/repo` written `org.repo`): prune and
 * drift-check's extraneous list only touch objects of their own repository, so two repositories
 * deploying an environment of the same name to one cluster never prune each other.
 */
export const LABEL_OWNER = 'phlo.dev/owner';

/** `org/repo` → a label value (`org.repo`); a long one is cut and suffixed with a hash of the whole. */
export function ownerLabelValue(repository: string): string {
  const value = repository.replace(/[^A-Za-z0-9_.-]+/g, '.').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (value.length <= 63) return value;
  let hash = 0;
  for (const c of repository) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0;
  return `${value.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${hash.toString(16).padStart(8, '0')}`;
}
export const ANNOTATION_COMMIT = 'phlo.dev/commit';
export const ANNOTATION_RUN_URL = 'phlo.dev/run-url';

/** The Deployment controller's revision number, on a Deployment and on each of its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/**
 * Server-side apply field managers: `apply` owns what the manifests declare; `rollback` writes the
 * rolled-back template, whose fields the next apply takes back without force; `cutover` owns only the
 * restart annotation (ANNOTATION_CUTOVER) a restore's cutover puts on the pod templates it restarts,
 * a field no manifest declares (like `kubectl rollout restart`'s), so apply and drift never see it.
 */
export const FIELD_MANAGERS = {
  apply: 'phlo-deploy',
  rollback: 'phlo-deploy-rollback',
  cutover: 'phlo-deploy-cutover',
} as const;

/** On a pod template: when a cutover restarted the workload (ISO 8601); a new value rolls the pods. */
export const ANNOTATION_CUTOVER = 'phlo.dev/cutover-at';

/** The value of LABEL_MANAGED_BY on everything phlo-deploy renders. */
export const MANAGER = FIELD_MANAGERS.apply;

/** A DNS-1123 label (namespaces, Service names, environment names): at most 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1123 subdomain (most object names): labels joined by dots, at most 253 characters. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}
