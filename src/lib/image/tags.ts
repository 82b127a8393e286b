/**
 * Tags: the explicit ones plus rules derived from git —
 *   sha     `sha-<7 hex>` always (when the sha is known)
 *   branch  the branch name as a tag-safe slug, on branch refs
 *   semver  on a `v1.2.3` / `1.2.3` tag: `1.2.3`, `1.2`, `1` (only `1.2.3-rc.1` for pre-releases;
 *           no bare `0` for 0.x versions)
 *   pr      `pr-<n>` on pull-request refs
 *   latest  only when the ref is the default branch
 */
import semver from 'semver';
import { ConfigurationError } from '../runtime/errors.js';
import type { GitFacts } from './git.js';
import { isValidTag } from './reference.js';

export const TAG_RULES = ['sha', 'branch', 'semver', 'pr', 'latest'] as const;
export type TagRule = (typeof TAG_RULES)[number];

export interface DerivedTags {
  tags: string[];
  /** The version the image carries (semver tag's version, else branch slug, else short sha). */
  version?: string;
}

export function parseTagRules(input: string, values: readonly string[]): TagRule[] {
  const out: TagRule[] = [];
  for (const raw of values) {
    const v = raw.trim().toLowerCase();
    if (v === 'none') continue;
    if (!(TAG_RULES as readonly string[]).includes(v)) {
      throw ConfigurationError.forInput(input, raw, `tag rules from ${TAG_RULES.join(', ')} (or none)`);
    }
    if (!out.includes(v as TagRule)) out.push(v as TagRule);
  }
  return out;
}

/** A branch (or any name) as a docker tag: lower-case, [a-z0-9._-], no leading . or -, ≤128. */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/[.-]+$/, '');
  return slug;
}

export function shortSha(sha: string): string | undefined {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : undefined;
}

export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

export function tagOf(ref: string): string | undefined {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

export function pullOf(ref: string): string | undefined {
  return /^refs\/pull\/(\d+)\//.exec(ref)?.[1];
}

export function deriveTags(facts: GitFacts, rules: readonly TagRule[]): DerivedTags {
  const tags: string[] = [];
  const add = (t: string | undefined): void => {
    if (t && isValidTag(t) && !tags.includes(t)) tags.push(t);
  };
  const sha = shortSha(facts.sha);
  const branch = branchOf(facts.ref);
  const gitTag = tagOf(facts.ref);
  const version = gitTag ? semver.parse(semver.clean(gitTag, { loose: false }) ?? '') : null;
  const want = new Set(rules);

  if (want.has('semver') && version) {
    add(version.version);
    if (version.prerelease.length === 0) {
      add(`${version.major}.${version.minor}`);
      if (version.major > 0) add(String(version.major));
    }
  }
  if (want.has('branch') && branch) add(slugify(branch));
  if (want.has('pr')) {
    const pr = pullOf(facts.ref);
    if (pr) add(`pr-${pr}`);
  }
  if (want.has('sha') && sha) add(`sha-${sha}`);
  if (want.has('latest') && branch && facts.defaultBranch && branch === facts.defaultBranch) add('latest');

  const derivedVersion = version?.version ?? (branch ? slugify(branch) || undefined : undefined) ?? sha;
  return derivedVersion ? { tags, version: derivedVersion } : { tags };
}
