/**
 * The database writers. A logical dump: downloaded (hashed again on the way: it must still be the
 * bytes the plan checked), pg_restore into a new database on the target server (or, in place, over
 * the recorded database with --clean), then the key tables' row counts compared with the backup's.
 * An RDS snapshot: a new instance from the snapshot or at a point in time, with the source's subnet
 * group, security groups, parameter group, class and Multi-AZ passed explicitly, then waited for.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDBInstancesCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  RestoreDBInstanceToPointInTimeCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { Exec } from '../runtime/exec.js';
import type { Logger } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import { GateFailure } from '../runtime/errors.js';
import type { DumpPlan, RdsPlan } from './plan.js';
import { createDatabase, pgRestore, rowCounts, type PgServer } from './postgres.js';

export interface DumpRestoreResult {
  database: string;
  server: string;
  rowCounts: Record<string, number>;
  expected: Record<string, number>;
  problems: string[];
}

/** Downloads s3://bucket/key to `file`, returning the SHA-256 of what was written. */
export async function downloadHashed(
  s3: S3Client,
  bucket: string,
  key: string,
  file: string,
): Promise<{ sha256: string; size: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(got.Body as Readable, tap, createWriteStream(file, { mode: 0o600 }));
  return { sha256: hash.digest('hex'), size };
}

export async function restoreDump(
  dump: DumpPlan,
  ports: { s3: S3Client; exec: Exec; logger: Logger },
  options: { backupBucket: string; server: PgServer; tempDir: string },
): Promise<DumpRestoreResult> {
  const file = path.join(options.tempDir, `phlo-restore-${process.pid}-${path.basename(dump.record.key)}`);
  try {
    const got = await downloadHashed(ports.s3, options.backupBucket, dump.record.key, file);
    if (got.sha256 !== dump.record.sha256 || got.size !== dump.record.size)
      throw new GateFailure(
        `Database: the dump s3://${options.backupBucket}/${dump.record.key} changed since the dry run (SHA-256 ${got.sha256}, expected ${dump.record.sha256}); nothing was restored.`,
      );
    if (!dump.inPlace) {
      ports.logger.info(`database: creating '${dump.targetDatabase}' on ${dump.server}`);
      await createDatabase(ports.exec, options.server, dump.targetDatabase);
    }
    ports.logger.info(`database: pg_restore into '${dump.targetDatabase}' on ${dump.server}`);
    await pgRestore(ports.exec, options.server, dump.targetDatabase, file, { clean: dump.inPlace });
  } finally {
    await rm(file, { force: true });
  }
  const expected = dump.record.rowCounts;
  const counts = await rowCounts(ports.exec, options.server, dump.targetDatabase, Object.keys(expected));
  const problems: string[] = [];
  for (const [table, n] of Object.entries(expected)) {
    const got = counts[table];
    if (got !== n)
      problems.push(
        got === -1
          ? `table ${table} is missing from '${dump.targetDatabase}' (the backup counted ${n} rows)`
          : `table ${table} has ${got} rows in '${dump.targetDatabase}', the backup counted ${n}`,
      );
  }
  return { database: dump.targetDatabase, server: dump.server, rowCounts: counts, expected, problems };
}

export interface RdsRestoreResult {
  instance: string;
  status: string;
  endpoint?: string;
  subnetGroup?: string;
  securityGroups: string[];
  parameterGroup?: string;
  instanceClass?: string;
  multiAz?: boolean;
}

/** Starts the restore with every network and parameter setting explicit, then waits until available. */
export async function restoreRds(
  rdsPlan: RdsPlan,
  rds: RDSClient,
  ports: { logger: Logger; clock: Clock },
  options: { setId: string; timeoutMs: number; pollMs?: number },
): Promise<RdsRestoreResult> {
  const s = rdsPlan.record.instanceSettings;
  const common = {
    ...(s.instanceClass ? { DBInstanceClass: s.instanceClass } : {}),
    ...(s.subnetGroup ? { DBSubnetGroupName: s.subnetGroup } : {}),
    ...(s.securityGroups.length ? { VpcSecurityGroupIds: s.securityGroups } : {}),
    ...(s.parameterGroup ? { DBParameterGroupName: s.parameterGroup } : {}),
    MultiAZ: s.multiAz ?? false,
    PubliclyAccessible: false,
    CopyTagsToSnapshot: true,
    Tags: [
      { Key: 'phlo.dev/restored-from-set', Value: options.setId },
      { Key: 'phlo.dev/restored-from', Value: rdsPlan.record.instance },
    ],
  };
  ports.logger.info(`rds: restoring '${rdsPlan.newInstance}' (${rdsPlan.mode})`);
  if (rdsPlan.mode === 'point-in-time')
    await rds.send(
      new RestoreDBInstanceToPointInTimeCommand({
        SourceDBInstanceIdentifier: rdsPlan.record.instance,
        TargetDBInstanceIdentifier: rdsPlan.newInstance,
        RestoreTime: new Date(rdsPlan.pointInTime!),
        ...common,
      }),
    );
  else
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: rdsPlan.newInstance,
        DBSnapshotIdentifier: rdsPlan.record.snapshotId,
        ...common,
      }),
    );
  const deadline = ports.clock.now() + options.timeoutMs;
  for (;;) {
    const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: rdsPlan.newInstance }));
    const i = r.DBInstances?.[0];
    const status = i?.DBInstanceStatus ?? 'unknown';
    if (status === 'available')
      return {
        instance: rdsPlan.newInstance,
        status,
        ...(i?.Endpoint?.Address ? { endpoint: `${i.Endpoint.Address}:${i.Endpoint.Port ?? ''}` } : {}),
        ...(i?.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: i.DBSubnetGroup.DBSubnetGroupName } : {}),
        securityGroups: (i?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
        ...(i?.DBParameterGroups?.[0]?.DBParameterGroupName
          ? { parameterGroup: i.DBParameterGroups[0].DBParameterGroupName }
          : {}),
        ...(i?.DBInstanceClass ? { instanceClass: i.DBInstanceClass } : {}),
        ...(i?.MultiAZ !== undefined ? { multiAz: i.MultiAZ } : {}),
      };
    if (
      ['failed', 'incompatible-restore', 'incompatible-parameters', 'incompatible-network', 'storage-full'].includes(
        status,
      )
    )
      throw new GateFailure(`RDS: the restored instance '${rdsPlan.newInstance}' is ${status}.`);
    if (ports.clock.now() > deadline)
      throw new GateFailure(
        `RDS: '${rdsPlan.newInstance}' was not available within ${Math.round(options.timeoutMs / 60_000)} minutes (last status ${status}).`,
      );
    await ports.clock.sleep(options.pollMs ?? 30_000);
  }
}
