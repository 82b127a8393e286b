export const id = 922;
export const ids = [922];
export const modules = {

/***/ 4922:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
;// CONCATENATED MODULE: ./src/lib/image/build.ts
/**
 * `docker build` with an argument array: buildx when the CLI has it (`docker buildx version`
 * works), else the classic builder (DOCKER_BUILDKIT=0, which needs no buildx component).
 * The engine is whatever DOCKER_HOST in the given environment says.
 */




const BUILD_ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TARGET = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
class DockerBuildError extends Error {
    name = 'DockerBuildError';
}
/** Resolves paths and checks the context, Dockerfile, build args and target (before anything runs). */
async function checkBuildInputs(raw, cwd, names = { context: 'context', dockerfile: 'dockerfile', buildArgs: 'build-args', target: 'target' }) {
    const problems = [];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.context) || raw.context.startsWith('git@')) {
        problems.push(`Input '${names.context}' is '${raw.context}': expected a local directory (remote contexts are not supported).`);
    }
    const context = (0,external_node_path_.isAbsolute)(raw.context) ? raw.context : (0,external_node_path_.resolve)(cwd, raw.context);
    const dockerfile = raw.dockerfile
        ? (0,external_node_path_.isAbsolute)(raw.dockerfile)
            ? raw.dockerfile
            : (0,external_node_path_.resolve)(cwd, raw.dockerfile)
        : (0,external_node_path_.join)(context, 'Dockerfile');
    if (problems.length === 0 && !(await isDir(context))) {
        problems.push(`Input '${names.context}' is '${raw.context}': expected an existing directory (looked for ${context}).`);
    }
    if (!(await isFile(dockerfile))) {
        problems.push(`Input '${names.dockerfile}' is '${raw.dockerfile ?? ''}': expected an existing Dockerfile (${dockerfile} does not exist).`);
    }
    for (const key of raw.buildArgs.keys()) {
        if (!BUILD_ARG_KEY.test(key)) {
            problems.push(`Input '${names.buildArgs}' has key '${key}': expected NAME=value lines, NAME made of letters, digits and _.`);
        }
    }
    if (raw.target !== undefined && !TARGET.test(raw.target)) {
        problems.push(`Input '${names.target}' is '${raw.target}': expected a build stage name (letters, digits, _ . -).`);
    }
    if (problems.length > 0)
        throw problems.length === 1 ? new errors/* ConfigurationError */.j1(problems[0]) : new errors/* ConfigurationErrors */.yb(problems);
    return { context, dockerfile };
}
async function detectBuilder(exec, env) {
    try {
        const r = await exec('docker', ['buildx', 'version'], { env });
        return r.exitCode === 0 ? 'buildx' : 'classic';
    }
    catch {
        return 'classic';
    }
}
/** The docker command line (after `docker`), in order, for a builder. */
function buildCommand(spec, builder, iidfile) {
    const args = builder === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
    args.push('--file', spec.dockerfile, '--iidfile', iidfile);
    for (const ref of spec.refs)
        args.push('--tag', ref);
    for (const [k, v] of spec.labels)
        args.push('--label', `${k}=${v}`);
    for (const [k, v] of spec.buildArgs)
        args.push('--build-arg', `${k}=${v}`);
    if (spec.target)
        args.push('--target', spec.target);
    if (spec.pull)
        args.push('--pull');
    if (spec.noCache)
        args.push('--no-cache');
    args.push(spec.context);
    return args;
}
/** For logs: build-arg values hidden (they may carry tokens). */
function describeCommand(args) {
    const shown = args.map((a, i) => (args[i - 1] === '--build-arg' ? `${a.split('=', 1)[0]}=***` : a));
    return `docker ${shown.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
}
async function buildImage(exec, spec, logger, env = process.env) {
    const builder = await detectBuilder(exec, env);
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'phlo-build-'));
    try {
        const iidfile = (0,external_node_path_.join)(dir, 'iid');
        const args = buildCommand(spec, builder, iidfile);
        const runEnv = { ...env, DOCKER_BUILDKIT: builder === 'buildx' ? '1' : '0' };
        logger.info(`Building with the ${builder} builder: ${describeCommand(args)}`);
        const r = await exec('docker', args, { env: runEnv, onLine: (line) => logger.info(line) });
        if (r.exitCode !== 0)
            throw new DockerBuildError(`docker build failed (exit ${r.exitCode}): ${lastLines(r)}`);
        const imageId = (await (0,promises_.readFile)(iidfile, 'utf8')).trim();
        if (!/^sha256:[0-9a-f]{64}$/.test(imageId))
            throw new DockerBuildError(`docker build wrote an unexpected image id '${imageId}'`);
        return { imageId, builder };
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
/** `docker save` an image to a tar file (what Trivy scans with --input). */
async function saveImage(exec, image, tarPath, env = process.env) {
    const r = await exec('docker', ['save', '--output', tarPath, image], { env });
    if (r.exitCode !== 0)
        throw new DockerBuildError(`docker save ${image} failed (exit ${r.exitCode}): ${lastLines(r)}`);
}
/** The labels docker recorded on an image (to check what was built). */
async function inspectLabels(exec, image, env = process.env) {
    const r = await exec('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', image], { env });
    if (r.exitCode !== 0)
        throw new DockerBuildError(`docker image inspect ${image} failed: ${lastLines(r)}`);
    return JSON.parse(r.stdout.trim() || 'null') ?? {};
}
function lastLines(r) {
    return (r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ').slice(0, 800) || 'no output';
}
async function isDir(path) {
    try {
        return (await (0,promises_.stat)(path)).isDirectory();
    }
    catch {
        return false;
    }
}
async function isFile(path) {
    try {
        return (await (0,promises_.stat)(path)).isFile();
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/lib/image/git.ts
/**
 * Git facts for tags and labels: from GitHub's environment (GITHUB_SHA, GITHUB_REF, GITHUB_REF_NAME,
 * the event payload's repository.default_branch), falling back to `git` in the working directory.
 */

async function gitFacts(options) {
    const env = options.env ?? process.env;
    const git = async (...args) => {
        try {
            const r = await options.exec('git', ['-C', options.cwd, ...args], { env });
            return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
        }
        catch {
            return undefined; // git not installed: GitHub env only
        }
    };
    const sha = env.GITHUB_SHA || (await git('rev-parse', 'HEAD')) || '';
    let ref = env.GITHUB_REF || '';
    if (!ref) {
        const branch = await git('symbolic-ref', '-q', 'HEAD');
        if (branch)
            ref = branch;
        else {
            const tags = (await git('tag', '--points-at', 'HEAD'))?.split('\n').filter(Boolean) ?? [];
            if (tags.length > 0)
                ref = `refs/tags/${tags.sort().at(-1)}`;
        }
    }
    const facts = { sha, ref };
    const fromEvent = await eventDefaultBranch(env.GITHUB_EVENT_PATH);
    const fromOrigin = options.defaultBranch || fromEvent ? undefined : await originHead(git);
    const defaultBranch = options.defaultBranch || fromEvent || fromOrigin;
    if (defaultBranch)
        facts.defaultBranch = defaultBranch;
    const url = repositoryUrl(env) ?? sanitizeRemote(await git('config', '--get', 'remote.origin.url'));
    if (url)
        facts.repositoryUrl = url;
    return facts;
}
async function eventDefaultBranch(path) {
    if (!path)
        return undefined;
    try {
        const event = JSON.parse(await (0,promises_.readFile)(path, 'utf8'));
        const b = event.repository?.default_branch;
        return typeof b === 'string' && b ? b : undefined;
    }
    catch {
        return undefined;
    }
}
async function originHead(git) {
    const head = await git('symbolic-ref', '-q', 'refs/remotes/origin/HEAD');
    return head?.replace(/^refs\/remotes\/origin\//, '');
}
function repositoryUrl(env) {
    if (!env.GITHUB_REPOSITORY)
        return undefined;
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    return `${server}/${env.GITHUB_REPOSITORY}`;
}
/** A remote URL made safe for a label: https form, never with credentials. */
function sanitizeRemote(remote) {
    if (!remote)
        return undefined;
    const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
    if (scp)
        return `https://${scp[1]}/${scp[2]}`;
    try {
        const u = new URL(remote);
        if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'ssh:')
            return undefined;
        u.username = '';
        u.password = '';
        u.search = '';
        u.hash = '';
        const path = u.pathname.replace(/\.git$/, '');
        return `https://${u.hostname}${path}`;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/lib/image/labels.ts
/** OCI image labels (org.opencontainers.image.*) set by default; explicit labels win. */

const OCI = {
    source: 'org.opencontainers.image.source',
    revision: 'org.opencontainers.image.revision',
    created: 'org.opencontainers.image.created',
    version: 'org.opencontainers.image.version',
};
const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
function defaultLabels(facts, created, version) {
    const labels = new Map();
    if (facts.repositoryUrl)
        labels.set(OCI.source, facts.repositoryUrl);
    if (facts.sha)
        labels.set(OCI.revision, facts.sha);
    labels.set(OCI.created, created.toISOString());
    if (version)
        labels.set(OCI.version, version);
    return labels;
}
/** Validates the `labels` input's keys and values (no newlines: one label per line). */
function validateLabels(input, labels) {
    for (const [key, value] of labels) {
        if (!LABEL_KEY.test(key) || key.length > 255) {
            throw errors/* ConfigurationError */.j1.forInput(input, `${key}=${value}`, 'key=value lines whose keys are like org.example.team (letters, digits, . _ - /)');
        }
        if (/[\r\n\0]/.test(value))
            throw errors/* ConfigurationError */.j1.forInput(input, `${key}=${value}`, 'single-line label values');
    }
    return labels;
}
function mergeLabels(defaults, explicit) {
    const out = new Map(defaults);
    for (const [k, v] of explicit)
        out.set(k, v);
    return out;
}

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/lib/scan/install.ts
/**
 * Installs a pinned Trivy release into a tool cache (the GitHub-runner path; the local stack uses a
 * binary built from Trivy's Go module instead). The tarball is verified before it is unpacked:
 * against an explicit sha256 when one is given (the strong pin), else against the release's own
 * checksums file. A cached install (marked complete) is reused without a download.
 */



const DEFAULT_TRIVY_VERSION = '0.74.0';
const DEFAULT_DOWNLOAD_URL = 'https://github.com/aquasecurity/trivy/releases/download';
class TrivyInstallError extends Error {
    name = 'TrivyInstallError';
}
/** `trivy_0.74.0_Linux-64bit.tar.gz`, as Trivy's releases name them. */
function releaseAsset(version, platform, arch) {
    const os = platform === 'linux' ? 'Linux' : platform === 'darwin' ? 'macOS' : undefined;
    const cpu = arch === 'x64' ? '64bit' : arch === 'arm64' ? 'ARM64' : undefined;
    if (!os || !cpu)
        throw new TrivyInstallError(`no Trivy release for ${platform}/${arch}: set trivy-path to a trivy binary`);
    return `trivy_${version}_${os}-${cpu}.tar.gz`;
}
/** The sha256 listed for an asset in a `<sha256>  <file>` checksums file. */
function checksumFor(checksums, asset) {
    for (const line of checksums.split('\n')) {
        const m = /^([0-9a-f]{64})\s+\*?(\S+)\s*$/i.exec(line.trim());
        if (m && m[2] === asset)
            return m[1].toLowerCase();
    }
    return undefined;
}
async function installTrivy(options) {
    const platform = options.platform ?? process.platform;
    const arch = options.arch ?? process.arch;
    const fetchFn = options.fetch ?? globalThis.fetch;
    const dir = (0,external_node_path_.join)(options.toolCache, 'phlo-trivy', options.version, arch);
    const binary = (0,external_node_path_.join)(dir, 'trivy');
    if (await exists((0,external_node_path_.join)(dir, '.complete'))) {
        options.logger.info(`Using cached Trivy ${options.version} (${binary})`);
        return binary;
    }
    const asset = releaseAsset(options.version, platform, arch);
    const base = `${options.baseUrl.replace(/\/+$/, '')}/v${options.version}`;
    options.logger.info(`Installing Trivy ${options.version} from ${base}/${asset}`);
    const tarball = await download(fetchFn, `${base}/${asset}`);
    let expected = options.sha256?.toLowerCase();
    let source = 'the pinned trivy-sha256';
    if (!expected) {
        const checksums = (await download(fetchFn, `${base}/trivy_${options.version}_checksums.txt`)).toString('utf8');
        expected = checksumFor(checksums, asset);
        source = `trivy_${options.version}_checksums.txt`;
        if (!expected)
            throw new TrivyInstallError(`trivy_${options.version}_checksums.txt lists no checksum for ${asset}`);
    }
    const actual = (0,external_node_crypto_.createHash)('sha256').update(tarball).digest('hex');
    if (actual !== expected) {
        throw new TrivyInstallError(`checksum mismatch for ${asset}: expected ${expected} (${source}), got ${actual}; not installed`);
    }
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(options.toolCache, 'phlo-trivy-download-'));
    try {
        const file = (0,external_node_path_.join)(work, asset);
        await (0,promises_.writeFile)(file, tarball);
        await (0,promises_.rm)(dir, { recursive: true, force: true });
        await (0,promises_.mkdir)(dir, { recursive: true });
        const r = await options.exec('tar', ['-xzf', file, '-C', dir, 'trivy']);
        if (r.exitCode !== 0)
            throw new TrivyInstallError(`could not unpack ${asset}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
        await (0,promises_.chmod)(binary, 0o755);
        await (0,promises_.writeFile)((0,external_node_path_.join)(dir, '.complete'), `${asset} sha256:${actual}\n`);
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
    options.logger.info(`Trivy ${options.version} installed (sha256 ${actual.slice(0, 12)}… verified against ${source})`);
    return binary;
}
async function download(fetchFn, url) {
    let response;
    try {
        response = await fetchFn(url, { redirect: 'follow' });
    }
    catch (error) {
        throw new TrivyInstallError(`could not download ${url}: ${error.message}`, { cause: error });
    }
    if (!response.ok)
        throw new TrivyInstallError(`could not download ${url}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
}
async function exists(path) {
    try {
        await (0,promises_.access)(path);
        return true;
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: ./src/lib/scan/policy.ts
var scan_policy = __webpack_require__(3603);
;// CONCATENATED MODULE: ./src/lib/image/reference.ts
/**
 * Docker reference grammar (distribution/reference), strict: anything else is rejected before a
 * command line is ever built, so `$(touch /tmp/x)` never reaches docker.
 */

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const NAME_RE = new RegExp(`^${NAME}$`);
const MAX_NAME = 255;
function isValidTag(tag) {
    return TAG_PATTERN.test(tag);
}
/** A repository name (`phlo/dagster`, `127.0.0.1:15000/phlo/dagster`, `123.dkr.ecr…/x`). */
function isValidName(name) {
    return name.length <= MAX_NAME && NAME_RE.test(name);
}
function formatRef(ref) {
    return `${ref.name}:${ref.tag}`;
}
/** Splits `name:tag` (a `:` after the last `/` is the tag separator, not a port). */
function splitRef(ref) {
    const slash = ref.lastIndexOf('/');
    const colon = ref.lastIndexOf(':');
    if (colon > slash)
        return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
    return { name: ref };
}
/** Validates an image name input. */
function validateName(input, value) {
    if (!isValidName(value)) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'an image name such as phlo/dagster or registry.example.com:5000/phlo/dagster (lower-case letters, digits, separators . _ - and /; no tag)');
    }
    return value;
}
/** Validates a tag input value (a bare tag, or `name:tag`, which must use the image name). */
function validateTag(input, value) {
    if (!isValidTag(value)) {
        throw ConfigurationError.forInput(input, value, 'a docker tag: letters, digits, _ . and -, starting with a letter, digit or _, at most 128 characters');
    }
    return value;
}

;// CONCATENATED MODULE: ./src/lib/image/tags.ts
/**
 * Tags: the explicit ones plus rules derived from git —
 *   sha     `sha-<7 hex>` always (when the sha is known)
 *   branch  the branch name as a tag-safe slug, on branch refs
 *   semver  on a `v1.2.3` / `1.2.3` tag: `1.2.3`, `1.2`, `1` (only `1.2.3-rc.1` for pre-releases;
 *           no bare `0` for 0.x versions)
 *   pr      `pr-<n>` on pull-request refs
 *   latest  only when the ref is the default branch
 */



const TAG_RULES = ['sha', 'branch', 'semver', 'pr', 'latest'];
function parseTagRules(input, values) {
    const out = [];
    for (const raw of values) {
        const v = raw.trim().toLowerCase();
        if (v === 'none')
            continue;
        if (!TAG_RULES.includes(v)) {
            throw errors/* ConfigurationError */.j1.forInput(input, raw, `tag rules from ${TAG_RULES.join(', ')} (or none)`);
        }
        if (!out.includes(v))
            out.push(v);
    }
    return out;
}
/** A branch (or any name) as a docker tag: lower-case, [a-z0-9._-], no leading . or -, ≤128. */
function slugify(name) {
    const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^[.-]+/, '')
        .slice(0, 128)
        .replace(/[.-]+$/, '');
    return slug;
}
function shortSha(sha) {
    return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : undefined;
}
function branchOf(ref) {
    return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}
function tagOf(ref) {
    return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}
function pullOf(ref) {
    return /^refs\/pull\/(\d+)\//.exec(ref)?.[1];
}
function deriveTags(facts, rules) {
    const tags = [];
    const add = (t) => {
        if (t && isValidTag(t) && !tags.includes(t))
            tags.push(t);
    };
    const sha = shortSha(facts.sha);
    const branch = branchOf(facts.ref);
    const gitTag = tagOf(facts.ref);
    const version = gitTag ? semver_default().parse(semver_default().clean(gitTag, { loose: false }) ?? '') : null;
    const want = new Set(rules);
    if (want.has('semver') && version) {
        add(version.version);
        if (version.prerelease.length === 0) {
            add(`${version.major}.${version.minor}`);
            if (version.major > 0)
                add(String(version.major));
        }
    }
    if (want.has('branch') && branch)
        add(slugify(branch));
    if (want.has('pr')) {
        const pr = pullOf(facts.ref);
        if (pr)
            add(`pr-${pr}`);
    }
    if (want.has('sha') && sha)
        add(`sha-${sha}`);
    if (want.has('latest') && branch && facts.defaultBranch && branch === facts.defaultBranch)
        add('latest');
    const derivedVersion = version?.version ?? (branch ? slugify(branch) || undefined : undefined) ?? sha;
    return derivedVersion ? { tags, version: derivedVersion } : { tags };
}

;// CONCATENATED MODULE: ./src/lib/image/settings.ts
/** build-scan's inputs, parsed once into a typed settings object (every problem reported at once). */









function parseBuildScanSettings(inputs, env = process.env) {
    const problems = [];
    const attempt = (fn) => {
        try {
            return fn();
        }
        catch (error) {
            if (error instanceof errors/* ConfigurationErrors */.yb)
                problems.push(...error.problems);
            else if (error instanceof errors/* ConfigurationError */.j1)
                problems.push(error.message);
            else
                throw error;
            return undefined;
        }
    };
    const image = attempt(() => {
        const value = inputs.required('image', 'an image name such as phlo/dagster');
        if (splitRef(value).tag !== undefined && !value.includes('@')) {
            throw errors/* ConfigurationError */.j1.forInput('image', value, "an image name without a tag (put tags in 'tags')");
        }
        return validateName('image', value);
    });
    const tags = [];
    const extraRefs = [];
    for (const item of attempt(() => inputs.list('tags')) ?? []) {
        const { name, tag } = splitRef(item);
        if (tag === undefined) {
            if (isValidTag(item))
                tags.push(item);
            else
                problems.push(errors/* ConfigurationError */.j1.forInput('tags', item, 'docker tags (letters, digits, _ . -, at most 128, not starting with . or -) or name:tag references').message);
        }
        else if (isValidName(name) && isValidTag(tag)) {
            extraRefs.push(item);
        }
        else {
            problems.push(errors/* ConfigurationError */.j1.forInput('tags', item, 'docker tags (letters, digits, _ . -, at most 128, not starting with . or -) or name:tag references').message);
        }
    }
    const tagRules = attempt(() => parseTagRules('tag-rules', inputs.list('tag-rules', TAG_RULES))) ?? [];
    const defaultBranch = inputs.optional('default-branch');
    const buildArgs = attempt(() => inputs.map('build-args')) ?? new Map();
    const labels = attempt(() => validateLabels('labels', inputs.map('labels'))) ?? new Map();
    const ociLabels = attempt(() => inputs.boolean('oci-labels', true)) ?? true;
    const pull = attempt(() => inputs.boolean('pull', false)) ?? false;
    const noCache = attempt(() => inputs.boolean('no-cache', false)) ?? false;
    const scanOn = attempt(() => inputs.boolean('scan', true)) ?? true;
    let scan;
    const failOn = attempt(() => (0,scan_policy/* parseSeverities */.fE)('severity', inputs.list('severity', scan_policy/* DEFAULT_FAIL_ON */.VQ))) ?? [
        ...scan_policy/* DEFAULT_FAIL_ON */.VQ,
    ];
    const fixableOnly = attempt(() => inputs.boolean('fixable-only', false)) ?? false;
    const skipOnDbError = attempt(() => inputs.boolean('skip-scan-on-db-error', false)) ?? false;
    const insecure = attempt(() => inputs.boolean('trivy-insecure', false)) ?? false;
    const timeout = inputs.string('trivy-timeout', '10m');
    if (!/^\d+(ms|s|m|h)(\d+(ms|s|m|h))*$/.test(timeout)) {
        problems.push(errors/* ConfigurationError */.j1.forInput('trivy-timeout', timeout, 'a duration such as 5m or 90s').message);
    }
    const dbRepository = inputs.optional('trivy-db-repository');
    if (dbRepository && !isValidName(splitRef(dbRepository).name)) {
        problems.push(errors/* ConfigurationError */.j1.forInput('trivy-db-repository', dbRepository, 'an OCI repository such as ghcr.io/aquasecurity/trivy-db:2').message);
    }
    const tmp = env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
    const trivyVersion = inputs.string('trivy-version', DEFAULT_TRIVY_VERSION).replace(/^v/, '');
    if (!semver_default().valid(trivyVersion)) {
        problems.push(errors/* ConfigurationError */.j1.forInput('trivy-version', trivyVersion, 'a Trivy release version such as 0.74.0').message);
    }
    const trivySha256 = inputs.optional('trivy-sha256');
    if (trivySha256 && !/^[0-9a-fA-F]{64}$/.test(trivySha256)) {
        problems.push(errors/* ConfigurationError */.j1.forInput('trivy-sha256', trivySha256, 'the 64 hex digit sha256 of the release tarball')
            .message);
    }
    const downloadUrl = attempt(() => inputs.url('trivy-download-url'));
    if (scanOn) {
        scan = {
            trivyVersion,
            trivyDownloadUrl: downloadUrl?.toString() ?? DEFAULT_DOWNLOAD_URL,
            toolCache: env.RUNNER_TOOL_CACHE || (0,external_node_path_.join)(tmp, 'tool-cache'),
            cacheDir: (0,external_node_path_.resolve)(inputs.string('trivy-cache-dir', (0,external_node_path_.join)(env.RUNNER_TOOL_CACHE || tmp, 'phlo-trivy-cache'))),
            insecure,
            timeout,
            failOn,
            fixableOnly,
            skipOnDbError,
            reportDir: (0,external_node_path_.resolve)(inputs.string('report-dir', (0,external_node_path_.join)(tmp, 'phlo-build-scan'))),
        };
        if (dbRepository)
            scan.dbRepository = dbRepository;
        const trivyPath = inputs.optional('trivy-path');
        if (trivyPath)
            scan.trivyPath = trivyPath;
        if (trivySha256)
            scan.trivySha256 = trivySha256.toLowerCase();
        const user = inputs.optional('trivy-db-username');
        const password = inputs.optional('trivy-db-password');
        if (user)
            scan.dbUsername = user;
        if (password)
            scan.dbPassword = password;
        if (Boolean(user) !== Boolean(password)) {
            problems.push("Inputs 'trivy-db-username' and 'trivy-db-password' go together: set both or neither.");
        }
        const ignoreFile = inputs.optional('ignore-file');
        if (ignoreFile)
            scan.ignoreFile = (0,external_node_path_.resolve)(ignoreFile);
    }
    if (problems.length > 0 || image === undefined)
        throw new errors/* ConfigurationErrors */.yb(problems);
    const settings = {
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
    if (defaultBranch)
        settings.defaultBranch = defaultBranch;
    const dockerfile = inputs.optional('dockerfile');
    if (dockerfile)
        settings.dockerfile = dockerfile;
    const target = inputs.optional('target');
    if (target)
        settings.target = target;
    if (scan)
        settings.scan = scan;
    return settings;
}

// EXTERNAL MODULE: ./src/lib/registry/exec.ts
var registry_exec = __webpack_require__(4030);
// EXTERNAL MODULE: ./src/lib/runtime/clock.ts
var runtime_clock = __webpack_require__(8794);
// EXTERNAL MODULE: ./src/lib/scan/findings.ts
var findings = __webpack_require__(259);
// EXTERNAL MODULE: ./src/lib/scan/ignore.ts
var ignore = __webpack_require__(4235);
;// CONCATENATED MODULE: ./src/lib/scan/summary.ts
/** The scan's job summary: a pure function from the gate's result to Markdown. */

function scanSummaryMarkdown(input) {
    const { result, policy } = input;
    const top = input.top ?? 10;
    const lines = [];
    const verdict = result.passed ? '✅ passed' : '❌ failed';
    lines.push(`### Vulnerability scan: ${verdict}`);
    lines.push('');
    lines.push(`Image \`${escapeCode(input.subject)}\` · gate on ${policy.failOn.join(', ')}${policy.fixableOnly ? ' (fixable only)' : ''}` +
        (input.scanner ? ` · ${escapeCell(input.scanner)}` : ''));
    lines.push('');
    const sev = [...findings/* SEVERITIES */.oC].reverse();
    lines.push(`| ${sev.join(' | ')} | Blocking | Ignored |`);
    lines.push(`|${' ---: |'.repeat(sev.length + 2)}`);
    lines.push(`| ${sev.map((s) => result.counts[s]).join(' | ')} | ${result.blocking.length} | ${result.ignored.length} |`);
    lines.push('');
    if (result.expiredIgnores.length > 0) {
        lines.push('**Expired ignore entries** (renew with a new date and reason, or fix):');
        lines.push('');
        for (const { entry, findings } of result.expiredIgnores) {
            lines.push(`- \`${escapeCode(entry.id)}\`${entry.package ? ` on \`${escapeCode(entry.package)}\`` : ''} expired ${entry.expires} (${findings.length} finding(s)); reason was: ${escapeCell(entry.reason)}`);
        }
        lines.push('');
    }
    const shown = result.blocking.slice(0, top);
    if (shown.length > 0) {
        lines.push(`**Blocking findings** (${shown.length} of ${result.blocking.length}):`);
        lines.push('');
        lines.push(table(shown));
        lines.push('');
    }
    else if (result.passed) {
        lines.push('No finding at a blocking severity.');
        lines.push('');
        const accepted = new Set(result.ignored.map((i) => i.finding));
        const rest = (0,findings/* sortFindings */.Tc)((input.findings ?? []).filter((f) => !accepted.has(f)));
        if (rest.length > 0) {
            lines.push(`Top findings below the gate (${Math.min(top, rest.length)} of ${rest.length}):`);
            lines.push('');
            lines.push(table(rest.slice(0, top)));
            lines.push('');
        }
    }
    if (result.ignored.length > 0) {
        lines.push(`<details><summary>Ignored findings (${result.ignored.length})</summary>`);
        lines.push('');
        lines.push('| Id | Package | Reason | Expires |');
        lines.push('| --- | --- | --- | --- |');
        for (const { finding, entry } of result.ignored.slice(0, 50)) {
            lines.push(`| ${escapeCell(finding.id)} | ${escapeCell(finding.package)} | ${escapeCell(entry.reason)} | ${entry.expires} |`);
        }
        lines.push('');
        lines.push('</details>');
        lines.push('');
    }
    if (result.unusedIgnores.length > 0) {
        lines.push(`Unused ignore entries (safe to remove): ${result.unusedIgnores.map((e) => `\`${escapeCode(e.id)}\``).join(', ')}`);
        lines.push('');
    }
    if (input.files && Object.keys(input.files).length > 0) {
        lines.push(`Files: ${Object.entries(input.files)
            .map(([k, v]) => `${k} \`${escapeCode(v)}\``)
            .join(' · ')}`);
        lines.push('');
    }
    return lines.join('\n').trimEnd() + '\n';
}
function table(findings) {
    const rows = ['| Severity | Id | Package | Installed | Fixed in | Title |', '| --- | --- | --- | --- | --- | --- |'];
    for (const f of findings) {
        const id = f.url ? `[${escapeCell(f.id)}](${encodeURI(f.url)})` : escapeCell(f.id);
        rows.push(`| ${f.severity} | ${id} | ${escapeCell(f.package)} | ${escapeCell(f.installedVersion)} | ${f.fixedVersion ? escapeCell(f.fixedVersion) : '—'} | ${escapeCell(truncate(f.title ?? '', 80))} |`);
    }
    return rows.join('\n');
}
function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
/** Table cells: no pipes, no newlines, no HTML. */
function escapeCell(text) {
    return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeCode(text) {
    return text.replace(/`/g, "'").replace(/\r?\n/g, ' ');
}

;// CONCATENATED MODULE: ./src/lib/scan/trivy-report.ts
/**
 * Trivy's JSON report (schema version 2) → the shared Finding schema.
 * Only the fields used here are typed; the report file itself is kept whole.
 */

/** Checks the shape enough to trust it; throws a one-line Error naming what is off. */
function asTrivyReport(value) {
    if (typeof value !== 'object' || value === null)
        throw new Error('Trivy report is not a JSON object');
    const r = value;
    if (r.SchemaVersion !== 2)
        throw new Error(`Trivy report has SchemaVersion ${String(r.SchemaVersion)}: expected 2`);
    if (r.Results !== undefined && r.Results !== null && !Array.isArray(r.Results)) {
        throw new Error('Trivy report Results is not a list');
    }
    return r;
}
function findingsFromTrivy(report) {
    const out = [];
    for (const result of report.Results ?? []) {
        for (const v of result.Vulnerabilities ?? []) {
            const finding = {
                id: v.VulnerabilityID,
                severity: (0,findings/* normalizeSeverity */.lv)(v.Severity),
                package: v.PkgName,
                installedVersion: v.InstalledVersion ?? '',
                source: 'trivy',
                target: result.Target,
            };
            // Trivy may list several fixed versions ("1.2.4, 2.0.1"); keep its text.
            if (v.FixedVersion)
                finding.fixedVersion = v.FixedVersion;
            if (v.Title)
                finding.title = v.Title;
            if (v.PrimaryURL)
                finding.url = v.PrimaryURL;
            out.push(finding);
        }
    }
    return (0,findings/* dedupeFindings */._4)(out);
}

;// CONCATENATED MODULE: ./src/lib/scan/trivy.ts
/**
 * Runs Trivy against a built image, offline but for the vulnerability DB's own registry:
 *  1. `trivy image --download-db-only` fetches (or confirms the cached) DB — a failure here is a
 *     DbUnavailableError, so the caller can say so plainly and decide (fail, or skip the scan);
 *  2. `trivy image --input <tar> --format json --list-all-pkgs` writes the full report;
 *  3. `trivy convert` turns that report into SARIF and a CycloneDX SBOM (no second scan).
 * The gate is not here: the report always lists everything; policy.ts decides.
 */



class DbUnavailableError extends Error {
    name = 'DbUnavailableError';
}
class TrivyError extends Error {
    name = 'TrivyError';
}
/** The environment Trivy runs with: no update checks, no telemetry, credentials by env. */
function trivyEnv(settings, base = process.env) {
    const env = { ...base, TRIVY_NO_PROGRESS: 'true', TRIVY_DISABLE_TELEMETRY: 'true' };
    delete env.TRIVY_USERNAME;
    delete env.TRIVY_PASSWORD;
    if (settings.dbUsername)
        env.TRIVY_USERNAME = settings.dbUsername;
    if (settings.dbPassword)
        env.TRIVY_PASSWORD = settings.dbPassword;
    return env;
}
function common(settings) {
    const args = ['--cache-dir', settings.cacheDir, '--quiet', '--skip-version-check'];
    if (settings.insecure)
        args.push('--insecure');
    return args;
}
async function trivyVersion(exec, settings) {
    const r = await exec(settings.binary, ['--version'], { env: trivyEnv(settings) });
    if (r.exitCode !== 0)
        throw new TrivyError(`'${settings.binary} --version' failed (exit ${r.exitCode}): ${tail(r)}`);
    const first = (r.stdout.split('\n', 1)[0] ?? '').trim();
    const m = /^Version:\s*(\S+)/.exec(first);
    return m ? `trivy ${m[1]}` : first;
}
/** Fetches the DB into the cache (no-op when the cached DB is still fresh). */
async function downloadDb(exec, settings, logger) {
    const args = ['image', '--download-db-only', '--no-progress', ...common(settings)];
    if (settings.dbRepository)
        args.push('--db-repository', settings.dbRepository);
    logger.info(`Fetching the vulnerability DB${settings.dbRepository ? ` from ${settings.dbRepository}` : ''}`);
    const r = await exec(settings.binary, args, { env: trivyEnv(settings) });
    if (r.exitCode !== 0) {
        throw new DbUnavailableError(`The vulnerability database could not be had${settings.dbRepository ? ` from ${settings.dbRepository}` : ''}: ${tail(r)}`);
    }
}
/**
 * Scans an image saved with `docker save` (`imageTar`), writing the JSON report, SARIF and
 * CycloneDX SBOM into outDir. Assumes downloadDb succeeded (runs with --skip-db-update).
 */
async function scanImageTar(exec, settings, imageTar, outDir, logger) {
    await (0,promises_.mkdir)(outDir, { recursive: true });
    const files = {
        json: (0,external_node_path_.join)(outDir, 'trivy-report.json'),
        sarif: (0,external_node_path_.join)(outDir, 'trivy-results.sarif'),
        sbom: (0,external_node_path_.join)(outDir, 'sbom.cdx.json'),
    };
    const env = trivyEnv(settings);
    const version = await trivyVersion(exec, settings);
    const scanArgs = [
        'image',
        ...common(settings),
        '--input',
        imageTar,
        '--scanners',
        'vuln',
        '--skip-db-update',
        '--skip-java-db-update',
        '--offline-scan',
        '--list-all-pkgs',
        '--format',
        'json',
        '--output',
        files.json,
        '--exit-code',
        '0',
    ];
    if (settings.timeout)
        scanArgs.push('--timeout', settings.timeout);
    logger.info(`Scanning with ${version}`);
    const r = await exec(settings.binary, scanArgs, { env });
    if (r.exitCode !== 0)
        throw new TrivyError(`trivy image failed (exit ${r.exitCode}): ${tail(r)}`);
    let report;
    try {
        report = asTrivyReport(JSON.parse(await (0,promises_.readFile)(files.json, 'utf8')));
    }
    catch (error) {
        throw new TrivyError(`trivy wrote an unreadable report ${files.json}: ${error.message}`, {
            cause: error,
        });
    }
    for (const [format, output] of [
        ['sarif', files.sarif],
        ['cyclonedx', files.sbom],
    ]) {
        const c = await exec(settings.binary, ['convert', '--quiet', '--format', format, '--output', output, files.json], {
            env,
        });
        if (c.exitCode !== 0)
            throw new TrivyError(`trivy convert --format ${format} failed (exit ${c.exitCode}): ${tail(c)}`);
        if ((await (0,promises_.stat)(output)).size === 0)
            throw new TrivyError(`trivy convert --format ${format} wrote an empty ${output}`);
    }
    return { files, report, findings: findingsFromTrivy(report), version };
}
function tail(r) {
    const lines = (r.stderr || r.stdout)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    return lines.slice(-3).join(' | ').slice(0, 600) || 'no output';
}

;// CONCATENATED MODULE: ./src/actions/build-scan/run.ts

















async function run(ctx, deps = {}) {
    const { exec = registry_exec/* spawnExec */.b, clock = runtime_clock/* systemClock */.m, env = process.env, cwd = process.cwd() } = deps;
    // Mask before anything can print it.
    ctx.setSecret(ctx.inputs.raw('trivy-db-password'));
    const settings = parseBuildScanSettings(ctx.inputs, env);
    // Everything the user gave is checked before the first write (build, DB download).
    const paths = await checkBuildInputs({
        context: settings.context,
        ...(settings.dockerfile ? { dockerfile: settings.dockerfile } : {}),
        buildArgs: settings.buildArgs,
        ...(settings.target ? { target: settings.target } : {}),
    }, cwd);
    let ignores = [];
    if (settings.scan?.ignoreFile)
        ignores = await (0,ignore/* loadIgnoreFile */.F)(settings.scan.ignoreFile, 'ignore-file');
    const facts = await gitFacts({
        env,
        exec,
        cwd,
        ...(settings.defaultBranch ? { defaultBranch: settings.defaultBranch } : {}),
    });
    const derived = deriveTags(facts, settings.tagRules);
    const tags = unique([...settings.tags, ...derived.tags]);
    const refs = unique([...tags.map((t) => `${settings.image}:${t}`), ...settings.extraRefs]);
    if (refs.length === 0)
        refs.push(`${settings.image}:latest`);
    const created = createdAt(env, clock);
    const labels = mergeLabels(settings.ociLabels ? defaultLabels(facts, created, derived.version) : new Map(), settings.labels);
    // The DB first: when it cannot be had, fail (or skip) before spending a build on it.
    let scanState = settings.scan ? 'on' : 'off';
    let trivy;
    if (settings.scan) {
        const binary = settings.scan.trivyPath ??
            (await installTrivy({
                version: settings.scan.trivyVersion,
                baseUrl: settings.scan.trivyDownloadUrl,
                toolCache: settings.scan.toolCache,
                exec,
                logger: ctx.logger,
                ...(settings.scan.trivySha256 ? { sha256: settings.scan.trivySha256 } : {}),
            }));
        trivy = {
            binary,
            cacheDir: settings.scan.cacheDir,
            insecure: settings.scan.insecure,
            timeout: settings.scan.timeout,
            ...(settings.scan.dbRepository ? { dbRepository: settings.scan.dbRepository } : {}),
            ...(settings.scan.dbUsername ? { dbUsername: settings.scan.dbUsername } : {}),
            ...(settings.scan.dbPassword ? { dbPassword: settings.scan.dbPassword } : {}),
        };
        try {
            await downloadDb(exec, trivy, ctx.logger);
        }
        catch (error) {
            if (!(error instanceof DbUnavailableError))
                throw error;
            if (!settings.scan.skipOnDbError) {
                throw new Error(`${error.message}. The image was not built. Set skip-scan-on-db-error: true to build without a scan.`, {
                    cause: error,
                });
            }
            ctx.logger.warning(`${error.message}. The scan is skipped (skip-scan-on-db-error is true).`);
            scanState = 'skipped';
        }
    }
    const built = await ctx.logger.group(`Building ${refs[0]}`, () => buildImage(exec, {
        context: paths.context,
        dockerfile: paths.dockerfile,
        buildArgs: settings.buildArgs,
        labels,
        refs,
        pull: settings.pull,
        noCache: settings.noCache,
        ...(settings.target ? { target: settings.target } : {}),
    }, ctx.logger, env));
    ctx.logger.info(`Built ${built.imageId} as ${refs.join(', ')}`);
    ctx.setOutput('image-id', built.imageId);
    ctx.setOutput('image', refs[0]);
    ctx.setOutput('tags', tags.join('\n'));
    ctx.setOutput('references', refs.join('\n'));
    ctx.setOutput('labels', Object.fromEntries(labels));
    ctx.setOutput('version', derived.version ?? '');
    ctx.setOutput('builder', built.builder);
    if (scanState !== 'on' || !settings.scan || !trivy) {
        ctx.setOutput('scan-result', scanState);
        if (scanState === 'skipped')
            ctx.summary(`### Vulnerability scan: ⚠️ skipped\n\nThe vulnerability database could not be had; the image \`${refs[0]}\` was built without a scan.\n`);
        return;
    }
    await scanBuilt(ctx, exec, env, clock, settings, trivy, built.imageId, refs[0], ignores);
}
async function scanBuilt(ctx, exec, env, clock, settings, trivy, imageId, subject, ignores) {
    const policy = { failOn: settings.scan.failOn, fixableOnly: settings.scan.fixableOnly, ignores };
    const work = await (0,promises_.mkdtemp)((0,external_node_path_.join)(env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'phlo-scan-'));
    try {
        const tar = (0,external_node_path_.join)(work, 'image.tar');
        const outcome = await ctx.logger.group(`Scanning ${subject}`, async () => {
            await saveImage(exec, imageId, tar, env);
            return scanImageTar(exec, trivy, tar, settings.scan.reportDir, ctx.logger);
        });
        const result = (0,scan_policy/* evaluate */._3)(outcome.findings, policy, new Date(clock.now()));
        ctx.setOutput('report', outcome.files.json);
        ctx.setOutput('sarif', outcome.files.sarif);
        ctx.setOutput('sbom', outcome.files.sbom);
        ctx.setOutput('counts', result.counts);
        ctx.setOutput('blocking', result.blocking.length);
        ctx.setOutput('scan-result', result.passed ? 'passed' : 'failed');
        ctx.summary(scanSummaryMarkdown({
            subject,
            result,
            policy,
            scanner: outcome.version,
            findings: outcome.findings,
            files: { report: outcome.files.json, SARIF: outcome.files.sarif, SBOM: outcome.files.sbom },
        }));
        for (const { finding, entry } of result.ignored) {
            ctx.logger.info(`ignored ${(0,findings/* describeFinding */.jb)(finding)}: ${entry.reason} (until ${entry.expires})`);
        }
        for (const entry of result.unusedIgnores)
            ctx.logger.info(`ignore entry ${entry.id} matched nothing`);
        const counts = Object.entries(result.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ');
        if (!result.passed)
            throw new errors/* GateFailure */.In((0,scan_policy/* failureMessage */.oh)(result, policy));
        ctx.logger.info(`Scan gate passed (${counts}; ${result.ignored.length} ignored)`);
    }
    finally {
        await (0,promises_.rm)(work, { recursive: true, force: true });
    }
}
function unique(values) {
    return [...new Set(values)];
}
/** SOURCE_DATE_EPOCH (reproducible builds) wins over the clock. */
function createdAt(env, clock) {
    const epoch = env.SOURCE_DATE_EPOCH;
    if (epoch && /^\d+$/.test(epoch))
        return new Date(Number(epoch) * 1000);
    return new Date(clock.now());
}


/***/ }),

/***/ 4030:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ spawnExec)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The CLI port: run a program with an argument array (never a shell string), optionally feeding
 * stdin, and collect its output. Lib code takes an `Exec` so tests and callers choose the runner.
 */

/** Never rejects for a non-zero exit (callers decide); rejects when the program cannot start. */
const spawnExec = (command, args, options = {}) => new Promise((resolve, reject) => {
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, [...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
    });
    const out = [];
    const err = [];
    const partial = { stdout: '', stderr: '' };
    const feed = (stream, chunk) => {
        if (!options.onLine)
            return;
        const text = partial[stream] + chunk.toString('utf8');
        const lines = text.split(/\r?\n/);
        partial[stream] = lines.pop() ?? '';
        for (const line of lines)
            if (line)
                options.onLine(line, stream);
    };
    child.stdout.on('data', (chunk) => {
        out.push(chunk);
        feed('stdout', chunk);
    });
    child.stderr.on('data', (chunk) => {
        err.push(chunk);
        feed('stderr', chunk);
    });
    child.on('error', (error) => {
        if (error.code === 'ENOENT')
            reject(new Error(`'${command}' was not found on PATH`, { cause: error }));
        else
            reject(error);
    });
    child.on('close', (code, signal) => {
        for (const stream of ['stdout', 'stderr']) {
            if (options.onLine && partial[stream])
                options.onLine(partial[stream], stream);
        }
        resolve({
            exitCode: code ?? (signal ? 128 : 1),
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
        });
    });
    child.stdin.on('error', () => {
        /* the program may exit before reading stdin; its exit code tells the story */
    });
    child.stdin.end(options.input ?? '');
});


/***/ }),

/***/ 8794:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};


/***/ }),

/***/ 5709:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   In: () => (/* binding */ GateFailure),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   j1: () => (/* binding */ ConfigurationError),
/* harmony export */   yb: () => (/* binding */ ConfigurationErrors)
/* harmony export */ });
/* unused harmony export isUserFacing */
/**
 * Two kinds of error: a ConfigurationError is the user's mistake and is reported as one clean line
 * (no stack trace); anything else is a bug or an outage and keeps its cause for debug output.
 */
class ConfigurationError extends Error {
    name = 'ConfigurationError';
    /**
     * @param message what was wrong, already naming the input, the value and the expected form
     */
    constructor(message) {
        super(message);
    }
    /** Builds the standard message: `Input 'x' is 'y': expected z.` */
    static forInput(input, value, expected) {
        const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
        return new ConfigurationError(`Input '${input}' is '${shown}': expected ${expected}.`);
    }
}
/** Several user mistakes reported together (validate everything before the first write). */
class ConfigurationErrors extends ConfigurationError {
    problems;
    constructor(problems) {
        super(problems.length === 1
            ? problems[0]
            : `${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.problems = problems;
    }
}
/** A step that ran and decided "no" (a gate that failed, a scan over threshold): not a bug. */
class GateFailure extends Error {
    name = 'GateFailure';
}
function isUserFacing(error) {
    return error instanceof ConfigurationError || error instanceof GateFailure;
}
/** One short line for any error: Kubernetes and AWS errors lose their bodies and headers. */
function describeError(error) {
    if (error instanceof Error) {
        const e = error;
        // @kubernetes/client-node ApiException: code + body (a Status object, maybe as a string)
        if (typeof e.code === 'number' && e.body !== undefined) {
            const status = parseStatus(e.body);
            if (status)
                return `Kubernetes API ${e.code}: ${status}`;
            return `Kubernetes API ${e.code}`;
        }
        // AWS SDK v3 ServiceException
        if (e.$metadata !== undefined) {
            const http = e.$metadata.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
            return `${e.name}${http}: ${firstLine(e.message)}`;
        }
        return firstLine(e.message) || e.name;
    }
    return firstLine(String(error));
}
function parseStatus(body) {
    let value = body;
    if (typeof body === 'string') {
        try {
            value = JSON.parse(body);
        }
        catch {
            return firstLine(body);
        }
    }
    if (value && typeof value === 'object' && 'message' in value) {
        const message = value.message;
        if (typeof message === 'string')
            return firstLine(message);
    }
    return undefined;
}
function firstLine(text) {
    const line = text.split('\n', 1)[0] ?? '';
    return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}


/***/ }),

/***/ 259:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ot: () => (/* binding */ countBySeverity),
/* harmony export */   Tc: () => (/* binding */ sortFindings),
/* harmony export */   _4: () => (/* binding */ dedupeFindings),
/* harmony export */   _Z: () => (/* binding */ isSeverity),
/* harmony export */   jb: () => (/* binding */ describeFinding),
/* harmony export */   lv: () => (/* binding */ normalizeSeverity),
/* harmony export */   oC: () => (/* binding */ SEVERITIES)
/* harmony export */ });
/* unused harmony exports emptyCounts, severityRank, compareFindings, findingKey */
/**
 * One schema for vulnerability findings, whatever scanner found them (Trivy locally, ECR's own
 * scan after a push), so that one policy gate and one summary serve both.
 */
/** Severities from least to most severe; the order is the rank. */
const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
function emptyCounts() {
    return { UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 0 };
}
function countBySeverity(findings) {
    const counts = emptyCounts();
    for (const f of findings)
        counts[f.severity] += 1;
    return counts;
}
function severityRank(severity) {
    return SEVERITIES.indexOf(severity);
}
function isSeverity(value) {
    return SEVERITIES.includes(value);
}
/**
 * Maps any scanner's severity word onto the shared scale. ECR says INFORMATIONAL, UNDEFINED and
 * UNTRIAGED where Trivy says LOW/UNKNOWN; anything unrecognised is UNKNOWN (never dropped).
 */
function normalizeSeverity(value) {
    const v = (value ?? '').trim().toUpperCase();
    if (isSeverity(v))
        return v;
    if (v === 'INFORMATIONAL' || v === 'NEGLIGIBLE')
        return 'LOW';
    return 'UNKNOWN';
}
/** Most severe first, then fixable before unfixable, then by id and package (a stable order). */
function compareFindings(a, b) {
    return (severityRank(b.severity) - severityRank(a.severity) ||
        Number(Boolean(b.fixedVersion)) - Number(Boolean(a.fixedVersion)) ||
        a.id.localeCompare(b.id) ||
        a.package.localeCompare(b.package) ||
        a.installedVersion.localeCompare(b.installedVersion));
}
function sortFindings(findings) {
    return [...findings].sort(compareFindings);
}
/** Identity of a finding: the same advisory on the same package version in the same target. */
function findingKey(f) {
    return [f.id, f.package, f.installedVersion, f.target ?? ''].join('\u0000');
}
/** Drops exact duplicates (Trivy reports one advisory per target; ECR may repeat across pages). */
function dedupeFindings(findings) {
    const seen = new Map();
    for (const f of findings)
        if (!seen.has(findingKey(f)))
            seen.set(findingKey(f), f);
    return [...seen.values()];
}
/** `CVE-2024-1 openssl 3.0.1 → 3.0.2 (HIGH)` — one line for logs and messages. */
function describeFinding(f) {
    const fix = f.fixedVersion ? ` → ${f.fixedVersion}` : ' (no fix)';
    return `${f.id} ${f.package} ${f.installedVersion}${fix} (${f.severity})`;
}


/***/ }),

/***/ 4235:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ loadIgnoreFile)
/* harmony export */ });
/* unused harmony export parseIgnoreFile */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3243);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5709);
/* harmony import */ var _policy_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3603);
/**
 * The ignore file: findings the team accepts, each with a reason and an expiry date.
 *
 * ```yaml
 * ignores:
 *   - id: CVE-2024-12345          # advisory id (CVE, GHSA…), required
 *     package: openssl            # optional: only on this package
 *     reason: not reachable, we never parse untrusted certificates   # required
 *     expires: 2026-03-31         # required, YYYY-MM-DD, last day it applies (UTC)
 * ```
 */




const KEYS = new Set(['id', 'package', 'reason', 'expires']);
const ID = /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/**
 * Parses the ignore file's text; `where` names it in messages (e.g. "ignore-file 'x.yaml'").
 * Every problem in the file is reported at once.
 */
function parseIgnoreFile(text, where) {
    let doc;
    try {
        // JSON_SCHEMA: dates stay strings (no implicit timestamps), no custom tags.
        doc = js_yaml__WEBPACK_IMPORTED_MODULE_1__/* ["default"].load */ .Ay.load(text, { schema: js_yaml__WEBPACK_IMPORTED_MODULE_1__/* ["default"].JSON_SCHEMA */ .Ay.JSON_SCHEMA, filename: where });
    }
    catch (error) {
        const reason = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${where} is not valid YAML: ${reason}.`);
    }
    if (doc === undefined || doc === null)
        return [];
    const list = Array.isArray(doc) ? doc : isRecord(doc) ? doc.ignores : undefined;
    if (isRecord(doc) && Object.keys(doc).some((k) => k !== 'ignores')) {
        const extra = Object.keys(doc).filter((k) => k !== 'ignores');
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${where} has unknown top-level key(s) ${extra.join(', ')}: expected only 'ignores'.`);
    }
    if (list === undefined || list === null)
        return [];
    if (!Array.isArray(list)) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${where}: 'ignores' must be a list of entries with id, reason and expires.`);
    }
    const problems = [];
    const entries = [];
    list.forEach((item, i) => {
        const at = `${where} entry ${i + 1}`;
        if (!isRecord(item)) {
            problems.push(`${at} is '${String(item)}': expected a mapping with id, reason and expires.`);
            return;
        }
        const before = problems.length;
        for (const key of Object.keys(item)) {
            if (!KEYS.has(key))
                problems.push(`${at} has unknown key '${key}': expected id, package, reason, expires.`);
        }
        const id = str(item.id);
        const pkg = item.package === undefined ? undefined : str(item.package);
        const reason = str(item.reason);
        const expires = item.expires === undefined ? '' : String(item.expires).trim();
        if (!id || !ID.test(id))
            problems.push(`${at} has id '${id ?? String(item.id)}': expected an advisory id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx.`);
        if (item.package !== undefined && !pkg)
            problems.push(`${at} (${id}) has an empty package: expected a package name or no package key.`);
        if (!reason)
            problems.push(`${at} (${id}) has no reason: every accepted finding needs one.`);
        if (!expires)
            problems.push(`${at} (${id}) has no expires: expected a date YYYY-MM-DD.`);
        else if (!(0,_policy_js__WEBPACK_IMPORTED_MODULE_3__/* .parseIsoDate */ .jT)(expires))
            problems.push(`${at} (${id}) has expires '${expires}': expected a date YYYY-MM-DD.`);
        if (problems.length === before && id && reason) {
            entries.push(pkg ? { id, package: pkg, reason, expires } : { id, reason, expires });
        }
    });
    if (problems.length > 0)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationErrors */ .yb(problems);
    return entries;
}
/** Reads and parses the ignore file named by an input; a missing file is the user's mistake. */
async function loadIgnoreFile(path, input) {
    let text;
    try {
        text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput(input, path, `a readable YAML ignore file (${code ?? 'unreadable'})`);
    }
    return parseIgnoreFile(text, `${input} '${path}'`);
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    if (typeof value === 'string')
        return value.trim();
    if (typeof value === 'number')
        return String(value);
    return undefined;
}


/***/ }),

/***/ 3603:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G4: () => (/* binding */ defaultPolicy),
/* harmony export */   VQ: () => (/* binding */ DEFAULT_FAIL_ON),
/* harmony export */   _3: () => (/* binding */ evaluate),
/* harmony export */   fE: () => (/* binding */ parseSeverities),
/* harmony export */   jT: () => (/* binding */ parseIsoDate),
/* harmony export */   oh: () => (/* binding */ failureMessage)
/* harmony export */ });
/* unused harmony exports expiryInstant, isExpired, matches */
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _findings_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(259);
/**
 * The gate: separate from the report. A report lists every finding; the policy decides which of
 * them block (severity threshold, optionally fixable only) and which are accepted by an ignore
 * entry (each with a reason and an expiry date). An expired entry no longer accepts anything, and
 * the gate fails naming it.
 */


const DEFAULT_FAIL_ON = ['HIGH', 'CRITICAL'];
function defaultPolicy(overrides = {}) {
    return { failOn: [...DEFAULT_FAIL_ON], fixableOnly: false, ignores: [], ...overrides };
}
/** First instant after an entry's expiry day (UTC): the entry applies while now < this. */
function expiryInstant(expires) {
    const d = parseIsoDate(expires);
    if (!d)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`Ignore entry expiry '${expires}' is not a date: expected YYYY-MM-DD.`);
    return new Date(d.getTime() + 86_400_000);
}
function isExpired(entry, now) {
    return now.getTime() >= expiryInstant(entry.expires).getTime();
}
function matches(entry, finding) {
    if (entry.id.toUpperCase() !== finding.id.toUpperCase())
        return false;
    return entry.package === undefined || entry.package === finding.package;
}
function evaluate(findings, policy, now) {
    const failOn = new Set(policy.failOn);
    const blocking = [];
    const ignored = [];
    const unfixable = [];
    const used = new Set();
    const expiredHits = new Map();
    for (const finding of findings) {
        const candidates = policy.ignores.filter((e) => matches(e, finding));
        candidates.forEach((e) => used.add(e));
        const live = candidates.find((e) => !isExpired(e, now));
        if (live) {
            ignored.push({ finding, entry: live });
            continue;
        }
        const atThreshold = failOn.has(finding.severity);
        for (const e of candidates) {
            if (atThreshold)
                expiredHits.set(e, [...(expiredHits.get(e) ?? []), finding]);
        }
        if (!atThreshold)
            continue;
        if (policy.fixableOnly && !finding.fixedVersion) {
            unfixable.push(finding);
            continue;
        }
        blocking.push(finding);
    }
    const expiredIgnores = [...expiredHits].map(([entry, hits]) => ({ entry, findings: (0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .sortFindings */ .Tc)(hits) }));
    return {
        blocking: (0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .sortFindings */ .Tc)(blocking),
        ignored,
        expiredIgnores,
        unusedIgnores: policy.ignores.filter((e) => !used.has(e)),
        unfixable: (0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .sortFindings */ .Tc)(unfixable),
        counts: (0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .countBySeverity */ .Ot)(findings),
        passed: blocking.length === 0 && expiredIgnores.length === 0,
    };
}
/**
 * The gate's verdict as one message (for GateFailure): names the expired ignore entries and the
 * first blocking findings. Empty string when the gate passed.
 */
function failureMessage(result, policy, max = 10) {
    if (result.passed)
        return '';
    const parts = [];
    if (result.expiredIgnores.length > 0) {
        const names = result.expiredIgnores.map(({ entry }) => `${entry.id}${entry.package ? ` (${entry.package})` : ''} expired ${entry.expires}`);
        parts.push(`expired ignore ${result.expiredIgnores.length === 1 ? 'entry' : 'entries'}: ${names.join('; ')}`);
    }
    if (result.blocking.length > 0) {
        const shown = result.blocking.slice(0, max).map(_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .describeFinding */ .jb);
        const more = result.blocking.length > max ? `; and ${result.blocking.length - max} more` : '';
        parts.push(`${result.blocking.length} finding(s) at ${policy.failOn.join('/')}${policy.fixableOnly ? ' with a fix' : ''}: ${shown.join('; ')}${more}`);
    }
    return `Vulnerability gate failed: ${parts.join('. ')}.`;
}
/** Parses a severity list input (`HIGH,CRITICAL`), naming the input on error. */
function parseSeverities(input, values) {
    const out = [];
    for (const raw of values) {
        const v = raw.trim().toUpperCase();
        if (!(0,_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .isSeverity */ ._Z)(v))
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, raw, `severities from ${_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .SEVERITIES */ .oC.join(', ')}`);
        if (!out.includes(v))
            out.push(v);
    }
    if (out.length === 0)
        throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, values.join(','), `at least one of ${_findings_js__WEBPACK_IMPORTED_MODULE_1__/* .SEVERITIES */ .oC.join(', ')}`);
    return out;
}
/** A strict calendar date `YYYY-MM-DD` at midnight UTC, or undefined. */
function parseIsoDate(value) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m)
        return undefined;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
        return undefined;
    }
    return d;
}


/***/ })

};
