// The pinned-release installer against a real HTTP server on 127.0.0.1 serving a real tarball
// (a small stand-in executable named `trivy`; what is under test is download, verify, unpack, cache).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnExec } from '../../src/lib/runtime/exec.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';
import { PINNED_SHA256, checksumFor, installTrivy, releaseAsset } from '../../src/lib/scan/install.js';

const VERSION = '0.73.9'; // a version phlo-deploy pins no sha256 for: verified by its checksums file
const ASSET = `trivy_${VERSION}_Linux-64bit.tar.gz`;
let dir: string;
let server: Server;
let base: string;
let tarball: Buffer;
let checksums = '';
const requests: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trivy-install-'));
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'trivy'), '#!/bin/sh\necho "Version: 0.73.9"\n', { mode: 0o755 });
  writeFileSync(join(src, 'LICENSE'), 'license\n');
  execFileSync('tar', ['-czf', join(dir, ASSET), '-C', src, 'trivy', 'LICENSE']);
  tarball = readFileSync(join(dir, ASSET));
  checksums = `${'0'.repeat(64)}  trivy_${VERSION}_macOS-64bit.tar.gz\n${createHash('sha256').update(tarball).digest('hex')}  ${ASSET}\n`;
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/v${VERSION}/${ASSET}`) res.end(tarball);
    else if (req.url === `/v${VERSION}/trivy_${VERSION}_checksums.txt`) res.end(checksums);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const opts = (toolCache: string, extra: Partial<Parameters<typeof installTrivy>[0]> = {}) => ({
  version: VERSION,
  baseUrl: base,
  toolCache,
  platform: 'linux' as const,
  arch: 'x64',
  exec: spawnExec,
  logger: new MemoryLogger(),
  ...extra,
});

test('asset names follow the release naming', () => {
  expect(releaseAsset(VERSION, 'linux', 'x64')).toBe(ASSET);
  expect(releaseAsset('0.74.0', 'darwin', 'arm64')).toBe('trivy_0.74.0_macOS-ARM64.tar.gz');
  expect(() => releaseAsset('0.74.0', 'win32', 'x64')).toThrow('set trivy-path');
  expect(checksumFor(`${'a'.repeat(64)}  x.tar.gz\n`, 'x.tar.gz')).toBe('a'.repeat(64));
  expect(checksumFor('garbage', 'x.tar.gz')).toBeUndefined();
});

test('installs, verified against the checksums file, and reuses the cache', async () => {
  const cache = join(dir, 'cache-1');
  mkdirSync(cache);
  const binary = await installTrivy(opts(cache));
  expect(execFileSync(binary).toString()).toBe('Version: 0.73.9\n');
  expect(existsSync(join(cache, 'phlo-trivy', VERSION, 'x64', 'LICENSE'))).toBe(false);
  const before = requests.length;
  const logger = new MemoryLogger();
  expect(await installTrivy(opts(cache, { logger }))).toBe(binary);
  expect(requests.length).toBe(before);
  expect(logger.text()).toContain('Using cached Trivy 0.73.9');
});

test('a cached binary changed after install is not run: it is re-hashed and installed again', async () => {
  const cache = join(dir, 'cache-tamper');
  mkdirSync(cache);
  const binary = await installTrivy(opts(cache));
  writeFileSync(binary, '#!/bin/sh\necho "Version: evil"\n', { mode: 0o755 });
  const before = requests.length;
  const logger = new MemoryLogger();
  expect(await installTrivy(opts(cache, { logger }))).toBe(binary);
  expect(logger.text()).toContain('does not match the sha256 recorded when it was installed');
  expect(requests.length).toBeGreaterThan(before);
  expect(execFileSync(binary).toString()).toBe('Version: 0.73.9\n');
  // a marker written by an older install (no binary hash) is not trusted either
  writeFileSync(join(cache, 'phlo-trivy', VERSION, 'x64', '.complete'), `${ASSET} sha256:${'0'.repeat(64)}\n`);
  const again = new MemoryLogger();
  await installTrivy(opts(cache, { logger: again }));
  expect(again.text()).toContain('has no recorded sha256');
});

test('an explicit sha256 pin wins; a wrong one refuses to install', async () => {
  const cache = join(dir, 'cache-2');
  mkdirSync(cache);
  await expect(installTrivy(opts(cache, { sha256: 'f'.repeat(64) }))).rejects.toThrow(
    `checksum mismatch for ${ASSET}: expected ${'f'.repeat(64)} (the pinned trivy-sha256)`,
  );
  expect(existsSync(join(cache, 'phlo-trivy', VERSION, 'x64', 'trivy'))).toBe(false);
  const good = createHash('sha256').update(tarball).digest('hex');
  await expect(installTrivy(opts(cache, { sha256: good }))).resolves.toContain('trivy');
});

test('a tampered checksums file or a missing release fails clearly', async () => {
  const cache = join(dir, 'cache-3');
  mkdirSync(cache);
  const saved = checksums;
  checksums = `${'1'.repeat(64)}  ${ASSET}\n`;
  try {
    await expect(installTrivy(opts(cache))).rejects.toThrow(`(trivy_${VERSION}_checksums.txt)`);
  } finally {
    checksums = saved;
  }
  await expect(installTrivy(opts(cache, { version: '9.9.9' }))).rejects.toThrow('HTTP 404');
});

test('the default version is checked against the sha256 pinned in the repository, not only the checksums file', async () => {
  // A server that serves a tarball and a checksums file that agree with each other, for the default
  // version: a release replaced at its source. The repository's pin refuses it.
  const pinnedVersion = '0.74.0';
  const asset = `trivy_${pinnedVersion}_Linux-64bit.tar.gz`;
  expect(PINNED_SHA256[pinnedVersion]![asset]).toMatch(/^[0-9a-f]{64}$/);
  const forged = await new Promise<{ server: Server; base: string }>((resolve) => {
    const sums = `${createHash('sha256').update(tarball).digest('hex')}  ${asset}\n`;
    const s = createServer((req, res) => {
      if (req.url === `/v${pinnedVersion}/${asset}`) res.end(tarball);
      else if (req.url === `/v${pinnedVersion}/trivy_${pinnedVersion}_checksums.txt`) res.end(sums);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    s.listen(0, '127.0.0.1', () =>
      resolve({ server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }),
    );
  });
  try {
    const cache = join(dir, 'cache-pinned');
    mkdirSync(cache);
    await expect(installTrivy(opts(cache, { version: pinnedVersion, baseUrl: forged.base }))).rejects.toThrow(
      `checksum mismatch for ${asset}: expected ${PINNED_SHA256[pinnedVersion]![asset]} (the sha256 phlo-deploy pins for Trivy ${pinnedVersion})`,
    );
    expect(existsSync(join(cache, 'phlo-trivy', pinnedVersion, 'x64', 'trivy'))).toBe(false);
  } finally {
    await new Promise((resolve) => forged.server.close(resolve));
  }
});
