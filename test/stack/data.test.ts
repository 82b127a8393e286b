/**
 * The data half of the stack: MinIO (S3 API, through @aws-sdk/client-s3) and PostgreSQL (through pg).
 */
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { loadStackEnv } from '../helpers/stack.js';

function stackEnv(needed: string[]): Record<string, string> {
  return loadStackEnv(needed);
}

function s3For(env: Record<string, string>, secret = env.PHLO_S3_SECRET_KEY!): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint: env.PHLO_S3_ENDPOINT!,
    forcePathStyle: true,
    credentials: { accessKeyId: env.PHLO_S3_ACCESS_KEY!, secretAccessKey: secret },
  });
}

describe('stack MinIO (S3)', () => {
  let env: Record<string, string>;
  let s3: S3Client;
  const bucket = `phlo-test-${randomBytes(5).toString('hex')}`;

  beforeAll(() => {
    env = stackEnv(['PHLO_S3_ENDPOINT', 'PHLO_S3_ACCESS_KEY', 'PHLO_S3_SECRET_KEY']);
    s3 = s3For(env);
  });

  afterAll(async () => {
    if (!s3) return;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
    for (const o of listed?.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    s3.destroy();
  });

  test('an object is written and read back byte for byte', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // 6 MiB of random bytes: more than one default multipart chunk, and no compressible pattern.
    const body = randomBytes(6 * 1024 * 1024);
    const sha = createHash('sha256').update(body).digest('hex');
    const key = 'backups/2026/dump.bin';
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/octet-stream',
        Metadata: { sha256: sha },
      }),
    );

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata?.sha256).toBe(sha);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const back = Buffer.from(await got.Body!.transformToByteArray());
    expect(back.length).toBe(body.length);
    expect(createHash('sha256').update(back).digest('hex')).toBe(sha);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'backups/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);

    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  test('a wrong secret key is refused', async () => {
    const bad = s3For(env, 'not-the-secret-key');
    try {
      const err = await bad.send(new ListObjectsV2Command({ Bucket: bucket })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(S3ServiceException);
      expect((err as S3ServiceException).name).toBe('SignatureDoesNotMatch');
    } finally {
      bad.destroy();
    }
  });
});

describe('stack PostgreSQL', () => {
  let env: Record<string, string>;

  beforeAll(() => {
    env = stackEnv(['PHLO_POSTGRES_URL']);
  });

  test('the phlo role queries the phlo database over TCP with its password', async () => {
    const client = new pg.Client({ connectionString: env.PHLO_POSTGRES_URL! });
    await client.connect();
    try {
      const who = await client.query<{ user: string; db: string; v: string }>(
        'SELECT current_user AS user, current_database() AS db, current_setting($1) AS v',
        ['server_version_num'],
      );
      expect(who.rows[0]?.user).toBe('phlo');
      expect(who.rows[0]?.db).toBe('phlo');
      expect(Number(who.rows[0]?.v)).toBeGreaterThanOrEqual(150000);

      const table = `t_${randomBytes(4).toString('hex')}`;
      await client.query(`CREATE TEMP TABLE ${table} (id int PRIMARY KEY, name text NOT NULL)`);
      await client.query(`INSERT INTO ${table} (id, name) SELECT g, 'run-' || g FROM generate_series(1, 100) AS g`);
      const agg = await client.query<{ n: string; s: string; last: string }>(
        `SELECT count(*) AS n, sum(id) AS s, max(name) FILTER (WHERE id = $1) AS last FROM ${table}`,
        [100],
      );
      expect(agg.rows[0]).toEqual({ n: '100', s: '5050', last: 'run-100' });
    } finally {
      await client.end();
    }
  });

  test('a wrong password is refused (28P01)', async () => {
    const url = new URL(env.PHLO_POSTGRES_URL!);
    url.password = 'wrong-password';
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    await client.end().catch(() => undefined);
  });
});
