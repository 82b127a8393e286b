/** The push-ecr job summary: a pure function from results to Markdown. */
import { describeFinding, SEVERITIES } from '../scan/findings.js';
import { cell, heading, icon, table } from '../report/markdown.js';
import type { EcrGateResult } from './gate.js';
import type { PushResult } from './push.js';
import type { ScanOutcome } from './scan.js';

export function pushSummary(result: PushResult, scan?: { outcome: ScanOutcome; gate: EcrGateResult }): string {
  const parts: string[] = [heading('push-ecr')];
  parts.push(
    table(
      ['', ''],
      [
        ['Image', `\`${result.image.reference}\``],
        [
          'Repository',
          `${result.repository.name} (${result.repository.created ? 'created' : 'existing'}, ${result.repository.tagMutability})`,
        ],
        ['Registry', result.registry],
        ['Token expires', result.tokenExpiresAt?.toISOString() ?? 'unknown'],
      ],
    ),
  );
  parts.push(
    table(
      ['Tag', 'Action', 'Digest'],
      result.tags.map((t) => [t.tag, t.action, `\`${t.digest}\``]),
    ),
  );
  if (result.repository.changes.length > 0)
    parts.push(`Repository settings changed: ${result.repository.changes.map(cell).join('; ')}`);
  for (const w of result.repository.warnings) parts.push(`⚠️ ${cell(w)}`);
  if (scan) {
    parts.push(heading(`ECR scan ${icon(scan.gate.passed)} ${scan.outcome.status}`, 4));
    if (scan.outcome.ready) {
      const order = [...SEVERITIES].reverse();
      parts.push(table(order, [order.map((s) => scan.outcome.counts[s])]));
      const blocking = scan.gate.policy?.blocking ?? [];
      if (blocking.length > 0) {
        parts.push(
          table(
            ['Blocking finding'],
            blocking.slice(0, 10).map((f) => [describeFinding(f)]),
          ),
        );
      }
    } else {
      parts.push(cell(scan.outcome.description));
    }
    if (scan.gate.message) parts.push(cell(scan.gate.message));
    if (scan.gate.warning) parts.push(`⚠️ ${cell(scan.gate.warning)}`);
  }
  return parts.join('\n\n');
}
