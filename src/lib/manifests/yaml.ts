/**
 * Parsing manifest YAML safely. js-yaml keeps aliases as shared references, so an "alias bomb"
 * (billion laughs) parses quickly into a small graph that explodes only when walked or
 * serialised. We therefore measure the size each document would have once every alias is
 * expanded (memoised per node, so the measurement itself stays cheap) and refuse documents over
 * the limit, then deep-copy the survivors so no two places share an object.
 */
import yaml from 'js-yaml';

export interface YamlLimits {
  /** Maximum nodes of one document after alias expansion. */
  maxNodes: number;
  /** Maximum alias references (`*name`) in one file. */
  maxAliases: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxNodes: 200_000, maxAliases: 100 };

export class YamlProblem extends Error {}

/** Parses every document of a YAML stream; throws YamlProblem with a one-line reason. */
export function parseDocuments(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): unknown[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, {
      schema: yaml.CORE_SCHEMA,
      json: false,
    });
  } catch (error) {
    const e = error as { reason?: string; mark?: { line: number; column: number }; message: string };
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw new YamlProblem(`malformed YAML${where}: ${e.reason ?? e.message.split('\n', 1)[0]}`);
  }
  const aliases = countAliasTokens(text);
  if (aliases > limits.maxAliases) {
    throw new YamlProblem(`too many YAML aliases (${aliases}, at most ${limits.maxAliases} allowed)`);
  }
  return docs.map((doc, i) => {
    const size = expandedSize(doc, new Map(), new Set());
    if (size > limits.maxNodes) {
      throw new YamlProblem(
        `document ${i + 1} expands to ${size > 1e15 ? 'more than 10^15' : size} nodes once aliases are resolved ` +
          `(at most ${limits.maxNodes}) (an alias bomb)`,
      );
    }
    return deepCopy(doc);
  });
}

/** Counts `*alias` tokens outside quoted scalars and comments (good enough for a limit). */
function countAliasTokens(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) {
    const stripped = line.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '""').replace(/(^|\s)#.*$/, '');
    const matches = stripped.match(/(^|[\s[{,:-])\*[^\s,\][{]+/g);
    if (matches) count += matches.length;
  }
  return count;
}

function expandedSize(node: unknown, memo: Map<object, number>, active: Set<object>): number {
  if (node === null || typeof node !== 'object') return 1;
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  if (active.has(node)) throw new YamlProblem('recursive YAML alias');
  active.add(node);
  let total = 1;
  const children = Array.isArray(node) ? node : Object.values(node);
  for (const child of children) {
    total += expandedSize(child, memo, active);
    if (total > Number.MAX_SAFE_INTEGER) break;
  }
  active.delete(node);
  memo.set(node, total);
  return total;
}

function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString() as unknown as T;
  if (Array.isArray(value)) return value.map(deepCopy) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
  return out as T;
}

/** Dumps objects as a multi-document YAML stream. */
export function dumpDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => yaml.dump(o, { noRefs: true, lineWidth: -1, sortKeys: false })).join('---\n');
}
