export const id = 522;
export const ids = [522];
export const modules = {

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


/***/ })

};
