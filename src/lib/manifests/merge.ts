/**
 * Overlay merge, "strategic-ish": mappings merge key by key, `null` in the overlay deletes a key,
 * lists are replaced, except lists of named items (containers, initContainers, volumes, env,
 * volumeMounts, ports) which merge item by item on `name` (new names are appended in overlay order).
 */
const NAMED_LISTS = new Set([
  'containers',
  'initContainers',
  'ephemeralContainers',
  'volumes',
  'env',
  'volumeMounts',
  'ports',
]);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge(base: unknown, patch: unknown, key?: string): unknown {
  if (patch === undefined) return base;
  if (isPlainObject(base) && isPlainObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = deepMerge(base[k], v, k);
    }
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(patch) &&
    key !== undefined &&
    NAMED_LISTS.has(key) &&
    allNamed(base) &&
    allNamed(patch)
  ) {
    const out = base.map((item) => ({ ...(item as Record<string, unknown>) })) as Array<Record<string, unknown>>;
    for (const item of patch as Array<Record<string, unknown>>) {
      const i = out.findIndex((b) => b.name === item.name);
      if (i >= 0) out[i] = deepMerge(out[i], item) as Record<string, unknown>;
      else out.push(item);
    }
    return out;
  }
  return patch as Json;
}

function allNamed(list: unknown[]): boolean {
  return list.every((i) => isPlainObject(i) && typeof i.name === 'string');
}
