export const id = 659;
export const ids = [659,861];
export const modules = {

/***/ 8659:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _runner_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9286);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4861);


await (0,_runner_index_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .Cs)('render', _run_js__WEBPACK_IMPORTED_MODULE_1__.run);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4861:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseRenderInputs: () => (/* binding */ parseRenderInputs),
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5709);
/* harmony import */ var _lib_manifests_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2994);
/* harmony import */ var _lib_manifests_validate_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6962);
/* harmony import */ var _lib_kube_apply_report_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5148);






/** Parses the render inputs (env gives the GitHub defaults: workspace, commit, run URL, temp dir). */
function parseRenderInputs(ctx, env) {
    const inputs = ctx.inputs;
    // secrets first: masked before anything below can fail and print
    const inline = inputs.raw('secrets');
    const workspace = node_path__WEBPACK_IMPORTED_MODULE_0___default().resolve(inputs.string('workspace', env.GITHUB_WORKSPACE || process.cwd()));
    const values = (0,_lib_manifests_index_js__WEBPACK_IMPORTED_MODULE_3__/* .readSecretValues */ .xL)({ envFile: inputs.optional('env-file'), inline: inline || undefined, workspace }, (s) => ctx.setSecret(s));
    const environment = inputs.required('environment', 'an environment name such as production, staging or local');
    const secretName = inputs.string('secret-name', 'phlo-secrets');
    const secretNamespace = inputs.string('secret-namespace', 'dagster');
    if (!_lib_manifests_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .DNS1123_SUBDOMAIN */ .ei.test(secretName))
        throw _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput('secret-name', secretName, 'a DNS-1123 name');
    if (!_lib_manifests_validate_js__WEBPACK_IMPORTED_MODULE_4__/* .DNS1123_LABEL */ .a0.test(secretNamespace))
        throw _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput('secret-namespace', secretNamespace, 'a DNS-1123 label');
    const runUrl = inputs.optional('run-url') ??
        (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
            : undefined);
    const commit = inputs.optional('commit') ?? env.GITHUB_SHA;
    if (commit && !/^[0-9a-f]{7,64}$/.test(commit))
        throw _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput('commit', commit, 'a git commit SHA (hex)');
    const output = inputs.optional('output') ??
        node_path__WEBPACK_IMPORTED_MODULE_0___default().join(env.RUNNER_TEMP || node_os__WEBPACK_IMPORTED_MODULE_1___default().tmpdir(), 'phlo-deploy', `rendered-${environment}.yaml`);
    return {
        workspace,
        manifests: inputs.list('manifests', ['k8s']),
        environment,
        settingsFile: inputs.optional('settings'),
        images: (0,_lib_manifests_index_js__WEBPACK_IMPORTED_MODULE_3__/* .parseImagesInput */ .M)('images', inputs.map('images')),
        labels: inputs.map('labels'),
        annotations: inputs.map('annotations'),
        ...(values.size ? { secret: { name: secretName, namespace: secretNamespace, values } } : {}),
        commit,
        runUrl,
        output: node_path__WEBPACK_IMPORTED_MODULE_0___default().resolve(workspace, output),
    };
}
async function run(ctx) {
    const settings = parseRenderInputs(ctx, process.env);
    const result = (0,_lib_manifests_index_js__WEBPACK_IMPORTED_MODULE_3__/* .renderManifests */ .hO)(settings, ctx.logger);
    ctx.logger.info(`Rendered ${result.refs.length} objects for '${settings.environment}' into ${result.path}`);
    ctx.setOutput('path', result.path ?? '');
    ctx.setOutput('count', result.refs.length);
    ctx.setOutput('objects', result.refs);
    ctx.summary((0,_lib_kube_apply_report_js__WEBPACK_IMPORTED_MODULE_5__/* .renderSummary */ .B)(settings.environment, result.refs, result.path));
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
