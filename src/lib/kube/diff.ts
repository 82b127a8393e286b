/**
 * Comparing and diffing objects: live against what the server says apply would produce (the
 * dry-run result). Server-maintained fields are left out, Secret values are masked.
 */
import { createTwoFilesPatch } from 'diff';
import yaml from 'js-yaml';

const STRIP_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];

/** A copy without managedFields, resourceVersion, generation, uid, creationTimestamp and status. */
export function stripServerFields(object: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!object) return undefined;
  const out: Record<string, unknown> = { ...object };
  delete out.status;
  if (out.metadata && typeof out.metadata === 'object') {
    const md: Record<string, unknown> = { ...(out.metadata as Record<string, unknown>) };
    for (const k of STRIP_METADATA) delete md[k];
    out.metadata = md;
  }
  return out;
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const ob = b as Record<string, unknown>;
  return ka.every(
    (k) => Object.prototype.hasOwnProperty.call(ob, k) && jsonEqual((a as Record<string, unknown>)[k], ob[k]),
  );
}

/**
 * Masks Secret `data`/`stringData` values, and the values of a Secret's annotations (a Secret once
 * applied with `kubectl apply` carries its whole previous content, values included, in
 * `kubectl.kubernetes.io/last-applied-configuration`): equal values on both sides show as `***`,
 * differing ones as `*** (changed)` on the new side, so the diff says which keys change without
 * showing them.
 */
export function maskSecrets(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): [Record<string, unknown> | undefined, Record<string, unknown> | undefined] {
  const kind = (after ?? before)?.kind;
  if (kind !== 'Secret') return [before, after];
  const mask = (
    obj: Record<string, unknown> | undefined,
    other: Record<string, unknown> | undefined,
    isNew: boolean,
  ) => {
    if (!obj) return obj;
    const hide = (values: unknown, otherValues: unknown): Record<string, string> | undefined => {
      if (!values || typeof values !== 'object') return undefined;
      const theirs = (otherValues ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(values as Record<string, unknown>).map(([k, v]) => [
          k,
          isNew && other && theirs[k] !== v ? '*** (changed)' : '***',
        ]),
      );
    };
    const out: Record<string, unknown> = { ...obj };
    for (const field of ['data', 'stringData']) {
      const masked = hide(obj[field], other?.[field]);
      if (masked) out[field] = masked;
    }
    const metadata = obj.metadata as Record<string, unknown> | undefined;
    const annotations = hide(
      metadata?.annotations,
      (other?.metadata as Record<string, unknown> | undefined)?.annotations,
    );
    if (metadata && annotations) out.metadata = { ...metadata, annotations };
    return out;
  };
  return [mask(before, after, false), mask(after, before, true)];
}

function toYaml(obj: Record<string, unknown> | undefined): string {
  return obj ? yaml.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: true }) : '';
}

/** A unified diff of live → would-be (both stripped, Secrets masked); '' when equal. */
export function unifiedDiff(
  name: string,
  live: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
): string {
  const [a, b] = maskSecrets(stripServerFields(live), stripServerFields(next));
  const before = toYaml(a);
  const after = toYaml(b);
  if (before === after) return '';
  return createTwoFilesPatch(
    live ? `live/${name}` : '/dev/null',
    `applied/${name}`,
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
}
