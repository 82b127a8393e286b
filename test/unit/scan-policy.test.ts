import {
  countBySeverity,
  describeFinding,
  type Finding,
  normalizeSeverity,
  sortFindings,
} from '../../src/lib/scan/findings.js';
import { defaultPolicy, evaluate, expiryInstant, failureMessage, parseSeverities } from '../../src/lib/scan/policy.js';
import { scanSummaryMarkdown } from '../../src/lib/scan/summary.js';

const f = (id: string, severity: Finding['severity'], pkg = 'openssl', fixedVersion?: string): Finding => ({
  id,
  severity,
  package: pkg,
  installedVersion: '1.0.0',
  source: 'trivy',
  ...(fixedVersion ? { fixedVersion } : {}),
});

const NOW = new Date('2026-06-15T12:00:00Z');
const findings = [
  f('CVE-1', 'CRITICAL', 'openssl', '1.0.1'),
  f('CVE-2', 'HIGH', 'zlib'),
  f('CVE-3', 'MEDIUM', 'zlib', '1.3'),
  f('CVE-4', 'LOW', 'bash'),
  f('CVE-5', 'UNKNOWN', 'bash'),
];

describe('evaluate', () => {
  test('default policy blocks HIGH and CRITICAL and counts every severity', () => {
    const r = evaluate(findings, defaultPolicy(), NOW);
    expect(r.passed).toBe(false);
    expect(r.blocking.map((x) => x.id)).toEqual(['CVE-1', 'CVE-2']);
    expect(r.counts).toEqual({ UNKNOWN: 1, LOW: 1, MEDIUM: 1, HIGH: 1, CRITICAL: 1 });
  });

  test('no findings passes', () => {
    const r = evaluate([], defaultPolicy(), NOW);
    expect(r.passed).toBe(true);
    expect(r.counts.CRITICAL).toBe(0);
  });

  test('fixable only: unfixed findings are set aside, not blocking', () => {
    const r = evaluate(findings, defaultPolicy({ fixableOnly: true }), NOW);
    expect(r.blocking.map((x) => x.id)).toEqual(['CVE-1']);
    expect(r.unfixable.map((x) => x.id)).toEqual(['CVE-2']);
  });

  test('custom threshold', () => {
    const r = evaluate(findings, defaultPolicy({ failOn: ['MEDIUM'] }), NOW);
    expect(r.blocking.map((x) => x.id)).toEqual(['CVE-3']);
  });

  test('a live ignore entry accepts the finding; the gate passes', () => {
    const policy = defaultPolicy({
      ignores: [
        { id: 'cve-1', reason: 'not reachable', expires: '2026-06-15' }, // last day: still live at noon
        { id: 'CVE-2', package: 'zlib', reason: 'no fix yet', expires: '2027-01-01' },
      ],
    });
    const r = evaluate(findings, policy, NOW);
    expect(r.passed).toBe(true);
    expect(r.ignored.map((i) => i.finding.id)).toEqual(['CVE-1', 'CVE-2']);
    expect(r.blocking).toEqual([]);
  });

  test('an entry for another package does not apply', () => {
    const r = evaluate(
      findings,
      defaultPolicy({ ignores: [{ id: 'CVE-2', package: 'openssl', reason: 'x', expires: '2030-01-01' }] }),
      NOW,
    );
    expect(r.blocking.map((x) => x.id)).toContain('CVE-2');
    expect(r.unusedIgnores.map((e) => e.id)).toEqual(['CVE-2']);
  });

  test('an expired entry fails the gate and is named', () => {
    const entry = { id: 'CVE-1', reason: 'waiting for upstream', expires: '2026-06-14' };
    const policy = defaultPolicy({ ignores: [entry, { id: 'CVE-2', reason: 'ok', expires: '2030-01-01' }] });
    const r = evaluate(findings, policy, NOW);
    expect(r.passed).toBe(false);
    expect(r.expiredIgnores).toEqual([{ entry, findings: [findings[0]] }]);
    expect(r.blocking.map((x) => x.id)).toEqual(['CVE-1']);
    const message = failureMessage(r, policy);
    expect(message).toContain('expired ignore entry: CVE-1 expired 2026-06-14');
    expect(message).toContain('CVE-1 openssl 1.0.0 → 1.0.1 (CRITICAL)');
  });

  test('an expired entry below the threshold, or matching nothing, does not fail the gate', () => {
    const policy = defaultPolicy({
      ignores: [
        { id: 'CVE-4', reason: 'low', expires: '2020-01-01' },
        { id: 'CVE-999', reason: 'gone', expires: '2020-01-01' },
      ],
    });
    const r = evaluate(findings.slice(3), policy, NOW);
    expect(r.passed).toBe(true);
    expect(r.unusedIgnores.map((e) => e.id)).toEqual(['CVE-999']);
  });

  test('expiry is the end of the day in UTC', () => {
    expect(expiryInstant('2026-06-14').toISOString()).toBe('2026-06-15T00:00:00.000Z');
    expect(() => expiryInstant('2026-02-30')).toThrow('expected YYYY-MM-DD');
  });

  test('failureMessage is empty when the gate passed and caps long lists', () => {
    expect(failureMessage(evaluate([], defaultPolicy(), NOW), defaultPolicy())).toBe('');
    const many = Array.from({ length: 15 }, (_, i) => f(`CVE-${100 + i}`, 'HIGH'));
    const message = failureMessage(evaluate(many, defaultPolicy(), NOW), defaultPolicy(), 10);
    expect(message).toContain('15 finding(s) at HIGH/CRITICAL');
    expect(message).toContain('and 5 more');
  });
});

describe('findings helpers', () => {
  test('severity words from either scanner map onto one scale', () => {
    expect(['critical', 'HIGH', 'INFORMATIONAL', 'UNDEFINED', undefined, 'weird'].map(normalizeSeverity)).toEqual([
      'CRITICAL',
      'HIGH',
      'LOW',
      'UNKNOWN',
      'UNKNOWN',
      'UNKNOWN',
    ]);
  });
  test('sorting: most severe first, fixable first', () => {
    expect(sortFindings([f('B', 'HIGH'), f('A', 'HIGH', 'x', '2'), f('C', 'CRITICAL')]).map((x) => x.id)).toEqual([
      'C',
      'A',
      'B',
    ]);
    expect(countBySeverity(findings).HIGH).toBe(1);
    expect(describeFinding(f('CVE-9', 'LOW'))).toBe('CVE-9 openssl 1.0.0 (no fix) (LOW)');
  });
  test('parseSeverities names the input', () => {
    expect(parseSeverities('severity', ['high', 'Critical', 'HIGH'])).toEqual(['HIGH', 'CRITICAL']);
    expect(() => parseSeverities('severity', ['HIGH', 'BAD'])).toThrow("Input 'severity' is 'BAD'");
  });
});

describe('scanSummaryMarkdown', () => {
  test('counts by severity, blocking findings with fixed versions, expired entries', () => {
    const policy = defaultPolicy({ ignores: [{ id: 'CVE-2', reason: 'old | reason', expires: '2026-01-01' }] });
    const withTitle = [
      { ...findings[0]!, title: 'Buffer <overflow> | bad', url: 'https://example.invalid/CVE-1' },
      ...findings.slice(1),
    ];
    const md = scanSummaryMarkdown({
      subject: 'phlo/x:1',
      result: evaluate(withTitle, policy, NOW),
      policy,
      files: { SARIF: '/tmp/r.sarif' },
    });
    expect(md).toContain('### Vulnerability scan: ❌ failed');
    expect(md).toContain('| CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | Blocking | Ignored |');
    expect(md).toContain('| 1 | 1 | 1 | 1 | 1 | 2 | 0 |');
    expect(md).toContain(
      '| CRITICAL | [CVE-1](https://example.invalid/CVE-1) | openssl | 1.0.0 | 1.0.1 | Buffer &lt;overflow&gt; \\| bad |',
    );
    expect(md).toContain('| HIGH | CVE-2 | zlib | 1.0.0 | — |');
    expect(md).toContain('`CVE-2` expired 2026-01-01 (1 finding(s)); reason was: old \\| reason');
    expect(md).toContain('SARIF `/tmp/r.sarif`');
  });

  test('a pass still lists the top findings below the gate, without the ignored ones', () => {
    const policy = defaultPolicy({
      ignores: [
        { id: 'CVE-1', reason: 'r', expires: '2030-01-01' },
        { id: 'CVE-2', reason: 'r', expires: '2030-01-01' },
      ],
    });
    const md = scanSummaryMarkdown({ subject: 'x', result: evaluate(findings, policy, NOW), policy, findings, top: 2 });
    expect(md).toContain('✅ passed');
    expect(md).toContain('Top findings below the gate (2 of 3):');
    expect(md).toContain('| MEDIUM | CVE-3 | zlib | 1.0.0 | 1.3 |');
    expect(md).toContain('| LOW | CVE-4 | bash | 1.0.0 | — |');
    expect(md).not.toContain('| CRITICAL | CVE-1');
    expect(md).not.toContain('CVE-5 |');
  });

  test('a clean pass', () => {
    const md = scanSummaryMarkdown({
      subject: 'x',
      result: evaluate([], defaultPolicy(), NOW),
      policy: defaultPolicy(),
    });
    expect(md).toContain('✅ passed');
    expect(md).toContain('No finding at a blocking severity.');
  });
});
