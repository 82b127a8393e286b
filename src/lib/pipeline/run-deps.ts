/**
 * The one shape of what a step's `run(ctx, deps)` takes besides its context: every field has a default
 * (`runDeps`), so an entry point passes nothing, the CLI nothing, the deploy pipeline what it shares
 * (through the stage kit: one Kubernetes client per kubeconfig, the git facts, an Exec it watches), and
 * tests what they record.
 */
import type { Exec } from '../runtime/exec.js';
import { spawnExec } from '../runtime/exec.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { gitFacts, type GitFacts, type GitFactsOptions } from '../image/git.js';
import type { KubeClients } from '../kube/clients.js';

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

/**
 * `given` filled in with `defaults`, then the process's own. A step that talks to the cluster passes
 * `{ kube: ownClients() }` as its default (statically imported, so its bundle stays one file); for any
 * other step asking for a client is a bug.
 */
export function runDeps(given: Partial<RunDeps> = {}, defaults: Partial<RunDeps> = {}): RunDeps {
  given = { ...defaults, ...given };
  return {
    exec: given.exec ?? spawnExec,
    clock: given.clock ?? systemClock,
    env: given.env ?? process.env,
    cwd: given.cwd ?? process.cwd(),
    kube:
      given.kube ??
      (async () => {
        throw new Error('this step was given no Kubernetes client');
      }),
    gitFacts: given.gitFacts ?? gitFacts,
  };
}
