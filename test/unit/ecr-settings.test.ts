import { describe, expect, it } from '@jest/globals';
import { parsePushEcrSettings } from '../../src/lib/ecr/settings.js';
import { ConfigurationError, ConfigurationErrors } from '../../src/lib/runtime/errors.js';
import { fromRecord, Inputs } from '../../src/lib/runtime/inputs.js';

const parse = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  parsePushEcrSettings(new Inputs(fromRecord(inputs)), env);
const base = { image: 'app:dev', repository: 'phlo/app', tags: 'v1, latest' };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationErrors) return [...error.problems];
    if (error instanceof ConfigurationError) return [error.message];
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('push-ecr settings', () => {
  it('has safe defaults', () => {
    const s = parse(base, { AWS_REGION: 'eu-west-1' });
    expect(s.region).toBe('eu-west-1');
    expect(s.ecrEndpoint).toBeUndefined();
    expect(s.scan).toBeUndefined();
    expect(s.push.tags).toEqual(['v1', 'latest']);
    expect(s.push.registryEndpoint).toBeUndefined();
    expect(s.push.repository).toMatchObject({
      name: 'phlo/app',
      tagMutability: 'IMMUTABLE',
      scanOnPush: true,
      encryption: { type: 'AES256' },
      create: true,
    });
    expect(s.push.repository.lifecycle?.rules.map((r) => [r.selection.tagStatus, r.selection.countNumber])).toEqual([
      ['untagged', 14],
      ['tagged', 100],
    ]);
    expect(s.push.retry).toEqual({ attempts: 5, baseMs: 1000, capMs: 20_000 });
  });

  it('takes region and account from the registry host, and endpoints from inputs or the environment', () => {
    const s = parse(
      {
        ...base,
        registry: '210987654321.dkr.ecr.ap-south-1.amazonaws.com',
        'registry-endpoint': 'http://127.0.0.1:15000',
      },
      { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:15001' },
    );
    expect(s.region).toBe('ap-south-1');
    expect(s.push.repository.registryId).toBe('210987654321');
    expect(s.ecrEndpoint).toBe('http://127.0.0.1:15001');
    expect(s.push.registryEndpoint).toEqual({ host: '127.0.0.1:15000', baseUrl: 'http://127.0.0.1:15000' });
    expect(
      parse(
        { ...base, region: 'us-east-1', 'ecr-endpoint': 'http://localhost:4566' },
        { AWS_ENDPOINT_URL: 'http://x:1' },
      ).ecrEndpoint,
    ).toBe('http://localhost:4566');
    expect(
      parse({ ...base, region: 'us-east-1' }, { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_ECR: 'http://b:2' })
        .ecrEndpoint,
    ).toBe('http://b:2');
  });

  it('reports every bad input at once, each naming the input, the value and the expected form', () => {
    const found = problems(() =>
      parse({
        image: '',
        repository: 'Bad Repo',
        tags: 'ok, $(touch /tmp/x)',
        region: 'mars-1',
        'tag-mutability': 'sometimes',
        'push-attempts': '0',
      }),
    );
    expect(found).toHaveLength(6);
    expect(found.join('\n')).toMatch(/Input 'image' is required/);
    expect(found.join('\n')).toMatch(/Input 'repository' is 'Bad Repo': expected an ECR repository name/);
    expect(found.join('\n')).toMatch(/Input 'tags' is '\$\(touch \/tmp\/x\)': expected image tags/);
    expect(found.join('\n')).toMatch(/Input 'region' is 'mars-1': expected an AWS region such as us-east-1/);
    expect(found.join('\n')).toMatch(/Input 'tag-mutability' is 'sometimes': expected one of IMMUTABLE, MUTABLE/);
    expect(found.join('\n')).toMatch(/Input 'push-attempts' is '0'/);
  });

  it('needs a region from somewhere, and a region that agrees with the registry host', () => {
    expect(problems(() => parse(base))).toEqual([expect.stringMatching(/Input 'region' is required/)]);
    expect(
      problems(() => parse({ ...base, registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', region: 'us-east-1' })),
    ).toEqual([
      expect.stringMatching(/Input 'region' is 'us-east-1': expected the region of input 'registry' \(eu-west-1\)/),
    ]);
    expect(problems(() => parse(base, { AWS_REGION: 'nowhere' }))).toEqual([expect.stringMatching(/'nowhere'/)]);
  });

  it('needs tags', () => {
    expect(problems(() => parse({ image: 'x', repository: 'phlo/app', region: 'us-east-1' }))).toEqual([
      expect.stringMatching(/Input 'tags' is required/),
    ]);
  });

  it('reads KMS encryption and refuses a key with AES256', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(parse({ ...base, region: 'us-east-1', 'kms-key': key }).push.repository.encryption).toEqual({
      type: 'KMS',
      kmsKey: key,
    });
    expect(parse({ ...base, region: 'us-east-1', encryption: 'kms' }).push.repository.encryption).toEqual({
      type: 'KMS',
    });
    expect(problems(() => parse({ ...base, region: 'us-east-1', encryption: 'AES256', 'kms-key': key }))).toEqual([
      expect.stringMatching(/Input 'encryption' is 'AES256': expected KMS when 'kms-key' is set/),
    ]);
  });

  it('reads the scan gate settings when wait-for-scan is on', () => {
    const s = parse({
      ...base,
      region: 'us-east-1',
      'wait-for-scan': 'true',
      severity: 'critical',
      'scan-timeout': '2m',
      'scan-unavailable': 'warn',
      'fixable-only': 'yes',
    });
    expect(s.scan).toMatchObject({
      timeoutMs: 120_000,
      intervalMs: 10_000,
      onUnavailable: 'warn',
      startScanIfMissing: true,
      policy: { failOn: ['CRITICAL'], fixableOnly: true },
    });
    expect(
      problems(() => parse({ ...base, region: 'us-east-1', 'wait-for-scan': 'true', severity: 'SEVERE' })),
    ).toEqual([expect.stringMatching(/Input 'severity' is 'SEVERE'/)]);
  });

  it('turns the lifecycle policy off on request', () => {
    expect(
      parse({ ...base, region: 'us-east-1', 'lifecycle-policy': 'false' }).push.repository.lifecycle,
    ).toBeUndefined();
    expect(
      parse({ ...base, region: 'us-east-1', 'lifecycle-keep-tagged': '0', 'lifecycle-untagged-days': '0' }).push
        .repository.lifecycle,
    ).toBeUndefined();
  });
});
