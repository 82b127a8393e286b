/**
 * The ignore file: findings the team accepts, each with a reason and an expiry date.
 *
 * ```yaml
 * ignores:
 *   - id: CVE-2024-12345          # advisory id (CVE, GHSA…), required
 *     package: openssl            # optional: only on this package
 *     reason: not reachable, we never parse untrusted certificates   # required
 *     expires: 2026-03-31         # required, YYYY-MM-DD, last day it applies (UTC)
 * ```
 */
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import { type IgnoreEntry, parseIsoDate } from './policy.js';

const KEYS = new Set(['id', 'package', 'reason', 'expires']);
const ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Parses the ignore file's text; `where` names it in messages (e.g. "ignore-file 'x.yaml'").
 * Every problem in the file is reported at once.
 */
export function parseIgnoreFile(text: string, where: string): IgnoreEntry[] {
  let doc: unknown;
  try {
    // JSON_SCHEMA: dates stay strings (no implicit timestamps), no custom tags.
    doc = yaml.load(text, { schema: yaml.JSON_SCHEMA, filename: where });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
    throw new ConfigurationError(`${where} is not valid YAML: ${reason}.`);
  }
  if (doc === undefined || doc === null) return [];
  if (!Array.isArray(doc) && !isRecord(doc)) {
    throw new ConfigurationError(
      `${where} is a single ${typeof doc} ('${String(doc).slice(0, 40)}'), not a list of accepted findings: expected 'ignores:' followed by entries with id, reason and expires.`,
    );
  }
  const list = Array.isArray(doc) ? doc : isRecord(doc) ? doc.ignores : undefined;
  if (isRecord(doc) && Object.keys(doc).some((k) => k !== 'ignores')) {
    const extra = Object.keys(doc).filter((k) => k !== 'ignores');
    throw new ConfigurationError(`${where} has unknown top-level key(s) ${extra.join(', ')}: expected only 'ignores'.`);
  }
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new ConfigurationError(`${where}: 'ignores' must be a list of entries with id, reason and expires.`);
  }
  const problems: string[] = [];
  const entries: IgnoreEntry[] = [];
  list.forEach((item: unknown, i: number) => {
    const at = `${where} entry ${i + 1}`;
    if (!isRecord(item)) {
      problems.push(`${at} is '${String(item)}': expected a mapping with id, reason and expires.`);
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(item)) {
      if (!KEYS.has(key)) problems.push(`${at} has unknown key '${key}': expected id, package, reason, expires.`);
    }
    const id = str(item.id);
    const pkg = item.package === undefined ? undefined : str(item.package);
    const reason = str(item.reason);
    const expires = item.expires === undefined ? '' : String(item.expires).trim();
    if (!id || !ID.test(id))
      problems.push(
        `${at} has id '${id ?? String(item.id)}': expected an advisory id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx.`,
      );
    if (item.package !== undefined && !pkg)
      problems.push(`${at} (${id}) has an empty package: expected a package name or no package key.`);
    if (!reason) problems.push(`${at} (${id}) has no reason: every accepted finding needs one.`);
    if (!expires) problems.push(`${at} (${id}) has no expires: expected a date YYYY-MM-DD.`);
    else if (!parseIsoDate(expires))
      problems.push(`${at} (${id}) has expires '${expires}': expected a date YYYY-MM-DD.`);
    if (problems.length === before && id && reason) {
      entries.push(pkg ? { id, package: pkg, reason, expires } : { id, reason, expires });
    }
  });
  if (problems.length > 0) throw new ConfigurationErrors(problems);
  return entries;
}

/** Reads and parses the ignore file named by an input; a missing file is the user's mistake. */
export async function loadIgnoreFile(path: string, input: string): Promise<IgnoreEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw ConfigurationError.forInput(input, path, `a readable YAML ignore file (${code ?? 'unreadable'})`);
  }
  return parseIgnoreFile(text, `${input} '${path}'`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}
