import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, checkBuildInputs, detectBuilder, saveImage } from '../../lib/image/build.js';
import { defaultLabels, mergeLabels } from '../../lib/image/labels.js';
import { type BuildScanSettings, parseBuildScanSettings } from '../../lib/image/settings.js';
import { deriveTags } from '../../lib/image/tags.js';
import type { Exec } from '../../lib/runtime/exec.js';
import { runDeps, type RunDeps } from '../run-deps.js';
import type { Clock } from '../../lib/runtime/clock.js';
import { GateFailure } from '../../lib/runtime/errors.js';
import { describeFinding } from '../../lib/scan/findings.js';
import { loadIgnoreFile } from '../../lib/scan/ignore.js';
import { installTrivy } from '../../lib/scan/install.js';
import { evaluate, failureMessage, type IgnoreEntry, type ScanPolicy } from '../../lib/scan/policy.js';
import { scanSummaryMarkdown } from '../../lib/scan/summary.js';
import { DbUnavailableError, downloadDb, scanImageTar, type TrivySettings } from '../../lib/scan/trivy.js';
import type { ActionContext } from '../../lib/runtime/context.js';

export async function run(ctx: ActionContext, deps: Partial<RunDeps> = {}): Promise<void> {
  const { exec: execPort, clock, env, cwd, gitFacts } = runDeps(deps);
  // Every program (git, docker, trivy) stops when the caller stops the step.
  const { signal } = ctx;
  const exec: Exec = signal ? (command, args, options) => execPort(command, args, { ...options, signal }) : execPort;
  // Mask before anything can print it.
  ctx.setSecret(ctx.inputs.raw('trivy-db-password'));
  const settings = parseBuildScanSettings(ctx.inputs, env);

  // Which builder the CLI has is asked meanwhile (a docker process of its own); never rejects.
  const builder = detectBuilder(exec, env);
  // Everything the user gave is checked before the first write (build, DB download).
  const paths = await checkBuildInputs(
    {
      context: settings.context,
      ...(settings.dockerfile ? { dockerfile: settings.dockerfile } : {}),
      buildArgs: settings.buildArgs,
      ...(settings.target ? { target: settings.target } : {}),
    },
    cwd,
  );
  let ignores: IgnoreEntry[] = [];
  if (settings.scan?.ignoreFile) ignores = await loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file');

  const facts = await gitFacts({
    env,
    exec,
    cwd,
    ...(settings.defaultBranch ? { defaultBranch: settings.defaultBranch } : {}),
  });
  const derived = deriveTags(facts, settings.tagRules);
  const tags = unique([...settings.tags, ...derived.tags]);
  const refs = unique([...tags.map((t) => `${settings.image}:${t}`), ...settings.extraRefs]);
  if (refs.length === 0) refs.push(`${settings.image}:latest`);
  const created = createdAt(env, clock);
  const labels = mergeLabels(
    settings.ociLabels ? defaultLabels(facts, created, derived.version) : new Map(),
    settings.labels,
  );

  // The DB first: when it cannot be had, fail (or skip) before spending a build on it.
  let scanState: 'on' | 'skipped' | 'off' = settings.scan ? 'on' : 'off';
  let trivy: TrivySettings | undefined;
  if (settings.scan) {
    const binary =
      settings.scan.trivyPath ??
      (await installTrivy({
        version: settings.scan.trivyVersion,
        baseUrl: settings.scan.trivyDownloadUrl,
        toolCache: settings.scan.toolCache,
        exec,
        logger: ctx.logger,
        ...(settings.scan.trivySha256 ? { sha256: settings.scan.trivySha256 } : {}),
      }));
    trivy = {
      binary,
      cacheDir: settings.scan.cacheDir,
      insecure: settings.scan.insecure,
      timeout: settings.scan.timeout,
      ...(settings.scan.dbRepository ? { dbRepository: settings.scan.dbRepository } : {}),
      ...(settings.scan.dbUsername ? { dbUsername: settings.scan.dbUsername } : {}),
      ...(settings.scan.dbPassword ? { dbPassword: settings.scan.dbPassword } : {}),
    };
    try {
      await downloadDb(exec, trivy, ctx.logger);
    } catch (error) {
      if (!(error instanceof DbUnavailableError)) throw error;
      if (!settings.scan.skipOnDbError) {
        throw new Error(
          `${error.message}. The image was not built. Set skip-scan-on-db-error: true to build without a scan.`,
          {
            cause: error,
          },
        );
      }
      ctx.logger.warning(`${error.message}. The scan is skipped (skip-scan-on-db-error is true).`);
      scanState = 'skipped';
    }
  }

  const built = await ctx.logger.group(`Building ${refs[0]}`, () =>
    buildImage(
      exec,
      {
        context: paths.context,
        dockerfile: paths.dockerfile,
        buildArgs: settings.buildArgs,
        labels,
        refs,
        pull: settings.pull,
        noCache: settings.noCache,
        ...(settings.target ? { target: settings.target } : {}),
      },
      ctx.logger,
      env,
      builder,
    ),
  );
  ctx.logger.info(`Built ${built.imageId} as ${refs.join(', ')}`);
  ctx.setOutput('image-id', built.imageId);
  ctx.setOutput('image', refs[0]!);
  ctx.setOutput('tags', tags.join('\n'));
  ctx.setOutput('references', refs.join('\n'));
  ctx.setOutput('labels', Object.fromEntries(labels));
  ctx.setOutput('version', derived.version ?? '');
  ctx.setOutput('builder', built.builder);

  if (scanState !== 'on' || !settings.scan || !trivy) {
    ctx.setOutput('scan-result', scanState);
    if (scanState === 'skipped')
      ctx.summary(
        `### Vulnerability scan: ⚠️ skipped\n\nThe vulnerability database could not be had; the image \`${refs[0]}\` was built without a scan.\n`,
      );
    return;
  }
  await scanBuilt(
    ctx,
    exec,
    env,
    clock,
    settings as BuildScanSettings & { scan: NonNullable<BuildScanSettings['scan']> },
    trivy,
    built.imageId,
    refs[0]!,
    ignores,
  );
}

async function scanBuilt(
  ctx: ActionContext,
  exec: Exec,
  env: NodeJS.ProcessEnv,
  clock: Clock,
  settings: BuildScanSettings & { scan: NonNullable<BuildScanSettings['scan']> },
  trivy: TrivySettings,
  imageId: string,
  subject: string,
  ignores: IgnoreEntry[],
): Promise<void> {
  const policy: ScanPolicy = { failOn: settings.scan.failOn, fixableOnly: settings.scan.fixableOnly, ignores };
  const work = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'phlo-scan-'));
  try {
    const tar = join(work, 'image.tar');
    const outcome = await ctx.logger.group(`Scanning ${subject}`, async () => {
      await saveImage(exec, imageId, tar, env);
      return scanImageTar(exec, trivy, tar, settings.scan.reportDir, ctx.logger);
    });
    const result = evaluate(outcome.findings, policy, new Date(clock.now()));
    ctx.setOutput('report', outcome.files.json);
    ctx.setOutput('sarif', outcome.files.sarif);
    ctx.setOutput('sbom', outcome.files.sbom);
    ctx.setOutput('counts', result.counts);
    ctx.setOutput('blocking', result.blocking.length);
    ctx.setOutput('scan-result', result.passed ? 'passed' : 'failed');
    ctx.summary(
      scanSummaryMarkdown({
        subject,
        result,
        policy,
        scanner: outcome.version,
        findings: outcome.findings,
        files: { report: outcome.files.json, SARIF: outcome.files.sarif, SBOM: outcome.files.sbom },
      }),
    );
    for (const { finding, entry } of result.ignored) {
      ctx.logger.info(`ignored ${describeFinding(finding)}: ${entry.reason} (until ${entry.expires})`);
    }
    for (const entry of result.unusedIgnores) ctx.logger.info(`ignore entry ${entry.id} matched nothing`);
    const counts = Object.entries(result.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    if (!result.passed) throw new GateFailure(failureMessage(result, policy));
    ctx.logger.info(`Scan gate passed (${counts}; ${result.ignored.length} ignored)`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** SOURCE_DATE_EPOCH (reproducible builds) wins over the clock. */
function createdAt(env: NodeJS.ProcessEnv, clock: Clock): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date(clock.now());
}
