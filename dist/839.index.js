export const id = 839;
export const ids = [839,311];
export const modules = {

/***/ 6839:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
__webpack_require__.r(__webpack_exports__);
/* harmony import */ var _runner_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9286);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6311);


await (0,_runner_index_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .Cs)('apply', _run_js__WEBPACK_IMPORTED_MODULE_1__.run);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 6311:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/lib/kube/config.ts
var config = __webpack_require__(7687);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
;// CONCATENATED MODULE: ./src/lib/kube/client.ts
/**
 * A small raw-JSON Kubernetes client over node:https with a keep-alive agent.
 *
 * Why not `KubernetesObjectApi`: it round-trips every object through the typed model serializer
 * (unknown fields of CRDs are dropped, timestamps turn into Date objects), which makes "is the
 * dry-run result equal to the live object" comparisons unreliable, and it opens a new connection
 * per call. Here bodies go out and come back as plain JSON. Authentication and TLS still come from
 * the KubeConfig (client-node's `applyToHTTPSOptions`), loaded by `config.ts`.
 */


/**
 * An API error. Shaped like client-node's ApiException (`code` + `body`) so that `describeError`
 * turns it into one line. The message holds only the Status message, never headers.
 */
class KubeApiError extends Error {
    code;
    body;
    method;
    path;
    name = 'KubeApiError';
    constructor(code, body, method, path) {
        super(body.message ? `${method} ${path}: ${body.message}` : `${method} ${path}: HTTP ${code}`);
        this.code = code;
        this.body = body;
        this.method = method;
        this.path = path;
    }
    get reason() {
        return this.body.reason;
    }
}
/** A thin client: JSON in, JSON out, discovery cached per group/version. */
class KubeClient {
    kc;
    tls;
    agent;
    server;
    headers = {};
    headersAt = 0;
    discovery = new Map();
    constructor(kc, tls, headers, maxSockets) {
        this.kc = kc;
        this.tls = tls;
        const cluster = kc.getCurrentCluster();
        if (!cluster)
            throw new Error('The kubeconfig has no current cluster');
        this.server = new URL(cluster.server);
        this.headers = headers;
        this.headersAt = Date.now();
        this.agent =
            this.server.protocol === 'https:'
                ? new (external_node_https_default()).Agent({ ...tls, keepAlive: true, maxSockets })
                : new (external_node_http_default()).Agent({ keepAlive: true, maxSockets });
    }
    /** Builds a client from a loaded KubeConfig (see config.ts). */
    static async create(kc, options = {}) {
        const { tls, headers } = await authOptions(kc);
        return new KubeClient(kc, tls, headers, options.maxSockets ?? 32);
    }
    /** Closes idle keep-alive sockets (call when done, so the process can exit). */
    close() {
        this.agent.destroy();
    }
    async request(opts) {
        // exec/OIDC tokens expire: refresh the auth headers every minute.
        if (Date.now() - this.headersAt > 60_000) {
            this.headers = (await authOptions(this.kc)).headers;
            this.headersAt = Date.now();
        }
        const base = this.server.pathname.replace(/\/$/, '');
        const qs = new URLSearchParams();
        for (const [k, v] of Object.entries(opts.query ?? {}))
            if (v !== undefined)
                qs.set(k, String(v));
        const path = `${base}${opts.path}${qs.size ? `?${qs.toString()}` : ''}`;
        const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        const headers = { ...this.headers, Accept: 'application/json' };
        if (payload !== undefined) {
            headers['Content-Type'] = opts.contentType ?? 'application/json';
            headers['Content-Length'] = String(Buffer.byteLength(payload));
        }
        const mod = this.server.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
        return new Promise((resolve, reject) => {
            const req = mod.request({
                protocol: this.server.protocol,
                hostname: this.server.hostname,
                port: this.server.port,
                path,
                method: opts.method,
                headers,
                agent: this.agent,
                timeout: opts.timeoutMs ?? 60_000,
                ...(this.server.protocol === 'https:' ? this.tls : {}),
            }, (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('error', reject);
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    const code = res.statusCode ?? 0;
                    let parsed = undefined;
                    if (text) {
                        try {
                            parsed = JSON.parse(text);
                        }
                        catch {
                            parsed = undefined;
                        }
                    }
                    if (code >= 200 && code < 300) {
                        resolve(parsed);
                        return;
                    }
                    const status = parsed && typeof parsed === 'object'
                        ? parsed
                        : { code, message: text.split('\n', 1)[0]?.slice(0, 300) || `HTTP ${code}` };
                    reject(new KubeApiError(code, status, opts.method, opts.path));
                });
            });
            req.on('timeout', () => req.destroy(new Error(`${opts.method} ${opts.path}: timed out`)));
            req.on('error', (error) => {
                // keep the cause (a bug or an outage), but say which server could not be reached
                reject(new Error(`Cannot reach the Kubernetes API server at ${this.server.origin} (${opts.method} ${opts.path}): ${error.code ?? error.message}`, { cause: error }));
            });
            if (payload !== undefined)
                req.write(payload);
            req.end();
        });
    }
    /** GET that returns undefined on 404. */
    async getOrUndefined(path) {
        try {
            return await this.request({ method: 'GET', path });
        }
        catch (error) {
            if (error instanceof KubeApiError && error.code === 404)
                return undefined;
            throw error;
        }
    }
    /** Lists every page of a collection. */
    async list(path, query = {}) {
        const items = [];
        let token;
        do {
            const page = await this.request({
                method: 'GET',
                path,
                query: { ...query, limit: 500, continue: token },
            });
            items.push(...(page.items ?? []));
            token = page.metadata?.continue || undefined;
        } while (token);
        return items;
    }
    /** Discovery for one apiVersion+kind; undefined when the server does not know it. */
    async resourceFor(apiVersion, kind) {
        let pending = this.discovery.get(apiVersion);
        if (!pending) {
            const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
            pending = this.getOrUndefined(path).then((r) => r?.resources);
            // a failed discovery call must not poison the cache
            pending.catch(() => this.discovery.delete(apiVersion));
            this.discovery.set(apiVersion, pending);
        }
        const resources = await pending;
        const found = resources?.find((r) => r.kind === kind && !r.name.includes('/'));
        if (!found)
            return undefined;
        return { resource: found.name, namespaced: found.namespaced, kind, apiVersion, verbs: found.verbs ?? [] };
    }
    /** URL path of a collection (namespace given for namespaced resources). */
    static collectionPath(info, namespace) {
        const root = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
        if (info.namespaced && namespace)
            return `${root}/namespaces/${encodeURIComponent(namespace)}/${info.resource}`;
        return `${root}/${info.resource}`;
    }
    static objectPath(info, ref) {
        return `${KubeClient.collectionPath(info, info.namespaced ? ref.namespace : undefined)}/${encodeURIComponent(ref.name)}`;
    }
}
async function authOptions(kc) {
    const opts = {};
    await kc.applyToHTTPSOptions(opts);
    const headers = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
        if (typeof v === 'string' || typeof v === 'number')
            headers[k] = String(v);
    }
    if (opts.auth)
        headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const tls = {};
    if (opts.ca)
        tls.ca = opts.ca;
    if (opts.cert)
        tls.cert = opts.cert;
    if (opts.key)
        tls.key = opts.key;
    if (opts.pfx)
        tls.pfx = opts.pfx;
    if (opts.passphrase)
        tls.passphrase = opts.passphrase;
    if (opts.rejectUnauthorized !== undefined)
        tls.rejectUnauthorized = opts.rejectUnauthorized;
    if (opts.servername)
        tls.servername = opts.servername;
    return { tls, headers };
}

// EXTERNAL MODULE: ./node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(370);
// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var runtime_errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/kube/types.ts
var types = __webpack_require__(3400);
;// CONCATENATED MODULE: ./src/lib/kube/revisions.ts


const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
function isWorkloadKind(kind) {
    return types/* WORKLOAD_KINDS */.i.includes(kind);
}
/**
 * Reads the current revision of every workload among `objects` (others are ignored), in order.
 * Takes a loaded KubeConfig (or an existing KubeClient, to share its connection pool). `live` may
 * hold workloads already fetched (keyed by refKey); ReplicaSets and ControllerRevisions are listed
 * once per namespace, so the cost does not grow with the number of workloads.
 */
async function recordRevisions(kc, objects, options = {}) {
    const own = !(kc instanceof KubeClient);
    const client = kc instanceof KubeClient ? kc : await KubeClient.create(kc);
    try {
        const workloads = objects.filter((o) => isWorkloadKind(o.kind));
        const limit = Math.max(1, options.concurrency ?? 8);
        const lives = await mapLimit(workloads, limit, async (ref) => {
            if (options.live?.has((0,types/* refKey */.X)(ref)))
                return options.live.get((0,types/* refKey */.X)(ref));
            const group = ref.kind === 'Job' ? 'batch/v1' : 'apps/v1';
            return client.getOrUndefined(`/apis/${group}/namespaces/${encodeURIComponent(ref.namespace ?? '')}/${ref.kind.toLowerCase()}s/${encodeURIComponent(ref.name)}`);
        });
        // one list per namespace and kind of child
        const rsByNs = new Map();
        const crByNs = new Map();
        const listRs = (ns) => {
            let p = rsByNs.get(ns);
            if (!p)
                rsByNs.set(ns, (p = client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/replicasets`)));
            return p;
        };
        const listCr = (ns) => {
            let p = crByNs.get(ns);
            if (!p)
                crByNs.set(ns, (p = client.list(`/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/controllerrevisions`)));
            return p;
        };
        return await mapLimit(workloads, limit, async (ref, i) => {
            const live = lives[i];
            const rec = {
                apiVersion: ref.apiVersion,
                kind: ref.kind,
                namespace: ref.namespace,
                name: ref.name,
                exists: !!live,
            };
            if (!live)
                return rec;
            rec.uid = live.metadata.uid;
            rec.generation = live.metadata.generation;
            rec.resourceVersion = live.metadata.resourceVersion;
            const ns = ref.namespace ?? '';
            const uid = live.metadata.uid;
            if (ref.kind === 'Deployment') {
                rec.previousRevision = newest(await listRs(ns), uid, (rs) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? NaN));
            }
            else if (ref.kind === 'StatefulSet' || ref.kind === 'DaemonSet') {
                const revisions = await listCr(ns);
                const current = ref.kind === 'StatefulSet' ? live.status?.currentRevision : undefined;
                const named = current
                    ? revisions.find((r) => r.metadata.name === current && typeof r.revision === 'number')
                    : undefined;
                rec.previousRevision = named
                    ? { revision: named.revision, name: named.metadata.name }
                    : newest(revisions, uid, (r) => (typeof r.revision === 'number' ? r.revision : NaN));
            }
            if (!rec.previousRevision)
                delete rec.previousRevision;
            return rec;
        });
    }
    finally {
        if (own)
            client.close();
    }
}
function newest(items, uid, revisionOf) {
    let best;
    for (const item of items) {
        if (!ownedBy(item, uid))
            continue;
        const revision = revisionOf(item);
        if (!Number.isFinite(revision))
            continue;
        if (!best || revision > best.revision)
            best = { revision, name: item.metadata.name };
    }
    return best;
}
/** Runs fn over items with at most `limit` in flight; results in input order. */
async function mapLimit(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i], i);
        }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
    return out;
}
function ownedBy(obj, uid) {
    return !!uid && (obj.metadata.ownerReferences ?? []).some((o) => o.uid === uid);
}
/** A LabelSelector (matchLabels + matchExpressions) as a label-selector query string. */
function selectorString(selector) {
    if (!selector || typeof selector !== 'object')
        return undefined;
    const s = selector;
    const parts = [];
    for (const [k, v] of Object.entries(s.matchLabels ?? {}))
        parts.push(`${k}=${v}`);
    for (const e of s.matchExpressions ?? []) {
        const values = (e.values ?? []).join(',');
        if (e.operator === 'In')
            parts.push(`${e.key} in (${values})`);
        else if (e.operator === 'NotIn')
            parts.push(`${e.key} notin (${values})`);
        else if (e.operator === 'Exists')
            parts.push(e.key);
        else if (e.operator === 'DoesNotExist')
            parts.push(`!${e.key}`);
    }
    return parts.length ? parts.join(',') : undefined;
}

// EXTERNAL MODULE: ./node_modules/diff/libesm/patch/create.js + 2 modules
var create = __webpack_require__(7291);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
;// CONCATENATED MODULE: ./src/lib/kube/diff.ts
/**
 * Comparing and diffing objects: live against what the server says apply would produce (the
 * dry-run result). Server-maintained fields are left out, Secret values are masked.
 */


const STRIP_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];
/** A copy without managedFields, resourceVersion, generation, uid, creationTimestamp and status. */
function stripServerFields(object) {
    if (!object)
        return undefined;
    const out = { ...object };
    delete out.status;
    if (out.metadata && typeof out.metadata === 'object') {
        const md = { ...out.metadata };
        for (const k of STRIP_METADATA)
            delete md[k];
        out.metadata = md;
    }
    return out;
}
/** Structural equality of JSON values (key order ignored). */
function jsonEqual(a, b) {
    if (a === b)
        return true;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
        return false;
    if (Array.isArray(a) !== Array.isArray(b))
        return false;
    if (Array.isArray(a)) {
        const bb = b;
        return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length)
        return false;
    const ob = b;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && jsonEqual(a[k], ob[k]));
}
/**
 * Masks Secret `data`/`stringData` values: equal values on both sides show as `***`, differing ones
 * as `*** (changed)` on the new side, so the diff says which keys change without showing them.
 */
function maskSecrets(before, after) {
    const kind = (after ?? before)?.kind;
    if (kind !== 'Secret')
        return [before, after];
    const mask = (obj, other, isNew) => {
        if (!obj)
            return obj;
        const out = { ...obj };
        for (const field of ['data', 'stringData']) {
            const values = obj[field];
            if (!values || typeof values !== 'object')
                continue;
            const otherValues = (other?.[field] ?? {});
            out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, isNew && otherValues[k] !== values[k] && other ? '*** (changed)' : '***']));
        }
        return out;
    };
    return [mask(before, after, false), mask(after, before, true)];
}
function toYaml(obj) {
    return obj ? js_yaml/* default.dump */.Ay.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: true }) : '';
}
/** A unified diff of live → would-be (both stripped, Secrets masked); '' when equal. */
function unifiedDiff(name, live, next) {
    const [a, b] = maskSecrets(stripServerFields(live), stripServerFields(next));
    const before = toYaml(a);
    const after = toYaml(b);
    if (before === after)
        return '';
    return (0,create/* createTwoFilesPatch */.ss)(live ? `live/${name}` : '/dev/null', `applied/${name}`, before, after, undefined, undefined, { context: 3 });
}

// EXTERNAL MODULE: ./src/lib/manifests/kinds.ts
var kinds = __webpack_require__(9633);
// EXTERNAL MODULE: ./src/lib/manifests/secrets.ts
var manifests_secrets = __webpack_require__(271);
// EXTERNAL MODULE: ./src/lib/manifests/render.ts + 1 modules
var render = __webpack_require__(3056);
;// CONCATENATED MODULE: ./src/lib/kube/apply.ts
/**
 * apply: server-side apply of rendered objects, all or nothing up front.
 *
 *  1. check   — fill placeholder Secrets in memory, discovery for every kind (unknown kinds, scope
 *               mismatches), prune plan and its max-prune limit. Nothing written.
 *  2. read    — live objects (one LIST per namespace+resource when there are several, else GET).
 *  3. dry run — server-side apply with dryRun=All of EVERY object; every failure (conflicts with
 *               the other manager and field, permissions, validation) is collected and reported
 *               together, and nothing is written when there is one.
 *               Objects in a namespace that this apply creates cannot be dry-run in place (the
 *               namespace does not exist yet); they are dry-run as a create in the `default`
 *               namespace instead, which runs the same schema validation and admission (an
 *               AlreadyExists answer there is accepted: it comes after validation).
 *  4. compare — dry-run result vs live, both without server fields: equal → unchanged, no write
 *               at all (no resourceVersion moves).
 *  5. record  — each existing workload's current revision (for rollback), before any write.
 *  6. write   — tier by tier (Namespaces, CRDs, RBAC, config, Services, workloads, HPAs/PDBs,
 *               CronJobs, others), in parallel within a tier (p-limit), only created/changed.
 *  7. prune   — delete the planned objects (opt-in).
 *
 * `dryRun: true` stops after 5 and returns per-object unified diffs.
 */









const FIELD_MANAGER = render/* MANAGER */.u;
/** Kinds prune looks at (besides every kind that is rendered). */
const PRUNE_KINDS = [
    { apiVersion: 'v1', kind: 'ConfigMap' },
    { apiVersion: 'v1', kind: 'Secret' },
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'v1', kind: 'ServiceAccount' },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    { apiVersion: 'apps/v1', kind: 'DaemonSet' },
    { apiVersion: 'batch/v1', kind: 'Job' },
    { apiVersion: 'batch/v1', kind: 'CronJob' },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
];
const DEFAULT_APPLY_SETTINGS = {
    dryRun: false,
    prune: false,
    maxPrune: 5,
    pruneAllow: [],
    forceConflicts: false,
    concurrency: 8,
};
const describeRef = (ref) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
/**
 * Applies `manifests` (validated, e.g. by render or loadManifests) with server-side apply. Secret
 * placeholders are filled from `secrets` in memory. Takes a KubeClient (shares its connection
 * pool) or a loaded KubeConfig (a client is made and closed).
 */
async function applyManifests(manifests, secrets, settings, kube, logger) {
    if (kube instanceof KubeClient)
        return applyWith(manifests, secrets, settings, kube, logger);
    const client = await KubeClient.create(kube, { maxSockets: Math.max(1, settings.concurrency) });
    try {
        return await applyWith(manifests, secrets, settings, client, logger);
    }
    finally {
        client.close();
    }
}
async function applyWith(manifests, secrets, settings, client, logger) {
    const s = { ...DEFAULT_APPLY_SETTINGS, ...settings };
    const manager = s.fieldManager ?? FIELD_MANAGER;
    const limit = (0,p_limit/* default */.A)(Math.max(1, s.concurrency));
    const problems = [];
    // 1. check: secrets, discovery, scope
    const bodies = manifests.map((m) => {
        if (!(0,manifests_secrets/* isPlaceholderSecret */.qv)(m.object))
            return m.object;
        try {
            return (0,manifests_secrets/* fillSecret */.MP)(m.object, secrets, m.source);
        }
        catch (error) {
            if (error instanceof runtime_errors/* ConfigurationError */.j1)
                problems.push(error.message);
            else
                throw error;
            return m.object;
        }
    });
    const plans = [];
    const infos = await Promise.all(manifests.map((m) => client.resourceFor(m.ref.apiVersion, m.ref.kind)));
    manifests.forEach((m, i) => {
        const info = infos[i];
        const where = `${m.source}: ${describeRef(m.ref)}`;
        if (!info) {
            problems.push(`${where}: the cluster does not serve kind '${m.ref.kind}' in ${m.ref.apiVersion} (unknown kind or missing CRD).`);
            return;
        }
        if (info.namespaced && !m.ref.namespace)
            problems.push(`${where}: ${m.ref.kind} is namespaced but the object has no namespace.`);
        else if (!info.namespaced && m.ref.namespace)
            problems.push(`${where}: ${m.ref.kind} is cluster-scoped but the object has namespace '${m.ref.namespace}'.`);
        else if (!info.verbs.includes('patch'))
            problems.push(`${where}: the cluster does not allow patching ${info.resource}.`);
        else
            plans.push({ ref: m.ref, body: bodies[i], info, inNewNamespace: false });
    });
    const environment = s.environment ?? envFromLabels(manifests);
    if (s.prune && !environment) {
        problems.push("Input 'prune' is true but no environment is known: set input 'environment' (or render with phlo-deploy so objects carry the phlo.dev/environment label).");
    }
    if (problems.length)
        throw new runtime_errors/* ConfigurationErrors */.yb(problems);
    // prune plan (before any write; refuses past max-prune)
    const pruneList = s.prune ? await planPrune(client, plans, environment, s, limit) : [];
    // 2. read live objects
    const declaredNamespaces = plans.filter((p) => p.ref.kind === 'Namespace');
    // failures of reads and of the dry run are collected and reported together
    const failures = [];
    const unreadable = new Set();
    await Promise.all(declaredNamespaces.map((p) => limit(async () => {
        try {
            p.live = await client.getOrUndefined(KubeClient.objectPath(p.info, p.ref));
        }
        catch (error) {
            failures.push(explainFailure(p.ref, error, s.forceConflicts));
            unreadable.add(p);
        }
    })));
    const newNamespaces = new Set(declaredNamespaces.filter((p) => !p.live).map((p) => p.ref.name));
    for (const p of plans)
        if (p.ref.namespace && newNamespaces.has(p.ref.namespace))
            p.inNewNamespace = true;
    await readLive(client, plans.filter((p) => p.ref.kind !== 'Namespace' && !p.inNewNamespace), limit, (p, error) => {
        failures.push(explainFailure(p.ref, error, s.forceConflicts));
        unreadable.add(p);
    });
    // 3. dry run everything (that could be read)
    await Promise.all(plans
        .filter((p) => !unreadable.has(p))
        .map((p) => limit(async () => {
        try {
            p.dry = p.inNewNamespace
                ? await dryRunCreateElsewhere(client, p, manager)
                : await serverSideApply(client, p, manager, s.forceConflicts, true);
        }
        catch (error) {
            failures.push(explainFailure(p.ref, error, s.forceConflicts));
        }
    })));
    if (failures.length) {
        throw new runtime_errors/* ConfigurationErrors */.yb([
            `Checks before writing (read, server-side dry run) failed for ${failures.length} of ${plans.length} objects; nothing was applied.`,
            ...failures.sort(),
        ]);
    }
    // 4. compare. A dry run keeps the live resourceVersion, so when the two differ a controller
    // wrote the object between our read and the dry run: read again (and dry-run again if needed)
    // so that the comparison is between the same version.
    await Promise.all(plans
        .filter((p) => p.live && p.dry && p.dry.metadata.resourceVersion !== p.live.metadata.resourceVersion)
        .map((p) => limit(async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
            p.live = await client.getOrUndefined(KubeClient.objectPath(p.info, p.ref));
            if (!p.live || p.live.metadata.resourceVersion === p.dry.metadata.resourceVersion)
                return;
            p.dry = await serverSideApply(client, p, manager, s.forceConflicts, true);
        }
    })));
    for (const p of plans) {
        if (!p.live)
            p.action = 'created';
        else
            p.action = jsonEqual(stripServerFields(p.live), stripServerFields(p.dry)) ? 'unchanged' : 'changed';
    }
    // 5. record revisions of existing workloads, before any write
    const workloadPlans = plans.filter((p) => isWorkloadKind(p.ref.kind));
    const liveMap = new Map(workloadPlans.map((p) => [(0,types/* refKey */.X)(p.ref), p.live]));
    const revisions = await recordRevisions(client, workloadPlans.map((p) => p.ref), { live: liveMap, concurrency: s.concurrency });
    const diffs = [];
    if (s.dryRun) {
        for (const p of plans) {
            const shownDry = p.inNewNamespace && p.dry ? withNamespace(p.dry, p.ref.namespace) : p.dry;
            diffs.push({
                ref: p.ref,
                action: p.action,
                diff: p.action === 'unchanged' ? '' : unifiedDiff((0,types/* refKey */.X)(p.ref), p.live, shownDry),
            });
        }
        for (const o of pruneList)
            diffs.push({ ref: o.ref, action: 'pruned', diff: unifiedDiff((0,types/* refKey */.X)(o.ref), o.live, undefined) });
    }
    else {
        // 6. write, tier by tier
        for (const tier of kinds/* TIERS */.iB) {
            const batch = plans.filter((p) => (0,kinds/* tierOf */.kx)(p.ref.kind) === tier && p.action !== 'unchanged');
            if (batch.length === 0)
                continue;
            const errors = [];
            await Promise.all(batch.map((p) => limit(async () => {
                try {
                    p.applied = await serverSideApply(client, p, manager, s.forceConflicts, false);
                }
                catch (error) {
                    errors.push(explainFailure(p.ref, error, s.forceConflicts));
                }
            })));
            const done = batch.filter((p) => p.applied).length;
            logger.info(`${tier}: applied ${done} of ${batch.length} object(s)`);
            if (errors.length) {
                const written = plans.filter((p) => p.applied).map((p) => describeRef(p.ref));
                throw new runtime_errors/* ConfigurationErrors */.yb([
                    `Apply failed in tier '${tier}' after a successful dry run (${written.length} object(s) already written: ${written.join(', ') || 'none'}).`,
                    ...errors,
                ]);
            }
        }
        // 7. prune
        for (const o of pruneList) {
            await limit(async () => {
                try {
                    await client.request({
                        method: 'DELETE',
                        path: KubeClient.objectPath(o.info, o.ref),
                        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
                    });
                    logger.info(`pruned ${describeRef(o.ref)}`);
                }
                catch (error) {
                    if (!(error instanceof KubeApiError && error.code === 404))
                        throw error;
                }
            });
        }
    }
    // result
    const objects = [
        ...plans.map((p) => ({ ...p.ref, action: p.action })),
        ...pruneList.map((o) => ({ ...o.ref, action: 'pruned' })),
    ];
    const workloads = workloadPlans.map((p, i) => {
        const rev = revisions[i];
        const after = p.applied ?? p.dry;
        const generation = (p.action === 'unchanged' ? p.live : after)?.metadata.generation;
        const record = {
            ...p.ref,
            created: p.action === 'created',
            changed: p.action === 'changed' && generation !== p.live?.metadata.generation,
            ...(generation !== undefined && !s.dryRun ? { generation } : {}),
        };
        if (rev.previousRevision)
            record.previousRevision = rev.previousRevision;
        return record;
    });
    const count = (a) => objects.filter((o) => o.action === a).length;
    const result = {
        dryRun: s.dryRun,
        counts: {
            created: count('created'),
            changed: count('changed'),
            unchanged: count('unchanged'),
            pruned: count('pruned'),
        },
        objects,
        workloads,
    };
    logger.info(`${s.dryRun ? 'dry run: would create' : 'created'} ${result.counts.created}, changed ${result.counts.changed}, ` +
        `unchanged ${result.counts.unchanged}, pruned ${result.counts.pruned}`);
    return { result, diffs };
}
function envFromLabels(manifests) {
    const values = new Set(manifests.map((m) => m.object.metadata.labels?.[render/* LABEL_ENVIRONMENT */.zO]));
    return values.size === 1 ? [...values][0] : undefined;
}
function withNamespace(obj, namespace) {
    return { ...obj, metadata: { ...obj.metadata, namespace } };
}
async function serverSideApply(client, p, manager, force, dryRun) {
    return client.request({
        method: 'PATCH',
        path: KubeClient.objectPath(p.info, p.ref),
        query: {
            fieldManager: manager,
            force: force ? 'true' : undefined,
            dryRun: dryRun ? 'All' : undefined,
            fieldValidation: 'Strict',
        },
        body: p.body,
        contentType: 'application/apply-patch+yaml',
    });
}
/** Dry-run of an object whose namespace does not exist yet: a create in `default`. */
async function dryRunCreateElsewhere(client, p, manager) {
    const md = p.body.metadata;
    const body = { ...p.body, metadata: { ...md, namespace: 'default' } };
    try {
        const out = await client.request({
            method: 'POST',
            path: KubeClient.collectionPath(p.info, 'default'),
            query: { fieldManager: manager, dryRun: 'All', fieldValidation: 'Strict' },
            body,
        });
        return withNamespace(out, p.ref.namespace);
    }
    catch (error) {
        if (error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists') {
            return withNamespace(p.body, p.ref.namespace);
        }
        throw error;
    }
}
/** One line for a failed request: conflicts name the other manager and the field. */
function explainFailure(ref, error, forced) {
    const what = describeRef(ref);
    if (error instanceof KubeApiError) {
        const status = error.body;
        if (error.code === 409 && status.reason === 'Conflict' && status.details?.causes?.length) {
            const conflicts = status.details.causes
                .filter((c) => c.type === 'FieldManagerConflict' || c.message?.startsWith('conflict with'))
                .map((c) => {
                const m = /conflict with "([^"]+)"(?: using ([^\s:]+))?/.exec(c.message ?? '');
                const manager = m?.[1] ?? 'another field manager';
                return `field ${c.field ?? '(unknown field)'} is owned by field manager '${manager}'${m?.[2] ? ` (${m[2]})` : ''}`;
            });
            if (conflicts.length) {
                return `${what}: conflict: ${conflicts.join('; ')}${forced ? '' : ". Set input 'force-conflicts: true' to take the field(s) over, or stop setting them"}.`;
            }
        }
        if (error.code === 403)
            return `${what}: permission denied: ${status.message ?? 'forbidden'} (check the RBAC of the deploying identity).`;
        if (error.code === 401)
            return `${what}: not authenticated (HTTP 401): the kubeconfig's credentials were rejected.`;
        if (error.code === 404 && status.details?.kind === 'namespaces') {
            return `${what}: namespace '${status.details.name}' does not exist and is not among the applied objects.`;
        }
        if (error.code === 422 || error.code === 400) {
            const causes = (status.details?.causes ?? [])
                .map((c) => `${c.field ?? ''} ${c.message ?? ''}`.trim())
                .filter(Boolean);
            return `${what}: invalid: ${causes.length ? causes.join('; ') : (status.message ?? `HTTP ${error.code}`)}`;
        }
        // server-side apply answers 500 when the patch has fields the schema does not declare
        const typed = /failed to create typed patch object \([^)]*\): (.*)$/.exec(status.message ?? '');
        if (typed)
            return `${what}: invalid: ${typed[1]}`;
        return `${what}: ${(0,runtime_errors/* describeError */.Uc)(error)}`;
    }
    throw error;
}
/** Reads live objects: one LIST per (namespace, resource) when several objects share it, else GETs. */
async function readLive(client, plans, limit, onError) {
    const groups = new Map();
    for (const p of plans) {
        const key = KubeClient.collectionPath(p.info, p.ref.namespace);
        const g = groups.get(key);
        if (g)
            g.push(p);
        else
            groups.set(key, [p]);
    }
    const getOne = (p) => limit(async () => {
        try {
            p.live = await client.getOrUndefined(KubeClient.objectPath(p.info, p.ref));
        }
        catch (error) {
            if (!(error instanceof KubeApiError))
                throw error;
            onError(p, error);
        }
    });
    await Promise.all([...groups.entries()].map(async ([collection, group]) => {
        if (group.length < 4)
            return Promise.all(group.map(getOne));
        let items;
        try {
            items = await limit(() => client.list(collection));
        }
        catch (error) {
            if (error instanceof KubeApiError && (error.code === 403 || error.code === 404))
                return Promise.all(group.map(getOne));
            throw error;
        }
        const byName = new Map(items.map((i) => [i.metadata.name, i]));
        for (const p of group) {
            const live = byName.get(p.ref.name);
            // LIST items lack apiVersion/kind; put them back so comparisons see the same shape
            p.live = live ? { ...live, apiVersion: p.ref.apiVersion, kind: p.ref.kind } : undefined;
        }
        return undefined;
    }));
}
async function planPrune(client, plans, environment, s, limit) {
    const rendered = new Set(plans.map((p) => `${p.info.apiVersion.split('/').length > 1 ? p.info.apiVersion.split('/')[0] : ''}/${p.ref.kind}/${p.ref.namespace ?? ''}/${p.ref.name}`));
    const kinds = new Map();
    for (const k of PRUNE_KINDS)
        kinds.set(`${k.apiVersion}/${k.kind}`, k);
    for (const p of plans)
        kinds.set(`${p.info.apiVersion}/${p.ref.kind}`, { apiVersion: p.info.apiVersion, kind: p.ref.kind });
    const selector = `${render/* LABEL_MANAGED_BY */.dq}=${render/* MANAGER */.u},${render/* LABEL_ENVIRONMENT */.zO}=${environment}`;
    const allow = new Set(s.pruneAllow);
    const candidates = [];
    const seen = new Set();
    await Promise.all([...kinds.values()].map((k) => limit(async () => {
        const info = await client.resourceFor(k.apiVersion, k.kind);
        if (!info || !info.verbs.includes('list') || !info.verbs.includes('delete'))
            return;
        const items = await client.list(KubeClient.collectionPath(info), { labelSelector: selector });
        for (const item of items) {
            const ref = {
                apiVersion: info.apiVersion,
                kind: k.kind,
                name: item.metadata.name,
                ...(item.metadata.namespace ? { namespace: item.metadata.namespace } : {}),
            };
            const group = info.apiVersion.includes('/') ? info.apiVersion.split('/')[0] : '';
            const key = `${group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
            if (rendered.has(key) || seen.has(key))
                continue;
            // objects owned by a controller (ReplicaSets, Pods, Jobs of CronJobs) are not ours to delete
            if ((item.metadata.ownerReferences ?? []).some((o) => o.controller))
                continue;
            if ((k.kind === 'Namespace' || k.kind === 'PersistentVolumeClaim') && !allow.has((0,types/* refKey */.X)(ref)))
                continue;
            seen.add(key);
            candidates.push({ ref, info, live: { ...item, apiVersion: info.apiVersion, kind: k.kind } });
        }
    })));
    candidates.sort((a, b) => (0,types/* refKey */.X)(a.ref).localeCompare((0,types/* refKey */.X)(b.ref)));
    if (candidates.length > s.maxPrune) {
        throw new runtime_errors/* ConfigurationError */.j1(`Prune would delete ${candidates.length} objects, more than input 'max-prune' (${s.maxPrune}) allows: ` +
            `${candidates.map((c) => (0,types/* refKey */.X)(c.ref)).join(', ')}. Nothing was applied; raise 'max-prune' if this is intended.`);
    }
    return candidates;
}

// EXTERNAL MODULE: ./src/lib/kube/apply-report.ts
var apply_report = __webpack_require__(5148);
// EXTERNAL MODULE: ./src/lib/manifests/index.ts
var lib_manifests = __webpack_require__(2994);
;// CONCATENATED MODULE: ./src/actions/apply/run.ts







async function run(ctx) {
    const { inputs } = ctx;
    ctx.setSecret(inputs.raw('kubeconfig-content'));
    const workspace = external_node_path_default().resolve(inputs.string('workspace', process.env.GITHUB_WORKSPACE || process.cwd()));
    const secrets = (0,lib_manifests/* readSecretValues */.xL)({ envFile: inputs.optional('env-file'), inline: inputs.raw('secrets') || undefined, workspace }, (s) => ctx.setSecret(s));
    const environment = inputs.optional('environment');
    if (environment && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(environment)) {
        throw runtime_errors/* ConfigurationError */.j1.forInput('environment', environment, 'a lowercase environment name');
    }
    const settings = {
        environment,
        dryRun: inputs.boolean('dry-run', false),
        prune: inputs.boolean('prune', false),
        maxPrune: inputs.int('max-prune', 5, { min: 0, max: 10_000 }),
        pruneAllow: inputs.list('prune-allow'),
        forceConflicts: inputs.boolean('force-conflicts', false),
        concurrency: inputs.int('concurrency', 8, { min: 1, max: 64 }),
    };
    const roots = [workspace, ...(process.env.RUNNER_TEMP ? [process.env.RUNNER_TEMP] : [])];
    const manifests = (0,lib_manifests/* loadManifests */.DD)(inputs.list('manifests'), roots);
    if (manifests.length === 0)
        throw runtime_errors/* ConfigurationError */.j1.forInput('manifests', inputs.raw('manifests'), 'files with at least one object');
    const kc = (0,config/* loadKubeConfig */.u)((0,config/* resolveKubeconfigSource */.z)({
        file: inputs.optional('kubeconfig'),
        content: inputs.optional('kubeconfig-content'),
        context: inputs.optional('context'),
    }));
    const client = await KubeClient.create(kc, { maxSockets: settings.concurrency });
    try {
        const { result, diffs } = await applyManifests(manifests, secrets, settings, client, ctx.logger);
        for (const d of diffs)
            if (d.diff)
                ctx.logger.info(d.diff);
        ctx.setOutput('created', result.counts.created);
        ctx.setOutput('changed', result.counts.changed);
        ctx.setOutput('unchanged', result.counts.unchanged);
        ctx.setOutput('pruned', result.counts.pruned);
        ctx.setOutput('result', result);
        ctx.summary((0,apply_report/* applySummary */.H)(result, diffs));
    }
    finally {
        client.close();
    }
}


/***/ }),

/***/ 7687:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   u: () => (/* binding */ loadKubeConfig),
/* harmony export */   z: () => (/* binding */ resolveKubeconfigSource)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1991);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5709);
/**
 * Loading a kubeconfig explicitly. `KubeConfig.loadFromDefault()` silently falls back to
 * localhost:8080 when nothing is configured; a deploy tool must instead fail loudly and say where
 * it looked.
 */



function resolveKubeconfigSource(settings, env = process.env) {
    if (settings.inCluster)
        return { kind: 'in-cluster' };
    if (settings.content)
        return { kind: 'inline', content: settings.content, context: settings.context };
    const file = settings.file || env.KUBECONFIG?.split(':')[0];
    if (file)
        return { kind: 'file', path: file, context: settings.context };
    throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1("No Kubernetes cluster configured: set input 'kubeconfig' (a path), 'kubeconfig-content', or the " +
        'KUBECONFIG environment variable (e.g. after `aws eks update-kubeconfig`).');
}
/** Loads a KubeConfig and checks it names a current cluster with a server. */
function loadKubeConfig(source) {
    const kc = new _kubernetes_client_node__WEBPACK_IMPORTED_MODULE_1__/* .KubeConfig */ .ypW();
    try {
        switch (source.kind) {
            case 'in-cluster':
                kc.loadFromCluster();
                break;
            case 'inline':
                kc.loadFromString(source.content);
                break;
            case 'file':
                if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(source.path)) {
                    throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`Kubeconfig file '${source.path}' does not exist: check input 'kubeconfig' or KUBECONFIG.`);
                }
                kc.loadFromFile(source.path);
                break;
        }
    }
    catch (error) {
        if (error instanceof _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1)
            throw error;
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`The kubeconfig could not be read (${source.kind === 'file' ? source.path : source.kind}): ${error.message.split('\n')[0]}`);
    }
    if (source.kind !== 'in-cluster' && source.context) {
        if (!kc.getContexts().some((c) => c.name === source.context)) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(`Input 'context' is '${source.context}': the kubeconfig has contexts ${kc.getContexts().map((c) => c.name).join(', ') || '(none)'}.`);
        }
        kc.setCurrentContext(source.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster || !cluster.server) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1('The kubeconfig has no current cluster with a server address: set current-context or input \'context\'.');
    }
    return kc;
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
