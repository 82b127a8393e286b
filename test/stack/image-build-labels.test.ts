/**
 * Labels on the stack's real docker engine (classic builder): the labels that build-scan merges into
 * one appended LABEL instruction land in the image config exactly as given, $, quotes and the escape
 * character included — the same as `--label` flags, which remain the way when a --target is built.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, inspectLabels } from '../../src/lib/image/build.js';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { loadStackEnv, uniqueName } from '../helpers/stack.js';

let env: NodeJS.ProcessEnv;
let work: string;
const image = `phlo-test/${uniqueName('labels')}`;

const labels = new Map([
  ['org.opencontainers.image.revision', 'c0ffee0123456789abcdef0123456789abcdef01'],
  ['org.opencontainers.image.version', 'feature/"$HOME" and ${PATH} \\ `tick`'],
  ['org.example.empty', ''],
]);

beforeAll(() => {
  const stack = loadStackEnv(['DOCKER_HOST', 'PHLO_BASE_IMAGE']);
  env = { ...process.env, DOCKER_HOST: stack.DOCKER_HOST, BASE: stack.PHLO_BASE_IMAGE };
  delete env.DOCKER_BUILDKIT;
  work = mkdtempSync(join(tmpdir(), 'phlo-labels-'));
});

afterAll(async () => {
  await spawnExec('docker', ['image', 'rm', '--force', `${image}:plain`, `${image}:escape`, `${image}:target`], {
    env,
  });
  rmSync(work, { recursive: true, force: true });
});

async function build(tag: string, dockerfile: string, target?: string): Promise<MemoryLogger> {
  const dir = join(work, tag);
  const logger = new MemoryLogger();
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'hello'), 'hello\n');
  const built = await buildImage(
    spawnExec,
    {
      context: dir,
      dockerfile: join(dir, 'Dockerfile'),
      buildArgs: new Map([['BASE', env.BASE!]]),
      labels,
      refs: [`${image}:${tag}`],
      ...(target ? { target } : {}),
    },
    logger,
    env,
  );
  expect(built.builder).toBe('classic');
  return logger;
}

const labelSteps = (logger: MemoryLogger): number =>
  logger
    .text()
    .split('\n')
    .filter((l) => /^Step \d+\/\d+ : LABEL /.test(l)).length;

test('one LABEL step carries every label verbatim', async () => {
  const logger = await build('plain', 'ARG BASE\nFROM ${BASE}\nCOPY hello /hello');
  expect(labelSteps(logger)).toBe(1);
  expect(await inspectLabels(spawnExec, `${image}:plain`, env)).toMatchObject(Object.fromEntries(labels));
});

test('with the escape directive set to a backtick', async () => {
  const logger = await build('escape', '# escape=`\nARG BASE\nFROM ${BASE}\nCOPY hello /hello\n');
  expect(labelSteps(logger)).toBe(1);
  expect(await inspectLabels(spawnExec, `${image}:escape`, env)).toMatchObject(Object.fromEntries(labels));
});

test('a --target build keeps --label flags (one step each) and the same labels', async () => {
  const logger = await build(
    'target',
    'ARG BASE\nFROM ${BASE} AS runtime\nCOPY hello /hello\nFROM runtime AS other\nCOPY hello /other\n',
    'runtime',
  );
  expect(labelSteps(logger)).toBe(labels.size);
  expect(await inspectLabels(spawnExec, `${image}:target`, env)).toMatchObject(Object.fromEntries(labels));
});
