/**
 * Reading manifests over the registry HTTP API (OCI distribution spec), authenticated with HTTP
 * Basic from the ECR token. Used to verify the digest the registry serves after a push and, before
 * a push, to find out whether a tag already exists with other content (ECR's immutable tags).
 * The Authorization header is built here and never logged.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../runtime/clock.js';
import { retry, type RetryPolicy } from '../runtime/retry.js';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const INDEX_TYPES = new Set<string>([MANIFEST_MEDIA_TYPES[0], MANIFEST_MEDIA_TYPES[1]]);

export interface RegistryApi {
  /** http(s)://host[:port] */
  baseUrl: string;
  /** The full Authorization header value (e.g. `Basic …`). */
  authorization: string;
  clock: Clock;
  retry: RetryPolicy;
  fetch?: typeof fetch;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
}

export interface ManifestContent extends ManifestInfo {
  /** config.digest for an image manifest. */
  configDigest?: string;
  /** Child manifest digests for an index / manifest list. */
  children: string[];
}

export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super(`registry answered HTTP ${status} to ${what}`);
    this.name = 'RegistryHttpError';
  }
}

function manifestUrl(api: RegistryApi, repository: string, reference: string): string {
  return `${api.baseUrl.replace(/\/$/, '')}/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
}

async function request(
  api: RegistryApi,
  method: 'HEAD' | 'GET',
  url: string,
  what: string,
): Promise<Response | undefined> {
  const doFetch = api.fetch ?? fetch;
  return retry(
    async () => {
      const response = await doFetch(url, {
        method,
        headers: { Accept: MANIFEST_MEDIA_TYPES.join(', '), Authorization: api.authorization },
        signal: AbortSignal.timeout(api.timeoutMs ?? 30_000),
        redirect: 'follow',
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RegistryHttpError(response.status, what);
      }
      return response;
    },
    {
      ...api.retry,
      clock: api.clock,
      retryable: (error) =>
        error instanceof RegistryHttpError ? error.status === 429 || error.status >= 500 : isNetworkError(error),
    },
  );
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError;
}

/** HEAD a manifest: its digest (Docker-Content-Digest) and media type, or undefined when absent. */
export async function headManifest(
  api: RegistryApi,
  repository: string,
  reference: string,
): Promise<ManifestInfo | undefined> {
  const what = `HEAD manifest ${repository}:${reference}`;
  const response = await request(api, 'HEAD', manifestUrl(api, repository, reference), what);
  if (!response) return undefined;
  const digest = response.headers.get('docker-content-digest');
  if (!digest) throw new Error(`registry sent no Docker-Content-Digest for ${what}`);
  return { digest, mediaType: response.headers.get('content-type') ?? '' };
}

/** GET a manifest and hash its bytes; the computed digest must agree with the header. */
export async function getManifest(
  api: RegistryApi,
  repository: string,
  reference: string,
): Promise<ManifestContent | undefined> {
  const what = `GET manifest ${repository}:${reference}`;
  const response = await request(api, 'GET', manifestUrl(api, repository, reference), what);
  if (!response) return undefined;
  const body = Buffer.from(await response.arrayBuffer());
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const header = response.headers.get('docker-content-digest');
  if (header && header !== digest)
    throw new Error(`registry digest header ${header} does not match the manifest bytes (${digest}) for ${what}`);
  const parsed = JSON.parse(body.toString('utf8')) as {
    mediaType?: string;
    config?: { digest?: string };
    manifests?: Array<{ digest?: string }>;
  };
  const mediaType = parsed.mediaType ?? response.headers.get('content-type') ?? '';
  return {
    digest,
    mediaType,
    configDigest: parsed.config?.digest,
    children: INDEX_TYPES.has(mediaType) ? (parsed.manifests ?? []).flatMap((m) => (m.digest ? [m.digest] : [])) : [],
  };
}

/**
 * Does the manifest at `reference` hold the local image `imageId`? True when the manifest digest is
 * the id (containerd image store), its config digest is the id (classic store), or, for an index,
 * one of its children's config digest is.
 */
export async function manifestHoldsImage(
  api: RegistryApi,
  repository: string,
  manifest: ManifestContent,
  imageId: string,
): Promise<boolean> {
  if (manifest.digest === imageId || manifest.configDigest === imageId) return true;
  for (const child of manifest.children.slice(0, 32)) {
    const content = await getManifest(api, repository, child);
    if (content && (content.digest === imageId || content.configDigest === imageId)) return true;
  }
  return false;
}
