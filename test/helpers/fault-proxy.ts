/**
 * A fault-injecting HTTP proxy for tests: it sits between an AWS SDK client (or any HTTP client) and
 * a real endpoint (moto, MinIO…) and, by rules, answers some requests with an error, drops their
 * connection, or delays them; everything else is passed through unchanged. Every request is
 * recorded with what was done to it, so a test asserts what the client really sent.
 *
 *   const proxy = await new FaultProxy(stack.AWS_ENDPOINT_URL, [
 *     { match: { target: 'DescribeRepositories' }, times: 2, fault: throttling() },  // 400 ThrottlingException
 *     { match: { target: 'DescribeRepositories' }, times: 1, fault: { status: 503 } },
 *     { match: { target: 'DescribeRepositories' }, times: 1, fault: 'drop' },
 *   ]).start();
 *   const ecr = createEcrClient({ region, endpoint: proxy.url });   // …the 5th attempt reaches moto
 *   expect(proxy.log.map((r) => r.outcome)).toEqual([400, 400, 503, 'dropped', 200]);
 *   await proxy.stop();
 *
 * Requests are matched by the AWS JSON protocol's operation (the X-Amz-Target header, e.g.
 * `AmazonEC2ContainerRegistry_V20150921.DescribeRepositories`, matched by its operation name), the
 * method, the path (S3: bucket and key, Kubernetes: the object's path and query), or a predicate.
 * Rules are tried in order; a rule with `times` applies to that many matching requests and then
 * steps aside.
 *
 * In front of an HTTPS server (the Kubernetes API server) it terminates TLS with a certificate of its
 * own and opens its own TLS connections upstream, with the CA and client certificate it is given —
 * so it sees every request, as the server does. A gauge counts the matching requests in flight at
 * once (from when the proxy has read one until its answer is complete), and a `gather` fault holds
 * matching requests until that many are held together, so a client that can send k at once is seen
 * doing it, whatever the machine's load:
 *
 *   const proxy = await new FaultProxy(kubeServer, [{ match: writes, fault: { gather: 3, maxWaitMs: 2000 } }], {
 *     server: selfSignedCert(dir),                      // test/helpers/tls.ts
 *     upstream: { ca, cert, key },                      // the stack kubeconfig's
 *   }).start();
 *   const inFlight = proxy.gauge(writes);
 *   …                                                   // a client whose kubeconfig points at proxy.url
 *   expect(inFlight.peak).toBe(3);
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
  type Server,
  type ServerResponse,
} from 'node:http';
import {
  Agent as HttpsAgent,
  createServer as createHttpsServer,
  request as httpsRequest,
  type AgentOptions as HttpsAgentOptions,
} from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The AWS JSON operation name (after the dot of X-Amz-Target), when there is one. */
  operation?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** What to do with a matching request. */
export type Fault =
  /** Answer with this status and (by default) an AWS-style JSON error body. */
  | { status: number; code?: string; message?: string; body?: string; headers?: Record<string, string> }
  /** Destroy the client's connection without answering (the SDK sees ECONNRESET / socket hang up). */
  | 'drop'
  /** Pass through after a delay. */
  | { delayMs: number }
  /**
   * Hold matching requests until `gather` of them are held at once, then pass them all through; a
   * request held `maxWaitMs` passes on its own (a client that never sends that many at once is slowed
   * down, not stuck).
   */
  | { gather: number; maxWaitMs: number };

/** Which requests a rule or a gauge is about. */
export type RequestMatch =
  | { operation?: string | RegExp; target?: string | RegExp; method?: string; path?: string | RegExp }
  | ((req: ProxiedRequest) => boolean);

export interface FaultRule {
  match?: RequestMatch;
  /** How many matching requests it applies to; unlimited when unset. */
  times?: number;
  fault: Fault;
}

export interface LogEntry {
  method: string;
  path: string;
  operation?: string;
  /** The status the client got, 'dropped', or 'error' (the upstream could not be reached). */
  outcome: number | 'dropped' | 'error';
  /** True when the proxy answered itself (a fault), false when the upstream did. */
  injected: boolean;
  /** S3 CopyObject / UploadPartCopy: the x-amz-copy-source header (`<bucket>/<key>`, URL-encoded). */
  copySource?: string;
}

/** A 400 ThrottlingException as AWS JSON services answer it. */
export function throttling(message = 'Rate exceeded'): Fault {
  return { status: 400, code: 'ThrottlingException', message };
}

/** A 5xx with an AWS-style error body (500 InternalFailure, 503 ServiceUnavailable by default). */
export function serverError(status: 500 | 502 | 503 | 504 = 503): Fault {
  const code = status === 500 ? 'InternalFailure' : status === 503 ? 'ServiceUnavailable' : 'BadGateway';
  return { status, code, message: `injected ${status}` };
}

const test = (pattern: string | RegExp | undefined, value: string | undefined): boolean =>
  pattern === undefined ||
  (value !== undefined && (typeof pattern === 'string' ? value === pattern : pattern.test(value)));

function matchesRequest(m: RequestMatch | undefined, req: ProxiedRequest): boolean {
  if (!m) return true;
  if (typeof m === 'function') return m(req);
  const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
  return (
    test(m.operation, req.operation) &&
    test(m.target, target) &&
    (m.method === undefined || m.method.toUpperCase() === req.method) &&
    test(m.path, req.path)
  );
}

/** TLS on either side of the proxy. */
export interface ProxyTls {
  /** The proxy's own certificate and key: it listens on https (test/helpers/tls.ts makes one). */
  server?: { key: string; cert: string };
  /** For an https upstream: the CA it is checked against and the client certificate presented to it. */
  upstream?: Pick<HttpsAgentOptions, 'ca' | 'cert' | 'key'>;
}

/** Matching requests in flight at once, as the proxy sees them: now, at most so far, and in all. */
export interface Gauge {
  readonly inFlight: number;
  readonly peak: number;
  readonly total: number;
}

type Rule = FaultRule & { used: number; held: Array<() => void> };
type GaugeState = { match: RequestMatch; inFlight: number; peak: number; total: number };

export class FaultProxy {
  readonly log: LogEntry[] = [];
  private rules: Rule[];
  private readonly gauges: GaugeState[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstream: URL;
  private readonly upstreamAgent?: HttpsAgent;
  private inFlight = 0;
  url = '';

  constructor(
    upstream: string,
    rules: FaultRule[] = [],
    private readonly tls: ProxyTls = {},
  ) {
    this.upstream = new URL(upstream);
    this.rules = rules.map((r) => ({ ...r, used: 0, held: [] }));
    if (this.upstream.protocol === 'https:') this.upstreamAgent = new HttpsAgent({ keepAlive: true, ...tls.upstream });
  }

  /** Replaces the rules (their counts start again); the log is kept. */
  setRules(rules: FaultRule[]): void {
    for (const rule of this.rules) for (const release of rule.held.splice(0)) release();
    this.rules = rules.map((r) => ({ ...r, used: 0, held: [] }));
  }

  /** Counts the matching requests from now on (in flight at once, the peak, the total). */
  gauge(match: RequestMatch): Gauge {
    const state: GaugeState = { match, inFlight: 0, peak: 0, total: 0 };
    this.gauges.push(state);
    return {
      get inFlight() {
        return state.inFlight;
      },
      get peak() {
        return state.peak;
      },
      get total() {
        return state.total;
      },
    };
  }

  async start(): Promise<this> {
    const listener = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    this.server = this.tls.server ? createHttpsServer(this.tls.server, listener) : createServer(listener);
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const scheme = this.tls.server ? 'https' : 'http';
    this.url = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.setRules([]);
    for (const socket of this.sockets) socket.destroy();
    this.upstreamAgent?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once every request received so far has been answered and logged. */
  async settled(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private matches(rule: Rule, req: ProxiedRequest): boolean {
    if (rule.times !== undefined && rule.used >= rule.times) return false;
    return matchesRequest(rule.match, req);
  }

  /** Holds the request until `gather` are held by this rule, or `maxWaitMs` have passed. */
  private gather(rule: Rule, fault: { gather: number; maxWaitMs: number }): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = rule.held.indexOf(release);
        if (i >= 0) rule.held.splice(i, 1);
        resolve();
      }, fault.maxWaitMs);
      const release = (): void => {
        clearTimeout(timer);
        resolve();
      };
      rule.held.push(release);
      if (rule.held.length >= fault.gather) for (const r of rule.held.splice(0)) r();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    try {
      await this.serve(req, res);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.headers['x-amz-target'];
    const proxied: ProxiedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      operation: typeof target === 'string' ? target.split('.').pop() : undefined,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const copySource = req.headers['x-amz-copy-source'];
    const entry = {
      method: proxied.method,
      path: proxied.path,
      operation: proxied.operation,
      ...(typeof copySource === 'string' ? { copySource } : {}),
    };
    const gauges = this.gauges.filter((g) => matchesRequest(g.match, proxied));
    for (const g of gauges) {
      g.inFlight += 1;
      g.total += 1;
      g.peak = Math.max(g.peak, g.inFlight);
    }
    try {
      await this.answer(proxied, req, res, entry);
    } finally {
      for (const g of gauges) g.inFlight -= 1;
    }
  }

  private async answer(
    proxied: ProxiedRequest,
    req: IncomingMessage,
    res: ServerResponse,
    entry: Pick<LogEntry, 'method' | 'path' | 'operation' | 'copySource'>,
  ): Promise<void> {
    const rule = this.rules.find((r) => this.matches(r, proxied));
    if (rule) rule.used += 1;
    const fault = rule?.fault;
    if (fault === 'drop') {
      this.log.push({ ...entry, outcome: 'dropped', injected: true });
      req.socket.destroy();
      return;
    }
    if (fault && 'status' in fault) {
      const body =
        fault.body ??
        JSON.stringify({ __type: fault.code ?? 'InjectedFault', message: fault.message ?? `injected ${fault.status}` });
      res.writeHead(fault.status, {
        'content-type': 'application/x-amz-json-1.1',
        ...(fault.code ? { 'x-amzn-errortype': fault.code } : {}),
        'x-amzn-requestid': 'fault-proxy',
        ...fault.headers,
      });
      res.end(body);
      this.log.push({ ...entry, outcome: fault.status, injected: true });
      return;
    }
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (rule && fault && 'gather' in fault) await this.gather(rule, fault);
    await this.pass(proxied, res, entry);
  }

  private pass(
    req: ProxiedRequest,
    res: ServerResponse,
    entry: Pick<LogEntry, 'method' | 'path' | 'operation' | 'copySource'>,
  ): Promise<void> {
    return new Promise((resolve) => {
      // Headers unchanged (Host included): the client signed them (SigV4), and S3 servers check that.
      const headers = { ...req.headers };
      const options: RequestOptions = {
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.path,
        headers,
      };
      const send = this.upstreamAgent
        ? (cb: (answer: IncomingMessage) => void) => httpsRequest({ ...options, agent: this.upstreamAgent }, cb)
        : (cb: (answer: IncomingMessage) => void) => httpRequest(options, cb);
      const upstream = send((answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          this.log.push({ ...entry, outcome: answer.statusCode ?? 502, injected: false });
          resolve();
        });
      });
      upstream.on('error', () => {
        this.log.push({ ...entry, outcome: 'error', injected: false });
        if (!res.headersSent) res.writeHead(502);
        res.end();
        resolve();
      });
      upstream.end(req.body);
    });
  }
}
