export const id = 965;
export const ids = [965,221,638];
export const modules = {

/***/ 2221:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _lib_registry_docker_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5047);
/* harmony import */ var _lib_registry_exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4030);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8638);



/** The post step: log out of the registry and delete the private docker config directory. */
async function run(ctx) {
    const dir = ctx.getState(_state_js__WEBPACK_IMPORTED_MODULE_2__.STATE.dockerConfig);
    if (!dir) {
        ctx.logger.info('No docker config directory was created; nothing to clean up');
        return;
    }
    await (0,_lib_registry_docker_js__WEBPACK_IMPORTED_MODULE_0__/* .cleanupDockerConfig */ .ty)(_lib_registry_exec_js__WEBPACK_IMPORTED_MODULE_1__/* .spawnExec */ .b, dir, ctx.getState(_state_js__WEBPACK_IMPORTED_MODULE_2__.STATE.registry) || undefined, ctx.logger);
}


/***/ }),

/***/ 965:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _runner_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9286);
/* harmony import */ var _post_run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2221);


await (0,_runner_index_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .Cs)('push-ecr post', _post_run_js__WEBPACK_IMPORTED_MODULE_1__.run);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

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
