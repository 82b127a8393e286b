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
 * method, the path (S3: bucket and key), or a predicate. Rules are tried in order; a rule with
 * `times` applies to that many matching requests and then steps aside.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
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
  | { delayMs: number };

export interface FaultRule {
  match?:
    | { operation?: string | RegExp; target?: string | RegExp; method?: string; path?: string | RegExp }
    | ((req: ProxiedRequest) => boolean);
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

export class FaultProxy {
  readonly log: LogEntry[] = [];
  private rules: Array<FaultRule & { used: number }>;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstream: URL;
  private inFlight = 0;
  url = '';

  constructor(upstream: string, rules: FaultRule[] = []) {
    this.upstream = new URL(upstream);
    this.rules = rules.map((r) => ({ ...r, used: 0 }));
  }

  /** Replaces the rules (their counts start again); the log is kept. */
  setRules(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, used: 0 }));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once every request received so far has been answered and logged. */
  async settled(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private matches(rule: FaultRule & { used: number }, req: ProxiedRequest): boolean {
    if (rule.times !== undefined && rule.used >= rule.times) return false;
    const m = rule.match;
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
      const upstream = httpRequest(
        {
          protocol: this.upstream.protocol,
          hostname: this.upstream.hostname,
          port: this.upstream.port,
          method: req.method,
          path: req.path,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            this.log.push({ ...entry, outcome: answer.statusCode ?? 502, injected: false });
            resolve();
          });
        },
      );
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
