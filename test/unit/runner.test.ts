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
