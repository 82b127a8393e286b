export const id = 104;
export const ids = [104,638];
export const modules = {

/***/ 8638:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   STATE: () => (/* binding */ STATE)
/* harmony export */ });
/** push-ecr's post-step state keys, in one place. */
const STATE = {
    /** The private DOCKER_CONFIG directory the post step logs out of and deletes. */
    dockerConfig: 'docker-config',
    /** The registry host docker logged in to. */
    registry: 'registry',
};


/***/ }),

/***/ 2295:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   U2: () => (/* binding */ getRegistryCredentials),
/* harmony export */   aR: () => (/* binding */ basicAuthorization),
/* harmony export */   yv: () => (/* binding */ createEcrClient)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8249);
/**
 * The ECR client factory and GetAuthorizationToken. Credentials come from the environment (OIDC via
 * configure-aws-credentials upstream); the region and the API endpoint can be overridden (moto,
 * LocalStack). Adaptive retries: the SDK backs off with jitter on throttling, 5xx and dropped
 * connections, and slows its own send rate when throttled.
 */

function createEcrClient(settings) {
    return new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_0__/* .ECRClient */ .S70({
        region: settings.region,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        retryMode: 'adaptive',
        maxAttempts: settings.maxAttempts ?? 6,
    });
}
/**
 * Calls GetAuthorizationToken and masks the token, the password and the `user:password` pair
 * through `mask` before returning, so nothing can print them afterwards.
 */
async function getRegistryCredentials(client, mask, registryId) {
    const response = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_0__/* .GetAuthorizationTokenCommand */ .Eu6(registryId ? { registryIds: [registryId] } : {}));
    const data = response.authorizationData?.[0];
    const token = data?.authorizationToken;
    if (!token)
        throw new Error('ECR GetAuthorizationToken returned no authorization data');
    mask(token);
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0)
        throw new Error('ECR authorization token is not of the form user:password');
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    mask(password);
    mask(decoded);
    const host = data.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
    const accountId = host ? /^(\d{12})\./.exec(host)?.[1] : undefined;
    return { username, password, token, expiresAt: data.expiresAt, proxyEndpoint: data.proxyEndpoint, accountId };
}
/** HTTP Basic credentials for the registry API. Never log the result. */
function basicAuthorization(credentials) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}


/***/ }),

/***/ 6086:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Jo: () => (/* binding */ samePolicy),
/* harmony export */   gW: () => (/* binding */ lifecyclePolicyText),
/* harmony export */   x5: () => (/* binding */ buildLifecyclePolicy)
/* harmony export */ });
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/**
 * The repository's lifecycle policy, built by a pure function: expire untagged images after D days
 * and keep only the last N tagged images. ECR evaluates rules by ascending rulePriority.
 */

const MAX_COUNT = 10_000;
/** Returns the policy, or undefined when both rules are off (then no policy is managed). */
function buildLifecyclePolicy(settings) {
    const problems = [];
    if (!Number.isInteger(settings.keepTagged) || settings.keepTagged < 0 || settings.keepTagged > MAX_COUNT) {
        problems.push(`keepTagged must be a whole number from 0 to ${MAX_COUNT}, got ${settings.keepTagged}`);
    }
    if (!Number.isInteger(settings.untaggedDays) || settings.untaggedDays < 0 || settings.untaggedDays > MAX_COUNT) {
        problems.push(`untaggedDays must be a whole number from 0 to ${MAX_COUNT}, got ${settings.untaggedDays}`);
    }
    if (problems.length > 0)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`Invalid lifecycle settings: ${problems.join('; ')}.`);
    const rules = [];
    if (settings.untaggedDays > 0) {
        rules.push({
            rulePriority: rules.length + 1,
            description: `Expire untagged images ${settings.untaggedDays} day(s) after push`,
            selection: {
                tagStatus: 'untagged',
                countType: 'sinceImagePushed',
                countUnit: 'days',
                countNumber: settings.untaggedDays,
            },
            action: { type: 'expire' },
        });
    }
    if (settings.keepTagged > 0) {
        rules.push({
            rulePriority: rules.length + 1,
            description: `Keep the last ${settings.keepTagged} tagged image(s)`,
            selection: {
                tagStatus: 'tagged',
                tagPatternList: ['*'],
                countType: 'imageCountMoreThan',
                countNumber: settings.keepTagged,
            },
            action: { type: 'expire' },
        });
    }
    return rules.length > 0 ? { rules } : undefined;
}
/** The policy text sent to PutLifecyclePolicy. */
function lifecyclePolicyText(policy) {
    return JSON.stringify(policy);
}
/**
 * True when a policy text read back from ECR means the same as ours (ECR may reorder keys or
 * reformat whitespace, so compare parsed and key-sorted forms).
 */
function samePolicy(existingText, wanted) {
    if (!existingText)
        return false;
    let parsed;
    try {
        parsed = JSON.parse(existingText);
    }
    catch {
        return false;
    }
    return canonical(parsed) === canonical(wanted);
}
function canonical(value) {
    if (Array.isArray(value))
        return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object') {
        const entries = Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
    }
    return JSON.stringify(value);
}


/***/ }),

/***/ 9312:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  t: () => (/* binding */ cleanupDockerConfig),
  K: () => (/* binding */ pushToEcr)
});

// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/lib/registry/retry.ts
/** The wait before retry number `retry` (0-based): full jitter over an exponentially growing cap. */
function backoffDelay(retry, policy, random) {
    const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
    return Math.floor(random() * ceiling);
}
async function retry(fn, options) {
    const random = options.random ?? Math.random;
    const attempts = Math.max(1, Math.floor(options.attempts));
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (error) {
            if (attempt >= attempts || !options.retryable(error) || options.signal?.aborted)
                throw error;
            const delay = backoffDelay(attempt - 1, options, random);
            options.onRetry?.(error, attempt, delay);
            await options.clock.sleep(delay, options.signal);
        }
    }
}

;// CONCATENATED MODULE: ./src/lib/registry/docker.ts
/**
 * The docker CLI steps of a push: a private DOCKER_CONFIG directory, `docker login
 * --password-stdin` into it, tag, push (retried on transient failures), logout. Every command is an
 * argument array; the password only ever travels on stdin.
 */




const CONFIG_DIR_PREFIX = 'phlo-docker-config-';
/** Creates a private (0700) docker config directory under RUNNER_TEMP or the OS temp dir. */
async function createDockerConfigDir(base = process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)()) {
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(base, CONFIG_DIR_PREFIX));
    await (0,promises_.chmod)(dir, 0o700);
    return dir;
}
/** Deletes a directory made by createDockerConfigDir; refuses any other path. */
async function removeDockerConfigDir(dir) {
    if (!(0,external_node_path_.basename)(dir).startsWith(CONFIG_DIR_PREFIX)) {
        throw new Error(`refusing to delete '${dir}': not a docker config directory made by push-ecr`);
    }
    await (0,promises_.rm)(dir, { recursive: true, force: true });
}
function docker(session, args, options = {}) {
    return session.exec('docker', ['--config', session.configDir, ...args], options);
}
class DockerCommandError extends Error {
    step;
    result;
    constructor(step, result) {
        super(`docker ${step} failed (exit ${result.exitCode}): ${lastLines(result.stderr || result.stdout)}`);
        this.step = step;
        this.result = result;
        this.name = 'DockerCommandError';
    }
}
async function dockerLogin(session, registry) {
    const result = await docker(session, ['login', '--username', registry.username, '--password-stdin', registry.host], {
        input: registry.password,
    });
    if (result.exitCode !== 0)
        throw new DockerCommandError(`login to ${registry.host}`, result);
}
async function dockerLogout(session, host) {
    const result = await docker(session, ['logout', host]);
    if (result.exitCode !== 0)
        throw new DockerCommandError(`logout from ${host}`, result);
}
/** Inspects a local image; undefined when docker has no such image. */
async function inspectImage(exec, image) {
    const result = await exec('docker', ['image', 'inspect', '--format', '{{json .}}', image]);
    if (result.exitCode !== 0) {
        if (/no such (image|object)|invalid reference format/i.test(result.stderr))
            return undefined;
        throw new DockerCommandError(`image inspect ${image}`, result);
    }
    const parsed = JSON.parse(result.stdout.trim().split('\n')[0] ?? '{}');
    if (!parsed.Id)
        throw new Error(`docker image inspect ${image} returned no image id`);
    return {
        id: parsed.Id,
        repoTags: parsed.RepoTags ?? [],
        repoDigests: parsed.RepoDigests ?? [],
        os: parsed.Os,
        architecture: parsed.Architecture,
    };
}
async function tagImage(exec, source, target) {
    const result = await exec('docker', ['image', 'tag', source, target]);
    if (result.exitCode !== 0)
        throw new DockerCommandError(`tag ${target}`, result);
}
/** Failures worth another try: dropped connections, timeouts, 5xx and throttling. */
const TRANSIENT = /connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|timed? ?out|TLS handshake timeout|connection refused|no such host|temporary failure|server misbehaving|too many requests|toomanyrequests|\b429\b|\b50[0-4]\b|internal server error|bad gateway|service unavailable|gateway timeout|net\/http: request canceled/i;
/** Failures another try cannot fix. */
const PERMANENT = /denied|unauthorized|authentication required|tag invalid|manifest invalid|name unknown|name invalid|repository .* not found|does not exist/i;
function isTransientDockerError(text) {
    return TRANSIENT.test(text) && !PERMANENT.test(text);
}
/** `docker push REFERENCE`, retried on transient errors; returns the manifest digest docker reports. */
async function pushImage(session, reference, options) {
    return retry(async () => {
        const result = await docker(session, ['push', reference], {
            onLine: (line) => options.logger.debug(line),
        });
        if (result.exitCode !== 0)
            throw new DockerCommandError(`push ${reference}`, result);
        const digest = parsePushDigest(result.stdout);
        if (!digest)
            throw new Error(`docker push ${reference} succeeded but printed no digest`);
        return digest;
    }, {
        ...options.retry,
        clock: options.clock,
        random: options.random,
        retryable: (error) => error instanceof DockerCommandError && isTransientDockerError(error.result.stderr + error.result.stdout),
        onRetry: (error, attempt, delay) => options.logger.warning(`docker push ${reference}: attempt ${attempt} of ${options.retry.attempts} failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay}ms`),
    });
}
/** Finds `digest: sha256:…` in docker push output (the last one, for the manifest just written). */
function parsePushDigest(output) {
    const matches = [...output.matchAll(/digest: (sha256:[a-f0-9]{64})/g)];
    return matches.at(-1)?.[1];
}
function lastLines(text, count = 3) {
    const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
    const shown = lines.slice(-count).join(' | ');
    return shown.length > 600 ? `${shown.slice(0, 600)}…` : shown || '(no output)';
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/lib/registry/manifest.ts
/**
 * Reading manifests over the registry HTTP API (OCI distribution spec), authenticated with HTTP
 * Basic from the ECR token. Used to verify the digest the registry serves after a push and, before
 * a push, to find out whether a tag already exists with other content (ECR's immutable tags).
 * The Authorization header is built here and never logged.
 */


const MANIFEST_MEDIA_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
];
const INDEX_TYPES = new Set([MANIFEST_MEDIA_TYPES[0], MANIFEST_MEDIA_TYPES[1]]);
class RegistryHttpError extends Error {
    status;
    constructor(status, what) {
        super(`registry answered HTTP ${status} to ${what}`);
        this.status = status;
        this.name = 'RegistryHttpError';
    }
}
function manifestUrl(api, repository, reference) {
    return `${api.baseUrl.replace(/\/$/, '')}/v2/${repository}/manifests/${encodeURIComponent(reference)}`;
}
async function request(api, method, url, what) {
    const doFetch = api.fetch ?? fetch;
    return retry(async () => {
        const response = await doFetch(url, {
            method,
            headers: { Accept: MANIFEST_MEDIA_TYPES.join(', '), Authorization: api.authorization },
            signal: AbortSignal.timeout(api.timeoutMs ?? 30_000),
            redirect: 'follow',
        });
        if (response.status === 404) {
            await response.body?.cancel();
            return undefined;
        }
        if (!response.ok) {
            await response.body?.cancel();
            throw new RegistryHttpError(response.status, what);
        }
        return response;
    }, {
        ...api.retry,
        clock: api.clock,
        retryable: (error) => error instanceof RegistryHttpError ? error.status === 429 || error.status >= 500 : isNetworkError(error),
    });
}
function isNetworkError(error) {
    if (!(error instanceof Error))
        return false;
    return error.name === 'TimeoutError' || error.name === 'AbortError' || error instanceof TypeError;
}
/** HEAD a manifest: its digest (Docker-Content-Digest) and media type, or undefined when absent. */
async function headManifest(api, repository, reference) {
    const what = `HEAD manifest ${repository}:${reference}`;
    const response = await request(api, 'HEAD', manifestUrl(api, repository, reference), what);
    if (!response)
        return undefined;
    const digest = response.headers.get('docker-content-digest');
    if (!digest)
        throw new Error(`registry sent no Docker-Content-Digest for ${what}`);
    return { digest, mediaType: response.headers.get('content-type') ?? '' };
}
/** GET a manifest and hash its bytes; the computed digest must agree with the header. */
async function getManifest(api, repository, reference) {
    const what = `GET manifest ${repository}:${reference}`;
    const response = await request(api, 'GET', manifestUrl(api, repository, reference), what);
    if (!response)
        return undefined;
    const body = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(body).digest('hex')}`;
    const header = response.headers.get('docker-content-digest');
    if (header && header !== digest)
        throw new Error(`registry digest header ${header} does not match the manifest bytes (${digest}) for ${what}`);
    const parsed = JSON.parse(body.toString('utf8'));
    const mediaType = parsed.mediaType ?? response.headers.get('content-type') ?? '';
    return {
        digest,
        mediaType,
        configDigest: parsed.config?.digest,
        children: INDEX_TYPES.has(mediaType) ? (parsed.manifests ?? []).flatMap((m) => (m.digest ? [m.digest] : [])) : [],
    };
}
/**
 * Does the manifest at `reference` hold the local image `imageId`? True when the manifest digest is
 * the id (containerd image store), its config digest is the id (classic store), or, for an index,
 * one of its children's config digest is.
 */
async function manifestHoldsImage(api, repository, manifest, imageId) {
    if (manifest.digest === imageId || manifest.configDigest === imageId)
        return true;
    for (const child of manifest.children.slice(0, 32)) {
        const content = await getManifest(api, repository, child);
        if (content && (content.digest === imageId || content.configDigest === imageId))
            return true;
    }
    return false;
}

// EXTERNAL MODULE: ./src/lib/ecr/client.ts
var client = __webpack_require__(2295);
// EXTERNAL MODULE: ./src/lib/ecr/repository.ts
var ecr_repository = __webpack_require__(9532);
;// CONCATENATED MODULE: ./src/lib/ecr/push.ts





async function pushToEcr(settings, ports) {
    const { logger } = ports;
    // 1. Read-only checks first: the local image must exist before anything is created or pushed.
    const local = await inspectImage(ports.exec, settings.image);
    if (!local) {
        throw errors/* ConfigurationError */.j1.forInput('image', settings.image, 'a local image known to the docker daemon (an image id or name:tag, e.g. the output of build-scan)');
    }
    logger.info(`Local image ${settings.image} is ${local.id}`);
    // 2. Credentials, masked before anything could print them.
    const credentials = await (0,client/* getRegistryCredentials */.U2)(ports.ecr, ports.mask, settings.repository.registryId);
    // 3. The repository, with safe settings.
    const repository = await (0,ecr_repository/* ensureRepository */.z0)(ports.ecr, settings.repository, logger);
    const ecrHost = repository.repositoryUri.split('/', 1)[0];
    const registry = settings.registryEndpoint?.host ?? ecrHost;
    const repositoryUri = `${registry}/${repository.name}`;
    const api = {
        baseUrl: settings.registryEndpoint?.baseUrl ?? `https://${ecrHost}`,
        authorization: (0,client/* basicAuthorization */.aR)(credentials),
        clock: ports.clock,
        retry: settings.retry,
        ...(ports.fetch ? { fetch: ports.fetch } : {}),
    };
    // 4. docker login into a private config dir, recorded before login writes the credentials.
    const dockerConfigDir = await createDockerConfigDir(settings.configDirBase);
    ports.onDockerConfig?.(dockerConfigDir, registry);
    const session = { exec: ports.exec, configDir: dockerConfigDir };
    await dockerLogin(session, { host: registry, username: credentials.username, password: credentials.password });
    logger.info(`Logged in to ${registry} (docker config in a private directory)`);
    // 5. Every tag checked before the first push: an immutable tag holding other content stops here.
    const plan = [];
    for (const tag of settings.tags) {
        const existing = await getManifest(api, repository.name, tag);
        const same = existing ? await manifestHoldsImage(api, repository.name, existing, local.id) : false;
        plan.push({ tag, existing: existing?.digest, same });
    }
    const conflicts = plan.filter((p) => p.existing && !p.same);
    if (conflicts.length > 0 && repository.tagMutability === 'IMMUTABLE') {
        const names = conflicts.map((c) => `'${c.tag}' (holds ${c.existing})`).join(', ');
        throw new errors/* GateFailure */.In(`tag invalid: the image tag${conflicts.length > 1 ? 's' : ''} ${names} already exist${conflicts.length > 1 ? '' : 's'} in the '${repository.name}' repository with other content than ${settings.image} (${local.id}) and cannot be overwritten because the repository is immutable. Push under a new tag (e.g. the commit SHA); nothing was pushed.`);
    }
    for (const c of conflicts)
        logger.warning(`Tag '${c.tag}' held ${c.existing}; it will be moved (the repository's tags are MUTABLE)`);
    // 6. Tag and push what is not there yet.
    const tags = [];
    for (const p of plan) {
        const reference = `${repositoryUri}:${p.tag}`;
        if (p.same && p.existing) {
            logger.info(`${reference} already holds this image (${p.existing}); not pushed again`);
            tags.push({ tag: p.tag, reference, action: 'unchanged', digest: p.existing });
            continue;
        }
        await tagImage(ports.exec, local.id, reference);
        const digest = await pushImage(session, reference, {
            clock: ports.clock,
            logger,
            retry: settings.retry,
            ...(ports.random ? { random: ports.random } : {}),
        });
        logger.info(`Pushed ${reference} → ${digest}`);
        tags.push({ tag: p.tag, reference, action: 'pushed', digest });
    }
    // 7. Read every tag back: the registry must serve the digest the push reported.
    for (const t of tags) {
        const served = await headManifest(api, repository.name, t.tag);
        if (!served)
            throw new Error(`registry has no manifest for ${t.reference} right after the push`);
        if (served.digest !== t.digest) {
            throw new Error(`registry serves ${served.digest} for ${t.reference} but docker reported ${t.digest}`);
        }
    }
    const digest = (tags.find((t) => t.action === 'pushed') ?? tags[0]).digest;
    const stray = tags.filter((t) => t.digest !== digest);
    if (stray.length > 0) {
        logger.warning(`Some tags hold the same image under another manifest digest: ${stray.map((t) => `${t.tag} → ${t.digest}`).join(', ')}`);
    }
    if (credentials.expiresAt && credentials.expiresAt.getTime() <= ports.clock.now()) {
        logger.warning(`The ECR token's expiry (${credentials.expiresAt.toISOString()}) has already passed`);
    }
    return {
        registry,
        repositoryUri,
        ecrRepositoryUri: repository.repositoryUri,
        digest,
        image: `${repositoryUri}@${digest}`,
        tags,
        ...(credentials.expiresAt ? { tokenExpiresAt: credentials.expiresAt } : {}),
        repository,
        dockerConfigDir,
        localImageId: local.id,
    };
}
/** The post step: log out of the registry and delete the private docker config directory. */
async function cleanupDockerConfig(exec, dir, registryHost, logger) {
    if (registryHost) {
        try {
            await dockerLogout({ exec, configDir: dir }, registryHost);
            logger.info(`Logged out of ${registryHost}`);
        }
        catch (error) {
            logger.warning(`docker logout from ${registryHost} failed: ${error instanceof Error ? error.message : String(error)}; deleting the config directory anyway`);
        }
    }
    await removeDockerConfigDir(dir);
    logger.info('Deleted the private docker config directory');
}


/***/ }),

/***/ 9532:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Is: () => (/* binding */ errorName),
/* harmony export */   z0: () => (/* binding */ ensureRepository)
/* harmony export */ });
/* unused harmony export compareEncryption */
/* harmony import */ var _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8249);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _lifecycle_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6086);
/**
 * Makes sure the ECR repository exists with safe settings, idempotently. A missing repository is
 * created with everything set; an existing one is reconciled where ECR allows it after creation
 * (tag mutability, scan on push, lifecycle policy). Encryption can only be chosen at creation: a
 * difference is reported as a warning, never "fixed" by recreating the repository.
 */



async function ensureRepository(client, settings, logger) {
    let repository = await describeRepository(client, settings);
    let created = false;
    const changes = [];
    const warnings = [];
    if (!repository) {
        if (!settings.create) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`ECR repository '${settings.name}' does not exist and input 'create-repository' is 'false': expected an existing repository, or create-repository: true.`);
        }
        try {
            const response = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .CreateRepositoryCommand */ .WTe({
                repositoryName: settings.name,
                ...(settings.registryId ? { registryId: settings.registryId } : {}),
                imageTagMutability: settings.tagMutability,
                imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
                encryptionConfiguration: settings.encryption.type === 'KMS'
                    ? { encryptionType: 'KMS', ...(settings.encryption.kmsKey ? { kmsKey: settings.encryption.kmsKey } : {}) }
                    : { encryptionType: 'AES256' },
            }));
            repository = response.repository;
            created = true;
            logger.info(`Created ECR repository ${settings.name} (${settings.tagMutability}, scan on push ${settings.scanOnPush ? 'on' : 'off'}, ${settings.encryption.type})`);
        }
        catch (error) {
            // Another job created it between our describe and create: reconcile it like any existing one.
            if (errorName(error) !== 'RepositoryAlreadyExistsException')
                throw error;
            repository = await describeRepository(client, settings);
        }
        if (!repository)
            throw new Error(`ECR repository '${settings.name}' could not be read back after creation`);
    }
    if (!created) {
        if (repository.imageTagMutability !== settings.tagMutability) {
            await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .PutImageTagMutabilityCommand */ .cKn({
                repositoryName: settings.name,
                registryId: repository.registryId,
                imageTagMutability: settings.tagMutability,
            }));
            changes.push(`image tag mutability ${repository.imageTagMutability ?? 'unset'} → ${settings.tagMutability}`);
        }
        const scanOnPush = repository.imageScanningConfiguration?.scanOnPush ?? false;
        if (scanOnPush !== settings.scanOnPush) {
            await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .PutImageScanningConfigurationCommand */ .BlZ({
                repositoryName: settings.name,
                registryId: repository.registryId,
                imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
            }));
            changes.push(`scan on push ${scanOnPush ? 'on' : 'off'} → ${settings.scanOnPush ? 'on' : 'off'}`);
        }
        const encryptionWarning = compareEncryption(repository, settings.encryption);
        if (encryptionWarning)
            warnings.push(encryptionWarning);
    }
    if (settings.lifecycle) {
        const existing = await getLifecyclePolicyText(client, settings.name, repository.registryId);
        if (!(0,_lifecycle_js__WEBPACK_IMPORTED_MODULE_1__/* .samePolicy */ .Jo)(existing, settings.lifecycle)) {
            await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .PutLifecyclePolicyCommand */ .Rcn({
                repositoryName: settings.name,
                registryId: repository.registryId,
                lifecyclePolicyText: (0,_lifecycle_js__WEBPACK_IMPORTED_MODULE_1__/* .lifecyclePolicyText */ .gW)(settings.lifecycle),
            }));
            if (!created)
                changes.push(existing ? 'lifecycle policy replaced' : 'lifecycle policy added');
        }
    }
    for (const change of changes)
        logger.info(`ECR repository ${settings.name}: ${change}`);
    for (const warning of warnings)
        logger.warning(warning);
    if (!created && changes.length === 0)
        logger.info(`ECR repository ${settings.name} exists with the wanted settings`);
    if (!repository.repositoryUri || !repository.registryId) {
        throw new Error(`ECR repository '${settings.name}' has no URI or registry id in DescribeRepositories`);
    }
    return {
        name: settings.name,
        registryId: repository.registryId,
        repositoryUri: repository.repositoryUri,
        created,
        changes,
        warnings,
        tagMutability: settings.tagMutability,
    };
}
async function describeRepository(client, settings) {
    try {
        const response = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .DescribeRepositoriesCommand */ .pE_({
            repositoryNames: [settings.name],
            ...(settings.registryId ? { registryId: settings.registryId } : {}),
        }));
        return response.repositories?.[0];
    }
    catch (error) {
        if (errorName(error) === 'RepositoryNotFoundException')
            return undefined;
        throw error;
    }
}
async function getLifecyclePolicyText(client, name, registryId) {
    try {
        const response = await client.send(new _aws_sdk_client_ecr__WEBPACK_IMPORTED_MODULE_2__/* .GetLifecyclePolicyCommand */ .O0C({ repositoryName: name, registryId }));
        return response.lifecyclePolicyText;
    }
    catch (error) {
        if (errorName(error) === 'LifecyclePolicyNotFoundException')
            return undefined;
        throw error;
    }
}
/** Encryption is fixed at creation; describe a difference so the user can decide what to do. */
function compareEncryption(repository, wanted) {
    const actualType = repository.encryptionConfiguration?.encryptionType ?? 'AES256';
    const actualKey = repository.encryptionConfiguration?.kmsKey;
    const name = repository.repositoryName ?? 'the repository';
    const fixed = 'ECR sets encryption only when a repository is created; recreate it (or change the input) to make them agree';
    if (wanted.type === 'AES256' && actualType !== 'AES256') {
        return `ECR repository ${name} is encrypted with ${actualType}${actualKey ? ` (${actualKey})` : ''}, not AES256 as asked: ${fixed}.`;
    }
    if (wanted.type === 'KMS') {
        if (actualType !== 'KMS' && actualType !== 'KMS_DSSE') {
            return `ECR repository ${name} is encrypted with ${actualType}, not KMS as asked: ${fixed}.`;
        }
        if (wanted.kmsKey && actualKey && !sameKmsKey(actualKey, wanted.kmsKey)) {
            return `ECR repository ${name} uses KMS key ${actualKey}, not ${wanted.kmsKey} as asked: ${fixed}.`;
        }
    }
    return undefined;
}
/** A key ARN matches the same ARN or its bare key id; aliases cannot be resolved here, so they match. */
function sameKmsKey(actualArn, wanted) {
    if (wanted.startsWith('alias/') || wanted.includes(':alias/'))
        return true;
    if (actualArn === wanted)
        return true;
    return actualArn.endsWith(`:key/${wanted}`) || actualArn.endsWith(`/${wanted}`);
}
function errorName(error) {
    return error && typeof error === 'object' && 'name' in error ? String(error.name) : undefined;
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


/***/ })

};
