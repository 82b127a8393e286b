import { runAction } from '../../runner/index.js';
import { run } from './post-run.js';
await runAction('push-ecr post', run);
