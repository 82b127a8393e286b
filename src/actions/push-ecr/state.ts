import type { ActionContext } from '../../lib/runtime/context.js';
/** push-ecr's post-step state keys, in one place. */
export const STATE = {
  /** The private DOCKER_CONFIG directory the post step logs out of and deletes. */
  dockerConfig: 'docker-config',
  /** The registry host docker logged in to. */
  registry: 'registry',
} as const;

/**
 * Records the private docker config dir (and registry) in the step's state, before login writes
 * credentials there: the post step removes it whatever happens next. The deploy pipeline records it
 * the same way, under push-ecr's prefix.
 */
export function recordDockerConfig(ctx: Pick<ActionContext, 'saveState'>): (dir: string, registry: string) => void {
  return (dir, registry) => {
    ctx.saveState(STATE.dockerConfig, dir);
    ctx.saveState(STATE.registry, registry);
  };
}
