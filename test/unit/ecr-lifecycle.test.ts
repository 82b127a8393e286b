import { describe, expect, it } from '@jest/globals';
import { buildLifecyclePolicy, lifecyclePolicyText, samePolicy } from '../../src/lib/ecr/lifecycle.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

describe('lifecycle policy', () => {
  it('expires untagged after D days first, then keeps the last N tagged', () => {
    expect(buildLifecyclePolicy({ keepTagged: 30, untaggedDays: 7 })).toEqual({
      rules: [
        {
          rulePriority: 1,
          description: 'Expire untagged images 7 day(s) after push',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
          action: { type: 'expire' },
        },
        {
          rulePriority: 2,
          description: 'Keep the last 30 tagged image(s)',
          selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 30 },
          action: { type: 'expire' },
        },
      ],
    });
  });

  it('drops a rule set to 0 and renumbers priorities', () => {
    const policy = buildLifecyclePolicy({ keepTagged: 5, untaggedDays: 0 });
    expect(policy?.rules).toHaveLength(1);
    expect(policy?.rules[0]).toMatchObject({ rulePriority: 1, selection: { tagStatus: 'tagged', countNumber: 5 } });
    expect(buildLifecyclePolicy({ keepTagged: 0, untaggedDays: 0 })).toBeUndefined();
  });

  it('rejects negative and fractional counts', () => {
    expect(() => buildLifecyclePolicy({ keepTagged: -1, untaggedDays: 1 })).toThrow(ConfigurationError);
    expect(() => buildLifecyclePolicy({ keepTagged: 1, untaggedDays: 1.5 })).toThrow(
      /untaggedDays must be a whole number/,
    );
  });

  it('compares a policy read back from ECR regardless of key order and whitespace', () => {
    const policy = buildLifecyclePolicy({ keepTagged: 10, untaggedDays: 3 })!;
    const text = lifecyclePolicyText(policy);
    expect(JSON.parse(text)).toEqual(policy);
    const reordered = JSON.stringify(
      {
        rules: policy.rules.map((r) => ({
          action: r.action,
          selection: { ...r.selection },
          description: r.description,
          rulePriority: r.rulePriority,
        })),
      },
      null,
      2,
    );
    expect(samePolicy(reordered, policy)).toBe(true);
    expect(samePolicy(lifecyclePolicyText(buildLifecyclePolicy({ keepTagged: 11, untaggedDays: 3 })!), policy)).toBe(
      false,
    );
    expect(samePolicy(undefined, policy)).toBe(false);
    expect(samePolicy('not json', policy)).toBe(false);
  });
});
