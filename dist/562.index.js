export const id = 562;
export const ids = [562,638];
export const modules = {

/***/ 3562:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(8249);
;// CONCATENATED MODULE: ./src/lib/ecr/client.ts
/**
 * The ECR client factory and GetAuthorizationToken. Credentials come from the environment (OIDC via
 * configure-aws-credentials upstream); the region and the API endpoint can be overridden (moto,
 * LocalStack). Adaptive retries: the SDK backs off with jitter on throttling, 5xx and dropped
 * connections, and slows its own send rate when throttled.
 */

function createEcrClient(settings) {
    return new dist_cjs/* ECRClient */.S70({
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
    const response = await client.send(new dist_cjs/* GetAuthorizationTokenCommand */.Eu6(registryId ? { registryIds: [registryId] } : {}));
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

// EXTERNAL MODULE: ./src/lib/scan/policy.ts
var scan_policy = __webpack_require__(3603);
;// CONCATENATED MODULE: ./src/lib/ecr/gate.ts
/**
 * The ECR scan gate: the same policy (src/lib/scan/policy.ts) as Trivy's, applied to ECR's
 * findings. When ECR gave no findings (failed, unsupported image, limit, timeout…) the caller says
 * whether that blocks (`fail`, the default) or only warns.
 */

function gateEcrScan(outcome, policy, now, onUnavailable) {
    if (!outcome.ready) {
        const text = `ECR scan findings unavailable (${outcome.status}): ${outcome.description}`;
        return onUnavailable === 'fail'
            ? { passed: false, message: `${text}. Set scan-unavailable: warn to let the push through without ECR findings.` }
            : { passed: true, message: '', warning: text };
    }
    const result = (0,scan_policy/* evaluate */._3)(outcome.findings, policy, now);
    return {
        passed: result.passed,
        message: result.passed ? '' : `ECR scan: ${(0,scan_policy/* failureMessage */.oh)(result, policy)}`,
        policy: result,
    };
}

// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/registry/docker.ts
var docker = __webpack_require__(5047);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/lib/registry/retry.ts
var retry = __webpack_require__(9721);
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
    return (0,retry/* retry */.L)(async () => {
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

;// CONCATENATED MODULE: ./src/lib/ecr/lifecycle.ts
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
        throw new errors/* ConfigurationError */.j1(`Invalid lifecycle settings: ${problems.join('; ')}.`);
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

;// CONCATENATED MODULE: ./src/lib/ecr/repository.ts
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
            throw new errors/* ConfigurationError */.j1(`ECR repository '${settings.name}' does not exist and input 'create-repository' is 'false': expected an existing repository, or create-repository: true.`);
        }
        try {
            const response = await client.send(new dist_cjs/* CreateRepositoryCommand */.WTe({
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
            await client.send(new dist_cjs/* PutImageTagMutabilityCommand */.cKn({
                repositoryName: settings.name,
                registryId: repository.registryId,
                imageTagMutability: settings.tagMutability,
            }));
            changes.push(`image tag mutability ${repository.imageTagMutability ?? 'unset'} → ${settings.tagMutability}`);
        }
        const scanOnPush = repository.imageScanningConfiguration?.scanOnPush ?? false;
        if (scanOnPush !== settings.scanOnPush) {
            await client.send(new dist_cjs/* PutImageScanningConfigurationCommand */.BlZ({
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
        // A repository made just now has no policy yet: no need to ask.
        const existing = created ? undefined : await getLifecyclePolicyText(client, settings.name, repository.registryId);
        if (!samePolicy(existing, settings.lifecycle)) {
            await client.send(new dist_cjs/* PutLifecyclePolicyCommand */.Rcn({
                repositoryName: settings.name,
                registryId: repository.registryId,
                lifecyclePolicyText: lifecyclePolicyText(settings.lifecycle),
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
        const response = await client.send(new dist_cjs/* DescribeRepositoriesCommand */.pE_({
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
        const response = await client.send(new dist_cjs/* GetLifecyclePolicyCommand */.O0C({ repositoryName: name, registryId }));
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

;// CONCATENATED MODULE: ./src/lib/ecr/push.ts





async function pushToEcr(settings, ports) {
    const { logger } = ports;
    // 1. Read-only steps first, side by side: the local image must exist before anything is created
    //    or pushed; the token is masked before anything could print it.
    const [local, credentials] = await Promise.all([
        (0,docker/* inspectImage */.mm)(ports.exec, settings.image),
        getRegistryCredentials(ports.ecr, ports.mask, settings.repository.registryId),
    ]);
    if (!local) {
        throw errors/* ConfigurationError */.j1.forInput('image', settings.image, 'a local image known to the docker daemon (an image id or name:tag, e.g. the output of build-scan)');
    }
    logger.info(`Local image ${settings.image} is ${local.id}`);
    const ecrHost = credentials.proxyEndpoint?.replace(/^https?:\/\//, '').replace(/\/$/, '');
    const registry = settings.registryEndpoint?.host ?? ecrHost;
    if (!registry)
        throw new Error('ECR GetAuthorizationToken returned no proxy endpoint (registry host)');
    const repositoryUri = `${registry}/${settings.repository.name}`;
    const api = {
        baseUrl: settings.registryEndpoint?.baseUrl ?? `https://${registry}`,
        authorization: basicAuthorization(credentials),
        clock: ports.clock,
        retry: settings.retry,
        ...(ports.fetch ? { fetch: ports.fetch } : {}),
    };
    // 2. The repository (ECR API) and, meanwhile, docker login into a private config dir (recorded
    //    before login writes the credentials) and a look at what every tag holds now.
    const dockerConfigDir = await (0,docker/* createDockerConfigDir */.u1)(settings.configDirBase);
    ports.onDockerConfig?.(dockerConfigDir, registry);
    const session = { exec: ports.exec, configDir: dockerConfigDir };
    const loginAndLook = async () => {
        await (0,docker/* dockerLogin */.a1)(session, { host: registry, username: credentials.username, password: credentials.password });
        logger.info(`Logged in to ${registry} (docker config in a private directory)`);
        return Promise.all(settings.tags.map(async (tag) => {
            const existing = await getManifest(api, settings.repository.name, tag);
            const same = existing ? await manifestHoldsImage(api, settings.repository.name, existing, local.id) : false;
            return { tag, existing: existing?.digest, same };
        }));
    };
    // Local tags cost nothing remotely; made now, they are ready when the push may start.
    const tagLocally = () => Promise.all(settings.tags.map((tag) => (0,docker/* tagImage */.E$)(ports.exec, local.id, `${repositoryUri}:${tag}`)));
    const [repository, plan] = await Promise.all([
        ensureRepository(ports.ecr, settings.repository, logger),
        loginAndLook(),
        tagLocally(),
    ]);
    if (settings.registryEndpoint === undefined && !repository.repositoryUri.startsWith(`${registry}/`)) {
        throw new Error(`ECR reports repository URI ${repository.repositoryUri}, not under the token's registry ${registry}`);
    }
    // 3. Every tag checked before the first push: an immutable tag holding other content stops here.
    const conflicts = plan.filter((p) => p.existing && !p.same);
    if (conflicts.length > 0 && repository.tagMutability === 'IMMUTABLE') {
        const names = conflicts.map((c) => `'${c.tag}' (holds ${c.existing})`).join(', ');
        throw new errors/* GateFailure */.In(`tag invalid: the image tag${conflicts.length > 1 ? 's' : ''} ${names} already exist${conflicts.length > 1 ? '' : 's'} in the '${repository.name}' repository with other content than ${settings.image} (${local.id}) and cannot be overwritten because the repository is immutable. Push under a new tag (e.g. the commit SHA); nothing was pushed.`);
    }
    for (const c of conflicts)
        logger.warning(`Tag '${c.tag}' held ${c.existing}; it will be moved (the repository's tags are MUTABLE)`);
    // 4. Tag and push what is not there yet: the first tag uploads the layers; the others only add a
    //    manifest, so they go side by side.
    const pushOne = async (tag) => {
        const reference = `${repositoryUri}:${tag}`;
        const digest = await (0,docker/* pushImage */.GH)(session, reference, {
            clock: ports.clock,
            logger,
            retry: settings.retry,
            ...(ports.random ? { random: ports.random } : {}),
        });
        logger.info(`Pushed ${reference} → ${digest}`);
        return { tag, reference, action: 'pushed', digest };
    };
    const results = new Map();
    for (const p of plan) {
        if (p.same && p.existing) {
            const reference = `${repositoryUri}:${p.tag}`;
            logger.info(`${reference} already holds this image (${p.existing}); not pushed again`);
            results.set(p.tag, { tag: p.tag, reference, action: 'unchanged', digest: p.existing });
        }
    }
    const toPush = plan.filter((p) => !results.has(p.tag)).map((p) => p.tag);
    if (toPush.length > 0) {
        results.set(toPush[0], await pushOne(toPush[0]));
        for (const r of await Promise.all(toPush.slice(1).map(pushOne)))
            results.set(r.tag, r);
    }
    const tags = plan.map((p) => results.get(p.tag));
    // 5. Read every tag back: the registry must serve the digest the push reported.
    await Promise.all(tags.map(async (t) => {
        const served = await headManifest(api, repository.name, t.tag);
        if (!served)
            throw new Error(`registry has no manifest for ${t.reference} right after the push`);
        if (served.digest !== t.digest) {
            throw new Error(`registry serves ${served.digest} for ${t.reference} but docker reported ${t.digest}`);
        }
    }));
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


// EXTERNAL MODULE: ./src/lib/runtime/inputs.ts
var inputs = __webpack_require__(523);
// EXTERNAL MODULE: ./src/lib/scan/findings.ts
var scan_findings = __webpack_require__(259);
;// CONCATENATED MODULE: ./src/lib/ecr/scan.ts
/**
 * Waiting for ECR's own scan of a pushed image and turning its findings into the shared Finding
 * schema (src/lib/scan/findings.ts), so the same policy gate as Trivy's applies. Polling is bounded
 * by a deadline on the Clock port (no SDK waiter); findings are read across every page.
 *
 * Scan statuses: IN_PROGRESS and PENDING → keep polling; COMPLETE (basic) and ACTIVE (enhanced,
 * continuous) → findings are ready; FAILED, UNSUPPORTED_IMAGE, SCAN_ELIGIBILITY_EXPIRED,
 * FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED, IMAGE_ARCHIVED (and anything new) → no findings to gate on.
 * ScanNotFoundException → no scan yet: start one once (when allowed), then keep polling;
 * LimitExceededException from StartImageScan → ECR's one-manual-scan-per-image-per-day limit.
 */




const WAITING = new Set(['IN_PROGRESS', 'PENDING']);
const READY = new Set(['COMPLETE', 'ACTIVE']);
async function waitForScanFindings(client, target, options) {
    const { clock, logger } = options;
    const deadline = clock.now() + options.timeoutMs;
    let polls = 0;
    let startedScan = false;
    let lastState = 'no scan yet';
    for (;;) {
        polls += 1;
        let page;
        try {
            page = await client.send(describe(target));
        }
        catch (error) {
            const name = errorName(error);
            if (name === 'ScanNotFoundException') {
                lastState = 'no scan found';
                if (options.startScanIfMissing && !startedScan) {
                    startedScan = true;
                    const started = await startScan(client, target, logger);
                    if (started)
                        return unavailable(started.status, started.description, polls);
                }
            }
            else if (name === 'ImageNotFoundException') {
                lastState = 'image not yet visible to ECR';
            }
            else if (name === 'LimitExceededException') {
                return unavailable('LIMIT_EXCEEDED', limitMessage(), polls);
            }
            else {
                throw error;
            }
        }
        if (page) {
            const status = page.imageScanStatus?.status ?? 'UNKNOWN';
            const description = page.imageScanStatus?.description ?? '';
            if (READY.has(status)) {
                return readAllPages(client, target, page, status, description, polls, options.maxPages ?? 1000);
            }
            if (!WAITING.has(status)) {
                return unavailable(status, description || describeStatus(status), polls);
            }
            lastState = status;
        }
        const left = deadline - clock.now();
        if (left <= 0) {
            return unavailable('TIMEOUT', `ECR scan not finished after ${(0,inputs/* formatDuration */.a3)(options.timeoutMs)} (last state: ${lastState})`, polls);
        }
        logger.info(`ECR scan of ${target.repositoryName}@${target.imageDigest.slice(0, 19)}…: ${lastState}; polling again in ${(0,inputs/* formatDuration */.a3)(Math.min(options.intervalMs, left))}`);
        await clock.sleep(Math.min(options.intervalMs, left));
    }
}
function describe(target, nextToken) {
    return new dist_cjs/* DescribeImageScanFindingsCommand */.TQ0({
        repositoryName: target.repositoryName,
        ...(target.registryId ? { registryId: target.registryId } : {}),
        imageId: { imageDigest: target.imageDigest },
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
    });
}
async function startScan(client, target, logger) {
    try {
        await client.send(new dist_cjs/* StartImageScanCommand */.Qc9({
            repositoryName: target.repositoryName,
            ...(target.registryId ? { registryId: target.registryId } : {}),
            imageId: { imageDigest: target.imageDigest },
        }));
        logger.info(`Started an ECR scan of ${target.repositoryName}@${target.imageDigest}`);
        return undefined;
    }
    catch (error) {
        const name = errorName(error);
        if (name === 'LimitExceededException')
            return { status: 'LIMIT_EXCEEDED', description: limitMessage() };
        if (name === 'UnsupportedImageTypeException') {
            return { status: 'UNSUPPORTED_IMAGE', description: describeStatus('UNSUPPORTED_IMAGE') };
        }
        throw error;
    }
}
async function readAllPages(client, target, first, status, description, polls, maxPages) {
    const findings = [];
    let page = first;
    let pages = 0;
    const reportedCounts = {};
    for (const [severity, count] of Object.entries(first.imageScanFindings?.findingSeverityCounts ?? {})) {
        reportedCounts[severity] = count ?? 0;
    }
    for (;;) {
        pages += 1;
        findings.push(...convertPage(page));
        if (!page.nextToken)
            break;
        if (pages >= maxPages)
            throw new Error(`ECR scan findings for ${target.repositoryName} exceed ${maxPages} pages`);
        page = await client.send(describe(target, page.nextToken));
    }
    const unique = (0,scan_findings/* dedupeFindings */._4)(findings);
    return {
        status,
        ready: true,
        description: description || describeStatus(status),
        findings: unique,
        counts: (0,scan_findings/* countBySeverity */.Ot)(unique),
        reportedCounts,
        pages,
        polls,
    };
}
function unavailable(status, description, polls) {
    return {
        status,
        ready: false,
        description,
        findings: [],
        counts: (0,scan_findings/* countBySeverity */.Ot)([]),
        reportedCounts: {},
        pages: 0,
        polls,
    };
}
function limitMessage() {
    return 'ECR allows one manual scan per image per 24 hours and that scan was already used (LimitExceededException)';
}
function describeStatus(status) {
    switch (status) {
        case 'COMPLETE':
            return 'The scan completed.';
        case 'ACTIVE':
            return 'Continuous scanning is active for this image.';
        case 'FAILED':
            return 'ECR could not scan the image.';
        case 'UNSUPPORTED_IMAGE':
            return "ECR cannot scan this image (its operating system or media type isn't supported).";
        case 'SCAN_ELIGIBILITY_EXPIRED':
            return 'The image is no longer scanned continuously (its scan eligibility expired); no current findings.';
        case 'FINDINGS_UNAVAILABLE':
            return 'ECR has no findings for this image (not scanned, or the findings were removed).';
        case 'LIMIT_EXCEEDED':
            return limitMessage();
        case 'IMAGE_ARCHIVED':
            return 'The image is archived; archived images are not scanned.';
        default:
            return `ECR reported scan status ${status}.`;
    }
}
/** Converts one DescribeImageScanFindings page (basic or enhanced findings) to shared Findings. */
function convertPage(page) {
    const out = [];
    for (const f of page.imageScanFindings?.findings ?? [])
        out.push(convertBasic(f));
    for (const f of page.imageScanFindings?.enhancedFindings ?? [])
        out.push(...convertEnhanced(f));
    return out;
}
function convertBasic(f) {
    const attr = (key) => f.attributes?.find((a) => a.key === key)?.value;
    const finding = {
        id: f.name ?? 'UNKNOWN',
        severity: (0,scan_findings/* normalizeSeverity */.lv)(f.severity),
        package: attr('package_name') ?? 'unknown',
        installedVersion: attr('package_version') ?? '',
        source: 'ecr',
    };
    if (f.description)
        finding.title = f.description.split('\n', 1)[0];
    if (f.uri)
        finding.url = f.uri;
    return finding;
}
function convertEnhanced(f) {
    const details = f.packageVulnerabilityDetails;
    const id = details?.vulnerabilityId ?? f.title ?? f.findingArn ?? 'UNKNOWN';
    const packages = details?.vulnerablePackages?.length ? details.vulnerablePackages : [{}];
    return packages.map((p) => {
        const finding = {
            id,
            severity: (0,scan_findings/* normalizeSeverity */.lv)(f.severity),
            package: p.name ?? 'unknown',
            installedVersion: packageVersion(p),
            source: 'ecr',
        };
        const fixed = p.fixedInVersion;
        if (fixed && fixed !== 'NotAvailable')
            finding.fixedVersion = fixed;
        if (f.title)
            finding.title = f.title;
        if (p.filePath)
            finding.target = p.filePath;
        if (details?.sourceUrl)
            finding.url = details.sourceUrl;
        return finding;
    });
}
function packageVersion(p) {
    if (!p.version)
        return '';
    const epoch = p.epoch ? `${p.epoch}:` : '';
    const release = p.release ? `-${p.release}` : '';
    return `${epoch}${p.version}${release}`;
}

;// CONCATENATED MODULE: ./src/lib/ecr/names.ts
/**
 * The grammars of the names push-ecr takes: ECR repository names, image tags, AWS regions, ECR
 * registry hosts, KMS keys. Pure functions; every failure is a ConfigurationError naming the input,
 * the value and the expected form, so bad input stops the action before anything is written.
 */

/** ECR's repository name grammar (CreateRepository API reference), 2 to 256 characters. */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Docker's tag grammar: a word character, then up to 127 word characters, dots or dashes. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** Commercial, GovCloud, China and ISO partitions: us-east-1, us-gov-west-1, cn-north-1, us-iso-east-1. */
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
/** A key id, a multi-Region key id, an alias, or the ARN of a key or alias. */
const KMS_KEY = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]{1,250}))$/;
/** `host[:port]`, optionally with an http:// or https:// scheme, nothing after. */
const ENDPOINT = /^(?:(https?):\/\/)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?\/?$/;
function validateRepositoryName(input, value) {
    if (value.length < 2 || value.length > 256 || !REPOSITORY_NAME.test(value)) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'an ECR repository name of 2 to 256 characters: lowercase letters and digits, separated by single ' +
            "'.', '_' or '-', with '/' between path parts (e.g. phlo/dagster)");
    }
    return value;
}
function validateTag(input, value) {
    if (!TAG.test(value)) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, "image tags of at most 128 characters from letters, digits, '_', '.' and '-', not starting with '.' or '-'");
    }
    return value;
}
function validateRegion(input, value) {
    if (!REGION.test(value)) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'an AWS region such as us-east-1, eu-west-2 or us-gov-west-1');
    }
    return value;
}
/** Parses an ECR registry host; returns undefined for anything that is not one. */
function parseEcrHost(value) {
    const match = ECR_HOST.exec(value.toLowerCase());
    if (!match)
        return undefined;
    return { host: value.toLowerCase(), accountId: match[1], region: match[2] };
}
function validateEcrHost(input, value) {
    const bare = value.replace(/^https:\/\//, '').replace(/\/$/, '');
    const parsed = parseEcrHost(bare);
    if (!parsed) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'an ECR registry host <12-digit account>.dkr.ecr.<region>.amazonaws.com (e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com)');
    }
    validateRegion(input, parsed.region);
    return parsed;
}
function validateKmsKey(input, value) {
    if (!KMS_KEY.test(value)) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'a KMS key id, key ARN, alias/<name> or alias ARN');
    }
    return value;
}
/**
 * Parses `host[:port]` (https) or `http://host[:port]` / `https://host[:port]`. The scheme is what the
 * manifest read-back uses; docker decides its own transport (plain HTTP only for its insecure
 * registries, which include 127.0.0.0/8).
 */
function parseRegistryEndpoint(input, value) {
    const match = ENDPOINT.exec(value);
    const port = match?.[3] ? Number(match[3]) : undefined;
    if (!match || (port !== undefined && (port < 1 || port > 65535))) {
        throw errors/* ConfigurationError */.j1.forInput(input, value, 'a registry address host[:port], optionally with http:// or https:// (e.g. 127.0.0.1:15000 or http://127.0.0.1:15000)');
    }
    const scheme = match[1] ?? 'https';
    const host = `${match[2].toLowerCase()}${port !== undefined ? `:${port}` : ''}`;
    return { host, baseUrl: `${scheme}://${host}` };
}
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

;// CONCATENATED MODULE: ./src/lib/ecr/settings.ts
/**
 * push-ecr's inputs parsed once into a typed settings object. Every problem is collected and
 * reported together (ConfigurationErrors) before anything is written.
 */




function parsePushEcrSettings(inputs, env = process.env) {
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
    const image = attempt(() => inputs.required('image', 'a local image id or name:tag (e.g. the image-id output of build-scan)'));
    const repositoryName = attempt(() => validateRepositoryName('repository', inputs.required('repository', 'an ECR repository name such as phlo/dagster')));
    const tags = attempt(() => {
        const list = inputs.list('tags');
        if (list.length === 0) {
            throw new errors/* ConfigurationError */.j1("Input 'tags' is required but was not set: expected one or more image tags, one per line or comma separated.");
        }
        return [...new Set(list.map((t) => validateTag('tags', t)))];
    });
    const registryHost = attempt(() => {
        const value = inputs.optional('registry');
        return value ? validateEcrHost('registry', value) : undefined;
    });
    const region = attempt(() => {
        const given = inputs.optional('region');
        if (given) {
            validateRegion('region', given);
            if (registryHost && registryHost.region !== given) {
                throw errors/* ConfigurationError */.j1.forInput('region', given, `the region of input 'registry' (${registryHost.region}), or leave region unset`);
            }
            return given;
        }
        const fallback = registryHost?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
        if (!fallback) {
            throw new errors/* ConfigurationError */.j1("Input 'region' is required but was not set: expected an AWS region such as us-east-1 (or set 'registry' to an ECR host, or AWS_REGION).");
        }
        return validateRegion(env.AWS_REGION && !registryHost ? 'region (from AWS_REGION)' : 'region', fallback);
    });
    const ecrEndpoint = attempt(() => {
        const fromEnv = env.AWS_ENDPOINT_URL_ECR || env.AWS_ENDPOINT_URL;
        const url = inputs.url('ecr-endpoint', fromEnv || undefined);
        return url?.toString().replace(/\/$/, '');
    });
    const registryEndpoint = attempt(() => {
        const value = inputs.optional('registry-endpoint');
        return value ? parseRegistryEndpoint('registry-endpoint', value) : undefined;
    });
    const create = attempt(() => inputs.boolean('create-repository', true));
    const tagMutability = attempt(() => inputs.oneOf('tag-mutability', ['IMMUTABLE', 'MUTABLE'], 'IMMUTABLE'));
    const scanOnPush = attempt(() => inputs.boolean('scan-on-push', true));
    const encryption = attempt(() => {
        const kmsKey = inputs.optional('kms-key');
        const type = inputs.oneOf('encryption', ['AES256', 'KMS'], kmsKey ? 'KMS' : 'AES256');
        if (kmsKey) {
            validateKmsKey('kms-key', kmsKey);
            if (type !== 'KMS')
                throw errors/* ConfigurationError */.j1.forInput('encryption', type, "KMS when 'kms-key' is set (or leave encryption unset)");
            return { type: 'KMS', kmsKey };
        }
        return type === 'KMS' ? { type: 'KMS' } : { type: 'AES256' };
    });
    const keepTagged = attempt(() => inputs.int('lifecycle-keep-tagged', 100, { min: 0, max: 10_000 }));
    const untaggedDays = attempt(() => inputs.int('lifecycle-untagged-days', 14, { min: 0, max: 10_000 }));
    const manageLifecycle = attempt(() => inputs.boolean('lifecycle-policy', true));
    const pushAttempts = attempt(() => inputs.int('push-attempts', 5, { min: 1, max: 20 }));
    const apiMaxAttempts = attempt(() => inputs.int('api-max-attempts', 6, { min: 1, max: 20 }));
    const waitForScan = attempt(() => inputs.boolean('wait-for-scan', false));
    const scan = attempt(() => {
        if (!waitForScan)
            return undefined;
        const failOn = (0,scan_policy/* parseSeverities */.fE)('severity', inputs.list('severity', ['HIGH', 'CRITICAL']));
        const ignoreFile = inputs.optional('ignore-file');
        return {
            timeoutMs: inputs.duration('scan-timeout', '10m'),
            intervalMs: inputs.duration('scan-interval', '10s'),
            startScanIfMissing: inputs.boolean('start-scan', true),
            onUnavailable: inputs.oneOf('scan-unavailable', ['fail', 'warn'], 'fail'),
            policy: (0,scan_policy/* defaultPolicy */.G4)({ failOn, fixableOnly: inputs.boolean('fixable-only', false) }),
            ...(ignoreFile ? { ignoreFile } : {}),
        };
    });
    if (problems.length > 0)
        throw new errors/* ConfigurationErrors */.yb(problems);
    const lifecycle = manageLifecycle
        ? buildLifecyclePolicy({ keepTagged: keepTagged, untaggedDays: untaggedDays })
        : undefined;
    const retry = { attempts: pushAttempts, baseMs: 1000, capMs: 20_000 };
    return {
        push: {
            image: image,
            tags: tags,
            repository: {
                name: repositoryName,
                ...(registryHost ? { registryId: registryHost.accountId } : {}),
                tagMutability: tagMutability,
                scanOnPush: scanOnPush,
                encryption: encryption,
                ...(lifecycle ? { lifecycle } : {}),
                create: create,
            },
            ...(registryEndpoint ? { registryEndpoint } : {}),
            retry,
        },
        region: region,
        ...(ecrEndpoint ? { ecrEndpoint } : {}),
        apiMaxAttempts: apiMaxAttempts,
        ...(registryHost ? { registryHost } : {}),
        ...(scan ? { scan } : {}),
    };
}

// EXTERNAL MODULE: ./src/lib/report/markdown.ts
var markdown = __webpack_require__(8581);
;// CONCATENATED MODULE: ./src/lib/ecr/summary.ts
/** The push-ecr job summary: a pure function from results to Markdown. */


function pushSummary(result, scan) {
    const parts = [(0,markdown/* heading */.R_)('push-ecr')];
    parts.push((0,markdown/* table */.tp)(['', ''], [
        ['Image', `\`${result.image}\``],
        [
            'Repository',
            `${result.repository.name} (${result.repository.created ? 'created' : 'existing'}, ${result.repository.tagMutability})`,
        ],
        ['Registry', result.registry],
        ['Token expires', result.tokenExpiresAt?.toISOString() ?? 'unknown'],
    ]));
    parts.push((0,markdown/* table */.tp)(['Tag', 'Action', 'Digest'], result.tags.map((t) => [t.tag, t.action, `\`${t.digest}\``])));
    if (result.repository.changes.length > 0)
        parts.push(`Repository settings changed: ${result.repository.changes.map(markdown/* escapeCell */.kq).join('; ')}`);
    for (const w of result.repository.warnings)
        parts.push(`⚠️ ${(0,markdown/* escapeCell */.kq)(w)}`);
    if (scan) {
        parts.push((0,markdown/* heading */.R_)(`ECR scan ${(0,markdown/* icon */.Kk)(scan.gate.passed)} ${scan.outcome.status}`, 4));
        if (scan.outcome.ready) {
            const order = [...scan_findings/* SEVERITIES */.oC].reverse();
            parts.push((0,markdown/* table */.tp)(order, [order.map((s) => scan.outcome.counts[s])]));
            const blocking = scan.gate.policy?.blocking ?? [];
            if (blocking.length > 0) {
                parts.push((0,markdown/* table */.tp)(['Blocking finding'], blocking.slice(0, 10).map((f) => [(0,scan_findings/* describeFinding */.jb)(f)])));
            }
        }
        else {
            parts.push((0,markdown/* escapeCell */.kq)(scan.outcome.description));
        }
        if (scan.gate.message)
            parts.push((0,markdown/* escapeCell */.kq)(scan.gate.message));
        if (scan.gate.warning)
            parts.push(`⚠️ ${(0,markdown/* escapeCell */.kq)(scan.gate.warning)}`);
    }
    return parts.join('\n\n');
}

// EXTERNAL MODULE: ./src/lib/scan/ignore.ts
var ignore = __webpack_require__(4235);
// EXTERNAL MODULE: ./src/lib/registry/exec.ts
var exec = __webpack_require__(4030);
// EXTERNAL MODULE: ./src/lib/runtime/clock.ts
var clock = __webpack_require__(8794);
// EXTERNAL MODULE: ./src/actions/push-ecr/state.ts
var state = __webpack_require__(8638);
;// CONCATENATED MODULE: ./src/actions/push-ecr/run.ts











async function run(ctx) {
    const settings = parsePushEcrSettings(ctx.inputs);
    // The ignore file is read (and checked) before anything is written.
    if (settings.scan?.ignoreFile)
        settings.scan.policy.ignores = await (0,ignore/* loadIgnoreFile */.F)(settings.scan.ignoreFile, 'ignore-file');
    const ecr = createEcrClient({
        region: settings.region,
        ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
        maxAttempts: settings.apiMaxAttempts,
    });
    try {
        const result = await pushToEcr(settings.push, {
            ecr,
            exec: exec/* spawnExec */.b,
            clock: clock/* systemClock */.m,
            logger: ctx.logger,
            mask: (secret) => ctx.setSecret(secret),
            onDockerConfig: (dir, registry) => {
                ctx.saveState(state.STATE.dockerConfig, dir);
                ctx.saveState(state.STATE.registry, registry);
            },
        });
        ctx.setOutput('registry', result.registry);
        ctx.setOutput('repository-uri', result.repositoryUri);
        ctx.setOutput('ecr-repository-uri', result.ecrRepositoryUri);
        ctx.setOutput('digest', result.digest);
        ctx.setOutput('image', result.image);
        ctx.setOutput('tags', result.tags.map((t) => t.reference));
        ctx.setOutput('token-expiry', result.tokenExpiresAt?.toISOString() ?? '');
        ctx.setOutput('repository-created', result.repository.created);
        if (!settings.scan) {
            ctx.summary(pushSummary(result));
            return;
        }
        const outcome = await ctx.logger.group('Waiting for the ECR scan', () => waitForScanFindings(ecr, {
            repositoryName: result.repository.name,
            registryId: result.repository.registryId,
            imageDigest: result.digest,
        }, {
            clock: clock/* systemClock */.m,
            logger: ctx.logger,
            timeoutMs: settings.scan.timeoutMs,
            intervalMs: settings.scan.intervalMs,
            startScanIfMissing: settings.scan.startScanIfMissing,
        }));
        const gate = gateEcrScan(outcome, settings.scan.policy, new Date(clock/* systemClock */.m.now()), settings.scan.onUnavailable);
        ctx.setOutput('scan-status', outcome.status);
        ctx.setOutput('scan-counts', outcome.counts);
        ctx.summary(pushSummary(result, { outcome, gate }));
        if (gate.warning)
            ctx.logger.warning(gate.warning);
        if (!gate.passed)
            throw new errors/* GateFailure */.In(gate.message);
        ctx.logger.info(`ECR scan ${outcome.status}: gate passed`);
    }
    finally {
        ecr.destroy();
    }
}


/***/ }),

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

/***/ 5047:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ tagImage),
/* harmony export */   GH: () => (/* binding */ pushImage),
/* harmony export */   a1: () => (/* binding */ dockerLogin),
/* harmony export */   mm: () => (/* binding */ inspectImage),
/* harmony export */   ty: () => (/* binding */ cleanupDockerConfig),
/* harmony export */   u1: () => (/* binding */ createDockerConfigDir)
/* harmony export */ });
/* unused harmony exports CONFIG_DIR_PREFIX, removeDockerConfigDir, DockerCommandError, dockerLogout, isTransientDockerError, parsePushDigest */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9721);
/**
 * The docker CLI steps of a push: a private DOCKER_CONFIG directory, `docker login
 * --password-stdin` into it, tag, push (retried on transient failures), logout. Every command is an
 * argument array; the password only ever travels on stdin.
 */




const CONFIG_DIR_PREFIX = 'phlo-docker-config-';
/** Creates a private (0700) docker config directory under RUNNER_TEMP or the OS temp dir. */
async function createDockerConfigDir(base = process.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)()) {
    const dir = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(base, CONFIG_DIR_PREFIX));
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.chmod)(dir, 0o700);
    return dir;
}
/** Deletes a directory made by createDockerConfigDir; refuses any other path. */
async function removeDockerConfigDir(dir) {
    if (!(0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(dir).startsWith(CONFIG_DIR_PREFIX)) {
        throw new Error(`refusing to delete '${dir}': not a docker config directory made by push-ecr`);
    }
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true });
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
    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L)(async () => {
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

/***/ 9721:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ retry)
/* harmony export */ });
/* unused harmony export backoffDelay */
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


/***/ }),

/***/ 8581:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Kk: () => (/* binding */ icon),
/* harmony export */   R_: () => (/* binding */ heading),
/* harmony export */   kq: () => (/* binding */ escapeCell),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
/* unused harmony exports details, codeBlock */
/** Small pure helpers for job-summary Markdown. Every summary is a function from results to text. */
function escapeCell(value) {
    return String(value ?? '')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, '<br>');
}
function table(header, rows) {
    const lines = [
        `| ${header.map(escapeCell).join(' | ')} |`,
        `| ${header.map(() => '---').join(' | ')} |`,
        ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
    ];
    return lines.join('\n');
}
function heading(text, level = 3) {
    return `${'#'.repeat(level)} ${text}`;
}
function details(summary, body) {
    return `<details><summary>${escapeCell(summary)}</summary>\n\n${body}\n\n</details>`;
}
function codeBlock(text, language = '') {
    const fence = text.includes('```') ? '````' : '```';
    return `${fence}${language}\n${text}\n${fence}`;
}
const icon = (ok) => (ok ? '✅' : '❌');


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

/***/ 523:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dl: () => (/* binding */ parseUrl),
/* harmony export */   E1: () => (/* binding */ parseList),
/* harmony export */   G0: () => (/* binding */ Inputs),
/* harmony export */   a3: () => (/* binding */ formatDuration)
/* harmony export */ });
/* unused harmony exports fromRecord, parseBoolean, parseInteger, parseDuration */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);

function fromRecord(record) {
    return (name) => record[name] ?? '';
}
/** Typed readers over an InputSource; every failure is a ConfigurationError naming the input. */
class Inputs {
    source;
    constructor(source) {
        this.source = source;
    }
    raw(name) {
        return this.source(name).trim();
    }
    string(name, fallback = '') {
        return this.raw(name) || fallback;
    }
    required(name, expected = 'a value') {
        const value = this.raw(name);
        if (!value) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`Input '${name}' is required but was not set: expected ${expected}.`);
        }
        return value;
    }
    optional(name) {
        return this.raw(name) || undefined;
    }
    boolean(name, fallback) {
        const value = this.raw(name);
        if (!value)
            return fallback;
        return parseBoolean(name, value);
    }
    int(name, fallback, range = {}) {
        const value = this.raw(name);
        if (!value)
            return fallback;
        return parseInteger(name, value, range);
    }
    number(name, fallback, range = {}) {
        const value = this.raw(name);
        if (!value)
            return fallback;
        const n = Number(value);
        if (!Number.isFinite(n) || (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
            throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, `a number${describeRange(range)}`);
        }
        return n;
    }
    /** A duration such as `500ms`, `30s`, `10m`, `1h30m` or a bare number of seconds; returns ms. */
    duration(name, fallback) {
        const value = this.raw(name);
        if (!value)
            return typeof fallback === 'number' ? fallback : parseDuration(name, fallback);
        return parseDuration(name, value);
    }
    /** A list split on newlines and commas, trimmed, empty items dropped. */
    list(name, fallback = []) {
        const value = this.raw(name);
        if (!value)
            return [...fallback];
        return parseList(value);
    }
    oneOf(name, allowed, fallback) {
        const value = this.raw(name);
        if (!value)
            return fallback;
        const lower = value.toLowerCase();
        const match = allowed.find((a) => a.toLowerCase() === lower);
        if (!match)
            throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, `one of ${allowed.join(', ')}`);
        return match;
    }
    /** `key=value` pairs, one per line (or comma separated); keys must be unique. */
    map(name) {
        const value = this.raw(name);
        const out = new Map();
        if (!value)
            return out;
        for (const item of parseList(value)) {
            const eq = item.indexOf('=');
            if (eq <= 0)
                throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, item, 'key=value pairs, one per line');
            const key = item.slice(0, eq).trim();
            if (out.has(key))
                throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, item, `each key once (${key} repeats)`);
            out.set(key, item.slice(eq + 1).trim());
        }
        return out;
    }
    url(name, fallback) {
        const value = this.raw(name) || fallback;
        if (!value)
            return undefined;
        return parseUrl(name, value);
    }
}
const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);
function parseBoolean(name, value) {
    const v = value.trim().toLowerCase();
    if (TRUE.has(v))
        return true;
    if (FALSE.has(v))
        return false;
    throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, 'true or false');
}
function parseInteger(name, value, range = {}) {
    const v = value.trim();
    if (!/^-?\d+$/.test(v))
        throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, `a whole number${describeRange(range)}`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || (range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
        throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, `a whole number${describeRange(range)}`);
    }
    return n;
}
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
function parseDuration(name, value) {
    const v = value.trim().toLowerCase();
    if (/^\d+(\.\d+)?$/.test(v))
        return Math.round(Number(v) * 1000);
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
    let total = 0;
    let consumed = 0;
    for (const match of v.matchAll(re)) {
        if (match.index !== consumed)
            break;
        total += Number(match[1]) * UNIT_MS[match[2]];
        consumed += match[0].length;
    }
    if (consumed === 0 || consumed !== v.length) {
        throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, 'a duration such as 30s, 10m, 1h30m or 500ms');
    }
    return Math.round(total);
}
function parseList(value) {
    return value
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}
function parseUrl(name, value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, 'an absolute http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, value, 'an absolute http:// or https:// URL');
    }
    return url;
}
function describeRange(range) {
    if (range.min !== undefined && range.max !== undefined)
        return ` from ${range.min} to ${range.max}`;
    if (range.min !== undefined)
        return ` of at least ${range.min}`;
    if (range.max !== undefined)
        return ` of at most ${range.max}`;
    return '';
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    const s = ms / 1000;
    if (s < 60)
        return `${s.toFixed(s < 10 ? 2 : 1)}s`;
    const m = Math.floor(s / 60);
    return `${m}m${Math.round(s - m * 60)}s`;
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
