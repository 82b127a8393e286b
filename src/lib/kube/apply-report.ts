/** Job summaries for render and apply: pure functions from results to Markdown. */
import type { ApplyResult, ObjectRef } from '../objects/types.js';
import { refKey } from '../objects/types.js';
import type { ObjectDiff } from './apply.js';
import { details, fenced, table } from '../report/markdown.js';

const MAX_DIFF_CHARS = 60_000;

export function renderSummary(environment: string, refs: readonly ObjectRef[], path: string | undefined): string {
  const lines = [`### render: ${refs.length} objects for \`${environment}\``, ''];
  if (path) lines.push(`Written to \`${path}\` (Secret values are not in it).`, '');
  lines.push(
    table(
      ['kind', 'namespace', 'name'],
      refs.map((r) => [r.kind, r.namespace ?? '', r.name]),
    ),
  );
  return lines.join('\n');
}

export function applySummary(result: ApplyResult, diffs: readonly ObjectDiff[]): string {
  const c = result.counts;
  const lines = [
    `### apply${result.dryRun ? ' (dry run: nothing written)' : ''}`,
    '',
    table(['created', 'changed', 'unchanged', 'pruned'], [[c.created, c.changed, c.unchanged, c.pruned]]),
    '',
  ];
  const touched = result.objects.filter((o) => o.action !== 'unchanged');
  if (touched.length) {
    lines.push(
      table(
        ['object', 'action'],
        touched.map((o) => [refKey(o), o.action]),
      ),
      '',
    );
  }
  let budget = MAX_DIFF_CHARS;
  for (const d of diffs) {
    if (!d.diff) continue;
    if (d.diff.length > budget) {
      lines.push(`_(further diffs left out of the summary; they are in the log)_`);
      break;
    }
    budget -= d.diff.length;
    lines.push(details(`${refKey(d.ref)} (${d.action})`, fenced(d.diff.trimEnd(), 'diff')), '');
  }
  return lines.join('\n');
}
