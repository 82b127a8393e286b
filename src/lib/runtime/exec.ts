/**
 * The CLI port: run a program with an argument array (never a shell string), optionally feeding
 * stdin, and collect its output. Lib code takes an `Exec` so tests and callers choose the runner.
 */
import { spawn } from 'node:child_process';

export interface ExecOptions {
  /** Written to the program's stdin, which is then closed (e.g. a password for --password-stdin). */
  input?: string;
  /**
   * Piped into the program's stdin instead of `input` (a session fed while it runs, or bytes too big
   * to hold). The program may stop reading early; the stream is then unpiped.
   */
  stdin?: NodeJS.ReadableStream;
  /**
   * The program's stdout is piped into this stream (its backpressure pauses the program) instead of
   * being collected, so `ExecResult.stdout` is '' and `onLine` sees stderr only. The stream is not
   * ended: the caller ends it, or destroys it, once it knows the exit code (so a failed program never
   * looks like a complete output).
   */
  stdout?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each complete output line as it arrives (for progress logging). */
  onLine?(line: string, stream: 'stdout' | 'stderr'): void;
  /** Stops the program (SIGTERM) and rejects with the signal's AbortError. */
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Exec = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** Never rejects for a non-zero exit (callers decide); rejects when the program cannot start or is stopped. */
export const spawnExec: Exec = (command, args, options = {}) =>
  new Promise<ExecResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const partial = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
      if (!options.onLine) return;
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split(/\r?\n/);
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) if (line) options.onLine(line, stream);
    };
    if (options.stdout) child.stdout.pipe(options.stdout, { end: false });
    else
      child.stdout.on('data', (chunk: Buffer) => {
        out.push(chunk);
        feed('stdout', chunk);
      });
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      feed('stderr', chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new Error(`'${command}' was not found on PATH`, { cause: error }));
      else reject(error);
    });
    child.on('close', (code, signal) => {
      options.stdin?.unpipe(child.stdin);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (options.onLine && partial[stream]) options.onLine(partial[stream], stream);
      }
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {
      /* the program may exit before reading stdin; its exit code tells the story */
    });
    if (options.stdin) options.stdin.pipe(child.stdin);
    else child.stdin.end(options.input ?? '');
  });
