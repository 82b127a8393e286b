/**
 * The ECR scan gate: the same policy (src/lib/scan/policy.ts) as Trivy's, applied to ECR's
 * findings. When ECR gave no findings (failed, unsupported image, limit, timeout…) the caller says
 * whether that blocks (`fail`, the default) or only warns.
 */
import { evaluate, failureMessage, type PolicyResult, type ScanPolicy } from '../scan/policy.js';
import type { ScanOutcome } from './scan.js';

export type OnUnavailable = 'fail' | 'warn';

export interface EcrGateResult {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  message: string;
  /** A non-blocking problem (unavailable findings with onUnavailable = warn). */
  warning?: string;
  policy?: PolicyResult;
}

export function gateEcrScan(
  outcome: ScanOutcome,
  policy: ScanPolicy,
  now: Date,
  onUnavailable: OnUnavailable,
): EcrGateResult {
  if (!outcome.ready) {
    const text = `ECR scan findings unavailable (${outcome.status}): ${outcome.description}`;
    return onUnavailable === 'fail'
      ? { passed: false, message: `${text}. Set scan-unavailable: warn to let the push through without ECR findings.` }
      : { passed: true, message: '', warning: text };
  }
  const result = evaluate(outcome.findings, policy, now);
  return {
    passed: result.passed,
    message: result.passed ? '' : `ECR scan: ${failureMessage(result, policy)}`,
    policy: result,
  };
}
