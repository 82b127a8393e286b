/** The pure parts of the database dump: the connection URL, key-table names, the TOC count. */
import { describe, expect, test } from '@jest/globals';
import { countTocEntries, maskSecrets, parsePostgresUrl, quoteTable } from '../../src/lib/backup/database.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

describe('parsePostgresUrl', () => {
  test('the password goes into PGPASSWORD only, decoded; the rest into PG* variables', () => {
    const c = parsePostgresUrl('postgresql://dag%40ster:p%2Fw%3A%40x@db.example.com:6543/meta?sslmode=require');
    expect(c).toMatchObject({ host: 'db.example.com', port: '6543', user: 'dag@ster', database: 'meta' });
    expect(c.env).toEqual({
      PGHOST: 'db.example.com',
      PGPORT: '6543',
      PGUSER: 'dag@ster',
      PGPASSWORD: 'p/w:@x',
      PGDATABASE: 'meta',
      PGSSLMODE: 'require',
      PGCONNECT_TIMEOUT: '15',
      PGAPPNAME: 'phlo-deploy-backup',
    });
    expect(c.secrets.sort()).toEqual(['p%2Fw%3A%40x', 'p/w:@x']);
  });

  test('defaults: port 5432, the database named after the user; IPv6 hosts lose their brackets', () => {
    const c = parsePostgresUrl('postgres://phlo@[::1]');
    expect(c).toMatchObject({ host: '::1', port: '5432', user: 'phlo', database: 'phlo', secrets: [] });
    expect(c.env.PGPASSWORD).toBeUndefined();
  });

  test.each([
    ['not a url', /is not a URL/],
    ['mysql://u:SECRET@h/db', /has the scheme 'mysql'/],
    ['postgres://u:SECRET@h/db?password=SECRET', /carries the password as a query parameter/],
    ['postgres://u:SECRET@h/db?sslmod=require', /has the query parameter 'sslmod'/],
    ['postgres://u:SECRET@h/a/b', /more than one segment/],
    ['postgres:///db', /names no host/],
    ['postgres://u:SECRET@/db', /is not a URL/],
  ])('%s is refused without quoting the value', (url, message) => {
    const error = (() => {
      try {
        parsePostgresUrl(url);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^Input 'database-url' /);
    expect((error as Error).message).not.toContain('SECRET');
  });
});

test('maskSecrets replaces every occurrence', () => {
  expect(maskSecrets('a pw b pw', ['pw'])).toBe('a *** b ***');
  expect(maskSecrets('nothing', [''])).toBe('nothing');
});

test('quoteTable quotes a name or schema.name and refuses anything else', () => {
  expect(quoteTable('runs')).toBe('"runs"');
  expect(quoteTable('dagster.event_logs')).toBe('"dagster"."event_logs"');
  for (const bad of ['a.b.c', 'runs;drop', '"runs"', '1runs', "ru'ns", ''])
    expect(() => quoteTable(bad)).toThrow(/database\.postgres\.keyTables/);
});

test('countTocEntries counts the lines of pg_restore --list that are not comments', () => {
  const listing = [
    ';',
    '; Archive created at 2026-11-29 16:05:00 UTC',
    ';     dbname: phlo',
    '',
    '215; 1259 16390 TABLE public runs phlo',
    '3325; 0 16390 TABLE DATA public runs phlo',
    '3180; 2606 16397 CONSTRAINT public runs runs_pkey phlo',
    '',
  ].join('\n');
  expect(countTocEntries(listing)).toBe(3);
});
