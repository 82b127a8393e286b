/**
 * What we know about built-in kinds without asking a cluster: their scope, and the apply tier.
 * For an API group listed in BUILTIN_GROUPS every kind is known, so a typo such as
 * `kind: Deploymnet` in apps/v1 is rejected at render time. Kinds of other groups (custom
 * resources) are checked by discovery at apply time (or by a CRD in the same manifests).
 */

/** Cluster-scoped built-in kinds. */
export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
  'DeviceClass',
  'ResourceSlice',
  'VolumeAttributesClass',
  'IPAddress',
  'ServiceCIDR',
  'TokenReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'SelfSubjectReview',
]);

/** Built-in groups (apiVersion group part, '' for core) and every kind they serve. */
export const BUILTIN_GROUPS: Record<string, readonly string[]> = {
  '': [
    'Binding',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    'Namespace',
    'Node',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
    'ComponentStatus',
  ],
  apps: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  batch: ['CronJob', 'Job'],
  autoscaling: ['HorizontalPodAutoscaler'],
  policy: ['PodDisruptionBudget', 'Eviction'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'networking.k8s.io': ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR'],
  'storage.k8s.io': [
    'CSIDriver',
    'CSINode',
    'CSIStorageCapacity',
    'StorageClass',
    'VolumeAttachment',
    'VolumeAttributesClass',
  ],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'coordination.k8s.io': ['Lease'],
  'discovery.k8s.io': ['EndpointSlice'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'apiregistration.k8s.io': ['APIService'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'events.k8s.io': ['Event'],
};

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** 'cluster', 'namespaced', or 'unknown-kind' (built-in group, no such kind), or 'unknown' (custom). */
export function scopeOf(apiVersion: string, kind: string): 'cluster' | 'namespaced' | 'unknown-kind' | 'unknown' {
  const group = groupOf(apiVersion);
  const kinds = BUILTIN_GROUPS[group];
  if (!kinds) return 'unknown';
  if (!kinds.includes(kind)) return 'unknown-kind';
  return CLUSTER_SCOPED.has(kind) ? 'cluster' : 'namespaced';
}

/** Apply tiers, in order; objects in one tier are applied in parallel. */
export const TIERS = [
  'namespaces',
  'crds',
  'rbac',
  'config',
  'services',
  'workloads',
  'autoscaling',
  'cronjobs',
  'others',
] as const;
export type Tier = (typeof TIERS)[number];

export function tierOf(kind: string): Tier {
  switch (kind) {
    case 'Namespace':
      return 'namespaces';
    case 'CustomResourceDefinition':
      return 'crds';
    case 'ServiceAccount':
    case 'Role':
    case 'RoleBinding':
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return 'rbac';
    case 'ConfigMap':
    case 'Secret':
      return 'config';
    case 'Service':
      return 'services';
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicaSet':
    case 'Pod':
      return 'workloads';
    case 'HorizontalPodAutoscaler':
    case 'PodDisruptionBudget':
      return 'autoscaling';
    case 'CronJob':
      return 'cronjobs';
    default:
      return 'others';
  }
}

export function tierIndex(kind: string): number {
  return TIERS.indexOf(tierOf(kind));
}

/** Paths (from the object root) of pod templates, by kind. */
export function podTemplatePath(kind: string): string[] | undefined {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
    case 'ReplicationController':
      return ['spec', 'template'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    default:
      return undefined;
  }
}
