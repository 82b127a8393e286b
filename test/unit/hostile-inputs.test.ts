/**
 * Hostile and careless inputs from the security review (issue 15): credentials in URLs, a header line
 * that is all secret, plain-http registries elsewhere than loopback, durations that make a gate spin.
 * Each is refused with one line naming the input, and no secret is echoed.
 */
import { describe, expect, it } from '@jest/globals';
import { Inputs, fromRecord, parseUrl, withoutUserinfo } from '../../src/lib/runtime/inputs.js';
import { parseHeaders, parseHealthGateSettings } from '../../src/lib/health/settings.js';
import { parseRegistryEndpoint } from '../../src/lib/ecr/names.js';
import { parseRolloutGateSettings } from '../../src/lib/gates/settings.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

const SECRET = 's3cr3t-Pa55';
const noMask = (): void => undefined;

describe('credentials in a URL', () => {
  it('are refused, naming the input and the headers input, without echoing them', () => {
    const msg = messageOf(() => parseUrl('url', `https://admin:${SECRET}@dagster.example.com/health`));
    expect(msg).toContain("Input 'url'");
    expect(msg).toContain('headers');
    expect(msg).not.toContain(SECRET);
    expect(msg).not.toContain('admin');
  });

  it('are refused in health-gate settings before any probe', () => {
    const msg = messageOf(() =>
      parseHealthGateSettings(new Inputs(fromRecord({ url: `https://u:${SECRET}@h.example` })), noMask),
    );
    expect(msg).not.toContain(SECRET);
  });

  it('are not echoed when the URL is malformed either', () => {
    const msg = messageOf(() => parseUrl('url', `ftp://u:${SECRET}@h.example`));
    expect(msg).not.toContain(SECRET);
    expect(withoutUserinfo(`https://u:${SECRET}@h/x`)).toBe('https://***@h/x');
  });

  it('a URL without userinfo is fine', () => {
    expect(parseUrl('url', 'https://h.example:8443/x').host).toBe('h.example:8443');
  });
});

describe('a malformed header line', () => {
  it('is reported by line number only, nothing of the line echoed', () => {
    const msg = messageOf(() => parseHeaders(`X-Ok: 1\n\nToken ${SECRET}-live: x y`, 'headers'));
    expect(msg).toContain("Input 'headers' line 3");
    expect(msg).not.toContain(SECRET);
    expect(msg).not.toContain('Token');
  });
});

describe('registry-endpoint over plain http', () => {
  it.each(['http://127.0.0.1:15000', 'http://127.3.4.5', 'http://localhost:5000', 'http://[::1]:5000'])(
    'is allowed for loopback %s',
    (value) => {
      expect(parseRegistryEndpoint('registry-endpoint', value).baseUrl.startsWith('http://')).toBe(true);
    },
  );

  it.each(['http://registry.example.com', 'http://10.0.0.5:5000', 'http://127.0.0.1.example.com'])(
    'is refused for %s (Basic auth in clear text)',
    (value) => {
      const msg = messageOf(() => parseRegistryEndpoint('registry-endpoint', value));
      expect(msg).toContain("Input 'registry-endpoint'");
      expect(msg).toContain('https://');
    },
  );

  it('https and bare hosts are fine anywhere', () => {
    expect(parseRegistryEndpoint('registry-endpoint', 'registry.example.com').baseUrl).toBe(
      'https://registry.example.com',
    );
  });
});

describe('durations have sane minimums', () => {
  it.each([
    ['interval', '0ms', 'at least 50ms'],
    ['attempt-timeout', '10ms', 'at least 100ms'],
    ['timeout', '0s', 'at least 1'],
  ])('health-gate %s=%s is refused', (input, value, expected) => {
    const msg = messageOf(() =>
      parseHealthGateSettings(new Inputs(fromRecord({ url: 'https://h.example', [input]: value })), noMask),
    );
    expect(msg).toContain(`Input '${input}'`);
    expect(msg).toContain(expected);
  });

  it('rollout-gate timeout=500ms is refused', () => {
    const msg = messageOf(() =>
      parseRolloutGateSettings(new Inputs(fromRecord({ workloads: 'Deployment/ns/a', timeout: '500ms' })), noMask),
    );
    expect(msg).toContain("Input 'timeout'");
  });

  it('values at the minimum are accepted', () => {
    const s = parseHealthGateSettings(
      new Inputs(fromRecord({ url: 'https://h.example', interval: '50ms', 'attempt-timeout': '100ms', timeout: '1s' })),
      noMask,
    );
    expect(s.policy).toMatchObject({ intervalMs: 50, attemptTimeoutMs: 100, deadlineMs: 1000 });
  });
});

describe('an ignore file that is a scalar', () => {
  it.each(['CVE-2024-1234', '42', 'true'])('%s is an error, not "no ignores"', async (text) => {
    const { parseIgnoreFile } = await import('../../src/lib/scan/ignore.js');
    const msg = messageOf(() => parseIgnoreFile(text, "ignore-file '.trivyignore.yaml'"));
    expect(msg).toContain("ignore-file '.trivyignore.yaml'");
    expect(msg).toContain('ignores:');
  });
});

describe('a Secret first created by kubectl apply', () => {
  it('shows neither its old nor its new values through the last-applied annotation in a diff', async () => {
    const { unifiedDiff } = await import('../../src/lib/kube/diff.js');
    const lastApplied = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'phlo-secrets', namespace: 'phlo' },
      stringData: { POSTGRES_PASSWORD: 'old-Pa55word' },
    });
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'phlo-secrets',
        namespace: 'phlo',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied, note: 'kept' },
      },
      data: { POSTGRES_PASSWORD: Buffer.from('old-Pa55word').toString('base64') },
    };
    const next = {
      ...live,
      metadata: { ...live.metadata, annotations: { ...live.metadata.annotations, note: 'new-Pa55word' } },
      data: { POSTGRES_PASSWORD: Buffer.from('new-Pa55word').toString('base64') },
    };
    const d = unifiedDiff('Secret/phlo/phlo-secrets', live, next);
    expect(d).not.toMatch(/Pa55word/);
    expect(d).not.toContain(Buffer.from('old-Pa55word').toString('base64'));
    expect(d).toContain('last-applied-configuration');
    expect(d).toContain('*** (changed)');
  });
});
