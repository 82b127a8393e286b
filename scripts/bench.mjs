#!/usr/bin/env node
// `npm run bench`: every benchmark under bench/ plus the warm `stack up`, one after the other on the
// local stack, each ending with `ratio: X (goal ≤ Y)`. Prints one table and writes it as JSON to
// bench/results/<date>-<commit>.json (with the machine's core count, the date and the commit); the
// README quotes the last committed results file.
//
//   npm run bench                      fewer rounds (≈ 15 min on 2 cores)
//   npm run bench -- --full            the rounds each benchmark defaults to (longer, steadier)
//   npm run bench -- --only push-64,gate   just those (names below)
//   npm run bench -- --no-write        print the table only
//
// Run `npm run build` and `npm run stack:up` first. A benchmark that fails is a row with its error and
// makes the exit code 1; the others still run.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const full = args.includes('--full');
const write = !args.includes('--no-write');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;

/** name, command, rounds env (quick / full), what is compared. */
const BENCHES = [
  {
    name: 'startup',
    command: ['node', 'bench/startup/run.mjs'],
    env: { ROUNDS: full ? '15' : '7' },
    compares: 'each action bundle to its first missing input vs `node -e 0` (worst bundle)',
  },
  {
    name: 'push-64',
    command: ['node', 'bench/push/run.mjs'],
    env: { BENCH_ROUNDS: full ? '8' : '4', BENCH_LAYER_MB: '64' },
    compares:
      'build-scan (scan off) + push-ecr on Node 24 vs docker build (labels in one LABEL), aws ecr get-login-password | docker login, push, logout; 64 MiB layer',
  },
  {
    name: 'push-8',
    command: ['node', 'bench/push/run.mjs'],
    env: { BENCH_ROUNDS: full ? '8' : '4', BENCH_LAYER_MB: '8' },
    compares: 'the same with an 8 MiB layer (the fixed cost shows)',
  },
  {
    name: 'apply',
    command: ['bash', 'bench/apply/run.sh'],
    env: { BENCH_ROUNDS: full ? '5' : '3' },
    compares: '310 objects: apply vs kubectl apply --server-side, first and no-change (the worse)',
  },
  {
    name: 'drift',
    command: ['bash', 'bench/drift/run.sh'],
    env: { BENCH_ROUNDS: full ? '5' : '3' },
    compares: 'the local environment ×20 (≈ 300 objects), 5 changed by hand: drift-check vs kubectl diff --server-side',
  },
  {
    name: 'gate',
    command: ['bash', 'bench/gate/run.sh'],
    env: { BENCH_ROUNDS: full ? '25' : '10' },
    compares: 'detection latency to exit: rollout-gate action vs kubectl rollout status',
  },
  {
    name: 'pipeline',
    command: ['bash', 'bench/pipeline/run.sh'],
    env: { ROUNDS: full ? '7' : '3' },
    compares:
      'the whole deploy on Node 24 vs aws ecr get-login-password | docker login, docker build (one LABEL)/push, sed, kubectl apply/rollout status, curl loop',
  },
  {
    name: 'backup',
    command: ['bash', 'bench/backup/run.sh'],
    env: { BENCH_ROUNDS: full ? '5' : '3' },
    compares:
      'lake backup (copy + verify) of 10,000 objects vs aws s3 sync: first, next day to a new date, next day --delete (the nearest its goal)',
  },
  {
    name: 'restore',
    command: ['bash', 'bench/restore/run.sh'],
    env: { BENCH_ROUNDS: full ? '5' : '3' },
    compares:
      'restore of a 10,000-object set into an empty prefix (copy + verify) vs aws s3 sync from the backup prefix',
  },
  {
    name: 'stack-up',
    command: ['bash', 'scripts/bench-stack-up.sh'],
    env: { BENCH_ROUNDS: full ? '3' : '1' },
    compares: 'warm `stack up` of every component into a fresh dir, over the goal of 60 s',
  },
];

const selected = BENCHES.filter((b) => !only || only.has(b.name));
if (only && selected.length !== only.size) {
  console.error(`bench: unknown name in --only; expected some of ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
const commit = git('rev-parse', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'dist', 'bench', 'stack') !== '';

/** Runs one benchmark, streaming its output; resolves with everything it printed and its exit code. */
function runBench(bench) {
  return new Promise((resolvePromise) => {
    const started = process.hrtime.bigint();
    const child = spawn(bench.command[0], bench.command.slice(1), {
      cwd: root,
      env: { ...process.env, ...bench.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const tee = (stream, sink) =>
      stream.on('data', (d) => {
        out += d;
        sink.write(d.toString().replace(/^(?=.)/gm, `  [${bench.name}] `));
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) =>
      resolvePromise({ out, code, seconds: Number(process.hrtime.bigint() - started) / 1e9 }),
    );
  });
}

const rows = [];
// The machine is shared: the 1-minute load average before and after each benchmark says how quiet
// it was (on 2 cores, a load above 2 means the figures carry other work's time too).
const load = () => Number(loadavg()[0].toFixed(2));
for (const bench of selected) {
  const loadBefore = load();
  console.log(
    `\n=== ${bench.name}: ${bench.command.join(' ')} (${Object.entries(bench.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')})`,
  );
  const { out, code, seconds } = await runBench(bench);
  const ratios = [...out.matchAll(/^ratio: ([0-9.]+) \(goal ≤ ([0-9.]+)\)/gm)];
  const last = ratios.at(-1);
  const medians = out
    .split('\n')
    .filter((l) => /^median\b/.test(l.trim()))
    .map((l) => l.trim());
  const row = {
    name: bench.name,
    command: bench.command.join(' '),
    env: bench.env,
    compares: bench.compares,
    ratio: last ? Number(last[1]) : null,
    goal: last ? Number(last[2]) : null,
    met: last ? Number(last[1]) <= Number(last[2]) : false,
    medians,
    seconds: Math.round(seconds),
    load: [loadBefore, load()],
    exitCode: code,
    ...(code !== 0 || !last ? { error: out.trim().split('\n').slice(-5).join('\n') } : {}),
  };
  rows.push(row);
}

const pad = (s, n) => String(s).padEnd(n);
console.log(
  '\n' +
    [
      pad('benchmark', 10),
      pad('ratio', 7),
      pad('goal', 7),
      pad('met', 4),
      pad('time', 6),
      pad('load', 11),
      'what is compared',
    ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      pad(r.name, 10),
      pad(r.ratio ?? 'FAILED', 7),
      pad(r.goal !== null ? `≤ ${r.goal}` : '', 7),
      pad(r.ratio === null ? '—' : r.met ? 'yes' : 'NO', 4),
      pad(`${r.seconds}s`, 6),
      pad(r.load.join('→'), 11),
      r.compares,
    ].join(' '),
  );
  for (const m of r.medians) console.log(`${' '.repeat(11)}${m}`);
}

if (write) {
  const date = new Date().toISOString();
  const result = {
    date,
    commit,
    dirty,
    mode: full ? 'full' : 'quick',
    machine: {
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
    },
    results: rows,
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${date.slice(0, 10)}-${commit.slice(0, 7)}${only ? `-${[...only].join('+')}` : ''}.json`);
  // Formatted as the repository's prettier formats JSON, so `prettier --check .` stays clean.
  let text = `${JSON.stringify(result, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    text = await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    /* prettier not installed: plain JSON */
  }
  writeFileSync(file, text);
  console.log(`\nwritten: ${file.slice(root.length + 1)}`);
}
process.exit(rows.every((r) => r.exitCode === 0 && r.ratio !== null) ? 0 : 1);
