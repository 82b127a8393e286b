import { heading, icon, table } from '../report/markdown.js';
import type { HealthResult } from './probe.js';

const ms = (v: number | undefined): string => (v === undefined ? '–' : `${Math.round(v)} ms`);

/** The health gate's job-summary section. */
export function healthSummary(result: HealthResult): string {
  const rows = result.targets.map((t) => [
    icon(t.healthy),
    t.label,
    `${t.successes}/${t.attempts}`,
    ms(t.p50Ms),
    ms(t.p95Ms),
    t.reason ?? '',
  ]);
  return [
    heading(`Health gate: ${result.healthy ? 'healthy' : 'unhealthy'}`),
    table(['', 'target', 'ok/attempts', 'p50', 'p95', 'note'], rows),
  ].join('\n\n');
}
