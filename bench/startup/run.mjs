#!/usr/bin/env node
// Cold start of every action bundle against `node -e 0`. Each bundle runs with no inputs, so it
// stops at its first missing required input: what is measured is loading the bundle, the stub, the
// runner and the action's chunk. Rounds alternate between the baseline and the bundles.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rounds = Number(process.env.ROUNDS ?? 15);
const GOAL = 4;

const bundles = readdirSync(join(root, 'dist'))
  .filter((n) => existsSync(join(root, 'dist', n, 'main.js')))
  .map((n) => ({ name: n, args: [join(root, 'dist', n, 'main.js')] }));

const env = { ...process.env, GITHUB_OUTPUT: '', GITHUB_STATE: '', GITHUB_STEP_SUMMARY: '' };
for (const k of Object.keys(env)) if (k.startsWith('INPUT_')) delete env[k];

function time(args) {
  const t0 = process.hrtime.bigint();
  spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const baseline = [];
const samples = Object.fromEntries(bundles.map((b) => [b.name, []]));
time(['-e', '0']); // warm the page cache once for both
for (const b of bundles) time(b.args);
for (let i = 0; i < rounds; i++) {
  baseline.push(time(['-e', '0']));
  for (const b of bundles) samples[b.name].push(time(b.args));
}

const base = median(baseline);
console.log(`node -e 0: median ${base.toFixed(1)} ms over ${rounds} runs`);
let worst = 0;
for (const b of bundles) {
  const m = median(samples[b.name]);
  worst = Math.max(worst, m / base);
  console.log(`${b.name.padEnd(14)} median ${m.toFixed(1)} ms  (${(m / base).toFixed(2)}x)`);
}
const distBytes = readdirSync(join(root, 'dist'), { recursive: true })
  .map((f) => join(root, 'dist', String(f)))
  .filter((f) => statSync(f).isFile())
  .reduce((n, f) => n + statSync(f).size, 0);
console.log(`dist/ total: ${(distBytes / 1e6).toFixed(2)} MB (goal ≤ 15 MB)`);
console.log(`ratio: ${worst.toFixed(2)} (goal ≤ ${GOAL})`);
