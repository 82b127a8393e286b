/**
 * The one raw-JSON Kubernetes client (apply, revisions, rollback, the gates, the health service
 * proxy, and the list-watch loop in watch.ts), over node:http(s).
 *
 * Why not `KubernetesObjectApi`: it round-trips every object through the typed model serializer
 * (unknown fields of CRDs are dropped, timestamps turn into Date objects), which makes "is the
 * dry-run result equal to the live object" comparisons unreliable, and it opens a new connection
 * per call. Here bodies go out and come back as plain JSON.
 *
 * Auth and TLS come from `KubeConfig.applyToHTTPSOptions` (tokens, client certificates, exec
 * plugins such as `aws eks get-token`), refreshed every minute because exec and OIDC tokens expire.
 * Connections: one-shot requests share a keep-alive pool of at most `maxSockets`; a watch holds its
 * connection for minutes, so watches get a keep-alive pool of their own without a cap (a capped pool
 * full of watches would starve every other request). A kubeconfig `proxy-url` is honoured with the
 * proxy agent client-node builds for it.
 *
 * Functions given a KubeConfig instead of a KubeClient make a client for their call and close it
 * (`withKubeClient`); pass a KubeClient to share one connection pool across calls.
 */
import https from 'node:https';
import http from 'node:http';
import { createSecureContext } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectRef } from '../objects/types.js';

/** Any Kubernetes object as JSON: typed where every caller agrees, loose elsewhere. */
export interface KubeObject {
  /** Absent on the items of a LIST. */
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion?: string; kind: string; name: string; uid: string; controller?: boolean }>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    [key: string]: unknown;
  };
  // Loosely typed on purpose: rules read what they need and tolerate absence.
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  status?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
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
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

/**
 * An API error. Shaped like client-node's ApiException (`code` + `body`) so that `describeError`
 * turns it into one line. `body` is the server's Status; a body that is not JSON becomes a Status
 * whose message is its first line. The message never holds headers.
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

  /** The error for a non-2xx answer with this body text. */
  static fromResponse(code: number, text: string, method: string, path: string): KubeApiError {
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const status: KubeStatus =
      parsed && typeof parsed === 'object'
        ? (parsed as KubeStatus)
        : { code, message: text.split('\n', 1)[0]?.slice(0, 300) || `HTTP ${code}` };
    return new KubeApiError(code, status, method, path);
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method: HttpMethod;
  /** API path without the server's own path prefix, e.g. /api/v1/namespaces. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-serialised unless already a string. */
  body?: unknown;
  contentType?: string;
  /** Default application/json. */
  accept?: string;
  /** Extra request headers (never logged); the kubeconfig's auth headers win over them. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Deadline for the whole request, body included (default 60 s, the API server's own request timeout). */
  timeoutMs?: number;
}

/** A raw answer, whatever its status. */
export interface KubeResponse {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
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

interface Auth {
  headers: Record<string, string>;
  tls: https.AgentOptions;
  /** client-node's agent when the kubeconfig names a proxy-url (it does the proxying). */
  proxyAgent?: http.Agent;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const AUTH_TTL_MS = 60_000;

/**
 * Built-in kinds whose plural is known without asking discovery (the gates watch these), keyed by
 * apiVersion and kind: a kind name alone is not unique (a CRD may define `Deployment` in its own
 * group, under a plural of its own). Any other apiVersion/kind goes to discovery.
 */
const PLURALS: Record<string, Record<string, string>> = {
  v1: { Pod: 'pods', Event: 'events', Service: 'services' },
  'apps/v1': {
    Deployment: 'deployments',
    StatefulSet: 'statefulsets',
    DaemonSet: 'daemonsets',
    ReplicaSet: 'replicasets',
    ControllerRevision: 'controllerrevisions',
  },
  'batch/v1': { Job: 'jobs' },
  'events.k8s.io/v1': { Event: 'events' },
};

/** A thin client: JSON in, JSON out, discovery cached per group/version. */
export class KubeClient {
  private readonly server: URL;
  private readonly agent: http.Agent;
  private readonly streamAgent: http.Agent;
  private auth?: { at: number; value: Promise<Auth> };
  private readonly discovery = new Map<string, Promise<DiscoveryResource[] | undefined>>();
  /**
   * Settled once the pool's first TLS connection can be followed: its session came (the agent keeps it),
   * or its answer did, or it failed. Requests sent meanwhile wait for it instead of each opening a
   * connection with a full handshake at once, so the connections opened after it resume that session
   * (no certificate chain to check, no client-certificate signature: about half the CPU of a full
   * handshake, on both sides). drift-check's first reads open a dozen connections together.
   */
  private firstConnection?: Promise<void>;

  private constructor(
    private readonly kc: KubeConfig,
    maxSockets: number,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error('The kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    const Agent = this.server.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets });
    this.streamAgent = new Agent({ keepAlive: true });
  }

  /**
   * Builds a client from a loaded KubeConfig (see config.ts). Credentials are loaded by the first
   * request, so a passing failure of an exec plugin is retried by the next one (the watch loop
   * relies on that).
   */
  static async create(kc: KubeConfig, options: { maxSockets?: number } = {}): Promise<KubeClient> {
    return new KubeClient(kc, options.maxSockets ?? 32);
  }

  /** Closes the connections (call when done, so the process can exit). */
  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  /** A request whose 2xx JSON body is returned; other statuses throw a KubeApiError. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    const res = await this.send(opts);
    if (res.status < 200 || res.status >= 300)
      throw KubeApiError.fromResponse(res.status, res.body, opts.method, opts.path);
    if (!res.body) return undefined as T;
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new Error(`${opts.method} ${opts.path}: HTTP ${res.status} with a body that is not JSON`);
    }
  }

  /** One request; resolves with status and body for any HTTP status, rejects on transport errors. */
  async send(opts: RequestOptions): Promise<KubeResponse> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
    // The wait for credentials (a slow or hung exec plugin) is part of the deadline and abortable.
    const pending = this.authenticate();
    let auth: Auth;
    try {
      auth = await untilAborted(pending, signal);
    } catch (error) {
      if (!signal.aborted) throw error; // the plugin failed: its own message
      // This request gave up on the load: the next one starts a new one instead of waiting on it.
      if (deadline.aborted) this.forgetAuth(pending);
      throw this.failure(
        error,
        opts,
        deadline.aborted
          ? `no answer within ${timeoutMs} ms (still waiting for the kubeconfig's credentials)`
          : undefined,
      );
    }
    let lead: (() => void) | undefined;
    if (!this.firstConnection && this.server.protocol === 'https:' && !auth.proxyAgent)
      this.firstConnection = new Promise<void>((resolve) => (lead = resolve));
    else if (this.firstConnection) {
      try {
        await untilAborted(this.firstConnection, signal);
      } catch (error) {
        throw this.failure(error, opts, deadline.aborted ? `no answer within ${timeoutMs} ms` : undefined);
      }
    }
    try {
      const res = await this.open(opts, auth, this.agent, signal, lead && followable(lead)).finally(lead);
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers };
    } catch (error) {
      throw this.failure(error, opts, deadline.aborted ? `no answer within ${timeoutMs} ms` : undefined);
    }
  }

  /**
   * Sends a long-lived request (a watch) and resolves as soon as the response headers arrive,
   * whatever the status; the caller reads the body and destroys it. No deadline: the caller bounds
   * it. `onRequest` hands over the request so the caller can destroy it at any time; `opts.signal`
   * also ends the wait for credentials that comes before the request exists.
   */
  async stream(opts: RequestOptions, onRequest?: (req: http.ClientRequest) => void): Promise<http.IncomingMessage> {
    let auth: Auth;
    try {
      auth = await untilAborted(this.authenticate(), opts.signal);
    } catch (error) {
      throw opts.signal?.aborted ? this.failure(error, opts) : error; // a failed plugin: its own message
    }
    try {
      return await this.open(opts, auth, this.streamAgent, opts.signal, onRequest);
    } catch (error) {
      throw this.failure(error, opts);
    }
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
      pending = this.getOrUndefined<{ resources: DiscoveryResource[] }>(apiRoot(apiVersion)).then((r) => r?.resources);
      // a failed discovery call must not poison the cache
      pending.catch(() => this.discovery.delete(apiVersion));
      this.discovery.set(apiVersion, pending);
    }
    const resources = await pending;
    const found = resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) return undefined;
    return { resource: found.name, namespaced: found.namespaced, kind, apiVersion, verbs: found.verbs ?? [] };
  }

  /**
   * The plural resource name of a kind: built-in kinds from a table keyed by apiVersion and kind
   * (no request), anything else (custom resources, whatever their kind is called) through discovery. Throws when the server does not serve the kind.
   */
  async resolvePlural(apiVersion: string, kind: string): Promise<string> {
    return (await this.resolve(apiVersion, kind)).resource;
  }

  /** The resource of an apiVersion and kind: the table's built-in kinds (namespaced), else discovery. */
  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const plural = PLURALS[apiVersion]?.[kind];
    if (plural) return { resource: plural, namespaced: true, kind, apiVersion, verbs: [] };
    const info = await this.resourceFor(apiVersion, kind);
    if (!info) throw new Error(`The API server does not serve kind ${kind} in ${apiVersion}`);
    return info;
  }

  /**
   * The one mapping from (apiVersion, kind, namespace, name) to a URL path: the object's path, or its
   * collection's when no name is given (the namespace is dropped for cluster-scoped kinds).
   */
  async pathOf(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'namespace'> & { name?: string }): Promise<string> {
    const info = await this.resolve(ref.apiVersion, ref.kind);
    return ref.name === undefined
      ? KubeClient.collectionPath(info, ref.namespace)
      : KubeClient.objectPath(info, { namespace: ref.namespace, name: ref.name });
  }

  /** URL path of a collection (namespace given for namespaced resources). */
  static collectionPath(info: ResourceInfo, namespace?: string): string {
    return collectionPath(info.apiVersion, info.resource, info.namespaced ? namespace : undefined);
  }

  static objectPath(info: ResourceInfo, ref: Pick<ObjectRef, 'namespace' | 'name'>): string {
    return objectPath(info.apiVersion, info.resource, info.namespaced ? ref.namespace : undefined, ref.name);
  }

  /** The auth of the kubeconfig, loaded again once it is a minute old (exec/OIDC tokens expire). */
  private authenticate(): Promise<Auth> {
    if (!this.auth || Date.now() - this.auth.at > AUTH_TTL_MS) {
      const value = loadAuth(this.kc);
      // a failed load (exec plugin down) is tried again by the next request
      value.catch(() => this.forgetAuth(value));
      this.auth = { at: Date.now(), value };
    }
    return this.auth.value;
  }

  /** Drops a credential load that is still cached, so that the next request starts a new one. */
  private forgetAuth(value: Promise<Auth>): void {
    if (this.auth?.value === value) this.auth = undefined;
  }

  /** The one URL builder: server (with its path prefix, if any) + API path + query. */
  private url(path: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(this.server.href.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private open(
    opts: RequestOptions,
    auth: Auth,
    agent: http.Agent,
    signal: AbortSignal | undefined,
    onRequest?: (req: http.ClientRequest) => void,
  ): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = {
      ...opts.headers,
      ...auth.headers,
      Accept: opts.accept ?? 'application/json',
    };
    const payload =
      opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const secure = this.server.protocol === 'https:';
    const request = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        this.url(opts.path, opts.query),
        {
          method: opts.method,
          headers,
          agent: auth.proxyAgent ?? agent,
          signal,
          ...(secure ? auth.tls : {}),
        },
        resolve,
      );
      req.on('error', reject);
      onRequest?.(req);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** A transport failure as one line naming the server; a stop asked by the caller stays as it is. */
  private failure(error: unknown, opts: RequestOptions, detail?: string): unknown {
    if (opts.signal?.aborted) return error;
    const e = error as NodeJS.ErrnoException;
    return new Error(
      `Cannot reach the Kubernetes API server at ${this.server.origin} (${opts.method} ${opts.path}): ${detail ?? e.code ?? e.message}`,
      { cause: error },
    );
  }
}

/**
 * Calls `done` once the request's connection has its TLS session (TLS 1.3 sends it just after the
 * handshake), at most 50 ms after the handshake for a server that keeps none, or once the request
 * failed or ended.
 */
function followable(done: () => void): (req: http.ClientRequest) => void {
  return (req) => {
    req.once('socket', (socket) => {
      socket.once('session', done);
      socket.once('secureConnect', () => setTimeout(done, 50).unref());
    });
    req.once('error', done);
    req.once('close', done);
  };
}

/** Runs `fn` with `kube` itself, or with a client made from the KubeConfig for this call and closed after it. */
export async function withKubeClient<T>(
  kube: KubeConfig | KubeClient,
  fn: (client: KubeClient) => Promise<T>,
  options: { maxSockets?: number } = {},
): Promise<T> {
  if (kube instanceof KubeClient) return fn(kube);
  const client = await KubeClient.create(kube, options);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** `KubeClient.send` for callers holding a KubeConfig or a client. */
export function kubeRequest(
  kube: KubeConfig | KubeClient,
  method: HttpMethod,
  path: string,
  options: Omit<RequestOptions, 'method' | 'path'> = {},
): Promise<KubeResponse> {
  return withKubeClient(kube, (client) => client.send({ ...options, method, path }));
}

/** `KubeClient.request` (2xx JSON body, else a KubeApiError) for callers holding a KubeConfig or a client. */
export function kubeJson<T = unknown>(
  kube: KubeConfig | KubeClient,
  method: HttpMethod,
  path: string,
  options: Omit<RequestOptions, 'method' | 'path'> = {},
): Promise<T> {
  return withKubeClient(kube, (client) => client.request<T>({ ...options, method, path }));
}

function apiRoot(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** API path of a collection (namespaced when namespace is given). */
export function collectionPath(apiVersion: string, plural: string, namespace?: string): string {
  const root = apiRoot(apiVersion);
  return namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${root}/${plural}`;
}

export function objectPath(apiVersion: string, plural: string, namespace: string | undefined, name: string): string {
  return `${collectionPath(apiVersion, plural, namespace)}/${encodeURIComponent(name)}`;
}

/** The rejection of a wait that `signal` stopped, shaped like Node's own (name AbortError, code ABORT_ERR). */
class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  constructor(signal: AbortSignal) {
    super('The operation was aborted', { cause: signal.reason });
  }
}

/**
 * Settles like `promise`, or rejects with an AbortError as soon as `signal` aborts. What `promise`
 * stands for goes on (client-node cannot stop an exec plugin it started); others may still wait on it.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AbortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The credentials of the current user. client-node runs an exec plugin and hands its output to
 * JSON.parse, whose SyntaxError quotes the start of that output (part of a token, if the plugin
 * printed a bare one), or reads `status` of a JSON value that is no ExecCredential (a TypeError).
 * Either becomes one line that names the plugin and quotes none of its output.
 */
async function applyCredentials(kc: KubeConfig, opts: https.RequestOptions): Promise<void> {
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (error) {
    const user = kc.getCurrentUser();
    const exec = (user?.exec ?? user?.authProvider?.config?.exec) as { command?: unknown } | undefined;
    const e = error as Error | undefined;
    const noCredential =
      e?.name === 'SyntaxError' || (e?.name === 'TypeError' && /clientCertificateData|'status'/.test(e.message));
    if (!exec || !noCredential) throw error;
    const command = typeof exec.command === 'string' ? ` '${exec.command}'` : '';
    // no cause: the SyntaxError's message holds the plugin's output
    throw new Error(
      `The kubeconfig's exec credential plugin${command} printed no valid ExecCredential JSON ` +
        '(expected an object of kind ExecCredential with a status.token or client certificate; its output is not shown)',
    );
  }
}

async function loadAuth(kc: KubeConfig): Promise<Auth> {
  const opts: https.RequestOptions = {};
  await applyCredentials(kc, opts);
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
  // One TLS context for every connection of this identity: without it each new socket parses the CA,
  // the client certificate and its key again. The options stay too: the agent pools (and resumes TLS
  // sessions) by them, so another identity never shares a connection.
  tls.secureContext = createSecureContext({
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.pfx ? { pfx: tls.pfx } : {}),
    ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
  });
  const proxied = Boolean(kc.getCurrentCluster()?.proxyUrl) && opts.agent instanceof http.Agent;
  return { headers, tls, ...(proxied ? { proxyAgent: opts.agent as http.Agent } : {}) };
}
