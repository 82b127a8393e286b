#!/usr/bin/env node
// bench/push: build-scan (scan off) + push-ecr (main and post steps, run from the dist bundles the
// way a runner runs them: on Node 24, the runtime the actions declare, with RUNNER_TEMP shared by the
// job's steps) against doing the same by hand — `docker build` with the same labels in one LABEL
// instruction (the one step build-scan writes too), `aws ecr get-login-password | docker login
// --password-stdin` into a private config, `docker push`, logout — on the local stack.
//
// Both sides do the same work, each the cheapest way: the registry password comes from ECR on both
// (ours: GetAuthorizationToken; by hand: `aws ecr get-login-password --region R | docker login
// --username AWS --password-stdin HOST`, the way AWS documents it, with the two processes in a pipe
// as a shell runs them), since nobody has it without asking ECR. The by-hand side does not create or
// describe the repository (a person does that once, not per push). The AWS CLI is the one
// `bash scripts/tools.sh aws` installs (awscli from PyPI, pinned), never the machine's own.
//
// Our steps get what a runner gives every step (GITHUB_SHA, GITHUB_REF, GITHUB_REPOSITORY, the event
// file, RUNNER_TEMP shared by the job's steps); the by-hand build sets the same OCI labels build-scan
// set (taken from the warm-up), as a person would with `${{ github.sha }}` and friends.
//
// Each round builds two images of identical shape (one fresh random layer of the same size each, so
// neither side rides on the other's upload) and alternates which side goes first. Prints every
// round with each side's parts, the medians and the median of the per-round ratios, ending with
// `ratio: X (goal ≤ 1.15)`.
//
//   npm run build && node bench/push/run.mjs            (BENCH_ROUNDS=6, BENCH_LAYER_MB=64)
//
// The layer size matters: our side pays a fixed cost the bare CLI does not (three node processes —
// build-scan, push-ecr main and its post step — plus the ECR API calls and the tag check before the
// push), and the by-hand side pays the AWS CLI's start (a Python process loading botocore). 64 MiB
// stands for a small service layer; a tiny layer (BENCH_LAYER_MB=8) shows the fixed costs, not the push.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOAL = 1.15;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// An even number of rounds, so each side goes first equally often.
const rounds = Math.ceil(Number(process.env.BENCH_ROUNDS ?? 6) / 2) * 2;
const layerBytes = Math.round(Number(process.env.BENCH_LAYER_MB ?? 64) * 1024 * 1024);

const envFile = join(process.env.PHLO_STACK_DIR || join(root, '.stack'), 'env');
if (!existsSync(envFile)) {
  console.error(`bench/push: the local stack is not up (${envFile} is missing): run \`npm run stack:up\` first.`);
  process.exit(2);
}
const stack = Object.fromEntries(
  readFileSync(envFile, 'utf8')
    .split('\n')
    .map((l) => /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
for (const key of ['DOCKER_HOST', 'PHLO_REGISTRY', 'PHLO_BASE_IMAGE', 'AWS_ENDPOINT_URL']) {
  if (!stack[key]) {
    console.error(`bench/push: ${envFile} lacks ${key}: run \`npm run stack:up\`.`);
    process.exit(2);
  }
}
const baseEnv = {
  ...process.env,
  DOCKER_HOST: stack.DOCKER_HOST,
  AWS_ENDPOINT_URL: stack.AWS_ENDPOINT_URL,
  AWS_ACCESS_KEY_ID: stack.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: stack.AWS_SECRET_ACCESS_KEY ?? 'test',
  AWS_REGION: stack.AWS_REGION ?? 'us-east-1',
  ...(stack.DOCKER_BUILDKIT ? { DOCKER_BUILDKIT: stack.DOCKER_BUILDKIT } : {}),
};
const registry = stack.PHLO_REGISTRY;
/** A tool's path from one of the project's installers (argument arrays); exits with the reason if it fails. */
function tool(what, script, args) {
  try {
    const path = execFileSync('bash', [join(root, script), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    if (path && existsSync(path)) return path;
    throw new Error(`it printed no path that exists (${path || 'nothing'})`);
  } catch (error) {
    console.error(`bench/push: could not install ${what} with \`bash ${script} ${args.join(' ')}\`: ${error.message}`);
    process.exit(2);
  }
}
// Our bundles run on the runtime the actions declare (node24), as a runner runs them.
const NODE = tool('Node 24', 'scripts/node24.sh', []);
// The by-hand side's AWS CLI: pinned and installed by the project, not whatever the machine has.
const AWS = tool('the AWS CLI', 'scripts/tools.sh', ['aws']);
const runId = randomBytes(3).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'phlo-bench-push-'));
// Run from a snapshot of dist/, so a rebuild during the bench cannot pull the bundles away (and wait
// a little if a rebuild is under way right now).
const BUNDLES = ['dist/build-scan/main.js', 'dist/push-ecr/main.js', 'dist/push-ecr/post.js', 'dist/index.js'];
const dist = join(work, 'dist');
for (let attempt = 1; ; attempt++) {
  rmSync(dist, { recursive: true, force: true });
  try {
    cpSync(join(root, 'dist'), dist, { recursive: true });
  } catch {
    /* dist/ vanished mid-copy: try again */
  }
  if (BUNDLES.every((b) => existsSync(join(work, b)))) break;
  if (attempt === 12) {
    console.error(`bench/push: ${BUNDLES.join(', ')} must exist: run \`npm run build\` first.`);
    rmSync(work, { recursive: true, force: true });
    process.exit(2);
  }
  await new Promise((r) => setTimeout(r, 5000));
}

/** Runs a program (argument array), returns stdout; throws with stderr on failure. */
function run(command, args, { env = baseEnv, input } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(out)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${(err || out).slice(-800)}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** `a | b`, as a shell runs it: both start at once, a's stdout (never captured: it is the password)
 *  is b's stdin; resolves when both exit 0, else throws with their stderr. */
function pipe([aCmd, aArgs], [bCmd, bArgs]) {
  const exited = (child, name) =>
    new Promise((resolvePromise, reject) => {
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolvePromise() : reject(new Error(`${name} exited ${code}: ${err.slice(-800)}`)),
      );
    });
  const a = spawn(aCmd, aArgs, { env: baseEnv, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const b = spawn(bCmd, bArgs, { env: baseEnv, cwd: root, stdio: ['pipe', 'ignore', 'pipe'] });
  a.stdout.pipe(b.stdin);
  return Promise.all([exited(a, `${aCmd} ${aArgs.join(' ')}`), exited(b, `${bCmd} ${bArgs.join(' ')}`)]);
}

function parseCommandFile(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join('\n');
  }
  return out;
}

// What a runner tells every step about the run (so build-scan takes the commit, ref and repository
// from the environment, as on a runner, instead of asking git), set once outside the timed part.
const eventPath = join(work, 'event.json');
writeFileSync(eventPath, JSON.stringify({ repository: { default_branch: 'main' } }));
const runnerEnv = {
  GITHUB_SHA: execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_REF_NAME: 'main',
  GITHUB_REPOSITORY: 'phlo-bench/app',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_PATH: eventPath,
};

/** Runs a bundle like a runner: the run's GITHUB_* facts, INPUT_*, GITHUB_OUTPUT/STATE/STEP_SUMMARY files. */
async function step(bundle, inputs, state = {}, temp) {
  const dir = mkdtempSync(join(work, 'step-'));
  const files = { out: join(dir, 'out'), state: join(dir, 'state'), summary: join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env = {
    ...baseEnv,
    ...runnerEnv,
    GITHUB_OUTPUT: files.out,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: temp,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
  await run(NODE, [join(work, bundle)], { env });
  return {
    outputs: parseCommandFile(readFileSync(files.out, 'utf8')),
    state: parseCommandFile(readFileSync(files.state, 'utf8')),
  };
}

function context(label) {
  const dir = join(work, `ctx-${label}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'blob'), randomBytes(layerBytes));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${stack.PHLO_BASE_IMAGE}\nCOPY blob /blob\n`);
  return dir;
}

/** One LABEL instruction setting every label; values double-quoted, with `\\`, `"` and `$` escaped. */
const labelInstruction = (labels) =>
  `LABEL ${Object.entries(labels)
    .map(([k, v]) => [k, v].map((x) => `"${String(x).replace(/[\\"$]/g, (c) => `\\${c}`)}"`).join('='))
    .join(' ')}\n`;

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Outside the timed part: flush dirty pages, so the side that goes second does not pay for the
 *  first side's write-back (the build's layer and the registry's blob, tens of MiB each). */
const settle = () => run('sync', []);

async function ours(round) {
  const ctx = context(`ours-${round}`);
  const temp = mkdtempSync(join(work, 'runner-'));
  await settle();
  const t0 = now();
  const parts = {};
  let mark = t0;
  const lap = (name) => {
    const t = now();
    parts[name] = t - mark;
    mark = t;
  };
  const built = await step(
    'dist/build-scan/main.js',
    { image: `phlo-bench/ours`, tags: `r${round}`, 'tag-rules': 'none', context: ctx, scan: 'false' },
    {},
    temp,
  );
  lap('build-scan');
  const pushed = await step(
    'dist/push-ecr/main.js',
    {
      image: built.outputs['image-id'],
      repository: `phlo-bench/ours-${runId}`,
      tags: `r${round}`,
      'registry-endpoint': `http://${registry}`,
    },
    {},
    temp,
  );
  lap('push-ecr');
  await step('dist/push-ecr/post.js', {}, pushed.state, temp);
  lap('post');
  const ms = now() - t0;
  if (!/^sha256:[0-9a-f]{64}$/.test(pushed.outputs.digest ?? '')) throw new Error('push-ecr gave no digest');
  return { ms, parts, image: built.outputs['image-id'], labels: JSON.parse(built.outputs.labels || '{}') };
}

async function byHand(round, labels) {
  const ctx = context(`hand-${round}`);
  const ref = `${registry}/phlo-bench/hand-${runId}:r${round}`;
  await settle();
  const t0 = now();
  const parts = {};
  let mark = t0;
  const lap = (name) => {
    const t = now();
    parts[name] = t - mark;
    mark = t;
  };
  // The labels build-scan set, in one LABEL instruction at the end of the Dockerfile: the cheapest
  // way by hand, and the one build step build-scan itself writes for the classic builder (a --label
  // flag per label would cost this side steps ours does not take).
  if (Object.keys(labels).length > 0) appendFileSync(join(ctx, 'Dockerfile'), labelInstruction(labels));
  await run('docker', ['build', '--quiet', '--tag', ref, ctx]);
  lap('build');
  const config = mkdtempSync(join(work, 'docker-config-'));
  // The password from ECR, the way AWS documents it: aws ecr get-login-password | docker login.
  await pipe(
    [AWS, ['ecr', 'get-login-password', '--region', baseEnv.AWS_REGION]],
    ['docker', ['--config', config, 'login', '--username', 'AWS', '--password-stdin', registry]],
  );
  lap('login');
  await run('docker', ['--config', config, 'push', ref]);
  lap('push');
  await run('docker', ['--config', config, 'logout', registry]);
  rmSync(config, { recursive: true, force: true });
  lap('logout');
  return { ms: now() - t0, parts, ref };
}

const fmt = (parts) =>
  Object.entries(parts)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const cleanup = [];
try {
  console.log(
    `bench/push: ${rounds} rounds (+1 warm-up), one fresh ${(layerBytes / 1048576).toFixed(0)} MiB layer per image, registry ${registry}`,
  );
  const oursMs = [];
  const handMs = [];
  const ratios = [];
  // build-scan sets OCI labels; the hand side sets the same ones (taken from the warm-up build)
  let labels = {};
  for (let round = 0; round <= rounds; round++) {
    let o;
    let h;
    if (round % 2 === 0) {
      o = await ours(round);
      if (round === 0) labels = o.labels;
      h = await byHand(round, labels);
    } else {
      h = await byHand(round, labels);
      o = await ours(round);
    }
    cleanup.push(o.image, h.ref);
    if (round === 0) {
      console.log(`warm-up: ours ${o.ms.toFixed(0)} ms, by hand ${h.ms.toFixed(0)} ms (not counted)`);
      continue;
    }
    oursMs.push(o.ms);
    handMs.push(h.ms);
    ratios.push(o.ms / h.ms);
    console.log(
      `round ${round}: ours ${o.ms.toFixed(0)} ms, by hand ${h.ms.toFixed(0)} ms, ratio ${(o.ms / h.ms).toFixed(3)} (${round % 2 ? 'by hand first' : 'ours first'})`,
    );
    console.log(`         ours: ${fmt(o.parts)} | by hand: ${fmt(h.parts)}`);
  }
  console.log(`median: ours ${median(oursMs).toFixed(0)} ms, by hand ${median(handMs).toFixed(0)} ms`);
  const overhead = median(oursMs.map((o, i) => o - handMs[i]));
  console.log(
    `median fixed overhead (ours − by hand, per round): ${overhead.toFixed(0)} ms — size-independent: ours 3 node processes (build-scan, push-ecr main, post), ECR API calls, the tag check before the push; by hand the AWS CLI's start (see the login part)`,
  );
  console.log(`ratio: ${median(ratios).toFixed(3)} (goal ≤ ${GOAL})`);
} finally {
  for (const image of cleanup) await run('docker', ['image', 'rm', '--force', image]).catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
