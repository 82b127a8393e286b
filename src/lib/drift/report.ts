/**
 * The drift report: one value that the JSON artifact, the job summary, the log and the GitHub issue
 * are all rendered from (pure functions here). No Secret value is ever in it: Secret fields carry
 * `secret: true` and no values, and diffs mask them.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ObjectRef } from '../objects/types.js';
import { refKey } from '../objects/types.js';
import { code, details, fenced, table } from '../report/markdown.js';

export const REPORT_SCHEMA = 'phlo-deploy/drift-report@1';

export type DriftCategory = 'modified' | 'taken-over' | 'missing' | 'extraneous' | 'excluded';
export type DriftStatus = 'clean' | 'drift' | 'error';

export interface DriftField {
  /** Readable path, e.g. spec.template.spec.containers[name=web].image */
  path: string;
  /** RFC 6901 pointer into the object (list items by index), what ignore rules match. */
  pointer: string;
  /** What re-applying would do to the field: add it back, change it, remove it. */
  change: 'added' | 'changed' | 'removed';
  /** Other managers that own the field in the cluster (taken over). */
  owners?: string[];
  /** Values (never for Secret data). */
  desired?: unknown;
  live?: unknown;
  /** A Secret value: compared, never shown. */
  secret?: true;
  /** sha256 of the (desired, live) pair, for the fingerprint. */
  hash: string;
}

export interface DriftItem {
  ref: ObjectRef;
  category: DriftCategory;
  /** taken-over: the managers that own the fields now. */
  managers?: string[];
  counts: { added: number; changed: number; removed: number };
  fields: DriftField[];
  /** Unified diff of the owned fields (live → desired), Secrets masked. */
  diff: string;
}

export interface DriftError {
  ref?: ObjectRef;
  message: string;
}

export interface DriftReport {
  schema: string;
  environment: string;
  status: DriftStatus;
  /** Some objects (or the extraneous listing) could not be checked. */
  incomplete: boolean;
  /** Objects with drift (every category but excluded). */
  drifted: number;
  /** The repository renders differently from what the last deploy applied. */
  pending: boolean;
  /** Where the images compared came from. */
  imagesFrom: 'record' | 'live' | 'repository';
  record?: { commit?: string; time: string; hash: string; runUrl?: string };
  renderedHash?: string;
  /** The checked-out commit. */
  commit?: string;
  clusterVersion?: string;
  startedAt: string;
  durationMs: number;
  fingerprint: string;
  counts: {
    checked: number;
    /** Of the checked objects, those the deploy record's fingerprints showed unchanged (no dry run). */
    unchangedSinceDeploy: number;
    clean: number;
    modified: number;
    'taken-over': number;
    missing: number;
    extraneous: number;
    excluded: number;
    error: number;
  };
  items: DriftItem[];
  errors: DriftError[];
  warnings: string[];
  notes: string[];
  ignore: { unused: string[]; expired: string[] };
  /** mode: correct — what was re-applied. */
  corrected?: string[];
}

/** The exit status: 0 clean, 1 drift, 2 error. */
export function exitCode(status: DriftStatus): number {
  return status === 'clean' ? 0 : status === 'drift' ? 1 : 2;
}

/** Writes the report as JSON (sorted by nothing but its own order; 2-space indent). */
export function writeReport(report: DriftReport, file: string): string {
  const abs = path.resolve(file);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  return abs;
}

const MAX_DIFF_CHARS = 50_000;

/** One line per object, as people read it in a log: `Deployment/ns/name taken-over by kubectl-set (0 added, 1 changed, 0 removed)`. */
export function itemLine(i: DriftItem): string {
  const by = i.managers?.length ? ` by ${i.managers.join(', ')}` : '';
  const c = i.counts;
  return `${refKey(i.ref)} ${i.category}${by} (${c.added} added, ${c.changed} changed, ${c.removed} removed)`;
}

export function headline(r: DriftReport): string {
  if (r.status === 'error' && r.drifted)
    return `drift-check \`${r.environment}\`: error, and ${r.drifted} object(s) drifted (incomplete)`;
  if (r.status === 'error') return `drift-check \`${r.environment}\`: error${r.incomplete ? ' (incomplete)' : ''}`;
  if (r.status === 'drift') return `drift-check \`${r.environment}\`: ${r.drifted} object(s) drifted`;
  return `drift-check \`${r.environment}\`: clean`;
}

/** The job summary (also the GitHub issue's body). */
export function driftSummary(r: DriftReport): string {
  const c = r.counts;
  const lines = [
    `### ${headline(r)}`,
    '',
    table(
      ['checked', 'clean', 'modified', 'taken-over', 'missing', 'extraneous', 'excluded', 'errors', 'pending'],
      [
        [
          c.checked,
          c.clean,
          c.modified,
          c['taken-over'],
          c.missing,
          c.extraneous,
          c.excluded,
          r.errors.length,
          r.pending ? 'yes' : 'no',
        ],
      ],
    ),
    '',
  ];
  const deploy = r.record
    ? `last deploy ${r.record.commit ? code(r.record.commit.slice(0, 12)) : '(commit unknown)'} at ${r.record.time}`
    : 'no deploy record: images taken from the live workloads';
  lines.push(
    `Cluster ${code(r.clusterVersion ?? 'unknown')}, ${deploy}, checked in ${(r.durationMs / 1000).toFixed(1)} s` +
      (r.fingerprint ? `, fingerprint ${code(r.fingerprint)}` : '') +
      '.',
    '',
  );
  for (const n of r.notes) lines.push(`> ${n}`, '');
  const shown = r.items.filter((i) => i.category !== 'excluded');
  if (shown.length) {
    lines.push(
      table(
        ['object', 'category', 'by', '+', '~', '−'],
        shown.map((i) => [
          refKey(i.ref),
          i.category,
          i.managers?.join(', ') ?? '',
          i.counts.added,
          i.counts.changed,
          i.counts.removed,
        ]),
      ),
      '',
    );
  }
  const excluded = r.items.filter((i) => i.category === 'excluded');
  if (excluded.length)
    lines.push(`Excluded by ignore rules: ${excluded.map((i) => code(refKey(i.ref))).join(', ')}.`, '');
  if (r.errors.length) {
    lines.push('**Not checked (errors):**', '');
    for (const e of r.errors) lines.push(`- ${e.message}`);
    lines.push('');
  }
  if (r.warnings.length) {
    lines.push('**Warnings:**', '');
    for (const w of r.warnings) lines.push(`- ${w}`);
    lines.push('');
  }
  let budget = MAX_DIFF_CHARS;
  for (const i of shown) {
    if (!i.diff) continue;
    if (i.diff.length > budget) {
      lines.push('_(further diffs left out; they are in the JSON report)_');
      break;
    }
    budget -= i.diff.length;
    lines.push(details(`${refKey(i.ref)} (${i.category})`, fenced(i.diff.trimEnd(), 'diff')), '');
  }
  return lines.join('\n');
}
