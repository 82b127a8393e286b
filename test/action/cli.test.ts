// The phlo-deploy command, run from the built bundle as a user would (rebuild with `npm run build`).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { COMMANDS, parseCommandLine } from '../../src/cli/main.js';
import { repoRoot } from '../helpers/action-runner.js';

let server: Server;
let base: string;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(String(req.headers['x-token'] ?? ''));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// spawnSync would block the event loop that serves the test's own HTTP server, so run async.
async function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, PHLO_DEBUG: '', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr };
}

/** A folder for a run's workspace and temp files; the tests check that nothing landed in it. */
function scratch(): { dir: string; env: NodeJS.ProcessEnv; files: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'phlo-cli-'));
  for (const d of ['ws', 'runner-temp']) mkdirSync(join(dir, d));
  return {
    dir,
    env: { GITHUB_WORKSPACE: join(dir, 'ws'), RUNNER_TEMP: join(dir, 'runner-temp') },
    // what the command wrote; Node's compile cache (dist/compile-cache.js, in $RUNNER_TEMP on a
    // runner) is the runtime's code cache, not the command's doing
    files: () =>
      readdirSync(dir, { recursive: true })
        .map(String)
        .filter(
          (f) => !['ws', 'runner-temp'].includes(f) && !f.startsWith(join('runner-temp', 'phlo-deploy-compile-cache')),
        ),
  };
}

interface ActionInput {
  description: string;
  required?: boolean;
  default?: string;
}

function actionInputs(command: string): Record<string, ActionInput> {
  const file = command === 'deploy' ? 'action.yml' : join('actions', command, 'action.yml');
  return (yaml.load(readFileSync(join(repoRoot, file), 'utf8')) as { inputs: Record<string, ActionInput> }).inputs;
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
const commands = Object.keys(COMMANDS);

test('every action is a command, and every command is an action (or the pipeline)', () => {
  const actions = readdirSync(join(repoRoot, 'src', 'actions')).sort();
  expect([...commands].sort()).toEqual(actions);
});

test('flags are inputs: --name value, --name=value, a bare switch is true, repeats make a list, --env is environment', () => {
  const parsed = parseCommandLine([
    'apply',
    '--env',
    'local',
    '--dry-run',
    '--manifests=a.yaml',
    '--manifests',
    'b.yaml',
    '--prune',
    'false',
    '--json',
  ]);
  expect(parsed).toEqual({
    kind: 'action',
    command: 'apply',
    json: true,
    inputs: new Map([
      ['environment', 'local'],
      ['dry-run', 'true'],
      ['manifests', 'a.yaml\nb.yaml'],
      ['prune', 'false'],
    ]),
  });
});

describe('--help', () => {
  test.each(commands)('%s --help lists the inputs of its action.yml and runs nothing', async (command) => {
    const inputs = actionInputs(command);
    const area = scratch();
    try {
      // Every required input is given, so without --help the command would start.
      const required = Object.entries(inputs)
        .filter(([, i]) => i.required)
        .flatMap(([name]) => [`--${name}`, name === 'environment' ? 'local' : 'x']);
      const long = await cli([command, ...required, '--help'], { cwd: area.dir, env: area.env });
      const short = await cli([command, '-h', ...required], { cwd: area.dir, env: area.env });
      for (const r of [long, short]) {
        expect(r).toMatchObject({ code: 0, stderr: '' });
        expect(r.stdout.startsWith(`Usage: phlo-deploy ${command} `)).toBe(true);
      }
      expect(short.stdout).toBe(long.stdout);
      const flat = squash(long.stdout);
      const lines = long.stdout.split('\n');
      for (const [name, input] of Object.entries(inputs)) {
        const line = lines.find((l) => l.startsWith(`  --${name} `));
        expect(line).toBeDefined();
        expect(line!.includes('required')).toBe(input.required === true);
        if (input.default) expect(line).toContain(`default: ${input.default}`);
        expect(flat).toContain(squash(input.description));
      }
      expect(area.files()).toEqual([]);
    } finally {
      rmSync(area.dir, { recursive: true, force: true });
    }
  });

  test('render --help writes no file (render without it does: the check can see a write)', async () => {
    const area = scratch();
    try {
      const out = join(area.dir, 'ws', 'rendered.yaml');
      const args = ['render', '--environment', 'local', '--manifests', join(repoRoot, 'k8s'), '--output', out];
      const env = { ...area.env, GITHUB_WORKSPACE: repoRoot };
      const help = await cli([...args, '--help'], { env });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('--environment <value>  (required)');
      expect(existsSync(out)).toBe(false);
      expect(area.files()).toEqual([]);

      const real = await cli(args, { env });
      expect(real.stderr).not.toContain('error:');
      expect(real.code).toBe(0);
      expect(existsSync(out)).toBe(true);
    } finally {
      rmSync(area.dir, { recursive: true, force: true });
    }
  });

  test('help lists every command; help <command> is <command> --help; stack --help runs no script', async () => {
    for (const args of [['help'], ['--help'], ['-h'], []]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      for (const c of [...commands, 'stack']) expect(r.stdout).toContain(`  ${c} `);
    }
    const viaHelp = await cli(['help', 'rollback']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe((await cli(['rollback', '--help'])).stdout);
    const stack = await cli(['stack', 'up', 'kube', '--help']);
    expect(stack).toMatchObject({ code: 0, stderr: '' });
    expect(stack.stdout).toMatch(/^Usage: phlo-deploy stack up\|status\|down\|build \[component \.\.\.\]/);
  });

  test('no action takes an input the CLI keeps for itself', () => {
    for (const c of commands) {
      expect(Object.keys(actionInputs(c))).not.toEqual(expect.arrayContaining(['json']));
      expect(Object.keys(actionInputs(c))).not.toEqual(expect.arrayContaining(['help']));
    }
  });
});

describe('mistakes on the command line are one clear line, exit code 1, and nothing runs', () => {
  test('an unknown flag is an error that suggests the input meant', async () => {
    const r = await cli(['apply', '--dryrun', 'true', '--manifests', 'k8s']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: unknown flag --dryrun for apply; did you mean --dry-run?\n',
    });
    expect(() => parseCommandLine(['render', '--environmnt', 'local'])).toThrow(
      'unknown flag --environmnt for render; did you mean --environment?',
    );
    expect(() => parseCommandLine(['deploy', '--kubeconfig_content', 'x'])).toThrow(
      'did you mean --kubeconfig-content?',
    );
    expect(() => parseCommandLine(['apply', '--frobnicate', '1'])).toThrow(
      "unknown flag --frobnicate for apply; see 'phlo-deploy apply --help' for its inputs",
    );
    // Node itself reads --env-file wherever it is (nodejs/node#54232): refused, with the spelling to use
    const refused = await cli(['render', '--environment', 'local', '--env-file', 'examples/local.env']);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: flag --env-file for render is also read by Node itself, which loads the file into the process environment before phlo-deploy starts (nodejs/node#54232): write --env_file <path> instead\n',
    });
    const parsed = parseCommandLine(['render', '--environment', 'local', '--env_file', 'examples/local.env']);
    expect(parsed.kind === 'action' && parsed.inputs.get('env-file')).toBe('examples/local.env');
    // --env is short for --environment only where there is one.
    expect(() => parseCommandLine(['rollback', '--env', 'x'])).toThrow('unknown flag --env for rollback');
  });

  test('a flag without a value names the flag (it is not the string "true")', async () => {
    const atEnd = await cli(['render', '--output', 'x.yaml', '--environment']);
    expect(atEnd).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: flag --environment for render needs a value: --environment <value> (or --environment=<value>)\n',
    });
    expect(() => parseCommandLine(['render', '--env', '--output', 'x.yaml'])).toThrow(
      'flag --env for render needs a value',
    );
    // A switch alone is true, and takes only true or false.
    expect(() => parseCommandLine(['apply', '--dry-run=maybe'])).toThrow(
      "Input 'dry-run' is 'maybe': expected true or false.",
    );
    expect(() => parseCommandLine(['apply', '--dry-run', 'maybe'])).toThrow(
      'unexpected argument 3 for apply after --dry-run (not printed): --dry-run takes true, false or nothing',
    );
    expect(() => parseCommandLine(['apply', 'k8s'])).toThrow('unexpected argument 2 for apply (not printed)');
    expect(() => parseCommandLine(['apply', '-x'])).toThrow("unexpected argument '-x' for apply");
  });

  test('a stray value is placed, not printed: it may be a secret meant for a list input', async () => {
    const r = await cli(['apply', '--manifests', 'k8s', '--secrets', 'A=1', 'B=hunter22']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error: unexpected argument 6 for apply after --secrets <value> (not printed): a flag takes one value (repeat it for a list: --tags a --tags b); see 'phlo-deploy apply --help'\n",
    });
  });

  test('a timeout that is not a duration is reported by the action', async () => {
    const r = await cli(['health-gate', '--url', base, '--timeout', 'forever']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "error: Input 'timeout' is 'forever': expected a duration such as 30s, 10m, 1h30m or 500ms.",
    );
  });

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'launch'])(
    "'%s' is an unknown command",
    (name) => {
      expect(() => parseCommandLine([name])).toThrow(`unknown command '${name}'`);
      expect(() => parseCommandLine(['help', name])).toThrow(`unknown command '${name}'`);
    },
  );

  test('an unknown command from the terminal, with a suggestion when one is close', async () => {
    const ctor = await cli(['constructor']);
    expect(ctor.code).toBe(1);
    expect(ctor.stdout).toBe('');
    expect(ctor.stderr).toBe(
      "error: unknown command 'constructor' (expected one of deploy, build-scan, push-ecr, render, apply, rollout-gate, health-gate, rollback, restore, cutover, drift-check, backup, stack or help)\n",
    );
    const typo = await cli(['aply', '--dry-run']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^error: unknown command 'aply'; did you mean apply\? \(expected one of /);
  });
});

describe('stack', () => {
  test('stack status|up|down|build [component ...] is recognised before any flag parsing', () => {
    expect(parseCommandLine(['stack', 'status'])).toEqual({ kind: 'stack', args: ['status'] });
    expect(parseCommandLine(['stack'])).toEqual({ kind: 'stack', args: ['status'] });
    expect(parseCommandLine(['stack', 'up', 'etcd', 'kube'])).toEqual({ kind: 'stack', args: ['up', 'etcd', 'kube'] });
    expect(parseCommandLine(['stack', 'down'])).toEqual({ kind: 'stack', args: ['down'] });
    expect(() => parseCommandLine(['stack', 'stats'])).toThrow(
      "unknown stack command 'stats'; did you mean status? (expected up, status, down, build)",
    );
    expect(() => parseCommandLine(['stack', 'up', '--json'])).toThrow("unexpected flag '--json' for stack up");
  });
});

/**
 * Every `phlo-deploy …` and `node dist/cli.js …` command line the README shows (in code spans and
 * code blocks, wrapped lines joined), with `a|b` alternatives and `[optional …]` parts expanded and
 * `<command>` standing for each command; and the demo's own call (scripts/demo.sh).
 */
function documentedCommandLines(): string[][] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const found: string[] = [];
  for (const m of readme.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`]+)`/g)) {
    const span = squash(m[1]!);
    if (/^(phlo-deploy|node dist\/cli\.js) \S/.test(span)) found.push(span);
  }
  for (const m of readme.matchAll(/```[a-z]*\n([\s\S]*?)```/g)) {
    for (const line of m[1]!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const t = squash(line.replace(/#.*$/, ''));
      if (/^(phlo-deploy|node dist\/cli\.js) \S/.test(t)) found.push(t);
    }
  }
  expect(found.length).toBeGreaterThanOrEqual(4);
  const lines: string[][] = [];
  for (const text of found) {
    let variants: string[][] = [[]];
    const words = text.replace(/^(phlo-deploy|node dist\/cli\.js) /, '').split(' ');
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '…' || w === '...') continue;
      if (w === '--<input>') {
        i++; // and its <value>
        continue;
      }
      const optional = /^\[(.*)\]$/.exec(w);
      const options = optional
        ? ['', optional[1]!.replace(/(…|\.\.\.)$/, '')]
        : w === '<command>'
          ? commands
          : w.split('|');
      variants = variants.flatMap((v) => options.map((o) => (o === '' ? v : [...v, o === 'component' ? 'kube' : o])));
    }
    lines.push(...variants);
  }
  const demo = readFileSync(join(repoRoot, 'scripts', 'demo.sh'), 'utf8');
  const call = /^(?:node|"\$NODE24") dist\/cli\.js ((?:.*\\\n)*.*)$/m.exec(demo);
  expect(call).not.toBeNull();
  // the health flags are an array the script sets first (the real node's service; the fallback's URL)
  const health = /^health=\(([^)]*)\)$/m.exec(demo);
  expect(health).not.toBeNull();
  const words = (text: string) =>
    text
      .replace(/\\\n/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w.replace(/^"(.*)"$/, '$1'));
  lines.push(words(call![1]!).flatMap((w) => (w === '${health[@]}' ? words(health![1]!) : [w])));
  return lines;
}

test('every command line the README (and the demo) shows is understood, and reaches its command', async () => {
  const lines = documentedCommandLines();
  const shown = lines.map((l) => l.join(' '));
  expect(shown).toEqual(expect.arrayContaining(['stack status', 'stack up kube', 'deploy --env local']));
  for (const argv of lines) {
    const parsed = parseCommandLine(argv);
    const kind = argv.includes('--help') ? 'help' : argv[0] === 'stack' ? 'stack' : 'action';
    expect({ argv, kind: parsed.kind }).toEqual({ argv, kind });
    // The bundle knows the command too (asked for help, so nothing runs).
    const r = await cli([...argv, '--help']);
    expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
    expect(r.stdout.startsWith(`Usage: phlo-deploy ${argv[0]} `)).toBe(true);
  }
});

describe('what an action prints', () => {
  const secret = 'very-secret-token-1';

  test('in a terminal: outputs as name: value, then the summary as plain text; secrets masked', async () => {
    const r = await cli(['health-gate', '--url', base, '--interval', '50ms', '--headers', `X-Token: ${secret}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^healthy: true$/m);
    expect(r.stdout).toMatch(/^p50-ms: \d+$/m);
    expect(r.stdout).toMatch(/^Health gate: healthy$/m);
    expect(r.stdout).not.toMatch(/###|\| --- \||^\S+=/m);
    expect(seen).toContain(secret);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  test('--json: stdout is one JSON document and nothing else; the summary goes to stderr', async () => {
    const r = await cli([
      'health-gate',
      '--url',
      base,
      '--interval',
      '50ms',
      '--headers',
      `X-Token: ${secret}`,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expect(doc).toMatchObject({ command: 'health-gate', ok: true, outputs: { healthy: 'true' } });
    expect(JSON.parse(doc.outputs.results as string)).toEqual(expect.any(Array));
    expect(doc.summary).toContain('### Health gate: healthy');
    expect(r.stderr).toMatch(/^Health gate: healthy$/m);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  test('--json when the action fails: the document says so, with the error, and the exit code is 1', async () => {
    const r = await cli([
      'health-gate',
      '--url',
      'http://127.0.0.1:1',
      '--interval',
      '50ms',
      '--attempt-timeout',
      '200ms',
      '--timeout',
      '1s',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expect(doc).toMatchObject({ command: 'health-gate', ok: false, outputs: { healthy: 'false' } });
    expect(doc.error).toEqual(expect.any(String));
    expect(r.stderr).toContain(`error: ${doc.error}`);
  });
});
