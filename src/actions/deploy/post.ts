import { runAction } from '../../runner/index.js';
import { run } from './post-run.js';
await runAction('phlo-deploy post', run);
