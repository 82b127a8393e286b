import { jest } from '@jest/globals';
import { ConfigurationError, GateFailure, describeError } from '../../src/lib/runtime/errors.js';
import { runAction } from '../../src/runner/index.js';

function capture(): { text: () => string; restore: () => void } {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return { text: () => out, restore: () => spy.mockRestore() };
}

afterEach(() => {
  process.exitCode = undefined;
});

test('a ConfigurationError becomes one ::error:: line, exit code 1, no stack trace', async () => {
  const c = capture();
  await runAction('demo', async () => {
    throw ConfigurationError.forInput('timeout', 'soon', 'a duration such as 30s');
  });
  c.restore();
  expect(process.exitCode).toBe(1);
  expect(c.text()).toBe("::error::demo: Input 'timeout' is 'soon': expected a duration such as 30s.\n");
});

test('a GateFailure is reported plainly', async () => {
  const c = capture();
  await runAction('gate', async () => {
    throw new GateFailure('2 of 3 targets unhealthy');
  });
  c.restore();
  expect(process.exitCode).toBe(1);
  expect(c.text()).toBe('::error::gate: 2 of 3 targets unhealthy\n');
});

test('an unexpected error keeps its stack and cause under debug only', async () => {
  const c = capture();
  await runAction('demo', async () => {
    throw new Error('socket hang up\nsecond line', { cause: new Error('ECONNRESET') });
  });
  c.restore();
  const lines = c.text().split('\n');
  expect(process.exitCode).toBe(1);
  expect(lines[0]).toBe('::error::demo failed: socket hang up');
  expect(lines.filter((l) => l.startsWith('::debug::')).join('\n')).toMatch(
    /Error: socket hang up.*caused by: Error: ECONNRESET/s,
  );
  expect(lines.filter((l) => !l.startsWith('::debug::') && l.includes(' at '))).toEqual([]);
});

test('success leaves the exit code alone', async () => {
  const c = capture();
  await runAction('demo', async (ctx) => ctx.logger.info('fine'));
  c.restore();
  expect(process.exitCode).toBeUndefined();
  expect(c.text()).toBe('fine\n');
});

test('describeError shortens Kubernetes and AWS errors to one line without bodies', () => {
  const kube = Object.assign(new Error('HTTP-Code: 403\nBody: {...}\nHeaders: {"authorization":"x"}'), {
    code: 403,
    body: JSON.stringify({ kind: 'Status', message: 'namespaces "x" is forbidden: User cannot delete' }),
  });
  expect(describeError(kube)).toBe('Kubernetes API 403: namespaces "x" is forbidden: User cannot delete');
  const aws = Object.assign(new Error('Repository not found\nmore'), {
    name: 'RepositoryNotFoundException',
    $metadata: { httpStatusCode: 400 },
  });
  expect(describeError(aws)).toBe('RepositoryNotFoundException (HTTP 400): Repository not found');
});

test('the job summary is appended once when the action ends, after what earlier steps wrote, also on failure', async () => {
  const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'phlo-runner-'));
  const file = join(dir, 'summary');
  writeFileSync(file, '# an earlier step\n');
  const saved = process.env.GITHUB_STEP_SUMMARY;
  process.env.GITHUB_STEP_SUMMARY = file;
  const c = capture();
  try {
    await runAction('demo', async (ctx) => {
      ctx.summary('### part one');
      ctx.summary('### part two');
      expect(readFileSync(file, 'utf8')).toBe('# an earlier step\n'); // nothing before the end
      throw new GateFailure('unhealthy');
    });
  } finally {
    c.restore();
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
  }
  expect(process.exitCode).toBe(1);
  expect(readFileSync(file, 'utf8')).toBe('# an earlier step\n### part one\n\n### part two\n');
  rmSync(dir, { recursive: true, force: true });
});

test('BufferedLogger holds lines until attached, replays them in order, then passes lines through', async () => {
  const { BufferedLogger, MemoryLogger } = await import('../../src/lib/runtime/logger.js');
  const buffered = new BufferedLogger();
  buffered.info('token fetched');
  buffered.warning('token expires soon');
  await buffered.group('login', async () => buffered.debug('writing config'));
  const target = new MemoryLogger();
  target.info('── push-ecr');
  buffered.attach(target);
  buffered.info('pushed');
  expect(target.lines).toEqual([
    '── push-ecr',
    'token fetched',
    'warning: token expires soon',
    'login',
    'debug: writing config',
    'pushed',
  ]);
});

describe('the runner protocol (src/runner/commands.ts) writes what @actions/core writes', () => {
  // Values with everything core escapes or serialises: %, CR, LF, ':' and ',' in properties, objects.
  const values: unknown[] = ['plain', '', 'a%b\r\nc:d,e', '  padded  ', { k: 'v', n: [1, 2] }, 42, null];
  const delimiters = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'ghadelimiter_X');

  /** Runs fn against both implementations with the same environment; returns what each wrote. */
  async function both(
    fn: (api: typeof import('../../src/runner/commands.js')) => unknown,
    withFiles: boolean,
  ): Promise<{ ours: string; core: string }> {
    const { mkdtempSync, readFileSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const ours = await import('../../src/runner/commands.js');
    const core = (await import('@actions/core')) as unknown as typeof ours;
    const saved = { out: process.env.GITHUB_OUTPUT, state: process.env.GITHUB_STATE };
    const run = async (api: typeof ours): Promise<string> => {
      const dir = mkdtempSync(join(tmpdir(), 'phlo-commands-'));
      const files = { out: join(dir, 'out'), state: join(dir, 'state') };
      writeFileSync(files.out, '');
      writeFileSync(files.state, '');
      if (withFiles) {
        process.env.GITHUB_OUTPUT = files.out;
        process.env.GITHUB_STATE = files.state;
      } else {
        delete process.env.GITHUB_OUTPUT;
        delete process.env.GITHUB_STATE;
      }
      const c = capture();
      try {
        await fn(api);
      } finally {
        c.restore();
      }
      const text = `stdout:\n${c.text()}output:\n${readFileSync(files.out, 'utf8')}state:\n${readFileSync(files.state, 'utf8')}`;
      rmSync(dir, { recursive: true, force: true });
      return delimiters(text);
    };
    try {
      return { ours: await run(ours), core: await run(core) };
    } finally {
      for (const [k, v] of [
        ['GITHUB_OUTPUT', saved.out],
        ['GITHUB_STATE', saved.state],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  test.each([true, false])('outputs and state (file commands: %s), masks and log commands', async (withFiles) => {
    const r = await both(async (api) => {
      for (const [i, v] of values.entries()) {
        api.setOutput(`out-${i}:x,y`, v); // ':' and ',' are escaped in a property
        api.saveState(`state-${i}:x,y`, v);
        if (typeof v === 'string') {
          api.setSecret(v);
          api.info(v);
          api.debug(v);
          api.warning(v);
          await api.group(v, async () => api.info('inside'));
        }
      }
      api.setFailed('step: a%b\nc');
    }, withFiles);
    expect(process.exitCode).toBe(1);
    expect(r.ours).toBe(r.core);
    expect(r.ours).toContain(
      withFiles ? 'out-2:x,y<<ghadelimiter_X' : '::set-output name=out-2%3Ax%2Cy::a%25b%0D%0Ac:d,e',
    );
  });

  test('inputs (spaces as _, upper case, trimmed) and state from earlier steps', async () => {
    const ours = await import('../../src/runner/commands.js');
    const core = (await import('@actions/core')) as unknown as typeof ours;
    process.env['INPUT_MY_INPUT-NAME'] = '  value\n';
    process.env['STATE_docker-config'] = '/tmp/x';
    try {
      for (const name of ['my input-name', 'My Input-Name', 'missing'])
        expect(ours.getInput(name)).toBe(core.getInput(name));
      expect(ours.getInput('my input-name')).toBe('value');
      expect(ours.getState('docker-config')).toBe(core.getState('docker-config'));
      expect(ours.getState('none')).toBe('');
    } finally {
      delete process.env['INPUT_MY_INPUT-NAME'];
      delete process.env['STATE_docker-config'];
    }
  });
});
