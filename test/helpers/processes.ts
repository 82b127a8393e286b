/** Helpers for tests of the stack's processes: run a command to its end, and the sessions of /proc. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args` to its end (no shell); code -1 when it was killed (timeout) or could not start. */
export function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 240_000,
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === 'number'
          ? (error as { code: number }).code
          : -1
        : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** pid → session id of every live (non-zombie) process (field 6 of /proc/<pid>/stat). */
export function sessions(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') out.set(Number(entry), Number(fields[3])); // zombies have exited already
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
