import { runAction } from '../../runner/index.js';
import { run } from './run.js';
await runAction('cutover', run);
