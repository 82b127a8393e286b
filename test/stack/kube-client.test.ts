/**
 * The one Kubernetes HTTP client (src/lib/kube/client.ts) and the list-watch loop built on it
 * (src/lib/kube/watch.ts).
 *
 * Against the shared stack's real kube-apiserver: JSON round trips (server-side apply, fields no
 * schema knows), API errors as KubeApiError with the parsed Status, the restricted service account's
 * 403, discovery, and a watch that the server closes every second.
 *
 * Against small servers on 127.0.0.1 only for what the API server cannot be made to do: hang,
 * answer with a body that is not JSON, refuse the connection, show which socket each request came
 * on, authenticate an exec-plugin token over TLS, and close a watch exactly when a test wants it.
 *
 * `test.failing` marks a known bug of the client (each has a BUG comment): such a test passes while
 * the bug is there and fails once it is fixed; then make it a plain `test`.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import diagnostics_channel from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeConfig, restrictedKubeConfig, uniqueName, useNamespace, waitFor } from '../helpers/stack.js';
import { selfSignedCert } from '../helpers/tls.js';
import {
  KubeApiError,
  KubeClient,
  collectionPath,
  kubeJson,
  kubeRequest,
  objectPath,
  withKubeClient,
  type KubeObject,
  type RequestOptions,
} from '../../src/lib/kube/client.js';
import { listWatch, type ListWatchStats, type WatchEventType } from '../../src/lib/kube/watch.js';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { describeError } from '../../src/lib/runtime/errors.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

// ───────────────────────────── helpers ─────────────────────────────

/** What a local server saw of one request. */
interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** 1 for the first TCP/TLS connection the server accepted, 2 for the next… */
  socket: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void | Promise<void>;

interface LocalServer {
  /** Base URL, with the path prefix if one was asked for. */
  url: string;
  port: number;
  requests: Seen[];
  /** Connections accepted so far. */
  connections(): number;
  /** Connections still open. */
  open(): number;
  close(): Promise<void>;
}

const servers: LocalServer[] = [];
const clients: KubeClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An HTTP (or, given a key and certificate, HTTPS) server on 127.0.0.1 that records every request. */
async function startServer(
  handler: Handler,
  options: { tls?: { key: string; cert: string }; prefix?: string } = {},
): Promise<LocalServer> {
  const requests: Seen[] = [];
  const sockets = new Set<Socket>();
  const ids = new WeakMap<object, number>();
  let accepted = 0;
  let nextId = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let socket = ids.get(req.socket);
      if (socket === undefined) {
        socket = ++nextId;
        ids.set(req.socket, socket);
      }
      const url = new URL(req.url ?? '/', 'http://local');
      const seen: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket,
      };
      requests.push(seen);
      Promise.resolve(handler(req, res, seen)).catch((error: unknown) => res.destroy(error as Error));
    });
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  server.on('connection', (s: Socket) => {
    accepted += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const local: LocalServer = {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}${options.prefix ?? ''}`,
    port,
    requests,
    connections: () => accepted,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(local);
  return local;
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const STATIC_TOKEN = 'static-token-9f2c4e71d0a8b3';
let userSeq = 0;

/** A kubeconfig (loaded by the project's own loader) pointing at a local server. */
function localKubeConfig(
  server: string,
  user: Record<string, unknown> = { token: STATIC_TOKEN },
  caPem?: string,
): KubeConfig {
  const userName = `local-user-${++userSeq}`;
  // client-node only lets a kubeconfig speak plain HTTP when it says insecure-skip-tls-verify
  const cluster: Record<string, unknown> = server.startsWith('http:')
    ? { server, 'insecure-skip-tls-verify': true }
    : { server };
  if (caPem) cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  return loadKubeConfig({
    kind: 'inline',
    content: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster }],
      users: [{ name: userName, user }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: userName } }],
      'current-context': 'local',
    }),
  });
}

async function localClient(kc: KubeConfig, options: { maxSockets?: number } = {}): Promise<KubeClient> {
  const client = await KubeClient.create(kc, options);
  clients.push(client);
  return client;
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    // not toBeInstanceOf(Error): Node's own errors (AbortError) come from another realm than jest's
    expect(typeof (error as Error | undefined)?.message).toBe('string');
    return error as Error;
  }
  throw new Error('expected a rejection, got a value');
}

/** Settles like `promise`, or rejects with a readable error when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Every way an error can end up in a log: none may hold the secret or an auth header. */
function expectNoSecret(error: unknown, secret: string): void {
  const renderings = [
    String(error),
    (error as Error).message,
    describeError(error),
    inspect(error, { depth: 6 }),
    JSON.stringify(error) ?? '',
  ];
  for (const text of renderings) {
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/authorization['"]?\s*[:=]|bearer\s/i);
  }
}

/** A port nothing listens on (a server bound it, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ──────────────────── against the stack's kube-apiserver ────────────────────

describe("against the stack's kube-apiserver", () => {
  const kc = kubeConfig();

  test('requests sent together from a new client: one full TLS handshake, every other connection resumes its session', async () => {
    // each new connection of this test's client, and whether its TLS session was resumed
    const resumed: boolean[] = [];
    const client = await KubeClient.create(kc, { maxSockets: 8 });
    const onRequest = ({ request }: { request: http.ClientRequest }) => {
      const watch = (socket: import('node:net').Socket) =>
        socket.once('secureConnect', () => resumed.push((socket as import('node:tls').TLSSocket).isSessionReused()));
      // published once the request has its socket (a new one is still connecting)
      if (request.socket) watch(request.socket);
      else request.once('socket', watch);
    };
    diagnostics_channel.subscribe('http.client.request.start', onRequest as (message: unknown) => void);
    try {
      // slow enough on the server that the pool needs a connection for each
      const paths = ['/api/v1', '/apis/apps/v1', '/apis/batch/v1', '/version', '/api/v1/namespaces', '/apis'];
      await Promise.all(paths.map((p) => client.request({ method: 'GET', path: p })));
    } finally {
      diagnostics_channel.unsubscribe('http.client.request.start', onRequest as (message: unknown) => void);
      client.close();
    }
    expect(resumed.length).toBeGreaterThan(1);
    expect(resumed[0]).toBe(false);
    expect(resumed.slice(1).every(Boolean)).toBe(true);
  });

  const restricted = restrictedKubeConfig();
  const ns = useNamespace('kube-client');
  const group = `kc${uniqueName('t').replace(/-/g, '')}.phlo.dev`;
  const widgetApi = `${group}/v1`;
  let admin: KubeClient;
  let limited: KubeClient;
  let restrictedToken: string;

  const crd = (plural: string, kind: string): Record<string, unknown> => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.replace(/s$/, ''), kind },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });

  beforeAll(async () => {
    admin = await KubeClient.create(kc);
    limited = await KubeClient.create(restricted);
    restrictedToken = restricted.getCurrentUser()?.token ?? '';
    // Widget: a kind no typed model knows. Deployment in our own group: a custom kind whose name
    // is also a built-in one, served under a plural of its own.
    for (const body of [crd('widgets', 'Widget'), crd('rollers', 'Deployment')]) {
      await admin.request({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body });
    }
    await waitFor(
      `the CRDs of ${group} to be served`,
      async () => {
        const r = await admin.send({ method: 'GET', path: `/apis/${widgetApi}` });
        if (r.status !== 200) return false;
        const kinds = (JSON.parse(r.body) as { resources: Array<{ kind: string }> }).resources.map((x) => x.kind);
        return kinds.includes('Widget') && kinds.includes('Deployment');
      },
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    for (const plural of ['widgets', 'rollers']) {
      await admin
        ?.send({ method: 'DELETE', path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${plural}.${group}` })
        .catch(() => undefined);
    }
    admin?.close();
    limited?.close();
  });

  describe('JSON round trip', () => {
    test('server-side apply creates and patches a custom object; fields no schema knows come back as sent', async () => {
      const objPath = objectPath(widgetApi, 'widgets', ns.name, 'w1');
      const manifest = {
        apiVersion: widgetApi,
        kind: 'Widget',
        metadata: { name: 'w1', labels: { app: 'w1' }, annotations: { 'phlo.dev/note': 'ünïcødé ✓' } },
        spec: {
          size: 3,
          ratio: 0.25,
          enabled: false,
          startedAt: '2024-02-03T04:05:06Z',
          tags: ['b', 'a'],
          nested: {
            'dash-key': {
              deep: [
                { k: 'v', n: 1 },
                { k: 'w', n: 2 },
              ],
            },
            empty: {},
          },
        },
        extra: { note: 'a top-level field outside spec', list: [1, 2, 3] },
      };
      const apply = (body: unknown): Promise<KubeObject> =>
        admin.request<KubeObject>({
          method: 'PATCH',
          path: objPath,
          query: { fieldManager: 'phlo-kube-client-test', force: true },
          body,
          contentType: 'application/apply-patch+yaml',
        });

      const created = await apply(manifest);
      expect(created.spec).toEqual(manifest.spec);
      expect(created.extra).toEqual(manifest.extra);
      expect(created.metadata.annotations).toEqual(manifest.metadata.annotations);
      expect(created.metadata.generation).toBe(1);
      // Timestamps stay strings (no model turns them into Date objects).
      expect(typeof created.metadata.creationTimestamp).toBe('string');
      expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const managed = created.metadata.managedFields as Array<{ manager: string; operation: string }>;
      expect(managed).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: 'phlo-kube-client-test', operation: 'Apply' })]),
      );

      // GET answers exactly what apply answered: nothing was lost or converted on either way.
      expect(await admin.request<KubeObject>({ method: 'GET', path: objPath })).toEqual(created);

      const changed = await apply({ ...manifest, spec: { ...manifest.spec, size: 4 } });
      expect(changed.metadata.generation).toBe(2);
      expect(changed.metadata.uid).toBe(created.metadata.uid);
      expect(changed.spec).toEqual({ ...manifest.spec, size: 4 });
      expect(changed.extra).toEqual(manifest.extra);

      const merged = await admin.request<KubeObject>({
        method: 'PATCH',
        path: objPath,
        body: { spec: { nested: { added: { x: [true] } } } },
        contentType: 'application/merge-patch+json',
      });
      expect(merged.spec.nested).toEqual({ ...manifest.spec.nested, added: { x: [true] } });
      expect(merged.spec.startedAt).toBe('2024-02-03T04:05:06Z');
    });

    test('a ConfigMap with 300 KB of multi-byte text survives create, get and apply byte for byte', async () => {
      const big = 'ünïcødé ✓ 日本語 🚀 '.repeat(12_000); // well over one TCP chunk, multi-byte throughout
      const path = collectionPath('v1', 'configmaps', ns.name);
      const created = await admin.request<KubeObject>({
        method: 'POST',
        path,
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { big, small: 'x' } },
      });
      expect(created.data).toEqual({ big, small: 'x' });
      const got = await admin.request<KubeObject>({
        method: 'GET',
        path: objectPath('v1', 'configmaps', ns.name, 'big'),
      });
      expect(got.data).toEqual({ big, small: 'x' });
      const applied = await admin.request<KubeObject>({
        method: 'PATCH',
        path: objectPath('v1', 'configmaps', ns.name, 'big'),
        query: { fieldManager: 'phlo-kube-client-test', force: true },
        contentType: 'application/apply-patch+yaml',
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'big' },
          data: { big: `${big}!`, small: 'y' },
        }),
      });
      expect(applied.data).toEqual({ big: `${big}!`, small: 'y' });
      expect(applied.metadata.resourceVersion).not.toBe(got.metadata.resourceVersion);
      // list() pages through a collection and returns the items
      const names = (await admin.list(path)).map((o) => o.metadata.name);
      expect(names).toContain('big');
    });
  });

  describe('API errors', () => {
    test('404: a KubeApiError with the parsed Status; one line without the bearer token; getOrUndefined gives undefined', async () => {
      expect(restrictedToken.length).toBeGreaterThan(20);
      const path = objectPath('v1', 'configmaps', ns.name, 'absent');
      const error = await rejection(limited.request({ method: 'GET', path }));
      expect(error).toBeInstanceOf(KubeApiError);
      const e = error as KubeApiError;
      expect(e.code).toBe(404);
      expect(e.reason).toBe('NotFound');
      expect(e.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 404, details: { name: 'absent' } });
      expect(e.method).toBe('GET');
      expect(e.path).toBe(path);
      expect(e.message).toBe(`GET ${path}: configmaps "absent" not found`);
      expect(describeError(e)).toBe('Kubernetes API 404: configmaps "absent" not found');
      expectNoSecret(e, restrictedToken);

      expect(await limited.getOrUndefined(path)).toBeUndefined();
      // kubeJson (with a KubeConfig) throws the same error
      const viaConfig = await rejection(kubeJson(restricted, 'GET', path));
      expect(viaConfig).toBeInstanceOf(KubeApiError);
      expect(describeError(viaConfig)).toBe('Kubernetes API 404: configmaps "absent" not found');
    });

    test('409 AlreadyExists and 422 Invalid: code, reason, details; describeError gives one line', async () => {
      const path = collectionPath('v1', 'configmaps', ns.name);
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' }, data: { a: '1' } };
      await limited.request({ method: 'POST', path, body });
      const conflict = (await rejection(limited.request({ method: 'POST', path, body }))) as KubeApiError;
      expect(conflict).toBeInstanceOf(KubeApiError);
      expect(conflict.code).toBe(409);
      expect(conflict.reason).toBe('AlreadyExists');
      expect(conflict.body.details).toMatchObject({ name: 'twice', kind: 'configmaps' });
      expect(describeError(conflict)).toBe('Kubernetes API 409: configmaps "twice" already exists');
      expectNoSecret(conflict, restrictedToken);

      const invalid = (await rejection(
        limited.request({ method: 'POST', path, body: { ...body, metadata: { name: 'Not_Valid' } } }),
      )) as KubeApiError;
      expect(invalid).toBeInstanceOf(KubeApiError);
      expect(invalid.code).toBe(422);
      expect(invalid.reason).toBe('Invalid');
      // the wire name of a cause's type is `reason` (KubeStatus declares it as `type`)
      expect(invalid.body.details?.causes?.[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });
      const line = describeError(invalid);
      expect(line).toMatch(/^Kubernetes API 422: ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value/);
      expect(line).not.toContain('\n');
      expectNoSecret(invalid, restrictedToken);
    });

    test('409 Conflict of server-side apply between two field managers', async () => {
      const path = objectPath('v1', 'configmaps', ns.name, 'owned');
      const apply = (manager: string, value: string): Promise<unknown> =>
        limited.request({
          method: 'PATCH',
          path,
          query: { fieldManager: manager },
          contentType: 'application/apply-patch+yaml',
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: value, j: value } },
        });
      await apply('first-manager', '1');
      const e = (await rejection(apply('second-manager', '2'))) as KubeApiError;
      expect(e).toBeInstanceOf(KubeApiError);
      expect(e.code).toBe(409);
      expect(e.reason).toBe('Conflict');
      expect(e.body.details?.causes?.map((c) => c.field).sort()).toEqual(['.data.j', '.data.k']);
      const line = describeError(e);
      expect(line).toMatch(/^Kubernetes API 409: Apply failed with 2 conflicts: /);
      expect(line).not.toContain('\n');
      expectNoSecret(e, restrictedToken);
    });

    test("the restricted service account's 403 is reported plainly, and nothing is deleted", async () => {
      const list = (await rejection(
        limited.request({ method: 'GET', path: '/apis/rbac.authorization.k8s.io/v1/clusterroles' }),
      )) as KubeApiError;
      expect(list).toBeInstanceOf(KubeApiError);
      expect(list.code).toBe(403);
      expect(list.reason).toBe('Forbidden');
      expect(describeError(list)).toBe(
        'Kubernetes API 403: clusterroles.rbac.authorization.k8s.io is forbidden: User ' +
          '"system:serviceaccount:phlo-system:phlo-restricted" cannot list resource "clusterroles" in API group ' +
          '"rbac.authorization.k8s.io" at the cluster scope',
      );
      expectNoSecret(list, restrictedToken);

      const del = (await rejection(
        kubeJson(restricted, 'DELETE', objectPath('v1', 'namespaces', undefined, ns.name)),
      )) as KubeApiError;
      expect(del).toBeInstanceOf(KubeApiError);
      expect(del.code).toBe(403);
      expect(describeError(del)).toBe(
        `Kubernetes API 403: namespaces "${ns.name}" is forbidden: User ` +
          '"system:serviceaccount:phlo-system:phlo-restricted" cannot delete resource "namespaces" in API group "" ' +
          'in the namespace "' +
          ns.name +
          '"',
      );
      expectNoSecret(del, restrictedToken);
      const still = await admin.getOrUndefined(objectPath('v1', 'namespaces', undefined, ns.name));
      expect(still?.metadata.deletionTimestamp).toBeUndefined();

      // kubeRequest does not throw: it hands back status and body
      const raw = await kubeRequest(restricted, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
      expect(raw.status).toBe(403);
      expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    });
  });

  describe('discovery', () => {
    test('resourceFor a core kind, an apps kind, a custom kind, and kinds the server does not serve', async () => {
      const configMap = await admin.resourceFor('v1', 'ConfigMap');
      expect(configMap).toMatchObject({
        resource: 'configmaps',
        namespaced: true,
        kind: 'ConfigMap',
        apiVersion: 'v1',
      });
      expect(configMap?.verbs).toEqual(expect.arrayContaining(['create', 'get', 'list', 'patch', 'watch']));
      expect(KubeClient.collectionPath(configMap!, 'ns-a')).toBe('/api/v1/namespaces/ns-a/configmaps');
      expect(KubeClient.objectPath(configMap!, { namespace: 'ns-a', name: 'c' })).toBe(
        '/api/v1/namespaces/ns-a/configmaps/c',
      );

      const namespace = await admin.resourceFor('v1', 'Namespace');
      expect(namespace).toMatchObject({ resource: 'namespaces', namespaced: false });
      // a cluster-scoped kind ignores the namespace it is given
      expect(KubeClient.collectionPath(namespace!, 'ns-a')).toBe('/api/v1/namespaces');
      expect(KubeClient.objectPath(namespace!, { namespace: 'ns-a', name: 'n' })).toBe('/api/v1/namespaces/n');

      const deployment = await admin.resourceFor('apps/v1', 'Deployment');
      expect(deployment).toMatchObject({ resource: 'deployments', namespaced: true, apiVersion: 'apps/v1' });
      expect(KubeClient.objectPath(deployment!, { namespace: 'n s', name: 'a/b' })).toBe(
        '/apis/apps/v1/namespaces/n%20s/deployments/a%2Fb',
      );
      // subresources (deployments/scale has kind Scale) are not taken for kinds
      expect(await admin.resourceFor('apps/v1', 'Scale')).toBeUndefined();

      expect(await admin.resourceFor(widgetApi, 'Widget')).toMatchObject({ resource: 'widgets', namespaced: true });
      expect(await admin.resourceFor('apps/v1', 'NoSuchKind')).toBeUndefined();
      expect(await admin.resourceFor('v1', 'Deployment')).toBeUndefined();
      expect(await admin.resourceFor('nosuchgroup.phlo.dev/v1', 'Widget')).toBeUndefined();
    });

    test('resolvePlural: table kinds, discovered kinds, and a clear error for a kind the server does not serve', async () => {
      expect(await admin.resolvePlural('v1', 'Pod')).toBe('pods');
      expect(await admin.resolvePlural('v1', 'ConfigMap')).toBe('configmaps');
      expect(await admin.resolvePlural('apps/v1', 'StatefulSet')).toBe('statefulsets');
      expect(await admin.resolvePlural('apps/v1', 'Deployment')).toBe('deployments');
      expect(await admin.resolvePlural('batch/v1', 'CronJob')).toBe('cronjobs');
      expect(await admin.resolvePlural(widgetApi, 'Widget')).toBe('widgets');
      await expect(admin.resolvePlural('apps/v1', 'NoSuchKind')).rejects.toThrow(
        'The API server does not serve kind NoSuchKind in apps/v1',
      );
      await expect(admin.resolvePlural('nosuchgroup.phlo.dev/v1', 'Widget')).rejects.toThrow(
        'The API server does not serve kind Widget in nosuchgroup.phlo.dev/v1',
      );
    });

    // The table of well-known plurals is keyed by apiVersion and kind: a custom resource whose kind
    // is also a built-in kind (here Deployment in our own group, plural "rollers") must not get the
    // built-in plural (a gate on it would watch /apis/<group>/v1/.../deployments, a 404, forever).
    test('resolvePlural asks discovery for a custom kind named like a built-in one', async () => {
      expect(await admin.resolvePlural(widgetApi, 'Deployment')).toBe('rollers');
    });

    test('resolvePlural does not take a built-in kind from the table under an apiVersion that does not serve it', async () => {
      await expect(admin.resolvePlural('v1', 'Deployment')).rejects.toThrow(
        'The API server does not serve kind Deployment in v1',
      );
      await expect(admin.resolvePlural('batch/v1', 'Pod')).rejects.toThrow(
        'The API server does not serve kind Pod in batch/v1',
      );
    });

    test('discovery is asked once per apiVersion, concurrent callers included', async () => {
      const client = await KubeClient.create(kc);
      try {
        const paths: string[] = [];
        const send = client.send.bind(client);
        client.send = (opts: RequestOptions) => {
          paths.push(opts.path);
          return send(opts);
        };
        const kinds = await Promise.all(
          ['Deployment', 'StatefulSet', 'DaemonSet', 'NoSuchKind'].map((k) => client.resourceFor('apps/v1', k)),
        );
        expect(kinds.map((k) => k?.resource)).toEqual(['deployments', 'statefulsets', 'daemonsets', undefined]);
        expect(await client.resourceFor('apps/v1', 'ReplicaSet')).toMatchObject({ resource: 'replicasets' });
        expect(await client.resolvePlural('v1', 'Service')).toBe('services'); // from the table: no request
        expect(paths).toEqual(['/apis/apps/v1']);
      } finally {
        client.close();
      }
    });
  });

  describe('list-watch', () => {
    test('delivers every change once while the server closes the watch every second (resumes, never relists)', async () => {
      const client = await KubeClient.create(kc);
      const watched: string[] = [];
      const stream = client.stream.bind(client);
      client.stream = (opts: RequestOptions, onRequest?: (req: http.ClientRequest) => void) => {
        watched.push(String(opts.query?.resourceVersion ?? ''));
        return stream(opts, onRequest);
      };
      const cmPath = collectionPath('v1', 'configmaps', ns.name);
      const labels = { 'phlo.dev/watch-test': 'yes' };
      await client.request({
        method: 'POST',
        path: cmPath,
        body: { metadata: { name: 'before', labels }, data: { v: '0' } },
      });
      const events: string[] = [];
      const syncs: string[][] = [];
      const connection: string[] = [];
      const abort = new AbortController();
      const logger = new MemoryLogger();
      const loop = listWatch(
        {
          path: cmPath,
          labelSelector: 'phlo.dev/watch-test=yes',
          timeoutSeconds: 1,
          signal: abort.signal,
          clock: systemClock,
          logger,
          onSync: (items) => syncs.push(items.map((o) => o.metadata.name)),
          onEvent: (type: WatchEventType, o: KubeObject) =>
            events.push(`${type} ${o.metadata.name} ${(o.data as Record<string, string> | undefined)?.v}`),
          onConnection: (state, detail) => connection.push(`${state}: ${detail}`),
        },
        client,
      );
      let stats: ListWatchStats | undefined;
      try {
        await waitFor('the first list', async () => syncs.length > 0, { timeoutMs: 30_000 });
        expect(syncs).toEqual([['before']]);
        const objPath = objectPath('v1', 'configmaps', ns.name, 'watched');
        await client.request({
          method: 'POST',
          path: cmPath,
          body: { metadata: { name: 'watched', labels }, data: { v: '1' } },
        });
        await waitFor('ADDED', async () => events.length >= 1, { timeoutMs: 30_000 });
        // let the server close the watch twice, then change the object
        let seen = watched.length;
        await waitFor('two server-side closes', async () => watched.length >= seen + 2, { timeoutMs: 30_000 });
        await client.request({
          method: 'PATCH',
          path: objPath,
          body: { data: { v: '2' } },
          contentType: 'application/merge-patch+json',
        });
        await waitFor('MODIFIED', async () => events.length >= 2, { timeoutMs: 30_000 });
        seen = watched.length;
        await waitFor('two more server-side closes', async () => watched.length >= seen + 2, { timeoutMs: 30_000 });
        await client.request({ method: 'DELETE', path: objPath });
        await waitFor('DELETED', async () => events.length >= 3, { timeoutMs: 30_000 });
      } finally {
        abort.abort();
        stats = await within(loop, 15_000, 'listWatch after abort');
        client.close();
      }
      expect(events).toEqual(['ADDED watched 1', 'MODIFIED watched 2', 'DELETED watched 2']);
      expect(stats).toMatchObject({ lists: 1, relistsOn410: 0, reconnects: 0 });
      expect(stats?.watches).toBe(watched.length);
      expect(watched.length).toBeGreaterThanOrEqual(5);
      // every watch resumed from a resourceVersion: none started over from "" (which replays ADDED)
      expect(watched.every((rv) => /^\d+$/.test(rv))).toBe(true);
      expect(connection).toEqual([]);
      expect(syncs).toHaveLength(1);
    });
  });
});

// ─────────────────────────── against local servers ───────────────────────────

describe('against a local HTTP server', () => {
  test('sends JSON with the expected headers, server path prefix and query; auth headers win over extra headers', async () => {
    const server = await startServer((_req, res) => sendJson(res, 201, { ok: 'ünïcødé ✓' }), { prefix: '/k8s/c-1/' });
    const client = await localClient(localKubeConfig(server.url));
    const body = { metadata: { name: 'ünï' }, data: { x: '✓'.repeat(1000) } };
    const answer = await client.request({
      method: 'POST',
      path: '/api/v1/namespaces/a/configmaps',
      query: { fieldManager: 'm', dryRun: 'All', skipped: undefined, force: true, limit: 5 },
      body,
      headers: { 'X-Extra': 'kept', Authorization: 'Bearer not-this-one' },
    });
    expect(answer).toEqual({ ok: 'ünïcødé ✓' });
    const [seen] = server.requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.path).toBe('/k8s/c-1/api/v1/namespaces/a/configmaps');
    expect(Object.fromEntries(seen!.query)).toEqual({ fieldManager: 'm', dryRun: 'All', force: 'true', limit: '5' });
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.headers.accept).toBe('application/json');
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
    expect(seen?.headers['x-extra']).toBe('kept');
    expect(seen?.headers.authorization).toBe(`Bearer ${STATIC_TOKEN}`);
    expect(JSON.parse(seen!.body)).toEqual(body);

    // a string body goes out as it is, with the content type given; no body, no Content-Type
    await client.request({ method: 'PATCH', path: '/x', body: 'a: 1\n', contentType: 'application/apply-patch+yaml' });
    await client.request({ method: 'GET', path: '/y', accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(server.requests[1]).toMatchObject({ body: 'a: 1\n' });
    expect(server.requests[1]?.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(server.requests[2]?.headers['content-type']).toBeUndefined();
    expect(server.requests[2]?.headers.accept).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
  });

  test('keeps one connection alive across sequential requests, error answers included', async () => {
    const server = await startServer((_req, res, seen) => {
      if (seen.path === '/missing') sendJson(res, 404, status(404, 'NotFound', 'things "missing" not found'));
      else if (seen.path === '/text-error') sendText(res, 500, 'internal error\nwith a second line');
      else sendJson(res, 200, { path: seen.path });
    });
    const client = await localClient(localKubeConfig(server.url));
    for (let i = 0; i < 4; i++) {
      expect(await client.request({ method: 'GET', path: `/ok/${i}` })).toEqual({ path: `/ok/${i}` });
      await expect(client.request({ method: 'GET', path: '/missing' })).rejects.toBeInstanceOf(KubeApiError);
      expect((await client.send({ method: 'GET', path: '/text-error' })).status).toBe(500);
    }
    expect(server.requests).toHaveLength(12);
    expect(server.connections()).toBe(1);
    expect(new Set(server.requests.map((r) => r.socket))).toEqual(new Set([1]));
    // closing the client closes its connections
    client.close();
    await waitFor('the connection to close', async () => server.open() === 0, { timeoutMs: 10_000 });
  });

  test('kubeJson/kubeRequest share a KubeClient pool; given a KubeConfig each call closes its own connection', async () => {
    const server = await startServer((_req, res) => sendJson(res, 200, { kind: 'Thing' }));
    const kc = localKubeConfig(server.url);
    const client = await localClient(kc);
    for (let i = 0; i < 3; i++) {
      expect(await kubeJson(client, 'GET', '/a')).toEqual({ kind: 'Thing' });
      expect((await kubeRequest(client, 'GET', '/b')).status).toBe(200);
    }
    expect(server.connections()).toBe(1);
    expect(server.open()).toBe(1);

    for (let i = 0; i < 3; i++) expect(await kubeJson(kc, 'GET', '/c')).toEqual({ kind: 'Thing' });
    expect(await withKubeClient(kc, (c) => c.request({ method: 'GET', path: '/d' }))).toEqual({ kind: 'Thing' });
    expect(server.connections()).toBe(5);
    await waitFor('the per-call connections to close', async () => server.open() === 1, { timeoutMs: 10_000 });
  });

  test('one-shot requests stay within maxSockets, and an open watch stream does not take a slot', async () => {
    const release = deferred();
    let inFlight = 0;
    let maxInFlight = 0;
    const server = await startServer(async (_req, res, seen) => {
      if (seen.path === '/watch') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('\n');
        await release.promise;
        res.end();
        return;
      }
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= 1;
      sendJson(res, 200, { n: seen.query.get('n') });
    });
    const client = await localClient(localKubeConfig(server.url), { maxSockets: 1 });
    const watch = await within(client.stream({ method: 'GET', path: '/watch' }), 10_000, 'stream headers');
    expect(watch.statusCode).toBe(200);
    const answers = await within(
      Promise.all([1, 2, 3, 4].map((n) => client.request({ method: 'GET', path: '/one', query: { n } }))),
      20_000,
      'four requests beside an open watch',
    );
    expect(answers).toEqual([{ n: '1' }, { n: '2' }, { n: '3' }, { n: '4' }]);
    expect(maxInFlight).toBe(1);
    const oneShotSockets = new Set(server.requests.filter((r) => r.path === '/one').map((r) => r.socket));
    const watchSocket = server.requests.find((r) => r.path === '/watch')!.socket;
    expect(oneShotSockets.size).toBe(1);
    expect(oneShotSockets.has(watchSocket)).toBe(false);
    release.resolve();
    watch.resume();
  });

  test('bodies that are not JSON: errors get a Status from their first line; a 2xx that is not JSON is an error', async () => {
    const server = await startServer((_req, res, seen) => {
      switch (seen.path) {
        case '/gateway':
          return sendText(
            res,
            502,
            'upstream connect error or disconnect/reset before headers\nreset reason: overflow',
          );
        case '/empty-error':
          return sendText(res, 503, '');
        case '/json-not-status':
          return sendJson(res, 500, ['not', 'a', 'status']);
        case '/text':
          return sendText(res, 200, 'OK');
        case '/no-content':
          res.writeHead(204);
          res.end();
          return;
        default:
          return sendJson(res, 404, {});
      }
    });
    const client = await localClient(localKubeConfig(server.url));

    const gateway = (await rejection(client.request({ method: 'GET', path: '/gateway' }))) as KubeApiError;
    expect(gateway).toBeInstanceOf(KubeApiError);
    expect(gateway.code).toBe(502);
    expect(gateway.body).toEqual({
      code: 502,
      message: 'upstream connect error or disconnect/reset before headers',
    });
    expect(gateway.message).toBe('GET /gateway: upstream connect error or disconnect/reset before headers');
    expect(describeError(gateway)).toBe(
      'Kubernetes API 502: upstream connect error or disconnect/reset before headers',
    );
    expectNoSecret(gateway, STATIC_TOKEN);

    const empty = (await rejection(client.request({ method: 'DELETE', path: '/empty-error' }))) as KubeApiError;
    expect(empty.code).toBe(503);
    expect(empty.message).toBe('DELETE /empty-error: HTTP 503');
    expect(describeError(empty)).toBe('Kubernetes API 503: HTTP 503');

    const odd = (await rejection(client.request({ method: 'GET', path: '/json-not-status' }))) as KubeApiError;
    expect(odd.code).toBe(500);
    expect(odd.message).toBe('GET /json-not-status: HTTP 500');

    const text = await rejection(client.request({ method: 'GET', path: '/text' }));
    expect(text).not.toBeInstanceOf(KubeApiError);
    expect(text.message).toBe('GET /text: HTTP 200 with a body that is not JSON');
    expect(await client.request({ method: 'DELETE', path: '/no-content' })).toBeUndefined();

    // send never throws for an HTTP status
    const raw = await client.send({ method: 'GET', path: '/gateway' });
    expect(raw.status).toBe(502);
    expect(raw.body).toContain('reset reason: overflow');
    expect(raw.headers['content-type']).toBe('text/plain');
  });

  test('the deadline covers a server that never answers and one that stalls mid-body; the pool still works after', async () => {
    const server = await startServer((_req, res, seen) => {
      if (seen.path === '/hang') return; // never answers
      if (seen.path === '/stall') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"items": [');
        return; // never finishes the body
      }
      sendJson(res, 200, { fine: true });
    });
    const client = await localClient(localKubeConfig(server.url));
    const origin = `http://127.0.0.1:${server.port}`;

    const hang = await within(
      rejection(client.request({ method: 'GET', path: '/hang', timeoutMs: 300 })),
      20_000,
      'hang',
    );
    expect(hang).not.toBeInstanceOf(KubeApiError);
    expect(hang.message).toBe(
      `Cannot reach the Kubernetes API server at ${origin} (GET /hang): no answer within 300 ms`,
    );
    expect(describeError(hang)).toBe(hang.message);
    expect(hang.cause).toBeDefined();
    expectNoSecret(hang, STATIC_TOKEN);

    const stall = await within(
      rejection(client.send({ method: 'POST', path: '/stall', body: {}, timeoutMs: 300 })),
      20_000,
      'stall',
    );
    expect(stall.message).toBe(
      `Cannot reach the Kubernetes API server at ${origin} (POST /stall): no answer within 300 ms`,
    );

    expect(await client.request({ method: 'GET', path: '/fine' })).toEqual({ fine: true });
    // both timed-out connections were given up
    await waitFor('the timed-out connections to close', async () => server.open() === 1, { timeoutMs: 10_000 });
  });

  test("a finished request's deadline does not cut the next request on the same kept-alive socket", async () => {
    const server = await startServer(async (_req, res, seen) => {
      if (seen.path === '/slow') await new Promise((r) => setTimeout(r, 800));
      sendJson(res, 200, { path: seen.path });
    });
    const client = await localClient(localKubeConfig(server.url));
    expect(await client.request({ method: 'GET', path: '/quick', timeoutMs: 200 })).toEqual({ path: '/quick' });
    // /slow outlives /quick's 200 ms deadline on the very socket /quick used
    expect(await client.request({ method: 'GET', path: '/slow', timeoutMs: 30_000 })).toEqual({ path: '/slow' });
    expect(server.requests.map((r) => r.socket)).toEqual([1, 1]);
  });

  test("the caller's AbortSignal stops a request and stays recognisable as an abort", async () => {
    const arrived = deferred();
    const server = await startServer((_req, _res, seen) => {
      if (seen.path === '/hang') arrived.resolve();
    });
    const client = await localClient(localKubeConfig(server.url));
    const controller = new AbortController();
    const pending = rejection(client.request({ method: 'GET', path: '/hang', signal: controller.signal }));
    await within(arrived.promise, 10_000, 'the request to arrive');
    controller.abort(new Error('deploy cancelled'));
    const error = await within(pending, 10_000, 'the aborted request');
    expect(error.name).toBe('AbortError');
    expect(error.message).not.toMatch(/Cannot reach/);
    expect(controller.signal.aborted).toBe(true);
    await waitFor('the aborted connection to close', async () => server.open() === 0, { timeoutMs: 10_000 });

    // a signal aborted before the call: rejected as an abort too, not as an outage
    const early = await rejection(client.request({ method: 'GET', path: '/x', signal: AbortSignal.abort() }));
    expect(early.name).toBe('AbortError');
    expect(early.message).not.toMatch(/Cannot reach/);
  });

  test('an unreachable server gives "Cannot reach the Kubernetes API server" with the address and the cause', async () => {
    const port = await closedPort();
    const kc = localKubeConfig(`http://127.0.0.1:${port}`);
    const expected = `Cannot reach the Kubernetes API server at http://127.0.0.1:${port} (GET /version): ECONNREFUSED`;
    const direct = await rejection(kubeJson(kc, 'GET', '/version'));
    expect(direct.message).toBe(expected);
    expect(describeError(direct)).toBe(expected);
    expect((direct.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expectNoSecret(direct, STATIC_TOKEN);
    const raw = await rejection(kubeRequest(kc, 'GET', '/version'));
    expect(raw.message).toBe(expected);
  });

  test('list() follows continue tokens and merges the pages', async () => {
    const server = await startServer((_req, res, seen) => {
      const token = seen.query.get('continue');
      if (!token) sendJson(res, 200, { items: [{ metadata: { name: 'a' } }], metadata: { continue: 'p2' } });
      else if (token === 'p2')
        sendJson(res, 200, { items: [{ metadata: { name: 'b' } }], metadata: { continue: 'p3' } });
      else sendJson(res, 200, { items: [{ metadata: { name: 'c' } }], metadata: { continue: '' } });
    });
    const client = await localClient(localKubeConfig(server.url));
    const items = await client.list('/api/v1/pods', { labelSelector: 'app=x', fieldSelector: undefined });
    expect(items.map((o) => o.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(server.requests.map((r) => Object.fromEntries(r.query))).toEqual([
      { labelSelector: 'app=x', limit: '500' },
      { labelSelector: 'app=x', limit: '500', continue: 'p2' },
      { labelSelector: 'app=x', limit: '500', continue: 'p3' },
    ]);
  });

  test('a failed discovery call is not cached; a 404 group is "not served"', async () => {
    let calls = 0;
    const server = await startServer((_req, res, seen) => {
      if (seen.path === '/apis/flaky.phlo.dev/v1' && ++calls === 1) {
        return sendJson(
          res,
          503,
          status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
        );
      }
      if (seen.path === '/apis/flaky.phlo.dev/v1') {
        return sendJson(res, 200, {
          kind: 'APIResourceList',
          resources: [
            { name: 'gadgets', kind: 'Gadget', namespaced: false, verbs: ['get'] },
            { name: 'gadgets/status', kind: 'Gadget', namespaced: false, verbs: ['get'] },
          ],
        });
      }
      sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    });
    const client = await localClient(localKubeConfig(server.url));
    const first = await rejection(client.resourceFor('flaky.phlo.dev/v1', 'Gadget'));
    expect(first).toBeInstanceOf(KubeApiError);
    expect((first as KubeApiError).code).toBe(503);
    expect(await client.resourceFor('flaky.phlo.dev/v1', 'Gadget')).toEqual({
      resource: 'gadgets',
      namespaced: false,
      kind: 'Gadget',
      apiVersion: 'flaky.phlo.dev/v1',
      verbs: ['get'],
    });
    expect(await client.resolvePlural('flaky.phlo.dev/v1', 'Gadget')).toBe('gadgets');
    expect(await client.resourceFor('gone.phlo.dev/v1', 'Gadget')).toBeUndefined();
    expect(server.requests.map((r) => r.path)).toEqual([
      '/apis/flaky.phlo.dev/v1',
      '/apis/flaky.phlo.dev/v1',
      '/apis/gone.phlo.dev/v1',
    ]);
  });

  test('resolvePlural: the table answers for built-in apiVersions only; a custom Deployment goes to discovery', async () => {
    const server = await startServer((_req, res, seen) => {
      if (seen.path === '/apis/example.phlo.dev/v1') {
        return sendJson(res, 200, {
          kind: 'APIResourceList',
          resources: [{ name: 'rollers', kind: 'Deployment', namespaced: true, verbs: ['get', 'list', 'watch'] }],
        });
      }
      sendJson(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    });
    const client = await localClient(localKubeConfig(server.url));
    expect(await client.resolvePlural('apps/v1', 'Deployment')).toBe('deployments');
    expect(await client.resolvePlural('batch/v1', 'Job')).toBe('jobs');
    expect(await client.resolvePlural('v1', 'Pod')).toBe('pods');
    expect(server.requests).toHaveLength(0); // all three from the table
    expect(await client.resolvePlural('example.phlo.dev/v1', 'Deployment')).toBe('rollers');
    await expect(client.resolvePlural('example.phlo.dev/v1', 'Job')).rejects.toThrow(
      'The API server does not serve kind Job in example.phlo.dev/v1',
    );
    await expect(client.resolvePlural('extensions/v1beta1', 'Deployment')).rejects.toThrow(
      'The API server does not serve kind Deployment in extensions/v1beta1',
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/apis/example.phlo.dev/v1', '/apis/extensions/v1beta1']);
  });
});

describe('an exec-plugin kubeconfig against a local HTTPS server', () => {
  const TOKEN = 'exec-token-7c1e93a5b2d64f08e1';
  let dir: string;
  let tls: { key: string; cert: string };
  let script: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'phlo-kube-client-'));
    tls = selfSignedCert(dir);
    // Counts its runs in $1; fails once when $1.fail exists (stderr only, like `aws eks get-token`).
    script = path.join(dir, 'get-token.sh');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        'echo run >> "$1"',
        'if [ -f "$1.fail" ]; then rm -f "$1.fail"; echo "get-token: credentials service unavailable" >&2; exit 1; fi',
        "cat <<'EOF'",
        JSON.stringify({
          apiVersion: 'client.authentication.k8s.io/v1',
          kind: 'ExecCredential',
          status: { token: TOKEN },
        }),
        'EOF',
        '',
      ].join('\n'),
    );
    chmodSync(script, 0o755);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A kubeconfig user running the plugin with its own run counter. */
  function execUser(name: string): { user: Record<string, unknown>; runs: () => number; failNext: () => void } {
    const counter = path.join(dir, `${name}.runs`);
    return {
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: script,
          args: [counter],
          interactiveMode: 'Never',
        },
      },
      runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0),
      failNext: () => writeFileSync(`${counter}.fail`, ''),
    };
  }

  /** Answers 200 to the plugin's token, 401 to anything else; /hang never answers. */
  const authenticating: Handler = (_req, res, seen) => {
    if (seen.path === '/hang') return;
    if (seen.headers.authorization !== `Bearer ${TOKEN}`) {
      return sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    if (seen.path === '/forbidden') {
      return sendJson(res, 403, status(403, 'Forbidden', 'secrets is forbidden: User "exec-user" cannot list'));
    }
    sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], path: seen.path });
  };

  test('the plugin token authenticates over TLS (CA from the kubeconfig), once for several requests on one connection', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = execUser('once');
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    for (const p of ['/api', '/apis', '/version']) {
      expect(
        await client.request({ method: 'GET', path: p, headers: { Authorization: 'Bearer spoofed' } }),
      ).toMatchObject({ path: p });
    }
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TOKEN}`));
    expect(plugin.runs()).toBe(1);
    expect(server.connections()).toBe(1);
  });

  test('concurrent first requests share one plugin run; a minute later the plugin runs again', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = execUser('shared');
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    const answers = await Promise.all(['/a', '/b', '/c', '/d'].map((p) => client.request({ method: 'GET', path: p })));
    expect(answers).toHaveLength(4);
    expect(plugin.runs()).toBe(1);
    // exec and OIDC tokens expire: credentials older than a minute are loaded again
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect(await client.request({ method: 'GET', path: '/e' })).toMatchObject({ path: '/e' });
      expect(await client.request({ method: 'GET', path: '/f' })).toMatchObject({ path: '/f' });
    } finally {
      clock.mockRestore();
    }
    expect(plugin.runs()).toBe(2);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('no error message carries the token: 401, 403, timeout, refused connection, untrusted certificate', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = execUser('errors');
    const kc = localKubeConfig(server.url, plugin.user, tls.cert);
    const client = await localClient(kc);

    // a 401 (a token the server does not take) and a 403: the token is only ever in the request
    const other = await startServer((_req, res) => sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized')), {
      tls,
    });
    const unauthorized = (await rejection(
      kubeJson(localKubeConfig(other.url, execUser('other').user, tls.cert), 'GET', '/api/v1/secrets'),
    )) as KubeApiError;
    expect(other.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(unauthorized.code).toBe(401);
    expect(describeError(unauthorized)).toBe('Kubernetes API 401: Unauthorized');
    expectNoSecret(unauthorized, TOKEN);

    const forbidden = (await rejection(client.request({ method: 'GET', path: '/forbidden' }))) as KubeApiError;
    expect(forbidden.code).toBe(403);
    expectNoSecret(forbidden, TOKEN);

    const hang = await rejection(client.request({ method: 'GET', path: '/hang', timeoutMs: 300 }));
    expect(hang.message).toMatch(
      /^Cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ \(GET \/hang\)/,
    );
    expectNoSecret(hang, TOKEN);

    const port = await closedPort();
    const refused = await rejection(
      kubeJson(localKubeConfig(`https://127.0.0.1:${port}`, execUser('refused').user, tls.cert), 'GET', '/api'),
    );
    expect(refused.message).toBe(
      `Cannot reach the Kubernetes API server at https://127.0.0.1:${port} (GET /api): ECONNREFUSED`,
    );
    expectNoSecret(refused, TOKEN);

    // without the CA the self-signed certificate is refused (the TLS options do come from the kubeconfig)
    const untrusted = await rejection(kubeJson(localKubeConfig(server.url, execUser('untrusted').user), 'GET', '/api'));
    expect(untrusted.message).toMatch(
      /^Cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ \(GET \/api\): /,
    );
    expect(untrusted.message).toMatch(/SELF_SIGNED|self.signed/i);
    expectNoSecret(untrusted, TOKEN);
    expect(server.requests.filter((r) => r.path === '/api')).toHaveLength(0);
  });

  // The wait for credentials is part of the request: a hung exec plugin must not hold a request past
  // `timeoutMs` ("Deadline for the whole request"), and an AbortSignal or listWatch's stop ends it.
  test('timeoutMs also bounds a hung exec plugin', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = hangingPlugin('hung-deadline');
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    const pending = rejection(client.request({ method: 'GET', path: '/api', timeoutMs: 300 }));
    try {
      const error = await within(pending, 5_000, 'a request whose exec plugin hangs');
      expect(error.message).toMatch(/no answer within 300 ms/);
    } finally {
      plugin.release();
      await pending.catch(() => undefined);
    }
  });

  test.each(['request', 'stream'] as const)(
    "the caller's AbortSignal ends a %s's wait for a hung exec plugin",
    async (kind) => {
      const server = await startServer(authenticating, { tls });
      const plugin = hangingPlugin(`hung-abort-${kind}`);
      const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
      const controller = new AbortController();
      const opts = { method: 'GET' as const, path: '/watch', signal: controller.signal };
      const pending = rejection(kind === 'request' ? client.request(opts) : client.stream(opts));
      try {
        controller.abort();
        const error = await within(pending, 5_000, `an aborted ${kind} whose exec plugin hangs`);
        expect(error.name).toBe('AbortError');
        expect(server.requests).toHaveLength(0);
      } finally {
        plugin.release();
        await pending.catch(() => undefined);
      }
    },
  );

  /**
   * A plugin that counts its runs and hangs until `release()` (a hung `aws eks get-token`): on every run,
   * or only on run `hangOn` (the other runs answer at once).
   */
  function hangingPlugin(
    name: string,
    hangOn?: number,
  ): { user: Record<string, unknown>; runs: () => number; release: () => void } {
    const file = path.join(dir, `${name}.sh`);
    const counter = path.join(dir, `${name}.runs`);
    const go = path.join(dir, `${name}.go`);
    writeFileSync(
      file,
      [
        '#!/bin/sh',
        `echo run >> '${counter}'`,
        `n=$(wc -l < '${counter}')`,
        hangOn === undefined
          ? `while [ ! -f '${go}' ]; do sleep 0.05; done`
          : `if [ $n -eq ${hangOn} ]; then while [ ! -f '${go}' ]; do sleep 0.05; done; fi`,
        `echo '${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: TOKEN } })}'`,
        '',
      ].join('\n'),
    );
    chmodSync(file, 0o755);
    return {
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: file, interactiveMode: 'Never' } },
      runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0),
      release: () => writeFileSync(go, ''),
    };
  }

  test('a request that timed out waiting for a hung plugin does not leave the next one waiting on it', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = hangingPlugin('hang-first', 1);
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    try {
      const error = await within(
        rejection(client.request({ method: 'GET', path: '/api', timeoutMs: 300 })),
        5_000,
        'a request whose exec plugin hangs',
      );
      expect(error.message).toMatch(
        /^Cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ \(GET \/api\): no answer within 300 ms/,
      );
      expect(describeError(error)).toContain("still waiting for the kubeconfig's credentials");
      expect(server.requests).toHaveLength(0);
      // the next request runs the plugin again (the first run still hangs) and gets through
      expect(await client.request({ method: 'GET', path: '/api', timeoutMs: 5_000 })).toMatchObject({ path: '/api' });
      expect(plugin.runs()).toBe(2);
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      plugin.release();
    }
  });

  test("a caller's abort leaves the slow plugin run to the other requests waiting on it", async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = hangingPlugin('slow-shared', 1);
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    try {
      const controller = new AbortController();
      const aborted = rejection(client.request({ method: 'GET', path: '/a', signal: controller.signal }));
      const waiting = client.request({ method: 'GET', path: '/b' });
      controller.abort();
      expect((await within(aborted, 5_000, 'the aborted request')).name).toBe('AbortError');
      plugin.release();
      expect(await within(waiting, 5_000, 'the request still waiting')).toMatchObject({ path: '/b' });
      expect(plugin.runs()).toBe(1);
      expect(server.requests.map((r) => r.path)).toEqual(['/b']);
    } finally {
      plugin.release();
    }
  });

  test('stream(): a failing plugin fails it with its own message, and the next stream runs it again', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = execUser('flaky-stream');
    plugin.failNext();
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    const failed = await rejection(client.stream({ method: 'GET', path: '/watch' }));
    expect(describeError(failed)).toBe('get-token: credentials service unavailable');
    expect(server.requests).toHaveLength(0);
    const res = await within(client.stream({ method: 'GET', path: '/watch' }), 5_000, 'stream headers');
    expect(res.statusCode).toBe(200);
    res.destroy();
    expect(plugin.runs()).toBe(2);
  });

  test('listWatch stops while its LIST or its WATCH waits for a hung plugin', async () => {
    const server = await startServer(
      (_req, res, seen) => {
        if (seen.headers.authorization !== `Bearer ${TOKEN}`) {
          return sendJson(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
        }
        if (seen.query.get('watch') !== 'true') {
          return sendJson(res, 200, { kind: 'ConfigMapList', metadata: { resourceVersion: '7' }, items: [] });
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
      },
      { tls },
    );
    const run = async (plugin: { user: Record<string, unknown> }, onSync: () => void): Promise<ListWatchStats> => {
      const abort = new AbortController();
      const loop = withKubeClient(localKubeConfig(server.url, plugin.user, tls.cert), (client) =>
        listWatch(
          {
            path: '/api/v1/namespaces/ns/configmaps',
            signal: abort.signal,
            clock: systemClock,
            logger: new MemoryLogger(),
            onSync,
            onEvent: () => undefined,
          },
          client,
        ),
      );
      await new Promise((r) => setTimeout(r, 500));
      abort.abort();
      return within(loop, 5_000, 'listWatch after its abort');
    };

    // the plugin hangs on its first run: the LIST waits for it
    const first = hangingPlugin('watch-list', 1);
    try {
      expect(await run(first, () => undefined)).toMatchObject({ lists: 0, watches: 0 });
      expect(first.runs()).toBe(1);
    } finally {
      first.release();
    }

    // the plugin answers the LIST, then (credentials a minute old) hangs: the WATCH waits for it
    const second = hangingPlugin('watch-watch', 2);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    try {
      const stats = await run(second, () => clock.mockReturnValue(now + 61_000));
      expect(stats).toMatchObject({ lists: 1, watches: 0 });
      expect(second.runs()).toBe(2);
    } finally {
      clock.mockRestore();
      second.release();
    }
    expect(server.requests.filter((r) => r.query.get('watch') === 'true')).toHaveLength(0);
  });

  test('a failing plugin fails the request with its message, and the next request runs it again', async () => {
    const server = await startServer(authenticating, { tls });
    const plugin = execUser('flaky');
    plugin.failNext();
    const client = await localClient(localKubeConfig(server.url, plugin.user, tls.cert));
    const failed = await rejection(client.request({ method: 'GET', path: '/api' }));
    expect(describeError(failed)).toBe('get-token: credentials service unavailable');
    expect(server.requests).toHaveLength(0);
    expect(await client.request({ method: 'GET', path: '/api' })).toMatchObject({ path: '/api' });
    expect(plugin.runs()).toBe(2);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  // client-node's failure for such a plugin is JSON.parse's SyntaxError, which quotes the start of
  // the plugin's output (a bare token's first characters) and does not say that the kubeconfig's exec
  // plugin is at fault: the client replaces it with a line of its own.
  test('a plugin printing a bare token instead of an ExecCredential: the error quotes none of it', async () => {
    const server = await startServer(authenticating, { tls });
    const bare = path.join(dir, 'bare-token.sh');
    writeFileSync(bare, `#!/bin/sh\necho ${TOKEN}\n`);
    chmodSync(bare, 0o755);
    const user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: bare, interactiveMode: 'Never' } };
    const client = await localClient(localKubeConfig(server.url, user, tls.cert));
    const error = await rejection(client.request({ method: 'GET', path: '/api' }));
    expect(server.requests).toHaveLength(0);
    for (const text of [error.message, describeError(error)]) {
      for (let i = 0; i + 8 <= TOKEN.length; i++) expect(text).not.toContain(TOKEN.slice(i, i + 8));
    }
  });

  test('a plugin printing JSON that is no ExecCredential: one line naming the exec plugin, quoting none of it', async () => {
    const server = await startServer(authenticating, { tls });
    for (const [name, output] of [
      ['bare', TOKEN],
      ['object', JSON.stringify({ token: TOKEN })],
      ['string', JSON.stringify(TOKEN)],
    ] as const) {
      const file = path.join(dir, `not-a-credential-${name}.sh`);
      writeFileSync(file, `#!/bin/sh\necho '${output}'\n`);
      chmodSync(file, 0o755);
      const user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: file, interactiveMode: 'Never' } };
      const client = await localClient(localKubeConfig(server.url, user, tls.cert));
      const error = await rejection(client.request({ method: 'GET', path: '/api' }));
      expect(error.message).toBe(
        `The kubeconfig's exec credential plugin '${file}' printed no valid ExecCredential JSON ` +
          '(expected an object of kind ExecCredential with a status.token or client certificate; its output is not shown)',
      );
      expect(describeError(error)).toBe(error.message);
      for (const text of [error.message, inspect(error, { depth: 6 })]) {
        for (let i = 0; i + 8 <= TOKEN.length; i++) expect(text).not.toContain(TOKEN.slice(i, i + 8));
      }
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('listWatch against a scripted local server', () => {
  type Script = (res: http.ServerResponse, seen: Seen) => void | Promise<void>;

  const cm = (name: string, rv: string, v = '1'): KubeObject =>
    ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'ns', resourceVersion: rv },
      data: { v },
    }) as KubeObject;
  const line = (res: http.ServerResponse, event: unknown): boolean => res.write(`${JSON.stringify(event)}\n`);
  const startWatch = (res: http.ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders(); // like the API server: headers at once, events later
  };
  /** Keeps a watch open until the client goes away. */
  const holdOpen = (res: http.ServerResponse): Promise<void> => new Promise((resolve) => res.on('close', resolve));

  /** A server answering LISTs with `lists[i]` and the i-th WATCH with `watches[i]` (later ones: held open). */
  async function scripted(
    lists: Array<{ rv: string; items: KubeObject[] }>,
    watches: Script[],
  ): Promise<{ server: LocalServer; watchQueries: () => Array<Record<string, string>>; listCount: () => number }> {
    let listIndex = 0;
    let watchIndex = 0;
    const server = await startServer(async (_req, res, seen) => {
      if (seen.query.get('watch') !== 'true') {
        const list = lists[Math.min(listIndex++, lists.length - 1)]!;
        return sendJson(res, 200, { kind: 'ConfigMapList', metadata: { resourceVersion: list.rv }, items: list.items });
      }
      const script = watches[watchIndex++];
      if (script) return script(res, seen);
      startWatch(res);
      await holdOpen(res);
    });
    return {
      server,
      watchQueries: () =>
        server.requests.filter((r) => r.query.get('watch') === 'true').map((r) => Object.fromEntries(r.query)),
      listCount: () => server.requests.filter((r) => r.query.get('watch') !== 'true').length,
    };
  }

  /** Runs the loop against `server` until `until` holds, then aborts it; returns what it saw. */
  async function run(
    server: LocalServer,
    until: (seen: { events: string[]; syncs: string[][]; connection: string[] }) => boolean,
    onEvent?: (type: WatchEventType, o: KubeObject) => void,
    timeoutSeconds = 60,
    waitMs = 30_000,
  ): Promise<{
    stats: ListWatchStats;
    events: string[];
    syncs: string[][];
    connection: string[];
    logger: MemoryLogger;
  }> {
    const seen = { events: [] as string[], syncs: [] as string[][], connection: [] as string[] };
    const abort = new AbortController();
    const logger = new MemoryLogger();
    const client = await localClient(localKubeConfig(server.url));
    const loop = listWatch(
      {
        path: '/api/v1/namespaces/ns/configmaps',
        labelSelector: 'app=x',
        timeoutSeconds,
        signal: abort.signal,
        clock: systemClock,
        logger,
        onSync: (items) => seen.syncs.push(items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)),
        onEvent: (type, o) => {
          seen.events.push(`${type} ${o.metadata.name}@${o.metadata.resourceVersion}`);
          onEvent?.(type, o);
        },
        onConnection: (state, detail) => seen.connection.push(`${state}: ${detail}`),
      },
      client,
    );
    try {
      await waitFor('the scripted watch to play out', async () => until(seen), {
        timeoutMs: waitMs,
        describe: () => JSON.stringify(seen),
      });
    } finally {
      abort.abort();
    }
    const stats = await within(loop, 15_000, 'listWatch after abort');
    return { stats, ...seen, logger };
  }

  test('resumes from the last resourceVersion (bookmarks included) after the server closes the watch', async () => {
    let secondClosed = false;
    const { server, watchQueries, listCount } = await scripted(
      [{ rv: '100', items: [cm('a', '90')] }],
      [
        (res) => {
          startWatch(res);
          line(res, { type: 'ADDED', object: cm('b', '101') });
          line(res, { type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '105' } } });
          res.end(); // the server's timeoutSeconds ran out
        },
        async (res) => {
          startWatch(res);
          line(res, { type: 'MODIFIED', object: cm('b', '106', '2') });
          await holdOpen(res);
          secondClosed = true;
        },
      ],
    );
    const result = await run(server, (s) => s.events.length >= 2);
    expect(result.syncs).toEqual([['a@90']]);
    expect(result.events).toEqual(['ADDED b@101', 'MODIFIED b@106']);
    expect(watchQueries()).toEqual([
      {
        watch: 'true',
        resourceVersion: '100',
        allowWatchBookmarks: 'true',
        timeoutSeconds: '60',
        labelSelector: 'app=x',
      },
      {
        watch: 'true',
        resourceVersion: '105',
        allowWatchBookmarks: 'true',
        timeoutSeconds: '60',
        labelSelector: 'app=x',
      },
    ]);
    expect(listCount()).toBe(1);
    expect(result.stats).toEqual({ lists: 1, watches: 2, reconnects: 0, relistsOn410: 0 });
    expect(result.connection).toEqual([]);
    // the abort closed the watch that was still open
    await waitFor('the open watch to be closed by the abort', async () => secondClosed, { timeoutMs: 10_000 });
  });

  test('resumes from the last event after the connection drops in the middle of a watch', async () => {
    const delivered = deferred();
    const { server, watchQueries, listCount } = await scripted(
      [{ rv: '100', items: [] }],
      [
        async (res) => {
          startWatch(res);
          line(res, { type: 'ADDED', object: cm('b', '101') });
          await delivered.promise;
          res.socket?.destroy(); // no terminating chunk: an abrupt loss
        },
        async (res) => {
          startWatch(res);
          line(res, { type: 'DELETED', object: cm('b', '102') });
          await holdOpen(res);
        },
      ],
    );
    const result = await run(
      server,
      (s) => s.events.length >= 2,
      () => delivered.resolve(),
    );
    expect(result.events).toEqual(['ADDED b@101', 'DELETED b@102']);
    expect(watchQueries().map((q) => q.resourceVersion)).toEqual(['100', '101']);
    expect(listCount()).toBe(1);
    expect(result.stats).toMatchObject({ lists: 1, watches: 2, relistsOn410: 0 });
  });

  test.each([
    [
      'an ERROR event with code 410',
      (res: http.ServerResponse): void => {
        startWatch(res);
        line(res, { type: 'ADDED', object: cm('b', '101') });
        line(res, {
          type: 'ERROR',
          object: status(410, 'Expired', 'too old resource version: 101 (150)'),
        });
        res.end();
      },
      ['ADDED b@101'],
    ],
    [
      'an HTTP 410 answer',
      (res: http.ServerResponse): void => sendJson(res, 410, status(410, 'Gone', 'too old resource version')),
      [],
    ],
  ])('relists on %s and watches from the new list', async (_name, gone, before) => {
    const { server, watchQueries, listCount } = await scripted(
      [
        { rv: '100', items: [cm('a', '90')] },
        { rv: '200', items: [cm('a', '90'), cm('b', '150')] },
      ],
      [gone],
    );
    const result = await run(server, (s) => s.syncs.length >= 2 && watchQueries().length >= 2);
    expect(result.syncs).toEqual([['a@90'], ['a@90', 'b@150']]);
    expect(result.events).toEqual(before);
    expect(watchQueries().map((q) => q.resourceVersion)).toEqual(['100', '200']);
    expect(listCount()).toBe(2);
    expect(result.stats).toMatchObject({ lists: 2, watches: 2, relistsOn410: 1, reconnects: 0 });
  });

  test('a refused watch is reported once as lost, retried from the same resourceVersion, then restored', async () => {
    const { server, watchQueries, listCount } = await scripted(
      [{ rv: '100', items: [] }],
      [
        (res) => sendJson(res, 500, status(500, 'InternalError', 'etcdserver: leader changed\nretry later')),
        (res) => sendText(res, 503, 'no healthy upstream'),
        async (res) => {
          startWatch(res);
          line(res, { type: 'ADDED', object: cm('c', '120') });
          await holdOpen(res);
        },
      ],
    );
    const result = await run(server, (s) => s.events.length >= 1);
    expect(result.connection).toEqual([
      'lost: Kubernetes API 500: etcdserver: leader changed',
      'restored: /api/v1/namespaces/ns/configmaps',
    ]);
    expect(watchQueries().map((q) => q.resourceVersion)).toEqual(['100', '100', '100']);
    expect(listCount()).toBe(1);
    expect(result.events).toEqual(['ADDED c@120']);
    expect(result.stats).toMatchObject({ lists: 1, watches: 3, reconnects: 2, relistsOn410: 0 });
  });

  test('a watch that goes silent (never closed by the server) is given up and resumed from its last resourceVersion', async () => {
    const { server, watchQueries, listCount } = await scripted(
      [{ rv: '100', items: [] }],
      [
        async (res) => {
          startWatch(res);
          line(res, { type: 'ADDED', object: cm('b', '101') });
          await holdOpen(res); // a dead peer: nothing more, no close
        },
        async (res) => {
          startWatch(res);
          line(res, { type: 'MODIFIED', object: cm('b', '102') });
          await holdOpen(res);
        },
      ],
    );
    // timeoutSeconds 1: the client-side watchdog gives up 15 s after the server should have closed
    const result = await run(server, (s) => s.events.length >= 2, undefined, 1, 60_000);
    expect(result.events).toEqual(['ADDED b@101', 'MODIFIED b@102']);
    expect(watchQueries().map((q) => [q.resourceVersion, q.timeoutSeconds])).toEqual([
      ['100', '1'],
      ['101', '1'],
    ]);
    expect(listCount()).toBe(1);
    expect(result.stats).toMatchObject({ lists: 1, watches: 2, relistsOn410: 0 });
  });

  test('a list that cannot reach the server is retried; the loss names the server', async () => {
    let lists = 0;
    const server = await startServer(async (req, res, seen) => {
      if (seen.query.get('watch') !== 'true') {
        if (++lists === 1) return void req.socket.destroy();
        return sendJson(res, 200, { metadata: { resourceVersion: '7' }, items: [cm('a', '7')] });
      }
      startWatch(res);
      await holdOpen(res);
    });
    const result = await run(server, (s) => s.syncs.length >= 1);
    expect(result.connection).toHaveLength(2);
    expect(result.connection[0]).toMatch(
      new RegExp(
        `^lost: Cannot reach the Kubernetes API server at http://127\\.0\\.0\\.1:${server.port} \\(GET /api/v1/namespaces/ns/configmaps\\): `,
      ),
    );
    expect(result.connection[1]).toBe('restored: /api/v1/namespaces/ns/configmaps');
    expect(result.syncs).toEqual([['a@7']]);
    expect(result.stats).toMatchObject({ lists: 1, reconnects: 1 });
  });
});

describe('the health gate through the service proxy shares one client', () => {
  test('attempts reuse the connections: at most one per path probed side by side, not one per attempt', async () => {
    const { run } = await import('../../src/actions/health-gate/run.js');
    const { Inputs, fromRecord } = await import('../../src/lib/runtime/inputs.js');
    const server = await startServer((_req, res, seen) =>
      seen.path.startsWith('/api/v1/namespaces/phlo/services/web:http/proxy/')
        ? sendText(res, 200, 'ok')
        : sendJson(res, 404, status(404, 'NotFound', 'not found')),
    );
    const kubeconfig = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: STATIC_TOKEN } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'u' } }],
      'current-context': 'local',
    });
    const outputs: Record<string, string> = {};
    const logger = new MemoryLogger();
    await run({
      inputs: new Inputs(
        fromRecord({
          service: 'phlo/web:http',
          paths: '/health\n/ready',
          'consecutive-successes': '3',
          interval: '50ms',
          'kubeconfig-content': kubeconfig,
        }),
      ),
      logger,
      setOutput: (name, value) => void (outputs[name] = String(value)),
      setSecret: () => undefined,
      summary: () => undefined,
      saveState: () => undefined,
      getState: () => '',
    });
    expect(outputs.healthy).toBe('true');
    expect(server.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/namespaces/phlo/services/web:http/proxy/health',
        '/api/v1/namespaces/phlo/services/web:http/proxy/ready',
      ]),
    );
    expect(server.requests).toHaveLength(6);
    // the two paths are probed side by side (two sockets at most); a client per attempt would open six
    expect(server.connections()).toBeLessThanOrEqual(2);
    // the action closed its client when it was done
    await waitFor('the connection to close', async () => server.open() === 0, { timeoutMs: 10_000 });
  });
});
