import type { ActionContext } from '../../lib/runtime/context.js';
import { stagePost } from './stages.js';

/** The root action's post step: the stages' own post steps (push-ecr's registry logout). */
export async function run(ctx: ActionContext): Promise<void> {
  await stagePost(ctx);
}
