/**
 * Runs Trivy against a built image, offline but for the vulnerability DB's own registry:
 *  1. `trivy image --download-db-only` fetches (or confirms the cached) DB — a failure here is a
 *     DbUnavailableError, so the caller can say so plainly and decide (fail, or skip the scan);
 *  2. `trivy image --input <tar> --format json --list-all-pkgs` writes the full report;
 *  3. `trivy convert` turns that report into SARIF and a CycloneDX SBOM (no second scan).
 * The gate is not here: the report always lists everything; policy.ts decides.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/logger.js';
import type { Exec, ExecResult } from '../runtime/exec.js';
import type { Finding } from './findings.js';
import { type TrivyReport, asTrivyReport, findingsFromTrivy } from './trivy-report.js';

export interface TrivySettings {
  /** Path of the trivy binary (or `trivy` on PATH). */
  binary: string;
  /** OCI repository of the DB (`host/repo:2`); Trivy's default when absent. */
  dbRepository?: string;
  /** Credentials for the DB registry; passed through the environment, never argv. */
  dbUsername?: string;
  dbPassword?: string;
  /** Trivy's cache (DB and layer cache); keep it between runs. */
  cacheDir: string;
  /** Talk plain HTTP / skip TLS verification to the DB registry. */
  insecure?: boolean;
  /** Scan timeout, passed to `--timeout` (e.g. `10m`). */
  timeout?: string;
}

export class DbUnavailableError extends Error {
  override readonly name = 'DbUnavailableError';
}

export class TrivyError extends Error {
  override readonly name = 'TrivyError';
}

export interface ScanFiles {
  json: string;
  sarif: string;
  sbom: string;
}

export interface ScanOutcome {
  files: ScanFiles;
  report: TrivyReport;
  findings: Finding[];
  /** `trivy --version` first line. */
  version: string;
}

/** The environment Trivy runs with: no update checks, no telemetry, credentials by env. */
export function trivyEnv(settings: TrivySettings, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TRIVY_NO_PROGRESS: 'true', TRIVY_DISABLE_TELEMETRY: 'true' };
  delete env.TRIVY_USERNAME;
  delete env.TRIVY_PASSWORD;
  if (settings.dbUsername) env.TRIVY_USERNAME = settings.dbUsername;
  if (settings.dbPassword) env.TRIVY_PASSWORD = settings.dbPassword;
  return env;
}

function common(settings: TrivySettings): string[] {
  const args = ['--cache-dir', settings.cacheDir, '--quiet', '--skip-version-check'];
  if (settings.insecure) args.push('--insecure');
  return args;
}

export async function trivyVersion(exec: Exec, settings: TrivySettings): Promise<string> {
  const r = await exec(settings.binary, ['--version'], { env: trivyEnv(settings) });
  if (r.exitCode !== 0) throw new TrivyError(`'${settings.binary} --version' failed (exit ${r.exitCode}): ${tail(r)}`);
  const first = (r.stdout.split('\n', 1)[0] ?? '').trim();
  const m = /^Version:\s*(\S+)/.exec(first);
  return m ? `trivy ${m[1]}` : first;
}

/** Fetches the DB into the cache (no-op when the cached DB is still fresh). */
export async function downloadDb(exec: Exec, settings: TrivySettings, logger: Logger): Promise<void> {
  const args = ['image', '--download-db-only', '--no-progress', ...common(settings)];
  if (settings.dbRepository) args.push('--db-repository', settings.dbRepository);
  logger.info(`Fetching the vulnerability DB${settings.dbRepository ? ` from ${settings.dbRepository}` : ''}`);
  const r = await exec(settings.binary, args, { env: trivyEnv(settings) });
  if (r.exitCode !== 0) {
    throw new DbUnavailableError(
      `The vulnerability database could not be had${settings.dbRepository ? ` from ${settings.dbRepository}` : ''}: ${tail(r)}`,
    );
  }
}

/**
 * Scans an image saved with `docker save` (`imageTar`), writing the JSON report, SARIF and
 * CycloneDX SBOM into outDir. Assumes downloadDb succeeded (runs with --skip-db-update).
 */
export async function scanImageTar(
  exec: Exec,
  settings: TrivySettings,
  imageTar: string,
  outDir: string,
  logger: Logger,
): Promise<ScanOutcome> {
  await mkdir(outDir, { recursive: true });
  const files: ScanFiles = {
    json: join(outDir, 'trivy-report.json'),
    sarif: join(outDir, 'trivy-results.sarif'),
    sbom: join(outDir, 'sbom.cdx.json'),
  };
  const env = trivyEnv(settings);
  const version = await trivyVersion(exec, settings);
  const scanArgs = [
    'image',
    ...common(settings),
    '--input',
    imageTar,
    '--scanners',
    'vuln',
    '--skip-db-update',
    '--skip-java-db-update',
    '--offline-scan',
    '--list-all-pkgs',
    '--format',
    'json',
    '--output',
    files.json,
    '--exit-code',
    '0',
  ];
  if (settings.timeout) scanArgs.push('--timeout', settings.timeout);
  logger.info(`Scanning with ${version}`);
  const r = await exec(settings.binary, scanArgs, { env });
  if (r.exitCode !== 0) throw new TrivyError(`trivy image failed (exit ${r.exitCode}): ${tail(r)}`);

  let report: TrivyReport;
  try {
    report = asTrivyReport(JSON.parse(await readFile(files.json, 'utf8')));
  } catch (error) {
    throw new TrivyError(`trivy wrote an unreadable report ${files.json}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  for (const [format, output] of [
    ['sarif', files.sarif],
    ['cyclonedx', files.sbom],
  ] as const) {
    const c = await exec(settings.binary, ['convert', '--quiet', '--format', format, '--output', output, files.json], {
      env,
    });
    if (c.exitCode !== 0)
      throw new TrivyError(`trivy convert --format ${format} failed (exit ${c.exitCode}): ${tail(c)}`);
    if ((await stat(output)).size === 0)
      throw new TrivyError(`trivy convert --format ${format} wrote an empty ${output}`);
  }
  return { files, report, findings: findingsFromTrivy(report), version };
}

function tail(r: ExecResult): string {
  const lines = (r.stderr || r.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-3).join(' | ').slice(0, 600) || 'no output';
}
