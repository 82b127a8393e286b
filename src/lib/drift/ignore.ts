/**
 * Ignore rules for drift-check, from a YAML file in the consuming repository:
 *
 *   rules:
 *     - kind: Deployment            # globs (* and ?), each optional (default *)
 *       namespace: dagster
 *       name: dagster-*
 *       paths: [/spec/template/metadata/annotations]   # JSON pointers; none = the whole object
 *       reason: the sidecar injector owns this         # required
 *       expires: 2026-12-31                            # required, a date; past it the run errors
 *
 * A rule whose pointers name a field excludes differences at that field or below it; without
 * pointers the whole object is `excluded`. An expired rule is an error; a rule that matched no
 * checked object is reported as unused.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import type { ObjectRef } from '../objects/types.js';

export interface IgnoreRule {
  /** 1-based position in the file, for messages. */
  index: number;
  kind: string;
  namespace: string;
  name: string;
  paths: string[];
  reason: string;
  /** YYYY-MM-DD; the rule holds through that day (UTC). */
  expires: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Parses the ignore file; every problem at once, naming the input, the rule and the field. */
export function loadIgnoreRules(file: string, shown: string, input = 'ignore-file'): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw ConfigurationError.forInput(input, shown, 'a readable YAML file of ignore rules');
  }
  return parseIgnoreRules(text, shown);
}

export function parseIgnoreRules(text: string, shown: string): IgnoreRule[] {
  let doc: unknown;
  try {
    doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw new ConfigurationError(`${shown}: not valid YAML (${(error as Error).message.split('\n')[0]}).`);
  }
  if (doc === undefined || doc === null) return [];
  const rules = (doc as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw new ConfigurationError(`${shown}: expected a top-level 'rules:' list.`);
  const problems: string[] = [];
  const out: IgnoreRule[] = [];
  rules.forEach((r: unknown, i) => {
    const where = `${shown}: rule ${i + 1}`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      problems.push(`${where}: expected a mapping with kind/namespace/name, paths, reason and expires.`);
      return;
    }
    const o = r as Record<string, unknown>;
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
    const unknown = Object.keys(o).filter(
      (k) => !['kind', 'namespace', 'name', 'paths', 'reason', 'expires'].includes(k),
    );
    if (unknown.length) problems.push(`${where}: unknown field(s) ${unknown.join(', ')}.`);
    const reason = str('reason')?.trim();
    if (!reason) problems.push(`${where}: 'reason' is required: say why the difference is accepted.`);
    const expires = str('expires');
    if (!expires || !DATE.test(expires) || Number.isNaN(Date.parse(`${expires}T00:00:00Z`)))
      problems.push(
        `${where}: 'expires' is required as a date YYYY-MM-DD (quote it), got ${JSON.stringify(o.expires ?? null)}.`,
      );
    const paths = o.paths === undefined ? [] : o.paths;
    if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || !p.startsWith('/')))
      problems.push(`${where}: 'paths' must be a list of JSON pointers such as /spec/replicas.`);
    out.push({
      index: i + 1,
      kind: str('kind') ?? '*',
      namespace: str('namespace') ?? '*',
      name: str('name') ?? '*',
      paths: Array.isArray(paths) ? (paths as string[]) : [],
      reason: reason ?? '',
      expires: expires ?? '',
    });
  });
  if (problems.length) throw new ConfigurationErrors(problems);
  return out;
}

/** True once the rule's last day (UTC) is over. */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return now.getTime() >= Date.parse(`${rule.expires}T00:00:00Z`) + 86_400_000;
}

export function ruleMatches(rule: IgnoreRule, ref: ObjectRef): boolean {
  return (
    glob(rule.kind).test(ref.kind) && glob(rule.namespace).test(ref.namespace ?? '') && glob(rule.name).test(ref.name)
  );
}

/** True when `pointer` is `rulePath` or below it. */
export function pointerCovered(rulePath: string, pointer: string): boolean {
  const r = rulePath.replace(/\/+$/, '');
  return pointer === r || pointer.startsWith(`${r}/`) || r === '';
}

export function describeRule(rule: IgnoreRule): string {
  return `rule ${rule.index} (${rule.kind} ${rule.namespace}/${rule.name}${rule.paths.length ? ` ${rule.paths.join(', ')}` : ''})`;
}
