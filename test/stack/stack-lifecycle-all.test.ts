/**
 * `stack down` leaves nothing behind, for every component one at a time and for the whole stack at
 * once (what `npm run stack:down` does to the shared stack). It runs a throwaway stack of all eleven
 * components in a temporary PHLO_STACK_DIR inside a network namespace of its own, so the components
 * with fixed ports (registry 15000, moto 15001, postgres 15432, minio 19000) can listen there on
 * 127.0.0.1 while the shared stack holds the same ports outside; the shared stack is never touched.
 * Needs root (ip netns) and the build cache the shared stack made.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseEnvFile, repoRoot } from '../helpers/stack.js';
import { run as runTo, sessions, type Ran } from '../helpers/processes.js';

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000) =>
  runTo(file, args, env, timeoutMs);

const STACK = join(repoRoot, 'stack', 'stack.sh');
/** Start order (stack/stack.sh ALL_COMPONENTS); `down` goes in reverse. */
const COMPONENTS = [
  'etcd',
  'kube',
  'kubectl',
  'kwok',
  'docker',
  'registry',
  'node',
  'moto',
  'postgres',
  'trivy',
  'minio',
] as const;
/** The pid files (`$PHLO_STACK_DIR/pids/<name>.pid`) each component's `up` writes. */
const PROCESSES: Record<string, string[]> = {
  etcd: ['etcd'],
  kube: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
  kubectl: [], // a CLI: nothing runs
  kwok: ['kwok'],
  docker: ['dockerd'],
  registry: ['registry'],
  node: ['node'], // the supervisor of containerd and the kubelet, in the node's own mount namespace
  moto: ['moto'],
  postgres: ['postgres'],
  trivy: [], // a CLI and a database image in the registry: nothing runs
  minio: ['minio'],
};
/** The env-file keys a component's script writes (`stack_env KEY …`), read from the script itself. */
function envKeys(component: string): string[] {
  const script = readFileSync(join(repoRoot, 'stack', 'components', `${component}.sh`), 'utf8');
  return [...new Set([...script.matchAll(/\bstack_env\s+([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!))];
}

/** Live processes whose command line, working directory or an open file is under `dir`. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      let uses = cmdline.includes(dir) || readlinkSync(`/proc/${entry}/cwd`).startsWith(dir);
      if (!uses) {
        for (const fd of readdirSync(`/proc/${entry}/fd`)) {
          try {
            if (readlinkSync(`/proc/${entry}/fd/${fd}`).startsWith(dir)) uses = true;
          } catch {
            // closed meanwhile
          }
          if (uses) break;
        }
      }
      if (uses) found.push(`${entry} ${cmdline.slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Mount points under `dir` (overlay and shm mounts of a docker engine). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(dir));
}

describe('stack down leaves nothing behind: each of the eleven components, and the whole stack', () => {
  const netns = `phlo-lc-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'phlo-sa-'));
  chmodSync(dir, 0o755); // postgres runs as its own user and must reach its data directory
  const env: NodeJS.ProcessEnv = { ...process.env, PHLO_STACK_DIR: dir, PHLO_PORT_OFFSET: '1300' };
  const inNetns = (command: string, args: string[]): Promise<Ran> =>
    run('nsenter', [`--net=/run/netns/${netns}`, command, ...args], env);
  const stack = (args: string[]): Promise<Ran> => inNetns('bash', [STACK, ...args]);
  /** Listening TCP sockets in the namespace, with the pids holding them. */
  const listeners = async (): Promise<Array<{ address: string; pids: number[] }>> => {
    const r = await inNetns('ss', ['-ltnpH']);
    if (r.code !== 0) throw new Error(`ss failed: ${r.stderr}`);
    return r.stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => ({
        address: line.trim().split(/\s+/)[3]!,
        pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])),
      }));
  };
  const recordedPid = (name: string): number | undefined => {
    const file = join(dir, 'pids', `${name}.pid`);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  };
  const envFile = (): Record<string, string> =>
    existsSync(join(dir, 'env')) ? parseEnvFile(readFileSync(join(dir, 'env'), 'utf8')) : {};
  /** What `down` left in the env file, by component (see the last test). */
  const envLeft: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const args of [
      ['netns', 'add', netns],
      ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up'],
    ]) {
      const r = await run('ip', args);
      if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
    }
  });

  afterAll(async () => {
    // Whatever happened above, leave no throwaway stack running.
    await stack(['down']);
    // Should a down have left a process (the test then failed), stop it: only processes in this
    // test's own network namespace, which are all ones it started.
    const own = statSync(`/run/netns/${netns}`, { throwIfNoEntry: false })?.ino;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || own === undefined) continue;
      try {
        if (statSync(`/proc/${entry}/ns/net`).ino === own) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    await run('ip', ['netns', 'delete', netns]);
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  test('each component: its down stops its processes (whole sessions) and frees its ports', async () => {
    const up = await stack(['up']);
    if (up.code !== 0) throw new Error(`stack up failed (${up.code}):\n${up.stderr.slice(-3000)}`);
    expect((await stack(['status'])).code).toBe(0);

    for (const component of [...COMPONENTS].reverse()) {
      const leaders = PROCESSES[component]!.map((name) => ({ name, pid: recordedPid(name) }));
      const before = sessions();
      // Each process leads its own session (start_bg's setsid), so `down` can stop all it spawned.
      for (const { name, pid } of leaders)
        expect({ name, session: pid && before.get(pid) }).toEqual({ name, session: pid });
      const members = [...before].filter(([, sid]) => leaders.some((l) => l.pid === sid)).map(([pid]) => pid);
      const ports = (await listeners()).filter((l) => l.pids.some((p) => members.includes(p))).map((l) => l.address);
      // Every daemon but dockerd (a unix socket only) listens on TCP: those ports must be free after.
      if (leaders.length > 0 && component !== 'docker')
        expect({ component, listens: ports.length > 0 }).toEqual({ component, listens: true });

      const down = await stack(['down', component]);
      expect({ component, code: down.code }).toEqual({ component, code: 0 });

      const after = sessions();
      expect({ component, alive: members.filter((pid) => after.has(pid)) }).toEqual({ component, alive: [] });
      const still = (await listeners()).map((l) => l.address).filter((a) => ports.includes(a));
      expect({ component, listening: still }).toEqual({ component, listening: [] });
      expect({
        component,
        pidFiles: leaders.filter((l) => recordedPid(l.name) !== undefined).map((l) => l.name),
      }).toEqual({
        component,
        pidFiles: [],
      });
      if (leaders.length > 0) {
        const status = await stack(['status', component]);
        expect({ component, status: status.code, line: status.stdout.trim() }).toEqual({
          component,
          status: 1,
          line: expect.stringMatching(new RegExp(`^${component}: down`)),
        });
      }
      if (component === 'docker') expect(mountsUnder(dir)).toEqual([]);
      envLeft[component] = envKeys(component).filter((key) => key in envFile());
    }
    // Everything is down now: nothing listens in the namespace and nothing uses the stack's directory.
    expect(await listeners()).toEqual([]);
    expect(processesUsing(dir)).toEqual([]);
  }, 600_000);

  test('the whole stack: `down` (no component named) leaves no process, port, pid file or mount', async () => {
    const up = await stack(['up']);
    if (up.code !== 0) throw new Error(`stack up failed (${up.code}):\n${up.stderr.slice(-3000)}`);
    const running = processesUsing(dir);
    expect(running.length).toBeGreaterThanOrEqual(10); // the components' daemons and their children
    expect((await listeners()).length).toBeGreaterThanOrEqual(8);

    const down = await stack(['down']);
    expect(down.code).toBe(0);
    expect(processesUsing(dir)).toEqual([]);
    expect(await listeners()).toEqual([]);
    expect(readdirSync(join(dir, 'pids')).filter((f) => f.endsWith('.pid'))).toEqual([]);
    expect(mountsUnder(dir)).toEqual([]);
    const status = await stack(['status']);
    expect(status.code).toBe(1);
    envLeft.all = Object.keys(envFile());
  }, 600_000);

  // A component that is down leaves none of its keys in the env file, so a test reading it after a
  // down never finds DOCKER_HOST, AWS_ENDPOINT_URL… as if they were up.
  test('down also takes each component’s keys out of the env file', () => {
    expect(envLeft).toEqual(Object.fromEntries([...COMPONENTS, 'all'].map((c) => [c, []])));
  });
});
