/**
 * Makes sure the ECR repository exists with safe settings, idempotently. A missing repository is
 * created with everything set; an existing one is reconciled where ECR allows it after creation
 * (tag mutability, scan on push, lifecycle policy). Encryption can only be chosen at creation: a
 * difference is reported as a warning, never "fixed" by recreating the repository.
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { lifecyclePolicyText, samePolicy, type LifecyclePolicy } from './lifecycle.js';

export type TagMutability = 'IMMUTABLE' | 'MUTABLE';
export type Encryption = { type: 'AES256' } | { type: 'KMS'; kmsKey?: string };

export interface RepositorySettings {
  name: string;
  /** The registry (account) id; the caller's own account when unset. */
  registryId?: string;
  tagMutability: TagMutability;
  scanOnPush: boolean;
  encryption: Encryption;
  /** The lifecycle policy to keep in place; undefined leaves any existing policy alone. */
  lifecycle?: LifecyclePolicy;
  /** Create the repository when it is missing (otherwise a missing repository is an error). */
  create: boolean;
}

export interface RepositoryResult {
  name: string;
  registryId: string;
  /** The URI ECR reports, `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
  repositoryUri: string;
  created: boolean;
  /** What was changed on an existing repository (empty when it already matched). */
  changes: string[];
  /** Differences that cannot be reconciled (encryption). */
  warnings: string[];
  tagMutability: TagMutability;
}

type Send = Pick<ECRClient, 'send'>;

/** What the repository looks like now: read-only, so it may run before anything is decided. */
export interface RepositoryLook {
  /** Undefined when the repository does not exist. */
  repository?: Repository;
  /** The lifecycle policy in place (only read when the settings manage one). */
  lifecyclePolicyText?: string;
}

/**
 * Reads the repository (and its lifecycle policy when one is managed) without changing anything. The
 * two reads go side by side: the policy is asked of the same registry (the settings' registry id, else
 * the caller's account, which is where DescribeRepositories looked), and its answer — an error
 * included — counts only when the repository exists.
 */
export async function inspectRepository(client: Send, settings: RepositorySettings): Promise<RepositoryLook> {
  const policy = settings.lifecycle ? getLifecyclePolicyText(client, settings.name, settings.registryId) : undefined;
  policy?.catch(() => undefined); // read below only when the repository exists
  const repository = await describeRepository(client, settings);
  if (!repository || !policy) return repository ? { repository } : {};
  const lifecyclePolicyText = await policy;
  return { repository, ...(lifecyclePolicyText !== undefined ? { lifecyclePolicyText } : {}) };
}

/**
 * Makes the repository match the settings: creates it when missing (if allowed), corrects tag
 * mutability and scan on push, keeps the lifecycle policy, reports an encryption difference (fixed at
 * creation). `look` is an earlier inspectRepository (the pipeline reads while the image builds); the
 * writes, if any, happen only here.
 */
export async function ensureRepository(
  client: Send,
  settings: RepositorySettings,
  logger: Logger,
  look?: RepositoryLook,
): Promise<RepositoryResult> {
  const seen = look ?? (await inspectRepository(client, settings));
  let repository = seen.repository;
  let policyText = seen.lifecyclePolicyText;
  let created = false;
  const changes: string[] = [];
  const warnings: string[] = [];

  if (!repository) {
    if (!settings.create) {
      throw new ConfigurationError(
        `ECR repository '${settings.name}' does not exist and input 'create-repository' is 'false': expected an existing repository, or create-repository: true.`,
      );
    }
    try {
      const response = await client.send(
        new CreateRepositoryCommand({
          repositoryName: settings.name,
          ...(settings.registryId ? { registryId: settings.registryId } : {}),
          imageTagMutability: settings.tagMutability,
          imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
          encryptionConfiguration:
            settings.encryption.type === 'KMS'
              ? { encryptionType: 'KMS', ...(settings.encryption.kmsKey ? { kmsKey: settings.encryption.kmsKey } : {}) }
              : { encryptionType: 'AES256' },
        }),
      );
      repository = response.repository;
      created = true;
      logger.info(
        `Created ECR repository ${settings.name} (${settings.tagMutability}, scan on push ${settings.scanOnPush ? 'on' : 'off'}, ${settings.encryption.type})`,
      );
    } catch (error) {
      // Another job created it between our describe and create: reconcile it like any existing one.
      if (errorName(error) !== 'RepositoryAlreadyExistsException') throw error;
      const again = await inspectRepository(client, settings);
      repository = again.repository;
      policyText = again.lifecyclePolicyText;
    }
    if (!repository) throw new Error(`ECR repository '${settings.name}' could not be read back after creation`);
  }

  if (!created) {
    if (repository.imageTagMutability !== settings.tagMutability) {
      await client.send(
        new PutImageTagMutabilityCommand({
          repositoryName: settings.name,
          registryId: repository.registryId,
          imageTagMutability: settings.tagMutability,
        }),
      );
      changes.push(`image tag mutability ${repository.imageTagMutability ?? 'unset'} → ${settings.tagMutability}`);
    }
    const scanOnPush = repository.imageScanningConfiguration?.scanOnPush ?? false;
    if (scanOnPush !== settings.scanOnPush) {
      await client.send(
        new PutImageScanningConfigurationCommand({
          repositoryName: settings.name,
          registryId: repository.registryId,
          imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
        }),
      );
      changes.push(`scan on push ${scanOnPush ? 'on' : 'off'} → ${settings.scanOnPush ? 'on' : 'off'}`);
    }
    const encryptionWarning = compareEncryption(repository, settings.encryption);
    if (encryptionWarning) warnings.push(encryptionWarning);
  }

  if (settings.lifecycle) {
    // A repository made just now has no policy yet; an existing one's was read with it.
    const existing = created ? undefined : policyText;
    if (!samePolicy(existing, settings.lifecycle)) {
      await client.send(
        new PutLifecyclePolicyCommand({
          repositoryName: settings.name,
          registryId: repository.registryId,
          lifecyclePolicyText: lifecyclePolicyText(settings.lifecycle),
        }),
      );
      if (!created) changes.push(existing ? 'lifecycle policy replaced' : 'lifecycle policy added');
    }
  }

  for (const change of changes) logger.info(`ECR repository ${settings.name}: ${change}`);
  for (const warning of warnings) logger.warning(warning);
  if (!created && changes.length === 0) logger.info(`ECR repository ${settings.name} exists with the wanted settings`);

  if (!repository.repositoryUri || !repository.registryId) {
    throw new Error(`ECR repository '${settings.name}' has no URI or registry id in DescribeRepositories`);
  }
  return {
    name: settings.name,
    registryId: repository.registryId,
    repositoryUri: repository.repositoryUri,
    created,
    changes,
    warnings,
    tagMutability: settings.tagMutability,
  };
}

async function describeRepository(client: Send, settings: RepositorySettings): Promise<Repository | undefined> {
  try {
    const response = await client.send(
      new DescribeRepositoriesCommand({
        repositoryNames: [settings.name],
        ...(settings.registryId ? { registryId: settings.registryId } : {}),
      }),
    );
    return response.repositories?.[0];
  } catch (error) {
    if (errorName(error) === 'RepositoryNotFoundException') return undefined;
    throw error;
  }
}

async function getLifecyclePolicyText(
  client: Send,
  name: string,
  registryId: string | undefined,
): Promise<string | undefined> {
  try {
    const response = await client.send(new GetLifecyclePolicyCommand({ repositoryName: name, registryId }));
    return response.lifecyclePolicyText;
  } catch (error) {
    if (errorName(error) === 'LifecyclePolicyNotFoundException') return undefined;
    throw error;
  }
}

/** Encryption is fixed at creation; describe a difference so the user can decide what to do. */
export function compareEncryption(
  repository: Pick<Repository, 'repositoryName' | 'encryptionConfiguration'>,
  wanted: Encryption,
): string | undefined {
  const actualType = repository.encryptionConfiguration?.encryptionType ?? 'AES256';
  const actualKey = repository.encryptionConfiguration?.kmsKey;
  const name = repository.repositoryName ?? 'the repository';
  const fixed =
    'ECR sets encryption only when a repository is created; recreate it (or change the input) to make them agree';
  if (wanted.type === 'AES256' && actualType !== 'AES256') {
    return `ECR repository ${name} is encrypted with ${actualType}${actualKey ? ` (${actualKey})` : ''}, not AES256 as asked: ${fixed}.`;
  }
  if (wanted.type === 'KMS') {
    if (actualType !== 'KMS' && actualType !== 'KMS_DSSE') {
      return `ECR repository ${name} is encrypted with ${actualType}, not KMS as asked: ${fixed}.`;
    }
    if (wanted.kmsKey && actualKey && !sameKmsKey(actualKey, wanted.kmsKey)) {
      return `ECR repository ${name} uses KMS key ${actualKey}, not ${wanted.kmsKey} as asked: ${fixed}.`;
    }
  }
  return undefined;
}

/** A key ARN matches the same ARN or its bare key id; aliases cannot be resolved here, so they match. */
function sameKmsKey(actualArn: string, wanted: string): boolean {
  if (wanted.startsWith('alias/') || wanted.includes(':alias/')) return true;
  if (actualArn === wanted) return true;
  return actualArn.endsWith(`:key/${wanted}`) || actualArn.endsWith(`/${wanted}`);
}

export function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : undefined;
}
