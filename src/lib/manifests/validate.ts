/**
 * Structural validation of objects before anything else happens: apiVersion, kind, DNS-1123 names,
 * namespaces where they belong (and only there), labels and annotations as string maps, and no
 * duplicates. Every problem is collected, then thrown together as ConfigurationErrors.
 */
import { ConfigurationErrors } from '../runtime/errors.js';
import type { ObjectRef } from '../objects/types.js';
import { describeSource, type SourceDocument } from './load.js';
import { groupOf, scopeOf } from './kinds.js';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN } from '../objects/names.js';

/** A validated object, with its identity and origin. */
export interface Manifest {
  ref: ObjectRef;
  object: Record<string, unknown> & { metadata: Record<string, unknown> };
  source: string;
  /** 'namespaced' | 'cluster' when known without a cluster; 'unknown' for custom kinds. */
  scope: 'namespaced' | 'cluster' | 'unknown';
}

export { DNS1123_LABEL, DNS1123_SUBDOMAIN };
const API_VERSION =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Kinds whose name must be a DNS-1123 label (63 chars, no dots), not a subdomain. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

export interface ValidateOptions {
  /** Namespace given to namespaced objects that have none; without it they are an error. */
  defaultNamespace?: string;
}

export function identityKey(ref: ObjectRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

export function validateObjects(docs: readonly SourceDocument[], options: ValidateOptions = {}): Manifest[] {
  const problems: string[] = [];
  const out: Manifest[] = [];
  const seen = new Map<string, string>();
  // CRDs in the same set tell the scope of their kinds.
  const crdScopes = new Map<string, 'namespaced' | 'cluster'>();
  for (const d of docs) {
    const o = d.object as { kind?: unknown; spec?: { group?: unknown; names?: { kind?: unknown }; scope?: unknown } };
    if (
      o.kind === 'CustomResourceDefinition' &&
      typeof o.spec?.group === 'string' &&
      typeof o.spec.names?.kind === 'string'
    ) {
      crdScopes.set(`${o.spec.group}/${o.spec.names.kind}`, o.spec.scope === 'Cluster' ? 'cluster' : 'namespaced');
    }
  }

  for (const doc of docs) {
    const where = describeSource(doc);
    const o = doc.object;
    const before = problems.length;
    const apiVersion = o.apiVersion;
    const kind = o.kind;
    if (typeof apiVersion !== 'string' || !apiVersion) {
      problems.push(`${where}: 'apiVersion' is missing: expected e.g. apps/v1.`);
    } else if (!API_VERSION.test(apiVersion)) {
      problems.push(`${where}: apiVersion '${apiVersion}' is not of the form [group/]version (e.g. apps/v1).`);
    }
    if (typeof kind !== 'string' || !kind) {
      problems.push(`${where}: 'kind' is missing: expected e.g. Deployment.`);
    } else if (!KIND.test(kind)) {
      problems.push(`${where}: kind '${kind}' is not a Kubernetes kind (CamelCase letters and digits).`);
    }
    const metadata = o.metadata;
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
      problems.push(`${where}: 'metadata' is missing or not a mapping: expected metadata.name at least.`);
      continue;
    }
    const md = metadata as Record<string, unknown>;
    const name = md.name;
    if (typeof name !== 'string' || !name) {
      problems.push(
        md.generateName !== undefined
          ? `${where}: metadata.generateName is not supported (apply needs a stable name): set metadata.name.`
          : `${where}: 'metadata.name' is missing.`,
      );
    } else {
      const label = typeof kind === 'string' && LABEL_NAMED.has(kind);
      const max = label ? 63 : 253;
      if (name.length > max || !(label ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(name)) {
        problems.push(
          `${where}: metadata.name '${name}' is not a valid DNS-1123 ${label ? 'label' : 'subdomain'} ` +
            `(lowercase letters, digits, '-'${label ? '' : " and '.'"}, starting and ending alphanumeric, at most ${max} characters).`,
        );
      }
    }
    const namespace = md.namespace;
    if (
      namespace !== undefined &&
      (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))
    ) {
      problems.push(
        `${where}: metadata.namespace '${String(namespace)}' is not a valid DNS-1123 label (at most 63 characters).`,
      );
    }
    checkStringMap(md.labels, `${where}: metadata.labels`, true, problems);
    checkStringMap(md.annotations, `${where}: metadata.annotations`, false, problems);
    if (
      problems.length > before ||
      typeof apiVersion !== 'string' ||
      typeof kind !== 'string' ||
      typeof name !== 'string'
    )
      continue;

    let scope: Manifest['scope'];
    const known = scopeOf(apiVersion, kind);
    if (known === 'unknown-kind') {
      problems.push(
        `${where}: kind '${kind}' does not exist in API group '${groupOf(apiVersion) || 'core'}' (${apiVersion}).`,
      );
      continue;
    } else if (known === 'unknown') {
      scope = crdScopes.get(`${groupOf(apiVersion)}/${kind}`) ?? 'unknown';
    } else scope = known;

    let ns = typeof namespace === 'string' ? namespace : undefined;
    if (scope === 'cluster' && ns !== undefined) {
      problems.push(
        `${where}: ${kind} '${name}' is cluster-scoped but has metadata.namespace '${ns}': remove the namespace.`,
      );
      continue;
    }
    if (scope === 'namespaced' && ns === undefined) {
      if (options.defaultNamespace) {
        ns = options.defaultNamespace;
        md.namespace = ns;
      } else {
        problems.push(`${where}: ${kind} '${name}' is namespaced but has no metadata.namespace: set one.`);
        continue;
      }
    }
    const ref: ObjectRef = { apiVersion, kind, name, ...(ns !== undefined ? { namespace: ns } : {}) };
    const key = identityKey(ref);
    const first = seen.get(key);
    if (first) {
      problems.push(`${where}: ${kind} '${ns ? `${ns}/` : ''}${name}' is a duplicate (first defined in ${first}).`);
      continue;
    }
    seen.set(key, where);
    out.push({ ref, object: o as Manifest['object'], source: where, scope });
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return out;
}

function checkStringMap(value: unknown, what: string, labels: boolean, problems: string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${what} is not a mapping of strings.`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      problems.push(`${what}['${k}'] is ${JSON.stringify(v)}: values must be strings (quote them).`);
      continue;
    }
    if (labels) {
      if (!QUALIFIED_NAME.test(k) || k.length > 317) problems.push(`${what} key '${k}' is not a valid label key.`);
      if (v.length > 63 || !LABEL_VALUE.test(v)) {
        problems.push(`${what}['${k}'] = '${v}' is not a valid label value (at most 63 alphanumerics, '-', '_', '.').`);
      }
    }
  }
}
