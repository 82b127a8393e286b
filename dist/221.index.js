export const id = 221;
export const ids = [221];
export const modules = {

/***/ 2221:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   run: () => (/* binding */ run)
/* harmony export */ });
/* harmony import */ var _lib_ecr_push_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9312);
/* harmony import */ var _lib_registry_exec_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4030);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8638);



/** The post step: log out of the registry and delete the private docker config directory. */
async function run(ctx) {
    const dir = ctx.getState(_state_js__WEBPACK_IMPORTED_MODULE_2__.STATE.dockerConfig);
    if (!dir) {
        ctx.logger.info('No docker config directory was created; nothing to clean up');
        return;
    }
    await (0,_lib_ecr_push_js__WEBPACK_IMPORTED_MODULE_0__/* .cleanupDockerConfig */ .t)(_lib_registry_exec_js__WEBPACK_IMPORTED_MODULE_1__/* .spawnExec */ .b, dir, ctx.getState(_state_js__WEBPACK_IMPORTED_MODULE_2__.STATE.registry) || undefined, ctx.logger);
}


/***/ })

};
