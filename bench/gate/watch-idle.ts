/**
 * Does @kubernetes/client-node's Watch abort a healthy, idle watch after ~30 s? (Some releases
 * wired an AbortSignal.timeout(30 s) into the watch request: kubernetes-client/javascript#3020.)
 * Opens a client-node Watch and our listWatch on a collection with no events for 45 s and reports
 * whether either connection ended. Run: npx ncc build bench/gate/watch-idle.ts -o build/watch-idle
 * && node build/watch-idle/index.js   (needs the local stack)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { loadKubeConfig } from '../../src/lib/kube/config.js';
import { listWatch } from '../../src/lib/kube/watch.js';
import { withKubeClient } from '../../src/lib/kube/client.js';
import { systemClock } from '../../src/lib/runtime/clock.js';
import { MemoryLogger } from '../../src/lib/runtime/logger.js';

const env = readFileSync(join(process.cwd(), '.stack', 'env'), 'utf8');
const kubeconfig = /^KUBECONFIG=(.*)$/m.exec(env)![1]!;
const kc = loadKubeConfig({ kind: 'file', path: kubeconfig });
const path = '/api/v1/namespaces/default/configmaps';
const fieldSelector = 'metadata.name=phlo-no-such-configmap';
const holdMs = Number(process.env.HOLD_MS ?? 45_000);
const t0 = performance.now();

let clientNodeDone: string | undefined;
const controller = await new Watch(kc).watch(
  path,
  { fieldSelector },
  () => undefined,
  (err) => {
    clientNodeDone = `${((performance.now() - t0) / 1000).toFixed(1)} s: ${err ? String(err) : 'closed without error'}`;
  },
);

const abort = new AbortController();
let lost = 0;
const ours = withKubeClient(kc, (client) =>
  listWatch(
    {
      path,
      fieldSelector,
      timeoutSeconds: 300,
      signal: abort.signal,
      clock: systemClock,
      logger: new MemoryLogger(),
      onSync: () => undefined,
      onEvent: () => undefined,
      onConnection: (s) => {
        if (s === 'lost') lost++;
      },
    },
    client,
  ),
);
await new Promise((r) => setTimeout(r, holdMs));
const endedOnItsOwn = clientNodeDone;
controller.abort();
abort.abort();
const stats = await ours;
console.log(
  `client-node Watch after ${holdMs / 1000} s idle: ${endedOnItsOwn ? `ENDED by itself at ${endedOnItsOwn}` : 'still open (not aborted); closed by us afterwards'}`,
);
console.log(`our listWatch: ${stats.watches} watch request(s), ${lost} connection loss(es), ${stats.lists} list(s)`);
