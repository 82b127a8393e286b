/**
 * The one shape of what a step's `run(ctx, deps)` takes besides its context: every field has a default
 * (`runDeps`), so an entry point passes nothing, the CLI nothing, the deploy pipeline what it shares
 * (one Kubernetes client per kubeconfig, the git facts, an Exec it watches), and tests what they record.
 */
import type { Exec } from '../lib/runtime/exec.js';
import { spawnExec } from '../lib/runtime/exec.js';
import { systemClock, type Clock } from '../lib/runtime/clock.js';
import type { GitFacts, GitFactsOptions } from '../lib/image/git.js';
import type { KubeClients } from '../lib/kube/clients.js';

export interface RunDeps {
  /** How programs (git, docker, trivy) run. */
  exec: Exec;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where Kubernetes clients come from: by default a client per call, closed when released. */
  kube: KubeClients;
  /** Which commit, which ref (the pipeline shares one answer between stages). */
  gitFacts: (options: GitFactsOptions) => Promise<GitFacts>;
}

export function runDeps(given: Partial<RunDeps> = {}): RunDeps {
  return {
    exec: given.exec ?? spawnExec,
    clock: given.clock ?? systemClock,
    env: given.env ?? process.env,
    cwd: given.cwd ?? process.cwd(),
    // Loaded when first asked for: a step that never talks to the cluster never loads the client.
    kube:
      given.kube ?? (async (source, options) => (await import('../lib/kube/clients.js')).ownClients(options)(source)),
    gitFacts: given.gitFacts ?? (async (options) => (await import('../lib/image/git.js')).gitFacts(options)),
  };
}
