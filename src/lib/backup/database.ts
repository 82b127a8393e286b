/**
 * The logical dump of a PostgreSQL database into a backup set: `pg_dump -Fc` streamed to the backup
 * bucket, its SHA-256 computed on the way, the same bytes read by `pg_restore` twice on the way
 * (`--list` counts the table of contents; a full read to the null device proves the archive is whole),
 * and the row counts of the plan's key tables taken in the very snapshot the dump reads.
 *
 *   psql ── BEGIN REPEATABLE READ; pg_export_snapshot(); count(*) of each key table ─┐ (held open)
 *   pg_dump -Fc --snapshot=<id> ──stdout──► tee ─► SHA-256 + size                    │
 *                                             ├─► Upload (lib-storage) ─► s3://<backup>/…/<db>.dump
 *                                             ├─► pg_restore --list        (TOC entries)
 *                                             └─► pg_restore -f /dev/null  (reads every data block)
 *   COMMIT ◄────────────────────────────────────────────────────────────────────────┘
 *
 * Why both pg_restore reads: `--list` stops after the table of contents at the start of the archive,
 * so a dump cut off in its data still lists fine (tried: half of a 5 MB dump lists all 22 entries);
 * only a reader that walks every data block to the end notices the cut.
 *
 * Secrets: the connection URL's password reaches psql and pg_dump only through PGPASSWORD in their
 * environment (never an argument, where `ps` shows it), and every line taken from their stderr goes
 * through `maskSecrets` before it is logged or thrown.
 */
import { createHash } from 'node:crypto';
import { devNull } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigurationError, describeError } from '../runtime/errors.js';
import { spawnExec, type Exec, type ExecResult } from '../runtime/exec.js';
import type { Logger } from '../runtime/logger.js';
import { writeJson, type BackupStore } from './store.js';
import type { DatabaseDumpRecord, SetId } from './types.js';

export interface PostgresSource {
  /** `postgres://user:password@host:port/database?sslmode=…`: a secret (the action input `database-url`). */
  url: string;
  /** Tables whose row counts go into the record: `name` or `schema.name`. */
  keyTables: string[];
}

export interface DumpDeps {
  exec?: Exec;
  /** The environment the PostgreSQL programs inherit (PG* variables from the URL are laid over it). */
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/** The input that carries the connection URL, named in every message about it. */
export const DATABASE_URL_INPUT = 'database-url';

/** The key-table setting, named in messages about a bad or missing table. */
export const KEY_TABLES_FIELD = 'database.postgres.keyTables';

/** Parts of 8 MiB, two in flight: the upload holds at most ~16 MiB of the dump, whatever its size. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** A parsed connection: what may be shown, and the environment that carries the rest. */
export interface PostgresConnection {
  host: string;
  port: string;
  user: string;
  database: string;
  /** PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD (when the URL has one), PGSSLMODE, … */
  env: Record<string, string>;
  /** The values never to print: the password, raw and as written in the URL. */
  secrets: string[];
}

/** Query parameters of a libpq URL we pass on, and the variable each becomes. */
const URL_PARAMETERS: Record<string, string> = {
  host: 'PGHOST',
  port: 'PGPORT',
  user: 'PGUSER',
  dbname: 'PGDATABASE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslcrl: 'PGSSLCRL',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
  options: 'PGOPTIONS',
};

const URL_FORM = 'postgres://user:password@host:5432/database (postgresql:// also; the value is not shown)';

/**
 * Splits a libpq connection URL into PG* variables. The password goes into PGPASSWORD only; a URL
 * that cannot be read is a ConfigurationError that never quotes it (it may hold the password).
 */
export function parsePostgresUrl(url: string, input = DATABASE_URL_INPUT): PostgresConnection {
  const bad = (why: string): ConfigurationError =>
    new ConfigurationError(`Input '${input}' ${why}: expected ${URL_FORM}.`);
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw bad('is not a URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw bad(`has the scheme '${parsed.protocol.replace(/:$/, '')}'`);
  }
  const decode = (text: string, part: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw bad(`has a ${part} that is not valid percent-encoding`);
    }
  };
  const env: Record<string, string> = {};
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host) env.PGHOST = decode(host, 'host');
  if (parsed.port) env.PGPORT = parsed.port;
  if (parsed.username) env.PGUSER = decode(parsed.username, 'user name');
  const password = parsed.password ? decode(parsed.password, 'password') : undefined;
  const path = parsed.pathname.replace(/^\//, '');
  if (path.includes('/')) throw bad('has a path with more than one segment');
  if (path) env.PGDATABASE = decode(path, 'database name');
  for (const [name, value] of parsed.searchParams) {
    if (name === 'password') throw bad("carries the password as a query parameter ('password=')");
    const variable = URL_PARAMETERS[name];
    if (!variable) {
      throw bad(`has the query parameter '${name}', which is not one of ${Object.keys(URL_PARAMETERS).join(', ')}`);
    }
    env[variable] = value;
  }
  if (!env.PGHOST) throw bad('names no host');
  if (password !== undefined) env.PGPASSWORD = password;
  env.PGCONNECT_TIMEOUT ??= '15';
  env.PGAPPNAME ??= 'phlo-deploy-backup';
  const user = env.PGUSER ?? 'postgres';
  return {
    host: env.PGHOST,
    port: env.PGPORT ?? '5432',
    user,
    database: env.PGDATABASE ?? user,
    env,
    secrets: password ? [...new Set([password, parsed.password])] : [],
  };
}

/** `text` with every secret replaced by `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** `runs` → `"runs"`, `dagster.runs` → `"dagster"."runs"`; anything else is a ConfigurationError. */
export function quoteTable(name: string, field = KEY_TABLES_FIELD): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new ConfigurationError(
      `'${field}' has '${name}': expected a table name or schema.table (letters, digits, _ and $, not starting with a digit).`,
    );
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/** Entries in the output of `pg_restore --list` (lines that are not comments). */
export function countTocEntries(listing: string): number {
  return listing.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length;
}

/**
 * Dumps the database of `source.url` into the set: the dump at `layout.set(id).dump(<database>)`,
 * its record (returned) at `layout.set(id).dumpRecord(<database>)`. Fails — and leaves no dump object
 * behind — when psql or pg_dump fail, the upload fails, or either pg_restore read of the bytes fails.
 */
export async function dumpPostgres(
  store: BackupStore,
  setId: SetId,
  source: PostgresSource,
  deps: DumpDeps,
): Promise<DatabaseDumpRecord> {
  const exec = deps.exec ?? spawnExec;
  const connection = parsePostgresUrl(source.url);
  const tables = source.keyTables.map((t) => quoteTable(t));
  const env: NodeJS.ProcessEnv = { ...deps.env, ...connection.env };
  const mask = (text: string): string => maskSecrets(text, connection.secrets);
  const where = `database '${connection.database}' at ${connection.host}:${connection.port} as '${connection.user}'`;
  const keys = store.layout.set(setId);
  const name = encodeURIComponent(connection.database);
  const key = keys.dump(name);
  deps.logger.info(`pg_dump of ${where} → s3://${store.bucket}/${key}`);

  const session = await openSnapshot(exec, env, source.keyTables, tables, mask, where, connection.database);
  try {
    const rowCounts = session.rowCounts;
    deps.logger.info(
      `Snapshot ${session.snapshot} (PostgreSQL ${session.serverVersion})` +
        (tables.length
          ? `: ${Object.entries(rowCounts)
              .map(([t, n]) => `${t} ${n} rows`)
              .join(', ')}`
          : ''),
    );
    const written = await streamDump(store, key, exec, env, session.snapshot, mask, where, connection.database);
    const record: DatabaseDumpRecord = {
      kind: 'pg_dump',
      database: connection.database,
      key,
      size: written.size,
      sha256: written.sha256,
      tocEntries: written.tocEntries,
      rowCounts,
      serverVersion: session.serverVersion,
    };
    await writeJson(store, keys.dumpRecord(name), record);
    deps.logger.info(
      `Dump of '${connection.database}': ${written.size} bytes, ${written.tocEntries} TOC entries, sha256 ${written.sha256}`,
    );
    return record;
  } finally {
    await session.close();
  }
}

/**
 * Reads a dump stream (from the bucket, on restore or verification) with both pg_restore checks and
 * returns its TOC entry count, size and SHA-256. Throws when the archive is unreadable or cut short.
 */
export async function checkDump(
  input: NodeJS.ReadableStream,
  deps: { exec?: Exec; env: NodeJS.ProcessEnv },
): Promise<{ tocEntries: number; size: number; sha256: string }> {
  const checks = startChecks(deps.exec ?? spawnExec, withoutPassword(deps.env));
  const tee = new Tee(checks.outputs);
  try {
    await new Promise<void>((resolve, reject) => {
      input.on('error', reject);
      tee.on('error', reject);
      tee.on('finish', resolve);
      input.pipe(tee);
    });
  } finally {
    checks.end();
  }
  const tocEntries = await checks.result;
  return { tocEntries, ...tee.digest() };
}

interface Snapshot {
  snapshot: string;
  serverVersion: string;
  rowCounts: Record<string, number>;
  close(): Promise<void>;
}

/**
 * A psql session holding a REPEATABLE READ transaction open: it exports the transaction's snapshot
 * (pg_dump reads the same one with --snapshot) and counts the key tables in it, so the counts are the
 * dump's. Kept open until the dump is done: an exported snapshot lives only as long as its transaction.
 */
async function openSnapshot(
  exec: Exec,
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  tables: readonly string[],
  mask: (text: string) => string,
  where: string,
  database: string,
): Promise<Snapshot> {
  const input = new PassThrough();
  const lines: string[] = [];
  let waiting: { marker: string; resolve: () => void } | undefined;
  const running = exec('psql', ['-X', '-w', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], {
    env,
    stdin: input,
    onLine: (line, stream) => {
      if (stream !== 'stdout') return;
      if (waiting && line === waiting.marker) waiting.resolve();
      else lines.push(line);
    },
  });
  let exited: ExecResult | undefined;
  let startError: unknown;
  const settled = running.then(
    (result) => {
      exited = result;
    },
    (error: unknown) => {
      startError = error ?? new Error('psql failed to start');
    },
  );
  /** Sends statements, then waits for their marker line; fails when psql ends first. */
  const ask = async (sql: string, marker: string): Promise<void> => {
    const reached = new Promise<boolean>((resolve) => (waiting = { marker, resolve: () => resolve(true) }));
    input.write(`${sql}\nSELECT '${marker}';\n`);
    if (await Promise.race([reached, settled.then(() => false)])) return;
    if (startError !== undefined) throw startError;
    throw psqlFailure(exited!, mask, where);
  };
  const abandon = async (): Promise<void> => {
    input.end();
    await settled;
  };
  try {
    await ask(
      [
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;',
        "SELECT 'snapshot=' || pg_export_snapshot();",
        "SELECT 'version=' || current_setting('server_version');",
        ...tables.map((t, i) => `SELECT 'missing=${i}' WHERE to_regclass('${t}') IS NULL;`),
      ].join('\n'),
      'phlo:checked',
    );
    const missing = lines.filter((l) => l.startsWith('missing=')).map((l) => names[Number(l.slice(8))]!);
    if (missing.length) {
      throw new ConfigurationError(
        `'${KEY_TABLES_FIELD}' names ${missing.map((m) => `'${m}'`).join(', ')}, ` +
          `which ${missing.length === 1 ? 'is' : 'are'} not a table in database '${database}' (search_path as the user '${env.PGUSER ?? ''}' sees it).`,
      );
    }
    await ask(tables.map((t, i) => `SELECT 'count=${i}=' || count(*) FROM ${t};`).join('\n'), 'phlo:counted');
  } catch (error) {
    await abandon();
    throw error;
  }
  const value = (prefix: string): string | undefined => lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
  const rowCounts: Record<string, number> = {};
  for (const line of lines) {
    const m = /^count=(\d+)=(\d+)$/.exec(line);
    if (m) rowCounts[names[Number(m[1])]!] = Number(m[2]);
  }
  const snapshot = value('snapshot=');
  if (!snapshot) {
    await abandon();
    throw new Error(`psql exported no snapshot for ${where}`);
  }
  return {
    snapshot,
    serverVersion: value('version=') ?? '',
    rowCounts,
    close: async () => {
      input.end('COMMIT;\n');
      await settled;
    },
  };
}

/** One line for a psql session that ended early: the connection failure or the SQL error, masked. */
function psqlFailure(result: ExecResult, mask: (text: string) => string, where: string): Error {
  const text = mask(result.stderr);
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '')
      ?.replace(/^psql:\s*(error:\s*)?/, '')
      .replace(/\s+/g, ' ') ?? `psql exited with ${result.exitCode}`;
  const message = `Cannot read ${where}: ${line}`;
  if (
    /password authentication failed|no password supplied|role ".*" does not exist|database ".*" does not exist|permission denied/.test(
      line,
    )
  ) {
    return new ConfigurationError(`Input '${DATABASE_URL_INPUT}': ${message}`);
  }
  return new Error(message);
}

/** The environment without the password (pg_restore reads stdin and connects to nothing). */
function withoutPassword(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.PGPASSWORD;
  return out;
}

/** A destination of the tee: it is skipped once `closed` (its reader went away) resolves. */
interface Output {
  stream: Writable;
  closed: Promise<unknown>;
  done?: boolean;
}

/**
 * Hashes and counts the bytes written to it and passes each chunk to every open output, waiting for
 * the slowest to drain (so memory stays bounded and pg_dump is paused rather than buffered).
 * It never ends its outputs: the caller does, once it knows how the producer ended.
 */
class Tee extends Writable {
  private readonly hash = createHash('sha256');
  private size = 0;
  constructor(private readonly outputs: Output[]) {
    super();
    for (const o of outputs) void o.closed.then(() => (o.done = true));
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    const waits: Promise<unknown>[] = [];
    for (const o of this.outputs) {
      if (o.done || o.stream.destroyed || o.stream.writableEnded) continue;
      if (!o.stream.write(chunk)) waits.push(Promise.race([drained(o.stream), o.closed]));
    }
    if (waits.length === 0) callback();
    else void Promise.all(waits).then(() => callback());
  }
  digest(): { size: number; sha256: string } {
    return { size: this.size, sha256: this.hash.copy().digest('hex') };
  }
}

/**
 * Resolves when `stream` can take more, or will take nothing more (closed or failed: an output's own
 * failure is reported by its owner — the upload's promise, the reader's exit code — not by the tee).
 */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

interface Checks {
  outputs: Output[];
  /** Ends both readers' input. */
  end(): void;
  /** TOC entries, or the first failure of either read. */
  result: Promise<number>;
}

/** The two pg_restore reads of one stream of dump bytes. */
function startChecks(exec: Exec, env: NodeJS.ProcessEnv): Checks {
  const listIn = new PassThrough();
  const readIn = new PassThrough();
  const listing = exec('pg_restore', ['--list'], { env, stdin: listIn });
  const reading = exec('pg_restore', ['--file', devNull], { env, stdin: readIn });
  const result = (async () => {
    const [list, read] = await Promise.all([listing, reading]);
    if (list.exitCode !== 0) {
      throw new Error(`The dump is not a readable archive: pg_restore --list says ${firstLine(list.stderr, list)}`);
    }
    if (read.exitCode !== 0) {
      throw new Error(
        `The dump is incomplete: pg_restore could not read it to the end (${firstLine(read.stderr, read)})`,
      );
    }
    const entries = countTocEntries(list.stdout);
    if (entries === 0) throw new Error('The dump is empty: pg_restore --list found no entries');
    return entries;
  })();
  result.catch(() => undefined);
  return {
    outputs: [
      { stream: listIn, closed: listing.catch(() => undefined) },
      { stream: readIn, closed: reading.catch(() => undefined) },
    ],
    end: () => {
      listIn.end();
      readIn.end();
    },
    result,
  };
}

function firstLine(stderr: string, result: ExecResult): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return (line ?? `exit ${result.exitCode}`).replace(/^pg_restore:\s*(error:\s*)?/, '');
}

/**
 * pg_dump's stdout into the bucket with lib-storage's `Upload`: it sends the stream as a multipart
 * upload part by part (a single PUT when it is small), so the dump needs no temporary file and the
 * runner holds at most QUEUE_SIZE parts of it in memory, however big the database. The body is ended
 * only when pg_dump exited 0 and both pg_restore reads passed; otherwise it is destroyed, which makes
 * the upload fail and abort its multipart upload, so no dump object appears.
 */
async function streamDump(
  store: BackupStore,
  key: string,
  exec: Exec,
  env: NodeJS.ProcessEnv,
  snapshot: string,
  mask: (text: string) => string,
  where: string,
  database: string,
): Promise<{ size: number; sha256: string; tocEntries: number }> {
  const body = new PassThrough();
  // lib-storage stops reading a body whose upload failed and destroys it (an AbortError): that failure
  // is the upload's to report, through done()
  body.on('error', () => undefined);
  const upload = new Upload({
    client: store.s3,
    params: { Bucket: store.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' },
    partSize: PART_SIZE,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });
  const stop = new AbortController();
  let uploadError: unknown;
  const uploading = upload.done().then(
    () => undefined,
    (error: unknown) => {
      uploadError = error;
      stop.abort();
    },
  );
  const checks = startChecks(exec, withoutPassword(env));
  const tee = new Tee([{ stream: body, closed: uploading }, ...checks.outputs]);

  const fail = async (error: Error): Promise<never> => {
    if (!body.destroyed) body.destroy(error);
    tee.destroy();
    checks.end();
    await Promise.allSettled([uploading, checks.result]);
    throw error;
  };
  const uploadFailure = (): Error =>
    new Error(`Cannot write the dump of ${where} to s3://${store.bucket}/${key}: ${describeError(uploadError)}`, {
      cause: uploadError,
    });

  let dumped: ExecResult;
  try {
    dumped = await exec('pg_dump', ['--format=custom', '--no-password', `--snapshot=${snapshot}`], {
      env,
      stdout: tee,
      signal: stop.signal,
    });
  } catch (error) {
    return fail(uploadError !== undefined ? uploadFailure() : (error as Error));
  }
  if (uploadError !== undefined) return fail(uploadFailure());
  if (dumped.exitCode !== 0) {
    const text = mask(dumped.stderr)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const line = (text.find((l) => /error:/.test(l)) ?? text[0] ?? '').replace(/^pg_dump:\s*(error:\s*)?/, '');
    return fail(new Error(`pg_dump of database '${database}' failed (exit ${dumped.exitCode}): ${line}`));
  }
  tee.end();
  await finished(tee);
  checks.end();
  let tocEntries: number;
  try {
    tocEntries = await checks.result;
  } catch (error) {
    return fail(error as Error);
  }
  body.end();
  await uploading;
  if (uploadError !== undefined) throw uploadFailure();
  return { ...tee.digest(), tocEntries };
}
