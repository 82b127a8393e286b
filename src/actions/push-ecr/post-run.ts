import { cleanupDockerConfig } from '../../lib/docker/docker.js';
import type { ActionContext } from '../../lib/runtime/context.js';
import { STATE } from './state.js';

/** The post step: log out of the registry and delete the private docker config directory. */
export async function run(ctx: ActionContext): Promise<void> {
  const dir = ctx.getState(STATE.dockerConfig);
  if (!dir) {
    ctx.logger.info('No docker config directory was created; nothing to clean up');
    return;
  }
  await cleanupDockerConfig(dir, ctx.getState(STATE.registry) || undefined, ctx.logger);
}
