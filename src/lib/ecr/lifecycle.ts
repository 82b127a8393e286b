/**
 * The repository's lifecycle policy, built by a pure function: expire untagged images after D days
 * and keep only the last N tagged images. ECR evaluates rules by ascending rulePriority.
 */
import { ConfigurationError } from '../runtime/errors.js';

export interface LifecycleSettings {
  /** Keep the newest N tagged images, expire older ones; 0 turns the rule off. */
  keepTagged: number;
  /** Expire untagged images D days after they were pushed; 0 turns the rule off. */
  untaggedDays: number;
}

export interface LifecycleRule {
  rulePriority: number;
  description: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

const MAX_COUNT = 10_000;

/** Returns the policy, or undefined when both rules are off (then no policy is managed). */
export function buildLifecyclePolicy(settings: LifecycleSettings): LifecyclePolicy | undefined {
  const problems: string[] = [];
  if (!Number.isInteger(settings.keepTagged) || settings.keepTagged < 0 || settings.keepTagged > MAX_COUNT) {
    problems.push(`keepTagged must be a whole number from 0 to ${MAX_COUNT}, got ${settings.keepTagged}`);
  }
  if (!Number.isInteger(settings.untaggedDays) || settings.untaggedDays < 0 || settings.untaggedDays > MAX_COUNT) {
    problems.push(`untaggedDays must be a whole number from 0 to ${MAX_COUNT}, got ${settings.untaggedDays}`);
  }
  if (problems.length > 0) throw new ConfigurationError(`Invalid lifecycle settings: ${problems.join('; ')}.`);

  const rules: LifecycleRule[] = [];
  if (settings.untaggedDays > 0) {
    rules.push({
      rulePriority: rules.length + 1,
      description: `Expire untagged images ${settings.untaggedDays} day(s) after push`,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: settings.untaggedDays,
      },
      action: { type: 'expire' },
    });
  }
  if (settings.keepTagged > 0) {
    rules.push({
      rulePriority: rules.length + 1,
      description: `Keep the last ${settings.keepTagged} tagged image(s)`,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['*'],
        countType: 'imageCountMoreThan',
        countNumber: settings.keepTagged,
      },
      action: { type: 'expire' },
    });
  }
  return rules.length > 0 ? { rules } : undefined;
}

/** The policy text sent to PutLifecyclePolicy. */
export function lifecyclePolicyText(policy: LifecyclePolicy): string {
  return JSON.stringify(policy);
}

/**
 * True when a policy text read back from ECR means the same as ours (ECR may reorder keys or
 * reformat whitespace, so compare parsed and key-sorted forms).
 */
export function samePolicy(existingText: string | undefined, wanted: LifecyclePolicy): boolean {
  if (!existingText) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(existingText);
  } catch {
    return false;
  }
  return canonical(parsed) === canonical(wanted);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
