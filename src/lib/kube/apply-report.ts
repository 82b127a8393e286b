/** Job summaries for render and apply: pure functions from results to Markdown. */
import type { ApplyResult, ObjectRef } from './types.js';
import { refKey } from './types.js';
import type { ObjectDiff } from './apply.js';

const MAX_DIFF_CHARS = 60_000;

export function renderSummary(environment: string, refs: readonly ObjectRef[], path: string | undefined): string {
  const lines = [`### render: ${refs.length} objects for \`${environment}\``, ''];
  if (path) lines.push(`Written to \`${path}\` (Secret values are not in it).`, '');
  lines.push('| kind | namespace | name |', '| --- | --- | --- |');
  for (const r of refs) lines.push(`| ${r.kind} | ${r.namespace ?? ''} | ${r.name} |`);
  return lines.join('\n');
}

export function applySummary(result: ApplyResult, diffs: readonly ObjectDiff[]): string {
  const c = result.counts;
  const lines = [
    `### apply${result.dryRun ? ' (dry run: nothing written)' : ''}`,
    '',
    `| created | changed | unchanged | pruned |`,
    `| --- | --- | --- | --- |`,
    `| ${c.created} | ${c.changed} | ${c.unchanged} | ${c.pruned} |`,
    '',
  ];
  const touched = result.objects.filter((o) => o.action !== 'unchanged');
  if (touched.length) {
    lines.push('| object | action |', '| --- | --- |');
    for (const o of touched) lines.push(`| ${refKey(o)} | ${o.action} |`);
    lines.push('');
  }
  let budget = MAX_DIFF_CHARS;
  for (const d of diffs) {
    if (!d.diff) continue;
    if (d.diff.length > budget) {
      lines.push(`_(further diffs left out of the summary; they are in the log)_`);
      break;
    }
    budget -= d.diff.length;
    lines.push(
      `<details><summary>${refKey(d.ref)} (${d.action})</summary>`,
      '',
      '```diff',
      d.diff.trimEnd(),
      '```',
      '</details>',
      '',
    );
  }
  return lines.join('\n');
}
