/**
 * Loading a kubeconfig explicitly. `KubeConfig.loadFromDefault()` silently falls back to
 * localhost:8080 when nothing is configured; a deploy tool must instead fail loudly and say where
 * it looked.
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { ConfigurationError } from '../runtime/errors.js';

export { resolveKubeconfigSource, type KubeconfigSettings, type KubeconfigSource } from './source.js';
import { KUBECONFIG_INPUTS, type KubeconfigSource } from './source.js';

/** Loads a KubeConfig and checks it names a current cluster with a server. */
export function loadKubeConfig(source: KubeconfigSource): KubeConfig {
  const kc = new KubeConfig();
  const names = source.names ?? KUBECONFIG_INPUTS;
  try {
    switch (source.kind) {
      case 'in-cluster':
        kc.loadFromCluster();
        break;
      case 'inline':
        kc.loadFromString(source.content);
        break;
      case 'file':
        if (!existsSync(source.path)) {
          throw new ConfigurationError(
            `Kubeconfig file '${source.path}' does not exist: check input '${names.file}' or KUBECONFIG.`,
          );
        }
        kc.loadFromFile(source.path);
        break;
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `The kubeconfig could not be read (${source.kind === 'file' ? source.path : source.kind}): ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (source.kind !== 'in-cluster' && source.context) {
    if (!kc.getContexts().some((c) => c.name === source.context)) {
      throw new ConfigurationError(
        `Input '${names.context}' is '${source.context}': the kubeconfig has contexts ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || '(none)'
        }.`,
      );
    }
    kc.setCurrentContext(source.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new ConfigurationError(
      `The kubeconfig has no current cluster with a server address: set current-context or input '${names.context}'.`,
    );
  }
  return kc;
}
