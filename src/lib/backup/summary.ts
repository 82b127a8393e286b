/** The backup run's job summary (Markdown) and JSON report: pure functions of the result. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { code, heading, icon, table } from '../report/markdown.js';
import { ageText, type BackupResult } from './backup.js';

export const BACKUP_REPORT_SCHEMA = 'phlo-deploy/backup-report@1';

/** `verified: 120/120 objects, sampled: 8` */
export function verifiedLine(result: BackupResult): string | undefined {
  const v = result.verification;
  return v ? `verified: ${v.verified}/${v.total} objects, sampled: ${v.sampled}` : undefined;
}

/** `last complete set: 20261129T030000Z, 5h` */
export function freshnessLine(result: BackupResult): string | undefined {
  const f = result.freshness;
  if (!f) return undefined;
  if (!f.lastComplete) return 'last complete set: none';
  return `last complete set: ${f.lastComplete}, ${ageText(f.ageHours)}${f.fresh ? '' : ` (older than ${f.maxAgeHours}h)`}`;
}

export function backupHeadline(result: BackupResult): string {
  const set = result.setId ? `set ${result.setId}` : 'no set';
  if (result.dryRun) return `Backup of ${result.environment}: dry run, ${set} planned, nothing written`;
  if (result.failure) return `Backup of ${result.environment} failed (${set}, ${result.state}): ${result.failure}`;
  if (result.phase === 'begin' || result.phase === 'lake')
    return `Backup of ${result.environment}: ${set}, phase ${result.phase} done (the set stays incomplete until finish)`;
  return `Backup of ${result.environment}: ${set} ${result.state}`;
}

export function backupSummary(result: BackupResult): string {
  const ok = !result.failure;
  const out: string[] = [heading(`${icon(ok)} ${backupHeadline(result)}`.replace(/`/g, "'"), 3), ''];
  const facts: Array<[string, string]> = [
    ['Set', result.setId ? code(result.setId) : '—'],
    ['State', result.state],
    ['Phase', result.phase + (result.resumed ? ' (resumed an incomplete set)' : '')],
  ];
  if (result.overrides.length) facts.push(['Overrides', result.overrides.join('; ')]);
  out.push(table(['', ''], facts), '');

  if (result.plan.length) {
    out.push('**Dry run** (nothing was written):', '', ...result.plan.map((l) => `- ${l}`), '');
  }
  if (result.database.length) {
    out.push('**Database**', '');
    out.push(
      table(
        ['Kind', 'What', 'Record'],
        result.database.map((d) =>
          d.kind === 'pg_dump'
            ? [
                'pg_dump -Fc',
                d.database,
                `${d.size} bytes, sha256 ${d.sha256.slice(0, 12)}…, ${d.tocEntries} TOC entries, rows: ${
                  Object.entries(d.rowCounts)
                    .map(([t, n]) => `${t}=${n}`)
                    .join(', ') || '—'
                }`,
              ]
            : [
                'RDS snapshot',
                d.instance,
                `${d.snapshotId}${d.latestRestorableTime ? `, restorable to ${d.latestRestorableTime}` : ''}, automated backups ${d.backupRetentionPeriod}d`,
              ],
        ),
      ),
      '',
    );
  }
  if (result.lake) {
    const l = result.lake;
    out.push(
      `**Lake**: ${l.objects} objects (${l.bytes} bytes); ${l.copied} ${result.dryRun ? 'to copy' : 'copied'} (${l.copiedBytes} bytes), ` +
        `${l.objects - l.copied} already present; ${l.excluded} excluded`,
      '',
    );
    if (l.objectLock)
      out.push(
        `**Object Lock**: every copy the set names is locked (${l.objectLock.mode}) until ${l.objectLock.retainUntil}; ` +
          `of the reused copies, ${l.objectLock.extended} extended to it, ${l.objectLock.alreadyLocked} already locked as long or longer`,
        '',
      );
  }
  if (result.cluster)
    out.push(
      `**Cluster objects**: ${result.cluster.objects}` +
        (result.cluster.secretsWithoutValues.length
          ? ` (${result.cluster.secretsWithoutValues.length} Secrets stored with keys only)`
          : ''),
      '',
    );
  const verified = verifiedLine(result);
  if (verified) {
    out.push(`${icon(result.verification!.problems.length === 0)} ${verified}`, '');
    const problems = result.verification!.problems;
    if (problems.length)
      out.push(
        ...problems.slice(0, 20).map((p) => `- ${code(p)}`),
        ...(problems.length > 20 ? [`- … ${problems.length - 20} more`] : []),
        '',
      );
  }
  if (result.retention) {
    const r = result.retention;
    out.push(
      `**Retention**${r.dryRun ? ' (would)' : ''}: keep ${r.keep.length} sets; ` +
        (r.remove.length
          ? `${r.dryRun ? 'delete' : 'deleted'} ${r.remove.map((x) => `${code(x.id)} (${x.reason})`).join(', ')}`
          : 'delete none') +
        `; ${r.deletedObjects} unreferenced copies ${r.dryRun ? 'would be ' : ''}removed` +
        (r.rdsSnapshotsDeleted?.length ? `; RDS snapshots deleted: ${r.rdsSnapshotsDeleted.join(', ')}` : ''),
      '',
    );
  }
  const fresh = freshnessLine(result);
  if (fresh) out.push(fresh, '');
  if (result.failure) out.push(`**Failure**: ${result.failure.replace(/\r?\n/g, ' ')}`, '');
  return out.join('\n');
}

export interface BackupReport {
  schema: typeof BACKUP_REPORT_SCHEMA;
  result: BackupResult;
}

export function writeBackupReport(result: BackupResult, file: string): string {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  const report: BackupReport = { schema: BACKUP_REPORT_SCHEMA, result };
  writeFileSync(abs, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  return abs;
}
