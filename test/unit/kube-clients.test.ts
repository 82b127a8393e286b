// Where steps get their Kubernetes client: a standalone step opens (and closes) its own; the deploy
// pipeline's pool hands every stage the same client per kubeconfig and closes them once.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownClients, sharedClients } from '../../src/lib/kube/clients.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kube-clients-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  return path;
}

test('the shared pool gives every caller of one kubeconfig the same client, another kubeconfig its own', async () => {
  const a = kubeconfig('a.yaml', 'http://127.0.0.1:1');
  const b = kubeconfig('b.yaml', 'http://127.0.0.1:2');
  const pool = sharedClients();
  const [first, second] = await Promise.all([
    pool.clients({ kind: 'file', path: a }),
    pool.clients({ kind: 'file', path: a }),
  ]);
  const other = await pool.clients({ kind: 'file', path: b });
  expect(second.client).toBe(first.client);
  expect(other.client).not.toBe(first.client);
  first.release(); // a lease does not close a pooled client: the next stage still uses it
  expect((await pool.clients({ kind: 'file', path: a })).client).toBe(first.client);
  const close = jest.spyOn(first.client, 'close');
  pool.close();
  await new Promise((r) => setImmediate(r));
  expect(close).toHaveBeenCalledTimes(1);
});

test("a kubeconfig that fails to load is reported as the user's mistake and not remembered by the pool", async () => {
  const pool = sharedClients();
  const path = join(dir, 'later.yaml');
  const missing = pool.clients({ kind: 'file', path });
  await expect(missing).rejects.toBeInstanceOf(ConfigurationError);
  await expect(missing).rejects.toThrow(`Kubeconfig file '${path}' does not exist`);
  kubeconfig('later.yaml', 'http://127.0.0.1:3');
  const lease = await pool.clients({ kind: 'file', path });
  expect(lease.client).toBeDefined();
  pool.close();
});

test('a standalone step gets a client of its own per call, closed by release', async () => {
  const clients = ownClients();
  const source = { kind: 'file' as const, path: kubeconfig('own.yaml', 'http://127.0.0.1:4') };
  const one = await clients(source);
  const two = await clients(source);
  expect(two.client).not.toBe(one.client);
  const close = jest.spyOn(one.client, 'close');
  one.release();
  expect(close).toHaveBeenCalledTimes(1);
  two.release();
});
