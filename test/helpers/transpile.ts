/**
 * Turns a TypeScript entry file and the relative modules it imports into plain ESM JavaScript under
 * `<repo>/build/<name>/` (mirroring the repository's folders, so bare imports resolve from the
 * repository's node_modules), without type checking: a second or so, where an ncc bundle takes a
 * minute on a busy machine. For tests that run our code as a separate process.
 *
 *   const script = transpileForNode('test/helpers/lake-child.ts', 'test-lake-child');
 *   spawn(process.execPath, [script]);
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './stack.js';

/** Returns the path of the entry's JavaScript. */
export function transpileForNode(entry: string, name: string): string {
  const out = join(repoRoot, 'build', name);
  const seen = new Set<string>();
  const queue = [resolve(repoRoot, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      queue.push(resolve(dirname(file), `${m[1]}.ts`));
    }
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(out, relative(repoRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return join(out, entry).replace(/\.ts$/, '.js');
}
