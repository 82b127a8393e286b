/** health-gate's typed settings, parsed once from inputs. */
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import { type Inputs, parseList, parseUrl } from '../runtime/inputs.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import type { HealthPolicy } from './probe.js';
import { parseServiceRef, type ServiceRef } from './service-proxy.js';

export interface HealthGateSettings {
  /** Base URLs to probe (each joined with each path). */
  urls: URL[];
  paths: string[];
  /** Sent with every probe; the values are masked. */
  headers: Record<string, string>;
  /** Services probed through the API server's service proxy (with the kubeconfig). */
  services: ServiceRef[];
  kube: KubeconfigSettings;
  policy: HealthPolicy;
}

/** The health-gate action's settings: header values and the kubeconfig masked first, every problem at once. */
export function parseHealthGateSettings(inputs: Inputs, mask: (secret: string) => void): HealthGateSettings {
  const headers = parseHeaders(inputs.raw('headers'), inputs.name('headers'));
  for (const value of Object.values(headers)) mask(value);
  const kube = readKubeconfigInputs(inputs, mask);
  const { problems, attempt } = collectProblems();
  const target = attempt(() => parseUrlSettings(inputs));
  const policy = attempt(() => parsePolicy(inputs));
  const services: ServiceRef[] = [];
  for (const item of inputs.list('service')) {
    const ref = attempt(() => parseServiceRef(inputs.name('service'), item));
    if (ref) services.push(ref);
  }
  if (problems.length > 0) throw new ConfigurationErrors(problems);
  if (target!.urls.length === 0 && services.length === 0) {
    throw new ConfigurationError(
      `Input '${inputs.name('url')}' (or '${inputs.name('service')}') is required: give one or more base URLs, e.g. https://app.example.com, or services as namespace/name:port`,
    );
  }
  return { urls: target!.urls, paths: target!.paths, headers, services, kube, policy: policy! };
}

export const DEFAULT_PATHS = ['/health', '/ready'];

export function parsePolicy(inputs: Inputs): HealthPolicy {
  const expectedStatus = parseStatusCodes(inputs.name('expected-status'), inputs.string('expected-status', '200'));
  const expectJson = parseExpectJson(inputs.map('expect-json'));
  const latency = inputs.raw('latency-budget');
  return {
    expectedStatus,
    consecutiveSuccesses: inputs.int('consecutive-successes', 3, { min: 1, max: 1000 }),
    intervalMs: inputs.duration('interval', '2s', { minMs: 50 }),
    attemptTimeoutMs: inputs.duration('attempt-timeout', '5s', { minMs: 100 }),
    deadlineMs: inputs.duration('timeout', '5m', { minMs: 1000 }),
    expectJson,
    latencyBudgetMs: latency ? inputs.duration('latency-budget', 0) : undefined,
  };
}

/** Parses `Name: value` lines; the values are secrets (auth headers) — the caller masks them. */
export function parseHeaders(raw: string, input = 'headers'): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = raw.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // Only the line number: any part of the line, the text before a colon included, may be a credential.
      throw new ConfigurationError(
        `Input '${input}' line ${index + 1} is not 'Name: value': write one header per line, e.g. 'Authorization: Bearer …'.`,
      );
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function parseStatusCodes(input: string, raw: string): number[] {
  const codes = new Set<number>();
  for (const item of parseList(raw)) {
    const range = /^(\d{3})-(\d{3})$/.exec(item);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to || from < 100 || to > 599)
        throw ConfigurationError.forInput(input, raw, 'status codes or ranges such as 200, 204 or 200-299');
      for (let c = from; c <= to; c++) codes.add(c);
    } else if (/^\d{3}$/.test(item) && Number(item) >= 100 && Number(item) <= 599) {
      codes.add(Number(item));
    } else {
      throw ConfigurationError.forInput(input, raw, 'status codes or ranges such as 200, 204 or 200-299');
    }
  }
  if (codes.size === 0) throw ConfigurationError.forInput(input, raw, 'at least one status code');
  return [...codes];
}

function parseExpectJson(pairs: Map<string, string>): Record<string, unknown> | undefined {
  if (pairs.size === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    try {
      out[key] = JSON.parse(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}

export function parseUrlSettings(inputs: Inputs): { urls: URL[]; paths: string[] } {
  const bases = inputs.list('url').map((u) => parseUrl(inputs.name('url'), u));
  const paths = inputs.list('paths', DEFAULT_PATHS);
  for (const p of paths) {
    if (!p.startsWith('/'))
      throw ConfigurationError.forInput(inputs.name('paths'), p, "paths starting with '/', e.g. /health");
  }
  return { urls: bases, paths };
}
