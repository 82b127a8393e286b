/**
 * A scratch PostgreSQL database on the local stack, owned by a login role of its own (a random
 * password, so tests can grep every output for it), and a small Dagster-like schema to fill it:
 *
 *   runs        (run_id text PK, job_name, status, created_at, tags jsonb)
 *   event_logs  (id bigserial PK, run_id → runs ON DELETE CASCADE, event_type, timestamp, body)
 *               + an index on (run_id, id)
 *
 *   const db = await createScratchDatabase('dump');      // empty; db.url has the role's password
 *   const counts = await seedDagsterSchema(db.url);      // { runs: 30, event_logs: 300 }
 *   await rowCounts(db.url, SEED_KEY_TABLES);            // the same, read back
 *   await db.drop();                                     // database and role gone
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadStackEnv } from './stack.js';

/** The tables a backup plan would name as key tables for the seeded schema. */
export const SEED_KEY_TABLES = ['runs', 'event_logs'];

export interface ScratchDatabase {
  /** The database's name (also its owner role's name). */
  name: string;
  /** `postgres://<role>:<password>@host:port/<name>`. */
  url: string;
  user: string;
  password: string;
  host: string;
  port: string;
  /** Drops the database (terminating its sessions) and its role. */
  drop(): Promise<void>;
}

const adminUrl = (): URL => new URL(loadStackEnv(['PHLO_POSTGRES_ADMIN_URL']).PHLO_POSTGRES_ADMIN_URL!);

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** An empty database `<prefix>_<random>` owned by a new login role of the same name. */
export async function createScratchDatabase(prefix = 'scratch'): Promise<ScratchDatabase> {
  const admin = adminUrl();
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  await withClient(admin.href, async (c) => {
    await c.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await c.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
  });
  const url = new URL(admin.href);
  url.username = name;
  url.password = password;
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    user: name,
    password,
    host: admin.hostname,
    port: admin.port,
    drop: async () => {
      await withClient(admin.href, async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS "${name}"`);
      });
    },
  };
}

/**
 * Creates the schema in the database at `url` and fills it: `runs` runs with `eventsPerRun` events
 * each. Returns the row counts.
 */
export async function seedDagsterSchema(
  url: string,
  options: { runs?: number; eventsPerRun?: number } = {},
): Promise<Record<string, number>> {
  const runs = options.runs ?? 30;
  const events = options.eventsPerRun ?? 10;
  await withClient(url, async (c) => {
    await c.query(`
      CREATE TABLE runs (
        run_id text PRIMARY KEY,
        job_name text NOT NULL,
        status text NOT NULL CHECK (status IN ('QUEUED', 'STARTED', 'SUCCESS', 'FAILURE')),
        created_at timestamptz NOT NULL DEFAULT now(),
        tags jsonb NOT NULL DEFAULT '{}'
      );
      CREATE TABLE event_logs (
        id bigserial PRIMARY KEY,
        run_id text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
        event_type text NOT NULL,
        "timestamp" timestamptz NOT NULL,
        body text
      );
      CREATE INDEX event_logs_run_id_idx ON event_logs (run_id, id);
    `);
    await c.query(
      `INSERT INTO runs (run_id, job_name, status, created_at, tags)
       SELECT md5('run' || g), 'job_' || (g % 5), (ARRAY['QUEUED','STARTED','SUCCESS','FAILURE'])[1 + g % 4],
              timestamptz '2026-11-01' + g * interval '1 hour', jsonb_build_object('n', g)
       FROM generate_series(1, $1::int) g`,
      [runs],
    );
    await c.query(
      `INSERT INTO event_logs (run_id, event_type, "timestamp", body)
       SELECT md5('run' || r), 'STEP_' || e, timestamptz '2026-11-01' + r * interval '1 hour' + e * interval '1 second',
              repeat('x', 50 + (r * e) % 200)
       FROM generate_series(1, $1::int) r, generate_series(1, $2::int) e`,
      [runs, events],
    );
  });
  return rowCounts(url, SEED_KEY_TABLES);
}

/** count(*) of each table. */
export async function rowCounts(url: string, tables: readonly string[]): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    const out: Record<string, number> = {};
    for (const t of tables) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
      out[t] = Number(r.rows[0]!.n);
    }
    return out;
  });
}

/** Runs one statement in the database at `url` (for tests that change the data between steps). */
export async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return withClient(url, (c) => c.query(text, values));
}
