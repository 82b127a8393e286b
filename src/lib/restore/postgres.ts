/**
 * The PostgreSQL programs restore runs (psql, pg_restore), with argument arrays and the password only
 * in PGPASSWORD: the connection string they see has none.
 */
import type { Exec, ExecResult } from '../runtime/exec.js';

export interface PgServer {
  /** postgres://user@host:port/<database>, without the password. */
  url(database?: string): string;
  /** The database the URL names (the maintenance connection). */
  database: string;
  /** host:port, for messages. */
  where: string;
  env: NodeJS.ProcessEnv;
}

export function pgServer(databaseUrl: string, env: NodeJS.ProcessEnv): PgServer {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  return {
    url: (db = database) => {
      const copy = new URL(u.toString());
      copy.pathname = `/${encodeURIComponent(db)}`;
      return copy.toString();
    },
    database,
    where: `${u.hostname}:${u.port || '5432'}`,
    env: { ...env, ...(password ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: env.PGCONNECT_TIMEOUT ?? '15' },
  };
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A psql script from stdin with `-v` variables (psql interpolates :'x' only in scripts). */
async function psql(
  exec: Exec,
  server: PgServer,
  database: string,
  script: string,
  vars: Record<string, string> = {},
): Promise<ExecResult> {
  const args = ['--no-psqlrc', '-X', '-v', 'ON_ERROR_STOP=1', '-At', '-d', server.url(database)];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  args.push('-f', '-');
  const result = await exec('psql', args, { input: script, env: server.env });
  if (result.exitCode !== 0)
    throw new Error(
      `psql on ${server.where}/${database} failed: ${firstLine(result.stderr) || `exit ${result.exitCode}`}`,
    );
  return result;
}

function firstLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .find((l) => /ERROR|FATAL|error/.test(l)) ??
    text.trim().split('\n')[0] ??
    ''
  ).slice(0, 300);
}

export async function databaseExists(exec: Exec, server: PgServer, name: string): Promise<boolean> {
  const r = await psql(exec, server, server.database, "SELECT 1 FROM pg_database WHERE datname = :'name';", { name });
  return r.stdout.trim() === '1';
}

export async function createDatabase(exec: Exec, server: PgServer, name: string): Promise<void> {
  await psql(exec, server, server.database, `CREATE DATABASE ${quoteIdent(name)};`);
}

export async function dropDatabase(exec: Exec, server: PgServer, name: string): Promise<void> {
  await psql(exec, server, server.database, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE);`);
}

/** Row counts of `tables` (`schema.table` or `table`) in `database`; a missing table is -1. */
export async function rowCounts(
  exec: Exec,
  server: PgServer,
  database: string,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) {
    const ident = table
      .split('.')
      .map((p) => quoteIdent(p))
      .join('.');
    const exists = await psql(exec, server, database, "SELECT to_regclass(:'t') IS NOT NULL;", { t: table });
    if (exists.stdout.trim() !== 't') {
      out[table] = -1;
      continue;
    }
    const r = await psql(exec, server, database, `SELECT count(*) FROM ${ident};`);
    out[table] = Number(r.stdout.trim());
  }
  return out;
}

/** pg_restore of a custom-format dump file into `database` (no owners or grants: the target's roles differ). */
export async function pgRestore(
  exec: Exec,
  server: PgServer,
  database: string,
  file: string,
  options: { clean: boolean },
): Promise<void> {
  const args = ['--no-owner', '--no-privileges', '--exit-on-error', '-d', server.url(database)];
  if (options.clean) args.push('--clean', '--if-exists', '--single-transaction');
  args.push(file);
  const result = await exec('pg_restore', args, { env: server.env });
  if (result.exitCode !== 0)
    throw new Error(
      `pg_restore into ${server.where}/${database} failed: ${firstLine(result.stderr) || `exit ${result.exitCode}`}`,
    );
}

/** A database name for a restored copy: `<db>_restore_<set>` (the drill's: `<db>_drill_<set>`; lowercase, at most 63 bytes). */
export function restoredDatabaseName(database: string, setId: string, drill = false): string {
  const suffix = `_${drill ? 'drill' : 'restore'}_${setId.toLowerCase()}`;
  return `${database.slice(0, 63 - suffix.length)}${suffix}`;
}
