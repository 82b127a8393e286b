/**
 * Waiting for ECR's own scan of a pushed image and turning its findings into the shared Finding
 * schema (src/lib/scan/findings.ts), so the same policy gate as Trivy's applies. Polling is bounded
 * by a deadline on the Clock port (no SDK waiter); findings are read across every page.
 *
 * Scan statuses: IN_PROGRESS and PENDING → keep polling; COMPLETE (basic) and ACTIVE (enhanced,
 * continuous) → findings are ready; FAILED, UNSUPPORTED_IMAGE, SCAN_ELIGIBILITY_EXPIRED,
 * FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, IMAGE_ARCHIVED (and anything new) → no findings to gate on.
 * ScanNotFoundException → no scan yet: start one once (when allowed), then keep polling;
 * LimitExceededException from StartImageScan → ECR's one-manual-scan-per-image-per-day limit.
 */
import {
  DescribeImageScanFindingsCommand,
  StartImageScanCommand,
  type DescribeImageScanFindingsResponse,
  type ECRClient,
  type EnhancedImageScanFinding,
  type ImageScanFinding,
} from '@aws-sdk/client-ecr';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { formatDuration } from '../runtime/inputs.js';
import {
  countBySeverity,
  dedupeFindings,
  normalizeSeverity,
  type Finding,
  type SeverityCounts,
} from '../scan/findings.js';
import { errorName } from './repository.js';

export interface ScanTarget {
  repositoryName: string;
  registryId?: string;
  imageDigest: string;
}

export interface ScanWaitOptions {
  clock: Clock;
  logger: Logger;
  /** Give up after this long (ms) and report TIMEOUT. */
  timeoutMs: number;
  /** Pause between polls (ms). */
  intervalMs: number;
  /** When ECR has no scan for the image (scan on push off, or not started yet), start one once. */
  startScanIfMissing: boolean;
  /** Safety bound on pages read for one image. */
  maxPages?: number;
}

/** `COMPLETE`/`ACTIVE` give findings; every other final state means "nothing to gate on". */
export type ScanOutcomeStatus =
  | 'COMPLETE'
  | 'ACTIVE'
  | 'FAILED'
  | 'UNSUPPORTED_IMAGE'
  | 'SCAN_ELIGIBILITY_EXPIRED'
  | 'FINDINGS_UNAVAILABLE'
  | 'LIMIT_EXCEEDED'
  | 'IMAGE_ARCHIVED'
  | 'TIMEOUT'
  | string;

export interface ScanOutcome {
  status: ScanOutcomeStatus;
  /** True when findings were read (COMPLETE or ACTIVE). */
  ready: boolean;
  /** ECR's description of the status, or ours. */
  description: string;
  findings: Finding[];
  /** Findings by severity, summed over every page. */
  counts: SeverityCounts;
  /** ECR's own findingSeverityCounts (raw severity words), for cross-checking. */
  reportedCounts: Record<string, number>;
  pages: number;
  polls: number;
}

const WAITING = new Set(['IN_PROGRESS', 'PENDING']);
const READY = new Set(['COMPLETE', 'ACTIVE']);

type Send = Pick<ECRClient, 'send'>;

export async function waitForScanFindings(
  client: Send,
  target: ScanTarget,
  options: ScanWaitOptions,
): Promise<ScanOutcome> {
  const { clock, logger } = options;
  const deadline = clock.now() + options.timeoutMs;
  let polls = 0;
  let startedScan = false;
  let lastState = 'no scan yet';

  for (;;) {
    polls += 1;
    let page: DescribeImageScanFindingsResponse | undefined;
    try {
      page = await client.send(describe(target));
    } catch (error) {
      const name = errorName(error);
      if (name === 'ScanNotFoundException') {
        lastState = 'no scan found';
        if (options.startScanIfMissing && !startedScan) {
          startedScan = true;
          const started = await startScan(client, target, logger);
          if (started) return unavailable(started.status, started.description, polls);
        }
      } else if (name === 'ImageNotFoundException') {
        lastState = 'image not yet visible to ECR';
      } else if (name === 'LimitExceededException') {
        return unavailable('LIMIT_EXCEEDED', limitMessage(), polls);
      } else {
        throw error;
      }
    }

    if (page) {
      const status = page.imageScanStatus?.status ?? 'UNKNOWN';
      const description = page.imageScanStatus?.description ?? '';
      if (READY.has(status)) {
        return readAllPages(client, target, page, status, description, polls, options.maxPages ?? 1000);
      }
      if (!WAITING.has(status)) {
        return unavailable(status, description || describeStatus(status), polls);
      }
      lastState = status;
    }

    const left = deadline - clock.now();
    if (left <= 0) {
      return unavailable(
        'TIMEOUT',
        `ECR scan not finished after ${formatDuration(options.timeoutMs)} (last state: ${lastState})`,
        polls,
      );
    }
    logger.info(
      `ECR scan of ${target.repositoryName}@${target.imageDigest.slice(0, 19)}…: ${lastState}; polling again in ${formatDuration(Math.min(options.intervalMs, left))}`,
    );
    await clock.sleep(Math.min(options.intervalMs, left));
  }
}

function describe(target: ScanTarget, nextToken?: string): DescribeImageScanFindingsCommand {
  return new DescribeImageScanFindingsCommand({
    repositoryName: target.repositoryName,
    ...(target.registryId ? { registryId: target.registryId } : {}),
    imageId: { imageDigest: target.imageDigest },
    maxResults: 1000,
    ...(nextToken ? { nextToken } : {}),
  });
}

async function startScan(
  client: Send,
  target: ScanTarget,
  logger: Logger,
): Promise<{ status: string; description: string } | undefined> {
  try {
    await client.send(
      new StartImageScanCommand({
        repositoryName: target.repositoryName,
        ...(target.registryId ? { registryId: target.registryId } : {}),
        imageId: { imageDigest: target.imageDigest },
      }),
    );
    logger.info(`Started an ECR scan of ${target.repositoryName}@${target.imageDigest}`);
    return undefined;
  } catch (error) {
    const name = errorName(error);
    if (name === 'LimitExceededException') return { status: 'LIMIT_EXCEEDED', description: limitMessage() };
    if (name === 'UnsupportedImageTypeException') {
      return { status: 'UNSUPPORTED_IMAGE', description: describeStatus('UNSUPPORTED_IMAGE') };
    }
    throw error;
  }
}

async function readAllPages(
  client: Send,
  target: ScanTarget,
  first: DescribeImageScanFindingsResponse,
  status: string,
  description: string,
  polls: number,
  maxPages: number,
): Promise<ScanOutcome> {
  const findings: Finding[] = [];
  let page: DescribeImageScanFindingsResponse = first;
  let pages = 0;
  const reportedCounts: Record<string, number> = {};
  for (const [severity, count] of Object.entries(first.imageScanFindings?.findingSeverityCounts ?? {})) {
    reportedCounts[severity] = count ?? 0;
  }
  for (;;) {
    pages += 1;
    findings.push(...convertPage(page));
    if (!page.nextToken) break;
    if (pages >= maxPages) throw new Error(`ECR scan findings for ${target.repositoryName} exceed ${maxPages} pages`);
    page = await client.send(describe(target, page.nextToken));
  }
  const unique = dedupeFindings(findings);
  return {
    status,
    ready: true,
    description: description || describeStatus(status),
    findings: unique,
    counts: countBySeverity(unique),
    reportedCounts,
    pages,
    polls,
  };
}

function unavailable(status: string, description: string, polls: number): ScanOutcome {
  return {
    status,
    ready: false,
    description,
    findings: [],
    counts: countBySeverity([]),
    reportedCounts: {},
    pages: 0,
    polls,
  };
}

function limitMessage(): string {
  return 'ECR allows one manual scan per image per 24 hours and that scan was already used (LimitExceededException)';
}

export function describeStatus(status: string): string {
  switch (status) {
    case 'COMPLETE':
      return 'The scan completed.';
    case 'ACTIVE':
      return 'Continuous scanning is active for this image.';
    case 'FAILED':
      return 'ECR could not scan the image.';
    case 'UNSUPPORTED_IMAGE':
      return "ECR cannot scan this image (its operating system or media type isn't supported).";
    case 'SCAN_ELIGIBILITY_EXPIRED':
      return 'The image is no longer scanned continuously (its scan eligibility expired); no current findings.';
    case 'FINDINGS_UNAVAILABLE':
      return 'ECR has no findings for this image (not scanned, or the findings were removed).';
    case 'LIMIT_EXCEEDED':
      return limitMessage();
    case 'IMAGE_ARCHIVED':
      return 'The image is archived; archived images are not scanned.';
    default:
      return `ECR reported scan status ${status}.`;
  }
}

/** Converts one DescribeImageScanFindings page (basic or enhanced findings) to shared Findings. */
export function convertPage(page: DescribeImageScanFindingsResponse): Finding[] {
  const out: Finding[] = [];
  for (const f of page.imageScanFindings?.findings ?? []) out.push(convertBasic(f));
  for (const f of page.imageScanFindings?.enhancedFindings ?? []) out.push(...convertEnhanced(f));
  return out;
}

export function convertBasic(f: ImageScanFinding): Finding {
  const attr = (key: string): string | undefined => f.attributes?.find((a) => a.key === key)?.value;
  const finding: Finding = {
    id: f.name ?? 'UNKNOWN',
    severity: normalizeSeverity(f.severity),
    package: attr('package_name') ?? 'unknown',
    installedVersion: attr('package_version') ?? '',
    source: 'ecr',
  };
  if (f.description) finding.title = f.description.split('\n', 1)[0];
  if (f.uri) finding.url = f.uri;
  return finding;
}

export function convertEnhanced(f: EnhancedImageScanFinding): Finding[] {
  const details = f.packageVulnerabilityDetails;
  const id = details?.vulnerabilityId ?? f.title ?? f.findingArn ?? 'UNKNOWN';
  const packages = details?.vulnerablePackages?.length ? details.vulnerablePackages : [{}];
  return packages.map((p) => {
    const finding: Finding = {
      id,
      severity: normalizeSeverity(f.severity),
      package: p.name ?? 'unknown',
      installedVersion: packageVersion(p),
      source: 'ecr',
    };
    const fixed = p.fixedInVersion;
    if (fixed && fixed !== 'NotAvailable') finding.fixedVersion = fixed;
    if (f.title) finding.title = f.title;
    if (p.filePath) finding.target = p.filePath;
    if (details?.sourceUrl) finding.url = details.sourceUrl;
    return finding;
  });
}

function packageVersion(p: { epoch?: number; version?: string; release?: string }): string {
  if (!p.version) return '';
  const epoch = p.epoch ? `${p.epoch}:` : '';
  const release = p.release ? `-${p.release}` : '';
  return `${epoch}${p.version}${release}`;
}
