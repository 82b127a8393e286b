/**
 * The stack's moto health check must survive what backups and restores do to moto: once moto holds an
 * RDS instance, its /moto-api/data.json answers 500 (it serialises every model, and moto 5.2.1 fails on
 * db_subnet_group_name), even after the instance is deleted — a health check built on it made the next
 * `stack up` (and so `npm run demo` and CI) time out. `moto.sh status` asks a real API call instead.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadStackEnv, repoRoot } from '../helpers/stack.js';

const env = loadStackEnv(['AWS_ENDPOINT_URL']);

/** A raw query-API call to moto (it checks no signature; the credential scope picks the service). */
async function rds(params: Record<string, string>): Promise<number> {
  const res = await fetch(env.AWS_ENDPOINT_URL!, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/rds/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2014-10-31', ...params }).toString(),
  });
  await res.text();
  return res.status;
}

const motoStatus = () =>
  spawnSync('bash', [join(repoRoot, 'stack', 'components', 'moto.sh'), 'status'], {
    env: { ...process.env, PHLO_STACK_DIR: process.env.PHLO_STACK_DIR ?? join(repoRoot, '.stack') },
    encoding: 'utf8',
  });

describe('moto health check', () => {
  test('moto stays healthy while it holds an RDS instance, and after it is deleted', async () => {
    const id = `health-${randomBytes(3).toString('hex')}`;
    expect(
      await rds({
        Action: 'CreateDBInstance',
        DBInstanceIdentifier: id,
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        MasterUsername: 'phlo',
        MasterUserPassword: 'not-a-real-password',
        AllocatedStorage: '20',
      }),
    ).toBe(200);
    try {
      const during = motoStatus();
      expect(during.stdout).toMatch(/^moto: up/);
      expect(during.status).toBe(0);
    } finally {
      expect(await rds({ Action: 'DeleteDBInstance', DBInstanceIdentifier: id, SkipFinalSnapshot: 'true' })).toBe(200);
    }
    const after = motoStatus();
    expect(after.stdout).toMatch(/^moto: up/);
    expect(after.status).toBe(0);
  });
});
