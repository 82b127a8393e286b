import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIgnoreFile, parseIgnoreFile } from '../../src/lib/scan/ignore.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

describe('parseIgnoreFile', () => {
  test('reads entries; dates stay strings', () => {
    const text = `
ignores:
  - id: CVE-2099-10001
    package: phlo-fixture-vulnerable
    reason: not reachable from our code
    expires: 2027-01-31
  - id: GHSA-2c8m-9xq4-7vwp
    reason: "accepted: test fixture"
    expires: "2026-12-01"
`;
    expect(parseIgnoreFile(text, 'ignore-file')).toEqual([
      {
        id: 'CVE-2099-10001',
        package: 'phlo-fixture-vulnerable',
        reason: 'not reachable from our code',
        expires: '2027-01-31',
      },
      { id: 'GHSA-2c8m-9xq4-7vwp', reason: 'accepted: test fixture', expires: '2026-12-01' },
    ]);
  });

  test('a bare list and an empty file are fine', () => {
    expect(parseIgnoreFile('- {id: CVE-1-2, reason: r, expires: 2030-01-01}', 'f')).toHaveLength(1);
    expect(parseIgnoreFile('', 'f')).toEqual([]);
    expect(parseIgnoreFile('ignores: []', 'f')).toEqual([]);
  });

  test('every problem is reported at once, naming the file and the entry', () => {
    const text = `
ignores:
  - id: CVE-1-1
    expires: 2030-01-01
  - id: CVE-1-2
    reason: r
    expires: 2030-02-30
  - id: "$(touch /tmp/x)"
    reason: r
    expires: 2030-01-01
  - id: CVE-1-3
    reason: r
  - id: CVE-1-4
    reason: r
    expires: 2030-01-01
    until: 2031-01-01
  - just a string
`;
    let error: unknown;
    try {
      parseIgnoreFile(text, "ignore-file 'scan-ignore.yaml'");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('6 problems');
    expect(message).toContain("ignore-file 'scan-ignore.yaml' entry 1 (CVE-1-1) has no reason");
    expect(message).toContain("entry 2 (CVE-1-2) has expires '2030-02-30': expected a date YYYY-MM-DD");
    expect(message).toContain("entry 3 has id '$(touch /tmp/x)'");
    expect(message).toContain('entry 4 (CVE-1-3) has no expires');
    expect(message).toContain("entry 5 has unknown key 'until'");
    expect(message).toContain("entry 6 is 'just a string'");
  });

  test('bad YAML and unknown top-level keys', () => {
    expect(() => parseIgnoreFile('ignores: [', 'f')).toThrow('f is not valid YAML');
    expect(() => parseIgnoreFile('vulnerabilities: []', 'f')).toThrow('unknown top-level key(s) vulnerabilities');
  });

  test('a missing file names the input and the path', async () => {
    await expect(loadIgnoreFile('/nonexistent/ignore.yaml', 'ignore-file')).rejects.toThrow(
      "Input 'ignore-file' is '/nonexistent/ignore.yaml': expected a readable YAML ignore file (ENOENT).",
    );
    const dir = mkdtempSync(join(tmpdir(), 'ign-'));
    writeFileSync(join(dir, 'i.yaml'), 'ignores:\n  - {id: CVE-1-1, reason: r, expires: 2030-01-01}\n');
    await expect(loadIgnoreFile(join(dir, 'i.yaml'), 'ignore-file')).resolves.toHaveLength(1);
  });
});
