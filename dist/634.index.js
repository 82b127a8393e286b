export const id = 634;
export const ids = [634,549];
export const modules = {

/***/ 7253:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _runner_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9286);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7549);


await (0,_runner_index_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .Cs)('push-ecr', _run_js__WEBPACK_IMPORTED_MODULE_1__.run);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 7549:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./src/lib/ecr/client.ts
var client = __webpack_require__(2295);
// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
;// CONCATENATED MODULE: ./src/lib/scan/findings.ts
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

;// CONCATENATED MODULE: ./src/lib/scan/policy.ts
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
        throw new errors/* ConfigurationError */.j1(`Ignore entry expiry '${expires}' is not a date: expected YYYY-MM-DD.`);
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
    const expiredIgnores = [...expiredHits].map(([entry, hits]) => ({ entry, findings: sortFindings(hits) }));
    return {
        blocking: sortFindings(blocking),
        ignored,
        expiredIgnores,
        unusedIgnores: policy.ignores.filter((e) => !used.has(e)),
        unfixable: sortFindings(unfixable),
        counts: countBySeverity(findings),
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
        const shown = result.blocking.slice(0, max).map(describeFinding);
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
        if (!isSeverity(v))
            throw errors/* ConfigurationError */.j1.forInput(input, raw, `severities from ${SEVERITIES.join(', ')}`);
        if (!out.includes(v))
            out.push(v);
    }
    if (out.length === 0)
        throw errors/* ConfigurationError */.j1.forInput(input, values.join(','), `at least one of ${SEVERITIES.join(', ')}`);
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
    const result = evaluate(outcome.findings, policy, now);
    return { passed: result.passed, message: result.passed ? '' : `ECR scan: ${failureMessage(result, policy)}`, policy: result };
}

// EXTERNAL MODULE: ./src/lib/ecr/push.ts + 3 modules
var push = __webpack_require__(9312);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(8249);
// EXTERNAL MODULE: ./src/lib/runtime/inputs.ts
var inputs = __webpack_require__(523);
// EXTERNAL MODULE: ./src/lib/ecr/repository.ts
var repository = __webpack_require__(9532);
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
            const name = (0,repository/* errorName */.Is)(error);
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
        const name = (0,repository/* errorName */.Is)(error);
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
    const unique = dedupeFindings(findings);
    return {
        status,
        ready: true,
        description: description || describeStatus(status),
        findings: unique,
        counts: countBySeverity(unique),
        reportedCounts,
        pages,
        polls,
    };
}
function unavailable(status, description, polls) {
    return { status, ready: false, description, findings: [], counts: countBySeverity([]), reportedCounts: {}, pages: 0, polls };
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
        severity: normalizeSeverity(f.severity),
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
            severity: normalizeSeverity(f.severity),
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

// EXTERNAL MODULE: ./src/lib/ecr/lifecycle.ts
var ecr_lifecycle = __webpack_require__(6086);
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
        const failOn = parseSeverities('severity', inputs.list('severity', ['HIGH', 'CRITICAL']));
        const ignoreFile = inputs.optional('ignore-file');
        return {
            timeoutMs: inputs.duration('scan-timeout', '10m'),
            intervalMs: inputs.duration('scan-interval', '10s'),
            startScanIfMissing: inputs.boolean('start-scan', true),
            onUnavailable: inputs.oneOf('scan-unavailable', ['fail', 'warn'], 'fail'),
            policy: defaultPolicy({ failOn, fixableOnly: inputs.boolean('fixable-only', false) }),
            ...(ignoreFile ? { ignoreFile } : {}),
        };
    });
    if (problems.length > 0)
        throw new errors/* ConfigurationErrors */.yb(problems);
    const lifecycle = manageLifecycle ? (0,ecr_lifecycle/* buildLifecyclePolicy */.x5)({ keepTagged: keepTagged, untaggedDays: untaggedDays }) : undefined;
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
        ['Repository', `${result.repository.name} (${result.repository.created ? 'created' : 'existing'}, ${result.repository.tagMutability})`],
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
            const order = [...SEVERITIES].reverse();
            parts.push((0,markdown/* table */.tp)(order, [order.map((s) => scan.outcome.counts[s])]));
            const blocking = scan.gate.policy?.blocking ?? [];
            if (blocking.length > 0) {
                parts.push((0,markdown/* table */.tp)(['Blocking finding'], blocking.slice(0, 10).map((f) => [describeFinding(f)])));
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

// EXTERNAL MODULE: ./src/lib/registry/exec.ts
var exec = __webpack_require__(4030);
// EXTERNAL MODULE: ./src/lib/runtime/clock.ts
var clock = __webpack_require__(8794);
// EXTERNAL MODULE: ./src/actions/push-ecr/state.ts
var state = __webpack_require__(8638);
;// CONCATENATED MODULE: ./src/actions/push-ecr/run.ts










async function run(ctx) {
    const settings = parsePushEcrSettings(ctx.inputs);
    const ecr = (0,client/* createEcrClient */.yv)({
        region: settings.region,
        ...(settings.ecrEndpoint ? { endpoint: settings.ecrEndpoint } : {}),
        maxAttempts: settings.apiMaxAttempts,
    });
    try {
        const result = await (0,push/* pushToEcr */.K)(settings.push, {
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
        const outcome = await ctx.logger.group('Waiting for the ECR scan', () => waitForScanFindings(ecr, { repositoryName: result.repository.name, registryId: result.repository.registryId, imageDigest: result.digest }, {
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

/***/ 9286:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cs: () => (/* binding */ runAction)
/* harmony export */ });
/* unused harmony exports coreLogger, createContext, reportFailure */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6421);
/* harmony import */ var _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5709);
/* harmony import */ var _lib_runtime_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(523);
/**
 * The GitHub runner adapter: the only place (with the entry points) that touches @actions/core.
 * `runAction` wraps an action's body in the catch-all that turns any error into one clean
 * `::error::` line and a non-zero exit code, and hands the body its typed ports.
 */



const coreLogger = {
    info: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(m),
    warning: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(m),
    debug: (m) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(m),
    group: (title, fn) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(title, fn),
};
function createContext() {
    const parts = [];
    return {
        inputs: new _lib_runtime_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0((name) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getInput */ .V4(name)),
        logger: coreLogger,
        setOutput: (name, value) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setOutput */ .uH(name, typeof value === 'object' ? JSON.stringify(value) : value),
        setSecret: (value) => {
            if (value)
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(value);
        },
        summary: (markdown) => {
            parts.push(markdown);
        },
        saveState: (name, value) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .saveState */ .LZ(name, value),
        getState: (name) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(name),
        flushSummary: async () => {
            if (parts.length === 0 || !process.env.GITHUB_STEP_SUMMARY)
                return;
            await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(parts.join('\n\n'), true).write();
        },
    };
}
/** Runs an action body; never throws, never calls process.exit. */
async function runAction(name, body) {
    const ctx = createContext();
    try {
        await body(ctx);
    }
    catch (error) {
        reportFailure(name, error);
    }
    finally {
        try {
            await ctx.flushSummary();
        }
        catch (error) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${name}: could not write the job summary: ${(0,_lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(error)}`);
        }
    }
}
function reportFailure(name, error) {
    process.exitCode = 1;
    if (error instanceof _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ConfigurationError */ .j1) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(`${name}: ${error.message}`);
        return;
    }
    if (error instanceof _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .GateFailure */ .In) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(`${name}: ${error.message}`);
        return;
    }
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1(`${name} failed: ${(0,_lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeError */ .Uc)(error)}`);
    if (error instanceof Error) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(error.stack ?? String(error));
        let cause = error.cause;
        while (cause) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
            cause = cause instanceof Error ? cause.cause : undefined;
        }
    }
}


/***/ })

};
