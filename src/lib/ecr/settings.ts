/**
 * push-ecr's inputs parsed once into a typed settings object. Every problem is collected and
 * reported together (ConfigurationErrors) before anything is written.
 */
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import type { RetryPolicy } from '../runtime/retry.js';
import { defaultPolicy, parseSeverities, type ScanPolicy } from '../scan/policy.js';
import type { OnUnavailable } from './gate.js';
import { buildLifecyclePolicy } from './lifecycle.js';
import {
  parseRegistryEndpoint,
  validateEcrHost,
  validateKmsKey,
  validateRegion,
  validateRepositoryName,
  validateTag,
  type EcrRegistryHost,
  type RegistryEndpoint,
} from './names.js';
import type { PushSettings, SessionSettings } from './push.js';
import type { Encryption, TagMutability } from './repository.js';
import { awsEndpointFromEnv, awsRegionFromEnv } from '../aws/client.js';

export interface ScanWaitSettings {
  timeoutMs: number;
  intervalMs: number;
  startScanIfMissing: boolean;
  onUnavailable: OnUnavailable;
  policy: ScanPolicy;
  /** Path of an ignore file (parsed by the caller with the shared scan ignore loader). */
  ignoreFile?: string;
}

export interface PushEcrSettings {
  push: PushSettings;
  region: string;
  /** ECR API endpoint override (moto, LocalStack); AWS's own when unset. */
  ecrEndpoint?: string;
  apiMaxAttempts: number;
  registryHost?: EcrRegistryHost;
  /** Set when wait-for-scan is on. */
  scan?: ScanWaitSettings;
}

/**
 * push-ecr's settings as a pipeline stage parses them: everything but the image and its tags, which
 * come from build-scan as values (and are all the registry session does not need).
 */
export type PushEcrStageSettings = Omit<PushEcrSettings, 'push'> & { push: SessionSettings };

/** The push-ecr action's settings (every problem at once). */
export function parsePushEcrSettings(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): PushEcrSettings {
  const { problems, attempt } = collectProblems();
  const image = attempt(() =>
    inputs.required('image', 'a local image id or name:tag (e.g. the image-id output of build-scan)'),
  );
  const tags = attempt(() => {
    const list = inputs.list('tags');
    if (list.length === 0) {
      throw new ConfigurationError(
        "Input 'tags' is required but was not set: expected one or more image tags, one per line or comma separated.",
      );
    }
    return [...new Set(list.map((t) => validateTag('tags', t)))];
  });
  const stage = attempt(() => parsePushEcrStageSettings(inputs, env));
  if (problems.length > 0) throw new ConfigurationErrors(problems);
  return { ...stage!, push: { ...stage!.push, image: image!, tags: tags! } };
}

/** push-ecr's settings without the image and its tags (the deploy pipeline's; every problem at once). */
export function parsePushEcrStageSettings(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): PushEcrStageSettings {
  const { problems, attempt } = collectProblems();

  const repositoryName = attempt(() =>
    validateRepositoryName('repository', inputs.required('repository', 'an ECR repository name such as phlo/dagster')),
  );
  const registryHost = attempt(() => {
    const value = inputs.optional('registry');
    return value ? validateEcrHost('registry', value) : undefined;
  });
  const region = attempt(() => {
    const given = inputs.optional('region');
    if (given) {
      validateRegion('region', given);
      if (registryHost && registryHost.region !== given) {
        throw ConfigurationError.forInput(
          'region',
          given,
          `the region of input 'registry' (${registryHost.region}), or leave region unset`,
        );
      }
      return given;
    }
    const fallback = registryHost?.region ?? awsRegionFromEnv(env);
    if (!fallback) {
      throw new ConfigurationError(
        "Input 'region' is required but was not set: expected an AWS region such as us-east-1 (or set 'registry' to an ECR host, or AWS_REGION).",
      );
    }
    return validateRegion(env.AWS_REGION && !registryHost ? 'region (from AWS_REGION)' : 'region', fallback);
  });

  const ecrEndpoint = attempt(() => {
    const url = inputs.url('ecr-endpoint', awsEndpointFromEnv('ECR', env));
    return url?.toString().replace(/\/$/, '');
  });
  const registryEndpoint = attempt((): RegistryEndpoint | undefined => {
    const value = inputs.optional('registry-endpoint');
    return value ? parseRegistryEndpoint('registry-endpoint', value) : undefined;
  });

  const create = attempt(() => inputs.boolean('create-repository', true));
  const tagMutability = attempt(() =>
    inputs.oneOf<TagMutability>('tag-mutability', ['IMMUTABLE', 'MUTABLE'], 'IMMUTABLE'),
  );
  const scanOnPush = attempt(() => inputs.boolean('scan-on-push', true));
  const encryption = attempt((): Encryption => {
    const kmsKey = inputs.optional('kms-key');
    const type = inputs.oneOf('encryption', ['AES256', 'KMS'], kmsKey ? 'KMS' : 'AES256');
    if (kmsKey) {
      validateKmsKey('kms-key', kmsKey);
      if (type !== 'KMS')
        throw ConfigurationError.forInput('encryption', type, "KMS when 'kms-key' is set (or leave encryption unset)");
      return { type: 'KMS', kmsKey };
    }
    return type === 'KMS' ? { type: 'KMS' } : { type: 'AES256' };
  });
  const keepTagged = attempt(() => inputs.int('lifecycle-keep-tagged', 100, { min: 0, max: 10_000 }));
  const untaggedDays = attempt(() => inputs.int('lifecycle-untagged-days', 14, { min: 0, max: 10_000 }));
  const manageLifecycle = attempt(() => inputs.boolean('lifecycle-policy', true));
  const pushAttempts = attempt(() => inputs.int('push-attempts', 5, { min: 1, max: 20 }));
  const apiMaxAttempts = attempt(() => inputs.int('api-max-attempts', 6, { min: 1, max: 20 }));

  const waitForScan = attempt(() => inputs.boolean('wait-for-scan', false));
  // Checked also when not waiting: a bad value is a mistake whether or not it is used this time.
  const scan = attempt((): ScanWaitSettings | undefined => {
    const failOn = parseSeverities('severity', inputs.list('severity', ['HIGH', 'CRITICAL']));
    const ignoreFile = inputs.optional('ignore-file');
    const settings: ScanWaitSettings = {
      timeoutMs: inputs.duration('scan-timeout', '10m', { minMs: 1000 }),
      intervalMs: inputs.duration('scan-interval', '10s', { minMs: 100 }),
      startScanIfMissing: inputs.boolean('start-scan', true),
      onUnavailable: inputs.oneOf<OnUnavailable>('scan-unavailable', ['fail', 'warn'], 'fail'),
      policy: defaultPolicy({ failOn, fixableOnly: inputs.boolean('fixable-only', false) }),
      ...(ignoreFile ? { ignoreFile } : {}),
    };
    return waitForScan ? settings : undefined;
  });

  if (problems.length > 0) throw new ConfigurationErrors(problems);

  const lifecycle = manageLifecycle
    ? buildLifecyclePolicy({ keepTagged: keepTagged!, untaggedDays: untaggedDays! })
    : undefined;
  const retry: RetryPolicy = { attempts: pushAttempts!, baseMs: 1000, capMs: 20_000 };
  return {
    push: {
      repository: {
        name: repositoryName!,
        ...(registryHost ? { registryId: registryHost.accountId } : {}),
        tagMutability: tagMutability!,
        scanOnPush: scanOnPush!,
        encryption: encryption!,
        ...(lifecycle ? { lifecycle } : {}),
        create: create!,
      },
      ...(registryEndpoint ? { registryEndpoint } : {}),
      retry,
    },
    region: region!,
    ...(ecrEndpoint ? { ecrEndpoint } : {}),
    apiMaxAttempts: apiMaxAttempts!,
    ...(registryHost ? { registryHost } : {}),
    ...(scan ? { scan } : {}),
  };
}
