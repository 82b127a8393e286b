/** The head of the one job summary a deploy writes; the stages' own sections follow it. */
import { cell, heading, table } from '../report/markdown.js';

export type PipelineVerdict = 'success' | 'failure' | 'rolled-back' | 'blocked';

export interface StageReport {
  stage: string;
  status: 'passed' | 'failed' | 'skipped' | 'not run';
  durationMs?: number;
  note?: string;
}

export interface PipelineReport {
  environment: string;
  verdict: PipelineVerdict;
  image?: string;
  digest?: string;
  environmentUrl?: string;
  stages: StageReport[];
  /** One line, for notices and the GitHub deployment status. */
  headline: string;
}

const ICON: Record<StageReport['status'], string> = { passed: '✅', failed: '❌', skipped: '⏭️', 'not run': '▫️' };
const VERDICT: Record<PipelineVerdict, string> = {
  success: '✅ deployed',
  failure: '❌ failed',
  'rolled-back': '↩️ failed and rolled back',
  blocked: '⛔ blocked before anything was deployed',
};

export function pipelineSummary(r: PipelineReport): string {
  const facts: Array<[string, string]> = [
    ['Environment', r.environment],
    ['Verdict', VERDICT[r.verdict]],
    ...(r.image ? ([['Image', `\`${r.image}\``]] as Array<[string, string]>) : []),
    ...(r.environmentUrl ? ([['URL', r.environmentUrl]] as Array<[string, string]>) : []),
  ];
  return [
    heading(`phlo-deploy → ${cell(r.environment)}: ${VERDICT[r.verdict]}`, 2),
    r.headline,
    table(['', ''], facts),
    table(
      ['stage', 'status', 'time', 'note'],
      r.stages.map((s) => [
        s.stage,
        `${ICON[s.status]} ${s.status}`,
        s.durationMs === undefined ? '' : `${(s.durationMs / 1000).toFixed(1)}s`,
        s.note ?? '',
      ]),
    ),
  ].join('\n\n');
}
