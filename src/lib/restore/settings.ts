/**
 * The restore action's settings: parsed once, every problem at once. A missing `confirm` is not a
 * mistake — it means a dry run; a `confirm` that is set but does not equal the environment's name is
 * one (it names the input), so a typo never turns into a silent dry run nor into a write.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Inputs } from '../runtime/inputs.js';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import { runUrlFromEnv } from '../runtime/github-env.js';
import { checkEnvironmentName } from '../objects/environment.js';
import { isDnsLabel } from '../objects/names.js';
import { awsEndpointFromEnv, awsRegionFromEnv, validateRegion } from '../aws/client.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import type { DeployEvent, NotifySettings } from '../notify/notify.js';
import { readNotifySettings } from '../notify/settings.js';
import { isSetId } from '../backup/layout.js';
import { bucketNameProblem, defaultPrefix, planPath, readBackupPlan } from '../backup/plan.js';
import type { SetId } from '../backup/types.js';

export const RESTORE_PARTS = ['database', 'lake', 'cluster'] as const;
export type RestorePart = (typeof RESTORE_PARTS)[number];
export type RestoreTarget = 'new' | 'in-place';

export interface RestoreSettings {
  environment: string;
  /** A set id, or 'latest' (the newest complete set). */
  backupSet: SetId | 'latest';
  /** What to restore; the default is everything the set holds. */
  what: RestorePart[];
  /** True when `what` was given (a part the set does not hold is then an error, not a note). */
  whatExplicit: boolean;
  /** RDS only: restore the instance to this moment instead of the set's snapshot. */
  pointInTime?: Date;
  target: RestoreTarget;
  /** `confirm` equals the environment's name: the run may write. Otherwise it is a dry run. */
  confirmed: boolean;
  /**
   * The restore drill: the set into throwaway targets (lake `restore-drill-<set>/`, database
   * `<db>_drill_<set>`), verified, then deleted; RDS and cluster objects are checked, not restored.
   * Needs no confirm (it writes only its throwaways).
   */
  drill: boolean;
  deleteExtra: boolean;
  maxDelete: number;
  /** Cluster objects: namespace `old` is restored into `new`. */
  namespaceMap: Map<string, string>;
  backup: { bucket: string; prefix: string };
  lake: {
    /** Default: the set's lake bucket. */
    targetBucket?: string;
    /** Default (target new): `restore-<set>/`; with target in-place: '' (the keys as recorded). */
    targetPrefix?: string;
    concurrency: number;
    /** Objects re-read from the backup copy and the restored object, compared by SHA-256. */
    sample: number;
  };
  /** The server pg_restore writes to (a secret: masked; its password reaches the programs only through PGPASSWORD). */
  databaseUrl?: string;
  aws: { region: string; s3Endpoint?: string; rdsEndpoint?: string };
  kube: KubeconfigSettings;
  rolloutTimeoutMs: number;
  notify: NotifySettings;
  reportPath: string;
  /** Where dumps are downloaded to (RUNNER_TEMP). */
  tempDir: string;
  actor?: string;
  runUrl?: string;
  repository: string;
}

const EVENTS: readonly DeployEvent[] = ['success', 'failure'];

export function parseRestoreSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): RestoreSettings {
  const databaseUrl = inputs.optional('database-url');
  if (databaseUrl) {
    mask(databaseUrl);
    const password = safeUrl(databaseUrl)?.password;
    if (password) mask(decodeURIComponent(password));
  }
  const notifyRead = readNotifySettings(inputs, mask, { events: EVENTS, on: ['failure'] });
  const kube = readKubeconfigInputs(inputs, mask);

  const { problems, attempt } = collectProblems();
  const environment =
    attempt(() =>
      checkEnvironmentName(
        inputs.name('environment'),
        inputs.required('environment', 'an environment name such as production or staging'),
      ),
    ) ?? '';

  const setInput = inputs.string('backup-set', 'latest');
  let backupSet: SetId | 'latest' = 'latest';
  if (setInput === 'latest' || isSetId(setInput)) backupSet = setInput;
  else
    problems.push(
      ConfigurationError.forInput(
        inputs.name('backup-set'),
        setInput,
        "a set id such as 20261129T160312Z, or 'latest' (the newest complete set)",
      ).message,
    );

  const whatList = inputs.list('what');
  const what: RestorePart[] = [];
  for (const item of whatList.length ? whatList : RESTORE_PARTS) {
    const part = RESTORE_PARTS.find((p) => p === item.toLowerCase());
    if (!part)
      problems.push(
        ConfigurationError.forInput(
          inputs.name('what'),
          item,
          `some of ${RESTORE_PARTS.join(', ')} (comma or newline separated)`,
        ).message,
      );
    else if (!what.includes(part)) what.push(part);
  }

  let pointInTime: Date | undefined;
  const pit = inputs.optional('point-in-time');
  if (pit) {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;
    const parsed = new Date(pit);
    if (!iso.test(pit) || Number.isNaN(parsed.getTime()))
      problems.push(
        ConfigurationError.forInput(
          inputs.name('point-in-time'),
          pit,
          'an ISO 8601 UTC time such as 2026-11-29T14:05:00Z',
        ).message,
      );
    else if (!what.includes('database'))
      problems.push(
        `Input '${inputs.name('point-in-time')}' is set but '${inputs.name('what')}' does not include database: a point in time applies to the RDS instance only.`,
      );
    else pointInTime = parsed;
  }

  const target = attempt(() => inputs.oneOf('target', ['new', 'in-place'] as const, 'new')) ?? 'new';
  const drill = attempt(() => inputs.boolean('drill', false)) ?? false;
  if (drill && target !== 'new')
    problems.push(
      `Input '${inputs.name('target')}' is '${target}' with drill: the drill restores into throwaway targets only (target new).`,
    );
  if (drill && inputs.optional('target-prefix'))
    problems.push(
      `Input '${inputs.name('target-prefix')}' is set with drill: the drill chooses its own throwaway prefix (restore-drill-<set>/).`,
    );

  const confirm = inputs.raw('confirm');
  const confirmed = confirm !== '' && confirm === environment;
  if (confirm !== '' && environment && confirm !== environment)
    problems.push(
      `Input '${inputs.name('confirm')}' is '${confirm.slice(0, 100)}': expected the environment's name ('${environment}') to write, or nothing for a dry run.`,
    );

  const deleteExtra = attempt(() => inputs.boolean('delete-extra', false)) ?? false;
  const maxDelete = attempt(() => inputs.int('max-delete', 100, { min: 0, max: 10_000_000 })) ?? 100;
  if (deleteExtra && target !== 'in-place' && !inputs.optional('target-prefix') && !inputs.optional('target-bucket'))
    problems.push(
      `Input '${inputs.name('delete-extra')}' is true but the target is a new prefix: there is nothing to delete (use target in-place, or name target-bucket/target-prefix).`,
    );

  const namespaceMap = new Map<string, string>();
  const mapped = attempt(() => inputs.map('namespace-map')) ?? new Map<string, string>();
  for (const [from, to] of mapped) {
    if (!isDnsLabel(from) || !isDnsLabel(to))
      problems.push(
        ConfigurationError.forInput(inputs.name('namespace-map'), `${from}=${to}`, 'old=new pairs of namespace names')
          .message,
      );
    else namespaceMap.set(from, to);
  }

  // The backup bucket and prefix: inputs, else the environment's backup plan (k8s/environments/<env>/backup.yaml).
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  let bucket = inputs.optional('backup-bucket');
  let prefix = inputs.optional('backup-prefix');
  const planFile = inputs.optional('plan');
  if (bucket) {
    const problem = bucketNameProblem(bucket);
    if (problem)
      problems.push(
        ConfigurationError.forInput(inputs.name('backup-bucket'), bucket, `an S3 bucket name (it ${problem})`).message,
      );
  }
  if (environment && (!bucket || planFile || existsSync(planPath(workspace, environment)))) {
    const loaded = attempt(() =>
      readBackupPlan(workspace, environment, {
        ...(planFile ? { file: planFile } : {}),
        ...(bucket ? { backupBucket: bucket } : {}),
        ...(prefix ? { prefix } : {}),
      }),
    );
    if (loaded) {
      bucket = loaded.plan.backupBucket;
      prefix = loaded.plan.prefix;
    } else if (!bucket)
      problems.push(
        `Input '${inputs.name('backup-bucket')}' is not set and no backup plan was read: expected the backup bucket's name, or k8s/environments/${environment}/backup.yaml.`,
      );
  }
  prefix ??= defaultPrefix(environment);
  if (prefix && !prefix.endsWith('/')) prefix = `${prefix}/`;

  const targetBucket = inputs.optional('target-bucket');
  const targetProblem = targetBucket ? bucketNameProblem(targetBucket) : undefined;
  if (targetBucket && targetProblem)
    problems.push(
      ConfigurationError.forInput(inputs.name('target-bucket'), targetBucket, `an S3 bucket name (it ${targetProblem})`)
        .message,
    );
  let targetPrefix = inputs.optional('target-prefix');
  if (targetPrefix !== undefined) {
    if (targetPrefix.startsWith('/') || targetPrefix.includes('..'))
      problems.push(
        ConfigurationError.forInput(
          inputs.name('target-prefix'),
          targetPrefix,
          'a key prefix such as restore/2026-11-29/',
        ).message,
      );
    else if (!targetPrefix.endsWith('/')) targetPrefix = `${targetPrefix}/`;
  }
  const concurrency = attempt(() => inputs.int('concurrency', 16, { min: 1, max: 256 })) ?? 16;
  const sample = attempt(() => inputs.int('verify-sample', 16, { min: 0, max: 100_000 })) ?? 16;

  if (databaseUrl) {
    const u = safeUrl(databaseUrl);
    if (!u || !/^postgres(ql)?:$/.test(u.protocol))
      problems.push(
        `Input '${inputs.name('database-url')}' is not a postgres:// URL: expected postgres://user:password@host:5432/database (the value is masked).`,
      );
  }

  const regionValue = inputs.optional('region') ?? awsRegionFromEnv(env) ?? 'us-east-1';
  const region = attempt(() => validateRegion(inputs.name('region'), regionValue)) ?? 'us-east-1';
  const rolloutTimeoutMs = attempt(() => inputs.duration('rollout-timeout', '10m')) ?? 600_000;
  problems.push(...notifyRead.problems);

  if (problems.length) throw new ConfigurationErrors(problems);

  const tempDir = env.RUNNER_TEMP || path.join(workspace, '.phlo-deploy');
  const reportPath = path.resolve(
    workspace,
    inputs.optional('report') ?? path.join(tempDir, 'phlo-deploy', `restore-${environment}.json`),
  );
  const runUrl = runUrlFromEnv(env);
  return {
    environment,
    backupSet,
    what,
    whatExplicit: whatList.length > 0,
    ...(pointInTime ? { pointInTime } : {}),
    target,
    confirmed: confirmed || drill,
    drill,
    deleteExtra,
    maxDelete,
    namespaceMap,
    backup: { bucket: bucket!, prefix },
    lake: {
      ...(targetBucket ? { targetBucket } : {}),
      ...(targetPrefix !== undefined ? { targetPrefix } : {}),
      concurrency,
      sample,
    },
    ...(databaseUrl ? { databaseUrl } : {}),
    aws: {
      region,
      ...(awsEndpointFromEnv('S3', env) ? { s3Endpoint: awsEndpointFromEnv('S3', env) } : {}),
      ...(awsEndpointFromEnv('RDS', env) ? { rdsEndpoint: awsEndpointFromEnv('RDS', env) } : {}),
    },
    kube,
    rolloutTimeoutMs,
    notify: notifyRead.notify,
    reportPath,
    tempDir,
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(runUrl ? { runUrl } : {}),
    repository: env.GITHUB_REPOSITORY ?? '',
  };
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The restore's target prefix in the lake when none is given: a new prefix, never the live keys. */
export function defaultTargetPrefix(setId: SetId, drill = false): string {
  return drill ? `restore-drill-${setId}/` : `restore-${setId}/`;
}
