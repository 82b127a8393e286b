/**
 * Trivy's JSON report (schema version 2) → the shared Finding schema.
 * Only the fields used here are typed; the report file itself is kept whole.
 */
import { type Finding, dedupeFindings, normalizeSeverity } from './findings.js';

export interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  PrimaryURL?: string;
}

export interface TrivyResult {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: TrivyVulnerability[] | null;
}

export interface TrivyReport {
  SchemaVersion: number;
  ArtifactName?: string;
  ArtifactType?: string;
  Results?: TrivyResult[] | null;
}

/** Checks the shape enough to trust it; throws a one-line Error naming what is off. */
export function asTrivyReport(value: unknown): TrivyReport {
  if (typeof value !== 'object' || value === null) throw new Error('Trivy report is not a JSON object');
  const r = value as Partial<TrivyReport>;
  if (r.SchemaVersion !== 2) throw new Error(`Trivy report has SchemaVersion ${String(r.SchemaVersion)}: expected 2`);
  if (r.Results !== undefined && r.Results !== null && !Array.isArray(r.Results)) {
    throw new Error('Trivy report Results is not a list');
  }
  return r as TrivyReport;
}

export function findingsFromTrivy(report: TrivyReport): Finding[] {
  const out: Finding[] = [];
  for (const result of report.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const finding: Finding = {
        id: v.VulnerabilityID,
        severity: normalizeSeverity(v.Severity),
        package: v.PkgName,
        installedVersion: v.InstalledVersion ?? '',
        source: 'trivy',
        target: result.Target,
      };
      // Trivy may list several fixed versions ("1.2.4, 2.0.1"); keep its text.
      if (v.FixedVersion) finding.fixedVersion = v.FixedVersion;
      if (v.Title) finding.title = v.Title;
      if (v.PrimaryURL) finding.url = v.PrimaryURL;
      out.push(finding);
    }
  }
  return dedupeFindings(out);
}
