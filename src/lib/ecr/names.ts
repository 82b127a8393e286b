/**
 * The grammars of the names push-ecr takes: ECR repository names, image tags, AWS regions, ECR
 * registry hosts, KMS keys. Pure functions; every failure is a ConfigurationError naming the input,
 * the value and the expected form, so bad input stops the action before anything is written.
 */
import { ConfigurationError } from '../runtime/errors.js';
import { validateRegion } from '../aws/client.js';

export { validateRegion };

/** ECR's repository name grammar (CreateRepository API reference), 2 to 256 characters. */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Docker's tag grammar: a word character, then up to 127 word characters, dots or dashes. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Commercial, GovCloud, China and ISO partitions: us-east-1, us-gov-west-1, cn-north-1, us-iso-east-1. */
/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
/** A key id, a multi-Region key id, an alias, or the ARN of a key or alias. */
const KMS_KEY =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]{1,250}))$/;
/** `host[:port]`, optionally with an http:// or https:// scheme, nothing after. */
const ENDPOINT = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/;

export function validateRepositoryName(input: string, value: string): string {
  if (value.length < 2 || value.length > 256 || !REPOSITORY_NAME.test(value)) {
    throw ConfigurationError.forInput(
      input,
      value,
      'an ECR repository name of 2 to 256 characters: lowercase letters and digits, separated by single ' +
        "'.', '_' or '-', with '/' between path parts (e.g. phlo/dagster)",
    );
  }
  return value;
}

export function validateTag(input: string, value: string): string {
  if (!TAG.test(value)) {
    throw ConfigurationError.forInput(
      input,
      value,
      "image tags of at most 128 characters from letters, digits, '_', '.' and '-', not starting with '.' or '-'",
    );
  }
  return value;
}

export interface EcrRegistryHost {
  host: string;
  accountId: string;
  region: string;
}

/** Parses an ECR registry host; returns undefined for anything that is not one. */
export function parseEcrHost(value: string): EcrRegistryHost | undefined {
  const match = ECR_HOST.exec(value.toLowerCase());
  if (!match) return undefined;
  return { host: value.toLowerCase(), accountId: match[1]!, region: match[2]! };
}

export function validateEcrHost(input: string, value: string): EcrRegistryHost {
  const bare = value.replace(/^https:\/\//, '').replace(/\/$/, '');
  const parsed = parseEcrHost(bare);
  if (!parsed) {
    throw ConfigurationError.forInput(
      input,
      value,
      'an ECR registry host <12-digit account>.dkr.ecr.<region>.amazonaws.com (e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com)',
    );
  }
  validateRegion(input, parsed.region);
  return parsed;
}

export function validateKmsKey(input: string, value: string): string {
  if (!KMS_KEY.test(value)) {
    throw ConfigurationError.forInput(input, value, 'a KMS key id, key ARN, alias/<name> or alias ARN');
  }
  return value;
}

/** A registry endpoint: where `docker login`/`docker push` and manifest reads go. */
export interface RegistryEndpoint {
  /** `host[:port]` as docker names it in image references and `docker login`. */
  host: string;
  /** Base URL of the registry's HTTP API (scheme + host + port). */
  baseUrl: string;
}

/**
 * Parses `host[:port]` (https) or `http://host[:port]` / `https://host[:port]`. The scheme is what the
 * manifest read-back uses; docker decides its own transport (plain HTTP only for its insecure
 * registries, which include 127.0.0.0/8).
 */
export function parseRegistryEndpoint(input: string, value: string): RegistryEndpoint {
  const match = ENDPOINT.exec(value);
  const port = match?.[3] ? Number(match[3]) : undefined;
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    throw ConfigurationError.forInput(
      input,
      value,
      'a registry address host[:port], optionally with http:// or https:// (e.g. 127.0.0.1:15000 or http://127.0.0.1:15000)',
    );
  }
  const scheme = match[1] ?? 'https';
  const hostname = match[2]!.toLowerCase();
  if (scheme === 'http' && !isLoopback(hostname)) {
    throw new ConfigurationError(
      `Input '${input}' is '${value}': plain http:// would send the registry credentials (Basic auth) in clear text to '${hostname}'; use https:// (or no scheme), or http:// only for a loopback registry such as http://127.0.0.1:15000.`,
    );
  }
  const host = `${hostname}${port !== undefined ? `:${port}` : ''}`;
  return { host, baseUrl: `${scheme}://${host}` };
}

/** localhost, 127.0.0.0/8 or ::1: the only hosts a registry may be reached over plain http. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' || /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname) || hostname === '[::1]'
  );
}
