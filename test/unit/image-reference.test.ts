import { isValidName, isValidTag, splitRef } from '../../src/lib/image/reference.js';
import { parseBuildScanSettings } from '../../src/lib/image/settings.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { fromRecord, Inputs } from '../../src/lib/runtime/inputs.js';

describe('docker tag grammar', () => {
  test.each(['latest', 'v1.2.3', 'sha-0123456', '1.0_rc-2', '_x', 'a'.repeat(128)])('accepts %s', (tag) => {
    expect(isValidTag(tag)).toBe(true);
  });
  test.each(['$(touch /tmp/x)', '-leading', '.dot', 'a b', 'a;b', 'tag`id`', '', 'a'.repeat(129), 'é', 'x\ny'])(
    'rejects %j',
    (tag) => {
      expect(isValidTag(tag)).toBe(false);
    },
  );
});

describe('image names', () => {
  test.each([
    'phlo/dagster',
    'dagster',
    '127.0.0.1:15000/phlo/trivy-db',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/phlo/a_b',
    'localhost/x__y',
  ])('accepts %s', (name) => {
    expect(isValidName(name)).toBe(true);
  });
  test.each(['Phlo/Dagster', 'phlo//x', 'phlo/x-', '$(id)', 'a b', '/abs'])('rejects %s', (name) => {
    expect(isValidName(name)).toBe(false);
  });
  test('splitRef tells a port from a tag', () => {
    expect(splitRef('127.0.0.1:15000/phlo/x')).toEqual({ name: '127.0.0.1:15000/phlo/x' });
    expect(splitRef('127.0.0.1:15000/phlo/x:v1')).toEqual({ name: '127.0.0.1:15000/phlo/x', tag: 'v1' });
  });
});

describe('parseBuildScanSettings', () => {
  const parse = (record: Record<string, string>) =>
    parseBuildScanSettings(new Inputs(fromRecord(record)), { RUNNER_TEMP: '/tmp/rt' });

  test('defaults', () => {
    const s = parse({ image: 'phlo/dagster' });
    expect(s.tagRules).toEqual(['sha', 'branch', 'semver', 'pr', 'latest']);
    expect(s.context).toBe('.');
    expect(s.ociLabels).toBe(true);
    expect(s.scan?.failOn).toEqual(['HIGH', 'CRITICAL']);
    expect(s.scan?.fixableOnly).toBe(false);
    expect(s.scan?.skipOnDbError).toBe(false);
    expect(s.scan?.reportDir).toBe('/tmp/rt/phlo-build-scan');
  });

  test('a tag with shell metacharacters is rejected, naming the input and the value', () => {
    let error: unknown;
    try {
      parse({ image: 'phlo/dagster', tags: 'ok\n$(touch /tmp/x)' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("Input 'tags' is '$(touch /tmp/x)'");
    expect((error as Error).message).toContain('expected docker tags');
    expect((error as Error).stack).toBeDefined();
  });

  test('every problem at once', () => {
    expect(() =>
      parse({
        image: 'Bad Name',
        tags: 'a;b',
        severity: 'HIGH,SEVERE',
        'tag-rules': 'sha,weekly',
        'fixable-only': 'maybe',
      }),
    ).toThrow(/5 problems:[\s\S]*'image'[\s\S]*'tags'[\s\S]*'tag-rules'[\s\S]*'severity'[\s\S]*'fixable-only'/);
  });

  test('a tag on the image input is refused; full references in tags are kept apart', () => {
    expect(() => parse({ image: 'phlo/dagster:v1' })).toThrow("Input 'image' is 'phlo/dagster:v1'");
    const s = parse({ image: 'phlo/dagster', tags: 'v1, 127.0.0.1:15000/other/name:v1' });
    expect(s.tags).toEqual(['v1']);
    expect(s.extraRefs).toEqual(['127.0.0.1:15000/other/name:v1']);
  });

  test('scan off, and db credentials go together', () => {
    expect(parse({ image: 'x', scan: 'false' }).scan).toBeUndefined();
    expect(() => parse({ image: 'x', 'trivy-db-username': 'AWS' })).toThrow(
      "'trivy-db-username' and 'trivy-db-password' go together",
    );
  });

  test('trivy install inputs: path wins, version and sha256 are checked', () => {
    const s = parse({ image: 'x' });
    expect(s.scan?.trivyPath).toBeUndefined();
    expect(s.scan?.trivyVersion).toBe('0.74.0');
    expect(s.scan?.trivyDownloadUrl).toBe('https://github.com/aquasecurity/trivy/releases/download');
    expect(parse({ image: 'x', 'trivy-path': '/opt/trivy', 'trivy-version': 'v0.70.1' }).scan).toMatchObject({
      trivyPath: '/opt/trivy',
      trivyVersion: '0.70.1',
    });
    expect(() => parse({ image: 'x', 'trivy-version': 'latest' })).toThrow("Input 'trivy-version' is 'latest'");
    expect(() => parse({ image: 'x', 'trivy-sha256': 'abc' })).toThrow("Input 'trivy-sha256' is 'abc'");
    expect(() => parse({ image: 'x', 'trivy-download-url': 'ftp://mirror' })).toThrow(
      "Input 'trivy-download-url' is 'ftp://mirror'",
    );
  });
});
