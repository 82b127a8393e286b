/**
 * Where the kubeconfig comes from, decided from the inputs and the environment without loading it —
 * so settings can be checked without the Kubernetes client's code (config.ts loads it).
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';

/** The kubeconfig inputs' names as the user wrote them (the pipeline prefixes some), for messages. */
export interface KubeconfigInputNames {
  file: string;
  content: string;
  context: string;
}

export const KUBECONFIG_INPUTS: KubeconfigInputNames = {
  file: 'kubeconfig',
  content: 'kubeconfig-content',
  context: 'context',
};

export type KubeconfigSource = (
  | { kind: 'file'; path: string; context?: string }
  | { kind: 'inline'; content: string; context?: string }
  | { kind: 'in-cluster' }
) & { names?: KubeconfigInputNames };

export interface KubeconfigSettings {
  /** Path to a kubeconfig file (input `kubeconfig`), else $KUBECONFIG. */
  file?: string;
  /** The kubeconfig itself (input `kubeconfig-content`), e.g. from a secret. */
  content?: string;
  context?: string;
  /** Use the pod's service account (input `in-cluster: true`). */
  inCluster?: boolean;
  names?: KubeconfigInputNames;
}

/**
 * Inputs 'kubeconfig', 'kubeconfig-content' and 'context', read the same way by every action that
 * talks to the cluster; the content is masked before anything else can print it.
 */
export function readKubeconfigInputs(inputs: Inputs, mask: (secret: string) => void): KubeconfigSettings {
  mask(inputs.raw('kubeconfig-content'));
  return {
    file: inputs.optional('kubeconfig'),
    content: inputs.optional('kubeconfig-content'),
    context: inputs.optional('context'),
    names: {
      file: inputs.name('kubeconfig'),
      content: inputs.name('kubeconfig-content'),
      context: inputs.name('context'),
    },
  };
}

export function resolveKubeconfigSource(
  settings: KubeconfigSettings,
  env: NodeJS.ProcessEnv = process.env,
): KubeconfigSource {
  const names = settings.names ? { names: settings.names } : {};
  if (settings.inCluster) return { kind: 'in-cluster', ...names };
  if (settings.content) return { kind: 'inline', content: settings.content, context: settings.context, ...names };
  const file = settings.file || env.KUBECONFIG?.split(':')[0];
  if (file) return { kind: 'file', path: file, context: settings.context, ...names };
  const n = settings.names ?? KUBECONFIG_INPUTS;
  throw new ConfigurationError(
    `No Kubernetes cluster configured: set input '${n.file}' (a path), '${n.content}', or the ` +
      'KUBECONFIG environment variable (e.g. after `aws eks update-kubeconfig`).',
  );
}
