/**
 * build-scan on the local stack: the fixture images are built by the stack's own docker engine and
 * scanned by the real trivy (built from its Go module) with the small vulnerability DB that
 * `stack up` built from stack/trivy/advisories and pushed to the stack's registry.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/actions/build-scan/run.js';
import { detectBuilder } from '../../src/lib/image/build.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { ConfigurationError, GateFailure } from '../../src/lib/runtime/errors.js';
import { fromRecord, Inputs } from '../../src/lib/runtime/inputs.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import type { ActionContext } from '../../src/runner/index.js';
import { errorLines, runStep } from '../helpers/action-runner.js';
import { loadStackEnv, repoRoot, uniqueName } from '../helpers/stack.js';

const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';
const fixtures = join(repoRoot, 'test', 'fixtures', 'images');

interface Captured {
  ctx: ActionContext;
  logger: MemoryLogger;
  outputs: Record<string, string>;
  secrets: string[];
  summary: string[];
  everything(): string;
}

function context(inputs: Record<string, string>): Captured {
  const logger = new MemoryLogger();
  const outputs: Record<string, string> = {};
  const secrets: string[] = [];
  const summary: string[] = [];
  const ctx: ActionContext = {
    inputs: new Inputs(fromRecord(inputs)),
    logger,
    setOutput: (name, value) => {
      outputs[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    },
    setSecret: (value) => {
      if (value) secrets.push(value);
    },
    summary: (md) => summary.push(md),
    saveState: () => undefined,
    getState: () => '',
  };
  return {
    ctx,
    logger,
    outputs,
    secrets,
    summary,
    everything: () => [logger.text(), JSON.stringify(outputs), ...summary].join('\n'),
  };
}

let stack: Record<string, string>;
let env: NodeJS.ProcessEnv;
let work: string;
let cacheDir: string;
const images: string[] = [];

beforeAll(() => {
  stack = loadStackEnv(['DOCKER_HOST', 'PHLO_TRIVY', 'PHLO_TRIVY_DB_REPOSITORY', 'PHLO_REGISTRY']);
  work = mkdtempSync(join(tmpdir(), 'phlo-build-scan-'));
  cacheDir = join(work, 'trivy-cache'); // one DB download for the whole file
  env = {
    ...process.env,
    DOCKER_HOST: stack.DOCKER_HOST,
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: 'phlo/phlo-deploy',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: work,
  };
  delete env.GITHUB_EVENT_PATH;
  delete env.DOCKER_BUILDKIT;
});

afterAll(async () => {
  // Every tag of every image these tests built (a bare name would only mean :latest).
  for (const image of images) {
    const refs = (
      await spawnExec('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image], { env })
    ).stdout
      .split('\n')
      .filter((ref) => ref.startsWith(`${image}:`));
    if (refs.length > 0) await spawnExec('docker', ['image', 'rm', '--force', ...refs], { env });
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

function scanInputs(image: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    image,
    context: join(fixtures, 'vulnerable'),
    'default-branch': 'main',
    'trivy-path': stack.PHLO_TRIVY!,
    'trivy-db-repository': stack.PHLO_TRIVY_DB_REPOSITORY!,
    'trivy-db-username': stack.PHLO_REGISTRY_USER ?? 'AWS',
    'trivy-db-password': stack.PHLO_REGISTRY_PASSWORD ?? '123456789012-auth-token',
    'trivy-cache-dir': cacheDir,
    'report-dir': join(work, uniqueName('reports')),
    ...extra,
  };
}

async function attempt(c: Captured): Promise<unknown> {
  try {
    await run(c.ctx, { env, cwd: repoRoot });
    return undefined;
  } catch (error) {
    return error;
  }
}

async function dockerImages(name: string): Promise<string> {
  const r = await spawnExec('docker', ['image', 'ls', '--quiet', name], { env });
  expect(r.exitCode).toBe(0);
  return r.stdout.trim();
}

function writeIgnore(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, body);
  return path;
}

describe('vulnerable image', () => {
  const image = `phlo-test/${uniqueName('vulnerable')}`;
  let c: Captured;
  let error: unknown;

  beforeAll(async () => {
    images.push(image);
    c = context(scanInputs(image));
    error = await attempt(c);
  });

  test('the gate fails on the HIGH finding, naming it', () => {
    expect(error).toBeInstanceOf(GateFailure);
    const message = (error as Error).message;
    expect(message).toContain('CVE-2099-10001 phlo-fixture-vulnerable 1.2.3 → 1.2.4 (HIGH)');
    expect(message).not.toContain('CVE-2099-10003'); // MEDIUM is below the default threshold
    expect(c.outputs['scan-result']).toBe('failed');
    expect(c.outputs.blocking).toBe('1');
  });

  test('the image was built (classic builder on the stack) with derived tags and OCI labels', async () => {
    expect(c.outputs['image-id']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The stack's docker CLI has no buildx today: classic; should it gain the plugin, buildx.
    expect(c.outputs.builder).toBe(await detectBuilder(spawnExec, env));
    expect(['buildx', 'classic']).toContain(c.outputs.builder);
    expect(c.outputs.tags!.split('\n')).toEqual(['main', 'sha-c0ffee0', 'latest']);
    expect(c.outputs.references!.split('\n')).toEqual([`${image}:main`, `${image}:sha-c0ffee0`, `${image}:latest`]);
    const r = await spawnExec(
      'docker',
      ['image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', `${image}:sha-c0ffee0`],
      { env },
    );
    expect(r.exitCode).toBe(0);
    const [id, labelsJson] = [r.stdout.slice(0, r.stdout.indexOf(' ')), r.stdout.slice(r.stdout.indexOf(' ') + 1)];
    expect(id).toBe(c.outputs['image-id']);
    const labels = JSON.parse(labelsJson) as Record<string, string>;
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/phlo/phlo-deploy',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': 'main',
      'org.example.fixture': 'vulnerable',
    });
    expect(Date.parse(labels['org.opencontainers.image.created']!)).not.toBeNaN();
    expect(JSON.parse(c.outputs.labels!)).toMatchObject({ 'org.opencontainers.image.revision': SHA });
  });

  test('the JSON report lists every finding of the fixture DB, and nothing for the clean package', () => {
    const report = JSON.parse(readFileSync(c.outputs.report!, 'utf8')) as {
      SchemaVersion: number;
      Results: {
        Target: string;
        Vulnerabilities?: { VulnerabilityID: string; PkgName: string; Severity: string; FixedVersion?: string }[];
      }[];
    };
    expect(report.SchemaVersion).toBe(2);
    const vulns = report.Results.flatMap((r) => r.Vulnerabilities ?? []);
    const byId = Object.fromEntries(vulns.map((v) => [v.VulnerabilityID, v]));
    expect(Object.keys(byId).sort()).toEqual(['CVE-2099-10001', 'CVE-2099-10002', 'CVE-2099-10003']);
    expect(byId['CVE-2099-10001']).toMatchObject({
      PkgName: 'phlo-fixture-vulnerable',
      Severity: 'HIGH',
      FixedVersion: '1.2.4',
    });
    expect(byId['CVE-2099-10002']!.FixedVersion ?? '').toBe('');
    expect(vulns.some((v) => v.PkgName === 'phlo-fixture-clean')).toBe(false);
    expect(JSON.parse(c.outputs.counts!)).toEqual({ UNKNOWN: 0, LOW: 1, MEDIUM: 1, HIGH: 1, CRITICAL: 0 });
  });

  test('SARIF and the CycloneDX SBOM are written next to the report', () => {
    const sarif = JSON.parse(readFileSync(c.outputs.sarif!, 'utf8')) as {
      version: string;
      $schema: string;
      runs: { tool: { driver: { name: string } }; results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toContain('sarif');
    expect(sarif.runs[0]!.tool.driver.name).toBe('Trivy');
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('CVE-2099-10001');

    const sbom = JSON.parse(readFileSync(c.outputs.sbom!, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      components: { name: string; version: string; purl?: string }[];
    };
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toMatch(/^1\.\d+$/);
    const names = sbom.components.map((x) => `${x.name}@${x.version}`);
    expect(names).toEqual(expect.arrayContaining(['phlo-fixture-vulnerable@1.2.3', 'phlo-fixture-clean@2.0.0']));
  });

  test('the summary has counts and the fixed version; the DB password never appears', () => {
    const md = c.summary.join('\n');
    expect(md).toContain('| 0 | 1 | 1 | 1 | 0 | 1 | 0 |');
    expect(md).toMatch(/\| HIGH \| \[?CVE-2099-10001\b.*\| phlo-fixture-vulnerable \| 1\.2\.3 \| 1\.2\.4 \|/);
    expect(md).toContain('trivy 0.74.0');
    const password = stack.PHLO_REGISTRY_PASSWORD ?? '123456789012-auth-token';
    expect(c.secrets).toContain(password);
    expect(c.everything()).not.toContain(password);
  });
});

describe('ignore file', () => {
  test('an entry with a reason and a future expiry lets the same image pass', async () => {
    const image = `phlo-test/${uniqueName('ignored')}`;
    images.push(image);
    const ignore = writeIgnore(
      'ignore-live.yaml',
      `ignores:\n  - id: CVE-2099-10001\n    package: phlo-fixture-vulnerable\n    reason: fixture; not reachable\n    expires: 2999-12-31\n`,
    );
    const c = context(scanInputs(image, { 'ignore-file': ignore }));
    expect(await attempt(c)).toBeUndefined();
    expect(c.outputs['scan-result']).toBe('passed');
    expect(c.outputs.blocking).toBe('0');
    expect(c.logger.text()).toContain(
      'ignored CVE-2099-10001 phlo-fixture-vulnerable 1.2.3 → 1.2.4 (HIGH): fixture; not reachable',
    );
    expect(c.summary.join('\n')).toContain('Ignored findings (1)');
    expect(c.summary.join('\n')).toMatch(
      /Top findings below the gate \(2 of 2\)[\s\S]*\| MEDIUM \| \[?CVE-2099-10003\b.*\| 1\.3\.0 \|/,
    );
  });

  test('an expired entry fails the gate, naming it', async () => {
    const image = `phlo-test/${uniqueName('expired')}`;
    images.push(image);
    const ignore = writeIgnore(
      'ignore-expired.yaml',
      `ignores:\n  - id: CVE-2099-10001\n    reason: waiting for upstream\n    expires: 2020-01-31\n`,
    );
    const c = context(scanInputs(image, { 'ignore-file': ignore }));
    const error = await attempt(c);
    expect(error).toBeInstanceOf(GateFailure);
    expect((error as Error).message).toContain('expired ignore entry: CVE-2099-10001 expired 2020-01-31');
    expect(c.summary.join('\n')).toContain('**Expired ignore entries**');
  });

  test('a stricter threshold catches the MEDIUM finding too; fixable-only with LOW leaves the unfixed one out', async () => {
    const image = `phlo-test/${uniqueName('threshold')}`;
    images.push(image);
    const medium = context(scanInputs(image, { severity: 'MEDIUM,HIGH,CRITICAL' }));
    expect(((await attempt(medium)) as Error).message).toContain('2 finding(s) at MEDIUM/HIGH/CRITICAL');
    const low = context(scanInputs(image, { severity: 'LOW', 'fixable-only': 'true' }));
    expect(await attempt(low)).toBeUndefined(); // the LOW finding has no fix
    expect(low.outputs['scan-result']).toBe('passed');
  });
});

describe('clean image', () => {
  test('passes with no findings; the build arg reaches the image', async () => {
    const image = `phlo-test/${uniqueName('clean')}`;
    images.push(image);
    const c = context(
      scanInputs(image, {
        context: join(fixtures, 'clean'),
        'build-args': 'FIXTURE_NOTE=from-build-arg',
        'tag-rules': 'sha',
        tags: 'v9',
      }),
    );
    expect(await attempt(c)).toBeUndefined();
    expect(c.outputs['scan-result']).toBe('passed');
    expect(c.outputs.tags!.split('\n')).toEqual(['v9', 'sha-c0ffee0']);
    expect(JSON.parse(c.outputs.counts!)).toEqual({ UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
    const r = await spawnExec(
      'docker',
      ['image', 'inspect', '--format', '{{index .Config.Labels "org.example.fixture"}}', `${image}:v9`],
      { env },
    );
    expect(r.stdout.trim()).toBe('from-build-arg');
  });
});

describe('database unavailable', () => {
  const missingDb = () => ({
    'trivy-db-repository': `${stack.PHLO_REGISTRY}/phlo/no-such-trivy-db:2`,
    'trivy-cache-dir': join(work, uniqueName('empty-cache')),
  });

  test('fails plainly, before building', async () => {
    const image = `phlo-test/${uniqueName('nodb')}`;
    const c = context(scanInputs(image, missingDb()));
    const error = await attempt(c);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(
      `The vulnerability database could not be had from ${stack.PHLO_REGISTRY}/phlo/no-such-trivy-db:2`,
    );
    expect((error as Error).message).toContain('skip-scan-on-db-error');
    expect(await dockerImages(image)).toBe('');
  });

  test('with skip-scan-on-db-error the image is built and the scan skipped with a warning', async () => {
    const image = `phlo-test/${uniqueName('nodb-skip')}`;
    images.push(image);
    const c = context(scanInputs(image, { ...missingDb(), 'skip-scan-on-db-error': 'true' }));
    expect(await attempt(c)).toBeUndefined();
    expect(c.outputs['scan-result']).toBe('skipped');
    expect(c.outputs['image-id']).toMatch(/^sha256:/);
    expect(c.logger.text()).toContain('warning: The vulnerability database could not be had');
    expect(c.summary.join('\n')).toContain('skipped');
  });
});

describe('bad input: nothing is built', () => {
  test('a tag with shell metacharacters', async () => {
    const marker = join(work, 'x');
    const image = `phlo-test/${uniqueName('badtag')}`;
    const c = context(scanInputs(image, { tags: `ok, $(touch ${marker})` }));
    const error = await attempt(c);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`Input 'tags' is '$(touch ${marker})'`);
    expect(existsSync(marker)).toBe(false);
    expect(await dockerImages(image)).toBe('');
  });

  test('a missing Dockerfile', async () => {
    const image = `phlo-test/${uniqueName('nodockerfile')}`;
    const c = context(scanInputs(image, { dockerfile: 'test/fixtures/images/vulnerable/Nope.Dockerfile' }));
    const error = await attempt(c);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(
      "Input 'dockerfile' is 'test/fixtures/images/vulnerable/Nope.Dockerfile': expected an existing Dockerfile",
    );
    expect(c.logger.text()).not.toContain('Building');
    expect(await dockerImages(image)).toBe('');
  });

  test('an ignore entry without a reason', async () => {
    const image = `phlo-test/${uniqueName('badignore')}`;
    const ignore = writeIgnore('ignore-bad.yaml', `ignores:\n  - id: CVE-2099-10001\n    expires: 2999-01-01\n`);
    const c = context(scanInputs(image, { 'ignore-file': ignore }));
    const error = await attempt(c);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('entry 1 (CVE-2099-10001) has no reason');
    expect(await dockerImages(image)).toBe('');
  });
});

describe('the dist bundle, run the way a runner runs it', () => {
  const bundle = join('dist', 'build-scan', 'main.js');
  const maybe = existsSync(join(repoRoot, bundle)) ? test : test.skip;

  maybe('fails the step on the gate with one error line; outputs, summary and reports are still written', async () => {
    const image = `phlo-test/${uniqueName('bundle')}`;
    images.push(image);
    const reportDir = join(work, uniqueName('bundle-reports'));
    const r = await runStep(bundle, {
      inputs: scanInputs(image, { 'report-dir': reportDir, severity: 'high, critical' }),
      env: {
        DOCKER_HOST: stack.DOCKER_HOST,
        DOCKER_BUILDKIT: undefined,
        GITHUB_SHA: SHA,
        GITHUB_REF: 'refs/tags/v1.4.2',
        GITHUB_REPOSITORY: 'phlo/phlo-deploy',
      },
      timeoutMs: 300_000,
    });
    expect(r.code).toBe(1);
    const errors = errorLines(r);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('build-scan: Vulnerability gate failed: 1 finding(s) at HIGH/CRITICAL: CVE-2099-10001');
    expect(r.everything).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    expect(r.outputs.tags!.split('\n')).toEqual(['1.4.2', '1.4', '1', 'sha-c0ffee0']);
    expect(r.outputs.version).toBe('1.4.2');
    expect(r.outputs['scan-result']).toBe('failed');
    expect(r.outputs.report).toBe(join(reportDir, 'trivy-report.json'));
    for (const file of ['trivy-report.json', 'trivy-results.sarif', 'sbom.cdx.json']) {
      expect(() => JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as unknown).not.toThrow();
    }
    expect(r.summary).toContain('### Vulnerability scan: ❌ failed');
    expect(r.summary).toMatch(/\| HIGH \| \[?CVE-2099-10001\b.*\| phlo-fixture-vulnerable \| 1\.2\.3 \| 1\.2\.4 \|/);
    expect(r.stdout).toContain(`::add-mask::${stack.PHLO_REGISTRY_PASSWORD ?? '123456789012-auth-token'}`);
    expect(r.everything).not.toContain(stack.PHLO_REGISTRY_PASSWORD ?? '123456789012-auth-token');
  });
});

function stackValue(key: string): string | undefined {
  try {
    return loadStackEnv()[key];
  } catch {
    return undefined;
  }
}

describe('buildx builder', () => {
  // The stack's docker CLI has no buildx. PHLO_DOCKER_BUILDX (a docker-buildx plugin binary, in the
  // stack env file or the environment) turns this on: the plugin is put in a private DOCKER_CONFIG.
  const binary = process.env.PHLO_DOCKER_BUILDX || stackValue('PHLO_DOCKER_BUILDX');
  const maybe = binary ? test : test.skip;

  maybe('builds with `docker buildx build --load` when the CLI has buildx, and scans the result', async () => {
    const config = join(work, 'docker-config');
    mkdirSync(join(config, 'cli-plugins'), { recursive: true });
    copyFileSync(binary!, join(config, 'cli-plugins', 'docker-buildx'));
    chmodSync(join(config, 'cli-plugins', 'docker-buildx'), 0o755);
    const image = `phlo-test/${uniqueName('buildx')}`;
    images.push(image);
    const c = context(scanInputs(image));
    let error: unknown;
    try {
      await run(c.ctx, { env: { ...env, DOCKER_CONFIG: config }, cwd: repoRoot });
    } catch (e) {
      error = e;
    }
    expect(c.outputs.builder).toBe('buildx');
    expect(c.logger.text()).toContain('docker buildx build --load');
    expect(error).toBeInstanceOf(GateFailure);
    expect((error as Error).message).toContain('CVE-2099-10001');
    const r = await spawnExec('docker', ['image', 'inspect', '--format', '{{.Id}}', `${image}:main`], { env });
    expect(r.stdout.trim()).toBe(c.outputs['image-id']);
  });
});
