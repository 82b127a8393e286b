/**
 * Installs a pinned Trivy release into a tool cache (the GitHub-runner path; the local stack uses a
 * binary built from Trivy's Go module instead). The tarball is verified before it is unpacked:
 * against an explicit sha256 when one is given, else against the sha256 pinned here for the default
 * release, else (another version) against the release's own checksums file — which comes from the same
 * place as the tarball, so it guards against corruption, not a tampered release. A cached install is
 * reused without a download once its binary matches the sha256 recorded when it was installed.
 */
import { createHash } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../runtime/logger.js';
import type { Exec } from '../runtime/exec.js';

export const DEFAULT_TRIVY_VERSION = '0.74.0';
export const DEFAULT_DOWNLOAD_URL = 'https://github.com/aquasecurity/trivy/releases/download';

/**
 * The sha256 of each release tarball of the default version, kept in the repository so a download is
 * checked against something that did not come with it. Source: the pins of the trivy-py 0.74.0 sdist
 * on PyPI (its setup.cfg), which downloads the same assets. A new default version gets its pins here.
 */
export const PINNED_SHA256: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '0.74.0': {
    'trivy_0.74.0_Linux-64bit.tar.gz': '2ae6fe3ee734b7fdf11335663e18c75ea12dccc76062f09f164a3b0f8be4371a',
    'trivy_0.74.0_Linux-ARM64.tar.gz': 'b94ce1976bbf3c15b514b605ee88be7c6d94a29be2302847ff01cb794d47aad5',
    'trivy_0.74.0_macOS-64bit.tar.gz': '472816f6888dda689d075c30254d4210b4d1035acf365aa72332f584c2f60485',
    'trivy_0.74.0_macOS-ARM64.tar.gz': '1caada5e0e2091909357c7525d3aa76f4b660b13821bc143b190c7483e31cc11',
  },
};

export class TrivyInstallError extends Error {
  override readonly name = 'TrivyInstallError';
}

export interface InstallOptions {
  version: string;
  /** Base URL; assets are fetched from `<base>/v<version>/<asset>`. */
  baseUrl: string;
  toolCache: string;
  /** Expected sha256 (hex) of the tarball; when absent the release's checksums file is used. */
  sha256?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  exec: Exec;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
}

/** `trivy_0.74.0_Linux-64bit.tar.gz`, as Trivy's releases name them. */
export function releaseAsset(version: string, platform: NodeJS.Platform, arch: string): string {
  const os = platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'macOS' : undefined;
  const cpu = arch === 'x64' ? '64bit' : arch === 'arm64' ? 'ARM64' : undefined;
  if (!os || !cpu)
    throw new TrivyInstallError(`no Trivy release for ${platform}/${arch}: set trivy-path to a trivy binary`);
  return `trivy_${version}_${os}-${cpu}.tar.gz`;
}

/** The sha256 listed for an asset in a `<sha256>  <file>` checksums file. */
export function checksumFor(checksums: string, asset: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
    if (m && m[2] === asset) return m[1]!.toLowerCase();
  }
  return undefined;
}

export async function installTrivy(options: InstallOptions): Promise<string> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const dir = join(options.toolCache, 'phlo-trivy', options.version, arch);
  const binary = join(dir, 'trivy');
  const marker = join(dir, '.complete');
  if (await exists(marker)) {
    // The marker records the binary's own sha256: a cached binary is re-hashed before every use, so
    // one swapped in the tool cache after the verified install is never run.
    const recorded = /^binary sha256:([a-f0-9]{64})$/m.exec(await readFile(marker, 'utf8'))?.[1];
    const current = (await exists(binary)) ? await sha256File(binary) : undefined;
    if (recorded && current === recorded) {
      options.logger.info(
        `Using cached Trivy ${options.version} (${binary}, sha256 ${current.slice(0, 12)}… re-checked)`,
      );
      return binary;
    }
    options.logger.warning(
      `The cached Trivy ${options.version} at ${binary} ${recorded ? 'does not match the sha256 recorded when it was installed' : 'has no recorded sha256'}: installing it again.`,
    );
    await rm(marker, { force: true });
  }
  const asset = releaseAsset(options.version, platform, arch);
  const base = `${options.baseUrl.replace(/\/+$/, '')}/v${options.version}`;
  options.logger.info(`Installing Trivy ${options.version} from ${base}/${asset}`);
  const tarball = await download(fetchFn, `${base}/${asset}`);
  let expected = options.sha256?.toLowerCase();
  let source = 'the pinned trivy-sha256';
  if (!expected && PINNED_SHA256[options.version]?.[asset]) {
    expected = PINNED_SHA256[options.version]![asset]!;
    source = `the sha256 phlo-deploy pins for Trivy ${options.version}`;
  }
  if (!expected) {
    const checksums = (await download(fetchFn, `${base}/trivy_${options.version}_checksums.txt`)).toString('utf8');
    expected = checksumFor(checksums, asset);
    source = `trivy_${options.version}_checksums.txt`;
    if (!expected) throw new TrivyInstallError(`trivy_${options.version}_checksums.txt lists no checksum for ${asset}`);
  }
  const actual = createHash('sha256').update(tarball).digest('hex');
  if (actual !== expected) {
    throw new TrivyInstallError(
      `checksum mismatch for ${asset}: expected ${expected} (${source}), got ${actual}; not installed`,
    );
  }
  const work = await mkdtemp(join(options.toolCache, 'phlo-trivy-download-'));
  try {
    const file = join(work, asset);
    await writeFile(file, tarball);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const r = await options.exec('tar', ['-xzf', file, '-C', dir, 'trivy']);
    if (r.exitCode !== 0)
      throw new TrivyInstallError(`could not unpack ${asset}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    await chmod(binary, 0o755);
    await writeFile(marker, `${asset} sha256:${actual}\nbinary sha256:${await sha256File(binary)}\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  options.logger.info(`Trivy ${options.version} installed (sha256 ${actual.slice(0, 12)}… verified against ${source})`);
  return binary;
}

async function download(fetchFn: typeof globalThis.fetch, url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetchFn(url, { redirect: 'follow' });
  } catch (error) {
    throw new TrivyInstallError(`could not download ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new TrivyInstallError(`could not download ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
