export const id = 258;
export const ids = [258,522];
export const modules = {

/***/ 3258:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _runner_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9286);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1522);


await (0,_runner_index_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .Cs)('rollout-gate', _run_js__WEBPACK_IMPORTED_MODULE_1__.run);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 1522:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _lib_runtime_clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8794);
/* harmony import */ var _lib_kube_config_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7687);
/* harmony import */ var _lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6913);
/* harmony import */ var _lib_gates_settings_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9347);





async function run(ctx) {
    ctx.setSecret(ctx.inputs.raw('kubeconfig-content'));
    const settings = (0,_lib_gates_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .parseGateInputs */ .s0)(ctx.inputs);
    const kc = (0,_lib_kube_config_js__WEBPACK_IMPORTED_MODULE_2__/* .loadKubeConfig */ .u)((0,_lib_kube_config_js__WEBPACK_IMPORTED_MODULE_2__/* .resolveKubeconfigSource */ .z)(settings.kube));
    ctx.logger.info(`Gating ${settings.workloads.length} workload(s) under one deadline of ${settings.timeoutMs}ms`);
    const { gate, rollback } = await (0,_lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__/* .gateAndRollback */ .Ps)(kc, settings.workloads, {
        timeoutMs: settings.timeoutMs,
        restartLimit: settings.restartLimit,
        logger: ctx.logger,
        clock: _lib_runtime_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .systemClock */ .m,
        rollback: settings.rollback.enabled
            ? { enabled: true, target: (0,_lib_gates_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveTarget */ .u1)('auto', settings.workloads), timeoutMs: settings.rollback.timeoutMs, deleteCreated: settings.rollback.deleteCreated }
            : undefined,
    });
    ctx.setOutput('verdict', gate.verdict);
    ctx.setOutput('workloads', gate.workloads);
    ctx.setOutput('duration-ms', Math.round(gate.durationMs));
    ctx.setOutput('rolled-back', rollback ? rollback.outcomes.some((o) => o.outcome === 'rolled-back') : false);
    ctx.setOutput('rollback-healthy', rollback ? rollback.healthy : '');
    ctx.summary((0,_lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__/* .renderGateSummary */ .oU)(gate));
    if (rollback)
        ctx.summary((0,_lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__/* .renderRollbackSummary */ .ZP)(rollback));
    if (gate.verdict !== 'success') {
        const bad = gate.workloads.filter((w) => w.state === 'failed' || w.state === 'timeout');
        const what = bad.map((w) => `${w.kind}/${w.namespace ?? ''}/${w.name}: ${w.reason ?? w.state}`).join('; ');
        const after = rollback ? ` Rolled back: ${rollback.healthy ? 'healthy again' : 'the rollback is NOT healthy'}.` : '';
        throw new _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GateFailure */ .In(`rollout ${gate.verdict} — ${what}.${after}`);
    }
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
