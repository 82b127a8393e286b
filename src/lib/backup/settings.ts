/** The backup action's settings: parsed once, every problem at once, before anything is written. */
import os from 'node:os';
import path from 'node:path';
import type { Inputs } from '../runtime/inputs.js';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import { runUrlFromEnv } from '../runtime/github-env.js';
import { checkEnvironmentName } from '../objects/environment.js';
import { readKubeconfigInputs, type KubeconfigSettings } from '../kube/source.js';
import { awsRegionFromEnv, validateRegion } from '../aws/client.js';
import { PAGERDUTY_EVENTS_URL, type NotifySettings } from '../notify/notify.js';
import { isSetId } from './layout.js';
import { readBackupPlan } from './plan.js';
import type { BackupPlan, SetId } from './types.js';

export const PHASES = ['all', 'begin', 'lake', 'finish'] as const;
export type BackupPhase = (typeof PHASES)[number];

export interface BackupSettings {
  environment: string;
  /** The plan as validated (inputs' bucket and prefix overrides applied). */
  plan: BackupPlan;
  /** The plan file, relative to the workspace, and the hex SHA-256 of its bytes. */
  planFile: string;
  planSha256: string;
  /** `all` runs begin, lake and finish in one process. */
  phase: BackupPhase;
  /** The set to continue (lake and finish; begin and all create or resume one). */
  setId?: SetId;
  /** The lake slice this process copies (lake phase), 1-based as the user writes it. */
  shard: { index: number; count: number };
  /** How many lake parts the finish phase merges. */
  shards: number;
  /** The PostgreSQL connection for pg_dump (masked). */
  databaseUrl?: string;
  region: string;
  dryRun: boolean;
  /** Why the shrink and empty-source guard is overridden for this run. */
  allowShrink?: string;
  kube: KubeconfigSettings;
  notify: NotifySettings;
  reportPath: string;
  commit?: string;
  runUrl?: string;
  /** owner/name of the repository the plan came from (notices). */
  repository: string;
}

const SHARD = /^(\d+)\/(\d+)$/;

export function parseBackupSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  mask: (secret: string) => void,
): BackupSettings {
  // secrets first: masked before anything below can fail and print
  const databaseUrl = inputs.optional('database-url');
  if (databaseUrl) {
    mask(databaseUrl);
    const password = passwordOf(databaseUrl);
    if (password) {
      mask(password);
      mask(encodeURIComponent(password));
    }
  }
  const slackWebhookUrl = inputs.optional('slack-webhook-url');
  if (slackWebhookUrl) mask(slackWebhookUrl);
  const pagerdutyRoutingKey = inputs.optional('pagerduty-routing-key');
  if (pagerdutyRoutingKey) mask(pagerdutyRoutingKey);
  const kube = readKubeconfigInputs(inputs, mask);

  const { problems, attempt } = collectProblems();
  const workspace = path.resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
  const environment =
    attempt(() =>
      checkEnvironmentName(
        inputs.name('environment'),
        inputs.required('environment', 'an environment name such as production, staging or local'),
      ),
    ) ?? '';
  const phase = attempt(() => inputs.oneOf('phase', PHASES, 'all')) ?? 'all';
  const dryRun = attempt(() => inputs.boolean('dry-run', false)) ?? false;
  const regionValue = inputs.optional('region') ?? awsRegionFromEnv(env) ?? 'us-east-1';
  const region = attempt(() => validateRegion(inputs.name('region'), regionValue)) ?? regionValue;

  const rawSetId = inputs.optional('set-id');
  if (rawSetId && !isSetId(rawSetId))
    problems.push(
      ConfigurationError.forInput(inputs.name('set-id'), rawSetId, 'a set id such as 20261129T160312Z').message,
    );
  if ((phase === 'lake' || phase === 'finish') && !rawSetId)
    problems.push(
      `Input '${inputs.name('set-id')}' is required with phase '${phase}': expected the set id the begin phase printed (its output set-id).`,
    );
  if (rawSetId && (phase === 'all' || phase === 'begin'))
    problems.push(
      `Input '${inputs.name('set-id')}' is set but phase is '${phase}': begin creates the set (or resumes the newest incomplete one); set-id is for lake and finish.`,
    );

  let shard = { index: 1, count: 1 };
  const rawShard = inputs.optional('shard');
  if (rawShard) {
    const m = SHARD.exec(rawShard);
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || count < 1 || count > 256 || index < 1 || index > count)
      problems.push(
        ConfigurationError.forInput(inputs.name('shard'), rawShard, 'i/N with 1 ≤ i ≤ N ≤ 256, such as 2/3').message,
      );
    else if (phase !== 'lake')
      problems.push(
        `Input '${inputs.name('shard')}' is set but phase is '${phase}': shards are copied by phase 'lake' (phase 'all' copies the whole lake).`,
      );
    else shard = { index, count };
  }
  const shards = attempt(() => inputs.int('shards', phase === 'lake' ? shard.count : 1, { min: 1, max: 256 })) ?? 1;
  if (phase === 'lake' && inputs.optional('shards') && shards !== shard.count)
    problems.push(
      `Input '${inputs.name('shards')}' is ${shards} but '${inputs.name('shard')}' says ${shard.count} shards: give the same N.`,
    );
  if (phase === 'all' && shards !== 1)
    problems.push(
      `Input '${inputs.name('shards')}' is ${shards} with phase 'all', which copies the whole lake in one process: use phases begin, lake (one job per shard) and finish.`,
    );

  const allowShrink = inputs.optional('allow-shrink');
  if (allowShrink !== undefined && /^(true|yes|1)$/i.test(allowShrink))
    problems.push(
      ConfigurationError.forInput(
        inputs.name('allow-shrink'),
        allowShrink,
        'the reason the lake may have shrunk or be empty, in words (it is recorded in the set)',
      ).message,
    );

  const planInput = inputs.optional('plan');
  const loaded = environment
    ? attempt(() =>
        readBackupPlan(workspace, environment, {
          ...(planInput ? { file: planInput } : {}),
          backupBucket: inputs.optional('backup-bucket'),
          lakeBucket: inputs.optional('lake-bucket'),
          prefix: inputs.optional('prefix'),
        }),
      )
    : undefined;
  if (loaded?.plan.database.postgres && !databaseUrl && phase !== 'lake' && phase !== 'finish' && !dryRun)
    problems.push(
      `The plan ${loaded.file} has database.postgres but input '${inputs.name('database-url')}' is not set: expected postgresql://user:password@host:port/database (from a secret).`,
    );
  if (databaseUrl && !/^postgres(ql)?:\/\/[^/]+\/[^/?#]+/.test(databaseUrl))
    problems.push(
      `Input '${inputs.name('database-url')}' is not a PostgreSQL URL: expected postgresql://user:password@host:port/database (value not shown).`,
    );

  const pagerdutyEventsUrl =
    attempt(() => inputs.url('pagerduty-events-url', PAGERDUTY_EVENTS_URL)?.toString()) ?? PAGERDUTY_EVENTS_URL;
  if (slackWebhookUrl) attempt(() => inputs.url('slack-webhook-url'));
  const reportPath = path.resolve(
    workspace,
    inputs.optional('report') ??
      path.join(env.RUNNER_TEMP || os.tmpdir(), 'phlo-deploy', `backup-${environment || 'unknown'}.json`),
  );
  if (problems.length || !loaded) throw new ConfigurationErrors(problems.length ? problems : ['no backup plan']);
  return {
    environment,
    plan: loaded.plan,
    planFile: loaded.file,
    planSha256: loaded.sha256,
    phase,
    ...(rawSetId ? { setId: rawSetId } : {}),
    shard,
    shards,
    ...(databaseUrl ? { databaseUrl } : {}),
    region,
    dryRun,
    ...(allowShrink ? { allowShrink } : {}),
    kube,
    notify: {
      ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
      ...(pagerdutyRoutingKey ? { pagerdutyRoutingKey } : {}),
      pagerdutyEventsUrl,
      on: new Set(['failure']),
      timeoutMs: 10_000,
    },
    reportPath,
    commit: env.GITHUB_SHA || undefined,
    runUrl: runUrlFromEnv(env),
    repository: env.GITHUB_REPOSITORY || path.basename(workspace),
  };
}

/** The password in a connection URL (decoded), to mask it on its own too. */
function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}
