import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildCommand,
  checkBuildInputs,
  describeCommand,
  detectBuilder,
  pluginDirs,
  withLabelInstruction,
  type BuildSpec,
} from '../../src/lib/image/build.js';
import type { Exec } from '../../src/lib/runtime/exec.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

const spec: BuildSpec = {
  context: '/src',
  dockerfile: '/src/Dockerfile',
  buildArgs: new Map([['NPM_TOKEN', 'secret value; $(rm -rf /)']]),
  labels: new Map([['org.opencontainers.image.revision', 'abc']]),
  refs: ['phlo/x:main', 'phlo/x:sha-0123456'],
  target: 'runtime',
  pull: true,
};

test('classic and buildx command lines are argument arrays, metacharacters kept verbatim', () => {
  expect(buildCommand(spec, 'classic', '/tmp/iid')).toEqual([
    'build',
    '--file',
    '/src/Dockerfile',
    '--iidfile',
    '/tmp/iid',
    '--tag',
    'phlo/x:main',
    '--tag',
    'phlo/x:sha-0123456',
    '--label',
    'org.opencontainers.image.revision=abc',
    '--build-arg',
    'NPM_TOKEN=secret value; $(rm -rf /)',
    '--target',
    'runtime',
    '--pull',
    '/src',
  ]);
  expect(buildCommand({ ...spec, pull: false, noCache: true }, 'buildx', '/tmp/iid').slice(0, 3)).toEqual([
    'buildx',
    'build',
    '--load',
  ]);
  expect(buildCommand({ ...spec, pull: false, noCache: true }, 'buildx', '/tmp/iid')).toContain('--no-cache');
});

test('the logged command hides build-arg values', () => {
  const line = describeCommand(buildCommand(spec, 'classic', '/tmp/iid'));
  expect(line).toContain('--build-arg "NPM_TOKEN=***"');
  expect(line).not.toContain('secret value');
});

describe('checkBuildInputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-'));
  mkdirSync(join(dir, 'app'));
  writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM scratch\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults the Dockerfile into the context; relative paths from cwd', async () => {
    await expect(checkBuildInputs({ context: 'app', buildArgs: new Map() }, dir)).resolves.toEqual({
      context: join(dir, 'app'),
      dockerfile: join(dir, 'app', 'Dockerfile'),
    });
  });

  test('a missing Dockerfile, a missing context, bad build-arg keys and targets, all at once', async () => {
    const error = await checkBuildInputs(
      { context: 'nope', dockerfile: 'app/Other.Dockerfile', buildArgs: new Map([['BAD-KEY', 'x']]), target: '$(id)' },
      dir,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain("Input 'context' is 'nope': expected an existing directory");
    expect(message).toContain("Input 'dockerfile' is 'app/Other.Dockerfile': expected an existing Dockerfile");
    expect(message).toContain("Input 'build-args' has key 'BAD-KEY'");
    expect(message).toContain("Input 'target' is '$(id)'");
  });

  test('remote contexts are refused', async () => {
    await expect(
      checkBuildInputs({ context: 'https://github.com/org/repo.git', buildArgs: new Map() }, dir),
    ).rejects.toThrow('remote contexts are not supported');
  });
});

describe('withLabelInstruction (the classic builder gets one LABEL step instead of one per label)', () => {
  const labels = new Map([
    ['org.opencontainers.image.revision', 'abc'],
    ['org.opencontainers.image.version', 'feature/"$HOME"\\x'],
  ]);

  test('appends one LABEL with every value quoted and $, " and the escape character escaped', () => {
    expect(withLabelInstruction('FROM scratch\nCOPY a /a', labels)).toBe(
      'FROM scratch\nCOPY a /a\nLABEL "org.opencontainers.image.revision"="abc" "org.opencontainers.image.version"="feature/\\"\\$HOME\\"\\\\x"\n',
    );
  });

  test('honours the escape parser directive', () => {
    const out = withLabelInstruction('# escape=`\nFROM scratch\n', labels)!;
    expect(out).toContain('"org.opencontainers.image.version"="feature/`"`$HOME`"\\x"');
    // a comment line that only looks like a directive after the first instruction changes nothing
    expect(withLabelInstruction('FROM scratch\n# escape=`\n', labels)).toContain('\\$HOME');
  });

  test('falls back to --label flags where one appended instruction would not mean the same', () => {
    expect(withLabelInstruction('FROM scratch\n', labels, 'runtime')).toBeUndefined();
    expect(withLabelInstruction('FROM scratch\nRUN true \\\n', labels)).toBeUndefined();
    expect(withLabelInstruction('FROM scratch\n', new Map([['k', 'two\nlines']]))).toBeUndefined();
    expect(withLabelInstruction('FROM scratch\n', new Map())).toBeUndefined();
  });
});

describe('detectBuilder', () => {
  const calls: string[][] = [];
  const exec: Exec = async (command, args) => {
    calls.push([command, ...args]);
    return { exitCode: 0, stdout: 'github.com/docker/buildx v0.20.0', stderr: '' };
  };
  beforeEach(() => void calls.splice(0));

  test('no docker-buildx in the config: classic without starting docker, unless a system directory has the plugin', async () => {
    const config = mkdtempSync(join(tmpdir(), 'docker-config-'));
    const system = pluginDirs({ DOCKER_CONFIG: config }).slice(1);
    expect(system.length).toBeGreaterThan(0);
    const failing: Exec = async (command, args) => {
      calls.push([command, ...args]);
      return { exitCode: 1, stdout: '', stderr: 'unknown command: docker buildx' };
    };
    if (system.some((dir) => existsSync(join(dir, 'docker-buildx')))) {
      // This machine has the plugin in a system directory: the CLI is asked, and only its answer counts.
      expect(await detectBuilder(exec, { DOCKER_CONFIG: config })).toBe('buildx');
      expect(await detectBuilder(failing, { DOCKER_CONFIG: config })).toBe('classic');
      expect(calls).toEqual([
        ['docker', 'buildx', 'version'],
        ['docker', 'buildx', 'version'],
      ]);
    } else {
      // Nowhere a plugin: classic, and docker is never started (neither a working nor a failing one).
      expect(await detectBuilder(exec, { DOCKER_CONFIG: config })).toBe('classic');
      expect(await detectBuilder(failing, { DOCKER_CONFIG: config })).toBe('classic');
      expect(calls).toEqual([]);
    }
  });

  test('a docker-buildx plugin is confirmed with `docker buildx version`', async () => {
    const config = mkdtempSync(join(tmpdir(), 'docker-config-'));
    mkdirSync(join(config, 'cli-plugins'));
    writeFileSync(join(config, 'cli-plugins', 'docker-buildx'), '');
    expect(await detectBuilder(exec, { DOCKER_CONFIG: config })).toBe('buildx');
    expect(calls).toEqual([['docker', 'buildx', 'version']]);
    const broken: Exec = async () => ({ exitCode: 1, stdout: '', stderr: 'not a docker plugin' });
    expect(await detectBuilder(broken, { DOCKER_CONFIG: config })).toBe('classic');
  });

  test('plugin directories named in the config leave the answer to the CLI', async () => {
    const config = mkdtempSync(join(tmpdir(), 'docker-config-'));
    writeFileSync(join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: ['/opt/plugins'] }));
    expect(await detectBuilder(exec, { DOCKER_CONFIG: config })).toBe('buildx');
    expect(calls).toHaveLength(1);
  });
});
