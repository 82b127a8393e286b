/**
 * Parsing the `workloads` input shared by rollout-gate and rollback: either the apply action's
 * `result` JSON (an ApplyResult), a JSON array of WorkloadRecord / ObjectRef, or lines
 * `kind/namespace/name` (comma or newline separated). Every problem is collected and reported at
 * once, naming the input, the value and the expected form.
 */
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import type { ApplyResult, ObjectRef, WorkloadRecord } from '../objects/types.js';
import { parseList } from '../runtime/inputs.js';
import { DNS1123_LABEL as DNS_LABEL } from '../objects/names.js';

const KIND_ALIASES: Record<string, { kind: string; apiVersion: string }> = {
  deployment: { kind: 'Deployment', apiVersion: 'apps/v1' },
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1' },
  deploy: { kind: 'Deployment', apiVersion: 'apps/v1' },
  statefulset: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  statefulsets: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  sts: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
  daemonset: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  daemonsets: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  ds: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
  job: { kind: 'Job', apiVersion: 'batch/v1' },
  jobs: { kind: 'Job', apiVersion: 'batch/v1' },
};

const EXPECTED =
  "the apply action's result JSON, a JSON array of {apiVersion, kind, namespace, name}, or lines kind/namespace/name " +
  '(kind one of deployment, statefulset, daemonset, job)';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * @param input the input's name (for messages)
 * @param value its raw value
 * @param defaultNamespace used for `kind/name` lines
 */
export function parseWorkloads(input: string, value: string, defaultNamespace?: string): WorkloadRecord[] {
  const text = value.trim();
  if (!text) throw new ConfigurationError(`Input '${input}' is required but was not set: expected ${EXPECTED}.`);
  const problems: string[] = [];
  let records: WorkloadRecord[] = [];
  if (text.startsWith('{') || text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw ConfigurationError.forInput(input, text, `valid JSON (${(error as Error).message}), i.e. ${EXPECTED}`);
    }
    const items: unknown[] = Array.isArray(parsed)
      ? parsed
      : Array.isArray((parsed as ApplyResult).workloads)
        ? (parsed as ApplyResult).workloads
        : [];
    if (!Array.isArray(parsed) && !Array.isArray((parsed as ApplyResult).workloads)) {
      throw ConfigurationError.forInput(
        input,
        text,
        `an object with a 'workloads' array (the apply result), or ${EXPECTED}`,
      );
    }
    items.forEach((item, i) => {
      const r = item as Partial<WorkloadRecord>;
      if (
        !r ||
        typeof r !== 'object' ||
        typeof r.kind !== 'string' ||
        typeof r.name !== 'string' ||
        !r.kind ||
        !r.name
      ) {
        problems.push(
          `Input '${input}' item ${i} is '${JSON.stringify(item)?.slice(0, 120)}': expected an object with kind and name (and namespace, apiVersion).`,
        );
        return;
      }
      const alias = KIND_ALIASES[r.kind.toLowerCase()];
      const apiVersion = r.apiVersion ?? alias?.apiVersion;
      if (!apiVersion) {
        problems.push(
          `Input '${input}' item ${i} (${r.kind}/${r.name}) has no apiVersion: expected apiVersion for a custom resource.`,
        );
        return;
      }
      records.push({
        apiVersion,
        kind: alias && !r.apiVersion ? alias.kind : r.kind,
        namespace: r.namespace ?? defaultNamespace,
        name: r.name,
        created: Boolean(r.created),
        changed: r.changed === undefined ? true : Boolean(r.changed),
        generation: typeof r.generation === 'number' ? r.generation : undefined,
        previousRevision: r.previousRevision,
      });
    });
  } else {
    for (const item of parseList(text)) {
      const parts = item.split('/');
      const alias = KIND_ALIASES[parts[0]?.toLowerCase() ?? ''];
      const ns = parts.length === 3 ? parts[1] : defaultNamespace;
      const name = parts.length === 3 ? parts[2] : parts[1];
      if (!alias || (parts.length !== 3 && parts.length !== 2) || !name || !ns) {
        problems.push(
          `Input '${input}' has '${item}': expected kind/namespace/name${defaultNamespace ? ' or kind/name' : ''} with kind one of deployment, statefulset, daemonset, job.`,
        );
        continue;
      }
      records.push({
        apiVersion: alias.apiVersion,
        kind: alias.kind,
        namespace: ns,
        name,
        created: false,
        changed: true,
      });
    }
  }
  for (const r of records) {
    if (r.namespace !== undefined && !DNS_LABEL.test(r.namespace)) {
      problems.push(
        `Input '${input}' names namespace '${r.namespace}': expected a DNS label (lowercase letters, digits, '-').`,
      );
    }
    if (!DNS_SUBDOMAIN.test(r.name)) {
      problems.push(`Input '${input}' names '${r.kind}/${r.name}': expected a lowercase DNS name.`);
    }
    if (r.namespace === undefined && KIND_ALIASES[r.kind.toLowerCase()]) {
      problems.push(`Input '${input}' names '${r.kind}/${r.name}' without a namespace: expected kind/namespace/name.`);
    }
  }
  if (problems.length > 0) throw new ConfigurationErrors(problems);
  // De-duplicate, first occurrence wins.
  const seen = new Set<string>();
  records = records.filter((r) => {
    const k = `${r.apiVersion}|${r.kind}|${r.namespace}|${r.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return records;
}

/** Only workloads (drops e.g. a Service from a hand-written list); everything with a kind we can gate. */
export function gateTargets(records: WorkloadRecord[]): ObjectRef[] {
  return records.map(({ apiVersion, kind, namespace, name }) => ({ apiVersion, kind, namespace, name }));
}
