export const id = 586;
export const ids = [586];
export const modules = {

/***/ 6913:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Ps: () => (/* binding */ gateAndRollback),
  oU: () => (/* reexport */ renderGateSummary),
  ZP: () => (/* reexport */ renderRollbackSummary),
  T5: () => (/* reexport */ rollbackAndGate)
});

// UNUSED EXPORTS: cell, containerLogTail, daemonSetHash, daemonSetRule, deploymentRule, describeContainerState, executeRollback, explainWorkload, explanationLines, fetchLive, gateTargets, jobRule, newReplicaSet, newRevisionPods, parseWorkloads, planRollback, podDoom, readyConditionRule, recentEvents, renderExplanation, runRolloutGate, selectorMatches, selectorToString, statefulSetRule, workloadRule

// EXTERNAL MODULE: ./src/lib/runtime/errors.ts
var errors = __webpack_require__(5709);
// EXTERNAL MODULE: ./src/lib/kube/types.ts
var types = __webpack_require__(3400);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:readline"
var external_node_readline_ = __webpack_require__(481);
;// CONCATENATED MODULE: ./src/lib/kube/watch.ts
/**
 * Raw Kubernetes API access for the gates: one-shot requests and a list-watch loop that resumes
 * from the last resourceVersion, relists on 410 Gone and reconnects with backoff when the API
 * server goes away (a restart in the middle of a gate must not change the verdict).
 *
 * Why not client-node's `Watch` / informer: in @kubernetes/client-node 1.4.0 `Watch.watch()` builds
 * an `AbortSignal.timeout(30000)` and then overwrites the request's signal with its own
 * controller's, so the 30 s timeout is dead code there (healthy watches are NOT aborted after 30 s
 * in 1.4.0). Later releases wired that signal in and did abort every watch 30 s after it started
 * (kubernetes-client/javascript#3020, fixed by #3022 with an inactivity timer). The flip side in
 * 1.4.0 is that nothing bounds a silently dead connection, and `done` does not tell which
 * resourceVersion to resume from. So this module owns the loop: the server closes each watch after
 * `timeoutSeconds`, a client-side watchdog aborts a stream that outlives that by a margin, and every
 * reconnect resumes from the last resourceVersion seen (events and bookmarks).
 *
 * Auth comes from `KubeConfig.applyToHTTPSOptions` (tokens, client certs, exec plugins such as
 * `aws eks get-token`), so the same code works on the local stack and on EKS.
 */




/** An API error carrying `code` and `body`, which `describeError` turns into one line. */
class KubeApiError extends Error {
    code;
    body;
    constructor(code, body, what) {
        super(`${what}: HTTP ${code}`);
        this.code = code;
        this.body = body;
        this.name = 'KubeApiError';
    }
}
function buildUrl(kc, path, query = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server)
        throw new Error('The kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query))
        if (v !== undefined)
            url.searchParams.set(k, String(v));
    return url;
}
async function openRequest(kc, method, path, options) {
    const url = buildUrl(kc, path, options.query);
    const opts = {};
    await kc.applyToHTTPSOptions(opts);
    const headers = { ...options.headers, ...opts.headers };
    headers.Accept = options.accept ?? 'application/json';
    let payload;
    if (options.body !== undefined) {
        payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['Content-Type'] = options.contentType ?? 'application/json';
        headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const request = url.protocol === 'https:' ? external_node_https_.request : external_node_http_.request;
    return new Promise((resolve, reject) => {
        const req = request(url, { ...opts, method, headers, signal: options.signal }, (res) => resolve({ req, res }));
        req.on('error', reject);
        if (payload !== undefined)
            req.write(payload);
        req.end();
    });
}
/** One request; resolves with status and body for any HTTP status, rejects on transport errors. */
async function kubeRequest(kc, method, path, options = {}) {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const { res } = await openRequest(kc, method, path, { ...options, signal });
    const chunks = [];
    return new Promise((resolve, reject) => {
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
    });
}
/** A request whose 2xx JSON body is returned; other statuses throw a KubeApiError. */
async function kubeJson(kc, method, path, options = {}) {
    const res = await kubeRequest(kc, method, path, options);
    if (res.status < 200 || res.status >= 300)
        throw new KubeApiError(res.status, res.body, `${method} ${path}`);
    return JSON.parse(res.body);
}
/** API path of a collection (namespaced when namespace is given). */
function collectionPath(apiVersion, plural, namespace) {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${base}/${plural}`;
}
function objectPath(apiVersion, plural, namespace, name) {
    return `${collectionPath(apiVersion, plural, namespace)}/${encodeURIComponent(name)}`;
}
const PLURALS = {
    Deployment: 'deployments',
    StatefulSet: 'statefulsets',
    DaemonSet: 'daemonsets',
    Job: 'jobs',
    ReplicaSet: 'replicasets',
    ControllerRevision: 'controllerrevisions',
    Pod: 'pods',
    Event: 'events',
    Service: 'services',
};
/**
 * The plural resource name of a kind: well-known kinds from a table, anything else (custom
 * resources) through API discovery of its group version.
 */
async function resolvePlural(kc, apiVersion, kind, signal) {
    const known = PLURALS[kind];
    if (known)
        return known;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await kubeJson(kc, 'GET', base, { signal });
    const hit = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!hit)
        throw new Error(`The API server does not serve kind ${kind} in ${apiVersion}`);
    return hit.name;
}
/**
 * Runs list → watch → (resume | relist) until `signal` aborts. Never throws for transport errors:
 * it reconnects with capped exponential backoff. Resolves when aborted.
 */
async function listWatch(options, kc) {
    const { signal, clock, logger } = options;
    const stats = { lists: 0, watches: 0, reconnects: 0, relistsOn410: 0 };
    let resourceVersion = '';
    let backoffMs = 0;
    let lost = false;
    const timeoutSeconds = options.timeoutSeconds ?? 60;
    const failed = async (error) => {
        if (signal.aborted)
            return;
        stats.reconnects += 1;
        backoffMs = Math.min(backoffMs ? backoffMs * 2 : 100, 3_000);
        if (!lost) {
            lost = true;
            options.onConnection?.('lost', (0,errors/* describeError */.Uc)(error));
            logger.debug(`watch ${options.path}: ${(0,errors/* describeError */.Uc)(error)}; reconnecting`);
        }
        const jitter = Math.round(Math.random() * backoffMs * 0.2);
        await clock.sleep(backoffMs + jitter, signal).catch(() => undefined);
    };
    const restored = () => {
        backoffMs = 0;
        if (lost) {
            lost = false;
            options.onConnection?.('restored', options.path);
        }
    };
    while (!signal.aborted) {
        if (!resourceVersion) {
            try {
                const list = await kubeJson(kc, 'GET', options.path, {
                    query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
                    signal,
                });
                stats.lists += 1;
                resourceVersion = list.metadata?.resourceVersion ?? '';
                restored();
                options.onSync(list.items ?? []);
            }
            catch (error) {
                if (signal.aborted)
                    break;
                await failed(error);
                continue;
            }
        }
        // Watch from resourceVersion until the server closes, the connection drops, or 410.
        const watchAbort = new AbortController();
        const onAbort = () => watchAbort.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        const watchdog = setTimeout(() => watchAbort.abort(), (timeoutSeconds + 15) * 1000);
        watchdog.unref?.();
        try {
            const { res } = await openRequest(kc, 'GET', options.path, {
                query: {
                    watch: 'true',
                    resourceVersion,
                    allowWatchBookmarks: 'true',
                    timeoutSeconds,
                    labelSelector: options.labelSelector,
                    fieldSelector: options.fieldSelector,
                },
                signal: watchAbort.signal,
            });
            stats.watches += 1;
            if (res.statusCode === 410) {
                res.resume();
                stats.relistsOn410 += 1;
                resourceVersion = '';
                continue;
            }
            if (res.statusCode !== 200) {
                const chunks = [];
                for await (const c of res)
                    chunks.push(c);
                throw new KubeApiError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `watch ${options.path}`);
            }
            restored();
            let gone = false;
            const lines = (0,external_node_readline_.createInterface)({ input: res, crlfDelay: Infinity });
            for await (const line of lines) {
                if (!line.trim())
                    continue;
                let event;
                try {
                    event = JSON.parse(line);
                }
                catch {
                    continue;
                }
                if (event.type === 'ERROR') {
                    if (event.object?.code === 410) {
                        gone = true;
                        break;
                    }
                    throw new KubeApiError(event.object?.code ?? 500, JSON.stringify(event.object), `watch ${options.path}`);
                }
                const rv = event.object?.metadata?.resourceVersion;
                if (rv)
                    resourceVersion = rv;
                if (event.type === 'BOOKMARK')
                    continue;
                if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
                    options.onEvent(event.type, event.object);
                }
            }
            res.destroy();
            if (gone) {
                stats.relistsOn410 += 1;
                resourceVersion = '';
                logger.debug(`watch ${options.path}: resourceVersion too old (410 Gone); relisting`);
            }
            // A clean server-side close (timeoutSeconds): loop and resume from resourceVersion.
            // An abrupt close (apiserver killed) also ends here or throws below; both resume.
        }
        catch (error) {
            if (signal.aborted)
                break;
            if (error instanceof KubeApiError && error.code === 410) {
                stats.relistsOn410 += 1;
                resourceVersion = '';
                continue;
            }
            await failed(error);
        }
        finally {
            clearTimeout(watchdog);
            signal.removeEventListener('abort', onAbort);
        }
    }
    return stats;
}
/** A keyed store fed by listWatch (namespace/name → object). */
class ObjectStore {
    items = new Map();
    synced = false;
    replace(items) {
        this.items.clear();
        for (const o of items)
            this.items.set(storeKey(o), o);
        this.synced = true;
    }
    apply(type, o) {
        if (type === 'DELETED')
            this.items.delete(storeKey(o));
        else
            this.items.set(storeKey(o), o);
    }
    get(namespace, name) {
        return this.items.get(`${namespace ?? ''}/${name}`);
    }
    values() {
        return [...this.items.values()];
    }
}
function storeKey(o) {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

// EXTERNAL MODULE: ./src/lib/runtime/inputs.ts
var inputs = __webpack_require__(523);
;// CONCATENATED MODULE: ./src/lib/gates/rules.ts
function condition(obj, type) {
    const list = (obj.status?.conditions ?? []);
    return list.find((c) => c.type === type);
}
function generationObserved(obj) {
    const generation = obj.metadata.generation ?? 0;
    const observed = obj.status?.observedGeneration;
    return typeof observed === 'number' && observed >= generation;
}
function deploymentRule(d) {
    const name = d.metadata.name;
    if (!generationObserved(d))
        return { state: 'progressing', message: `waiting for deployment "${name}" spec update to be observed` };
    const progressing = condition(d, 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
            state: 'failed',
            reason: 'ProgressDeadlineExceeded',
            message: `deployment "${name}" exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`,
        };
    }
    const s = d.status ?? {};
    const desired = d.spec?.replicas;
    const updated = s.updatedReplicas ?? 0;
    const total = s.replicas ?? 0;
    const available = s.availableReplicas ?? 0;
    if (desired !== undefined && desired !== null && updated < desired) {
        return { state: 'progressing', message: `${updated} of ${desired} updated replicas` };
    }
    if (total > updated) {
        return { state: 'progressing', message: `${total - updated} old replicas pending termination` };
    }
    if (available < updated) {
        return { state: 'progressing', message: `${available} of ${updated} updated replicas available` };
    }
    return { state: 'ready', message: `${available} of ${desired ?? updated} replicas updated and available` };
}
function statefulSetRule(s) {
    const name = s.metadata.name;
    const st = s.status ?? {};
    if (!st.observedGeneration || !generationObserved(s)) {
        return { state: 'progressing', message: `waiting for statefulset "${name}" spec update to be observed` };
    }
    const desired = s.spec?.replicas;
    const ready = st.readyReplicas ?? 0;
    if (desired !== undefined && desired !== null && ready < desired) {
        return { state: 'progressing', message: `${ready} of ${desired} pods ready` };
    }
    const strategy = s.spec?.updateStrategy ?? {};
    if (strategy.type === 'OnDelete') {
        // Pods only change when deleted: nothing to wait for beyond readiness (kubectl refuses to watch).
        return { state: 'ready', message: `${ready} pods ready (OnDelete: pods take the new template only when deleted)` };
    }
    const partition = strategy.rollingUpdate?.partition;
    if (desired !== undefined && partition !== undefined && partition !== null && partition > 0) {
        const updated = st.updatedReplicas ?? 0;
        if (updated < desired - partition) {
            return { state: 'progressing', message: `${updated} of ${desired - partition} pods updated (partition ${partition})` };
        }
        return { state: 'ready', message: `partitioned roll out complete: ${updated} new pods (partition ${partition})` };
    }
    if (st.updateRevision !== st.currentRevision) {
        return { state: 'progressing', message: `${st.updatedReplicas ?? 0} of ${desired ?? '?'} pods at revision ${st.updateRevision}` };
    }
    return { state: 'ready', message: `${ready} pods ready at revision ${st.currentRevision}` };
}
function daemonSetRule(ds) {
    const name = ds.metadata.name;
    if (!generationObserved(ds))
        return { state: 'progressing', message: `waiting for daemon set "${name}" spec update to be observed` };
    const st = ds.status ?? {};
    const desired = st.desiredNumberScheduled ?? 0;
    const available = st.numberAvailable ?? 0;
    if (ds.spec?.updateStrategy?.type === 'OnDelete') {
        if (available < desired)
            return { state: 'progressing', message: `${available} of ${desired} pods available` };
        return { state: 'ready', message: `${available} pods available (OnDelete: pods take the new template only when deleted)` };
    }
    const updated = st.updatedNumberScheduled ?? 0;
    if (updated < desired)
        return { state: 'progressing', message: `${updated} of ${desired} updated pods scheduled` };
    if (available < desired)
        return { state: 'progressing', message: `${available} of ${desired} updated pods available` };
    return { state: 'ready', message: `${available} of ${desired} pods updated and available` };
}
function jobRule(job) {
    const failed = condition(job, 'Failed');
    if (failed?.status === 'True') {
        return { state: 'failed', reason: failed.reason ?? 'JobFailed', message: `job failed: ${failed.reason ?? ''}${failed.message ? ` — ${failed.message}` : ''}` };
    }
    const complete = condition(job, 'Complete');
    if (complete?.status === 'True')
        return { state: 'ready', message: `job complete (${job.status?.succeeded ?? 0} succeeded)` };
    const st = job.status ?? {};
    return { state: 'progressing', message: `${st.active ?? 0} active, ${st.succeeded ?? 0} succeeded, ${st.failed ?? 0} failed` };
}
/** A custom resource is ready when its Ready condition is True for the current generation. */
function readyConditionRule(obj) {
    const ready = condition(obj, 'Ready');
    const generation = obj.metadata.generation;
    const observed = ready?.observedGeneration ?? obj.status?.observedGeneration;
    if (generation !== undefined && typeof observed === 'number' && observed < generation) {
        return { state: 'progressing', message: `waiting for generation ${generation} to be observed` };
    }
    if (ready?.status === 'True')
        return { state: 'ready', message: `Ready${ready.reason ? ` (${ready.reason})` : ''}` };
    if (!ready)
        return { state: 'progressing', message: 'no Ready condition yet' };
    return { state: 'progressing', message: `Ready ${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}` };
}
function workloadRule(kind, obj) {
    switch (kind) {
        case 'Deployment':
            return deploymentRule(obj);
        case 'StatefulSet':
            return statefulSetRule(obj);
        case 'DaemonSet':
            return daemonSetRule(obj);
        case 'Job':
            return jobRule(obj);
        default:
            return readyConditionRule(obj);
    }
}
const FATAL_WAITING = new Set(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName', 'ErrImageNeverPull']);
/**
 * Is this pod doomed? ImagePullBackOff/ErrImagePull, CreateContainerConfigError (a missing Secret
 * or ConfigMap key), CrashLoopBackOff at `restartLimit` restarts or more, or unschedulable.
 */
function podDoom(pod, restartLimit) {
    const name = pod.metadata.name;
    const st = pod.status ?? {};
    const statuses = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
    for (const c of statuses) {
        const waiting = c.state?.waiting;
        if (!waiting?.reason)
            continue;
        if (FATAL_WAITING.has(waiting.reason)) {
            return {
                state: 'failed',
                reason: waiting.reason,
                pod: name,
                message: `pod ${name} container ${c.name}: ${waiting.reason}${waiting.message ? ` — ${waiting.message}` : ''}`,
            };
        }
        if (waiting.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= restartLimit) {
            const last = c.lastState?.terminated;
            const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
            return {
                state: 'failed',
                reason: 'CrashLoopBackOff',
                pod: name,
                message: `pod ${name} container ${c.name}: CrashLoopBackOff after ${c.restartCount} restarts${exit}`,
            };
        }
    }
    const scheduled = (st.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
        return { state: 'failed', reason: 'Unschedulable', pod: name, message: `pod ${name} is unschedulable${scheduled.message ? `: ${scheduled.message}` : ''}` };
    }
    return undefined;
}
/** Does a label selector (matchLabels + matchExpressions) select these labels? */
function selectorMatches(selector, labels) {
    if (!selector)
        return false;
    const l = labels ?? {};
    for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
        if (l[k] !== v)
            return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        const values = e.values ?? [];
        switch (e.operator) {
            case 'In':
                if (!has || !values.includes(l[e.key]))
                    return false;
                break;
            case 'NotIn':
                if (has && values.includes(l[e.key]))
                    return false;
                break;
            case 'Exists':
                if (!has)
                    return false;
                break;
            case 'DoesNotExist':
                if (has)
                    return false;
                break;
            default:
                return false;
        }
    }
    return true;
}
/** `matchLabels`/`matchExpressions` → the string form for a labelSelector query. */
function selectorToString(selector) {
    const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const e of selector.matchExpressions ?? []) {
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
    return parts.join(',');
}
/**
 * Which pods belong to the workload's NEW revision (the only ones that can doom it)?
 * Deployment: pods whose pod-template-hash is the new ReplicaSet's (the ReplicaSet whose
 * revision annotation equals the Deployment's). StatefulSet: controller-revision-hash =
 * status.updateRevision. DaemonSet: controller-revision-hash = the newest ControllerRevision's hash
 * (passed in). Job and others: every pod the selector matches.
 */
function newRevisionPods(kind, workload, pods, related) {
    const selector = workload.spec?.selector;
    const own = pods.filter((p) => !p.metadata.deletionTimestamp && selectorMatches(selector, p.metadata.labels));
    // Until the controller has seen the new spec, the "update revision" it reports is the old one.
    if (kind !== 'Job' && !generationObserved(workload))
        return [];
    switch (kind) {
        case 'Deployment': {
            const rs = newReplicaSet(workload, related.replicaSets ?? []);
            const hash = rs?.metadata.labels?.['pod-template-hash'];
            if (!hash)
                return [];
            return own.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
        }
        case 'StatefulSet': {
            const rev = workload.status?.updateRevision;
            if (!rev)
                return [];
            return own.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev);
        }
        case 'DaemonSet': {
            const hash = related.daemonSetHash;
            if (!hash)
                return [];
            return own.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
        }
        default:
            return own;
    }
}
/** The Deployment's new ReplicaSet: owned by it, with the Deployment's current revision. */
function newReplicaSet(deployment, replicaSets) {
    if (!generationObserved(deployment))
        return undefined;
    const revision = deployment.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (!revision)
        return undefined;
    return replicaSets.find((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid && o.controller) &&
        rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision);
}

;// CONCATENATED MODULE: ./src/lib/gates/explain.ts


const MAX_PODS = 5;
const MAX_EVENTS = 15;
const LOG_LINES = 20;
async function explainWorkload(kc, status, input) {
    const ref = { apiVersion: status.apiVersion, kind: status.kind, namespace: status.namespace, name: status.name };
    // Doomed pod first, then unready ones, then the rest.
    const pods = [...input.pods]
        .sort((a, b) => podRank(a, status.pod) - podRank(b, status.pod))
        .slice(0, MAX_PODS);
    const podExplanations = [];
    for (const pod of pods)
        podExplanations.push(await explainPod(kc, pod));
    const involved = [{ kind: ref.kind, name: ref.name }];
    if (input.replicaSet)
        involved.push({ kind: 'ReplicaSet', name: input.replicaSet.metadata.name });
    for (const p of pods)
        involved.push({ kind: 'Pod', name: p.metadata.name });
    const events = await recentEvents(kc, ref.namespace, involved);
    return { ref, state: status.state, reason: status.reason, message: status.message, pods: podExplanations, events };
}
function podRank(pod, doomed) {
    if (pod.metadata.name === doomed)
        return 0;
    const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    return ready ? 2 : 1;
}
function describeContainerState(state) {
    if (!state)
        return 'unknown';
    if (state.waiting)
        return `waiting${state.waiting.reason ? `: ${state.waiting.reason}` : ''}${state.waiting.message ? ` — ${state.waiting.message}` : ''}`;
    if (state.terminated) {
        const t = state.terminated;
        return `terminated: ${t.reason ?? 'exit'} (exit code ${t.exitCode ?? '?'})${t.message ? ` — ${t.message}` : ''}`;
    }
    if (state.running)
        return `running${state.running.startedAt ? ` since ${state.running.startedAt}` : ''}`;
    return 'unknown';
}
async function explainPod(kc, pod) {
    const st = pod.status ?? {};
    const conditions = (st.conditions ?? [])
        .filter((c) => c.status !== 'True')
        .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
    const statuses = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
    const containers = [];
    for (const c of statuses) {
        const entry = {
            name: c.name,
            image: c.image,
            ready: Boolean(c.ready),
            restartCount: c.restartCount ?? 0,
            state: describeContainerState(c.state),
            lastState: c.lastState && Object.keys(c.lastState).length > 0 ? describeContainerState(c.lastState) : undefined,
        };
        const crashed = (c.restartCount ?? 0) > 0 || Boolean(c.state?.terminated) || Boolean(c.lastState?.terminated);
        if (crashed && pod.metadata.namespace) {
            const previous = !c.state?.terminated && (c.restartCount ?? 0) > 0;
            const log = await containerLogTail(kc, pod.metadata.namespace, pod.metadata.name, c.name, previous);
            if ('lines' in log)
                entry.logTail = log.lines;
            else
                entry.logError = log.error;
        }
        containers.push(entry);
    }
    return { name: pod.metadata.name, phase: st.phase ?? 'Unknown', node: pod.spec?.nodeName, conditions, containers };
}
/** The last lines of a container's log (the previous instance's after a restart). Never throws. */
async function containerLogTail(kc, namespace, pod, container, previous) {
    try {
        const res = await kubeRequest(kc, 'GET', `${collectionPath('v1', 'pods', namespace)}/${encodeURIComponent(pod)}/log`, {
            query: { container, tailLines: LOG_LINES, previous: previous ? 'true' : undefined, limitBytes: 8192 },
            accept: '*/*',
            timeoutMs: 10_000,
        });
        if (res.status < 200 || res.status >= 300) {
            let message = `HTTP ${res.status}`;
            try {
                const parsed = JSON.parse(res.body);
                if (parsed.message)
                    message += `: ${parsed.message.split('\n')[0].slice(0, 300)}`;
            }
            catch {
                /* not JSON */
            }
            return { error: `no log available (${message})` };
        }
        const lines = res.body.split('\n').filter((l, i, all) => l.length > 0 || i < all.length - 1);
        return { lines: lines.slice(-LOG_LINES).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l)) };
    }
    catch (error) {
        return { error: `no log available (${(0,errors/* describeError */.Uc)(error)})` };
    }
}
/** Recent core/v1 Events about these objects, newest last. Never throws. */
async function recentEvents(kc, namespace, objects) {
    const out = [];
    const seen = new Set();
    await Promise.all(objects.map(async (o) => {
        try {
            const list = await kubeJson(kc, 'GET', collectionPath('v1', 'events', namespace), {
                query: { fieldSelector: `involvedObject.kind=${o.kind},involvedObject.name=${o.name}` },
                timeoutMs: 10_000,
            });
            for (const e of list.items) {
                const uid = e.metadata.uid ?? `${e.metadata.name}`;
                if (seen.has(uid))
                    continue;
                seen.add(uid);
                const ev = e;
                out.push({
                    time: ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? e.metadata.creationTimestamp ?? '',
                    type: ev.type ?? 'Normal',
                    reason: ev.reason ?? '',
                    object: `${o.kind}/${o.name}`,
                    message: (ev.message ?? '').split('\n')[0].slice(0, 300),
                    count: ev.series?.count ?? ev.count ?? 1,
                });
            }
        }
        catch {
            /* events are best effort */
        }
    }));
    out.sort((a, b) => a.time.localeCompare(b.time));
    return out.slice(-MAX_EVENTS);
}

;// CONCATENATED MODULE: ./src/lib/gates/gate.ts






async function runRolloutGate(kc, targets, options) {
    const { clock, logger } = options;
    const restartLimit = options.restartLimit ?? 3;
    const start = clock.now();
    const unique = new Map();
    for (const t of targets)
        unique.set((0,types/* refKey */.X)(t), t);
    const list = [...unique.values()];
    if (list.length === 0) {
        return { verdict: 'success', durationMs: 0, timeoutMs: options.timeoutMs, workloads: [], explanations: [], reconnects: 0 };
    }
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort();
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    // Group by namespace; one store per (namespace, apiVersion, kind).
    const namespaces = new Map();
    for (const target of list) {
        const ns = target.namespace ?? '';
        let nw = namespaces.get(ns);
        if (!nw) {
            nw = { namespace: ns, tracked: [], pods: new ObjectStore(), stores: new Map() };
            namespaces.set(ns, nw);
        }
        const storeKey = `${target.apiVersion} ${target.kind}`;
        let store = nw.stores.get(storeKey);
        if (!store) {
            store = new ObjectStore();
            nw.stores.set(storeKey, store);
        }
        if (target.kind === 'Deployment')
            nw.replicaSets ??= new ObjectStore();
        if (target.kind === 'DaemonSet')
            nw.revisions ??= new ObjectStore();
        nw.tracked.push({
            target,
            key: (0,types/* refKey */.X)(target),
            store,
            status: { apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, name: target.name, state: 'progressing', message: 'waiting for the first status' },
        });
    }
    let settled = false;
    let resolveDone;
    const done = new Promise((resolve) => (resolveDone = resolve));
    let reconnects = 0;
    const evaluate = (nw) => {
        if (settled)
            return;
        for (const t of nw.tracked) {
            if (t.status.state !== 'progressing')
                continue;
            if (!t.store.synced || !nw.pods.synced || (nw.replicaSets && !nw.replicaSets.synced) || (nw.revisions && !nw.revisions.synced))
                continue;
            const obj = t.store.get(t.target.namespace, t.target.name);
            let verdict;
            if (!obj) {
                verdict = { state: 'failed', reason: 'NotFound', message: `${t.target.kind} ${t.target.name} does not exist` };
            }
            else {
                verdict = workloadRule(t.target.kind, obj);
                if (verdict.state === 'progressing' && obj.spec?.selector) {
                    const pods = newRevisionPods(t.target.kind, obj, nw.pods.values(), {
                        replicaSets: nw.replicaSets?.values(),
                        daemonSetHash: t.target.kind === 'DaemonSet' ? daemonSetHash(obj, nw.revisions?.values() ?? []) : undefined,
                    });
                    for (const pod of pods) {
                        const doom = podDoom(pod, restartLimit);
                        if (doom) {
                            verdict = doom;
                            break;
                        }
                    }
                }
            }
            update(t, verdict);
        }
        const all = [...namespaces.values()].flatMap((n) => n.tracked);
        if (all.some((t) => t.status.state === 'failed') || all.every((t) => t.status.state === 'ready')) {
            settled = true;
            resolveDone();
        }
    };
    const update = (t, verdict) => {
        const before = t.status;
        const next = {
            ...before,
            state: verdict.state,
            reason: verdict.reason,
            message: verdict.message,
            pod: verdict.pod,
        };
        if (verdict.state !== 'progressing')
            next.completedMs = clock.now() - start;
        t.status = next;
        if (before.state !== next.state || before.message !== next.message) {
            const line = `${t.key}: ${next.state}${next.reason ? ` (${next.reason})` : ''} — ${next.message}`;
            if (line !== t.lastLogged) {
                t.lastLogged = line;
                if (next.state === 'failed')
                    logger.warning(line);
                else
                    logger.info(line);
            }
            options.onChange?.(next);
        }
    };
    const loops = [];
    const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 60;
    const watchCollection = (nw, path, store, fieldSelector) => {
        loops.push(listWatch({
            path,
            fieldSelector,
            timeoutSeconds: watchTimeoutSeconds,
            signal: abort.signal,
            clock,
            logger,
            onSync: (items) => {
                store.replace(items);
                evaluate(nw);
            },
            onEvent: (type, obj) => {
                store.apply(type, obj);
                evaluate(nw);
            },
            onConnection: (state, detail) => {
                if (state === 'lost') {
                    reconnects += 1;
                    logger.info(`lost the watch on ${path} (${detail}); resuming`);
                }
                else
                    logger.info(`watch on ${path} resumed`);
            },
        }, kc).catch((error) => logger.warning(`watch ${path} stopped: ${String(error)}`)));
    };
    const timer = clock.sleep(Math.max(0, options.timeoutMs), abort.signal).then(() => {
        if (!settled) {
            settled = true;
            resolveDone();
        }
    }, () => undefined);
    try {
        for (const nw of namespaces.values()) {
            const ns = nw.namespace || undefined;
            for (const [storeKey, store] of nw.stores) {
                const [apiVersion, kind] = storeKey.split(' ');
                let plural;
                try {
                    plural = await resolvePlural(kc, apiVersion, kind, abort.signal);
                }
                catch (error) {
                    // A kind the API server does not serve: those workloads fail (the rest are still gated).
                    for (const t of nw.tracked.filter((x) => x.store === store)) {
                        update(t, { state: 'failed', reason: 'UnknownKind', message: `cannot watch ${kind} (${apiVersion}): ${(0,errors/* describeError */.Uc)(error)}` });
                    }
                    evaluate(nw);
                    continue;
                }
                const names = nw.tracked.filter((t) => t.store === store).map((t) => t.target.name);
                watchCollection(nw, collectionPath(apiVersion, plural, ns), store, names.length === 1 ? `metadata.name=${names[0]}` : undefined);
            }
            watchCollection(nw, collectionPath('v1', 'pods', ns), nw.pods);
            if (nw.replicaSets)
                watchCollection(nw, collectionPath('apps/v1', 'replicasets', ns), nw.replicaSets);
            if (nw.revisions)
                watchCollection(nw, collectionPath('apps/v1', 'controllerrevisions', ns), nw.revisions);
        }
        await done;
    }
    finally {
        abort.abort();
        options.signal?.removeEventListener('abort', onOuterAbort);
        await Promise.allSettled([...loops, timer]);
    }
    const durationMs = clock.now() - start;
    const all = [...namespaces.values()].flatMap((n) => n.tracked);
    const failed = all.some((t) => t.status.state === 'failed');
    const allReady = all.every((t) => t.status.state === 'ready');
    const verdict = failed ? 'failure' : allReady ? 'success' : 'timeout';
    if (verdict === 'timeout') {
        for (const t of all) {
            if (t.status.state === 'progressing') {
                t.status = { ...t.status, state: 'timeout', reason: t.status.reason ?? 'Timeout', message: `not done after ${(0,inputs/* formatDuration */.a3)(options.timeoutMs)}: ${t.status.message}` };
            }
        }
    }
    const explanations = [];
    if (verdict !== 'success' && !options.skipExplain) {
        for (const nw of namespaces.values()) {
            for (const t of nw.tracked) {
                if (t.status.state !== 'failed' && t.status.state !== 'timeout')
                    continue;
                const obj = t.store.get(t.target.namespace, t.target.name);
                try {
                    explanations.push(await explainWorkload(kc, t.status, {
                        workload: obj,
                        pods: obj ? podsForExplain(t.target.kind, obj, nw) : [],
                        replicaSet: t.target.kind === 'Deployment' && obj ? newReplicaSet(obj, nw.replicaSets?.values() ?? []) : undefined,
                    }));
                }
                catch (error) {
                    logger.warning(`could not explain ${t.key}: ${String(error)}`);
                }
            }
        }
    }
    return {
        verdict,
        durationMs,
        timeoutMs: options.timeoutMs,
        workloads: all.map((t) => t.status),
        explanations,
        reconnects,
    };
}
function podsForExplain(kind, obj, nw) {
    const fresh = newRevisionPods(kind, obj, nw.pods.values(), {
        replicaSets: nw.replicaSets?.values(),
        daemonSetHash: kind === 'DaemonSet' ? daemonSetHash(obj, nw.revisions?.values() ?? []) : undefined,
    });
    if (fresh.length > 0)
        return fresh;
    return newRevisionPods('Job', obj, nw.pods.values(), {});
}
/** The hash of a DaemonSet's newest ControllerRevision (its pods carry it as controller-revision-hash). */
function daemonSetHash(ds, revisions) {
    let best;
    for (const r of revisions) {
        if (!r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid))
            continue;
        if (!best || Number(r.revision ?? 0) > Number(best.revision ?? 0))
            best = r;
    }
    return best?.metadata.labels?.['controller-revision-hash'];
}

;// CONCATENATED MODULE: ./src/lib/kube/rollback.ts





const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Annotations that describe the Deployment itself and are never copied from a ReplicaSet. */
const DEPLOYMENT_OWN_ANNOTATIONS = new Set([
    'kubectl.kubernetes.io/last-applied-configuration',
    REVISION_ANNOTATION,
    'deployment.kubernetes.io/revision-history',
    'deployment.kubernetes.io/desired-replicas',
    'deployment.kubernetes.io/max-replicas',
    'deprecated.deployment.rollback.to',
]);
const ROLLBACK_FIELD_MANAGER = 'phlo-deploy-rollback';
function revisionOf(o) {
    if (o.kind === 'ControllerRevision' || typeof o.revision === 'number')
        return Number(o.revision ?? 0);
    return Number(o.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}
/** The live workload's current revision number. */
function currentRevision(kind, live) {
    const obj = live.object;
    if (!obj)
        return undefined;
    if (kind === 'Deployment') {
        const r = obj.metadata.annotations?.[REVISION_ANNOTATION];
        return r ? Number(r) : undefined;
    }
    if (kind === 'StatefulSet') {
        const name = obj.status?.updateRevision;
        const hit = live.history.find((h) => h.metadata.name === name);
        if (hit)
            return revisionOf(hit);
    }
    const max = Math.max(0, ...live.history.map(revisionOf));
    return max || undefined;
}
/** Pure: decide, per record, what the rollback does. Order follows the records. */
function planRollback(records, live, options = {}) {
    const target = options.target ?? 'recorded';
    const actions = [];
    for (const record of records) {
        const ref = { apiVersion: record.apiVersion, kind: record.kind, namespace: record.namespace, name: record.name };
        const state = live.get((0,types/* refKey */.X)(ref));
        if (record.kind === 'Job') {
            actions.push({ type: 'skip', ref, reason: 'Jobs are not rolled back (a Job runs once; its template is immutable)' });
            continue;
        }
        if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(record.kind)) {
            actions.push({ type: 'impossible', ref, reason: `${record.kind} has no revision history to roll back to` });
            continue;
        }
        if (record.created && target === 'recorded') {
            actions.push(options.deleteCreated
                ? { type: 'delete-created', ref, reason: 'created by this deploy; deleted because delete-created is set' }
                : { type: 'leave-created', ref, reason: 'created by this deploy: no earlier revision; left in place' });
            continue;
        }
        if (target === 'recorded' && !record.changed) {
            actions.push({ type: 'skip', ref, reason: 'not changed by this deploy' });
            continue;
        }
        if (!state?.object) {
            actions.push({ type: 'impossible', ref, reason: 'it no longer exists' });
            continue;
        }
        const history = [...state.history].sort((a, b) => revisionOf(a) - revisionOf(b));
        const from = currentRevision(record.kind, state);
        let to;
        if (target === 'recorded') {
            const prev = record.previousRevision;
            if (!prev) {
                actions.push({ type: 'impossible', ref, reason: 'no revision was recorded before apply' });
                continue;
            }
            to = history.find((h) => h.metadata.name === prev.name) ?? history.find((h) => revisionOf(h) === prev.revision);
            if (!to) {
                actions.push({ type: 'impossible', ref, reason: `recorded revision ${prev.revision} (${prev.name}) is no longer in its history` });
                continue;
            }
        }
        else if (target === 'previous') {
            const older = history.filter((h) => from === undefined || revisionOf(h) < from);
            to = older[older.length - 1];
            if (!to) {
                actions.push({ type: 'impossible', ref, reason: `no revision before the current one${from !== undefined ? ` (${from})` : ''}` });
                continue;
            }
        }
        else {
            to = history.find((h) => revisionOf(h) === target);
            if (!to) {
                const have = history.map(revisionOf).join(', ') || 'none';
                actions.push({ type: 'impossible', ref, reason: `revision ${target} not found (revisions: ${have})` });
                continue;
            }
        }
        const toRevision = revisionOf(to);
        if (record.kind === 'Deployment') {
            const template = templateWithoutHash(to.spec?.template);
            if (deepEqual(templateWithoutHash(state.object.spec?.template), template)) {
                actions.push({ type: 'skip', ref, reason: `already at the template of revision ${toRevision}` });
                continue;
            }
            const annotations = {};
            for (const [k, v] of Object.entries(state.object.metadata.annotations ?? {}))
                if (DEPLOYMENT_OWN_ANNOTATIONS.has(k))
                    annotations[k] = v;
            for (const [k, v] of Object.entries(to.metadata.annotations ?? {}))
                if (!DEPLOYMENT_OWN_ANNOTATIONS.has(k))
                    annotations[k] = v;
            actions.push({
                type: 'patch',
                ref,
                fromRevision: from,
                toRevision,
                toName: to.metadata.name,
                patchType: 'json',
                patch: [
                    { op: 'replace', path: '/spec/template', value: template },
                    { op: 'replace', path: '/metadata/annotations', value: annotations },
                ],
            });
        }
        else {
            const data = (to.data ?? {});
            const revTemplate = stripPatchDirective(data.spec?.template);
            if (revTemplate !== undefined && deepEqual(stripPatchDirective(state.object.spec?.template), revTemplate)) {
                actions.push({ type: 'skip', ref, reason: `already at the template of revision ${toRevision}` });
                continue;
            }
            const bad = state.object.status?.updateRevision;
            actions.push({
                type: 'patch',
                ref,
                fromRevision: from,
                toRevision,
                toName: to.metadata.name,
                patchType: 'strategic',
                patch: data,
                ...(record.kind === 'StatefulSet' && bad && bad !== to.metadata.name && state.object.spec?.selector
                    ? { replaceStuckPods: { revision: bad, selector: selectorToString(state.object.spec.selector) } }
                    : {}),
            });
        }
    }
    return actions;
}
function templateWithoutHash(template) {
    if (!template || typeof template !== 'object')
        return template;
    const copy = JSON.parse(JSON.stringify(template));
    if (copy.metadata?.labels)
        delete copy.metadata.labels['pod-template-hash'];
    return copy;
}
function stripPatchDirective(value) {
    if (Array.isArray(value))
        return value.map(stripPatchDirective);
    if (value && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value))
            if (k !== '$patch')
                out[k] = stripPatchDirective(v);
        return out;
    }
    return value;
}
/** Structural equality, key order ignored; null/undefined/empty-object members count as absent. */
function deepEqual(a, b) {
    return canonical(a) === canonical(b);
}
function canonical(value) {
    return JSON.stringify(normalize(value)) ?? 'undefined';
}
function normalize(value) {
    if (Array.isArray(value))
        return value.map(normalize);
    if (value && typeof value === 'object') {
        const out = {};
        for (const k of Object.keys(value).sort()) {
            const v = normalize(value[k]);
            if (v === undefined || v === null)
                continue;
            if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)
                continue;
            out[k] = v;
        }
        return out;
    }
    return value;
}
const PLURAL = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs' };
/** Reads the live objects and their revision history for the records. */
async function fetchLive(kc, refs) {
    const out = new Map();
    await Promise.all(refs.map(async (ref) => {
        const plural = PLURAL[ref.kind];
        if (!plural)
            return;
        let object;
        try {
            object = await kubeJson(kc, 'GET', objectPath(ref.apiVersion, plural, ref.namespace, ref.name));
        }
        catch (error) {
            if (error instanceof KubeApiError && error.code === 404) {
                out.set((0,types/* refKey */.X)(ref), { history: [] });
                return;
            }
            throw error;
        }
        let history = [];
        if (ref.kind !== 'Job' && object.spec?.selector) {
            const historyPlural = ref.kind === 'Deployment' ? 'replicasets' : 'controllerrevisions';
            const list = await kubeJson(kc, 'GET', collectionPath('apps/v1', historyPlural, ref.namespace), {
                query: { labelSelector: selectorToString(object.spec.selector) },
            });
            history = list.items
                .filter((h) => h.metadata.ownerReferences?.some((o) => o.uid === object.metadata.uid))
                .map((h) => ({ ...h, kind: ref.kind === 'Deployment' ? 'ReplicaSet' : 'ControllerRevision' }));
        }
        out.set((0,types/* refKey */.X)(ref), { object, history });
    }));
    return out;
}
/** Applies a plan. Errors per workload are reported, not thrown (the others still roll back). */
async function executeRollback(kc, plan, logger) {
    const outcomes = [];
    for (const action of plan) {
        const { ref } = action;
        const path = objectPath(ref.apiVersion, PLURAL[ref.kind] ?? '', ref.namespace, ref.name);
        switch (action.type) {
            case 'patch':
                try {
                    await kubeJson(kc, 'PATCH', path, {
                        query: { fieldManager: ROLLBACK_FIELD_MANAGER },
                        body: action.patch,
                        contentType: action.patchType === 'json' ? 'application/json-patch+json' : 'application/strategic-merge-patch+json',
                    });
                    let message = `rolled back from revision ${action.fromRevision ?? '?'} to revision ${action.toRevision} (${action.toName})`;
                    if (action.replaceStuckPods) {
                        const deleted = await deleteStuckPods(kc, ref.namespace, action.replaceStuckPods);
                        if (deleted.length > 0)
                            message += `; replaced stuck pod(s) ${deleted.join(', ')}`;
                    }
                    logger.info(`${(0,types/* refKey */.X)(ref)}: ${message}`);
                    outcomes.push({ ref, action: action.type, outcome: 'rolled-back', fromRevision: action.fromRevision, toRevision: action.toRevision, message });
                }
                catch (error) {
                    const message = `rollback failed: ${(0,errors/* describeError */.Uc)(error)}`;
                    logger.warning(`${(0,types/* refKey */.X)(ref)}: ${message}`);
                    outcomes.push({ ref, action: action.type, outcome: 'error', toRevision: action.toRevision, message });
                }
                break;
            case 'delete-created':
                try {
                    await kubeJson(kc, 'DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
                    logger.info(`${(0,types/* refKey */.X)(ref)}: deleted (${action.reason})`);
                    outcomes.push({ ref, action: action.type, outcome: 'deleted', message: action.reason });
                }
                catch (error) {
                    outcomes.push({ ref, action: action.type, outcome: 'error', message: `delete failed: ${(0,errors/* describeError */.Uc)(error)}` });
                }
                break;
            case 'leave-created':
                logger.info(`${(0,types/* refKey */.X)(ref)}: ${action.reason}`);
                outcomes.push({ ref, action: action.type, outcome: 'left', message: action.reason });
                break;
            case 'skip':
                outcomes.push({ ref, action: action.type, outcome: 'skipped', message: action.reason });
                break;
            case 'impossible':
                logger.warning(`${(0,types/* refKey */.X)(ref)}: cannot roll back: ${action.reason}`);
                outcomes.push({ ref, action: action.type, outcome: 'error', message: `cannot roll back: ${action.reason}` });
                break;
        }
    }
    return outcomes;
}
/** Deletes the not-Ready pods of a bad StatefulSet revision so the controller recreates them. */
async function deleteStuckPods(kc, namespace, stuck) {
    const list = await kubeJson(kc, 'GET', collectionPath('v1', 'pods', namespace), {
        query: { labelSelector: `${stuck.selector},controller-revision-hash=${stuck.revision}` },
    });
    const deleted = [];
    for (const pod of list.items) {
        const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        if (ready || pod.metadata.deletionTimestamp)
            continue;
        try {
            await kubeJson(kc, 'DELETE', objectPath('v1', 'pods', namespace, pod.metadata.name));
            deleted.push(pod.metadata.name);
        }
        catch (error) {
            if (!(error instanceof KubeApiError && error.code === 404))
                throw error;
        }
    }
    return deleted;
}
/** Plans, applies and gates a rollback of the given records. */
async function rollbackAndGate(kc, records, options) {
    const live = await fetchLive(kc, records);
    const plan = planRollback(records, live, options);
    const outcomes = await executeRollback(kc, plan, options.logger);
    const patched = outcomes.filter((o) => o.outcome === 'rolled-back').map((o) => o.ref);
    let gate;
    if (patched.length > 0) {
        options.logger.info(`gating the rollback of ${patched.length} workload(s)`);
        gate = await runRolloutGate(kc, patched, {
            timeoutMs: options.gateTimeoutMs,
            restartLimit: options.restartLimit,
            logger: options.logger,
            clock: options.clock,
            signal: options.signal,
        });
    }
    const healthy = !outcomes.some((o) => o.outcome === 'error') && (gate === undefined || gate.verdict === 'success');
    return { outcomes, gate, healthy };
}

;// CONCATENATED MODULE: ./src/lib/gates/summary.ts
/**
 * Pure renderers: gate results → Markdown for the job summary, and → plain lines for the log.
 */


const ICON = { success: '✅', failure: '❌', timeout: '⏱️', ready: '✅', failed: '❌', progressing: '⏳', timeout_: '⏱️' };
/** Escapes text for a Markdown table cell. */
function cell(text) {
    return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function fence(lines) {
    const body = lines.join('\n');
    let ticks = '```';
    while (body.includes(ticks))
        ticks += '`';
    return `${ticks}text\n${body}\n${ticks}`;
}
function stateIcon(s) {
    return s.state === 'timeout' ? ICON.timeout_ : (ICON[s.state] ?? '');
}
function renderGateSummary(result, title = 'Rollout gate') {
    const out = [];
    out.push(`### ${ICON[result.verdict]} ${title}: ${result.verdict} in ${(0,inputs/* formatDuration */.a3)(result.durationMs)}`);
    const counts = countStates(result.workloads);
    out.push('');
    out.push(`${result.workloads.length} workload${result.workloads.length === 1 ? '' : 's'} under one deadline of ${(0,inputs/* formatDuration */.a3)(result.timeoutMs)}: ${counts}.` +
        (result.reconnects > 0 ? ` The API connection dropped ${result.reconnects} time(s) and the watches resumed.` : ''));
    if (result.workloads.length > 0) {
        out.push('', '| Workload | State | Detail | Done after |', '| --- | --- | --- | --- |');
        for (const w of result.workloads) {
            out.push(`| \`${cell((0,types/* refKey */.X)(w))}\` | ${stateIcon(w)} ${w.state}${w.reason ? ` (${cell(w.reason)})` : ''} | ${cell(w.message)} | ${w.completedMs !== undefined ? (0,inputs/* formatDuration */.a3)(w.completedMs) : '—'} |`);
        }
    }
    for (const e of result.explanations)
        out.push('', renderExplanation(e));
    return out.join('\n');
}
function countStates(workloads) {
    const by = new Map();
    for (const w of workloads)
        by.set(w.state, (by.get(w.state) ?? 0) + 1);
    return [...by.entries()].map(([s, n]) => `${n} ${s}`).join(', ') || 'none';
}
function renderExplanation(e) {
    const out = [];
    out.push(`#### Why \`${cell((0,types/* refKey */.X)(e.ref))}\` ${e.state === 'timeout' ? 'timed out' : 'failed'}`);
    out.push('', `${e.reason ? `**${cell(e.reason)}**: ` : ''}${cell(e.message)}`);
    if (e.pods.length > 0) {
        out.push('', '| Pod | Phase | Container | State | Last state | Restarts |', '| --- | --- | --- | --- | --- | --- |');
        for (const p of e.pods) {
            if (p.containers.length === 0) {
                out.push(`| \`${cell(p.name)}\` | ${cell(p.phase)} | — | ${cell(p.conditions.join('; ') || '—')} | — | — |`);
            }
            for (const c of p.containers) {
                out.push(`| \`${cell(p.name)}\` | ${cell(p.phase)} | ${cell(c.name)} | ${cell(c.state)} | ${cell(c.lastState ?? '—')} | ${c.restartCount} |`);
            }
        }
        const conditions = e.pods.filter((p) => p.conditions.length > 0 && p.containers.length > 0);
        for (const p of conditions)
            out.push('', `Pod \`${cell(p.name)}\` conditions: ${cell(p.conditions.join('; '))}`);
    }
    else {
        out.push('', 'No pods of the new revision were found.');
    }
    if (e.events.length > 0) {
        out.push('', '| Time | Type | Reason | Object | Message |', '| --- | --- | --- | --- | --- |');
        for (const ev of e.events) {
            out.push(`| ${cell(ev.time)} | ${cell(ev.type)} | ${cell(ev.reason)} | ${cell(ev.object)} | ${cell(ev.message)}${ev.count > 1 ? ` (×${ev.count})` : ''} |`);
        }
    }
    for (const p of e.pods) {
        for (const c of p.containers) {
            if (c.logTail && c.logTail.length > 0) {
                out.push('', `<details><summary>Last log lines of ${cell(p.name)}/${cell(c.name)}</summary>`, '', fence(c.logTail), '', '</details>');
            }
            else if (c.logError) {
                out.push('', `Log of ${cell(p.name)}/${cell(c.name)}: ${cell(c.logError)}`);
            }
        }
    }
    return out.join('\n');
}
/** The same explanation as plain log lines. */
function explanationLines(e) {
    const out = [`${(0,types/* refKey */.X)(e.ref)} ${e.state}${e.reason ? ` (${e.reason})` : ''}: ${e.message}`];
    for (const p of e.pods) {
        out.push(`  pod ${p.name}: ${p.phase}${p.node ? ` on ${p.node}` : ''}`);
        for (const cond of p.conditions)
            out.push(`    condition ${cond}`);
        for (const c of p.containers) {
            out.push(`    container ${c.name}: ${c.state}; restarts ${c.restartCount}${c.lastState ? `; last ${c.lastState}` : ''}`);
            if (c.logTail)
                for (const l of c.logTail)
                    out.push(`      | ${l}`);
            else if (c.logError)
                out.push(`      ${c.logError}`);
        }
    }
    if (e.events.length > 0)
        out.push('  events:');
    for (const ev of e.events)
        out.push(`    ${ev.time} ${ev.type} ${ev.reason} ${ev.object}: ${ev.message}${ev.count > 1 ? ` (x${ev.count})` : ''}`);
    return out;
}
const OUTCOME_ICON = { 'rolled-back': '↩️', skipped: '➖', left: '⚠️', deleted: '🗑️', error: '❌' };
/** Markdown for a rollback: what went back where, and whether it became healthy. */
function renderRollbackSummary(result) {
    const out = [];
    const rolled = result.outcomes.filter((o) => o.outcome === 'rolled-back').length;
    out.push(`### ${result.healthy ? '✅' : '❌'} Rollback: ${rolled} workload${rolled === 1 ? '' : 's'} rolled back; ${result.healthy ? 'healthy again' : 'NOT healthy'}`);
    if (result.outcomes.length > 0) {
        out.push('', '| Workload | Outcome | Revision | Detail |', '| --- | --- | --- | --- |');
        for (const o of result.outcomes) {
            const rev = o.toRevision !== undefined ? `${o.fromRevision ?? '?'} → ${o.toRevision}` : '—';
            out.push(`| \`${cell((0,types/* refKey */.X)(o.ref))}\` | ${OUTCOME_ICON[o.outcome] ?? ''} ${o.outcome} | ${rev} | ${cell(o.message)} |`);
        }
    }
    if (result.gate)
        out.push('', renderGateSummary(result.gate, 'Rollout gate of the rollback'));
    return out.join('\n');
}

// EXTERNAL MODULE: ./src/lib/gates/targets.ts
var targets = __webpack_require__(277);
;// CONCATENATED MODULE: ./src/lib/gates/index.ts









/** Gates the workloads; when the gate fails and rollback is enabled, rolls them back and gates that. */
async function gateAndRollback(kc, records, options) {
    const { logger } = options;
    const gate = await runRolloutGate(kc, records, {
        timeoutMs: options.timeoutMs,
        restartLimit: options.restartLimit,
        logger,
        clock: options.clock,
        signal: options.signal,
    });
    logger.info(`rollout gate: ${gate.verdict} in ${Math.round(gate.durationMs)}ms`);
    for (const e of gate.explanations) {
        await logger.group(`why ${e.ref.kind}/${e.ref.namespace ?? ''}/${e.ref.name} ${e.state}`, async () => {
            for (const line of explanationLines(e))
                logger.info(line);
        });
    }
    let health;
    if (gate.verdict === 'success' && options.health) {
        health = await options.health();
        if (!health.healthy)
            logger.warning(`health check failed after a good rollout${health.reason ? `: ${health.reason}` : ''}`);
    }
    const ok = gate.verdict === 'success' && (health === undefined || health.healthy);
    if (ok || !options.rollback?.enabled)
        return { gate, health, ok };
    const rollback = await logger.group('rollback', () => rollbackAndGate(kc, records, {
        target: options.rollback.target ?? 'recorded',
        deleteCreated: options.rollback.deleteCreated,
        gateTimeoutMs: options.rollback.timeoutMs,
        restartLimit: options.restartLimit,
        logger,
        clock: options.clock,
        signal: options.signal,
    }));
    return { gate, health, rollback, ok };
}


/***/ }),

/***/ 9347:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   hy: () => (/* binding */ parseRollbackInputs),
/* harmony export */   s0: () => (/* binding */ parseGateInputs),
/* harmony export */   u1: () => (/* binding */ resolveTarget)
/* harmony export */ });
/* unused harmony exports parseKubeSettings, parseRevision */
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _targets_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(277);
/**
 * Input parsing shared by rollout-gate and rollback (and the pipeline): one typed settings object,
 * every problem reported before anything talks to the cluster.
 */


/** Collects ConfigurationErrors from several readers into one. */
function collect(readers) {
    const out = {};
    const problems = [];
    for (const key of Object.keys(readers)) {
        try {
            out[key] = readers[key]();
        }
        catch (error) {
            if (error instanceof _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb)
                problems.push(...error.problems);
            else if (error instanceof _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1)
                problems.push(error.message);
            else
                throw error;
        }
    }
    if (problems.length > 0)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb(problems);
    return out;
}
function parseKubeSettings(inputs) {
    return {
        file: inputs.optional('kubeconfig'),
        content: inputs.optional('kubeconfig-content'),
        context: inputs.optional('context'),
    };
}
function parseRevision(input, value) {
    const v = value.trim().toLowerCase();
    if (!v || v === 'auto')
        return 'auto';
    if (v === 'previous' || v === 'recorded')
        return v;
    if (/^\d+$/.test(v) && Number(v) >= 1)
        return Number(v);
    throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, value, "'previous', 'recorded', 'auto' or a revision number of at least 1");
}
function parseGateInputs(inputs) {
    const common = collect({
        workloads: () => (0,_targets_js__WEBPACK_IMPORTED_MODULE_1__/* .parseWorkloads */ .K)('workloads', inputs.raw('workloads'), inputs.optional('namespace')),
        timeoutMs: () => positive('timeout', inputs.duration('timeout', '5m')),
        restartLimit: () => inputs.int('restart-limit', 3, { min: 1, max: 100 }),
        kube: () => parseKubeSettings(inputs),
        enabled: () => inputs.boolean('rollback-on-failure', false),
        deleteCreated: () => inputs.boolean('delete-created', false),
        rollbackTimeout: () => inputs.raw('rollback-timeout'),
    });
    const rollbackTimeoutMs = common.rollbackTimeout ? positive('rollback-timeout', inputs.duration('rollback-timeout', '5m')) : common.timeoutMs;
    return {
        workloads: common.workloads,
        timeoutMs: common.timeoutMs,
        restartLimit: common.restartLimit,
        kube: common.kube,
        rollback: { enabled: common.enabled, target: 'recorded', timeoutMs: rollbackTimeoutMs, deleteCreated: common.deleteCreated },
    };
}
function parseRollbackInputs(inputs) {
    const s = collect({
        workloads: () => (0,_targets_js__WEBPACK_IMPORTED_MODULE_1__/* .parseWorkloads */ .K)('workloads', inputs.raw('workloads'), inputs.optional('namespace')),
        target: () => parseRevision('revision', inputs.raw('revision')),
        timeoutMs: () => positive('timeout', inputs.duration('timeout', '5m')),
        restartLimit: () => inputs.int('restart-limit', 3, { min: 1, max: 100 }),
        kube: () => parseKubeSettings(inputs),
        deleteCreated: () => inputs.boolean('delete-created', false),
    });
    if (typeof s.target === 'number' && s.workloads.length !== 1) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`Input 'revision' is '${s.target}' but input 'workloads' names ${s.workloads.length} workloads: a revision number applies to exactly one workload (use 'previous' or 'recorded' for several).`);
    }
    return {
        workloads: s.workloads,
        timeoutMs: s.timeoutMs,
        restartLimit: s.restartLimit,
        kube: s.kube,
        rollback: { enabled: true, target: s.target, timeoutMs: s.timeoutMs, deleteCreated: s.deleteCreated },
    };
}
/** 'auto': the recorded revisions when the records carry them (the apply result), else 'previous'. */
function resolveTarget(target, records) {
    if (target !== 'auto')
        return target;
    return records.some((r) => r.previousRevision || r.created) ? 'recorded' : 'previous';
}
function positive(name, ms) {
    if (ms <= 0)
        throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(name, `${ms}ms`, 'a duration above zero such as 5m');
    return ms;
}


/***/ }),

/***/ 277:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ parseWorkloads)
/* harmony export */ });
/* unused harmony export gateTargets */
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5709);
/* harmony import */ var _runtime_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(523);
/**
 * Parsing the `workloads` input shared by rollout-gate and rollback: either the apply action's
 * `result` JSON (an ApplyResult), a JSON array of WorkloadRecord / ObjectRef, or lines
 * `kind/namespace/name` (comma or newline separated). Every problem is collected and reported at
 * once, naming the input, the value and the expected form.
 */


const KIND_ALIASES = {
    deployment: { kind: 'Deployment', apiVersion: 'apps/v1' },
    deployments: { kind: 'Deployment', apiVersion: 'apps/v1' },
    deploy: { kind: 'Deployment', apiVersion: 'apps/v1' },
    statefulset: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
    statefulsets: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
    sts: { kind: 'StatefulSet', apiVersion: 'apps/v1' },
    daemonset: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
    daemonsets: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
    ds: { kind: 'DaemonSet', apiVersion: 'apps/v1' },
    job: { kind: 'Job', apiVersion: 'batch/v1' },
    jobs: { kind: 'Job', apiVersion: 'batch/v1' },
};
const EXPECTED = "the apply action's result JSON, a JSON array of {apiVersion, kind, namespace, name}, or lines kind/namespace/name " +
    '(kind one of deployment, statefulset, daemonset, job)';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/**
 * @param input the input's name (for messages)
 * @param value its raw value
 * @param defaultNamespace used for `kind/name` lines
 */
function parseWorkloads(input, value, defaultNamespace) {
    const text = value.trim();
    if (!text)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1(`Input '${input}' is required but was not set: expected ${EXPECTED}.`);
    const problems = [];
    let records = [];
    if (text.startsWith('{') || text.startsWith('[')) {
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch (error) {
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, text, `valid JSON (${error.message}), i.e. ${EXPECTED}`);
        }
        const items = Array.isArray(parsed)
            ? parsed
            : Array.isArray(parsed.workloads)
                ? parsed.workloads
                : [];
        if (!Array.isArray(parsed) && !Array.isArray(parsed.workloads)) {
            throw _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationError */ .j1.forInput(input, text, `an object with a 'workloads' array (the apply result), or ${EXPECTED}`);
        }
        items.forEach((item, i) => {
            const r = item;
            if (!r || typeof r !== 'object' || typeof r.kind !== 'string' || typeof r.name !== 'string' || !r.kind || !r.name) {
                problems.push(`Input '${input}' item ${i} is '${JSON.stringify(item)?.slice(0, 120)}': expected an object with kind and name (and namespace, apiVersion).`);
                return;
            }
            const alias = KIND_ALIASES[r.kind.toLowerCase()];
            const apiVersion = r.apiVersion ?? alias?.apiVersion;
            if (!apiVersion) {
                problems.push(`Input '${input}' item ${i} (${r.kind}/${r.name}) has no apiVersion: expected apiVersion for a custom resource.`);
                return;
            }
            records.push({
                apiVersion,
                kind: alias && !r.apiVersion ? alias.kind : r.kind,
                namespace: r.namespace ?? defaultNamespace,
                name: r.name,
                created: Boolean(r.created),
                changed: r.changed === undefined ? true : Boolean(r.changed),
                generation: typeof r.generation === 'number' ? r.generation : undefined,
                previousRevision: r.previousRevision,
            });
        });
    }
    else {
        for (const item of (0,_runtime_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .parseList */ .E1)(text)) {
            const parts = item.split('/');
            const alias = KIND_ALIASES[parts[0]?.toLowerCase() ?? ''];
            const ns = parts.length === 3 ? parts[1] : defaultNamespace;
            const name = parts.length === 3 ? parts[2] : parts[1];
            if (!alias || (parts.length !== 3 && parts.length !== 2) || !name || !ns) {
                problems.push(`Input '${input}' has '${item}': expected kind/namespace/name${defaultNamespace ? ' or kind/name' : ''} with kind one of deployment, statefulset, daemonset, job.`);
                continue;
            }
            records.push({ apiVersion: alias.apiVersion, kind: alias.kind, namespace: ns, name, created: false, changed: true });
        }
    }
    for (const r of records) {
        if (r.namespace !== undefined && !DNS_LABEL.test(r.namespace)) {
            problems.push(`Input '${input}' names namespace '${r.namespace}': expected a DNS label (lowercase letters, digits, '-').`);
        }
        if (!DNS_SUBDOMAIN.test(r.name)) {
            problems.push(`Input '${input}' names '${r.kind}/${r.name}': expected a lowercase DNS name.`);
        }
        if (r.namespace === undefined && KIND_ALIASES[r.kind.toLowerCase()]) {
            problems.push(`Input '${input}' names '${r.kind}/${r.name}' without a namespace: expected kind/namespace/name.`);
        }
    }
    if (problems.length > 0)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ConfigurationErrors */ .yb(problems);
    // De-duplicate, first occurrence wins.
    const seen = new Set();
    records = records.filter((r) => {
        const k = `${r.apiVersion}|${r.kind}|${r.namespace}|${r.name}`;
        if (seen.has(k))
            return false;
        seen.add(k);
        return true;
    });
    return records;
}
/** Only workloads (drops e.g. a Service from a hand-written list); everything with a kind we can gate. */
function gateTargets(records) {
    return records.map(({ apiVersion, kind, namespace, name }) => ({ apiVersion, kind, namespace, name }));
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

/***/ 8794:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   m: () => (/* binding */ systemClock)
/* harmony export */ });
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    }),
};


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


/***/ })

};
