/** The plain HTTP(S) transport for the health gate. Headers (auth) are sent, never logged. */
import type { ProbeTarget } from './probe.js';

const MAX_BODY = 64 * 1024;

export function httpTarget(url: URL, headers: Readonly<Record<string, string>> = {}): ProbeTarget {
  const label = url.toString();
  return {
    label,
    send: async ({ signal }) => {
      const response = await fetch(url, { method: 'GET', headers, signal, redirect: 'manual' });
      const body = await readLimited(response);
      return { status: response.status, body };
    },
  };
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY);
}

/** Joins a base URL and a path: `https://x/app` + `/health` → `https://x/app/health`. */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.toString());
  const basePath = url.pathname.replace(/\/+$/, '');
  const [p, query] = path.split('?', 2) as [string, string | undefined];
  url.pathname = `${basePath}/${p.replace(/^\/+/, '')}`;
  if (query !== undefined) url.search = query;
  return url;
}
