/** OCI image labels (org.opencontainers.image.*) set by default; explicit labels win. */
import { ConfigurationError } from '../runtime/errors.js';
import type { GitFacts } from './git.js';

export const OCI = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
  version: 'org.opencontainers.image.version',
} as const;

const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

export function defaultLabels(facts: GitFacts, created: Date, version: string | undefined): Map<string, string> {
  const labels = new Map<string, string>();
  if (facts.repositoryUrl) labels.set(OCI.source, facts.repositoryUrl);
  if (facts.sha) labels.set(OCI.revision, facts.sha);
  labels.set(OCI.created, created.toISOString());
  if (version) labels.set(OCI.version, version);
  return labels;
}

/** Validates the `labels` input's keys and values (no newlines: one label per line). */
export function validateLabels(input: string, labels: Map<string, string>): Map<string, string> {
  for (const [key, value] of labels) {
    if (!LABEL_KEY.test(key) || key.length > 255) {
      throw ConfigurationError.forInput(
        input,
        `${key}=${value}`,
        'key=value lines whose keys are like org.example.team (letters, digits, . _ - /)',
      );
    }
    if (/[\r\n\0]/.test(value)) throw ConfigurationError.forInput(input, `${key}=${value}`, 'single-line label values');
  }
  return labels;
}

export function mergeLabels(defaults: Map<string, string>, explicit: Map<string, string>): Map<string, string> {
  const out = new Map(defaults);
  for (const [k, v] of explicit) out.set(k, v);
  return out;
}
