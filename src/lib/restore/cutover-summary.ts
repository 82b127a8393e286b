/** The cutover's job summary (pure Markdown from the report) and its JSON report file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { code, details, fenced, heading, icon, table } from '../report/markdown.js';
import { formatDuration } from '../runtime/inputs.js';
import type { CutoverReport } from './cutover.js';

const where = (r: { kind: string; namespace?: string; name: string }): string =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

export function cutoverHeadline(report: CutoverReport): string {
  const env = report.environment;
  switch (report.result) {
    case 'planned':
      return `Dry run of the cutover of ${env}: nothing written. Set input 'confirm' to '${env}' to repoint the platform.`;
    case 'cut-over':
      return `Cutover of ${env} done: settings applied, ${report.restart.length} workload(s) restarted, rolled out and healthy.`;
    case 'rolled-back':
      return `Cutover of ${env} rolled back: ${report.error ?? ''}`;
    case 'refused':
      return `Cutover of ${env} refused before any write: ${report.error ?? ''}`;
    case 'failed':
      return `Cutover of ${env} failed: ${report.error ?? ''}`;
  }
}

export function cutoverSummary(report: CutoverReport): string {
  const ok = report.result === 'planned' || report.result === 'cut-over';
  const out: string[] = [
    heading(`${icon(ok)} phlo-deploy cutover — ${report.environment}`, 2),
    '',
    cutoverHeadline(report).split('\n')[0]!,
    '',
  ];
  if (report.error?.includes('\n')) out.push(fenced(report.error), '');
  out.push(
    table(
      ['', ''],
      [
        ['started by', report.actor ?? 'unknown'],
        ['mode', report.mode === 'dry-run' ? 'dry run (writes nothing)' : 'cutover (confirmed)'],
        ['result', report.result],
        ...Object.entries(report.durations).map(([k, v]) => [`${k} took`, formatDuration(v)]),
        ...(report.runUrl ? [['run', report.runUrl]] : []),
      ],
    ),
    '',
  );
  const settings: string[][] = [
    ...Object.entries(report.variables).map(([k, v]) => ['variable', code(k), code(v)]),
    ...(report.secret?.keys ?? []).map((k) => [
      `Secret ${report.secret!.namespace}/${report.secret!.name}`,
      code(k),
      report.secret!.newKeys.includes(k) ? '(new key; value masked)' : '(value masked)',
    ]),
  ];
  if (settings.length)
    out.push(heading('New connection settings', 3), '', table(['where', 'name', 'value'], settings), '');
  if (report.objects.length)
    out.push(
      heading(report.mode === 'dry-run' ? 'Objects to apply' : 'Objects applied', 3),
      '',
      table(
        ['object', report.mode === 'dry-run' ? 'would be' : 'was'],
        report.objects.map((o) => [where(o), o.action]),
      ),
      '',
    );
  if (report.diffs.length)
    out.push(details(`diffs (${report.diffs.length})`, fenced(report.diffs.join('\n'), 'diff')), '');
  if (report.restart.length)
    out.push(
      heading(report.mode === 'dry-run' ? 'Workloads to restart' : 'Workloads restarted', 3),
      '',
      ...report.restart.map((r) => `- ${code(where(r))}`),
      '',
    );
  if (report.gate)
    out.push(
      `${icon(report.gate.verdict === 'success')} rollout gate: ${report.gate.verdict}` +
        (report.gate.verdict === 'success'
          ? ''
          : ` (${report.gate.workloads
              .filter((w) => w.state !== 'ready')
              .map((w) => `${where(w)}: ${w.reason ?? w.state}`)
              .join('; ')})`),
      '',
    );
  if (report.health)
    out.push(
      `${icon(report.health.healthy)} health gate: ${report.health.healthy ? 'healthy' : (report.health.reason ?? 'unhealthy')}`,
      '',
    );
  if (report.rollback)
    out.push(
      heading(`${icon(report.rollback.healthy)} Rollback`, 3),
      '',
      ...(report.rollback.objects ? [`- settings: ${report.rollback.objects}`] : []),
      ...report.rollback.workloads.map((w) => `- ${code(where(w))}: ${w.outcome}${w.message ? ` (${w.message})` : ''}`),
      ...(report.rollback.verdict ? [`- rollout gate of the rollback: ${report.rollback.verdict}`] : []),
      '',
    );
  if (report.result === 'cut-over')
    out.push(
      `The repository still renders the old settings: change them in \`k8s/environments/${report.environment}/settings.yaml\` ` +
        "(and the deploy's secrets) before the next deploy, which would otherwise switch back; until then drift-check reports the changed objects.",
      '',
    );
  return out.join('\n');
}

export function writeCutoverReport(report: CutoverReport, file: string): string {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  return abs;
}
