/**
 * What the CLI prints when it is done: in a terminal, the outputs as `name: value` lines (long JSON
 * and long lists summarised) and the job summary as plain text with aligned tables; with --json, one
 * JSON document. Pure functions; the caller masks secrets.
 */

/** Longer single-line values (and JSON above this size) are summarised; --json has them whole. */
const MAX_INLINE = 160;
const MAX_LIST_LINES = 10;
/** Code blocks (diffs, container logs) in the terminal summary; the log above has them whole. */
const MAX_CODE_LINES = 30;

export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function isJson(value: string): boolean {
  if (!/^\s*[[{]/.test(value)) return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** One output for a person: short values whole, long ones described (their size, and --json). */
export function formatOutput(name: string, value: string): string {
  const size = formatSize(Buffer.byteLength(value));
  if (value === '') return `${name}:`;
  if (isJson(value)) {
    return value.length <= MAX_INLINE ? `${name}: ${value}` : `${name}: (JSON, ${size}; use --json)`;
  }
  const lines = value.split('\n');
  if (lines.length > 1) {
    if (lines.length <= MAX_LIST_LINES && lines.every((l) => l.length <= MAX_INLINE)) {
      return [`${name}:`, ...lines.map((l) => `  ${l}`)].join('\n');
    }
    return `${name}: (${lines.length} lines, ${size}; use --json)`;
  }
  if (value.length <= MAX_INLINE) return `${name}: ${value}`;
  return `${name}: ${value.slice(0, MAX_INLINE)}… (${size}; use --json)`;
}

export function formatOutputs(outputs: ReadonlyMap<string, string>): string {
  return [...outputs].map(([name, value]) => `${formatOutput(name, value)}\n`).join('');
}

/** Inline Markdown and the few HTML tags the summaries use, as plain text. */
export function plainInline(text: string): string {
  return text
    .replace(/<br\s*\/?>/gi, ' / ')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|\W)_([^_]+)_(?=\W|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\([|\\`*_])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Cells of a Markdown table row; `\|` is a pipe inside a cell. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => plainInline(c.trim()));
}

/** Terminal columns a string takes: emoji and other wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfe0f || cp === 0x200d || (cp >= 0x300 && cp < 0x370)) continue;
    width += cp >= 0x1100 && (cp >= 0x1f000 || (cp >= 0x2600 && cp < 0x27c0) || (cp >= 0x2e80 && cp < 0xa4d0)) ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function renderTable(rows: string[][]): string[] {
  const [header = [], ...body] = rows;
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: string[]): string =>
    `  ${widths
      .map((w, i) => pad(r[i] ?? '', w))
      .join('  ')
      .trimEnd()}`;
  const out: string[] = [];
  // A header of empty cells (a two-column list of facts) is left out.
  if (header.some((c) => c !== '')) {
    out.push(line(header), `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  }
  out.push(...body.map(line));
  return out;
}

/** A job summary (Markdown) as plain text for a terminal: headings, aligned tables, indented code. */
export function renderMarkdown(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(`{3,})/.exec(line);
    if (fence) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence[1]!); i++) code.push(lines[i]!);
      const shown = code.length > MAX_CODE_LINES ? code.slice(0, MAX_CODE_LINES) : code;
      out.push(...shown.map((l) => `    ${l}`));
      if (shown.length < code.length) out.push(`    … ${code.length - shown.length} more lines (in the log above)`);
      continue;
    }
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i]!); i++) {
        if (!/^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(lines[i]!)) rows.push(cells(lines[i]!));
      }
      i--;
      out.push(...renderTable(rows));
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      const text = plainInline(heading[1]!);
      if (out.length && out[out.length - 1] !== '') out.push('');
      out.push(text, '─'.repeat(Math.min(displayWidth(text), 100)));
      continue;
    }
    const summary = /<summary>(.*?)<\/summary>/i.exec(line);
    if (summary) {
      out.push(`▸ ${plainInline(summary[1]!)}`);
      continue;
    }
    if (/^\s*<\/?details>\s*$/i.test(line)) continue;
    out.push(plainInline(line));
  }
  // No runs of blank lines, none at either end.
  return out
    .filter((l, i, all) => l.trim() !== '' || (i > 0 && all[i - 1]!.trim() !== ''))
    .join('\n')
    .trim();
}
