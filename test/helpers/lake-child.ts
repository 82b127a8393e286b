/**
 * One lake copy as its own process, for the kill-and-resume and sharding tests (made runnable by
 * `transpileForNode` in test/helpers/transpile.ts), run with its settings as JSON in LAKE_CHILD:
 *   { endpoint, accessKeyId, secretAccessKey, lake, backup, prefix, setId, concurrency, exclude, shard? }
 * Prints the LakePart as one JSON line on stdout; log lines go to stderr.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createAwsClient } from '../../src/lib/aws/client.js';
import { backupLake } from '../../src/lib/backup/lake.js';
import { backupStore } from '../../src/lib/backup/store.js';
import { ConsoleLogger } from '../../src/lib/runtime/logger.js';

interface ChildSettings {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  lake: string;
  backup: string;
  prefix: string;
  setId: string;
  concurrency: number;
  exclude: string[];
  shard?: { index: number; count: number };
}

const settings = JSON.parse(process.env.LAKE_CHILD ?? '{}') as ChildSettings;
const s3 = createAwsClient(S3Client, {
  region: 'us-east-1',
  endpoint: settings.endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
});
const part = await backupLake(
  backupStore(s3, settings.backup, settings.prefix),
  settings.setId,
  { s3, bucket: settings.lake, prefixes: [''], exclude: settings.exclude },
  { concurrency: settings.concurrency, ...(settings.shard ? { shard: settings.shard } : {}) },
  new ConsoleLogger(),
);
process.stdout.write(`${JSON.stringify(part)}\n`);
s3.destroy();
