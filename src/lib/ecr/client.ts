/**
 * The ECR client (made by the AWS client helper, src/lib/aws/client.ts: region, endpoint, adaptive
 * retries, credentials from the environment) and GetAuthorizationToken.
 */
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { SecretMasker } from '../runtime/logger.js';
import { createAwsClient, type AwsClientSettings } from '../aws/client.js';

export type EcrClientSettings = AwsClientSettings;

export function createEcrClient(settings: EcrClientSettings): ECRClient {
  return createAwsClient(ECRClient, settings);
}

export interface RegistryCredentials {
  username: string;
  password: string;
  /** The base64 `user:password` token ECR returned (what docker stores as `auth`). */
  token: string;
  expiresAt: Date | undefined;
  /** https://<account>.dkr.ecr.<region>.amazonaws.com */
  proxyEndpoint: string | undefined;
  /** The account id the token is for (from the proxy endpoint host). */
  accountId: string | undefined;
}

/**
 * Calls GetAuthorizationToken and masks the token, the password and the `user:password` pair
 * through `mask` before returning, so nothing can print them afterwards.
 */
export async function getRegistryCredentials(
  client: Pick<ECRClient, 'send'>,
  mask: SecretMasker,
  registryId?: string,
): Promise<RegistryCredentials> {
  const response = await client.send(new GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {}));
  const data = response.authorizationData?.[0];
  const token = data?.authorizationToken;
  if (!token) throw new Error('ECR GetAuthorizationToken returned no authorization data');
  mask(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new Error('ECR authorization token is not of the form user:password');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  mask(password);
  mask(decoded);
  const host = data.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const accountId = host ? /^(\d{12})\./.exec(host)?.[1] : undefined;
  return { username, password, token, expiresAt: data.expiresAt, proxyEndpoint: data.proxyEndpoint, accountId };
}

/** HTTP Basic credentials for the registry API. Never log the result. */
export function basicAuthorization(credentials: Pick<RegistryCredentials, 'username' | 'password'>): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}
