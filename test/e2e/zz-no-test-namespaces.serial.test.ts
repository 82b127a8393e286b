/**
 * Runs last (scripts/test.sh sorts zz-* files to the end of the serial group): after the whole suite
 * the shared stack holds no namespace a test made, so a later run, `npm run demo` and drift checks
 * see only what they deployed themselves. Allowed are the stack's own namespaces and the ones the
 * demo deploys (declared in k8s/ and examples/k8s/); a namespace being deleted gets two minutes to go.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { kubeConfig, repoRoot, TEST_NAMESPACE_LABEL, waitFor } from '../helpers/stack.js';

const STACK_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'phlo-system'];

/** Names of the Namespace objects declared under a folder of manifests. */
function declaredNamespaces(dir: string): string[] {
  const names: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) {
        for (const doc of readFileSync(p, 'utf8').split(/^---$/m)) {
          const o = load(doc) as { kind?: string; metadata?: { name?: string } } | undefined;
          if (o?.kind === 'Namespace' && o.metadata?.name) names.push(o.metadata.name);
        }
      }
    }
  };
  walk(dir);
  return names;
}

test('the stack holds no namespace a test made', async () => {
  const allowed = new Set([
    ...STACK_NAMESPACES,
    ...declaredNamespaces(join(repoRoot, 'k8s')),
    ...declaredNamespaces(join(repoRoot, 'examples', 'k8s')),
  ]);
  expect(allowed).toContain('phlo-example'); // the manifests were read
  const core = kubeConfig().makeApiClient(CoreV1Api);
  let left: string[] = [];
  const leftovers = async (): Promise<string[]> =>
    (await core.listNamespace()).items
      .filter((n) => !allowed.has(n.metadata!.name!) || n.metadata?.labels?.[TEST_NAMESPACE_LABEL] === 'true')
      .map((n) => `${n.metadata!.name} (${n.status?.phase})`);
  await waitFor(
    'the test namespaces to be gone',
    async () => {
      left = await leftovers();
      // Only namespaces already being deleted may still be there while we wait.
      if (left.some((n) => !n.endsWith('(Terminating)'))) return true;
      return left.length === 0;
    },
    { timeoutMs: 120_000, intervalMs: 1_000 },
  ).catch(() => undefined);
  expect(left).toEqual([]);
});
