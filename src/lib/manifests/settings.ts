/**
 * Per-environment settings: `k8s/environments/<env>/settings.yaml`, a small typed file.
 *
 *   environment: production          # must equal the folder name
 *   requireDigests: true             # refuse container images not pinned by digest
 *   defaultNamespace: dagster        # optional, for namespaced objects without one
 *   replicas: { dagster/dagster-webserver: 2 }     # namespace/name of a Deployment or StatefulSet
 *   images: { trinodb/trino: trinodb/trino:476@sha256:... }   # defaults; input 'images' wins
 *   variables: { DAGSTER_LOG_LEVEL: INFO }        # the only names ${VAR} may use
 *
 * Every other *.yaml in the folder is an overlay (patches or additional objects).
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import { parseDocuments } from './yaml.js';
import { isPlainObject } from './merge.js';
import { DNS1123_LABEL } from '../objects/names.js';

export interface EnvironmentSettings {
  environment: string;
  requireDigests: boolean;
  defaultNamespace?: string;
  replicas: Map<string, number>;
  images: Map<string, string>;
  variables: Map<string, string>;
}

const KNOWN = new Set(['environment', 'requireDigests', 'defaultNamespace', 'replicas', 'images', 'variables']);
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function defaultSettings(environment: string): EnvironmentSettings {
  return {
    environment,
    requireDigests: environment === 'production',
    replicas: new Map(),
    images: new Map(),
    variables: new Map(),
  };
}

export function loadSettings(file: string, shown: string, environment: string): EnvironmentSettings {
  if (statSync(file).size > 256 * 1024) throw new ConfigurationError(`${shown}: larger than 256 KiB.`);
  let docs: unknown[];
  try {
    docs = parseDocuments(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`${shown}: ${(error as Error).message}.`);
  }
  const doc = docs.find((d) => d !== null && d !== undefined) ?? {};
  return parseSettings(doc, shown, environment);
}

export function parseSettings(doc: unknown, shown: string, environment: string): EnvironmentSettings {
  const problems: string[] = [];
  const s = defaultSettings(environment);
  if (!isPlainObject(doc)) throw new ConfigurationError(`${shown}: expected a mapping of settings.`);
  for (const key of Object.keys(doc)) {
    if (!KNOWN.has(key)) problems.push(`${shown}: unknown setting '${key}' (known: ${[...KNOWN].join(', ')}).`);
  }
  if (doc.environment !== undefined && doc.environment !== environment) {
    problems.push(`${shown}: environment is '${String(doc.environment)}' but the folder is for '${environment}'.`);
  }
  if (doc.requireDigests !== undefined) {
    if (typeof doc.requireDigests !== 'boolean') problems.push(`${shown}: requireDigests must be true or false.`);
    else s.requireDigests = doc.requireDigests;
  }
  if (environment === 'production' && !s.requireDigests) {
    problems.push(`${shown}: production must keep requireDigests: true.`);
  }
  if (doc.defaultNamespace !== undefined) {
    if (typeof doc.defaultNamespace !== 'string' || !DNS1123_LABEL.test(doc.defaultNamespace)) {
      problems.push(`${shown}: defaultNamespace must be a DNS-1123 label.`);
    } else s.defaultNamespace = doc.defaultNamespace;
  }
  readMap(doc.replicas, 'replicas', (k, v) => {
    if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(k)) return `key '${k}' must be namespace/name`;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000)
      return `'${k}' must be a whole number from 0 to 1000`;
    s.replicas.set(k, v);
    return undefined;
  });
  readMap(doc.images, 'images', (k, v) => {
    if (typeof v !== 'string') return `'${k}' must be an image reference string`;
    s.images.set(k, v);
    return undefined;
  });
  readMap(doc.variables, 'variables', (k, v) => {
    if (!VARIABLE_NAME.test(k)) return `variable name '${k}' must be letters, digits and _`;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      return `variable '${k}' must be a scalar`;
    s.variables.set(k, String(v));
    return undefined;
  });
  if (problems.length) throw new ConfigurationErrors(problems);
  return s;

  function readMap(value: unknown, name: string, each: (k: string, v: unknown) => string | undefined): void {
    if (value === undefined || value === null) return;
    if (!isPlainObject(value)) {
      problems.push(`${shown}: '${name}' must be a mapping.`);
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const problem = each(k, v);
      if (problem) problems.push(`${shown}: ${name}: ${problem}.`);
    }
  }
}

const VAR_REF = /\$(\$?)\{([^}]*)\}/g;

/**
 * Substitutes `${NAME}` in every string value (not keys) with declared variables; `$${NAME}` stays
 * as a literal `${NAME}`. Returns the undeclared names found.
 */
export function substituteVariables(
  node: unknown,
  variables: ReadonlyMap<string, string>,
  undeclared: Set<string>,
): unknown {
  if (typeof node === 'string') {
    if (!node.includes('${')) return node;
    return node.replace(VAR_REF, (whole, escape: string, name: string) => {
      if (escape) return whole.slice(1);
      const value = variables.get(name);
      if (value === undefined) {
        undeclared.add(name);
        return whole;
      }
      return value;
    });
  }
  if (Array.isArray(node)) return node.map((n) => substituteVariables(n, variables, undeclared));
  if (isPlainObject(node)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = substituteVariables(v, variables, undeclared);
    return out;
  }
  return node;
}
