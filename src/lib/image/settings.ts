/** build-scan's inputs, parsed once into a typed settings object (every problem reported at once). */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigurationError, ConfigurationErrors, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import semver from 'semver';
import { DEFAULT_DOWNLOAD_URL, DEFAULT_TRIVY_VERSION } from '../scan/install.js';
import { DEFAULT_FAIL_ON, parseSeverities, type ScanPolicy } from '../scan/policy.js';
import { validateLabels } from './labels.js';
import { isValidName, isValidTag, splitRef, validateName } from './reference.js';
import { TAG_RULES, type TagRule, parseTagRules } from './tags.js';

export interface ScanSettings {
  /** A trivy binary to use; when absent the pinned release is installed into the tool cache. */
  trivyPath?: string;
  trivyVersion: string;
  trivyDownloadUrl: string;
  trivySha256?: string;
  toolCache: string;
  dbRepository?: string;
  dbUsername?: string;
  dbPassword?: string;
  cacheDir: string;
  insecure: boolean;
  timeout: string;
  /** Ignore file path (parsed later, before the build). */
  ignoreFile?: string;
  failOn: ScanPolicy['failOn'];
  fixableOnly: boolean;
  skipOnDbError: boolean;
  reportDir: string;
}

export interface BuildScanSettings {
  image: string;
  /** Explicit tags (bare) and explicit full references (another name). */
  tags: string[];
  extraRefs: string[];
  tagRules: TagRule[];
  defaultBranch?: string;
  context: string;
  dockerfile?: string;
  buildArgs: Map<string, string>;
  target?: string;
  labels: Map<string, string>;
  ociLabels: boolean;
  pull: boolean;
  noCache: boolean;
  /** undefined: scan off. */
  scan?: ScanSettings;
}

export function parseBuildScanSettings(inputs: Inputs, env: NodeJS.ProcessEnv = process.env): BuildScanSettings {
  const { problems, attempt } = collectProblems();

  const image = attempt(() => {
    const value = inputs.required('image', 'an image name such as phlo/dagster');
    if (splitRef(value).tag !== undefined && !value.includes('@')) {
      throw ConfigurationError.forInput('image', value, "an image name without a tag (put tags in 'tags')");
    }
    return validateName('image', value);
  });

  const tags: string[] = [];
  const extraRefs: string[] = [];
  for (const item of attempt(() => inputs.list('tags')) ?? []) {
    // A bare tag, or a whole name:tag reference to add as it is.
    const { name, tag } = splitRef(item);
    if (tag === undefined ? isValidTag(item) : isValidName(name) && isValidTag(tag)) {
      (tag === undefined ? tags : extraRefs).push(item);
    } else {
      problems.push(
        ConfigurationError.forInput(
          'tags',
          item,
          'docker tags (letters, digits, _ . -, at most 128, not starting with . or -) or name:tag references',
        ).message,
      );
    }
  }

  const tagRules = attempt(() => parseTagRules('tag-rules', inputs.list('tag-rules', TAG_RULES))) ?? [];
  const defaultBranch = inputs.optional('default-branch');
  const buildArgs = attempt(() => inputs.map('build-args')) ?? new Map<string, string>();
  const labels =
    attempt(() => validateLabels(inputs.name('labels'), inputs.map('labels'))) ?? new Map<string, string>();
  const ociLabels = attempt(() => inputs.boolean('oci-labels', true)) ?? true;
  const pull = attempt(() => inputs.boolean('pull', false)) ?? false;
  const noCache = attempt(() => inputs.boolean('no-cache', false)) ?? false;
  const scanOn = attempt(() => inputs.boolean('scan', true)) ?? true;

  let scan: ScanSettings | undefined;
  const failOn = attempt(() => parseSeverities('severity', inputs.list('severity', DEFAULT_FAIL_ON))) ?? [
    ...DEFAULT_FAIL_ON,
  ];
  const fixableOnly = attempt(() => inputs.boolean('fixable-only', false)) ?? false;
  const skipOnDbError = attempt(() => inputs.boolean('skip-scan-on-db-error', false)) ?? false;
  const insecure = attempt(() => inputs.boolean('trivy-insecure', false)) ?? false;
  const timeout = inputs.string('trivy-timeout', '10m');
  if (!/^\d+(ms|s|m|h)(\d+(ms|s|m|h))*$/.test(timeout)) {
    problems.push(ConfigurationError.forInput('trivy-timeout', timeout, 'a duration such as 5m or 90s').message);
  }
  const dbRepository = inputs.optional('trivy-db-repository');
  if (dbRepository && !isValidName(splitRef(dbRepository).name)) {
    problems.push(
      ConfigurationError.forInput(
        'trivy-db-repository',
        dbRepository,
        'an OCI repository such as ghcr.io/aquasecurity/trivy-db:2',
      ).message,
    );
  }
  const tmp = env.RUNNER_TEMP || tmpdir();
  const trivyVersion = inputs.string('trivy-version', DEFAULT_TRIVY_VERSION).replace(/^v/, '');
  if (!semver.valid(trivyVersion)) {
    problems.push(
      ConfigurationError.forInput('trivy-version', trivyVersion, 'a Trivy release version such as 0.74.0').message,
    );
  }
  const trivySha256 = inputs.optional('trivy-sha256');
  if (trivySha256 && !/^[0-9a-fA-F]{64}$/.test(trivySha256)) {
    problems.push(
      ConfigurationError.forInput('trivy-sha256', trivySha256, 'the 64 hex digit sha256 of the release tarball')
        .message,
    );
  }
  const downloadUrl = attempt(() => inputs.url('trivy-download-url'));
  if (scanOn) {
    scan = {
      trivyVersion,
      trivyDownloadUrl: downloadUrl?.toString() ?? DEFAULT_DOWNLOAD_URL,
      toolCache: env.RUNNER_TOOL_CACHE || join(tmp, 'tool-cache'),
      cacheDir: resolve(inputs.string('trivy-cache-dir', join(env.RUNNER_TOOL_CACHE || tmp, 'phlo-trivy-cache'))),
      insecure,
      timeout,
      failOn,
      fixableOnly,
      skipOnDbError,
      reportDir: resolve(inputs.string('report-dir', join(tmp, 'phlo-build-scan'))),
    };
    if (dbRepository) scan.dbRepository = dbRepository;
    const trivyPath = inputs.optional('trivy-path');
    if (trivyPath) scan.trivyPath = trivyPath;
    if (trivySha256) scan.trivySha256 = trivySha256.toLowerCase();
    const user = inputs.optional('trivy-db-username');
    const password = inputs.optional('trivy-db-password');
    if (user) scan.dbUsername = user;
    if (password) scan.dbPassword = password;
    if (Boolean(user) !== Boolean(password)) {
      problems.push("Inputs 'trivy-db-username' and 'trivy-db-password' go together: set both or neither.");
    }
    const ignoreFile = inputs.optional('ignore-file');
    if (ignoreFile) scan.ignoreFile = resolve(ignoreFile);
  }

  if (problems.length > 0 || image === undefined) throw new ConfigurationErrors(problems);
  const settings: BuildScanSettings = {
    image,
    tags,
    extraRefs,
    tagRules,
    context: inputs.string('context', '.'),
    buildArgs,
    labels,
    ociLabels,
    pull,
    noCache,
  };
  if (defaultBranch) settings.defaultBranch = defaultBranch;
  const dockerfile = inputs.optional('dockerfile');
  if (dockerfile) settings.dockerfile = dockerfile;
  const target = inputs.optional('target');
  if (target) settings.target = target;
  if (scan) settings.scan = scan;
  return settings;
}
