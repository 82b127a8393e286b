/**
 * HorizontalPodAutoscaler targets: their `spec.replicas` is the autoscaler's, so drift-check never
 * compares it and the deploy record's fingerprints leave it out.
 */
import type { Manifest } from '../manifests/validate.js';

/** The fieldsV1 keys of `spec.replicas`. */
export const REPLICAS: readonly string[] = ['f:spec', 'f:replicas'];

/** `Kind/namespace/name` of a scale target. */
export const hpaTargetKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

/** Adds the target of one HPA (rendered or live) to `set`. */
export function addHpaTarget(set: Set<string>, hpa: Record<string, unknown>, namespace: string | undefined): void {
  const t = (hpa.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
  if (t?.kind && t.name) set.add(hpaTargetKey(t.kind, namespace, t.name));
}

/** The targets of the rendered HPAs. */
export function renderedHpaTargets(manifests: readonly Manifest[]): Set<string> {
  const set = new Set<string>();
  for (const m of manifests) if (m.ref.kind === 'HorizontalPodAutoscaler') addHpaTarget(set, m.object, m.ref.namespace);
  return set;
}
