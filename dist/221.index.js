export const id = 221;
export const ids = [221,638];
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


/***/ })

};
