/**
 * The gate: separate from the report. A report lists every finding; the policy decides which of
 * them block (severity threshold, optionally fixable only) and which are accepted by an ignore
 * entry (each with a reason and an expiry date). An expired entry no longer accepts anything, and
 * the gate fails naming it.
 */
import { ConfigurationError } from '../runtime/errors.js';
import {
  type Finding,
  type Severity,
  type SeverityCounts,
  SEVERITIES,
  countBySeverity,
  describeFinding,
  isSeverity,
  sortFindings,
} from './findings.js';

export interface IgnoreEntry {
  /** Advisory id to accept (matched case-insensitively). */
  id: string;
  /** Only accept it on this package (any package when absent). */
  package?: string;
  /** Why it is accepted; required. */
  reason: string;
  /** Last day the entry applies, `YYYY-MM-DD` (UTC, inclusive). */
  expires: string;
}

export interface ScanPolicy {
  /** Severities that fail the gate. Default HIGH and CRITICAL. */
  failOn: Severity[];
  /** Only findings with a published fix block the gate. */
  fixableOnly: boolean;
  ignores: IgnoreEntry[];
}

export const DEFAULT_FAIL_ON: readonly Severity[] = ['HIGH', 'CRITICAL'];

export function defaultPolicy(overrides: Partial<ScanPolicy> = {}): ScanPolicy {
  return { failOn: [...DEFAULT_FAIL_ON], fixableOnly: false, ignores: [], ...overrides };
}

export interface IgnoredFinding {
  finding: Finding;
  entry: IgnoreEntry;
}

export interface ExpiredIgnore {
  entry: IgnoreEntry;
  /** Findings the entry would have accepted, had it not expired (these are in `blocking` when at threshold). */
  findings: Finding[];
}

export interface PolicyResult {
  /** Findings at a failing severity, not accepted (sorted, most severe first). */
  blocking: Finding[];
  /** Findings accepted by a live ignore entry. */
  ignored: IgnoredFinding[];
  /** Expired entries that matched at least one finding at a failing severity: they fail the gate. */
  expiredIgnores: ExpiredIgnore[];
  /** Entries (live or expired) that matched nothing: worth removing, never failing. */
  unusedIgnores: IgnoreEntry[];
  /** Findings at a failing severity left out because they have no fix (fixableOnly). */
  unfixable: Finding[];
  /** All findings by severity, before ignores. */
  counts: SeverityCounts;
  passed: boolean;
}

/** First instant after an entry's expiry day (UTC): the entry applies while now < this. */
export function expiryInstant(expires: string): Date {
  const d = parseIsoDate(expires);
  if (!d) throw new ConfigurationError(`Ignore entry expiry '${expires}' is not a date: expected YYYY-MM-DD.`);
  return new Date(d.getTime() + 86_400_000);
}

export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  return now.getTime() >= expiryInstant(entry.expires).getTime();
}

export function matches(entry: IgnoreEntry, finding: Finding): boolean {
  if (entry.id.toUpperCase() !== finding.id.toUpperCase()) return false;
  return entry.package === undefined || entry.package === finding.package;
}

export function evaluate(findings: readonly Finding[], policy: ScanPolicy, now: Date): PolicyResult {
  const failOn = new Set(policy.failOn);
  const blocking: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  const unfixable: Finding[] = [];
  const used = new Set<IgnoreEntry>();
  const expiredHits = new Map<IgnoreEntry, Finding[]>();

  for (const finding of findings) {
    const candidates = policy.ignores.filter((e) => matches(e, finding));
    candidates.forEach((e) => used.add(e));
    const live = candidates.find((e) => !isExpired(e, now));
    if (live) {
      ignored.push({ finding, entry: live });
      continue;
    }
    const atThreshold = failOn.has(finding.severity);
    for (const e of candidates) {
      if (atThreshold) expiredHits.set(e, [...(expiredHits.get(e) ?? []), finding]);
    }
    if (!atThreshold) continue;
    if (policy.fixableOnly && !finding.fixedVersion) {
      unfixable.push(finding);
      continue;
    }
    blocking.push(finding);
  }

  const expiredIgnores = [...expiredHits].map(([entry, hits]) => ({ entry, findings: sortFindings(hits) }));
  return {
    blocking: sortFindings(blocking),
    ignored,
    expiredIgnores,
    unusedIgnores: policy.ignores.filter((e) => !used.has(e)),
    unfixable: sortFindings(unfixable),
    counts: countBySeverity(findings),
    passed: blocking.length === 0 && expiredIgnores.length === 0,
  };
}

/**
 * The gate's verdict as one message (for GateFailure): names the expired ignore entries and the
 * first blocking findings. Empty string when the gate passed.
 */
export function failureMessage(result: PolicyResult, policy: ScanPolicy, max = 10): string {
  if (result.passed) return '';
  const parts: string[] = [];
  if (result.expiredIgnores.length > 0) {
    const names = result.expiredIgnores.map(
      ({ entry }) => `${entry.id}${entry.package ? ` (${entry.package})` : ''} expired ${entry.expires}`,
    );
    parts.push(`expired ignore ${result.expiredIgnores.length === 1 ? 'entry' : 'entries'}: ${names.join('; ')}`);
  }
  if (result.blocking.length > 0) {
    const shown = result.blocking.slice(0, max).map(describeFinding);
    const more = result.blocking.length > max ? `; and ${result.blocking.length - max} more` : '';
    parts.push(
      `${result.blocking.length} finding(s) at ${policy.failOn.join('/')}${policy.fixableOnly ? ' with a fix' : ''}: ${shown.join('; ')}${more}`,
    );
  }
  return `Vulnerability gate failed: ${parts.join('. ')}.`;
}

/** Parses a severity list input (`HIGH,CRITICAL`), naming the input on error. */
export function parseSeverities(input: string, values: readonly string[]): Severity[] {
  const out: Severity[] = [];
  for (const raw of values) {
    const v = raw.trim().toUpperCase();
    if (!isSeverity(v)) throw ConfigurationError.forInput(input, raw, `severities from ${SEVERITIES.join(', ')}`);
    if (!out.includes(v)) out.push(v);
  }
  if (out.length === 0)
    throw ConfigurationError.forInput(input, values.join(','), `at least one of ${SEVERITIES.join(', ')}`);
  return out;
}

/** A strict calendar date `YYYY-MM-DD` at midnight UTC, or undefined. */
export function parseIsoDate(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    return undefined;
  }
  return d;
}
