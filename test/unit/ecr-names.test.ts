import { describe, expect, it } from '@jest/globals';
import {
  parseEcrHost,
  parseRegistryEndpoint,
  validateEcrHost,
  validateKmsKey,
  validateRegion,
  validateRepositoryName,
  validateTag,
} from '../../src/lib/ecr/names.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

describe('ECR repository names', () => {
  it.each(['ab', 'phlo/dagster', 'a.b_c-d/e0', 'team/app/worker', 'x'.repeat(256)])('accepts %s', (name) => {
    expect(validateRepositoryName('repository', name)).toBe(name);
  });
  it.each([
    'a',
    'Phlo/app',
    'phlo//app',
    '/phlo',
    'phlo/',
    'app-',
    'a..b',
    'a b',
    'x'.repeat(257),
    'app:tag',
    '$(touch /tmp/x)',
  ])('rejects %s naming the input and the grammar', (name) => {
    expect(() => validateRepositoryName('repository', name)).toThrow(ConfigurationError);
    expect(() => validateRepositoryName('repository', name)).toThrow(
      /Input 'repository' is .*lowercase letters and digits/,
    );
  });
});

describe('image tags', () => {
  it.each(['v1', 'latest', '1.2.3', 'sha-abc1234', '_x', 'A'.repeat(128)])('accepts %s', (tag) => {
    expect(validateTag('tags', tag)).toBe(tag);
  });
  it.each(['$(touch /tmp/x)', '`id`', 'a;b', 'a b', '-v', '.hidden', 'a/b', 'A'.repeat(129), 'a|b', "a'b"])(
    'rejects %s',
    (tag) => {
      expect(() => validateTag('tags', tag)).toThrow(/Input 'tags' is .*at most 128 characters/);
    },
  );
});

describe('regions', () => {
  it.each(['us-east-1', 'eu-west-2', 'ap-southeast-1', 'us-gov-west-1', 'cn-north-1', 'me-central-1'])(
    'accepts %s',
    (r) => {
      expect(validateRegion('region', r)).toBe(r);
    },
  );
  it.each(['mars-1', 'us-east', 'US-EAST-1', 'useast1', 'us-east-1a', ''])('rejects %s', (r) => {
    expect(() => validateRegion('region', r)).toThrow(/Input 'region' is .*an AWS region such as us-east-1/);
  });
});

describe('ECR registry hosts', () => {
  it('parses account and region', () => {
    expect(parseEcrHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toEqual({
      host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      accountId: '123456789012',
      region: 'eu-west-1',
    });
    expect(parseEcrHost('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com')?.region).toBe('us-gov-west-1');
    expect(parseEcrHost('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')?.region).toBe('cn-north-1');
    expect(validateEcrHost('registry', 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/').accountId).toBe(
      '123456789012',
    );
  });
  it.each(['docker.io', '12345.dkr.ecr.us-east-1.amazonaws.com', '123456789012.dkr.ecr.mars.amazonaws.com'])(
    'rejects %s',
    (host) => {
      expect(() => validateEcrHost('registry', host)).toThrow(ConfigurationError);
    },
  );
});

describe('KMS keys', () => {
  it.each([
    '1234abcd-12ab-34cd-56ef-1234567890ab',
    'alias/ecr',
    'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws:kms:us-east-1:123456789012:alias/ecr',
    'mrk-1234abcd12ab34cd56ef1234567890ab',
  ])('accepts %s', (key) => expect(validateKmsKey('kms-key', key)).toBe(key));
  it.each(['my key', 'arn:aws:s3:::bucket', 'alias/'])('rejects %s', (key) => {
    expect(() => validateKmsKey('kms-key', key)).toThrow(/Input 'kms-key'/);
  });
});

describe('registry endpoint', () => {
  it('defaults to https and keeps the port', () => {
    expect(parseRegistryEndpoint('registry-endpoint', '127.0.0.1:15000')).toEqual({
      host: '127.0.0.1:15000',
      baseUrl: 'https://127.0.0.1:15000',
    });
    expect(parseRegistryEndpoint('registry-endpoint', 'http://127.0.0.1:15000/')).toEqual({
      host: '127.0.0.1:15000',
      baseUrl: 'http://127.0.0.1:15000',
    });
    expect(parseRegistryEndpoint('registry-endpoint', 'localhost.localstack.cloud:4510').host).toBe(
      'localhost.localstack.cloud:4510',
    );
  });
  it.each(['ftp://x', 'http://a/b', 'a:99999', 'a b', ''])('rejects %s', (value) => {
    expect(() => parseRegistryEndpoint('registry-endpoint', value)).toThrow(/Input 'registry-endpoint'/);
  });
});
