/**
 * TEMPORARY: the signatures of functions other helpers are writing (store, lake, verify, database,
 * rds, cluster, plan, guards, retention, sweep). Deleted as each lands on main.
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Logger } from '../runtime/logger.js';
import type { Clock } from '../runtime/clock.js';
import type { KubeClient } from '../kube/client.js';
import type { BackupStore } from './store.js';
import type { RetentionDecision } from './retention.js';
import type { ClusterRecord, RdsSnapshotRecord, SetId } from './types.js';

const pending = (name: string): never => {
  throw new Error(`${name} has not landed yet`);
};

export async function snapshotRds(
  rds: RDSClient,
  setId: SetId,
  options: { instance: string; minRetentionDays: number },
  ports: { clock: Clock; logger: Logger },
): Promise<RdsSnapshotRecord> {
  void [rds, setId, options, ports];
  return pending('snapshotRds');
}
export async function backupCluster(
  store: BackupStore,
  setId: SetId,
  kube: KubeClient,
  options: { environment: string; includeSecretValues: boolean },
  logger: Logger,
): Promise<ClusterRecord> {
  void [store, setId, kube, options, logger];
  return pending('backupCluster');
}

export interface SweepResult {
  deletedSets: SetId[];
  deletedObjects: number;
}
export async function sweep(
  store: BackupStore,
  decision: RetentionDecision,
  options: { maxDelete: number; dryRun: boolean; currentComplete: boolean },
  logger: Logger,
): Promise<SweepResult> {
  void [store, options, logger];
  // until sweep.ts lands: nothing to delete is the one decision this stand-in can carry out
  if (decision.remove.length === 0) return { deletedSets: [], deletedObjects: 0 };
  return pending('sweep');
}
