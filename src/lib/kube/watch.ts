/**
 * The list-watch loop the gates are built on: it resumes from the last resourceVersion, relists on
 * 410 Gone and reconnects with backoff when the API server goes away (a restart in the middle of a
 * gate must not change the verdict). Requests, errors and types are the KubeClient's (client.ts).
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
 */
import type * as http from 'node:http';
import { createInterface } from 'node:readline';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { describeError } from '../runtime/errors.js';
import { KubeApiError, type KubeClient, type KubeList, type KubeObject, type KubeStatus } from './client.js';

/** A LIST that has not answered by then is taken for a lost connection (the loop lists again). */
const LIST_TIMEOUT_MS = 30_000;

/** The abort reason used when a watch is stopped on purpose. */
export const STOPPED = new Error('watch stopped');

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListWatchOptions {
  /** Collection path, e.g. /apis/apps/v1/namespaces/ns/deployments. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Server-side watch timeout; the loop resumes after each (default 60 s). */
  timeoutSeconds?: number;
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
  /** After each (re)list: the complete current set. */
  onSync(items: KubeObject[]): void;
  /** Each change after the list. */
  onEvent(type: WatchEventType, object: KubeObject): void;
  /** Called when the connection is lost or restored (for logs and tests). */
  onConnection?(state: 'lost' | 'restored', detail: string): void;
}

export interface ListWatchStats {
  lists: number;
  watches: number;
  reconnects: number;
  relistsOn410: number;
}

/**
 * Runs list → watch → (resume | relist) until `signal` aborts. Never throws for transport errors:
 * it reconnects with capped exponential backoff. Resolves when aborted.
 */
export async function listWatch(options: ListWatchOptions, client: KubeClient): Promise<ListWatchStats> {
  const { signal, clock, logger } = options;
  const stats: ListWatchStats = { lists: 0, watches: 0, reconnects: 0, relistsOn410: 0 };
  let resourceVersion = '';
  let backoffMs = 0;
  let lost = false;
  const timeoutSeconds = options.timeoutSeconds ?? 60;

  const failed = async (error: unknown): Promise<void> => {
    if (signal.aborted) return;
    stats.reconnects += 1;
    backoffMs = Math.min(backoffMs ? backoffMs * 2 : 100, 3_000);
    if (!lost) {
      lost = true;
      options.onConnection?.('lost', describeError(error));
      logger.debug(`watch ${options.path}: ${describeError(error)}; reconnecting`);
    }
    const jitter = Math.round(Math.random() * backoffMs * 0.2);
    await clock.sleep(backoffMs + jitter, signal).catch(() => undefined);
  };
  const restored = (): void => {
    backoffMs = 0;
    if (lost) {
      lost = false;
      options.onConnection?.('restored', options.path);
    }
  };

  while (!signal.aborted) {
    if (!resourceVersion) {
      try {
        const list = await client.request<KubeList>({
          method: 'GET',
          path: options.path,
          query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
          signal,
          timeoutMs: LIST_TIMEOUT_MS,
        });
        stats.lists += 1;
        resourceVersion = list.metadata?.resourceVersion ?? '';
        restored();
        options.onSync(list.items ?? []);
      } catch (error) {
        if (signal.aborted) break;
        await failed(error);
        continue;
      }
    }
    // Watch from resourceVersion until the server closes, the connection drops, or 410.
    // Stopping destroys the request directly rather than through an AbortSignal: Node's abort path
    // costs 15-30 ms the first time it runs (lazy initialisation), and that was right when a gate
    // had its verdict (measured by bench/gate).
    // Before the request exists (credentials still loading: a slow or hung exec plugin) there is
    // nothing to destroy; `giveUp` ends that wait, and a request made after it is destroyed at once.
    let current: http.ClientRequest | undefined;
    let stopped = false;
    let giveUp: (reason: Error) => void = () => undefined;
    const gaveUp = new Promise<never>((_, reject) => (giveUp = reject));
    const stop = (reason: Error): void => {
      stopped = true;
      current?.destroy(reason === STOPPED ? undefined : reason);
      giveUp(reason);
    };
    const onAbort = (): void => stop(STOPPED);
    signal.addEventListener('abort', onAbort, { once: true });
    const watchdog = setTimeout(() => stop(new Error('watch outlived its timeout')), (timeoutSeconds + 15) * 1000);
    watchdog.unref?.();
    try {
      const streaming = client.stream(
        {
          method: 'GET',
          path: options.path,
          query: {
            watch: 'true',
            resourceVersion,
            allowWatchBookmarks: 'true',
            timeoutSeconds,
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
          },
        },
        (req) => {
          current = req;
          if (stopped) req.destroy();
        },
      );
      const res = await Promise.race([streaming, gaveUp]);
      stats.watches += 1;
      if (res.statusCode === 410) {
        res.resume();
        stats.relistsOn410 += 1;
        resourceVersion = '';
        continue;
      }
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        throw KubeApiError.fromResponse(
          res.statusCode ?? 0,
          Buffer.concat(chunks).toString('utf8'),
          'WATCH',
          options.path,
        );
      }
      restored();
      let gone = false;
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line.trim()) continue;
        let event: { type: string; object: KubeObject };
        try {
          event = JSON.parse(line);
        } catch {
          continue;
        }
        if (event.type === 'ERROR') {
          // the object of an ERROR event is a Status
          const status = (event.object ?? {}) as KubeStatus;
          if (status.code === 410) {
            gone = true;
            break;
          }
          throw new KubeApiError(status.code ?? 500, status, 'WATCH', options.path);
        }
        const rv = event.object?.metadata?.resourceVersion;
        if (rv) resourceVersion = rv;
        if (event.type === 'BOOKMARK') continue;
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
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof KubeApiError && error.code === 410) {
        stats.relistsOn410 += 1;
        resourceVersion = '';
        continue;
      }
      await failed(error);
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', onAbort);
    }
  }
  return stats;
}

/** A keyed store fed by listWatch (namespace/name → object). */
export class ObjectStore {
  readonly items = new Map<string, KubeObject>();
  synced = false;
  replace(items: KubeObject[]): void {
    this.items.clear();
    for (const o of items) this.items.set(storeKey(o), o);
    this.synced = true;
  }
  apply(type: WatchEventType, o: KubeObject): void {
    if (type === 'DELETED') this.items.delete(storeKey(o));
    else this.items.set(storeKey(o), o);
  }
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.items.get(`${namespace ?? ''}/${name}`);
  }
  values(): KubeObject[] {
    return [...this.items.values()];
  }
}

function storeKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
