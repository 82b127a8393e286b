export const id = 198;
export const ids = [198];
export const modules = {

/***/ 8198:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/runtime/clock.ts
var clock = __webpack_require__(8794);
;// CONCATENATED MODULE: ./src/lib/health/http.ts
const MAX_BODY = 64 * 1024;
function httpTarget(url, headers = {}) {
    const label = url.toString();
    return {
        label,
        send: async ({ signal }) => {
            const response = await fetch(url, { method: 'GET', headers, signal, redirect: 'manual' });
            const body = await readLimited(response);
            return { status: response.status, body };
        },
    };
}
async function readLimited(response) {
    if (!response.body)
        return '';
    const reader = response.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        chunks.push(value);
        size += value.byteLength;
        if (size >= MAX_BODY) {
            await reader.cancel();
            break;
        }
    }
    return Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY);
}
/** Joins a base URL and a path: `https://x/app` + `/health` → `https://x/app/health`. */
function joinUrl(base, path) {
    const url = new URL(base.toString());
    const basePath = url.pathname.replace(/\/+$/, '');
    const [p, query] = path.split('?', 2);
    url.pathname = `${basePath}/${p.replace(/^\/+/, '')}`;
    if (query !== undefined)
        url.search = query;
    return url;
}

;// CONCATENATED MODULE: ./src/lib/health/stats.ts
/** Nearest-rank percentile of a sample (p in 0..100); undefined for an empty sample. */
function percentile(values, p) {
    if (values.length === 0)
        return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

;// CONCATENATED MODULE: ./src/lib/health/probe.ts

async function runHealthGate(targets, policy, ports) {
    const started = ports.clock.now();
    const deadline = started + policy.deadlineMs;
    const probed = await Promise.all(targets.map((t) => probeTarget(t, policy, deadline, ports)));
    const all = probed.flatMap((p) => p.latencies);
    return {
        healthy: probed.every((p) => p.result.healthy),
        targets: probed.map((p) => p.result),
        p50Ms: percentile(all, 50),
        p95Ms: percentile(all, 95),
        durationMs: ports.clock.now() - started,
    };
}
async function probeTarget(target, policy, deadline, { logger, clock }) {
    const latencies = [];
    let attempts = 0;
    let successes = 0;
    let streak = 0;
    let bestStreak = 0;
    let reason;
    let lastStatus;
    while (clock.now() < deadline) {
        attempts++;
        const remaining = deadline - clock.now();
        const timeoutMs = Math.max(1, Math.min(policy.attemptTimeoutMs, remaining));
        const outcome = await attempt(target, policy, timeoutMs);
        lastStatus = outcome.status ?? lastStatus;
        if (outcome.ok) {
            successes++;
            streak++;
            bestStreak = Math.max(bestStreak, streak);
            latencies.push(outcome.latencyMs);
            logger.debug(`${target.label}: ok ${outcome.status} in ${Math.round(outcome.latencyMs)}ms (${streak}/${policy.consecutiveSuccesses})`);
            if (streak >= policy.consecutiveSuccesses)
                break;
        }
        else {
            if (streak > 0 || attempts === 1 || outcome.reason !== reason) {
                logger.info(`${target.label}: ${outcome.reason}`);
            }
            streak = 0;
            reason = outcome.reason;
        }
        const wait = Math.min(policy.intervalMs, deadline - clock.now());
        if (wait > 0)
            await clock.sleep(wait);
    }
    const p50Ms = percentile(latencies, 50);
    const p95Ms = percentile(latencies, 95);
    let healthy = streak >= policy.consecutiveSuccesses;
    if (!healthy) {
        reason = `${bestStreak}/${policy.consecutiveSuccesses} consecutive successes before the deadline` + (reason ? `; last failure: ${reason}` : '');
    }
    else if (policy.latencyBudgetMs !== undefined && p95Ms !== undefined && p95Ms > policy.latencyBudgetMs) {
        healthy = false;
        reason = `p95 latency ${Math.round(p95Ms)}ms is over the budget of ${policy.latencyBudgetMs}ms`;
    }
    else {
        reason = undefined;
    }
    return {
        result: { label: target.label, healthy, attempts, successes, streak: bestStreak, p50Ms, p95Ms, reason, lastStatus },
        latencies,
    };
}
async function attempt(target, policy, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('attempt timeout')), timeoutMs);
    const start = performance.now();
    try {
        const response = await target.send({ label: target.label, timeoutMs, signal: controller.signal });
        const latencyMs = performance.now() - start;
        if (!policy.expectedStatus.includes(response.status)) {
            return { ok: false, status: response.status, reason: `status ${response.status}, expected ${policy.expectedStatus.join(' or ')}` };
        }
        if (policy.expectJson) {
            const mismatch = checkJson(response.body, policy.expectJson);
            if (mismatch)
                return { ok: false, status: response.status, reason: mismatch };
        }
        return { ok: true, status: response.status, latencyMs };
    }
    catch (error) {
        if (controller.signal.aborted)
            return { ok: false, reason: `no answer within ${timeoutMs}ms (attempt timeout)` };
        return { ok: false, reason: networkReason(error) };
    }
    finally {
        clearTimeout(timer);
    }
}
/** Returns a description of the first mismatch, or undefined when the body matches. */
function checkJson(body, expected) {
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return 'body is not JSON';
    }
    for (const [path, want] of Object.entries(expected)) {
        const got = path.split('.').reduce((node, key) => {
            if (node && typeof node === 'object' && key in node)
                return node[key];
            return undefined;
        }, parsed);
        if (JSON.stringify(got) !== JSON.stringify(want)) {
            return `body field '${path}' is ${got === undefined ? 'missing' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
        }
    }
    return undefined;
}
function networkReason(error) {
    const e = error;
    const code = e?.cause?.code;
    if (code)
        return `connection failed (${code})`;
    return `request failed: ${(e?.cause?.message ?? e?.message ?? String(error)).split('\n')[0]}`;
}

// EXTERNAL MODULE: ./src/lib/runtime/inputs.ts
var runtime_inputs = __webpack_require__(523);
;// CONCATENATED MODULE: ./src/lib/health/settings.ts
/** health-gate's typed settings, parsed once from inputs. */


const DEFAULT_PATHS = ['/health', '/ready'];
function parsePolicy(inputs) {
    const expectedStatus = parseStatusCodes('expected-status', inputs.string('expected-status', '200'));
    const expectJson = parseExpectJson(inputs.map('expect-json'));
    const latency = inputs.raw('latency-budget');
    return {
        expectedStatus,
        consecutiveSuccesses: inputs.int('consecutive-successes', 3, { min: 1, max: 1000 }),
        intervalMs: inputs.duration('interval', '2s'),
        attemptTimeoutMs: inputs.duration('attempt-timeout', '5s'),
        deadlineMs: inputs.duration('timeout', '5m'),
        expectJson,
        latencyBudgetMs: latency ? inputs.duration('latency-budget', 0) : undefined,
    };
}
/** Parses `Name: value` lines; the values are secrets (auth headers) — the caller masks them. */
function parseHeaders(raw) {
    const headers = {};
    for (const line of raw.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const colon = line.indexOf(':');
        const name = colon > 0 ? line.slice(0, colon).trim() : '';
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
            // Do not echo the line: it may hold a credential.
            throw new errors/* ConfigurationError */.j1(`Input 'headers' has a line that is not 'Name: value' (header name '${name.slice(0, 40)}'): write one header per line, e.g. 'Authorization: Bearer …'.`);
        }
        headers[name] = line.slice(colon + 1).trim();
    }
    return headers;
}
function parseStatusCodes(input, raw) {
    const codes = new Set();
    for (const item of (0,runtime_inputs/* parseList */.E1)(raw)) {
        const range = /^(\d{3})-(\d{3})$/.exec(item);
        if (range) {
            const [from, to] = [Number(range[1]), Number(range[2])];
            if (from > to || from < 100 || to > 599)
                throw errors/* ConfigurationError */.j1.forInput(input, raw, 'status codes or ranges such as 200, 204 or 200-299');
            for (let c = from; c <= to; c++)
                codes.add(c);
        }
        else if (/^\d{3}$/.test(item) && Number(item) >= 100 && Number(item) <= 599) {
            codes.add(Number(item));
        }
        else {
            throw errors/* ConfigurationError */.j1.forInput(input, raw, 'status codes or ranges such as 200, 204 or 200-299');
        }
    }
    if (codes.size === 0)
        throw errors/* ConfigurationError */.j1.forInput(input, raw, 'at least one status code');
    return [...codes];
}
function parseExpectJson(pairs) {
    if (pairs.size === 0)
        return undefined;
    const out = {};
    for (const [key, value] of pairs) {
        try {
            out[key] = JSON.parse(value);
        }
        catch {
            out[key] = value;
        }
    }
    return out;
}
function parseUrlSettings(inputs) {
    const bases = inputs.list('url').map((u) => (0,runtime_inputs/* parseUrl */.Dl)('url', u));
    const paths = inputs.list('paths', DEFAULT_PATHS);
    for (const p of paths) {
        if (!p.startsWith('/'))
            throw errors/* ConfigurationError */.j1.forInput('paths', p, "paths starting with '/', e.g. /health");
    }
    return { urls: bases, paths };
}

// EXTERNAL MODULE: ./src/lib/report/markdown.ts
var markdown = __webpack_require__(8581);
;// CONCATENATED MODULE: ./src/lib/health/summary.ts

const ms = (v) => (v === undefined ? '–' : `${Math.round(v)} ms`);
/** The health gate's job-summary section. */
function healthSummary(result) {
    const rows = result.targets.map((t) => [
        (0,markdown/* icon */.Kk)(t.healthy),
        t.label,
        `${t.successes}/${t.attempts}`,
        ms(t.p50Ms),
        ms(t.p95Ms),
        t.reason ?? '',
    ]);
    return [
        (0,markdown/* heading */.R_)(`Health gate: ${result.healthy ? 'healthy' : 'unhealthy'}`),
        (0,markdown/* table */.tp)(['', 'target', 'ok/attempts', 'p50', 'p95', 'note'], rows),
    ].join('\n\n');
}

;// CONCATENATED MODULE: ./src/actions/health-gate/run.ts






async function run(ctx) {
    // Mask header values before anything else can print them.
    const headers = parseHeaders(ctx.inputs.raw('headers'));
    for (const value of Object.values(headers))
        ctx.setSecret(value);
    const { urls, paths } = parseUrlSettings(ctx.inputs);
    const policy = parsePolicy(ctx.inputs);
    if (urls.length === 0) {
        throw new errors/* ConfigurationError */.j1("Input 'url' is required: give one or more base URLs, e.g. https://app.example.com");
    }
    const targets = urls.flatMap((base) => paths.map((p) => httpTarget(joinUrl(base, p), headers)));
    ctx.logger.info(`Probing ${targets.length} target(s) until ${policy.consecutiveSuccesses} consecutive successes each`);
    const result = await runHealthGate(targets, policy, { logger: ctx.logger, clock: clock/* systemClock */.m });
    ctx.setOutput('healthy', result.healthy);
    ctx.setOutput('p50-ms', result.p50Ms === undefined ? '' : Math.round(result.p50Ms));
    ctx.setOutput('p95-ms', result.p95Ms === undefined ? '' : Math.round(result.p95Ms));
    ctx.setOutput('results', result.targets);
    ctx.summary(healthSummary(result));
    if (!result.healthy) {
        const bad = result.targets.filter((t) => !t.healthy);
        throw new errors/* GateFailure */.In(`${bad.length} of ${result.targets.length} target(s) unhealthy: ${bad.map((t) => `${t.label} (${t.reason})`).join('; ')}`);
    }
    ctx.logger.info(`All ${result.targets.length} target(s) healthy in ${Math.round(result.durationMs)}ms`);
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


/***/ })

};
