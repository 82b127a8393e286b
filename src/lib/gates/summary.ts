/**
 * Pure renderers: gate results → Markdown for the job summary, and → plain lines for the log.
 */
import { formatDuration } from '../runtime/inputs.js';
import { cell, fenced } from '../report/markdown.js';
import { refKey } from '../objects/types.js';
import type { GateResult, WorkloadStatus } from './gate.js';
import type { WorkloadExplanation } from './explain.js';
import type { UndoResult } from '../kube/undo.js';

const ICON: Record<string, string> = {
  success: '✅',
  failure: '❌',
  timeout: '⏱️',
  ready: '✅',
  failed: '❌',
  progressing: '⏳',
  timeout_: '⏱️',
};

function stateIcon(s: WorkloadStatus): string {
  return s.state === 'timeout' ? ICON.timeout_! : (ICON[s.state] ?? '');
}

export function renderGateSummary(result: GateResult, title = 'Rollout gate'): string {
  const out: string[] = [];
  out.push(`### ${ICON[result.verdict]} ${title}: ${result.verdict} in ${formatDuration(result.durationMs)}`);
  const counts = countStates(result.workloads);
  out.push('');
  out.push(
    `${result.workloads.length} workload${result.workloads.length === 1 ? '' : 's'} under one deadline of ${formatDuration(result.timeoutMs)}: ${counts}.` +
      (result.reconnects > 0
        ? ` The API connection dropped ${result.reconnects} time(s) and the watches resumed.`
        : ''),
  );
  if (result.workloads.length > 0) {
    out.push('', '| Workload | State | Detail | Done after |', '| --- | --- | --- | --- |');
    for (const w of result.workloads) {
      out.push(
        `| \`${cell(refKey(w))}\` | ${stateIcon(w)} ${w.state}${w.reason ? ` (${cell(w.reason)})` : ''} | ${cell(w.message)} | ${w.completedMs !== undefined ? formatDuration(w.completedMs) : '—'} |`,
      );
    }
  }
  for (const e of result.explanations) out.push('', renderExplanation(e));
  return out.join('\n');
}

function countStates(workloads: WorkloadStatus[]): string {
  const by = new Map<string, number>();
  for (const w of workloads) by.set(w.state, (by.get(w.state) ?? 0) + 1);
  return [...by.entries()].map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
}

export function renderExplanation(e: WorkloadExplanation): string {
  const out: string[] = [];
  out.push(`#### Why \`${cell(refKey(e.ref))}\` ${e.state === 'timeout' ? 'timed out' : 'failed'}`);
  out.push('', `${e.reason ? `**${cell(e.reason)}**: ` : ''}${cell(e.message)}`);
  if (e.pods.length > 0) {
    out.push(
      '',
      '| Pod | Phase | Container | State | Last state | Restarts |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const p of e.pods) {
      if (p.containers.length === 0) {
        out.push(`| \`${cell(p.name)}\` | ${cell(p.phase)} | — | ${cell(p.conditions.join('; ') || '—')} | — | — |`);
      }
      for (const c of p.containers) {
        out.push(
          `| \`${cell(p.name)}\` | ${cell(p.phase)} | ${cell(c.name)} | ${cell(c.state)} | ${cell(c.lastState ?? '—')} | ${c.restartCount} |`,
        );
      }
    }
    const conditions = e.pods.filter((p) => p.conditions.length > 0 && p.containers.length > 0);
    for (const p of conditions) out.push('', `Pod \`${cell(p.name)}\` conditions: ${cell(p.conditions.join('; '))}`);
  } else {
    out.push('', 'No pods of the new revision were found.');
  }
  if (e.events.length > 0) {
    out.push('', '| Time | Type | Reason | Object | Message |', '| --- | --- | --- | --- | --- |');
    for (const ev of e.events) {
      out.push(
        `| ${cell(ev.time)} | ${cell(ev.type)} | ${cell(ev.reason)} | ${cell(ev.object)} | ${cell(ev.message)}${ev.count > 1 ? ` (×${ev.count})` : ''} |`,
      );
    }
  }
  for (const p of e.pods) {
    for (const c of p.containers) {
      if (c.logTail && c.logTail.length > 0) {
        out.push(
          '',
          `<details><summary>Last log lines of ${cell(p.name)}/${cell(c.name)}</summary>`,
          '',
          fenced(c.logTail.join('\n'), 'text'),
          '',
          '</details>',
        );
      } else if (c.logError) {
        out.push('', `Log of ${cell(p.name)}/${cell(c.name)}: ${cell(c.logError)}`);
      }
    }
  }
  return out.join('\n');
}

/** The same explanation as plain log lines. */
export function explanationLines(e: WorkloadExplanation): string[] {
  const out: string[] = [`${refKey(e.ref)} ${e.state}${e.reason ? ` (${e.reason})` : ''}: ${e.message}`];
  for (const p of e.pods) {
    out.push(`  pod ${p.name}: ${p.phase}${p.node ? ` on ${p.node}` : ''}`);
    for (const cond of p.conditions) out.push(`    condition ${cond}`);
    for (const c of p.containers) {
      out.push(
        `    container ${c.name}: ${c.state}; restarts ${c.restartCount}${c.lastState ? `; last ${c.lastState}` : ''}`,
      );
      if (c.logTail) for (const l of c.logTail) out.push(`      | ${l}`);
      else if (c.logError) out.push(`      ${c.logError}`);
    }
  }
  if (e.events.length > 0) out.push('  events:');
  for (const ev of e.events)
    out.push(
      `    ${ev.time} ${ev.type} ${ev.reason} ${ev.object}: ${ev.message}${ev.count > 1 ? ` (x${ev.count})` : ''}`,
    );
  return out;
}

const OUTCOME_ICON: Record<string, string> = {
  'rolled-back': '↩️',
  skipped: '➖',
  left: '⚠️',
  deleted: '🗑️',
  error: '❌',
};

/** Markdown for a rollback: what went back where, and whether it became healthy. */
export function renderRollbackSummary(result: {
  outcomes: Array<{
    ref: import('../objects/types.js').ObjectRef;
    outcome: string;
    fromRevision?: number;
    toRevision?: number;
    message: string;
  }>;
  gate?: GateResult;
  healthy: boolean;
  /** The other objects the deploy wrote, put back first (the deploy pipeline's rollback). */
  objects?: { summary: string };
}): string {
  const out: string[] = [];
  const rolled = result.outcomes.filter((o) => o.outcome === 'rolled-back').length;
  out.push(
    `### ${result.healthy ? '✅' : '❌'} Rollback: ${rolled} workload${rolled === 1 ? '' : 's'} rolled back; ${result.healthy ? 'healthy again' : 'NOT healthy'}`,
  );
  if (result.outcomes.length > 0) {
    out.push('', '| Workload | Outcome | Revision | Detail |', '| --- | --- | --- | --- |');
    for (const o of result.outcomes) {
      const rev = o.toRevision !== undefined ? `${o.fromRevision ?? '?'} → ${o.toRevision}` : '—';
      out.push(
        `| \`${cell(refKey(o.ref))}\` | ${OUTCOME_ICON[o.outcome] ?? ''} ${o.outcome} | ${rev} | ${cell(o.message)} |`,
      );
    }
  }
  if (result.gate) out.push('', renderGateSummary(result.gate, 'Rollout gate of the rollback'));
  if (result.objects) out.push('', `Other objects this deploy wrote: ${result.objects.summary}`);
  return out.join('\n');
}

/**
 * Markdown for what was undone after a write failed half-way: each object with what became of it,
 * then the rollout gate of the workloads that were restored (when any were).
 */
export function renderUndoSummary(undo: UndoResult, gate?: GateResult): string {
  const healthy = gate === undefined || gate.verdict === 'success';
  const complete = undo.failed.length === 0;
  const head = complete
    ? `everything it wrote is put back${gate ? `; the restored workloads are ${healthy ? 'healthy again' : 'NOT healthy'}` : ''}`
    : `${undo.failed.length} object(s) NOT put back${gate ? `; the restored workloads are ${healthy ? 'healthy again' : 'NOT healthy'}` : ''}`;
  const rows: Array<[string, string]> = [
    ...undo.restored.map((r): [string, string] => [refKey(r), '↩️ restored: its content from before the deploy']),
    ...undo.deleted.map((r): [string, string] => [refKey(r), '🗑️ deleted: this deploy had created it']),
    ...undo.recreated.map((r): [string, string] => [refKey(r), '↩️ created again: this deploy had pruned it']),
    ...undo.failed.map((f): [string, string] => [refKey(f.ref), `❌ NOT put back: ${f.message}`]),
  ];
  const out = [
    `### ${complete && healthy ? '↩️' : '❌'} Undone after a failed write: ${head}`,
    '',
    '| Object | Now |',
    '| --- | --- |',
    ...rows.map(([ref, what]) => `| \`${cell(ref)}\` | ${cell(what)} |`),
  ];
  if (gate) out.push('', renderGateSummary(gate, 'Rollout gate of the restored workloads'));
  return out.join('\n');
}
