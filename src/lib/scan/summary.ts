/** The scan's job summary: a pure function from the gate's result to Markdown. */
import { cell, code } from '../report/markdown.js';
import { type Finding, SEVERITIES, sortFindings } from './findings.js';
import type { PolicyResult, ScanPolicy } from './policy.js';

export interface ScanSummaryInput {
  /** What was scanned (an image reference or id). */
  subject: string;
  result: PolicyResult;
  policy: ScanPolicy;
  /** Rows in the top-findings table. */
  top?: number;
  /** Files written (report, SARIF, SBOM), shown by name. */
  files?: Record<string, string>;
  /** Scanner and DB facts worth a line (e.g. "trivy 0.74.0, DB 2026-11-25"). */
  scanner?: string;
  /** Every finding: when given and nothing blocks, the most severe non-ignored ones are listed too. */
  findings?: readonly Finding[];
}

export function scanSummaryMarkdown(input: ScanSummaryInput): string {
  const { result, policy } = input;
  const top = input.top ?? 10;
  const lines: string[] = [];
  const verdict = result.passed ? '✅ passed' : '❌ failed';
  lines.push(`### Vulnerability scan: ${verdict}`);
  lines.push('');
  lines.push(
    `Image \`${code(input.subject)}\` · gate on ${policy.failOn.join(', ')}${policy.fixableOnly ? ' (fixable only)' : ''}` +
      (input.scanner ? ` · ${cell(input.scanner)}` : ''),
  );
  lines.push('');
  const sev = [...SEVERITIES].reverse();
  lines.push(`| ${sev.join(' | ')} | Blocking | Ignored |`);
  lines.push(`|${' ---: |'.repeat(sev.length + 2)}`);
  lines.push(
    `| ${sev.map((s) => result.counts[s]).join(' | ')} | ${result.blocking.length} | ${result.ignored.length} |`,
  );
  lines.push('');

  if (result.expiredIgnores.length > 0) {
    lines.push('**Expired ignore entries** (renew with a new date and reason, or fix):');
    lines.push('');
    for (const { entry, findings } of result.expiredIgnores) {
      lines.push(
        `- \`${code(entry.id)}\`${entry.package ? ` on \`${code(entry.package)}\`` : ''} expired ${entry.expires} (${findings.length} finding(s)); reason was: ${cell(entry.reason)}`,
      );
    }
    lines.push('');
  }

  const shown = result.blocking.slice(0, top);
  if (shown.length > 0) {
    lines.push(`**Blocking findings** (${shown.length} of ${result.blocking.length}):`);
    lines.push('');
    lines.push(table(shown));
    lines.push('');
  } else if (result.passed) {
    lines.push('No finding at a blocking severity.');
    lines.push('');
    const accepted = new Set(result.ignored.map((i) => i.finding));
    const rest = sortFindings((input.findings ?? []).filter((f) => !accepted.has(f)));
    if (rest.length > 0) {
      lines.push(`Top findings below the gate (${Math.min(top, rest.length)} of ${rest.length}):`);
      lines.push('');
      lines.push(table(rest.slice(0, top)));
      lines.push('');
    }
  }

  if (result.ignored.length > 0) {
    lines.push(`<details><summary>Ignored findings (${result.ignored.length})</summary>`);
    lines.push('');
    lines.push('| Id | Package | Reason | Expires |');
    lines.push('| --- | --- | --- | --- |');
    for (const { finding, entry } of result.ignored.slice(0, 50)) {
      lines.push(`| ${cell(finding.id)} | ${cell(finding.package)} | ${cell(entry.reason)} | ${entry.expires} |`);
    }
    lines.push('');
    lines.push('</details>');
    lines.push('');
  }
  if (result.unusedIgnores.length > 0) {
    lines.push(
      `Unused ignore entries (safe to remove): ${result.unusedIgnores.map((e) => `\`${code(e.id)}\``).join(', ')}`,
    );
    lines.push('');
  }
  if (input.files && Object.keys(input.files).length > 0) {
    lines.push(
      `Files: ${Object.entries(input.files)
        .map(([k, v]) => `${k} \`${code(v)}\``)
        .join(' · ')}`,
    );
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}

function table(findings: readonly Finding[]): string {
  const rows = ['| Severity | Id | Package | Installed | Fixed in | Title |', '| --- | --- | --- | --- | --- | --- |'];
  for (const f of findings) {
    const id = f.url ? `[${cell(f.id)}](${encodeURI(f.url)})` : cell(f.id);
    rows.push(
      `| ${f.severity} | ${id} | ${cell(f.package)} | ${cell(f.installedVersion)} | ${f.fixedVersion ? cell(f.fixedVersion) : '—'} | ${cell(truncate(f.title ?? '', 80))} |`,
    );
  }
  return rows.join('\n');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
