/**
 * Where a step gets its Kubernetes client. A standalone action opens its own and closes it when done;
 * the deploy pipeline shares one per kubeconfig between apply, the gates and the rollback, so an exec
 * credential plugin (on EKS, `aws eks get-token`: a Python start-up each time) runs once a minute for the
 * whole deploy instead of once per stage, and connections and discovery answers carry over.
 */
import { KubeClient } from './client.js';
import { loadKubeConfig } from './config.js';
import type { KubeconfigSource } from './source.js';

/** A client to use, and what to call when done with it (closes it when it was opened for the caller). */
export interface KubeLease {
  readonly client: KubeClient;
  release(): void;
}

/** `options.maxSockets`: the most requests the caller runs at once (a shared pool has its own cap). */
export type KubeClients = (source: KubeconfigSource, options?: { maxSockets?: number }) => Promise<KubeLease>;

/** A new client per call, closed by `release`. */
export function ownClients(defaults: { maxSockets?: number } = {}): KubeClients {
  return async (source, options = defaults) => {
    const client = await KubeClient.create(loadKubeConfig(source), options);
    return { client, release: () => client.close() };
  };
}

/**
 * One client per kubeconfig source for everything that asks, closed by `close()`. `release` does
 * nothing: the owner of the pool closes it. A source that fails to load is not remembered.
 */
export function sharedClients(options: { maxSockets?: number } = {}): { clients: KubeClients; close(): void } {
  const open = new Map<string, Promise<KubeClient>>();
  return {
    clients: async (source) => {
      // the same kubeconfig is one client whatever its inputs are called
      const key = JSON.stringify({ ...source, names: undefined });
      let pending = open.get(key);
      if (!pending) {
        pending = (async () => KubeClient.create(loadKubeConfig(source), options))();
        open.set(key, pending);
        pending.catch(() => open.delete(key));
      }
      return { client: await pending, release: () => undefined };
    },
    close: () => {
      for (const pending of open.values()) pending.then((c) => c.close()).catch(() => undefined);
      open.clear();
    },
  };
}
