// What the CLI prints for a person: outputs as `name: value`, summaries as plain text.
import { editDistance, nearest } from '../../src/cli/args.js';
import { formatOutput, formatOutputs, renderMarkdown } from '../../src/cli/output.js';
import { table } from '../../src/lib/report/markdown.js';

test('short outputs are name: value; long JSON and long lists are described, not dumped', () => {
  const big = JSON.stringify({
    objects: Array.from({ length: 60 }, (_, i) => ({ kind: 'Deployment', name: `w${i}` })),
  });
  expect(formatOutput('created', '3')).toBe('created: 3');
  expect(formatOutput('version', '')).toBe('version:');
  expect(formatOutput('counts', '{"critical":0}')).toBe('counts: {"critical":0}');
  expect(formatOutput('apply-result', big)).toBe(
    `apply-result: (JSON, ${(Buffer.byteLength(big) / 1024).toFixed(1)} KB; use --json)`,
  );
  expect(formatOutput('tags', 'sha-1234567\nv1.2.3')).toBe('tags:\n  sha-1234567\n  v1.2.3');
  expect(formatOutput('list', Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'))).toMatch(
    /^list: \(20 lines, \d+ B; use --json\)$/,
  );
  expect(formatOutput('long', 'x'.repeat(500))).toMatch(/^long: x{160}… \(500 B; use --json\)$/);
  expect(
    formatOutputs(
      new Map([
        ['a', '1'],
        ['b', 'two'],
      ]),
    ),
  ).toBe('a: 1\nb: two\n');
});

test('a summary in a terminal: headings, aligned tables, no Markdown syntax', () => {
  const md = [
    '## phlo-deploy → `local`: ✅ deployed',
    'All **six** workloads rolled out.',
    table(
      ['', ''],
      [
        ['Environment', 'local'],
        ['Image', '`registry/app@sha256:abc`'],
      ],
    ),
    table(
      ['stage', 'status', 'note'],
      [
        ['build-scan', '✅ passed', 'a | b'],
        ['apply', '❌ failed', ''],
      ],
    ),
    '<details><summary>Last log lines of app/main</summary>\n\n```\nboom\n```\n\n</details>',
  ].join('\n\n');
  const text = renderMarkdown(md);
  expect(text).toBe(
    [
      'phlo-deploy → local: ✅ deployed',
      '─'.repeat(32), // the emoji takes two columns
      '',
      'All six workloads rolled out.',
      '',
      '  Environment  local',
      '  Image        registry/app@sha256:abc',
      '',
      '  stage       status     note',
      '  ──────────  ─────────  ─────',
      '  build-scan  ✅ passed  a | b',
      '  apply       ❌ failed',
      '',
      '▸ Last log lines of app/main',
      '',
      '    boom',
    ].join('\n'),
  );
});

test('long code blocks are cut in the terminal summary', () => {
  const code = Array.from({ length: 50 }, (_, i) => `+ line ${i}`).join('\n');
  const text = renderMarkdown(`### apply\n\n\`\`\`diff\n${code}\n\`\`\``);
  expect(text).toContain('    + line 29');
  expect(text).not.toContain('+ line 30');
  expect(text).toContain('… 20 more lines (in the log above)');
});

test('suggestions: the closest name when it is close, none when nothing is', () => {
  expect(editDistance('dryrun', 'dry-run')).toBe(1);
  expect(editDistance('teh', 'the')).toBe(1);
  expect(nearest('dryrun', ['dry-run', 'prune'])).toBe('dry-run');
  expect(nearest('DRY_RUN', ['dry-run', 'prune'])).toBe('dry-run');
  expect(nearest('manifest', ['manifests', 'environment'])).toBe('manifests');
  expect(nearest('frobnicate', ['manifests', 'environment'])).toBeUndefined();
});
