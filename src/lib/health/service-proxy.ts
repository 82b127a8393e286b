/**
 * A health-gate transport through the Kubernetes API server's service proxy:
 * GET /api/v1/namespaces/{ns}/services/{[scheme:]name:port}/proxy/{path}, authenticated with the
 * kubeconfig (client certificates, tokens, exec plugins), so a Service with no public address can be
 * probed from the runner. The status and body are the backend's; a 503 from the proxy itself ("no
 * endpoints available") counts as a failed attempt like any other.
 *
 * Note: the API server refuses to proxy to loopback and link-local endpoint addresses, so a
 * Service whose endpoints are 127.x or 169.254.x cannot be probed this way.
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { KubeClient } from '../kube/client.js';
import type { ProbeTarget } from './probe.js';
import { DNS1123_LABEL as DNS_LABEL } from '../objects/names.js';

export interface ServiceRef {
  namespace: string;
  name: string;
  /** Port number or name as in the Service's spec.ports. */
  port: string;
  /** `https` to have the API server talk TLS to the backend. */
  scheme?: 'http' | 'https';
}

/** Parses `namespace/name:port` (optionally `https://namespace/name:port`). */
export function parseServiceRef(input: string, value: string): ServiceRef {
  const expected = 'namespace/name:port, e.g. phlo/dagster-webserver:3000 (prefix https:// for a TLS backend)';
  let text = value.trim();
  let scheme: ServiceRef['scheme'];
  const m = /^(https?):\/\//.exec(text);
  if (m) {
    scheme = m[1] as 'http' | 'https';
    text = text.slice(m[0].length);
  }
  const match = /^([^/\s]+)\/([^:\s/]+):([^:\s/]+)$/.exec(text);
  if (!match) throw ConfigurationError.forInput(input, value, expected);
  const [, namespace, name, port] = match as unknown as [string, string, string, string];
  const portOk = /^\d+$/.test(port)
    ? Number(port) >= 1 && Number(port) <= 65535
    : DNS_LABEL.test(port) && port.length <= 15;
  if (!DNS_LABEL.test(namespace) || !DNS_LABEL.test(name) || !portOk)
    throw ConfigurationError.forInput(input, value, expected);
  return { namespace, name, port, scheme };
}

/** The API path of the proxy for a service and a path (which may carry a query). */
export function serviceProxyPath(ref: ServiceRef, path: string): { path: string; query: Record<string, string> } {
  const [p, q] = path.split('?', 2) as [string, string | undefined];
  const target = `${ref.scheme === 'https' ? 'https:' : ''}${ref.name}:${ref.port}`;
  const clean = p.replace(/^\/+/, '');
  const query: Record<string, string> = {};
  if (q) for (const [k, v] of new URLSearchParams(q)) query[k] = v;
  return {
    path: `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/services/${target}/proxy/${clean.split('/').map(encodeURIComponent).join('/')}`,
    query,
  };
}

const MAX_BODY = 64 * 1024;

/**
 * A ProbeTarget that reaches `path` of the Service through the API server, over one client for
 * every attempt: a latency is then the backend's, not a new TLS handshake's or an exec plugin's
 * (`aws eks get-token`).
 */
export function serviceProxyTarget(
  client: KubeClient,
  ref: ServiceRef,
  path: string,
  headers: Readonly<Record<string, string>> = {},
): ProbeTarget {
  const { path: apiPath, query } = serviceProxyPath(ref, path);
  const label = `service ${ref.namespace}/${ref.name}:${ref.port}${path.startsWith('/') ? path : `/${path}`}`;
  // The API server consumes Authorization itself; other headers are passed to the backend.
  const forwarded = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
  return {
    label,
    send: async ({ signal, timeoutMs }) => {
      const res = await client.send({
        method: 'GET',
        path: apiPath,
        query,
        signal,
        timeoutMs,
        accept: '*/*',
        headers: forwarded,
      });
      return { status: res.status, body: res.body.slice(0, MAX_BODY) };
    },
  };
}
