/**
 * `stack up` / `stack status` / `stack down` leave nothing behind. This runs a throwaway second stack
 * (etcd + control plane + kwok) in a temporary PHLO_STACK_DIR with PHLO_PORT_OFFSET=1000, so the shared
 * stack the other suites use is never touched; it needs the build cache the shared stack already made.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { repoRoot, startPrivateStack, uniqueName, waitFor } from '../helpers/stack.js';
import { run as runTo, sessions } from '../helpers/processes.js';

const run = (file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 240_000) =>
  runTo(file, args, env, timeoutMs);

const STACK = join(repoRoot, 'stack', 'stack.sh');
const OFFSET = 1000;
const PORTS = [23790, 23800, 16443, 16447, 16457, 16459].map((p) => p + OFFSET);

function recordedPids(dir: string): Map<string, number> {
  const pids = new Map<string, number>();
  const pidDir = join(dir, 'pids');
  if (!existsSync(pidDir)) return pids;
  for (const f of readdirSync(pidDir)) {
    if (f.endsWith('.pid')) pids.set(f.slice(0, -4), Number(readFileSync(join(pidDir, f), 'utf8').trim()));
  }
  return pids;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('stack lifecycle (a throwaway second stack)', () => {
  // Short path: unix sockets and kubeconfig paths stay small.
  const dir = mkdtempSync(join(tmpdir(), 'phlo-st-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PHLO_STACK_DIR: dir, PHLO_PORT_OFFSET: String(OFFSET) };
  const components = ['etcd', 'kube', 'kwok'];

  afterAll(async () => {
    // Whatever happened above, do not leave the throwaway stack running.
    await run('bash', [STACK, 'down', ...components], env);
    rmSync(dir, { recursive: true, force: true });
  });

  test('up starts every process in its own session, is idempotent, and down leaves none behind', async () => {
    for (const port of PORTS) expect(await listening(port)).toBe(false);

    const up = await run('bash', [STACK, 'up', ...components], env);
    if (up.code !== 0) throw new Error(`stack up failed (${up.code}):\n${up.stderr.slice(-3000)}`);

    const pids = recordedPids(dir);
    expect([...pids.keys()].sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
    const before = sessions();
    for (const [name, pid] of pids) {
      // start_bg uses setsid: the recorded pid leads its own session, which `down` kills as a whole.
      expect({ name, session: before.get(pid) }).toEqual({ name, session: pid });
    }
    const ours = [...before].filter(([, sid]) => [...pids.values()].includes(sid)).map(([pid]) => pid);
    expect(ours.length).toBeGreaterThanOrEqual(pids.size);

    // The env file of the throwaway stack points at its own API server, which answers.
    const envFile = readFileSync(join(dir, 'env'), 'utf8');
    expect(envFile).toContain(`KUBECONFIG=${join(dir, 'kubeconfig')}`);
    expect(envFile).toContain(`PHLO_KUBE_SERVER=https://127.0.0.1:${16443 + OFFSET}`);
    const kc = new KubeConfig();
    kc.loadFromFile(join(dir, 'kubeconfig'));
    expect((await kc.makeApiClient(VersionApi).getCode()).gitVersion).toMatch(/^v1\.34\./);

    const status = await run('bash', [STACK, 'status', ...components], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^kube: up/m);

    // Idempotent: a second `up` starts nothing new.
    const again = await run('bash', [STACK, 'up', ...components], env);
    expect(again.code).toBe(0);
    expect(recordedPids(dir)).toEqual(pids);

    const down = await run('bash', [STACK, 'down', ...components], env);
    expect(down.code).toBe(0);

    const after = sessions();
    const left = [...after].filter(([pid, sid]) => ours.includes(pid) || [...pids.values()].includes(sid));
    expect(left).toEqual([]);
    for (const port of PORTS) expect({ port, listening: await listening(port) }).toEqual({ port, listening: false });
    expect(recordedPids(dir).size).toBe(0);

    const statusDown = await run('bash', [STACK, 'status', ...components], env);
    expect(statusDown.code).toBe(1);
    expect(statusDown.stdout).toMatch(/^kube: down/m);
    expect(readFileSync(join(dir, 'env'), 'utf8')).not.toContain('KUBECONFIG=');
  }, 300_000);

  test('stop_pid kills the children a process spawned, even ones that ignore SIGTERM', async () => {
    // A process whose children ignore TERM (as a stuck child would): stop_pid must TERM the group,
    // then KILL what is left of the session after its grace period.
    const script = join(dir, 'spawn-children.sh');
    writeFileSync(
      script,
      [
        'source "$1"',
        'start_bg demo "$STACK_RUN/logs/demo.log" bash -c \'trap "" TERM; sleep 300 & sleep 300 & wait\'',
        'sleep 0.5',
        'session_pids "$(cat "$STACK_RUN/pids/demo.pid")"',
      ].join('\n'),
    );
    const started = await run('bash', [script, join(repoRoot, 'stack', 'lib.sh')], env);
    expect(started.code).toBe(0);
    const members = started.stdout.trim().split('\n').map(Number);
    expect(members.length).toBe(3); // bash + two sleeps
    const stopScript = join(dir, 'stop.sh');
    writeFileSync(stopScript, 'source "$1"\nstop_pid demo\n');
    const stopped = await run('bash', [stopScript, join(repoRoot, 'stack', 'lib.sh')], env);
    expect(stopped.code).toBe(0);
    const alive = sessions();
    expect(members.filter((pid) => alive.has(pid))).toEqual([]);
  }, 60_000);

  test('start_bg: the daemon keeps no descriptor of its caller, so a lock the caller holds is free once it exits', async () => {
    // `flock LOCK npm run demo` (or a benchmark's lock around `stack up`) must not be held for ever by
    // the daemons the stack starts.
    const lock = join(dir, 'caller.lock');
    const script = join(dir, 'hold-lock.sh');
    writeFileSync(
      script,
      [
        'source "$1"',
        'exec 5>"$2"; flock 5',
        'start_bg holder "$STACK_RUN/logs/holder.log" sleep 300',
        'sleep 0.3',
        'ls "/proc/$(cat "$STACK_RUN/pids/holder.pid")/fd"',
      ].join('\n'),
    );
    const started = await run('bash', [script, join(repoRoot, 'stack', 'lib.sh'), lock], env);
    try {
      expect(started.code).toBe(0);
      expect(started.stdout.trim().split(/\s+/).map(Number).sort()).toEqual([0, 1, 2]);
      const free = await run('flock', ['-n', lock, 'true'], env);
      expect(free.code).toBe(0);
    } finally {
      const stopScript = join(dir, 'stop-holder.sh');
      writeFileSync(stopScript, 'source "$1"\nstop_pid holder\n');
      await run('bash', [stopScript, join(repoRoot, 'stack', 'lib.sh')], env);
    }
  }, 60_000);

  test('stack_env: components writing the env file side by side lose no line', async () => {
    // `stack up` starts components in parallel, and each records its variables.
    const script = join(dir, 'env-writers.sh');
    writeFileSync(
      script,
      ['source "$1"', 'for i in $(seq 1 24); do stack_env "PHLO_RACE_$i" "value-$i" & done', 'wait'].join('\n'),
    );
    const wrote = await run('bash', [script, join(repoRoot, 'stack', 'lib.sh')], env);
    expect(wrote.code).toBe(0);
    const lines = readFileSync(join(dir, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('PHLO_RACE_'));
    expect(lines.sort()).toEqual(Array.from({ length: 24 }, (_, i) => `PHLO_RACE_${i + 1}=value-${i + 1}`).sort());
    const cleanup = join(dir, 'env-cleanup.sh');
    writeFileSync(cleanup, 'source "$1"\nstack_env_unset $(seq -f "PHLO_RACE_%g" 1 24)\n');
    expect((await run('bash', [cleanup, join(repoRoot, 'stack', 'lib.sh')], env)).code).toBe(0);
  }, 60_000);

  test('wait_mark: a done-marker gives its code; a writer killed before writing it is a failure, not an endless wait', async () => {
    // stack.sh's own function: `up` waits with it for each build and for the components a start needs.
    const script = join(dir, 'wait-mark.sh');
    writeFileSync(
      script,
      [
        `source <(sed -n '/^wait_mark() {/,/^}/p' "$1")`,
        'd="$(mktemp -d)"',
        '( sleep 0.3; echo 0 >"$d/ok" ) & ok=$!',
        '( sleep 0.3; echo 3 >"$d/failed" ) & failed=$!',
        'sleep 300 & killed=$!',
        'echo "ok=$(wait_mark "$d/ok" "$ok")"',
        'echo "failed=$(wait_mark "$d/failed" "$failed")"',
        '( sleep 0.3; kill -9 "$killed" ) &',
        'echo "killed=$(wait_mark "$d/never" "$killed")"',
        'rm -rf "$d"',
      ].join('\n'),
    );
    const r = await run('bash', [script, STACK], env, 20_000);
    expect(r.stdout).toBe('ok=0\nfailed=3\nkilled=died\n');
  }, 30_000);

  test('components named in any order are taken in the start order (a start forks after the ones it needs)', async () => {
    const r = await run('bash', [STACK, 'status', 'kwok', 'etcd', 'kube', 'etcd'], env);
    expect(
      r.stdout
        .split('\n')
        .map((l) => l.split(':')[0])
        .filter(Boolean),
    ).toEqual(['etcd', 'kube', 'kwok']);
  }, 30_000);

  test('a private stack (test/helpers/stack.ts startPrivateStack) survives restart-apiserver: controllers and kwok reconnect', async () => {
    const stack = await startPrivateStack(1100);
    try {
      expect(stack.env.PHLO_KUBE_SERVER).toBe('https://127.0.0.1:17543');
      const before = Number(readFileSync(join(stack.dir, 'pids', 'kube-apiserver.pid'), 'utf8'));
      await stack.restartApiserver();
      const after = Number(readFileSync(join(stack.dir, 'pids', 'kube-apiserver.pid'), 'utf8'));
      expect(after).not.toBe(before);
      expect(sessions().has(before)).toBe(false);

      // A Deployment created right after the restart still rolls out: the controller-manager,
      // scheduler and kwok found the new API server by themselves.
      const kc = stack.kubeConfig;
      const name = uniqueName('restart');
      await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
      await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: name,
        body: {
          metadata: { name: 'web' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: { containers: [{ name: 'web', image: 'registry.local/web:1' }] },
            },
          },
        },
      });
      await waitFor(
        'web available on the restarted API server',
        async () => {
          const d = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: name, name: 'web' });
          return d.status?.availableReplicas === 2;
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    } finally {
      await stack.stop();
    }
    expect(existsSync(stack.dir)).toBe(false);
  }, 240_000);
});
