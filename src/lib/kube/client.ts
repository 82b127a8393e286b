/**
 * A small raw-JSON Kubernetes client over node:https with a keep-alive agent.
 *
 * Why not `KubernetesObjectApi`: it round-trips every object through the typed model serializer
 * (unknown fields of CRDs are dropped, timestamps turn into Date objects), which makes "is the
 * dry-run result equal to the live object" comparisons unreliable, and it opens a new connection
 * per call. Here bodies go out and come back as plain JSON. Authentication and TLS still come from
 * the KubeConfig (client-node's `applyToHTTPSOptions`), loaded by `config.ts`.
 */
import https from 'node:https';
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectRef } from './types.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface KubeList<T = KubeObject> {
  items: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** The Status body the API server sends with an error. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ type?: string; message?: string; field?: string }>;
  };
}

/**
 * An API error. Shaped like client-node's ApiException (`code` + `body`) so that `describeError`
 * turns it into one line. The message holds only the Status message, never headers.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly body: KubeStatus,
    readonly method: string,
    readonly path: string,
  ) {
    super(body.message ? `${method} ${path}: ${body.message}` : `${method} ${path}: HTTP ${code}`);
  }
  get reason(): string | undefined {
    return this.body.reason;
  }
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

/** What discovery says about a kind. */
export interface ResourceInfo {
  /** Plural resource name as in the URL (deployments). */
  resource: string;
  namespaced: boolean;
  kind: string;
  apiVersion: string;
  verbs: string[];
}

interface DiscoveryResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

/** A thin client: JSON in, JSON out, discovery cached per group/version. */
export class KubeClient {
  private readonly agent: https.Agent | http.Agent;
  private readonly server: URL;
  private headers: Record<string, string> = {};
  private headersAt = 0;
  private readonly discovery = new Map<string, Promise<DiscoveryResource[] | undefined>>();

  private constructor(
    private readonly kc: KubeConfig,
    private readonly tls: https.AgentOptions,
    headers: Record<string, string>,
    maxSockets: number,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('The kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.headers = headers;
    this.headersAt = Date.now();
    this.agent =
      this.server.protocol === 'https:'
        ? new https.Agent({ ...tls, keepAlive: true, maxSockets })
        : new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Builds a client from a loaded KubeConfig (see config.ts). */
  static async create(kc: KubeConfig, options: { maxSockets?: number } = {}): Promise<KubeClient> {
    const { tls, headers } = await authOptions(kc);
    return new KubeClient(kc, tls, headers, options.maxSockets ?? 32);
  }

  /** Closes idle keep-alive sockets (call when done, so the process can exit). */
  close(): void {
    this.agent.destroy();
  }

  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    // exec/OIDC tokens expire: refresh the auth headers every minute.
    if (Date.now() - this.headersAt > 60_000) {
      this.headers = (await authOptions(this.kc)).headers;
      this.headersAt = Date.now();
    }
    const base = this.server.pathname.replace(/\/$/, '');
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const path = `${base}${opts.path}${qs.size ? `?${qs.toString()}` : ''}`;
    const payload =
      opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const mod = this.server.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = mod.request(
        {
          protocol: this.server.protocol,
          hostname: this.server.hostname,
          port: this.server.port,
          path,
          method: opts.method,
          headers,
          agent: this.agent,
          timeout: opts.timeoutMs ?? 60_000,
          ...(this.server.protocol === 'https:' ? this.tls : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            let parsed: unknown = undefined;
            if (text) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = undefined;
              }
            }
            if (code >= 200 && code < 300) {
              resolve(parsed as T);
              return;
            }
            const status: KubeStatus =
              parsed && typeof parsed === 'object'
                ? (parsed as KubeStatus)
                : { code, message: text.split('\n', 1)[0]?.slice(0, 300) || `HTTP ${code}` };
            reject(new KubeApiError(code, status, opts.method, opts.path));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${opts.method} ${opts.path}: timed out`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // keep the cause (a bug or an outage), but say which server could not be reached
        reject(
          new Error(
            `Cannot reach the Kubernetes API server at ${this.server.origin} (${opts.method} ${opts.path}): ${error.code ?? error.message}`,
            { cause: error },
          ),
        );
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** GET that returns undefined on 404. */
  async getOrUndefined<T = KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: 'GET', path });
    } catch (error) {
      if (error instanceof KubeApiError && error.code === 404) return undefined;
      throw error;
    }
  }

  /** Lists every page of a collection. */
  async list<T = KubeObject>(path: string, query: Record<string, string | undefined> = {}): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page: KubeList<T> = await this.request<KubeList<T>>({
        method: 'GET',
        path,
        query: { ...query, limit: 500, continue: token },
      });
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  /** Discovery for one apiVersion+kind; undefined when the server does not know it. */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let pending = this.discovery.get(apiVersion);
    if (!pending) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      pending = this.getOrUndefined<{ resources: DiscoveryResource[] }>(path).then((r) => r?.resources);
      // a failed discovery call must not poison the cache
      pending.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, pending);
    }
    const resources = await pending;
    const found = resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) return undefined;
    return { resource: found.name, namespaced: found.namespaced, kind, apiVersion, verbs: found.verbs ?? [] };
  }

  /** URL path of a collection (namespace given for namespaced resources). */
  static collectionPath(info: ResourceInfo, namespace?: string): string {
    const root = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
    if (info.namespaced && namespace) return `${root}/namespaces/${encodeURIComponent(namespace)}/${info.resource}`;
    return `${root}/${info.resource}`;
  }

  static objectPath(info: ResourceInfo, ref: Pick<ObjectRef, 'namespace' | 'name'>): string {
    return `${KubeClient.collectionPath(info, info.namespaced ? ref.namespace : undefined)}/${encodeURIComponent(ref.name)}`;
  }
}

async function authOptions(kc: KubeConfig): Promise<{ tls: https.AgentOptions; headers: Record<string, string> }> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
  }
  if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const tls: https.AgentOptions = {};
  if (opts.ca) tls.ca = opts.ca;
  if (opts.cert) tls.cert = opts.cert;
  if (opts.key) tls.key = opts.key;
  if (opts.pfx) tls.pfx = opts.pfx;
  if (opts.passphrase) tls.passphrase = opts.passphrase;
  if (opts.rejectUnauthorized !== undefined) tls.rejectUnauthorized = opts.rejectUnauthorized;
  if (opts.servername) tls.servername = opts.servername;
  return { tls, headers };
}
