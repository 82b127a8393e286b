/**
 * The backup plan: `k8s/environments/<env>/backup.yaml`, reviewed in git beside the manifests and
 * read like settings.yaml (the hardened YAML loader, one mapping, camelCase keys as in `BackupPlan`).
 *
 *   environment: production            # must equal the folder name
 *   backupBucket: acme-phlo-backup     # required (or input 'backup-bucket')
 *   prefix: phlo-backup/production/    # default phlo-backup/<environment>/
 *   database:
 *     postgres: { keyTables: [runs, event_logs] }       # pg_dump -Fc; the URL is the input 'database-url'
 *     rds: { instance: phlo-metadata, minRetentionDays: 7 }
 *   lake: { bucket: acme-phlo-lake, prefixes: [warehouse/], exclude: ['tmp/*'], concurrency: 32 }
 *   cluster: { includeSecretValues: false }
 *   verify: { sample: 32 }
 *   guards: { maxShrinkPercent: 20 }
 *   retention: { keepLast: 7, daily: 7, weekly: 4, monthly: 6, maxDelete: 1000, incompleteGraceHours: 24 }
 *   freshness: { maxAgeHours: 26 }
 *   objectLock: { mode: GOVERNANCE, days: 35 }          # optional: retention on every copy made
 *
 * Every problem is collected and reported at once, each as `<file>: <field>: <what is wrong>; expected
 * <form>`, before anything is read from or written to a bucket. Unknown keys are refused with the
 * nearest known one ("did you mean"), so a misspelt `keeplast` never silently means the default.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError, ConfigurationErrors } from '../runtime/errors.js';
import { isDnsLabel } from '../objects/names.js';
import { parseDocuments } from '../manifests/yaml.js';
import type { ObjectLock } from './lock.js';
import type { BackupPlan } from './types.js';

/** Inputs that override the plan file (already named after the action's inputs in messages). */
export interface PlanOverrides {
  /** The plan file relative to the workspace (input 'plan'), instead of `planPath`'s. */
  file?: string;
  backupBucket?: string;
  lakeBucket?: string;
  prefix?: string;
}

const MAX_PLAN_BYTES = 256 * 1024;

export const PLAN_DEFAULTS = {
  exclude: ['tmp/*'],
  concurrency: 32,
  sample: 32,
  maxShrinkPercent: 20,
  retention: { keepLast: 7, daily: 7, weekly: 4, monthly: 6, maxDelete: 1000, incompleteGraceHours: 24 },
  maxAgeHours: 26,
  minRetentionDays: 7,
  keyTables: ['runs', 'event_logs'],
} as const;

/** The default key prefix in the backup bucket for an environment. */
export function defaultPrefix(environment: string): string {
  return `phlo-backup/${environment}/`;
}

/** `<workspace>/k8s/environments/<env>/backup.yaml` */
export function planPath(workspace: string, environment: string): string {
  return path.join(workspace, 'k8s', 'environments', environment, 'backup.yaml');
}

/** The keys each mapping of the plan knows (the "did you mean" list). */
const KEYS = {
  '': [
    'environment',
    'backupBucket',
    'prefix',
    'database',
    'lake',
    'cluster',
    'verify',
    'guards',
    'retention',
    'freshness',
    'objectLock',
  ],
  database: ['postgres', 'rds'],
  'database.postgres': ['keyTables'],
  'database.rds': ['instance', 'minRetentionDays'],
  lake: ['bucket', 'prefixes', 'exclude', 'concurrency'],
  cluster: ['includeSecretValues'],
  verify: ['sample'],
  guards: ['maxShrinkPercent'],
  retention: ['keepLast', 'daily', 'weekly', 'monthly', 'maxDelete', 'incompleteGraceHours'],
  freshness: ['maxAgeHours'],
  objectLock: ['mode', 'days'],
} as const;

type Section = keyof typeof KEYS;

const BUCKET_FORM =
  'an S3 bucket name: 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
const RDS_INSTANCE = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** Why a name is not a valid S3 bucket name (AWS's general purpose bucket naming rules), or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `has ${name.length} characters (3 to 63 allowed)`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'has characters other than lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'does not start and end with a letter or digit';
  if (name.includes('..')) return 'has two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'is formatted as an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-'])
    if (name.startsWith(p)) return `starts with the reserved '${p}'`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'])
    if (name.endsWith(s)) return `ends with the reserved '${s}'`;
  return undefined;
}

/** The known name closest to `name` (case-insensitive, or at most 2 edits, or a prefix), if any. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase());
    if (!best || d < best.distance) best = { name: k, distance: d };
  }
  if (!best) return undefined;
  const limit = Math.max(2, Math.floor(best.name.length / 4));
  if (best.distance <= limit) return best.name;
  return known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      // a transposition ("keepLsat") counts as one edit
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, prev[j - 2]! + 1);
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** A value as a message shows it: short, and never a URL's credentials. */
function shown(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') {
    const safe = value.replace(/\/\/[^/@\s]*@/g, '//***@');
    return `'${safe.length > 80 ? `${safe.slice(0, 80)}…` : safe}'`;
  }
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a plan's text. Overrides (the action inputs) replace the file's buckets and prefix and
 * are checked the same way, named as inputs. Throws ConfigurationErrors listing every problem.
 */
export function parseBackupPlan(
  text: string,
  file: string,
  environment: string,
  overrides: PlanOverrides = {},
): BackupPlan {
  let docs: unknown[];
  try {
    docs = parseDocuments(text);
  } catch (error) {
    throw new ConfigurationError(
      `${file}: ${(error as Error).message}; expected one YAML mapping (see the README's backup plan).`,
    );
  }
  const present = docs.filter((d) => d !== null && d !== undefined);
  if (present.length !== 1 || !isMapping(present[0])) {
    throw new ConfigurationError(
      `${file}: ${present.length > 1 ? `has ${present.length} YAML documents` : 'is not a mapping'}; expected one YAML mapping (see the README's backup plan).`,
    );
  }
  const doc = present[0];
  const problems: string[] = [];
  const problem = (field: string, wrong: string, expected: string): void => {
    problems.push(`${file}: ${field}: ${wrong}; expected ${expected}.`);
  };
  const inputProblem = (input: string, value: string, wrong: string, expected: string): void => {
    problems.push(`Input '${input}' is ${shown(value)}: it ${wrong}; expected ${expected}.`);
  };

  const section = (name: Section, value: unknown): Record<string, unknown> | undefined => {
    if (value === undefined) return undefined;
    if (!isMapping(value)) {
      problem(name, `is ${shown(value)}`, `a mapping with ${KEYS[name].join(', ')}`);
      return undefined;
    }
    const known: readonly string[] = KEYS[name];
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const near = closestName(key, known);
      problem(
        name === '' ? key : `${name}.${key}`,
        `unknown key${near ? ` (did you mean '${near}'?)` : ''}`,
        `one of ${known.join(', ')}`,
      );
    }
    return value;
  };
  const number = (
    m: Record<string, unknown> | undefined,
    at: string,
    key: string,
    fallback: number,
    range: { min: number; max: number; whole?: boolean },
  ): number => {
    const v = m?.[key];
    if (v === undefined) return fallback;
    const whole = range.whole ?? true;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (whole && !Number.isInteger(v)) ||
      v < range.min ||
      v > range.max
    ) {
      problem(
        `${at}.${key}`,
        `is ${shown(v)}`,
        `${whole ? 'a whole number' : 'a number'} from ${range.min} to ${range.max} (default ${fallback})`,
      );
      return fallback;
    }
    return v;
  };
  const strings = (v: unknown, field: string, fallback: readonly string[], form: string): string[] => {
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      problem(field, `is ${shown(v)}`, `a list of ${form}`);
      return [...fallback];
    }
    return v as string[];
  };

  const root = section('', doc)!;

  // environment
  if (root.environment !== undefined && root.environment !== environment) {
    problem(
      'environment',
      `is ${shown(root.environment)} but the file is in the folder for '${environment}'`,
      `'${environment}'`,
    );
  }

  // buckets and prefix
  const bucket = (
    field: string,
    fromFile: unknown,
    input: string,
    override: string | undefined,
  ): string | undefined => {
    if (override !== undefined && override !== '') {
      const why = bucketNameProblem(override);
      if (why) inputProblem(input, override, why, BUCKET_FORM);
      return override;
    }
    if (fromFile === undefined) return undefined;
    if (typeof fromFile !== 'string') {
      problem(field, `is ${shown(fromFile)}`, BUCKET_FORM);
      return undefined;
    }
    const why = bucketNameProblem(fromFile);
    if (why) problem(field, `${shown(fromFile)} ${why}`, BUCKET_FORM);
    return fromFile;
  };
  const backupBucket = bucket('backupBucket', root.backupBucket, 'backup-bucket', overrides.backupBucket);
  if (backupBucket === undefined && root.backupBucket === undefined) {
    problem('backupBucket', 'is missing (and input backup-bucket is empty)', BUCKET_FORM);
  }
  const prefixForm = "a key prefix ending in '/' with no leading '/', no empty segment and no '.' or '..' segment";
  let prefix = defaultPrefix(environment);
  if (overrides.prefix !== undefined && overrides.prefix !== '') {
    const why = keyPrefixProblem(overrides.prefix, true);
    if (why) inputProblem('prefix', overrides.prefix, why, prefixForm);
    else prefix = overrides.prefix;
  } else if (root.prefix !== undefined) {
    const why = typeof root.prefix === 'string' ? keyPrefixProblem(root.prefix, true) : `is ${shown(root.prefix)}`;
    if (why) problem('prefix', typeof root.prefix === 'string' ? `${shown(root.prefix)} ${why}` : why, prefixForm);
    else prefix = root.prefix as string;
  }

  // database
  const database: BackupPlan['database'] = {};
  const db = section('database', root.database ?? undefined);
  if (db) {
    const pg = optionalSection('database.postgres', db.postgres);
    if (pg) {
      const keyTables = strings(pg.keyTables, 'database.postgres.keyTables', PLAN_DEFAULTS.keyTables, 'table names');
      for (const t of keyTables) {
        if (!TABLE.test(t))
          problem('database.postgres.keyTables', `has ${shown(t)}`, 'table names such as runs or public.event_logs');
      }
      database.postgres = { keyTables };
    }
    const rds = optionalSection('database.rds', db.rds);
    if (rds) {
      if (typeof rds.instance !== 'string' || !RDS_INSTANCE.test(rds.instance) || rds.instance.endsWith('-')) {
        problem(
          'database.rds.instance',
          rds.instance === undefined ? 'is missing' : `is ${shown(rds.instance)}`,
          'an RDS DB instance identifier: 1–63 letters, digits and hyphens, starting with a letter, no trailing hyphen and no two hyphens in a row',
        );
      }
      database.rds = {
        instance: String(rds.instance ?? ''),
        minRetentionDays: number(rds, 'database.rds', 'minRetentionDays', PLAN_DEFAULTS.minRetentionDays, {
          min: 1,
          max: 35,
        }),
      };
    }
  }

  // lake
  let lake: BackupPlan['lake'];
  const lk = overrides.lakeBucket ? (optionalSection('lake', root.lake) ?? {}) : optionalSection('lake', root.lake);
  if (lk) {
    const lakeBucket = bucket('lake.bucket', lk.bucket, 'lake-bucket', overrides.lakeBucket);
    if (lakeBucket === undefined && lk.bucket === undefined) {
      problem('lake.bucket', 'is missing (and input lake-bucket is empty)', BUCKET_FORM);
    }
    const prefixes = strings(lk.prefixes, 'lake.prefixes', [''], "key prefixes ('' for the whole bucket)");
    const prefixProblems = prefixes.map((p) => keyPrefixProblem(p, false));
    prefixes.forEach((p, i) => {
      if (prefixProblems[i])
        problem(
          'lake.prefixes',
          `${shown(p)} ${prefixProblems[i]}`,
          "key prefixes with no leading '/' ('' for the whole bucket)",
        );
    });
    for (let i = 0; i < prefixes.length; i++) {
      for (let j = 0; j < prefixes.length; j++) {
        if (i !== j && prefixes[j]!.startsWith(prefixes[i]!) && (prefixes[i] !== prefixes[j] || i < j)) {
          problem(
            'lake.prefixes',
            `${shown(prefixes[j])} is inside ${shown(prefixes[i])} (its objects would be listed twice)`,
            'prefixes that do not overlap',
          );
        }
      }
    }
    const exclude = strings(lk.exclude, 'lake.exclude', PLAN_DEFAULTS.exclude, "patterns such as 'tmp/*'");
    for (const e of exclude) {
      if (e === '' || e.startsWith('/'))
        problem(
          'lake.exclude',
          `has ${shown(e)}`,
          "patterns on the key from the bucket root, such as 'tmp/*' (no leading '/')",
        );
    }
    lake = {
      bucket: lakeBucket ?? '',
      prefixes,
      exclude,
      concurrency: number(lk, 'lake', 'concurrency', PLAN_DEFAULTS.concurrency, { min: 1, max: 1000 }),
    };
    // A backup inside what it backs up would copy itself, set after set.
    if (backupBucket !== undefined && lake.bucket === backupBucket) {
      for (const p of prefixes) {
        if (prefix.startsWith(p) || p.startsWith(prefix)) {
          problem(
            'prefix',
            `'${prefix}' in bucket '${backupBucket}' overlaps the lake prefix ${shown(p)} in the same bucket (the backup would copy itself)`,
            'another backup bucket, or a prefix outside every lake prefix',
          );
        }
      }
    }
  }

  // cluster
  let cluster: BackupPlan['cluster'];
  const cl = optionalSection('cluster', root.cluster);
  if (cl) {
    let includeSecretValues = false;
    if (cl.includeSecretValues !== undefined) {
      if (typeof cl.includeSecretValues !== 'boolean') {
        problem('cluster.includeSecretValues', `is ${shown(cl.includeSecretValues)}`, 'true or false (default false)');
      } else includeSecretValues = cl.includeSecretValues;
    }
    cluster = { includeSecretValues };
  }

  let objectLock: BackupPlan['objectLock'];
  const lock = section('objectLock', root.objectLock ?? undefined);
  if (lock) {
    const mode = lock.mode ?? 'GOVERNANCE';
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') {
      problem('objectLock.mode', `is ${shown(mode)}`, 'GOVERNANCE (the default) or COMPLIANCE');
    }
    if (lock.days === undefined) problem('objectLock.days', 'is missing', 'a whole number of days from 1 to 36500');
    const days = number(lock, 'objectLock', 'days', 1, { min: 1, max: 36_500 });
    objectLock = { mode: mode === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE', days };
  }
  const verify = section('verify', root.verify);
  const guards = section('guards', root.guards);
  const retention = section('retention', root.retention);
  const freshness = section('freshness', root.freshness);
  const d = PLAN_DEFAULTS.retention;
  const plan: BackupPlan = {
    environment,
    backupBucket: backupBucket ?? '',
    prefix,
    database,
    ...(lake ? { lake } : {}),
    ...(cluster ? { cluster } : {}),
    verify: { sample: number(verify, 'verify', 'sample', PLAN_DEFAULTS.sample, { min: 0, max: 10_000 }) },
    guards: {
      maxShrinkPercent: number(guards, 'guards', 'maxShrinkPercent', PLAN_DEFAULTS.maxShrinkPercent, {
        min: 0,
        max: 100,
        whole: false,
      }),
    },
    retention: {
      keepLast: number(retention, 'retention', 'keepLast', d.keepLast, { min: 1, max: 10_000 }),
      daily: number(retention, 'retention', 'daily', d.daily, { min: 0, max: 10_000 }),
      weekly: number(retention, 'retention', 'weekly', d.weekly, { min: 0, max: 10_000 }),
      monthly: number(retention, 'retention', 'monthly', d.monthly, { min: 0, max: 10_000 }),
      maxDelete: number(retention, 'retention', 'maxDelete', d.maxDelete, { min: 0, max: 10_000_000 }),
      incompleteGraceHours: number(retention, 'retention', 'incompleteGraceHours', d.incompleteGraceHours, {
        min: 1,
        max: 24 * 365,
        whole: false,
      }),
    },
    freshness: {
      maxAgeHours: number(freshness, 'freshness', 'maxAgeHours', PLAN_DEFAULTS.maxAgeHours, {
        min: 1,
        max: 24 * 366,
        whole: false,
      }),
    },
  };
  if (objectLock) plan.objectLock = objectLock;
  if (!database.postgres && !database.rds && !lake && !cluster) {
    problem(
      'database',
      'the plan backs up nothing (no database, lake or cluster)',
      'at least one of database.postgres, database.rds, lake, cluster',
    );
  }
  if (problems.length) throw new ConfigurationErrors(problems);
  return plan;

  /** A section that may be written `name: {}`, `name:` (empty) or `name: true` (defaults) or `false` (off). */
  function optionalSection(name: Section, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined || value === false) return undefined;
    if (value === null || value === true) return {};
    return section(name, value);
  }
}

/** The Object Lock retention for copies made at `now` (lake.ts's `objectLock` option), if the plan asks for one. */
export function objectLockAt(plan: Pick<BackupPlan, 'objectLock'>, now: Date): ObjectLock | undefined {
  if (!plan.objectLock) return undefined;
  return { mode: plan.objectLock.mode, retainUntil: new Date(now.getTime() + plan.objectLock.days * 86_400_000) };
}

/** Why a key prefix is unusable, or undefined. `mustEnd`: it names a folder and must end in '/'. */
function keyPrefixProblem(p: string, mustEnd: boolean): string | undefined {
  if (p === '') return mustEnd ? 'is empty' : undefined;
  if (p.startsWith('/')) return "starts with '/'";
  if (mustEnd && !p.endsWith('/')) return "does not end in '/'";
  const segments = p.split('/');
  if (p.endsWith('/')) segments.pop();
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return "has an empty, '.' or '..' segment";
  if (p.length > 512) return 'is longer than 512 characters';
  return undefined;
}

/** The plan file as read: the plan, where it came from (as shown in messages) and its text's SHA-256. */
export interface LoadedPlan {
  plan: BackupPlan;
  /** Path shown in messages, relative to the workspace. */
  file: string;
  /** Hex SHA-256 of the file's bytes (recorded in each set's manifest). */
  sha256: string;
}

/**
 * Reads and validates `k8s/environments/<env>/backup.yaml` (or `overrides.file`) under the workspace,
 * synchronously (settings parsers collect its problems with the rest).
 */
export function readBackupPlan(workspace: string, environment: string, overrides: PlanOverrides = {}): LoadedPlan {
  if (!isDnsLabel(environment)) {
    throw ConfigurationError.forInput(
      'environment',
      environment,
      'a lowercase name such as production, staging or local',
    );
  }
  const file = overrides.file ? path.resolve(workspace, overrides.file) : planPath(workspace, environment);
  const shownFile = path.relative(workspace, file) || file;
  if (!existsSync(file)) {
    throw new ConfigurationError(
      `${shownFile}: no backup plan for environment '${environment}'; expected a file there with at least backupBucket and what to back up (see the README's backup plan).`,
    );
  }
  const real = realpathSync(file);
  const rel = path.relative(realpathSync(workspace), real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ConfigurationError(
      `${shownFile}: resolves to ${real}, outside the workspace; expected a file inside it.`,
    );
  }
  if (!statSync(real).isFile()) {
    throw new ConfigurationError(`${shownFile}: is not a file; expected the backup plan's YAML file.`);
  }
  if (statSync(real).size > MAX_PLAN_BYTES) {
    throw new ConfigurationError(`${shownFile}: larger than 256 KiB; expected a small YAML mapping.`);
  }
  const bytes = readFileSync(real);
  return {
    plan: parseBackupPlan(bytes.toString('utf8'), shownFile, environment, overrides),
    file: shownFile,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The validated plan for an environment, inputs applied (see `readBackupPlan` for its digest). */
export async function loadBackupPlan(
  workspace: string,
  environment: string,
  overrides: PlanOverrides,
): Promise<BackupPlan> {
  return readBackupPlan(workspace, environment, overrides).plan;
}
