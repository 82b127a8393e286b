export const id = 861;
export const ids = [861];
export const modules = {

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


/***/ })

};
