import { describe, expect, it } from '@jest/globals';
import {
  DescribeImageScanFindingsCommand,
  StartImageScanCommand,
  type DescribeImageScanFindingsResponse,
} from '@aws-sdk/client-ecr';
import { gateEcrScan } from '../../src/lib/ecr/gate.js';
import { convertBasic, convertEnhanced, waitForScanFindings, type ScanOutcome } from '../../src/lib/ecr/scan.js';
import type { Clock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { defaultPolicy } from '../../src/lib/scan/policy.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const target = { repositoryName: 'phlo/app', registryId: '123456789012', imageDigest: DIGEST };

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
}

function awsError(name: string): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: 400 } });
}

type Step = DescribeImageScanFindingsResponse | Error;

/** A client whose DescribeImageScanFindings answers are scripted; records every command. */
function scriptedClient(describeSteps: Step[], start: Array<object | Error> = [{}]) {
  const calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  const pages = new Map<string, DescribeImageScanFindingsResponse>();
  return {
    calls,
    pages,
    async send(command: unknown): Promise<unknown> {
      if (command instanceof DescribeImageScanFindingsCommand) {
        calls.push({ name: 'describe', input: command.input as unknown as Record<string, unknown> });
        const token = command.input.nextToken;
        if (token) {
          const page = pages.get(token);
          if (!page) throw new Error(`unknown token ${token}`);
          return page;
        }
        const step = describeSteps.length > 1 ? describeSteps.shift()! : describeSteps[0]!;
        if (step instanceof Error) throw step;
        return step;
      }
      if (command instanceof StartImageScanCommand) {
        calls.push({ name: 'start', input: command.input as unknown as Record<string, unknown> });
        const next = start.length > 1 ? start.shift()! : start[0]!;
        if (next instanceof Error) throw next;
        return next;
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
}

const status = (s: string, description?: string): DescribeImageScanFindingsResponse => ({
  imageScanStatus: { status: s as never, ...(description ? { description } : {}) },
});

function finding(name: string, severity: string, pkg = 'openssl', version = '3.0.1') {
  return {
    name,
    severity: severity as never,
    uri: `https://nvd.example/${name}`,
    attributes: [
      { key: 'package_name', value: pkg },
      { key: 'package_version', value: version },
    ],
  };
}

const options = (clock: Clock, extra: Partial<Parameters<typeof waitForScanFindings>[2]> = {}) => ({
  clock,
  logger: new MemoryLogger(),
  timeoutMs: 60_000,
  intervalMs: 5_000,
  startScanIfMissing: true,
  ...extra,
});

describe('waiting for ECR scan findings', () => {
  it('polls IN_PROGRESS and PENDING, then reads COMPLETE findings', async () => {
    const clock = fakeClock();
    const client = scriptedClient([
      status('PENDING'),
      status('IN_PROGRESS'),
      {
        ...status('COMPLETE'),
        imageScanFindings: { findings: [finding('CVE-1', 'HIGH')], findingSeverityCounts: { HIGH: 1 } },
      },
    ]);
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome).toMatchObject({ status: 'COMPLETE', ready: true, polls: 3, pages: 1, reportedCounts: { HIGH: 1 } });
    expect(outcome.counts.HIGH).toBe(1);
    expect(clock.sleeps).toEqual([5_000, 5_000]);
    expect(client.calls.every((c) => c.name === 'describe')).toBe(true);
    expect(client.calls[0]!.input).toMatchObject({
      repositoryName: 'phlo/app',
      registryId: '123456789012',
      imageId: { imageDigest: DIGEST },
    });
  });

  it('sums findings across every page (nextToken)', async () => {
    const clock = fakeClock();
    const client = scriptedClient([
      {
        ...status('COMPLETE'),
        imageScanFindings: {
          findings: [finding('CVE-1', 'CRITICAL'), finding('CVE-2', 'HIGH')],
          findingSeverityCounts: { CRITICAL: 2, HIGH: 2, LOW: 1 },
        },
        nextToken: 'p2',
      },
    ]);
    client.pages.set('p2', {
      ...status('COMPLETE'),
      imageScanFindings: { findings: [finding('CVE-3', 'HIGH', 'zlib')] },
      nextToken: 'p3',
    });
    client.pages.set('p3', {
      ...status('COMPLETE'),
      imageScanFindings: { findings: [finding('CVE-4', 'CRITICAL', 'curl'), finding('CVE-5', 'INFORMATIONAL', 'tar')] },
    });
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome.pages).toBe(3);
    expect(outcome.counts).toEqual({ UNKNOWN: 0, LOW: 1, MEDIUM: 0, HIGH: 2, CRITICAL: 2 });
    expect(outcome.findings.map((f) => f.id).sort()).toEqual(['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4', 'CVE-5']);
    expect(client.calls.map((c) => c.input.nextToken)).toEqual([undefined, 'p2', 'p3']);
  });

  it('treats ACTIVE (continuous, enhanced) as ready and converts enhanced findings', async () => {
    const clock = fakeClock();
    const client = scriptedClient([
      {
        ...status('ACTIVE'),
        imageScanFindings: {
          enhancedFindings: [
            {
              severity: 'CRITICAL',
              title: 'CVE-2024-9 - libfoo',
              packageVulnerabilityDetails: {
                vulnerabilityId: 'CVE-2024-9',
                sourceUrl: 'https://advisory.example/CVE-2024-9',
                vulnerablePackages: [
                  {
                    name: 'libfoo',
                    version: '1.2',
                    release: '3',
                    epoch: 1,
                    fixedInVersion: '1:1.3-1',
                    filePath: 'usr/lib/libfoo.so',
                  },
                  { name: 'libfoo-dev', version: '1.2', fixedInVersion: 'NotAvailable' },
                ],
              },
            },
          ],
        },
      },
    ]);
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome.status).toBe('ACTIVE');
    expect(outcome.findings).toEqual([
      {
        id: 'CVE-2024-9',
        severity: 'CRITICAL',
        package: 'libfoo',
        installedVersion: '1:1.2-3',
        fixedVersion: '1:1.3-1',
        title: 'CVE-2024-9 - libfoo',
        target: 'usr/lib/libfoo.so',
        url: 'https://advisory.example/CVE-2024-9',
        source: 'ecr',
      },
      {
        id: 'CVE-2024-9',
        severity: 'CRITICAL',
        package: 'libfoo-dev',
        installedVersion: '1.2',
        title: 'CVE-2024-9 - libfoo',
        url: 'https://advisory.example/CVE-2024-9',
        source: 'ecr',
      },
    ]);
  });

  it.each([
    ['FAILED', 'scan failed: unsupported layer'],
    ['UNSUPPORTED_IMAGE', 'UnsupportedImageError: The operating system is not supported'],
    ['SCAN_ELIGIBILITY_EXPIRED', undefined],
    ['FINDINGS_UNAVAILABLE', undefined],
    ['LIMIT_EXCEEDED', undefined],
    ['IMAGE_ARCHIVED', undefined],
    ['SOMETHING_NEW', undefined],
  ])('stops at %s with no findings and a description', async (s, description) => {
    const clock = fakeClock();
    const client = scriptedClient([status(s, description)]);
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome).toMatchObject({ status: s, ready: false, findings: [], polls: 1 });
    expect(outcome.description).toEqual(description ?? expect.stringMatching(/\S/));
    expect(clock.sleeps).toEqual([]);
  });

  it('starts a scan once when none exists, then polls to COMPLETE', async () => {
    const clock = fakeClock();
    const client = scriptedClient([
      awsError('ScanNotFoundException'),
      status('IN_PROGRESS'),
      { ...status('COMPLETE'), imageScanFindings: { findings: [] } },
    ]);
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome).toMatchObject({ status: 'COMPLETE', ready: true, polls: 3 });
    expect(client.calls.map((c) => c.name)).toEqual(['describe', 'start', 'describe', 'describe']);
  });

  it('reports the once-a-day limit when StartImageScan says LimitExceededException', async () => {
    const clock = fakeClock();
    const client = scriptedClient([awsError('ScanNotFoundException')], [awsError('LimitExceededException')]);
    const outcome = await waitForScanFindings(client, target, options(clock));
    expect(outcome).toMatchObject({ status: 'LIMIT_EXCEEDED', ready: false });
    expect(outcome.description).toMatch(/one manual scan per image per 24 hours/);
  });

  it('reports UNSUPPORTED_IMAGE when StartImageScan rejects the image type', async () => {
    const client = scriptedClient([awsError('ScanNotFoundException')], [awsError('UnsupportedImageTypeException')]);
    const outcome = await waitForScanFindings(client, target, options(fakeClock()));
    expect(outcome.status).toBe('UNSUPPORTED_IMAGE');
  });

  it('does not start a scan when told not to, and times out at the deadline', async () => {
    const clock = fakeClock();
    const client = scriptedClient([awsError('ScanNotFoundException')]);
    const outcome = await waitForScanFindings(
      client,
      target,
      options(clock, { startScanIfMissing: false, timeoutMs: 12_000 }),
    );
    expect(outcome).toMatchObject({ status: 'TIMEOUT', ready: false });
    expect(outcome.description).toMatch(/not finished after 12\.0s \(last state: no scan found\)/);
    expect(client.calls.some((c) => c.name === 'start')).toBe(false);
    // bounded: waits never overshoot the deadline
    expect(clock.sleeps).toEqual([5_000, 5_000, 2_000]);
  });

  it('keeps polling while the image is not yet visible to ECR', async () => {
    const client = scriptedClient([
      awsError('ImageNotFoundException'),
      { ...status('COMPLETE'), imageScanFindings: {} },
    ]);
    const outcome = await waitForScanFindings(client, target, options(fakeClock()));
    expect(outcome).toMatchObject({ status: 'COMPLETE', polls: 2 });
  });

  it('rethrows errors it does not understand', async () => {
    const client = scriptedClient([awsError('AccessDeniedException')]);
    await expect(waitForScanFindings(client, target, options(fakeClock()))).rejects.toThrow(
      'AccessDeniedException message',
    );
  });
});

describe('ECR finding conversion', () => {
  it('maps basic findings onto the shared schema', () => {
    expect(
      convertBasic({ ...finding('CVE-9999-9999', 'HIGH', 'moto_fake', '9.9.9'), description: 'line one\nline two' }),
    ).toEqual({
      id: 'CVE-9999-9999',
      severity: 'HIGH',
      package: 'moto_fake',
      installedVersion: '9.9.9',
      title: 'line one',
      url: 'https://nvd.example/CVE-9999-9999',
      source: 'ecr',
    });
    expect(convertBasic({ name: 'CVE-1', severity: 'UNDEFINED' as never }).severity).toBe('UNKNOWN');
  });
  it('keeps an enhanced finding without packages', () => {
    expect(convertEnhanced({ severity: 'UNTRIAGED', title: 'GHSA-x' })).toEqual([
      { id: 'GHSA-x', severity: 'UNKNOWN', package: 'unknown', installedVersion: '', title: 'GHSA-x', source: 'ecr' },
    ]);
  });
});

describe('ECR scan gate (shared policy)', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const ready = (findings: ScanOutcome['findings']): ScanOutcome => ({
    status: 'COMPLETE',
    ready: true,
    description: '',
    findings,
    counts: { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 },
    reportedCounts: {},
    pages: 1,
    polls: 1,
  });
  const high = convertBasic(finding('CVE-2026-1', 'HIGH'));
  const medium = convertBasic(finding('CVE-2026-2', 'MEDIUM'));

  it('fails on a HIGH finding and names it', () => {
    const gate = gateEcrScan(ready([high, medium]), defaultPolicy(), now, 'fail');
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(
      /^ECR scan: Vulnerability gate failed: 1 finding\(s\) at HIGH\/CRITICAL: CVE-2026-1 openssl 3\.0\.1/,
    );
  });
  it('passes below the threshold, and with a live ignore entry', () => {
    expect(gateEcrScan(ready([medium]), defaultPolicy(), now, 'fail').passed).toBe(true);
    const policy = defaultPolicy({ ignores: [{ id: 'CVE-2026-1', reason: 'not reachable', expires: '2026-12-31' }] });
    expect(gateEcrScan(ready([high]), policy, now, 'fail').passed).toBe(true);
  });
  it('fails on an expired ignore entry', () => {
    const policy = defaultPolicy({ ignores: [{ id: 'CVE-2026-1', reason: 'old', expires: '2026-01-01' }] });
    const gate = gateEcrScan(ready([high]), policy, now, 'fail');
    expect(gate.passed).toBe(false);
    expect(gate.message).toMatch(/expired ignore entry: CVE-2026-1 expired 2026-01-01/);
  });
  it('fails or warns when findings are unavailable, as configured', () => {
    const none: ScanOutcome = { ...ready([]), status: 'UNSUPPORTED_IMAGE', ready: false, description: 'not supported' };
    expect(gateEcrScan(none, defaultPolicy(), now, 'fail')).toMatchObject({
      passed: false,
      message: expect.stringMatching(/unavailable \(UNSUPPORTED_IMAGE\)/),
    });
    expect(gateEcrScan(none, defaultPolicy(), now, 'warn')).toMatchObject({
      passed: true,
      warning: expect.stringMatching(/UNSUPPORTED_IMAGE/),
    });
  });
});
