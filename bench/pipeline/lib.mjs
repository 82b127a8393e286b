#!/usr/bin/env node
// Helpers for bench/pipeline/run.sh (no dependencies, Node ≥ 18):
//
//   node lib.mjs time <log> -- <cmd> [args...]   run cmd (stdout+stderr → log, each line prefixed with the
//                                               ms since the start), print "<ms> <exit code>"; the clock
//                                               is process.hrtime (CLOCK_MONOTONIC)
//   node lib.mjs port                           print a free TCP port on 127.0.0.1
//   node lib.mjs stages <log>                   print "stage seconds" lines from our deploy's summary table
//   node lib.mjs steps <file>                   print "step seconds" lines from the manual side's step marks
//   node lib.mjs report <samples.tsv>           print the medians, the per-stage medians and the ratio line
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const [cmd, ...args] = process.argv.slice(2);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function fail(message) {
  process.stderr.write(`bench/pipeline: ${message}\n`);
  process.exit(2);
}

async function time() {
  const [log, sep, program, ...rest] = args;
  if (!log || sep !== '--' || !program) fail('usage: lib.mjs time <log> -- <cmd> [args...]');
  const out = createWriteStream(log);
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
  const child = spawn(program, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Every line of the log gets the ms since the start, for the breakdown (stdout and stderr merged).
  const tail = { stdout: '', stderr: '' };
  const take = (name) => (chunk) => {
    const lines = (tail[name] + chunk.toString()).split('\n');
    tail[name] = lines.pop();
    const t = elapsed().toFixed(0).padStart(6);
    for (const l of lines) out.write(`${t} ${l}\n`);
  };
  child.stdout.on('data', take('stdout'));
  child.stderr.on('data', take('stderr'));
  const code = await new Promise((resolve) => {
    child.on('error', (error) => {
      out.write(`cannot start ${program}: ${error.message}\n`);
      resolve(127);
    });
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const ms = elapsed();
  for (const name of ['stdout', 'stderr']) if (tail[name]) out.write(`${ms.toFixed(0).padStart(6)} ${tail[name]}\n`);
  await new Promise((resolve) => out.end(resolve));
  process.stdout.write(`${ms.toFixed(1)} ${code}\n`);
}

async function port() {
  const server = createServer();
  await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
  const { port: p } = server.address();
  await new Promise((resolve) => server.close(resolve));
  process.stdout.write(`${p}\n`);
}

// Our deploy prints the job summary's stage table: as Markdown (`| build-scan | ✅ passed | 0.9s |  |`)
// or, from the CLI in a terminal, as plain text (`  build-scan    ✅ passed  0.9s`).
const STAGE_ROW = new RegExp(
  String.raw`^ *[0-9]+ (?:\| ([a-z-]+) \| [^|]* \| ([0-9.]+)(ms|s) \|| {2,}(build-scan|push-ecr|render|apply|rollout-gate|health-gate|rollback) +\S+ [a-z-]+ +([0-9.]+)(ms|s)(?: |$))`,
  'gm',
);
function stages() {
  const text = readFileSync(args[0], 'utf8');
  for (const found of text.matchAll(STAGE_ROW)) {
    const m = found[1] ? found : [found[0], found[4], found[5], found[6]];
    const seconds = m[3] === 'ms' ? Number(m[2]) / 1000 : Number(m[2]);
    process.stdout.write(`${m[1]} ${seconds.toFixed(2)}\n`);
  }
}

// The manual side writes "<step> <EPOCHREALTIME>" marks; consecutive differences are step durations
// (wall clock, for the breakdown only: the headline figures come from `time`).
function steps() {
  const marks = readFileSync(args[0], 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length === 2)
    .map(([name, t]) => [name, Number(t)]);
  for (let i = 1; i < marks.length; i++) {
    process.stdout.write(`${marks[i][0]} ${(marks[i][1] - marks[i - 1][1]).toFixed(2)}\n`);
  }
}

// samples.tsv: "<kind>\t<tool>\t<round>\t<name>\t<seconds>" with kind total|part.
function report() {
  const rows = readFileSync(args[0], 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
    .map(([kind, tool, round, name, s]) => ({ kind, tool, round: Number(round), name, s: Number(s) }));
  const totals = (tool) => rows.filter((r) => r.kind === 'total' && r.tool === tool).map((r) => r.s);
  const ours = totals('ours');
  const manual = totals('manual');
  if (ours.length === 0 || manual.length === 0) fail('no samples to report');
  const out = [];
  for (const tool of ['ours', 'manual']) {
    const parts = rows.filter((r) => r.kind === 'part' && r.tool === tool);
    const names = [...new Set(parts.map((r) => r.name))];
    if (names.length === 0) continue;
    out.push(
      `${tool} by stage (median s): ${names.map((n) => `${n} ${median(parts.filter((r) => r.name === n).map((r) => r.s)).toFixed(2)}`).join(', ')}`,
    );
  }
  const mo = median(ours);
  const mm = median(manual);
  out.push(
    `median ours:   ${mo.toFixed(2)} s  (n=${ours.length}, min ${Math.min(...ours).toFixed(2)}, max ${Math.max(...ours).toFixed(2)})`,
  );
  out.push(
    `median manual: ${mm.toFixed(2)} s  (n=${manual.length}, min ${Math.min(...manual).toFixed(2)}, max ${Math.max(...manual).toFixed(2)})`,
  );
  out.push(`ratio: ${(mo / mm).toFixed(2)} (goal ≤ 1.0)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const commands = { time, port, stages, steps, report };
if (!commands[cmd]) fail(`unknown command '${cmd ?? ''}': expected ${Object.keys(commands).join(', ')}`);
await commands[cmd]();
