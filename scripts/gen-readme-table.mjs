#!/usr/bin/env node
// Writes the README's table of actions (inputs and outputs) from the action.yml files, between the
// markers <!-- actions:start --> and <!-- actions:end -->. `--check` fails when the README is stale.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- actions:start -->';
const END = '<!-- actions:end -->';

const cell = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();

export function actionFiles() {
  const files = [];
  if (existsSync(join(root, 'action.yml'))) files.push({ uses: 'org/phlo-deploy@v1', file: 'action.yml' });
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const file = join('actions', name, 'action.yml');
    if (existsSync(join(root, file))) files.push({ uses: `org/phlo-deploy/actions/${name}@v1`, file });
  }
  return files;
}

export function renderTable() {
  const parts = [];
  for (const { uses, file } of actionFiles()) {
    let doc;
    try {
      doc = yaml.load(readFileSync(join(root, file), 'utf8'));
    } catch (error) {
      throw new Error(
        `${file} is not valid YAML: ${error.reason ?? error.message} (line ${(error.mark?.line ?? 0) + 1})`,
      );
    }
    parts.push(`#### \`${uses}\`\n\n${cell(doc.description)}\n`);
    const inputs = Object.entries(doc.inputs ?? {});
    if (inputs.length) {
      parts.push('| input | required | default | description |\n| --- | --- | --- | --- |');
      for (const [name, spec] of inputs) {
        const def = spec.default === undefined ? '' : `\`${cell(spec.default)}\``;
        parts.push(`| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${def} | ${cell(spec.description)} |`);
      }
      parts.push('');
    }
    const outputs = Object.entries(doc.outputs ?? {});
    if (outputs.length) {
      parts.push('| output | description |\n| --- | --- |');
      for (const [name, spec] of outputs) parts.push(`| \`${name}\` | ${cell(spec.description)} |`);
      parts.push('');
    }
  }
  return parts.join('\n').trimEnd();
}

export function withTable(readme) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${renderTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.on('uncaughtException', (error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  });
  const path = join(root, 'README.md');
  const current = readFileSync(path, 'utf8');
  const next = withTable(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('README.md action table is stale: run `npm run docs` and commit README.md.');
      process.exit(1);
    }
    console.log('README.md action table is up to date.');
  } else if (next !== current) {
    writeFileSync(path, next);
    console.log('README.md action table updated.');
  }
}
