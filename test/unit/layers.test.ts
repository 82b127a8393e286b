/**
 * No import cycles between src/lib folders: the allowed dependencies (eslint-rules/layers.js) form no
 * cycle, the code's own import graph stays inside them, and the ESLint rule reports a loop.
 */
import { expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/action-runner.js';

const LIB = join(repoRoot, 'src', 'lib');

async function layers(): Promise<Record<string, string[]>> {
  const mod = (await import(pathToFileURL(join(repoRoot, 'eslint-rules', 'layers.js')).href)) as {
    LIB_LAYERS: Record<string, string[]>;
  };
  return mod.LIB_LAYERS;
}

/** A cycle in a graph of folders, as a path that comes back to its start, or undefined. */
function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/** Folder → folders it imports, from every static import, re-export and literal import() in src/lib. */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = (readdirSync(LIB, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const from = file.split(sep)[0]!;
    const text = readFileSync(join(LIB, file), 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(LIB, resolve(dirname(join(LIB, file)), match[1]!));
      const to = target.split(sep)[0]!;
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

test('findCycle finds a loop and passes a tree', () => {
  expect(
    findCycle(
      new Map([
        ['a', new Set(['b'])],
        ['b', new Set(['c'])],
        ['c', new Set(['a'])],
      ]),
    ),
  ).toEqual(['a', 'b', 'c', 'a']);
  expect(
    findCycle(
      new Map([
        ['a', new Set(['b', 'c'])],
        ['b', new Set(['c'])],
        ['c', new Set()],
      ]),
    ),
  ).toBeUndefined();
});

test('the allowed dependencies between src/lib folders have no cycle and name every folder', async () => {
  const allowed = await layers();
  expect(findCycle(new Map(Object.entries(allowed).map(([k, v]) => [k, new Set(v)])))).toBeUndefined();
  const folders = readdirSync(LIB, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  expect(folders.filter((f) => !(f in allowed))).toEqual([]);
});

test("src/lib's import graph has no cycle between folders and stays inside the allowed dependencies", async () => {
  const graph = importGraph();
  expect(findCycle(graph)).toBeUndefined();
  const allowed = await layers();
  const outside = [...graph].flatMap(([from, tos]) =>
    [...tos].filter((to) => !(allowed[from] ?? []).includes(to)).map((to) => `${from} → ${to}`),
  );
  expect(outside).toEqual([]);
});

test('ESLint reports an import that would close a loop, and @actions/* outside the runner and lib/github', async () => {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: repoRoot });
  const lint = async (file: string, code: string) =>
    (await eslint.lintText(code, { filePath: join(repoRoot, file) })).flatMap((r) => r.messages);
  expect(await lint('src/lib/kube/loop.ts', "export { runRolloutGate } from '../gates/gate.js';\n")).toEqual([
    expect.objectContaining({
      ruleId: 'phlo/lib-layers',
      message: expect.stringContaining('src/lib/kube may not import src/lib/gates'),
    }),
  ]);
  const lazy = await lint('src/lib/manifests/lazy.ts', "export const load = () => import('../kube/client.js');\n");
  expect(lazy.map((m) => m.ruleId)).toEqual(['phlo/lib-layers']);
  const core = await lint(
    'src/actions/apply/core.ts',
    "import * as core from '@actions/core';\nexport const c = core;\n",
  );
  expect(core.map((m) => m.ruleId)).toEqual(['no-restricted-imports']);
  expect(await lint('src/runner/core.ts', "import * as core from '@actions/core';\nexport const c = core;\n")).toEqual(
    [],
  );
  expect(await lint('src/lib/gates/fine.ts', "export { refKey } from '../objects/types.js';\n")).toEqual([]);
});
