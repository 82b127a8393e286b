/**
 * The build-scan stage as one typed function: settings → (the vulnerability DB first, then the build,
 * then the scan of the built image) → a result the caller turns into outputs and a summary. A scan
 * over the policy is a verdict in the result (`buildScanFailure`), not an exception, so the summary
 * is written either way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../runtime/clock.js';
import { ConfigurationErrors, GateFailure, collectProblems } from '../runtime/errors.js';
import type { Exec } from '../runtime/exec.js';
import type { Logger } from '../runtime/logger.js';
import { describeFinding, type Finding } from '../scan/findings.js';
import { loadIgnoreFile } from '../scan/ignore.js';
import { installTrivy } from '../scan/install.js';
import { evaluate, failureMessage, type IgnoreEntry, type PolicyResult, type ScanPolicy } from '../scan/policy.js';
import { scanSummaryMarkdown } from '../scan/summary.js';
import { DbUnavailableError, downloadDb, scanImageTar, type ScanFiles, type TrivySettings } from '../scan/trivy.js';
import { buildImage, checkBuildInputs, detectBuilder, saveImage } from './build.js';
import type { GitFacts, GitFactsOptions } from './git.js';
import { defaultLabels, mergeLabels } from './labels.js';
import type { BuildScanSettings } from './settings.js';
import { deriveTags } from './tags.js';

export interface BuildScanPorts {
  exec: Exec;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
  logger: Logger;
  gitFacts: (options: GitFactsOptions) => Promise<GitFacts>;
}

export type ScanVerdict =
  | { state: 'off' }
  | { state: 'skipped' }
  | {
      state: 'passed' | 'failed';
      result: PolicyResult;
      policy: ScanPolicy;
      files: ScanFiles;
      findings: Finding[];
      scanner: string;
    };

export interface BuildScanResult {
  imageId: string;
  /** The first reference: the image's name in logs and summaries. */
  image: string;
  tags: string[];
  references: string[];
  labels: ReadonlyMap<string, string>;
  version?: string;
  builder: string;
  scan: ScanVerdict;
}

/**
 * The files the build and the scan read — the context, the Dockerfile, the ignore file — checked and
 * read before the first write; every problem at once. The pipeline calls it before the build starts.
 */
export async function readBuildScanFiles(
  settings: BuildScanSettings,
  cwd: string,
): Promise<{ paths: { context: string; dockerfile: string }; ignores: IgnoreEntry[] }> {
  const { problems, attempt } = collectProblems();
  const rethrow = (error: unknown) =>
    attempt(() => {
      throw error;
    });
  const [paths, ignores] = await Promise.all([
    checkBuildInputs(
      {
        context: settings.context,
        ...(settings.dockerfile ? { dockerfile: settings.dockerfile } : {}),
        buildArgs: settings.buildArgs,
        ...(settings.target ? { target: settings.target } : {}),
      },
      cwd,
    ).catch(rethrow),
    settings.scan?.ignoreFile
      ? loadIgnoreFile(settings.scan.ignoreFile, 'ignore-file').catch(rethrow)
      : Promise.resolve([] as IgnoreEntry[]),
  ]);
  if (problems.length) throw new ConfigurationErrors(problems);
  return { paths: paths!, ignores: ignores ?? [] };
}

export async function buildAndScan(settings: BuildScanSettings, ports: BuildScanPorts): Promise<BuildScanResult> {
  const { exec, env, cwd, clock, logger } = ports;
  // Which builder the CLI has is asked meanwhile (a docker process of its own); never rejects.
  const builder = detectBuilder(exec, env);
  // Everything the user gave is checked before the first write (build, DB download).
  const { paths, ignores } = await readBuildScanFiles(settings, cwd);

  const facts = await ports.gitFacts({
    env,
    exec,
    cwd,
    ...(settings.defaultBranch ? { defaultBranch: settings.defaultBranch } : {}),
  });
  const derived = deriveTags(facts, settings.tagRules);
  const tags = unique([...settings.tags, ...derived.tags]);
  const refs = unique([...tags.map((t) => `${settings.image}:${t}`), ...settings.extraRefs]);
  if (refs.length === 0) refs.push(`${settings.image}:latest`);
  const labels = mergeLabels(
    settings.ociLabels ? defaultLabels(facts, createdAt(env, clock), derived.version) : new Map(),
    settings.labels,
  );

  // The DB first: when it cannot be had, fail (or skip) before spending a build on it.
  const trivy = settings.scan ? await prepareScanner(settings.scan, exec, logger) : undefined;

  const built = await logger.group(`Building ${refs[0]}`, () =>
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
      logger,
      env,
      builder,
    ),
  );
  logger.info(`Built ${built.imageId} as ${refs.join(', ')}`);
  const result: Omit<BuildScanResult, 'scan'> = {
    imageId: built.imageId,
    image: refs[0]!,
    tags,
    references: refs,
    labels,
    ...(derived.version ? { version: derived.version } : {}),
    builder: built.builder,
  };
  if (!settings.scan) return { ...result, scan: { state: 'off' } };
  if (!trivy) return { ...result, scan: { state: 'skipped' } };
  const policy: ScanPolicy = { failOn: settings.scan.failOn, fixableOnly: settings.scan.fixableOnly, ignores };
  return { ...result, scan: await scanBuilt(ports, trivy, settings.scan.reportDir, policy, built.imageId, refs[0]!) };
}

/** Trivy installed and its DB downloaded; undefined when the DB cannot be had and that may be skipped. */
async function prepareScanner(
  scan: NonNullable<BuildScanSettings['scan']>,
  exec: Exec,
  logger: Logger,
): Promise<TrivySettings | undefined> {
  const binary =
    scan.trivyPath ??
    (await installTrivy({
      version: scan.trivyVersion,
      baseUrl: scan.trivyDownloadUrl,
      toolCache: scan.toolCache,
      exec,
      logger,
      ...(scan.trivySha256 ? { sha256: scan.trivySha256 } : {}),
    }));
  const trivy: TrivySettings = {
    binary,
    cacheDir: scan.cacheDir,
    insecure: scan.insecure,
    timeout: scan.timeout,
    ...(scan.dbRepository ? { dbRepository: scan.dbRepository } : {}),
    ...(scan.dbUsername ? { dbUsername: scan.dbUsername } : {}),
    ...(scan.dbPassword ? { dbPassword: scan.dbPassword } : {}),
  };
  try {
    await downloadDb(exec, trivy, logger);
    return trivy;
  } catch (error) {
    if (!(error instanceof DbUnavailableError)) throw error;
    if (!scan.skipOnDbError) {
      throw new Error(
        `${error.message}. The image was not built. Set skip-scan-on-db-error: true to build without a scan.`,
        { cause: error },
      );
    }
    logger.warning(`${error.message}. The scan is skipped (skip-scan-on-db-error is true).`);
    return undefined;
  }
}

async function scanBuilt(
  ports: BuildScanPorts,
  trivy: TrivySettings,
  reportDir: string,
  policy: ScanPolicy,
  imageId: string,
  subject: string,
): Promise<ScanVerdict> {
  const { exec, env, clock, logger } = ports;
  const work = await mkdtemp(join(env.RUNNER_TEMP || tmpdir(), 'phlo-scan-'));
  try {
    const tar = join(work, 'image.tar');
    const outcome = await logger.group(`Scanning ${subject}`, async () => {
      await saveImage(exec, imageId, tar, env);
      return scanImageTar(exec, trivy, tar, reportDir, logger);
    });
    const result = evaluate(outcome.findings, policy, new Date(clock.now()));
    for (const { finding, entry } of result.ignored) {
      logger.info(`ignored ${describeFinding(finding)}: ${entry.reason} (until ${entry.expires})`);
    }
    for (const entry of result.unusedIgnores) logger.info(`ignore entry ${entry.id} matched nothing`);
    if (result.passed) {
      const counts = Object.entries(result.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      logger.info(`Scan gate passed (${counts}; ${result.ignored.length} ignored)`);
    }
    return {
      state: result.passed ? 'passed' : 'failed',
      result,
      policy,
      files: outcome.files,
      findings: outcome.findings,
      scanner: outcome.version,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The job summary of a build-scan result (undefined when there is nothing to say). */
export function buildScanSummary(r: BuildScanResult): string | undefined {
  if (r.scan.state === 'skipped')
    return `### Vulnerability scan: ⚠️ skipped\n\nThe vulnerability database could not be had; the image \`${r.image}\` was built without a scan.\n`;
  if (r.scan.state === 'off') return undefined;
  return scanSummaryMarkdown({
    subject: r.image,
    result: r.scan.result,
    policy: r.scan.policy,
    scanner: r.scan.scanner,
    findings: r.scan.findings,
    files: { report: r.scan.files.json, SARIF: r.scan.files.sarif, SBOM: r.scan.files.sbom },
  });
}

/** The gate's "no": a scan over the policy. */
export function buildScanFailure(r: BuildScanResult): GateFailure | undefined {
  return r.scan.state === 'failed' ? new GateFailure(failureMessage(r.scan.result, r.scan.policy)) : undefined;
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
