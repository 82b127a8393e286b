/** The restore's job summary: pure Markdown from the report. */
import { code, details, heading, table } from '../report/markdown.js';
import { formatDuration } from '../runtime/inputs.js';
import type { RestoreReport } from './restore.js';
import { formatBytes } from './plan.js';

export function restoreHeadline(report: RestoreReport): string {
  const set = report.setId ? `set ${report.setId}` : 'no set';
  switch (report.result) {
    case 'planned':
      return `Dry run of the restore of ${set} into ${report.environment}: nothing written. Set input 'confirm' to '${report.environment}' to restore.`;
    case 'restored':
      return report.mode === 'drill'
        ? `Restore drill of ${report.environment} passed: last verified restore: ${report.drill?.lastVerifiedRestore ?? set}.`
        : `Restored ${set} into ${report.environment}, verified.`;
    case 'refused':
      return `Restore into ${report.environment} refused before any write: ${report.error ?? ''}`;
    case 'failed':
      return `${report.mode === 'drill' ? 'Restore drill' : 'Restore'} of ${set} into ${report.environment} failed: ${report.error ?? ''}`;
  }
}

export function restoreSummary(report: RestoreReport): string {
  const out: string[] = [
    heading(`phlo-deploy restore — ${report.environment}`, 2),
    '',
    restoreHeadline(report).split('\n')[0]!,
    '',
  ];
  if (report.error && report.error.includes('\n')) out.push('```', report.error, '```', '');
  out.push(
    table(
      ['', ''],
      [
        ['started by', report.actor ?? 'unknown'],
        [
          'mode',
          report.mode === 'dry-run'
            ? 'dry run (writes nothing)'
            : report.mode === 'drill'
              ? 'drill (throwaway targets, deleted afterwards)'
              : 'restore (confirmed)',
        ],
        ...(report.drill?.lastVerifiedRestore ? [['last verified restore', report.drill.lastVerifiedRestore]] : []),
        ['result', report.result],
        ['set', report.setId ?? '-'],
        ...Object.entries(report.durations).map(([k, v]) => [`${k} took`, formatDuration(v)]),
        ...(report.runUrl ? [['run', report.runUrl]] : []),
      ],
    ),
    '',
  );
  const plan = report.plan;
  if (plan) {
    out.push(heading('Plan', 3), '');
    out.push(
      `${plan.counts.objects} objects, ${formatBytes(plan.counts.bytes)}; estimated ${formatDuration(plan.estimatedSeconds * 1000)}.`,
      '',
    );
    const rows: string[][] = [
      ...plan.creates.map((c) => ['create', c]),
      ...plan.overwrites.map((c) => ['overwrite', c]),
      ...plan.deletes.map((c) => ['delete', c]),
    ];
    out.push(rows.length ? table(['action', 'what and where'], rows) : 'Nothing to write.', '');
    if (plan.notes.length) out.push(...plan.notes.map((n) => `- ${n}`), '');
    if (plan.cluster?.objects.length)
      out.push(
        details(
          `cluster objects (${plan.cluster.objects.length})`,
          table(
            ['action', 'object'],
            plan.cluster.objects.map((o) => [o.action, `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`]),
          ),
        ),
        '',
      );
    if (plan.lake?.extra.length)
      out.push(
        details(
          `objects in the target not in the set (${plan.lake.extra.length})`,
          plan.lake.extra
            .slice(0, 200)
            .map((k) => `- ${code(k)}`)
            .join('\n'),
        ),
        '',
      );
  }
  const w = report.written;
  const written: string[][] = [];
  if (w.lake)
    written.push([
      'lake',
      `${w.lake.copied} objects copied (${formatBytes(w.lake.copiedBytes)}) to s3://${w.lake.bucket}/${w.lake.prefix}, ${w.lake.deleted} deleted; verified ${w.lake.verified}/${w.lake.copied}, sampled ${w.lake.sampled}`,
    ]);
  for (const d of w.dumps)
    written.push([
      'database',
      `'${d.database}' on ${d.server}; row counts ${
        Object.entries(d.rowCounts)
          .map(([t, n]) => `${t}=${n}${d.expected[t] === n ? '' : ` (backup: ${d.expected[t]})`}`)
          .join(', ') || '(no key tables)'
      }`,
    ]);
  if (w.rds)
    written.push([
      'rds',
      `'${w.rds.instance}' ${w.rds.status} (subnet group ${w.rds.subnetGroup ?? '-'}, security groups ${w.rds.securityGroups.join(' ') || '-'}, parameter group ${w.rds.parameterGroup ?? '-'})`,
    ]);
  if (w.cluster)
    written.push([
      'cluster',
      `${w.cluster.counts.created} created, ${w.cluster.counts.changed} changed, ${w.cluster.counts.unchanged} unchanged; rollout gate ${w.cluster.gate}`,
    ]);
  if (written.length) out.push(heading('Written', 3), '', table(['part', 'what'], written), '');
  const fill = w.cluster?.secretsToFill ?? plan?.cluster?.secretsToFill ?? [];
  if (fill.length)
    out.push(
      heading('Secrets to fill in', 3),
      '',
      ...fill.map((s) => `- ${code(s)} (stored without values; not created)`),
      '',
    );
  if (report.drill?.cleanup.length)
    out.push(heading('Drill clean-up', 3), '', ...report.drill.cleanup.map((c) => `- ${c}`), '');
  if (report.problems.length)
    out.push(heading('Problems', 3), '', ...report.problems.slice(0, 50).map((p) => `- ${p}`), '');
  return out.join('\n');
}
