/**
 * The committed bundle's module factories are parenthesised (scripts/build.mjs, eagerModules): V8
 * compiles a parenthesised function with its script, so Node's compile cache (dist/compile-cache.js),
 * made right after a file is compiled, holds their bytecode, and a run does not compile again every
 * factory it calls. dist/ is built from the sources (CI checks it), so this checks the build step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'acorn';
import { repoRoot } from '../helpers/action-runner.js';

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** The functions of every module table (an object literal with numeric keys and function values). */
function factories(code: string): Node[] {
  const found: Node[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof (node as Node).type !== 'string') return;
    const n = node as Node;
    const props = n.type === 'ObjectExpression' ? (n.properties as Array<{ key: Node; value: Node }>) : [];
    if (
      props.length > 0 &&
      props.every(
        (p) =>
          p.key?.type === 'Literal' &&
          typeof p.key.value === 'number' &&
          /^(Arrow)?FunctionExpression$/.test(p.value?.type ?? ''),
      )
    )
      found.push(...props.map((p) => p.value));
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  return found;
}

describe('dist/: module factories compiled with their file', () => {
  const dist = path.join(repoRoot, 'dist');
  const files = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'cli.js' && f !== 'compile-cache.js');

  test('every module factory of every bundle file is parenthesised', () => {
    let count = 0;
    const bare: string[] = [];
    for (const file of files) {
      const code = readFileSync(path.join(dist, file), 'utf8');
      for (const f of factories(code)) {
        count++;
        if (code[f.start - 1] !== '(' || code[f.end] !== ')') bare.push(`${file}@${f.start}`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(bare.slice(0, 10)).toEqual([]);
  });
});
