#!/usr/bin/env node
// Cuts a release: `node scripts/release.mjs 1.2.3 [--push]`.
//  1. checks the work tree is clean and the version is a semver above the current one;
//  2. sets package.json's version and rewrites every `org/phlo-deploy…@vX.Y.Z` pin inside
//     .github/workflows/ to the new version, so the reusable workflows run the actions of the same
//     release they belong to;
//  3. rebuilds dist/ and the README table, commits "Release vX.Y.Z", tags vX.Y.Z (annotated) and
//     moves the major tag vX to the same commit;
//  4. with --push, pushes the commit, the tag and (forced) the major tag.
// Git runs with argument arrays; nothing is interpolated into a shell.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = resolve(process.env.PHLO_RELEASE_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const fail = (message) => {
  console.error(`release: ${message}`);
  process.exit(1);
};

export const PIN = /(uses:\s*org\/phlo-deploy(?:\/[^@\s]+)?@)v\d+\.\d+\.\d+/g;

export function rewritePins(text, version) {
  return text.replace(PIN, `$1v${version}`);
}

function main() {
  const [input, ...flags] = process.argv.slice(2);
  const version = semver.valid(semver.clean(input ?? ''));
  if (!version) fail(`the version '${input ?? ''}' is not a semantic version: give one like 1.2.3`);
  const pkgPath = join(root, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  if (!semver.gt(version, pkg.version)) fail(`${version} is not above the current version ${pkg.version}`);
  if (git('status', '--porcelain')) fail('the work tree has uncommitted changes: commit or stash them first');
  const tag = `v${version}`;
  if (git('tag', '--list', tag)) fail(`the tag ${tag} exists already`);

  pkg.version = version;
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  const wfDir = join(root, '.github', 'workflows');
  for (const file of readdirSync(wfDir).filter((f) => /\.ya?ml$/.test(f))) {
    const path = join(wfDir, file);
    const before = readFileSync(path, 'utf8');
    const after = rewritePins(before, version);
    if (after !== before) writeFileSync(path, after);
  }
  if (!process.env.PHLO_RELEASE_SKIP_BUILD) {
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/gen-readme-table.mjs'], { cwd: root, stdio: 'inherit' });
  }
  git('add', '-A');
  git('commit', '-m', `Release ${tag}`);
  git('tag', '-a', tag, '-m', `phlo-deploy ${tag}`);
  const major = `v${semver.major(version)}`;
  git('tag', '-f', '-a', major, '-m', `phlo-deploy ${major} → ${tag}`);
  console.log(`Released ${tag}; ${major} now points at it.`);
  if (flags.includes('--push')) {
    git('push', 'origin', 'HEAD');
    git('push', 'origin', tag);
    git('push', '--force', 'origin', major);
  } else {
    console.log(`Push with: git push origin HEAD ${tag} && git push --force origin ${major}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
