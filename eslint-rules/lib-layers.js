/**
 * ESLint rule `phlo/lib-layers`: an import from one src/lib folder into another must be allowed by
 * LIB_LAYERS (eslint-rules/layers.js), which keeps the folders free of import cycles; src/lib never
 * imports the actions, the runner adapter or the CLI. Static imports, re-exports and `import()` with
 * a literal path are all checked.
 */
import path from 'node:path';
import { LIB_LAYERS } from './layers.js';

const LIB = `${path.sep}src${path.sep}lib${path.sep}`;
const SRC = `${path.sep}src${path.sep}`;

function folderOf(file) {
  const at = file.lastIndexOf(LIB);
  if (at < 0) return undefined;
  return file.slice(at + LIB.length).split(path.sep)[0];
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'src/lib folders import only the folders below them (no cycles between folders)' },
    schema: [],
    messages: {
      notAllowed:
        'src/lib/{{from}} may not import src/lib/{{to}} (allowed: {{allowed}}). A loop between folders, or a new dependency: see eslint-rules/layers.js.',
      unknown: 'src/lib/{{from}} is not in eslint-rules/layers.js: add it with the folders it may import.',
      upward: 'src/lib may not import {{to}}: lib code takes ports, it does not call the adapters.',
    },
  },
  create(context) {
    const file = context.filename ?? context.getFilename();
    const from = folderOf(file);
    if (!from) return {};
    const allowed = LIB_LAYERS[from];
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const to = folderOf(target);
      if (to === undefined) {
        const src = target.lastIndexOf(SRC);
        if (src >= 0) context.report({ node, messageId: 'upward', data: { to: target.slice(src + 1) } });
        return;
      }
      if (to === from) return;
      if (!allowed) {
        context.report({ node, messageId: 'unknown', data: { from } });
        return;
      }
      if (!allowed.includes(to))
        context.report({ node, messageId: 'notAllowed', data: { from, to, allowed: allowed.join(', ') || 'none' } });
    };
    const literal = (node) => (node && node.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, literal(node.source)),
      ExportNamedDeclaration: (node) => node.source && check(node, literal(node.source)),
      ExportAllDeclaration: (node) => check(node, literal(node.source)),
      ImportExpression: (node) => check(node, literal(node.source)),
    };
  },
};
