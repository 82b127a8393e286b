export const id = 881;
export const ids = [881];
export const modules = {

/***/ 1881:
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
    const settings = (0,_lib_gates_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .parseRollbackInputs */ .hy)(ctx.inputs);
    const kc = (0,_lib_kube_config_js__WEBPACK_IMPORTED_MODULE_2__/* .loadKubeConfig */ .u)((0,_lib_kube_config_js__WEBPACK_IMPORTED_MODULE_2__/* .resolveKubeconfigSource */ .z)(settings.kube));
    const target = (0,_lib_gates_settings_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveTarget */ .u1)(settings.rollback.target, settings.workloads);
    ctx.logger.info(`Rolling back ${settings.workloads.length} workload(s) to ${typeof target === 'number' ? `revision ${target}` : `the ${target} revision`}`);
    const result = await (0,_lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__/* .rollbackAndGate */ .T5)(kc, settings.workloads, {
        target,
        deleteCreated: settings.rollback.deleteCreated,
        gateTimeoutMs: settings.timeoutMs,
        restartLimit: settings.restartLimit,
        logger: ctx.logger,
        clock: _lib_runtime_clock_js__WEBPACK_IMPORTED_MODULE_1__/* .systemClock */ .m,
    });
    ctx.setOutput('healthy', result.healthy);
    ctx.setOutput('outcomes', result.outcomes);
    ctx.setOutput('verdict', result.gate?.verdict ?? 'none');
    ctx.summary((0,_lib_gates_index_js__WEBPACK_IMPORTED_MODULE_3__/* .renderRollbackSummary */ .ZP)(result));
    if (!result.healthy) {
        const errors = result.outcomes.filter((o) => o.outcome === 'error').map((o) => `${o.ref.kind}/${o.ref.namespace ?? ''}/${o.ref.name}: ${o.message}`);
        const gate = result.gate && result.gate.verdict !== 'success' ? [`the rolled-back workloads did not become healthy (${result.gate.verdict})`] : [];
        throw new _lib_runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .GateFailure */ .In(`rollback incomplete — ${[...errors, ...gate].join('; ')}`);
    }
}


/***/ })

};
