/**
 * References between objects, checked before the first write: a Deployment whose ServiceAccount,
 * ConfigMap, Secret or PersistentVolumeClaim exists neither in the rendered set nor in the cluster
 * passes the server's dry run and apply, and then waits the whole rollout deadline for pods that the
 * ReplicaSet can never create (or that never start). Such a reference is an error; one that leaves an
 * object merely inert (an HPA whose target is missing, a Service or PodDisruptionBudget whose selector
 * matches no rendered pod template, a missing image pull Secret) is a warning.
 *
 * `findReferences` is pure (what each object refers to); `checkReferences` looks up what the rendered
 * set does not hold, once per referenced object.
 */
import pLimit from 'p-limit';
import type { ObjectRef } from '../objects/types.js';
import { refKey } from '../objects/types.js';
import { podTemplatePath } from '../manifests/kinds.js';
import type { KubeClient } from './client.js';
import { selectorMatches, type LabelSelector } from './selector.js';

export interface Reference {
  /** The object that refers. */
  from: ObjectRef;
  /** Where, e.g. `spec.template.spec.serviceAccountName`, `envFrom configMapRef`. */
  field: string;
  /** What it refers to. */
  to: ObjectRef;
  /** error: the pod can never start; warning: the referring object does nothing. */
  severity: 'error' | 'warning';
}

export interface DanglingReferences {
  errors: string[];
  warnings: string[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function at(root: Json, path: readonly string[]): Json {
  return path.reduce<Json>((o, k) => obj(o[k]), root);
}

const v1 = (kind: string, namespace: string | undefined, name: string): ObjectRef => ({
  apiVersion: 'v1',
  kind,
  namespace,
  name,
});

/** What one rendered object refers to (pod template references, HPA targets). */
export function findReferences(ref: ObjectRef, object: Json): Reference[] {
  const out: Reference[] = [];
  const ns = ref.namespace;
  const add = (field: string, to: ObjectRef, severity: Reference['severity'] = 'error') =>
    out.push({ from: ref, field, to, severity });
  const tpath = podTemplatePath(ref.kind) ?? (ref.kind === 'Pod' ? [] : undefined);
  if (tpath) {
    const pod = at(object, [...tpath, 'spec']);
    const where = [...tpath, 'spec'].join('.');
    const sa = str(pod.serviceAccountName) ?? str(pod.serviceAccount);
    // `default` is made by the ServiceAccount controller in every namespace, new ones included
    if (sa && sa !== 'default') add(`${where}.serviceAccountName`, v1('ServiceAccount', ns, sa));
    for (const s of arr(pod.imagePullSecrets)) {
      const name = str(s.name);
      if (name) add(`${where}.imagePullSecrets`, v1('Secret', ns, name), 'warning');
    }
    for (const c of [...arr(pod.initContainers), ...arr(pod.containers)]) {
      const cname = str(c.name) ?? '?';
      for (const e of arr(c.envFrom)) {
        const cm = obj(e.configMapRef);
        const sec = obj(e.secretRef);
        if (str(cm.name) && cm.optional !== true)
          add(`container ${cname} envFrom configMapRef`, v1('ConfigMap', ns, str(cm.name)!));
        if (str(sec.name) && sec.optional !== true)
          add(`container ${cname} envFrom secretRef`, v1('Secret', ns, str(sec.name)!));
      }
      for (const e of arr(c.env)) {
        const from = obj(e.valueFrom);
        const cm = obj(from.configMapKeyRef);
        const sec = obj(from.secretKeyRef);
        if (str(cm.name) && cm.optional !== true)
          add(`container ${cname} env ${str(e.name) ?? ''} configMapKeyRef`, v1('ConfigMap', ns, str(cm.name)!));
        if (str(sec.name) && sec.optional !== true)
          add(`container ${cname} env ${str(e.name) ?? ''} secretKeyRef`, v1('Secret', ns, str(sec.name)!));
      }
    }
    for (const vol of arr(pod.volumes)) {
      const vname = str(vol.name) ?? '?';
      const cm = obj(vol.configMap);
      const sec = obj(vol.secret);
      const pvc = obj(vol.persistentVolumeClaim);
      if (str(cm.name) && cm.optional !== true) add(`volume ${vname} configMap`, v1('ConfigMap', ns, str(cm.name)!));
      if (str(sec.secretName) && sec.optional !== true)
        add(`volume ${vname} secret`, v1('Secret', ns, str(sec.secretName)!));
      if (str(pvc.claimName))
        add(`volume ${vname} persistentVolumeClaim`, v1('PersistentVolumeClaim', ns, str(pvc.claimName)!));
      for (const source of arr(obj(vol.projected).sources)) {
        const pcm = obj(source.configMap);
        const psec = obj(source.secret);
        if (str(pcm.name) && pcm.optional !== true)
          add(`volume ${vname} projected configMap`, v1('ConfigMap', ns, str(pcm.name)!));
        if (str(psec.name) && psec.optional !== true)
          add(`volume ${vname} projected secret`, v1('Secret', ns, str(psec.name)!));
      }
    }
  }
  if (ref.kind === 'HorizontalPodAutoscaler') {
    const target = obj(obj(object.spec).scaleTargetRef);
    const kind = str(target.kind);
    const name = str(target.name);
    if (kind && name)
      add(
        'spec.scaleTargetRef',
        { apiVersion: str(target.apiVersion) ?? 'apps/v1', kind, namespace: ns, name },
        'warning',
      );
  }
  return out;
}

/** Services and PodDisruptionBudgets whose selector matches no pod template of the rendered set. */
export function selectorsMatchingNothing(objects: readonly { ref: ObjectRef; object: Json }[]): string[] {
  const templates = objects.flatMap(({ ref, object }) => {
    const tpath = podTemplatePath(ref.kind);
    if (!tpath) return [];
    return [
      { namespace: ref.namespace, labels: obj(at(object, [...tpath, 'metadata']).labels) as Record<string, string> },
    ];
  });
  const out: string[] = [];
  for (const { ref, object } of objects) {
    let selector: LabelSelector | undefined;
    if (ref.kind === 'Service') {
      const s = obj(obj(object.spec).selector);
      if (Object.keys(s).length === 0) continue; // no selector: endpoints are managed by hand
      selector = { matchLabels: s as Record<string, string> };
    } else if (ref.kind === 'PodDisruptionBudget') {
      selector = obj(obj(object.spec).selector) as LabelSelector;
    } else continue;
    if (!templates.some((t) => t.namespace === ref.namespace && selectorMatches(selector, t.labels))) {
      out.push(
        `${describe(ref)}: its selector matches no pod template in the rendered set, so it ${ref.kind === 'Service' ? 'routes to no pod of this deploy' : 'protects no pod of this deploy'}.`,
      );
    }
  }
  return out;
}

const describe = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/**
 * Every reference of the rendered objects that points at nothing: not in the rendered set and not in
 * the cluster. One GET per referenced object the set does not hold (a 404 is "missing"; any other
 * error is thrown, since it says nothing about the reference).
 */
export async function checkReferences(
  client: KubeClient,
  objects: readonly { ref: ObjectRef; object: Json }[],
  concurrency = 8,
): Promise<DanglingReferences> {
  const rendered = new Set(objects.map((o) => refKey(o.ref)));
  const references = objects.flatMap((o) => findReferences(o.ref, o.object));
  const outside = new Map<string, ObjectRef>();
  for (const r of references) if (!rendered.has(refKey(r.to))) outside.set(refKey(r.to), r.to);
  const limit = pLimit(concurrency);
  const exists = new Map<string, boolean>();
  await Promise.all(
    [...outside].map(([key, to]) =>
      limit(async () => {
        let path: string;
        try {
          path = await client.pathOf(to);
        } catch {
          exists.set(key, false); // a kind the server does not serve: nothing of it can exist
          return;
        }
        exists.set(key, (await client.getOrUndefined(path)) !== undefined);
      }),
    ),
  );
  const result: DanglingReferences = { errors: [], warnings: selectorsMatchingNothing(objects) };
  for (const r of references) {
    const key = refKey(r.to);
    if (rendered.has(key) || exists.get(key)) continue;
    const line = `${describe(r.from)}: ${r.field} refers to ${describe(r.to)}, which is neither in the rendered manifests nor in the cluster${r.severity === 'error' ? ': its pods could never start. Add it to the manifests (or create it first), or fix the name.' : '.'}`;
    (r.severity === 'error' ? result.errors : result.warnings).push(line);
  }
  return result;
}
