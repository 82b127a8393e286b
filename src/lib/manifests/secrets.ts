/**
 * Secrets from an env file (`KEY=value` lines, as `kubectl create secret generic --from-env-file`)
 * and/or from inputs. Values are masked the moment they are read and live only in memory: the
 * rendered file holds a placeholder Secret (keys listed, no data) and apply fills the data in
 * memory from the same sources just before the server-side apply.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../runtime/errors.js';
import type { SecretMasker } from '../runtime/logger.js';
import type { ObjectRef } from '../objects/types.js';
import { isInside } from './load.js';

/** Annotation on a placeholder Secret: where its values come from. */
export const SECRET_PLACEHOLDER_ANNOTATION = 'phlo.dev/secret-values';
/** Annotation listing the keys the placeholder expects (comma separated). */
export const SECRET_KEYS_ANNOTATION = 'phlo.dev/secret-keys';
export const SECRET_PLACEHOLDER_VALUE = 'injected-at-apply';

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Secret values held in memory, by key. Never serialised. */
export type SecretValues = Map<string, string>;

function maskValue(value: string, mask: SecretMasker): void {
  if (!value) return;
  mask(value);
  mask(Buffer.from(value, 'utf8').toString('base64'));
}

/** Parses env-file text; `source` names it in errors. Values are masked as they are read. */
export function parseEnvFile(
  text: string,
  source: string,
  mask: SecretMasker,
  into: SecretValues = new Map(),
): SecretValues {
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      // never echo the line: it may be a value
      throw new ConfigurationError(
        `${source} line ${i + 1}: expected KEY=value (a key of letters, digits, '-', '_' or '.').`,
      );
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1);
    maskValue(value, mask);
    if (!SECRET_KEY.test(key)) {
      throw new ConfigurationError(
        `${source} line ${i + 1}: key '${key}' is not valid: expected letters, digits, '-', '_' or '.'.`,
      );
    }
    if (into.has(key)) throw new ConfigurationError(`${source} line ${i + 1}: key '${key}' is set twice.`);
    into.set(key, value);
  });
  return into;
}

/**
 * Reads the env file (inside the workspace, at most 1 MiB) and the `secrets` input lines
 * (`KEY=value`), masking every value first.
 */
export function readSecretValues(
  opts: { envFile?: string; inline?: string; workspace: string; envFileInput?: string; inlineInput?: string },
  mask: SecretMasker,
): SecretValues {
  const values: SecretValues = new Map();
  // mask the inline values before anything can fail and print
  if (opts.inline) {
    for (const line of opts.inline.split(/\r?\n/)) {
      const eq = line.indexOf('=');
      if (eq > 0) maskValue(line.slice(eq + 1), mask);
      else if (line.trim()) maskValue(line.trim(), mask);
    }
  }
  if (opts.envFile) {
    const input = opts.envFileInput ?? 'env-file';
    const abs = path.resolve(opts.workspace, opts.envFile);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw ConfigurationError.forInput(
        input,
        opts.envFile,
        'an existing env file (KEY=value lines) inside the workspace',
      );
    }
    if (!isInside(real, realpathSync(opts.workspace))) {
      throw ConfigurationError.forInput(
        input,
        opts.envFile,
        `a file inside the workspace (${opts.workspace}); it resolves to ${real}`,
      );
    }
    const st = statSync(real);
    if (!st.isFile() || st.size > 1024 * 1024) {
      throw ConfigurationError.forInput(input, opts.envFile, 'a regular file of at most 1 MiB');
    }
    parseEnvFile(readFileSync(real, 'utf8'), `Input '${input}' (${opts.envFile})`, mask, values);
  }
  if (opts.inline) parseEnvFile(opts.inline, `Input '${opts.inlineInput ?? 'secrets'}'`, mask, values);
  return values;
}

/** The placeholder Secret written to the rendered output: keys only, no data. */
export function placeholderSecret(
  ref: Pick<ObjectRef, 'name' | 'namespace'>,
  keys: readonly string[],
): Record<string, unknown> & { metadata: Record<string, unknown> } {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      annotations: {
        [SECRET_PLACEHOLDER_ANNOTATION]: SECRET_PLACEHOLDER_VALUE,
        [SECRET_KEYS_ANNOTATION]: [...keys].sort().join(','),
      },
    },
    type: 'Opaque',
  };
}

export function isPlaceholderSecret(object: Record<string, unknown>): boolean {
  const md = object.metadata as { annotations?: Record<string, string> } | undefined;
  return object.kind === 'Secret' && md?.annotations?.[SECRET_PLACEHOLDER_ANNOTATION] === SECRET_PLACEHOLDER_VALUE;
}

/**
 * Returns a copy of a placeholder Secret with its data filled (base64) from `values`; every key
 * the placeholder lists must be present. The copy lives in memory only.
 */
export function fillSecret(
  object: Record<string, unknown>,
  values: SecretValues,
  where: string,
): Record<string, unknown> {
  const md = object.metadata as { annotations?: Record<string, string>; name?: string };
  const keys = (md.annotations?.[SECRET_KEYS_ANNOTATION] ?? '').split(',').filter(Boolean);
  const missing = keys.filter((k) => !values.has(k));
  if (missing.length) {
    throw new ConfigurationError(
      `${where}: Secret '${md.name}' needs keys ${missing.join(', ')} that neither input 'env-file' nor input 'secrets' provides.`,
    );
  }
  const data: Record<string, string> = {};
  for (const k of keys) data[k] = Buffer.from(values.get(k)!, 'utf8').toString('base64');
  return { ...object, data };
}
