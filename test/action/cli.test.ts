// The phlo-deploy command, run from the built bundle as a user would.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { COMMANDS, parseArgs } from '../../src/cli/main.js';
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

// spawnSync would block the event loop that serves the test's own HTTP server, so run async.
async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], {
    env: { ...process.env, PHLO_DEBUG: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr };
}

test('every action is a command, and every command is an action (or the pipeline)', () => {
  const actions = readdirSync(join(repoRoot, 'src', 'actions')).sort();
  expect(Object.keys(COMMANDS).sort()).toEqual(actions);
});

test('flags are inputs: --name value, --name=value, a bare flag is true, repeats make a list, --env is environment', () => {
  const parsed = parseArgs([
    'apply',
    '--env',
    'local',
    '--dry-run',
    '--manifests=a.yaml',
    '--manifests',
    'b.yaml',
    '--json',
  ]);
  expect(parsed.command).toBe('apply');
  expect(parsed.json).toBe(true);
  expect(Object.fromEntries(parsed.inputs)).toEqual({
    environment: 'local',
    'dry-run': 'true',
    manifests: 'a.yaml\nb.yaml',
  });
});

test('an action from the terminal: outputs as name=value, the summary after them, secrets masked', async () => {
  const r = await cli([
    'health-gate',
    '--url',
    base,
    '--interval',
    '50ms',
    '--headers',
    'X-Token: very-secret-token-1',
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^healthy=true$/m);
  expect(r.stdout).toContain('### Health gate: healthy');
  expect(seen).toContain('very-secret-token-1');
  expect(r.stdout + r.stderr).not.toContain('very-secret-token-1');
});

test('a user mistake is one clear line and exit code 1, no stack trace', async () => {
  const r = await cli(['health-gate', '--url', base, '--timeout', 'forever']);
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(
    "error: Input 'timeout' is 'forever': expected a duration such as 30s, 10m, 1h30m or 500ms.",
  );
  const unknown = await cli(['launch']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain("Unknown command 'launch': expected one of deploy, build-scan");
});

test('help lists every command', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'help'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  for (const c of Object.keys(COMMANDS)) expect(r.stdout).toContain(`  ${c} `);
});
