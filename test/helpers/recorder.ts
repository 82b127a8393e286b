/**
 * A local HTTP server that records what it receives — the stand-in for SaaS that cannot run here
 * (GitHub's REST API, Slack, PagerDuty). Tests assert on `requests`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export type Responder = (req: Recorded) => { status: number; body?: unknown } | undefined;

/**
 * GitHub's deployments API as a responder: POST …/deployments answers a new id (counting up from
 * `firstId`), POST …/deployments/<id>/statuses answers 201; anything else falls through.
 */
export function githubDeployments(firstId: number): Responder {
  let id = firstId - 1;
  return (req) => {
    if (req.method === 'POST' && /\/deployments$/.test(req.path)) return { status: 201, body: { id: ++id } };
    if (req.method === 'POST' && /\/deployments\/\d+\/statuses$/.test(req.path))
      return { status: 201, body: { id: 1 } };
    return undefined;
  };
}

/** One issue of githubIssues' store. */
export interface RecordedIssue {
  number: number;
  body: string;
  state: string;
}

/**
 * GitHub's issues API of `owner/repo` as a responder over `issues` (the store the test reads): GET
 * …/issues lists the open ones, POST …/issues opens one, POST …/issues/<n>/comments answers 201,
 * PATCH …/issues/<n> updates body and state; anything else falls through.
 */
export function githubIssues(repository: string, issues: RecordedIssue[]): Responder {
  const base = `/repos/${repository}/issues`;
  return (req) => {
    const [pathOnly] = req.path.split('?');
    if (!pathOnly!.startsWith(base)) return undefined;
    const m = /^(?:\/(\d+))?(\/comments)?$/.exec(pathOnly!.slice(base.length));
    if (!m) return undefined;
    const body = req.json as { body?: string; state?: string } | undefined;
    if (req.method === 'GET' && !m[1]) return { status: 200, body: issues.filter((i) => i.state === 'open') };
    if (req.method === 'POST' && !m[1]) {
      const issue = { number: issues.length + 1, body: body?.body ?? '', state: 'open' };
      issues.push(issue);
      return { status: 201, body: issue };
    }
    const issue = issues.find((i) => i.number === Number(m[1]));
    if (!issue) return undefined;
    if (req.method === 'POST' && m[2]) return { status: 201, body: { id: 1 } };
    if (req.method === 'PATCH') {
      if (body?.body) issue.body = body.body;
      if (body?.state) issue.state = body.state;
      return { status: 200, body: issue };
    }
    return undefined;
  };
}

export class Recorder {
  readonly requests: Recorded[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private responder: Responder = () => ({ status: 200, body: {} })) {}

  respond(responder: Responder): void {
    this.responder = responder;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      this.requests.push(rec);
      const answer = this.responder(rec) ?? { status: 404, body: { message: 'Not Found' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }
}
