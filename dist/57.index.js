export const id = 57;
export const ids = [57];
export const modules = {

/***/ 3057:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  main: () => (/* binding */ main)
});

// UNUSED EXPORTS: COMMANDS, parseArgs

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/runtime/inputs.ts
var runtime_inputs = __webpack_require__(523);
;// CONCATENATED MODULE: ./src/lib/runtime/logger.ts
/** A logger that keeps every line, for tests and for the CLI's summary. */
class MemoryLogger {
    lines = [];
    info(message) {
        this.lines.push(message);
    }
    warning(message) {
        this.lines.push(`warning: ${message}`);
    }
    debug(message) {
        this.lines.push(`debug: ${message}`);
    }
    async group(title, fn) {
        this.lines.push(`[${title}]`);
        return fn();
    }
    text() {
        return this.lines.join('\n');
    }
}
/** A logger for terminals (the CLI): plain lines on stderr, debug behind PHLO_DEBUG. */
class ConsoleLogger {
    write;
    verbose;
    constructor(write = (line) => process.stderr.write(`${line}\n`), verbose = process.env.PHLO_DEBUG === '1') {
        this.write = write;
        this.verbose = verbose;
    }
    info(message) {
        this.write(message);
    }
    warning(message) {
        this.write(`warning: ${message}`);
    }
    debug(message) {
        if (this.verbose)
            this.write(`debug: ${message}`);
    }
    async group(title, fn) {
        this.write(`── ${title}`);
        return fn();
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts
/**
 * `phlo-deploy`: the same actions and pipeline from a terminal. Every flag is the action input of
 * the same name (`--environment production` is input `environment`), so the README's tables describe
 * the CLI too. Outputs are printed as `name=value` lines on stdout, the job summary after them.
 *
 *   phlo-deploy deploy --env local            the whole pipeline (the root action)
 *   phlo-deploy <action> [--input value ...]  one action: build-scan, push-ecr, render, apply, ...
 *   phlo-deploy stack up|status|down          the local stack (from a clone of this repository)
 */







/** Commands and what they do; a unit test keeps this list equal to src/actions/. */
const COMMANDS = {
    deploy: 'the whole pipeline: build-scan, push-ecr, render, apply, rollout-gate, health-gate, rollback on failure',
    'build-scan': 'build the image, scan it with Trivy, gate on severity, write SARIF and an SBOM',
    'push-ecr': 'make sure the ECR repository exists, log in, push every tag, output the digest',
    render: 'render k8s/ for an environment with images pinned by digest',
    apply: 'server-side apply with an all-or-nothing dry run, diff and opt-in pruning',
    'rollout-gate': 'watch workloads until they are rolled out, fail fast and explain',
    'health-gate': 'probe /health and /ready until they answer well N times in a row',
    rollback: 'return workloads to a recorded or previous revision',
};
/** Aliases for the flags people type most. */
const ALIASES = { env: 'environment' };
function parseArgs(argv) {
    const [command = 'help', ...rest] = argv;
    const inputs = new Map();
    let json = false;
    for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (!arg.startsWith('--') || arg === '--') {
            throw new errors/* ConfigurationError */.j1(`Unexpected argument '${arg}': flags are written --name value (see 'phlo-deploy help').`);
        }
        let name = arg.slice(2);
        let value;
        const eq = name.indexOf('=');
        if (eq >= 0) {
            value = name.slice(eq + 1);
            name = name.slice(0, eq);
        }
        else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) {
            value = rest[++i];
        }
        else {
            value = 'true';
        }
        if (name === 'json') {
            json = value !== 'false';
            continue;
        }
        name = ALIASES[name] ?? name;
        // A repeated flag adds a line, for list inputs (--tags a --tags b).
        inputs.set(name, inputs.has(name) ? `${inputs.get(name)}\n${value}` : value);
    }
    return { command, inputs, json };
}
/** Replaces every registered secret in a line before it reaches the terminal. */
class MaskingLogger {
    inner;
    secrets = new Set();
    constructor(inner) {
        this.inner = inner;
    }
    add(secret) {
        if (secret.length >= 3)
            this.secrets.add(secret);
    }
    mask(text) {
        let out = text;
        for (const s of this.secrets)
            out = out.split(s).join('***');
        return out;
    }
    info(m) {
        this.inner.info(this.mask(m));
    }
    warning(m) {
        this.inner.warning(this.mask(m));
    }
    debug(m) {
        this.inner.debug(this.mask(m));
    }
    group(title, fn) {
        return this.inner.group(this.mask(title), fn);
    }
}
const defaultIo = {
    out: (text) => process.stdout.write(text),
    logger: new ConsoleLogger(),
};
async function loadStep(action, step) {
    try {
        const mod = (await __webpack_require__(5246)(`./${action}/${step}.ts`));
        return mod.run;
    }
    catch (error) {
        if (step === 'post-run' && error.code === 'MODULE_NOT_FOUND')
            return undefined;
        if (step === 'post-run' && /Cannot find module/.test(String(error)))
            return undefined;
        throw error;
    }
}
async function main(argv, io = defaultIo) {
    const logger = new MaskingLogger(io.logger);
    try {
        const { command, inputs, json } = parseArgs(argv);
        if (command === 'help' || command === '--help' || command === '-h') {
            io.out(usage());
            return 0;
        }
        if (command === 'stack')
            return await runStack(argv.slice(1));
        if (!(command in COMMANDS)) {
            throw new errors/* ConfigurationError */.j1(`Unknown command '${command}': expected one of ${Object.keys(COMMANDS).join(', ')}, stack or help.`);
        }
        const outputs = new Map();
        const summary = [];
        const state = new Map();
        const ctx = {
            inputs: new runtime_inputs/* Inputs */.G0((name) => inputs.get(name) ?? ''),
            logger,
            setOutput: (name, value) => outputs.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value)),
            setSecret: (value) => logger.add(value),
            summary: (md) => summary.push(md),
            saveState: (name, value) => state.set(name, value),
            getState: (name) => state.get(name) ?? '',
        };
        const run = await loadStep(command, 'run');
        const post = await loadStep(command, 'post-run');
        let failure;
        try {
            await run(ctx);
        }
        catch (error) {
            failure = error;
        }
        finally {
            if (post)
                await post(ctx).catch((error) => logger.warning(`cleanup failed: ${(0,errors/* describeError */.Uc)(error)}`));
        }
        const printed = Object.fromEntries(outputs);
        io.out(logger.mask(json ? `${JSON.stringify(printed, null, 2)}\n` : Object.entries(printed).map(([k, v]) => `${k}=${v}\n`).join('')));
        if (summary.length)
            io.out(`\n${logger.mask(summary.join('\n\n'))}\n`);
        if (failure)
            throw failure;
        return 0;
    }
    catch (error) {
        if (error instanceof errors/* ConfigurationError */.j1 || error instanceof errors/* GateFailure */.In) {
            logger.info(`error: ${error.message}`);
        }
        else {
            logger.info(`error: ${(0,errors/* describeError */.Uc)(error)}`);
            if (error instanceof Error)
                logger.debug(error.stack ?? '');
        }
        return 1;
    }
}
function usage() {
    const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
    return [
        'Usage: phlo-deploy <command> [--input value ...]',
        '',
        'Commands:',
        ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
        `  ${'stack'.padEnd(width)}  up | status | down: the local stack (from a clone of phlo-deploy)`,
        '',
        "Every --flag is the action input of the same name (see the README's tables); a repeated flag",
        'adds a line to a list input. --env is short for --environment. --json prints outputs as JSON.',
        '',
    ].join('\n');
}
async function runStack(args) {
    const here = (0,external_node_path_.dirname)((0,external_node_url_.fileURLToPath)(import.meta.url));
    const candidates = [(0,external_node_path_.resolve)(here, '..', 'stack', 'stack.sh'), (0,external_node_path_.resolve)(here, '..', '..', 'stack', 'stack.sh'), __webpack_require__.ab + "stack.sh"];
    const script = candidates.find((c) => (0,external_node_fs_.existsSync)(c));
    if (!script)
        throw new errors/* ConfigurationError */.j1("'phlo-deploy stack' runs from a clone of phlo-deploy: stack/stack.sh was not found.");
    const child = (0,external_node_child_process_.spawn)('bash', [script, ...args], { stdio: 'inherit' });
    return new Promise((res) => child.on('close', (code) => res(code ?? 1)));
}


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
