/**
 * One way to make an AWS SDK v3 client: region and endpoint overridable (the local stack points the
 * endpoint at moto or MinIO), adaptive retries (backoff with jitter on throttling, 5xx and dropped
 * connections, and a send rate that slows when throttled), credentials from the environment (the SDK's
 * default chain: OIDC through aws-actions/configure-aws-credentials upstream, or AWS_* variables).
 * ECR uses it now; S3, RDS and STS use it the same way.
 */
import { ConfigurationError } from '../runtime/errors.js';

export interface AwsClientSettings {
  region: string;
  /** API endpoint override (e.g. http://127.0.0.1:15001 for moto); AWS's own endpoint when unset. */
  endpoint?: string;
  /** Total attempts per API call, first one included (6 by default). */
  maxAttempts?: number;
  /** S3 only: bucket in the path (`<endpoint>/<bucket>/<key>`), as MinIO and other S3-compatible stores need. */
  forcePathStyle?: boolean;
  /**
   * Static credentials (the local stack's MinIO, whose keys differ from moto's); unset in production,
   * where the SDK's default chain finds them.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The services phlo-deploy talks to, by the suffix of their AWS_ENDPOINT_URL_<SERVICE> variable. */
export type AwsService = 'ECR' | 'S3' | 'RDS' | 'STS';

/** The client configuration every SDK client takes (no credentials: the default chain finds them). */
export function awsClientConfig(settings: AwsClientSettings): {
  region: string;
  endpoint?: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts ?? 6,
    ...(settings.forcePathStyle ? { forcePathStyle: true } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
}

/** `createAwsClient(ECRClient, settings)`, `createAwsClient(S3Client, settings)`, … */
export function createAwsClient<C>(
  Client: new (config: ReturnType<typeof awsClientConfig>) => C,
  settings: AwsClientSettings,
): C {
  return new Client(awsClientConfig(settings));
}

/** The endpoint the environment names for a service: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL. */
export function awsEndpointFromEnv(service: AwsService, env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/** The region the environment names (AWS_REGION, else AWS_DEFAULT_REGION). */
export function awsRegionFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function validateRegion(input: string, value: string): string {
  if (!REGION.test(value)) {
    throw ConfigurationError.forInput(input, value, 'an AWS region such as us-east-1, eu-west-2 or us-gov-west-1');
  }
  return value;
}
