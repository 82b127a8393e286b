/**
 * One schema for vulnerability findings, whatever scanner found them (Trivy locally, ECR's own
 * scan after a push), so that one policy gate and one summary serve both.
 */

/** Severities from least to most severe; the order is the rank. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type FindingSource = 'trivy' | 'ecr';

export interface Finding {
  /** Advisory id: CVE-…, GHSA-…, DSA-… */
  id: string;
  severity: Severity;
  /** Package name as the scanner reports it (dpkg name, npm name, Python dist name…). */
  package: string;
  installedVersion: string;
  /** First version that fixes it; absent when no fix is published. */
  fixedVersion?: string;
  title?: string;
  source: FindingSource;
  /** What was scanned: an OS (`debian 12.5`), a lock file or a package directory. */
  target?: string;
  /** A link to the advisory, when the scanner gives one. */
  url?: string;
}

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = emptyCounts();
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Maps any scanner's severity word onto the shared scale. ECR says INFORMATIONAL, UNDEFINED and
 * UNTRIAGED where Trivy says LOW/UNKNOWN; anything unrecognised is UNKNOWN (never dropped).
 */
export function normalizeSeverity(value: string | undefined | null): Severity {
  const v = (value ?? '').trim().toUpperCase();
  if (isSeverity(v)) return v;
  if (v === 'INFORMATIONAL' || v === 'NEGLIGIBLE') return 'LOW';
  return 'UNKNOWN';
}

/** Most severe first, then fixable before unfixable, then by id and package (a stable order). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Number(Boolean(b.fixedVersion)) - Number(Boolean(a.fixedVersion)) ||
    a.id.localeCompare(b.id) ||
    a.package.localeCompare(b.package) ||
    a.installedVersion.localeCompare(b.installedVersion)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Identity of a finding: the same advisory on the same package version in the same target. */
export function findingKey(f: Finding): string {
  return [f.id, f.package, f.installedVersion, f.target ?? ''].join('\u0000');
}

/** Drops exact duplicates (Trivy reports one advisory per target; ECR may repeat across pages). */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(findingKey(f))) seen.set(findingKey(f), f);
  return [...seen.values()];
}

/** `CVE-2024-1 openssl 3.0.1 → 3.0.2 (HIGH)` — one line for logs and messages. */
export function describeFinding(f: Finding): string {
  const fix = f.fixedVersion ? ` → ${f.fixedVersion}` : ' (no fix)';
  return `${f.id} ${f.package} ${f.installedVersion}${fix} (${f.severity})`;
}
