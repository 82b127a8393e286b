/** Small pure helpers for job-summary Markdown. Every summary is a function from results to text. */

/** Text for a Markdown table cell (or any inline text): no pipes, no newlines, no HTML. */
export function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Text inside an inline code span: no backticks, no newlines. */
export function code(value: unknown): string {
  return String(value ?? '')
    .replace(/`/g, "'")
    .replace(/\r?\n/g, ' ');
}

/** A fenced block whose fence is longer than any backtick run in the text. */
export function fenced(text: string, language = ''): string {
  let ticks = '```';
  while (text.includes(ticks)) ticks += '`';
  return `${ticks}${language}\n${text}\n${ticks}`;
}

export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function heading(text: string, level = 3): string {
  return `${'#'.repeat(level)} ${text}`;
}

export function details(summary: string, body: string): string {
  return `<details><summary>${cell(summary)}</summary>\n\n${body}\n\n</details>`;
}

export const icon = (ok: boolean): string => (ok ? '✅' : '❌');
