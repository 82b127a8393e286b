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
  /**
   * Maximum characters of one document after alias expansion (keys and scalars): a node budget alone
   * lets a few aliases of a long string grow a small file into tens of MB. Kubernetes stores at most
   * ~1.5 MiB per object, so 8 MiB leaves room for any real manifest.
   */
  maxChars: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxNodes: 200_000, maxAliases: 100, maxChars: 8 * 1024 * 1024 };

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
  // without a '*' there is no alias, so nothing is shared between nodes and nothing needs copying
  const aliases = text.includes('*') ? countAliasTokens(text) : 0;
  if (aliases > limits.maxAliases) {
    throw new YamlProblem(`too many YAML aliases (${aliases}, at most ${limits.maxAliases} allowed)`);
  }
  return docs.map((doc, i) => {
    const { nodes, chars } = expandedSize(doc, new Map(), new Set());
    if (nodes > limits.maxNodes) {
      throw new YamlProblem(
        `document ${i + 1} expands to ${nodes > 1e15 ? 'more than 10^15' : nodes} nodes once aliases are resolved ` +
          `(at most ${limits.maxNodes}) (an alias bomb)`,
      );
    }
    if (chars > limits.maxChars) {
      throw new YamlProblem(
        `document ${i + 1} expands to ${chars > 1e15 ? 'more than 10^15' : chars} characters once aliases are resolved ` +
          `(at most ${limits.maxChars}) (an alias bomb)`,
      );
    }
    return text.includes('*') ? deepCopy(doc) : doc;
  });
}

interface Size {
  nodes: number;
  chars: number;
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

function expandedSize(node: unknown, memo: Map<object, Size>, active: Set<object>): Size {
  if (node === null || typeof node !== 'object') return { nodes: 1, chars: String(node).length };
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  if (active.has(node)) throw new YamlProblem('recursive YAML alias');
  active.add(node);
  const total: Size = { nodes: 1, chars: 2 };
  const entries: [string | undefined, unknown][] = Array.isArray(node)
    ? node.map((v) => [undefined, v])
    : Object.entries(node);
  for (const [key, child] of entries) {
    const size = expandedSize(child, memo, active);
    total.nodes += size.nodes;
    total.chars += size.chars + (key?.length ?? 0);
    if (total.nodes > Number.MAX_SAFE_INTEGER || total.chars > Number.MAX_SAFE_INTEGER) break;
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
