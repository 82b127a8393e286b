export const id = 791;
export const ids = [791];
export const modules = {

/***/ 5148:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ renderSummary),
/* harmony export */   H: () => (/* binding */ applySummary)
/* harmony export */ });
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3400);

const MAX_DIFF_CHARS = 60_000;
function renderSummary(environment, refs, path) {
    const lines = [`### render: ${refs.length} objects for \`${environment}\``, ''];
    if (path)
        lines.push(`Written to \`${path}\` (Secret values are not in it).`, '');
    lines.push('| kind | namespace | name |', '| --- | --- | --- |');
    for (const r of refs)
        lines.push(`| ${r.kind} | ${r.namespace ?? ''} | ${r.name} |`);
    return lines.join('\n');
}
function applySummary(result, diffs) {
    const c = result.counts;
    const lines = [
        `### apply${result.dryRun ? ' (dry run: nothing written)' : ''}`,
        '',
        `| created | changed | unchanged | pruned |`,
        `| --- | --- | --- | --- |`,
        `| ${c.created} | ${c.changed} | ${c.unchanged} | ${c.pruned} |`,
        '',
    ];
    const touched = result.objects.filter((o) => o.action !== 'unchanged');
    if (touched.length) {
        lines.push('| object | action |', '| --- | --- |');
        for (const o of touched)
            lines.push(`| ${(0,_types_js__WEBPACK_IMPORTED_MODULE_0__/* .refKey */ .X)(o)} | ${o.action} |`);
        lines.push('');
    }
    let budget = MAX_DIFF_CHARS;
    for (const d of diffs) {
        if (!d.diff)
            continue;
        if (d.diff.length > budget) {
            lines.push(`_(further diffs left out of the summary; they are in the log)_`);
            break;
        }
        budget -= d.diff.length;
        lines.push(`<details><summary>${(0,_types_js__WEBPACK_IMPORTED_MODULE_0__/* .refKey */ .X)(d.ref)} (${d.action})</summary>`, '', '```diff', d.diff.trimEnd(), '```', '</details>', '');
    }
    return lines.join('\n');
}


/***/ }),

/***/ 3400:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   X: () => (/* binding */ refKey),
/* harmony export */   i: () => (/* binding */ WORKLOAD_KINDS)
/* harmony export */ });
/**
 * Plain values that flow between stages: render → apply → gates → rollback. Kept in one file so
 * every stage (and the CLI and the root action) agrees on them. JSON-serialisable: they are also
 * the actions' outputs.
 */
/** Kinds the rollout gate knows how to wait for (plus custom resources with a Ready condition). */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];
function refKey(ref) {
    return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}


/***/ }),

/***/ 9474:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ parseImagesInput),
/* harmony export */   Mc: () => (/* binding */ pinImages),
/* harmony export */   zZ: () => (/* binding */ parseImage)
/* harmony export */ });
/* unused harmony exports formatImage, containerLists */
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _merge_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4558);
/* harmony import */ var _kinds_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9633);
/** Image references: parsing, the `images` input, and pinning containers by digest. */



const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REPO_PART = /^[a-z0-9.:_-]+(\/[a-z0-9._-]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
function parseImage(ref) {
    let rest = ref.trim();
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            return undefined;
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            return undefined;
    }
    if (!rest || !REPO_PART.test(rest))
        return undefined;
    return { repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
function formatImage(ref) {
    return `${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
/**
 * The `images` input: `name=registry/repo[:tag]@sha256:<64 hex>`, one per line. A name matches a
 * container whose image repository equals it or ends with `/<name>`.
 */
function parseImagesInput(input, entries, requireDigest = true) {
    const out = new Map();
    const problems = [];
    for (const [name, value] of entries) {
        const parsed = parseImage(value);
        if (!name || !/^[a-z0-9][a-z0-9._/:-]*$/.test(name)) {
            problems.push(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, `${name}=${value}`, 'name=registry/repository@sha256:<64 hex digits> with a lowercase image name').message);
        }
        else if (!parsed || (requireDigest && !parsed.digest)) {
            problems.push(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, `${name}=${value}`, `name=registry/repository[:tag]@sha256:<64 hex digits> (pinned by digest)`).message);
        }
        else
            out.set(name, formatImage(parsed));
    }
    if (problems.length)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb(problems);
    return out;
}
function matches(name, repository) {
    return repository === name || repository.endsWith(`/${name}`);
}
/** Every container list of an object's pod template (or Pod spec). */
function containerLists(object, kind) {
    let spec;
    if (kind === 'Pod')
        spec = object.spec;
    else {
        const path = (0,_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .podTemplatePath */ .vt)(kind);
        if (!path)
            return [];
        let node = object;
        for (const p of path)
            node = (0,_merge_js__WEBPACK_IMPORTED_MODULE_1__/* .isPlainObject */ .Q)(node) ? node[p] : undefined;
        spec = (0,_merge_js__WEBPACK_IMPORTED_MODULE_1__/* .isPlainObject */ .Q)(node) ? node.spec : undefined;
    }
    if (!(0,_merge_js__WEBPACK_IMPORTED_MODULE_1__/* .isPlainObject */ .Q)(spec))
        return [];
    const lists = [];
    for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
        const list = spec[key];
        if (Array.isArray(list))
            lists.push(list.filter(_merge_js__WEBPACK_IMPORTED_MODULE_1__/* .isPlainObject */ .Q));
    }
    return lists;
}
/**
 * Replaces each matching container image with the pinned reference; then, when `requireDigest`,
 * refuses any container image without a digest (naming the object, the container and the image).
 */
function pinImages(manifests, images, requireDigest, environment) {
    const used = new Set();
    const problems = [];
    for (const m of manifests) {
        for (const list of containerLists(m.object, m.ref.kind)) {
            for (const c of list) {
                const current = typeof c.image === 'string' ? c.image : '';
                const parsed = parseImage(current);
                const cname = typeof c.name === 'string' ? c.name : '?';
                const where = `${m.ref.kind} ${m.ref.namespace ? `${m.ref.namespace}/` : ''}${m.ref.name} container '${cname}'`;
                if (!parsed) {
                    problems.push(`${where} (${m.source}): image '${current}' is not a valid image reference.`);
                    continue;
                }
                // longest name wins (a full repository beats a short name)
                const match = [...images.keys()]
                    .filter((n) => matches(n, parsed.repository))
                    .sort((a, b) => b.length - a.length)[0];
                if (match) {
                    c.image = images.get(match);
                    used.add(match);
                }
                else if (requireDigest && !parsed.digest) {
                    problems.push(`${where}: image '${current}' is not pinned by digest, which environment '${environment}' requires: ` +
                        `pass it in input 'images' as ${parsed.repository.split('/').pop()}=<registry>/<repository>@sha256:<digest> ` +
                        'or pin it in the environment settings.');
                }
            }
        }
    }
    if (problems.length)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb(problems);
    return { unused: [...images.keys()].filter((n) => !used.has(n)) };
}


/***/ }),

/***/ 2994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DD: () => (/* binding */ loadManifests),
/* harmony export */   M: () => (/* reexport safe */ _images_js__WEBPACK_IMPORTED_MODULE_4__.M),
/* harmony export */   hO: () => (/* reexport safe */ _render_js__WEBPACK_IMPORTED_MODULE_2__.hO),
/* harmony export */   xL: () => (/* reexport safe */ _secrets_js__WEBPACK_IMPORTED_MODULE_3__.xL)
/* harmony export */ });
/* harmony import */ var _load_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9296);
/* harmony import */ var _validate_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6962);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3056);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(271);
/* harmony import */ var _images_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9474);
/** The manifests domain: render (k8s/ → objects → file) and loading rendered files for apply. */





/**
 * Loads already-rendered manifests (files, folders or globs) for apply: every file inside `roots`
 * (the first is the workspace, relative patterns resolve against it), parsed safely and validated.
 */
function loadManifests(patterns, roots, limits = _load_js__WEBPACK_IMPORTED_MODULE_0__/* .DEFAULT_LOAD_LIMITS */ .QV, input = 'manifests') {
    const files = (0,_load_js__WEBPACK_IMPORTED_MODULE_0__/* .resolveManifestFiles */ .ZS)(input, patterns, roots[0], roots, limits);
    return (0,_validate_js__WEBPACK_IMPORTED_MODULE_1__/* .validateObjects */ .T1)((0,_load_js__WEBPACK_IMPORTED_MODULE_0__/* .loadDocuments */ .tu)(files, roots, limits));
}


/***/ }),

/***/ 9633:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F8: () => (/* binding */ groupOf),
/* harmony export */   Od: () => (/* binding */ scopeOf),
/* harmony export */   hH: () => (/* binding */ tierIndex),
/* harmony export */   iB: () => (/* binding */ TIERS),
/* harmony export */   kx: () => (/* binding */ tierOf),
/* harmony export */   vt: () => (/* binding */ podTemplatePath)
/* harmony export */ });
/* unused harmony exports CLUSTER_SCOPED, BUILTIN_GROUPS */
/**
 * What we know about built-in kinds without asking a cluster: their scope, and the apply tier.
 * For an API group listed in BUILTIN_GROUPS every kind is known, so a typo such as
 * `kind: Deploymnet` in apps/v1 is rejected at render time. Kinds of other groups (custom
 * resources) are checked by discovery at apply time (or by a CRD in the same manifests).
 */
/** Cluster-scoped built-in kinds. */
const CLUSTER_SCOPED = new Set([
    'Namespace',
    'Node',
    'PersistentVolume',
    'ClusterRole',
    'ClusterRoleBinding',
    'CustomResourceDefinition',
    'StorageClass',
    'PriorityClass',
    'IngressClass',
    'RuntimeClass',
    'CSIDriver',
    'CSINode',
    'VolumeAttachment',
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
    'APIService',
    'CertificateSigningRequest',
    'FlowSchema',
    'PriorityLevelConfiguration',
    'ComponentStatus',
    'DeviceClass',
    'ResourceSlice',
    'VolumeAttributesClass',
    'IPAddress',
    'ServiceCIDR',
    'TokenReview',
    'SubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SelfSubjectReview',
]);
/** Built-in groups (apiVersion group part, '' for core) and every kind they serve. */
const BUILTIN_GROUPS = {
    '': [
        'Binding',
        'ConfigMap',
        'Endpoints',
        'Event',
        'LimitRange',
        'Namespace',
        'Node',
        'PersistentVolume',
        'PersistentVolumeClaim',
        'Pod',
        'PodTemplate',
        'ReplicationController',
        'ResourceQuota',
        'Secret',
        'Service',
        'ServiceAccount',
        'ComponentStatus',
    ],
    apps: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
    batch: ['CronJob', 'Job'],
    autoscaling: ['HorizontalPodAutoscaler'],
    policy: ['PodDisruptionBudget', 'Eviction'],
    'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    'networking.k8s.io': ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR'],
    'storage.k8s.io': [
        'CSIDriver',
        'CSINode',
        'CSIStorageCapacity',
        'StorageClass',
        'VolumeAttachment',
        'VolumeAttributesClass',
    ],
    'scheduling.k8s.io': ['PriorityClass'],
    'node.k8s.io': ['RuntimeClass'],
    'coordination.k8s.io': ['Lease'],
    'discovery.k8s.io': ['EndpointSlice'],
    'apiextensions.k8s.io': ['CustomResourceDefinition'],
    'admissionregistration.k8s.io': [
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
        'ValidatingAdmissionPolicy',
        'ValidatingAdmissionPolicyBinding',
        'MutatingAdmissionPolicy',
        'MutatingAdmissionPolicyBinding',
    ],
    'apiregistration.k8s.io': ['APIService'],
    'certificates.k8s.io': ['CertificateSigningRequest'],
    'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
    'events.k8s.io': ['Event'],
};
function groupOf(apiVersion) {
    const slash = apiVersion.indexOf('/');
    return slash < 0 ? '' : apiVersion.slice(0, slash);
}
/** 'cluster', 'namespaced', or 'unknown-kind' (built-in group, no such kind), or 'unknown' (custom). */
function scopeOf(apiVersion, kind) {
    const group = groupOf(apiVersion);
    const kinds = BUILTIN_GROUPS[group];
    if (!kinds)
        return 'unknown';
    if (!kinds.includes(kind))
        return 'unknown-kind';
    return CLUSTER_SCOPED.has(kind) ? 'cluster' : 'namespaced';
}
/** Apply tiers, in order; objects in one tier are applied in parallel. */
const TIERS = [
    'namespaces',
    'crds',
    'rbac',
    'config',
    'services',
    'workloads',
    'autoscaling',
    'cronjobs',
    'others',
];
function tierOf(kind) {
    switch (kind) {
        case 'Namespace':
            return 'namespaces';
        case 'CustomResourceDefinition':
            return 'crds';
        case 'ServiceAccount':
        case 'Role':
        case 'RoleBinding':
        case 'ClusterRole':
        case 'ClusterRoleBinding':
            return 'rbac';
        case 'ConfigMap':
        case 'Secret':
            return 'config';
        case 'Service':
            return 'services';
        case 'Deployment':
        case 'StatefulSet':
        case 'DaemonSet':
        case 'Job':
        case 'ReplicaSet':
        case 'Pod':
            return 'workloads';
        case 'HorizontalPodAutoscaler':
        case 'PodDisruptionBudget':
            return 'autoscaling';
        case 'CronJob':
            return 'cronjobs';
        default:
            return 'others';
    }
}
function tierIndex(kind) {
    return TIERS.indexOf(tierOf(kind));
}
/** Paths (from the object root) of pod templates, by kind. */
function podTemplatePath(kind) {
    switch (kind) {
        case 'Deployment':
        case 'StatefulSet':
        case 'DaemonSet':
        case 'ReplicaSet':
        case 'Job':
        case 'ReplicationController':
            return ['spec', 'template'];
        case 'CronJob':
            return ['spec', 'jobTemplate', 'spec', 'template'];
        default:
            return undefined;
    }
}


/***/ }),

/***/ 9296:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B6: () => (/* binding */ describeSource),
/* harmony export */   CB: () => (/* binding */ realRoots),
/* harmony export */   FK: () => (/* binding */ isInside),
/* harmony export */   Gt: () => (/* binding */ displayPath),
/* harmony export */   QV: () => (/* binding */ DEFAULT_LOAD_LIMITS),
/* harmony export */   ZS: () => (/* binding */ resolveManifestFiles),
/* harmony export */   tu: () => (/* binding */ loadDocuments)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var tinyglobby__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3382);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5709);
/* harmony import */ var _yaml_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8663);
/**
 * Finding and reading manifest files: folders or globs, resolved inside the allowed roots
 * (the workspace, and for apply also the runner's temp folder). Every file is checked with
 * realpath, so a symlink pointing outside the roots is refused, and against a size limit before it
 * is read; YAML is parsed by `yaml.ts` (alias-bomb safe).
 */





const DEFAULT_LOAD_LIMITS = { ..._yaml_js__WEBPACK_IMPORTED_MODULE_3__/* .DEFAULT_YAML_LIMITS */ .fr, maxFileBytes: 1024 * 1024, maxFiles: 1000 };
const YAML_EXT = /\.ya?ml$/i;
/** Real path of each root (they must exist). */
function realRoots(roots) {
    return roots.filter((r) => r && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(r)).map((r) => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(r));
}
function isInside(child, parent) {
    const rel = node_path__WEBPACK_IMPORTED_MODULE_1___default().relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !node_path__WEBPACK_IMPORTED_MODULE_1___default().isAbsolute(rel));
}
/** Shows a path relative to the first root when it is inside it. */
function displayPath(file, roots) {
    const root = roots[0];
    if (root && isInside(file, root))
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().relative(root, file) || '.';
    return file;
}
/**
 * Resolves `patterns` (files, folders searched recursively for *.yaml/*.yml, or globs) relative to
 * `cwd`, to real file paths inside `roots`. Problems are collected and thrown together.
 */
function resolveManifestFiles(input, patterns, cwd, roots, limits = DEFAULT_LOAD_LIMITS) {
    const real = realRoots(roots);
    if (real.length === 0)
        throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput('workspace', roots.join(', '), 'an existing folder');
    const problems = [];
    const files = new Set();
    for (const pattern of patterns) {
        const before = files.size;
        if ((0,tinyglobby__WEBPACK_IMPORTED_MODULE_4__/* .isDynamicPattern */ .ey)(pattern)) {
            if (node_path__WEBPACK_IMPORTED_MODULE_1___default().isAbsolute(pattern) && !real.some((r) => isInside(pattern, r))) {
                problems.push(`Input '${input}' has '${pattern}': the pattern points outside the workspace.`);
                continue;
            }
            for (const match of (0,tinyglobby__WEBPACK_IMPORTED_MODULE_4__/* .globSync */ .AZ)(pattern, {
                cwd,
                absolute: true,
                onlyFiles: true,
                followSymbolicLinks: true,
                dot: false,
            })) {
                if (YAML_EXT.test(match))
                    addFile(match, pattern);
            }
        }
        else {
            const abs = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(cwd, pattern);
            let st;
            try {
                st = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(abs);
            }
            catch {
                problems.push(`Input '${input}' has '${pattern}': no such file or folder (looked at ${abs}).`);
                continue;
            }
            if (st.isDirectory()) {
                const dirReal = checkInside(abs, pattern);
                if (!dirReal)
                    continue;
                for (const match of (0,tinyglobby__WEBPACK_IMPORTED_MODULE_4__/* .globSync */ .AZ)('**/*.{yaml,yml}', {
                    cwd: abs,
                    absolute: true,
                    onlyFiles: true,
                    followSymbolicLinks: true,
                })) {
                    addFile(match, pattern);
                }
            }
            else {
                addFile(abs, pattern);
            }
        }
        if (files.size === before && !problems.some((p) => p.includes(`'${pattern}'`))) {
            problems.push(`Input '${input}' has '${pattern}': it matches no .yaml or .yml file.`);
        }
    }
    if (files.size > limits.maxFiles) {
        problems.push(`Input '${input}' matches ${files.size} files: at most ${limits.maxFiles} are read.`);
    }
    if (problems.length)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationErrors */ .yb(problems);
    return [...files].sort();
    function checkInside(abs, pattern) {
        let target;
        try {
            target = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(abs);
        }
        catch {
            problems.push(`Input '${input}' has '${pattern}': ${abs} cannot be resolved (a broken symlink?).`);
            return undefined;
        }
        if (!real.some((r) => isInside(target, r))) {
            problems.push(`Input '${input}' has '${pattern}': ${abs} resolves to ${target}, outside the workspace (${real.join(', ')}); ` +
                'manifests must stay inside it (symlinks are followed).');
            return undefined;
        }
        return target;
    }
    function addFile(abs, pattern) {
        const target = checkInside(abs, pattern);
        if (target)
            files.add(target);
    }
}
/**
 * Reads and parses files; every document must be a mapping (empty documents are skipped, a
 * `kind: List` is expanded). All problems are collected and thrown together.
 */
function loadDocuments(files, roots, limits = DEFAULT_LOAD_LIMITS) {
    const real = realRoots(roots);
    const problems = [];
    const out = [];
    for (const file of files) {
        const shown = displayPath(file, real);
        const size = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(file).size;
        if (size > limits.maxFileBytes) {
            problems.push(`${shown}: the file is ${size} bytes, more than the limit of ${limits.maxFileBytes} bytes.`);
            continue;
        }
        let docs;
        try {
            docs = (0,_yaml_js__WEBPACK_IMPORTED_MODULE_3__/* .parseDocuments */ .eV)((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file, 'utf8'), limits);
        }
        catch (error) {
            if (error instanceof _yaml_js__WEBPACK_IMPORTED_MODULE_3__/* .YamlProblem */ .lw) {
                problems.push(`${shown}: ${error.message}.`);
                continue;
            }
            throw error;
        }
        docs.forEach((doc, i) => {
            const index = i + 1;
            if (doc === null || doc === undefined)
                return;
            if (typeof doc !== 'object' || Array.isArray(doc)) {
                const what = Array.isArray(doc) ? 'a list' : `a ${typeof doc} (${JSON.stringify(doc).slice(0, 40)})`;
                problems.push(`${shown} document ${index}: is ${what}; every document must be a mapping (a Kubernetes object).`);
                return;
            }
            const object = doc;
            if (object.kind === 'List' && Array.isArray(object.items)) {
                object.items.forEach((item, j) => {
                    if (!item || typeof item !== 'object' || Array.isArray(item)) {
                        problems.push(`${shown} document ${index} item ${j + 1}: every List item must be a mapping.`);
                    }
                    else
                        out.push({ source: shown, index, object: item });
                });
                return;
            }
            out.push({ source: shown, index, object });
        });
    }
    if (problems.length)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationErrors */ .yb(problems);
    return out;
}
function describeSource(doc) {
    return `${doc.source} document ${doc.index}`;
}


/***/ }),

/***/ 4558:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $: () => (/* binding */ deepMerge),
/* harmony export */   Q: () => (/* binding */ isPlainObject)
/* harmony export */ });
/**
 * Overlay merge, "strategic-ish": mappings merge key by key, `null` in the overlay deletes a key,
 * lists are replaced, except lists of named items (containers, initContainers, volumes, env,
 * volumeMounts, ports) which merge item by item on `name` (new names are appended in overlay order).
 */
const NAMED_LISTS = new Set([
    'containers',
    'initContainers',
    'ephemeralContainers',
    'volumes',
    'env',
    'volumeMounts',
    'ports',
]);
function isPlainObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function deepMerge(base, patch, key) {
    if (patch === undefined)
        return base;
    if (isPlainObject(base) && isPlainObject(patch)) {
        const out = { ...base };
        for (const [k, v] of Object.entries(patch)) {
            if (v === null)
                delete out[k];
            else
                out[k] = deepMerge(base[k], v, k);
        }
        return out;
    }
    if (Array.isArray(base) &&
        Array.isArray(patch) &&
        key !== undefined &&
        NAMED_LISTS.has(key) &&
        allNamed(base) &&
        allNamed(patch)) {
        const out = base.map((item) => ({ ...item }));
        for (const item of patch) {
            const i = out.findIndex((b) => b.name === item.name);
            if (i >= 0)
                out[i] = deepMerge(out[i], item);
            else
                out.push(item);
        }
        return out;
    }
    return patch;
}
function allNamed(list) {
    return list.every((i) => isPlainObject(i) && typeof i.name === 'string');
}


/***/ }),

/***/ 3056:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  zO: () => (/* binding */ LABEL_ENVIRONMENT),
  dq: () => (/* binding */ LABEL_MANAGED_BY),
  u: () => (/* binding */ MANAGER),
  hO: () => (/* binding */ renderManifests)
});

// UNUSED EXPORTS: ANNOTATION_COMMIT, ANNOTATION_RUN_URL, LABEL_PART_OF, isInside, writeRendered

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/kube/types.ts
var types = __webpack_require__(3400);
// EXTERNAL MODULE: ./src/lib/manifests/load.ts
var load = __webpack_require__(9296);
// EXTERNAL MODULE: ./src/lib/manifests/validate.ts
var validate = __webpack_require__(6962);
// EXTERNAL MODULE: ./src/lib/manifests/merge.ts
var merge = __webpack_require__(4558);
// EXTERNAL MODULE: ./src/lib/manifests/yaml.ts
var yaml = __webpack_require__(8663);
;// CONCATENATED MODULE: ./src/lib/manifests/settings.ts
/**
 * Per-environment settings: `k8s/environments/<env>/settings.yaml`, a small typed file.
 *
 *   environment: production          # must equal the folder name
 *   requireDigests: true             # refuse container images not pinned by digest
 *   defaultNamespace: dagster        # optional, for namespaced objects without one
 *   replicas: { dagster/dagster-webserver: 2 }     # namespace/name of a Deployment or StatefulSet
 *   images: { trinodb/trino: trinodb/trino:476@sha256:... }   # defaults; input 'images' wins
 *   variables: { DAGSTER_LOG_LEVEL: INFO }        # the only names ${VAR} may use
 *
 * Every other *.yaml in the folder is an overlay (patches or additional objects).
 */




const KNOWN = new Set(['environment', 'requireDigests', 'defaultNamespace', 'replicas', 'images', 'variables']);
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function defaultSettings(environment) {
    return {
        environment,
        requireDigests: environment === 'production',
        replicas: new Map(),
        images: new Map(),
        variables: new Map(),
    };
}
function loadSettings(file, shown, environment) {
    if ((0,external_node_fs_.statSync)(file).size > 256 * 1024)
        throw new errors/* ConfigurationError */.j1(`${shown}: larger than 256 KiB.`);
    let docs;
    try {
        docs = (0,yaml/* parseDocuments */.eV)((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        throw new errors/* ConfigurationError */.j1(`${shown}: ${error.message}.`);
    }
    const doc = docs.find((d) => d !== null && d !== undefined) ?? {};
    return parseSettings(doc, shown, environment);
}
function parseSettings(doc, shown, environment) {
    const problems = [];
    const s = defaultSettings(environment);
    if (!(0,merge/* isPlainObject */.Q)(doc))
        throw new errors/* ConfigurationError */.j1(`${shown}: expected a mapping of settings.`);
    for (const key of Object.keys(doc)) {
        if (!KNOWN.has(key))
            problems.push(`${shown}: unknown setting '${key}' (known: ${[...KNOWN].join(', ')}).`);
    }
    if (doc.environment !== undefined && doc.environment !== environment) {
        problems.push(`${shown}: environment is '${String(doc.environment)}' but the folder is for '${environment}'.`);
    }
    if (doc.requireDigests !== undefined) {
        if (typeof doc.requireDigests !== 'boolean')
            problems.push(`${shown}: requireDigests must be true or false.`);
        else
            s.requireDigests = doc.requireDigests;
    }
    if (environment === 'production' && !s.requireDigests) {
        problems.push(`${shown}: production must keep requireDigests: true.`);
    }
    if (doc.defaultNamespace !== undefined) {
        if (typeof doc.defaultNamespace !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(doc.defaultNamespace)) {
            problems.push(`${shown}: defaultNamespace must be a DNS-1123 label.`);
        }
        else
            s.defaultNamespace = doc.defaultNamespace;
    }
    readMap(doc.replicas, 'replicas', (k, v) => {
        if (!/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(k))
            return `key '${k}' must be namespace/name`;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000)
            return `'${k}' must be a whole number from 0 to 1000`;
        s.replicas.set(k, v);
        return undefined;
    });
    readMap(doc.images, 'images', (k, v) => {
        if (typeof v !== 'string')
            return `'${k}' must be an image reference string`;
        s.images.set(k, v);
        return undefined;
    });
    readMap(doc.variables, 'variables', (k, v) => {
        if (!VARIABLE_NAME.test(k))
            return `variable name '${k}' must be letters, digits and _`;
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
            return `variable '${k}' must be a scalar`;
        s.variables.set(k, String(v));
        return undefined;
    });
    if (problems.length)
        throw new errors/* ConfigurationErrors */.yb(problems);
    return s;
    function readMap(value, name, each) {
        if (value === undefined || value === null)
            return;
        if (!(0,merge/* isPlainObject */.Q)(value)) {
            problems.push(`${shown}: '${name}' must be a mapping.`);
            return;
        }
        for (const [k, v] of Object.entries(value)) {
            const problem = each(k, v);
            if (problem)
                problems.push(`${shown}: ${name}: ${problem}.`);
        }
    }
}
const VAR_REF = /\$(\$?)\{([^}]*)\}/g;
/**
 * Substitutes `${NAME}` in every string value (not keys) with declared variables; `$${NAME}` stays
 * as a literal `${NAME}`. Returns the undeclared names found.
 */
function substituteVariables(node, variables, undeclared) {
    if (typeof node === 'string') {
        if (!node.includes('${'))
            return node;
        return node.replace(VAR_REF, (whole, escape, name) => {
            if (escape)
                return whole.slice(1);
            const value = variables.get(name);
            if (value === undefined) {
                undeclared.add(name);
                return whole;
            }
            return value;
        });
    }
    if (Array.isArray(node))
        return node.map((n) => substituteVariables(n, variables, undeclared));
    if ((0,merge/* isPlainObject */.Q)(node)) {
        const out = {};
        for (const [k, v] of Object.entries(node))
            out[k] = substituteVariables(v, variables, undeclared);
        return out;
    }
    return node;
}

// EXTERNAL MODULE: ./src/lib/manifests/images.ts
var manifests_images = __webpack_require__(9474);
// EXTERNAL MODULE: ./src/lib/manifests/secrets.ts
var secrets = __webpack_require__(271);
// EXTERNAL MODULE: ./src/lib/manifests/kinds.ts
var kinds = __webpack_require__(9633);
;// CONCATENATED MODULE: ./src/lib/manifests/render.ts
/**
 * render: k8s/ (base + environment overlay) → validated, pinned, labelled objects, written as one
 * YAML stream. Order: find files → parse (size/alias limits) → substitute declared variables →
 * validate → merge overlays → replicas → images → secrets placeholder → labels/annotations →
 * final checks → write. Nothing is written unless every check passed.
 */












const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
const LABEL_PART_OF = 'app.kubernetes.io/part-of';
const LABEL_ENVIRONMENT = 'phlo.dev/environment';
const MANAGER = 'phlo-deploy';
const ANNOTATION_COMMIT = 'phlo.dev/commit';
const ANNOTATION_RUN_URL = 'phlo.dev/run-url';
function resolveLayout(s, roots) {
    const limits = s.limits ?? load/* DEFAULT_LOAD_LIMITS */.QV;
    const single = s.manifests.length === 1 ? external_node_path_default().resolve(s.workspace, s.manifests[0]) : undefined;
    if (single && (0,external_node_fs_.existsSync)(external_node_path_default().join(single, 'base')) && (0,external_node_fs_.statSync)(external_node_path_default().join(single, 'base')).isDirectory()) {
        const baseFiles = (0,load/* resolveManifestFiles */.ZS)('manifests', [external_node_path_default().join(single, 'base')], s.workspace, roots, limits);
        const envRoot = external_node_path_default().join(single, 'environments');
        const envDir = external_node_path_default().join(envRoot, s.environment);
        if (!(0,external_node_fs_.existsSync)(envDir)) {
            const known = (0,external_node_fs_.existsSync)(envRoot)
                ? (0,external_node_fs_.readdirSync)(envRoot).filter((d) => (0,external_node_fs_.statSync)(external_node_path_default().join(envRoot, d)).isDirectory())
                : [];
            throw errors/* ConfigurationError */.j1.forInput('environment', s.environment, `one of the environments in ${(0,load/* displayPath */.Gt)(envRoot, roots)}: ${known.join(', ') || '(none)'}`);
        }
        const envFiles = (0,load/* resolveManifestFiles */.ZS)('manifests', [envDir], s.workspace, roots, limits);
        const settingsFile = envFiles.find((f) => /^settings\.ya?ml$/.test(external_node_path_default().basename(f)) && external_node_path_default().dirname(f) === (0,external_node_fs_.realpathSync)(envDir));
        return { baseFiles, overlayFiles: envFiles.filter((f) => f !== settingsFile), settingsFile };
    }
    const baseFiles = (0,load/* resolveManifestFiles */.ZS)('manifests', s.manifests, s.workspace, roots, limits);
    let settingsFile;
    if (s.settingsFile) {
        [settingsFile] = (0,load/* resolveManifestFiles */.ZS)('settings', [s.settingsFile], s.workspace, roots, limits);
    }
    return { baseFiles: baseFiles.filter((f) => f !== settingsFile), overlayFiles: [], settingsFile };
}
/** Substitutes declared variables per document; an undeclared one names the file and variable. */
function substitute(docs, settings, settingsShown) {
    const problems = [];
    const out = docs.map((d) => {
        const undeclared = new Set();
        const object = substituteVariables(d.object, settings.variables, undeclared);
        for (const name of undeclared) {
            problems.push(`${(0,load/* describeSource */.B6)(d)}: \${${name}} is not a declared variable: declare it under 'variables' in ${settingsShown} ` +
                `or write $\${${name}} for a literal.`);
        }
        return { ...d, object };
    });
    if (problems.length)
        throw new errors/* ConfigurationErrors */.yb(problems);
    return out;
}
function renderManifests(s, logger) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s.environment) || s.environment.length > 63) {
        throw errors/* ConfigurationError */.j1.forInput('environment', s.environment, 'a lowercase name such as production, staging or local (a valid label value)');
    }
    const inputProblems = [];
    for (const [k, v] of s.labels) {
        if (!validate/* QUALIFIED_NAME */.pI.test(k) || v.length > 63 || !validate/* LABEL_VALUE */.JR.test(v)) {
            inputProblems.push(errors/* ConfigurationError */.j1.forInput('labels', `${k}=${v}`, 'label key=value pairs (a value of at most 63 letters, digits, -, _ or .)').message);
        }
    }
    for (const k of s.annotations.keys()) {
        if (!validate/* QUALIFIED_NAME */.pI.test(k))
            inputProblems.push(errors/* ConfigurationError */.j1.forInput('annotations', k, 'annotation keys such as example.com/name').message);
    }
    if (inputProblems.length)
        throw new errors/* ConfigurationErrors */.yb(inputProblems);
    const roots = (0,load/* realRoots */.CB)([s.workspace]);
    if (roots.length === 0)
        throw errors/* ConfigurationError */.j1.forInput('workspace', s.workspace, 'an existing folder');
    const limits = s.limits ?? load/* DEFAULT_LOAD_LIMITS */.QV;
    const layout = resolveLayout(s, roots);
    const settingsShown = layout.settingsFile ? (0,load/* displayPath */.Gt)(layout.settingsFile, roots) : 'the environment settings';
    const settings = layout.settingsFile
        ? loadSettings(layout.settingsFile, settingsShown, s.environment)
        : defaultSettings(s.environment);
    // 1. parse + substitute + validate base and overlays (all problems of one stage together)
    const baseDocs = substitute((0,load/* loadDocuments */.tu)(layout.baseFiles, roots, limits), settings, settingsShown);
    const overlayDocs = substitute((0,load/* loadDocuments */.tu)(layout.overlayFiles, roots, limits), settings, settingsShown);
    const base = (0,validate/* validateObjects */.T1)(baseDocs, { defaultNamespace: settings.defaultNamespace });
    const overlays = (0,validate/* validateObjects */.T1)(overlayDocs, { defaultNamespace: settings.defaultNamespace });
    // 2. merge overlays by (group, kind, namespace, name)
    const byKey = new Map(base.map((m) => [(0,validate/* identityKey */.US)(m.ref), m]));
    const objects = [...base];
    for (const o of overlays) {
        const target = byKey.get((0,validate/* identityKey */.US)(o.ref));
        if (target) {
            target.object = (0,merge/* deepMerge */.$)(target.object, o.object);
            target.source = `${target.source} + ${o.source}`;
        }
        else {
            objects.push(o);
            byKey.set((0,validate/* identityKey */.US)(o.ref), o);
        }
    }
    const problems = [];
    // 3. replicas from settings
    for (const [key, replicas] of settings.replicas) {
        const [ns, name] = key.split('/');
        const target = objects.find((m) => (m.ref.kind === 'Deployment' || m.ref.kind === 'StatefulSet') && m.ref.namespace === ns && m.ref.name === name);
        if (!target)
            problems.push(`${settingsShown}: replicas: no Deployment or StatefulSet '${key}' in the manifests.`);
        else
            target.object.spec.replicas = replicas;
    }
    // 4. secret placeholder
    if (s.secret) {
        const clash = objects.find((m) => m.ref.kind === 'Secret' && m.ref.namespace === s.secret.namespace && m.ref.name === s.secret.name);
        if (clash) {
            problems.push(`Secret '${s.secret.namespace}/${s.secret.name}' from inputs 'env-file'/'secrets' is also defined in ${clash.source}: keep one.`);
        }
        else {
            objects.push({
                ref: { apiVersion: 'v1', kind: 'Secret', namespace: s.secret.namespace, name: s.secret.name },
                object: (0,secrets/* placeholderSecret */.CB)(s.secret, [...s.secret.values.keys()]),
                source: "inputs 'env-file'/'secrets'",
                scope: 'namespaced',
            });
        }
    }
    for (const m of objects) {
        if (m.ref.kind === 'Secret' && (m.object.data !== undefined || m.object.stringData !== undefined)) {
            problems.push(`${m.source}: Secret '${m.ref.name}' has literal data in the manifests: provide values through inputs 'env-file' or 'secrets' instead.`);
        }
    }
    if (problems.length)
        throw new errors/* ConfigurationErrors */.yb(problems);
    // 5. images: settings defaults, input wins
    const images = new Map();
    for (const [k, v] of settings.images) {
        const parsed = (0,manifests_images/* parseImage */.zZ)(v);
        if (!parsed || (settings.requireDigests && !parsed.digest)) {
            problems.push(`${settingsShown}: images: '${k}' is '${v}': expected registry/repository[:tag]@sha256:<64 hex digits>.`);
        }
        else
            images.set(k, v);
    }
    if (problems.length)
        throw new errors/* ConfigurationErrors */.yb(problems);
    for (const [k, v] of s.images)
        images.set(k, v);
    const pin = (0,manifests_images/* pinImages */.Mc)(objects, images, settings.requireDigests, s.environment);
    const unusedImages = pin.unused.filter((n) => s.images.has(n));
    for (const n of unusedImages)
        logger.warning(`Input 'images': no container uses image '${n}'.`);
    // 6. labels and annotations
    const labels = {
        ...Object.fromEntries(s.labels),
        [LABEL_MANAGED_BY]: MANAGER,
        [LABEL_PART_OF]: 'phlo',
        [LABEL_ENVIRONMENT]: s.environment,
    };
    const annotations = { ...Object.fromEntries(s.annotations) };
    if (s.commit)
        annotations[ANNOTATION_COMMIT] = s.commit;
    if (s.runUrl)
        annotations[ANNOTATION_RUN_URL] = s.runUrl;
    for (const m of objects) {
        const md = m.object.metadata;
        md.labels = { ...(md.labels ?? {}), ...labels };
        if (Object.keys(annotations).length)
            md.annotations = { ...(md.annotations ?? {}), ...annotations };
        const tpath = (0,kinds/* podTemplatePath */.vt)(m.ref.kind);
        if (tpath) {
            let node = m.object;
            for (const p of tpath)
                node = (0,merge/* isPlainObject */.Q)(node) ? node[p] : undefined;
            if ((0,merge/* isPlainObject */.Q)(node)) {
                const tmd = ((0,merge/* isPlainObject */.Q)(node.metadata) ? node.metadata : (node.metadata = {}));
                tmd.labels = { ...(tmd.labels ?? {}), ...labels };
            }
        }
    }
    // 7. final pass: the merged objects must still be valid (overlays can break them)
    const final = (0,validate/* validateObjects */.T1)(objects.map((m, i) => ({ source: m.source, index: i + 1, object: m.object })), {}).map((m, i) => ({ ...m, source: objects[i].source }));
    final.sort((a, b) => (0,kinds/* tierIndex */.hH)(a.ref.kind) - (0,kinds/* tierIndex */.hH)(b.ref.kind) || (0,types/* refKey */.X)(a.ref).localeCompare((0,types/* refKey */.X)(b.ref)));
    const result = {
        environment: s.environment,
        objects: final,
        refs: final.map((m) => m.ref),
        settings,
        unusedImages,
    };
    if (s.output)
        result.path = writeRendered(final, s.output, s.environment);
    return result;
}
/** Writes the rendered YAML stream atomically (temp file + rename). Returns the path. */
function writeRendered(objects, output, environment) {
    const abs = external_node_path_default().resolve(output);
    (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(abs), { recursive: true });
    const header = `# Rendered by phlo-deploy for environment '${environment}': ${objects.length} objects.\n# Secret values are not here: apply injects them in memory.\n`;
    const tmp = `${abs}.${process.pid}.tmp`;
    (0,external_node_fs_.writeFileSync)(tmp, header + (0,yaml/* dumpDocuments */.PG)(objects.map((m) => m.object)), { mode: 0o644 });
    (0,external_node_fs_.renameSync)(tmp, abs);
    return abs;
}



/***/ }),

/***/ 271:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CB: () => (/* binding */ placeholderSecret),
/* harmony export */   MP: () => (/* binding */ fillSecret),
/* harmony export */   qv: () => (/* binding */ isPlaceholderSecret),
/* harmony export */   xL: () => (/* binding */ readSecretValues)
/* harmony export */ });
/* unused harmony exports SECRET_PLACEHOLDER_ANNOTATION, SECRET_KEYS_ANNOTATION, SECRET_PLACEHOLDER_VALUE, parseEnvFile */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5709);
/* harmony import */ var _load_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9296);
/**
 * Secrets from an env file (`KEY=value` lines, as `kubectl create secret generic --from-env-file`)
 * and/or from inputs. Values are masked the moment they are read and live only in memory: the
 * rendered file holds a placeholder Secret (keys listed, no data) and apply fills the data in
 * memory from the same sources just before the server-side apply.
 */




/** Annotation on a placeholder Secret: where its values come from. */
const SECRET_PLACEHOLDER_ANNOTATION = 'phlo.dev/secret-values';
/** Annotation listing the keys the placeholder expects (comma separated). */
const SECRET_KEYS_ANNOTATION = 'phlo.dev/secret-keys';
const SECRET_PLACEHOLDER_VALUE = 'injected-at-apply';
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
function maskValue(value, mask) {
    if (!value)
        return;
    mask(value);
    mask(Buffer.from(value, 'utf8').toString('base64'));
}
/** Parses env-file text; `source` names it in errors. Values are masked as they are read. */
function parseEnvFile(text, source, mask, into = new Map()) {
    const lines = text.split(/\r?\n/);
    lines.forEach((raw, i) => {
        const line = raw.replace(/^\s+/, '');
        if (!line || line.startsWith('#'))
            return;
        const eq = line.indexOf('=');
        if (eq <= 0) {
            // never echo the line: it may be a value
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${source} line ${i + 1}: expected KEY=value (a key of letters, digits, '-', '_' or '.').`);
        }
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1);
        maskValue(value, mask);
        if (!SECRET_KEY.test(key)) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${source} line ${i + 1}: key '${key}' is not valid: expected letters, digits, '-', '_' or '.'.`);
        }
        if (into.has(key))
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${source} line ${i + 1}: key '${key}' is set twice.`);
        into.set(key, value);
    });
    return into;
}
/**
 * Reads the env file (inside the workspace, at most 1 MiB) and the `secrets` input lines
 * (`KEY=value`), masking every value first.
 */
function readSecretValues(opts, mask) {
    const values = new Map();
    // mask the inline values before anything can fail and print
    if (opts.inline) {
        for (const line of opts.inline.split(/\r?\n/)) {
            const eq = line.indexOf('=');
            if (eq > 0)
                maskValue(line.slice(eq + 1), mask);
            else if (line.trim())
                maskValue(line.trim(), mask);
        }
    }
    if (opts.envFile) {
        const input = opts.envFileInput ?? 'env-file';
        const abs = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(opts.workspace, opts.envFile);
        let real;
        try {
            real = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(abs);
        }
        catch {
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput(input, opts.envFile, 'an existing env file (KEY=value lines) inside the workspace');
        }
        if (!(0,_load_js__WEBPACK_IMPORTED_MODULE_3__/* .isInside */ .FK)(real, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(opts.workspace))) {
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput(input, opts.envFile, `a file inside the workspace (${opts.workspace}); it resolves to ${real}`);
        }
        const st = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(real);
        if (!st.isFile() || st.size > 1024 * 1024) {
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1.forInput(input, opts.envFile, 'a regular file of at most 1 MiB');
        }
        parseEnvFile((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(real, 'utf8'), `Input '${input}' (${opts.envFile})`, mask, values);
    }
    if (opts.inline)
        parseEnvFile(opts.inline, `Input '${opts.inlineInput ?? 'secrets'}'`, mask, values);
    return values;
}
/** The placeholder Secret written to the rendered output: keys only, no data. */
function placeholderSecret(ref, keys) {
    return {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
            name: ref.name,
            namespace: ref.namespace,
            annotations: {
                [SECRET_PLACEHOLDER_ANNOTATION]: SECRET_PLACEHOLDER_VALUE,
                [SECRET_KEYS_ANNOTATION]: [...keys].sort().join(','),
            },
        },
        type: 'Opaque',
    };
}
function isPlaceholderSecret(object) {
    const md = object.metadata;
    return object.kind === 'Secret' && md?.annotations?.[SECRET_PLACEHOLDER_ANNOTATION] === SECRET_PLACEHOLDER_VALUE;
}
/**
 * Returns a copy of a placeholder Secret with its data filled (base64) from `values`; every key
 * the placeholder lists must be present. The copy lives in memory only.
 */
function fillSecret(object, values, where) {
    const md = object.metadata;
    const keys = (md.annotations?.[SECRET_KEYS_ANNOTATION] ?? '').split(',').filter(Boolean);
    const missing = keys.filter((k) => !values.has(k));
    if (missing.length) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`${where}: Secret '${md.name}' needs keys ${missing.join(', ')} that neither input 'env-file' nor input 'secrets' provides.`);
    }
    const data = {};
    for (const k of keys)
        data[k] = Buffer.from(values.get(k), 'utf8').toString('base64');
    return { ...object, data };
}


/***/ }),

/***/ 6962:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JR: () => (/* binding */ LABEL_VALUE),
/* harmony export */   T1: () => (/* binding */ validateObjects),
/* harmony export */   US: () => (/* binding */ identityKey),
/* harmony export */   a0: () => (/* binding */ DNS1123_LABEL),
/* harmony export */   ei: () => (/* binding */ DNS1123_SUBDOMAIN),
/* harmony export */   pI: () => (/* binding */ QUALIFIED_NAME)
/* harmony export */ });
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _load_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9296);
/* harmony import */ var _kinds_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9633);
/**
 * Structural validation of objects before anything else happens: apiVersion, kind, DNS-1123 names,
 * namespaces where they belong (and only there), labels and annotations as string maps, and no
 * duplicates. Every problem is collected, then thrown together as ConfigurationErrors.
 */



const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const API_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kinds whose name must be a DNS-1123 label (63 chars, no dots), not a subdomain. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);
function identityKey(ref) {
    return `${(0,_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .groupOf */ .F8)(ref.apiVersion)}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}
function validateObjects(docs, options = {}) {
    const problems = [];
    const out = [];
    const seen = new Map();
    // CRDs in the same set tell the scope of their kinds.
    const crdScopes = new Map();
    for (const d of docs) {
        const o = d.object;
        if (o.kind === 'CustomResourceDefinition' &&
            typeof o.spec?.group === 'string' &&
            typeof o.spec.names?.kind === 'string') {
            crdScopes.set(`${o.spec.group}/${o.spec.names.kind}`, o.spec.scope === 'Cluster' ? 'cluster' : 'namespaced');
        }
    }
    for (const doc of docs) {
        const where = (0,_load_js__WEBPACK_IMPORTED_MODULE_1__/* .describeSource */ .B6)(doc);
        const o = doc.object;
        const before = problems.length;
        const apiVersion = o.apiVersion;
        const kind = o.kind;
        if (typeof apiVersion !== 'string' || !apiVersion) {
            problems.push(`${where}: 'apiVersion' is missing: expected e.g. apps/v1.`);
        }
        else if (!API_VERSION.test(apiVersion)) {
            problems.push(`${where}: apiVersion '${apiVersion}' is not of the form [group/]version (e.g. apps/v1).`);
        }
        if (typeof kind !== 'string' || !kind) {
            problems.push(`${where}: 'kind' is missing: expected e.g. Deployment.`);
        }
        else if (!KIND.test(kind)) {
            problems.push(`${where}: kind '${kind}' is not a Kubernetes kind (CamelCase letters and digits).`);
        }
        const metadata = o.metadata;
        if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
            problems.push(`${where}: 'metadata' is missing or not a mapping: expected metadata.name at least.`);
            continue;
        }
        const md = metadata;
        const name = md.name;
        if (typeof name !== 'string' || !name) {
            problems.push(md.generateName !== undefined
                ? `${where}: metadata.generateName is not supported (apply needs a stable name): set metadata.name.`
                : `${where}: 'metadata.name' is missing.`);
        }
        else {
            const label = typeof kind === 'string' && LABEL_NAMED.has(kind);
            const max = label ? 63 : 253;
            if (name.length > max || !(label ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(name)) {
                problems.push(`${where}: metadata.name '${name}' is not a valid DNS-1123 ${label ? 'label' : 'subdomain'} ` +
                    `(lowercase letters, digits, '-'${label ? '' : " and '.'"}, starting and ending alphanumeric, at most ${max} characters).`);
            }
        }
        const namespace = md.namespace;
        if (namespace !== undefined &&
            (typeof namespace !== 'string' || namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
            problems.push(`${where}: metadata.namespace '${String(namespace)}' is not a valid DNS-1123 label (at most 63 characters).`);
        }
        checkStringMap(md.labels, `${where}: metadata.labels`, true, problems);
        checkStringMap(md.annotations, `${where}: metadata.annotations`, false, problems);
        if (problems.length > before ||
            typeof apiVersion !== 'string' ||
            typeof kind !== 'string' ||
            typeof name !== 'string')
            continue;
        let scope;
        const known = (0,_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .scopeOf */ .Od)(apiVersion, kind);
        if (known === 'unknown-kind') {
            problems.push(`${where}: kind '${kind}' does not exist in API group '${(0,_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .groupOf */ .F8)(apiVersion) || 'core'}' (${apiVersion}).`);
            continue;
        }
        else if (known === 'unknown') {
            scope = crdScopes.get(`${(0,_kinds_js__WEBPACK_IMPORTED_MODULE_2__/* .groupOf */ .F8)(apiVersion)}/${kind}`) ?? 'unknown';
        }
        else
            scope = known;
        let ns = typeof namespace === 'string' ? namespace : undefined;
        if (scope === 'cluster' && ns !== undefined) {
            problems.push(`${where}: ${kind} '${name}' is cluster-scoped but has metadata.namespace '${ns}': remove the namespace.`);
            continue;
        }
        if (scope === 'namespaced' && ns === undefined) {
            if (options.defaultNamespace) {
                ns = options.defaultNamespace;
                md.namespace = ns;
            }
            else {
                problems.push(`${where}: ${kind} '${name}' is namespaced but has no metadata.namespace: set one.`);
                continue;
            }
        }
        const ref = { apiVersion, kind, name, ...(ns !== undefined ? { namespace: ns } : {}) };
        const key = identityKey(ref);
        const first = seen.get(key);
        if (first) {
            problems.push(`${where}: ${kind} '${ns ? `${ns}/` : ''}${name}' is a duplicate (first defined in ${first}).`);
            continue;
        }
        seen.set(key, where);
        out.push({ ref, object: o, source: where, scope });
    }
    if (problems.length)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb(problems);
    return out;
}
function checkStringMap(value, what, labels, problems) {
    if (value === undefined || value === null)
        return;
    if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`${what} is not a mapping of strings.`);
        return;
    }
    for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') {
            problems.push(`${what}['${k}'] is ${JSON.stringify(v)}: values must be strings (quote them).`);
            continue;
        }
        if (labels) {
            if (!QUALIFIED_NAME.test(k) || k.length > 317)
                problems.push(`${what} key '${k}' is not a valid label key.`);
            if (v.length > 63 || !LABEL_VALUE.test(v)) {
                problems.push(`${what}['${k}'] = '${v}' is not a valid label value (at most 63 alphanumerics, '-', '_', '.').`);
            }
        }
    }
}


/***/ }),

/***/ 8663:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PG: () => (/* binding */ dumpDocuments),
/* harmony export */   eV: () => (/* binding */ parseDocuments),
/* harmony export */   fr: () => (/* binding */ DEFAULT_YAML_LIMITS),
/* harmony export */   lw: () => (/* binding */ YamlProblem)
/* harmony export */ });
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3243);
/**
 * Parsing manifest YAML safely. js-yaml keeps aliases as shared references, so an "alias bomb"
 * (billion laughs) parses quickly into a small graph that explodes only when walked or
 * serialised. We therefore measure the size each document would have once every alias is
 * expanded (memoised per node, so the measurement itself stays cheap) and refuse documents over
 * the limit, then deep-copy the survivors so no two places share an object.
 */

const DEFAULT_YAML_LIMITS = { maxNodes: 200_000, maxAliases: 100 };
class YamlProblem extends Error {
}
/** Parses every document of a YAML stream; throws YamlProblem with a one-line reason. */
function parseDocuments(text, limits = DEFAULT_YAML_LIMITS) {
    let docs;
    try {
        docs = js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].loadAll */ .Ay.loadAll(text, undefined, {
            schema: js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].CORE_SCHEMA */ .Ay.CORE_SCHEMA,
            json: false,
        });
    }
    catch (error) {
        const e = error;
        const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
        throw new YamlProblem(`malformed YAML${where}: ${e.reason ?? e.message.split('\n', 1)[0]}`);
    }
    const aliases = countAliasTokens(text);
    if (aliases > limits.maxAliases) {
        throw new YamlProblem(`too many YAML aliases (${aliases}, at most ${limits.maxAliases} allowed)`);
    }
    return docs.map((doc, i) => {
        const size = expandedSize(doc, new Map(), new Set());
        if (size > limits.maxNodes) {
            throw new YamlProblem(`document ${i + 1} expands to ${size > 1e15 ? 'more than 10^15' : size} nodes once aliases are resolved ` +
                `(at most ${limits.maxNodes}) (an alias bomb)`);
        }
        return deepCopy(doc);
    });
}
/** Counts `*alias` tokens outside quoted scalars and comments (good enough for a limit). */
function countAliasTokens(text) {
    let count = 0;
    for (const line of text.split('\n')) {
        const stripped = line.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '""').replace(/(^|\s)#.*$/, '');
        const matches = stripped.match(/(^|[\s[{,:-])\*[^\s,\][{]+/g);
        if (matches)
            count += matches.length;
    }
    return count;
}
function expandedSize(node, memo, active) {
    if (node === null || typeof node !== 'object')
        return 1;
    const cached = memo.get(node);
    if (cached !== undefined)
        return cached;
    if (active.has(node))
        throw new YamlProblem('recursive YAML alias');
    active.add(node);
    let total = 1;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
        total += expandedSize(child, memo, active);
        if (total > Number.MAX_SAFE_INTEGER)
            break;
    }
    active.delete(node);
    memo.set(node, total);
    return total;
}
function deepCopy(value) {
    if (value === null || typeof value !== 'object')
        return value;
    if (value instanceof Date)
        return value.toISOString();
    if (Array.isArray(value))
        return value.map(deepCopy);
    const out = {};
    for (const [k, v] of Object.entries(value))
        out[k] = deepCopy(v);
    return out;
}
/** Dumps objects as a multi-document YAML stream. */
function dumpDocuments(objects) {
    return objects.map((o) => js_yaml__WEBPACK_IMPORTED_MODULE_0__/* ["default"].dump */ .Ay.dump(o, { noRefs: true, lineWidth: -1, sortKeys: false })).join('---\n');
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


/***/ })

};
