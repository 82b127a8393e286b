import { ConfigurationError } from './errors.js';

/**
 * Where raw input strings come from: `core.getInput` in an action, flags in the CLI, a plain object
 * in tests. Every action parses its inputs once, through these helpers, into a typed settings object;
 * nothing below the entry point reads inputs.
 */
export type InputSource = (name: string) => string;

export function fromRecord(record: Record<string, string | undefined>): InputSource {
  return (name) => record[name] ?? '';
}

/**
 * Typed readers over an InputSource; every failure is a ConfigurationError naming the input as the
 * user wrote it: `naming` maps a reader's name to that (the root pipeline reads a stage's `timeout`
 * from its own `rollout-timeout`), and parsers name inputs in their messages through `name()`.
 */
export class Inputs {
  constructor(
    private readonly source: InputSource,
    private readonly naming: (name: string) => string = (name) => name,
  ) {}

  /** The input's name as the user wrote it (in a message). */
  name(name: string): string {
    return this.naming(name);
  }

  raw(name: string): string {
    return this.source(name).trim();
  }

  string(name: string, fallback = ''): string {
    return this.raw(name) || fallback;
  }

  required(name: string, expected = 'a value'): string {
    const value = this.raw(name);
    if (!value) {
      throw new ConfigurationError(`Input '${this.name(name)}' is required but was not set: expected ${expected}.`);
    }
    return value;
  }

  optional(name: string): string | undefined {
    return this.raw(name) || undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (!value) return fallback;
    return parseBoolean(this.name(name), value);
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (!value) return fallback;
    return parseInteger(this.name(name), value, range);
  }

  number(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (!value) return fallback;
    const n = Number(value);
    if (
      !Number.isFinite(n) ||
      (range.min !== undefined && n < range.min) ||
      (range.max !== undefined && n > range.max)
    ) {
      throw ConfigurationError.forInput(this.name(name), value, `a number${describeRange(range)}`);
    }
    return n;
  }

  /**
   * A duration such as `500ms`, `30s`, `10m`, `1h30m` or a bare number of seconds; returns ms. `range`
   * (in ms) bounds what the user may write: a probe every 0 ms or a deadline of 0 s is a mistake.
   */
  duration(name: string, fallback: string | number, range: { minMs?: number; maxMs?: number } = {}): number {
    const value = this.raw(name);
    if (!value) return typeof fallback === 'number' ? fallback : parseDuration(this.name(name), fallback);
    const ms = parseDuration(this.name(name), value);
    if ((range.minMs !== undefined && ms < range.minMs) || (range.maxMs !== undefined && ms > range.maxMs)) {
      const bounds = [
        range.minMs !== undefined ? `at least ${formatDuration(range.minMs)}` : '',
        range.maxMs !== undefined ? `at most ${formatDuration(range.maxMs)}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      throw ConfigurationError.forInput(this.name(name), value, `a duration of ${bounds}, e.g. ${fallback}`);
    }
    return ms;
  }

  /** A list split on newlines and commas, trimmed, empty items dropped. */
  list(name: string, fallback: readonly string[] = []): string[] {
    const value = this.raw(name);
    if (!value) return [...fallback];
    return parseList(value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (!value) return fallback;
    const lower = value.toLowerCase();
    const match = allowed.find((a) => a.toLowerCase() === lower);
    if (!match) throw ConfigurationError.forInput(this.name(name), value, `one of ${allowed.join(', ')}`);
    return match;
  }

  /** `key=value` pairs, one per line (or comma separated); keys must be unique. */
  map(name: string): Map<string, string> {
    const value = this.raw(name);
    const out = new Map<string, string>();
    if (!value) return out;
    for (const item of parseList(value)) {
      const eq = item.indexOf('=');
      if (eq <= 0) throw ConfigurationError.forInput(this.name(name), item, 'key=value pairs, one per line');
      const key = item.slice(0, eq).trim();
      if (out.has(key)) throw ConfigurationError.forInput(this.name(name), item, `each key once (${key} repeats)`);
      out.set(key, item.slice(eq + 1).trim());
    }
    return out;
  }

  url(name: string, fallback?: string): URL | undefined {
    const value = this.raw(name) || fallback;
    if (!value) return undefined;
    return parseUrl(this.name(name), value);
  }
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export function parseBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw ConfigurationError.forInput(name, value, 'true or false');
}

export function parseInteger(name: string, value: string, range: { min?: number; max?: number } = {}): number {
  const v = value.trim();
  if (!/^-?\d+$/.test(v)) throw ConfigurationError.forInput(name, value, `a whole number${describeRange(range)}`);
  const n = Number(v);
  if (
    !Number.isSafeInteger(n) ||
    (range.min !== undefined && n < range.min) ||
    (range.max !== undefined && n > range.max)
  ) {
    throw ConfigurationError.forInput(name, value, `a whole number${describeRange(range)}`);
  }
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(name: string, value: string): number {
  const v = value.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of v.matchAll(re)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== v.length) {
    throw ConfigurationError.forInput(name, value, 'a duration such as 30s, 10m, 1h30m or 500ms');
  }
  return Math.round(total);
}

export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * An absolute http(s) URL without credentials in it: `user:password@` in a URL ends up in logs, errors,
 * outputs and notices, so it is refused (headers carry credentials), and never echoed in the message.
 */
export function parseUrl(name: string, value: string): URL {
  const shown = withoutUserinfo(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw ConfigurationError.forInput(name, shown, 'an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ConfigurationError.forInput(name, shown, 'an absolute http:// or https:// URL');
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `Input '${name}' has credentials in its URL (${shown}): remove the 'user:password@' part and send them as a header instead (health-gate's 'headers' input, e.g. 'Authorization: Basic …'); a URL is printed in logs and summaries, a header is masked.`,
    );
  }
  return url;
}

/** `https://user:pass@host/x` → `https://***@host/x` (for messages); anything else unchanged. */
export function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
}

function describeRange(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.max !== undefined) return ` from ${range.min} to ${range.max}`;
  if (range.min !== undefined) return ` of at least ${range.min}`;
  if (range.max !== undefined) return ` of at most ${range.max}`;
  return '';
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Math.round(s - m * 60)}s`;
}
