/**
 * Server-side apply field sets (`metadata.managedFields[].fieldsV1`): which leaves a manager owns,
 * how to find each in an object, and who owns a leaf in the live object. The comparison of drift-check
 * is on these leaves only, so defaults, webhook mutations and controller writes never count.
 *
 * A fieldsV1 tree has keys `f:<field>`, `k:<json key of a list item>`, `v:<json value of a set
 * item>`, `i:<index>` and `.` (the node itself). A leaf is a node without children other than `.`.
 */
import crypto from 'node:crypto';

export type FieldsV1 = { [key: string]: FieldsV1 };

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  fieldsV1?: FieldsV1;
}

/** One owned leaf: its identity (the fieldsV1 keys joined) and the keys themselves. */
export interface Leaf {
  id: string;
  keys: string[];
}

/** The fieldsV1 tree `manager` owns in `object` (merged over its entries), without status. */
export function ownedTree(object: { metadata?: object } | undefined, manager: string): FieldsV1 {
  const out: FieldsV1 = {};
  const entries = ((object?.metadata as { managedFields?: unknown } | undefined)?.managedFields ??
    []) as ManagedFieldsEntry[];
  for (const e of entries) {
    if (e.manager !== manager || !e.fieldsV1 || (e.subresource && e.subresource !== '')) continue;
    mergeTree(out, e.fieldsV1);
  }
  delete out['f:status'];
  return out;
}

function mergeTree(into: FieldsV1, from: FieldsV1): void {
  for (const [k, v] of Object.entries(from)) {
    if (!into[k]) into[k] = {};
    mergeTree(into[k]!, v);
  }
}

/** The leaves of a tree, in tree order. */
export function leaves(tree: FieldsV1, prefix: string[] = []): Leaf[] {
  const out: Leaf[] = [];
  for (const [k, child] of Object.entries(tree)) {
    if (k === '.') continue;
    const keys = [...prefix, k];
    const children = Object.keys(child).filter((c) => c !== '.');
    if (children.length === 0) out.push({ id: keys.join('\u0000'), keys });
    else out.push(...leaves(child, keys));
  }
  return out;
}

/** Removes a leaf (and parents left empty) from a tree. */
export function removeLeaf(tree: FieldsV1, keys: readonly string[]): void {
  const [head, ...rest] = keys;
  if (head === undefined || !tree[head]) return;
  if (rest.length) {
    removeLeaf(tree[head]!, rest);
    if (Object.keys(tree[head]!).filter((c) => c !== '.').length) return;
  }
  delete tree[head];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function matchesKey(item: unknown, key: Record<string, unknown>): boolean {
  if (!isObject(item)) return false;
  return Object.entries(key).every(([k, v]) => jsonEqualLoose(item[k], v));
}

function jsonEqualLoose(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** An array index as a property key ('0' … '4294967294'): such keys come first in a JS object. */
const isIndexKey = (k: string): boolean => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
};

/**
 * JSON with object keys sorted (for hashing and equality that ignores key order). It is, character
 * for character, what `JSON.stringify` of a sorted copy (each object rebuilt with its keys sorted)
 * wrote before, without building the copy (the fingerprints hash this text for every listed object:
 * the copy was most of their cost). The same text matters: records written before carry hashes of it.
 * So: keys sorted, except that the copy, a plain object, put its array-index keys first in numeric
 * order; `undefined`, functions and symbols left out of objects and `null` in arrays; strings and
 * numbers as JSON.stringify writes them; `undefined` for `undefined` itself (JSON.stringify's answer).
 * test/unit/drift-record.test.ts holds it to the original on awkward values and on every object of k8s/.
 */
export function canonicalJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${canonicalJson(value[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const indices = keys.filter(isIndexKey);
  const ordered = indices.length
    ? [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndexKey(k))]
    : keys;
  let out = '{';
  let first = true;
  for (const k of ordered) {
    const v = canonicalJson(record[k]);
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${v}`;
    first = false;
  }
  return `${out}}`;
}

// crypto.hash (Node ≥ 20.12): the one-shot form, without a Hash object per call (the fingerprints hash
// hundreds of short texts)
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

// The JSON of `k:`/`v:` keys, parsed once: the same keys (containers by name, ports…) come back in
// every object's tree. Never mutated by a reader; bounded so a long process cannot grow it forever.
const parsedKeys = new Map<string, unknown>();
function parsedKey(json: string): unknown {
  let value = parsedKeys.get(json);
  if (value === undefined) {
    if (parsedKeys.size >= 10_000) parsedKeys.clear();
    value = JSON.parse(json) as unknown;
    parsedKeys.set(json, value);
  }
  return value;
}

/** One step down: the child of `node` named by a fieldsV1 key, and its index when in a list. */
function step(node: unknown, key: string): { value: unknown; index?: number } | undefined {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === 'f:') {
    if (!isObject(node) || !(rest in node)) return undefined;
    return { value: node[rest] };
  }
  if (!Array.isArray(node)) return undefined;
  if (kind === 'k:') {
    const want = parsedKey(rest) as Record<string, unknown>;
    const index = node.findIndex((item) => matchesKey(item, want));
    return index < 0 ? undefined : { value: node[index], index };
  }
  if (kind === 'v:') {
    const want = parsedKey(rest);
    const index = node.findIndex((item) => jsonEqualLoose(item, want));
    return index < 0 ? undefined : { value: node[index], index };
  }
  if (kind === 'i:') {
    const index = Number(rest);
    return index < node.length ? { value: node[index], index } : undefined;
  }
  return undefined;
}

/** The value at a leaf, or `undefined` when the object lacks it (or a parent of it). */
export function valueAt(object: unknown, keys: readonly string[]): unknown {
  let node: unknown = object;
  for (const k of keys) {
    const next = step(node, k);
    if (!next) return undefined;
    node = next.value;
  }
  return node;
}

/** True when the object has the leaf (a present `null` counts). */
export function hasLeaf(object: unknown, keys: readonly string[]): boolean {
  let node: unknown = object;
  for (const k of keys) {
    const next = step(node, k);
    if (!next) return false;
    node = next.value;
  }
  return true;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** An RFC 6901 JSON pointer to the leaf in `object` (list items by their index there). */
export function pointerOf(object: unknown, keys: readonly string[]): string {
  let node: unknown = object;
  const parts: string[] = [];
  for (const k of keys) {
    const next = step(node, k);
    if (k.startsWith('f:')) parts.push(escapePointer(k.slice(2)));
    else if (next?.index !== undefined) parts.push(String(next.index));
    else parts.push(escapePointer(k)); // not in this object: keep the key
    node = next?.value;
  }
  return `/${parts.join('/')}`;
}

/** A readable path: `spec.template.spec.containers[name=web].image`. */
export function displayPath(keys: readonly string[]): string {
  let out = '';
  for (const k of keys) {
    const rest = k.slice(2);
    if (k.startsWith('f:'))
      out += /^[A-Za-z_][\w-]*$/.test(rest) ? `${out ? '.' : ''}${rest}` : `[${JSON.stringify(rest)}]`;
    else if (k.startsWith('k:')) {
      const key = JSON.parse(rest) as Record<string, unknown>;
      out += `[${Object.entries(key)
        .map(([a, b]) => `${a}=${typeof b === 'string' ? b : JSON.stringify(b)}`)
        .join(',')}]`;
    } else if (k.startsWith('v:')) out += `[${rest}]`;
    else if (k.startsWith('i:')) out += `[${rest}]`;
  }
  return out;
}

/** Managers other than `except` that own the leaf (or a parent of it) in `object`, sorted. */
export function ownersOf(
  object: { metadata?: object } | undefined,
  keys: readonly string[],
  except: readonly string[],
): string[] {
  const owners = new Set<string>();
  for (const e of ((object?.metadata as { managedFields?: unknown } | undefined)?.managedFields ??
    []) as ManagedFieldsEntry[]) {
    if (!e.manager || except.includes(e.manager) || !e.fieldsV1) continue;
    if (e.subresource === 'status') continue;
    let node: FieldsV1 | undefined = e.fieldsV1;
    for (const k of keys) {
      node = node?.[k];
      if (!node) break;
    }
    if (node) owners.add(e.manager);
  }
  return [...owners].sort();
}

/**
 * A copy of `object` holding only the fields of `tree` (lists keep the items the tree names, in the
 * object's order). Used to show the owned part of both sides in a diff.
 */
export function project(object: unknown, tree: FieldsV1): unknown {
  if (Array.isArray(object)) {
    // each key of the tree names one item: find it once, then keep the items in the object's order
    const named = new Map<number, [string, FieldsV1]>();
    for (const [k, child] of Object.entries(tree)) {
      if (k === '.' || k.startsWith('f:')) continue;
      const index = step(object, k)?.index;
      if (index !== undefined && !named.has(index)) named.set(index, [k, child]);
    }
    const out: unknown[] = [];
    object.forEach((item, index) => {
      const hit = named.get(index);
      if (!hit) return;
      const [k, child] = hit;
      const hasChildren = Object.keys(child).some((c) => c !== '.');
      out.push(hasChildren ? withKeyFields(project(item, child), item, k) : item);
    });
    return out;
  }
  if (!isObject(object)) return object;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(tree)) {
    if (!k.startsWith('f:')) continue;
    const name = k.slice(2);
    if (!(name in object)) continue;
    const hasChildren = Object.keys(child).some((c) => c !== '.');
    out[name] = hasChildren ? project(object[name], child) : object[name];
  }
  return out;
}

/** A projected list item keeps its key fields, so a reader sees which item it is. */
function withKeyFields(projected: unknown, item: unknown, key: string): unknown {
  if (!key.startsWith('k:') || !isObject(projected) || !isObject(item)) return projected;
  const keyFields = Object.keys(JSON.parse(key.slice(2)) as Record<string, unknown>);
  return { ...Object.fromEntries(keyFields.map((f) => [f, item[f]])), ...projected };
}

/** The union of two trees (a copy). */
export function unionTree(a: FieldsV1, b: FieldsV1): FieldsV1 {
  const out: FieldsV1 = {};
  mergeTree(out, a);
  mergeTree(out, b);
  return out;
}
