/**
 * The values a backup passes from phase to phase, and that restore, retention and the freshness check
 * read back. A set's manifest (`BackupManifest`) is the single source for verify, retention and
 * restore: nothing else is consulted to learn what a set holds.
 *
 * Layout in the backup bucket (all keys under the plan's `backup.prefix`, default `phlo-backup/<env>/`):
 *
 *   data/<source-key>/<etag>             one server-side copy of a lake object; shared by every set whose
 *                                        manifest names it (content-addressed by key + source ETag)
 *   sets/<set-id>/set.json               SetRecord: state, started/finished, commit, plan digest
 *   sets/<set-id>/parts/<i>-of-<n>.json  LakePart written by each lake shard (a partial manifest)
 *   sets/<set-id>/database/<name>.dump   pg_dump -Fc of the PostgreSQL database (when the plan has one)
 *   sets/<set-id>/database/<name>.json   DatabaseDumpRecord (also copied into the manifest)
 *   sets/<set-id>/cluster/objects.json   the environment's objects, server fields stripped, Secret values
 *                                        out unless the plan opts in
 *   sets/<set-id>/manifest.json          BackupManifest (written by the finish phase)
 *   sets/<set-id>/manifest.json.sha256   hex SHA-256 of manifest.json's bytes
 *
 * A set is `complete` only when set.json says so, and set.json says so only after verification passed
 * and the manifest and its checksum were written. Keys are built by `src/lib/backup/layout.ts` only.
 */

/** `20261129T160312Z`: the UTC start time of the run, to the second. Sorts as it reads. */
export type SetId = string;

export type SetState = 'incomplete' | 'complete' | 'failed';

/** sets/<id>/set.json */
export interface SetRecord {
  schema: 1;
  id: SetId;
  environment: string;
  state: SetState;
  /** ISO 8601 UTC. */
  startedAt: string;
  finishedAt?: string;
  /** The commit of the repository the plan came from (GITHUB_SHA), when known. */
  commit?: string;
  /** The run that took it (GitHub run URL), when known. */
  runUrl?: string;
  /** Why a guard was overridden for this run (e.g. allow-shrink), if one was. */
  overrides?: string[];
  /** The failure, one line, when state is 'failed'. */
  error?: string;
  /** Set by the restore drill: the last time this set was restored and verified. */
  verifiedRestoreAt?: string;
}

/** One lake object in a set: where it came from and where its copy is. */
export interface LakeEntry {
  /** The source key, relative to the lake bucket (prefix included, as listed). */
  key: string;
  size: number;
  /** The source ETag, without quotes; `<hex>-<parts>` for a multipart object. */
  etag: string;
  /** ISO 8601, the source's LastModified. */
  lastModified: string;
  /** The source VersionId when the lake bucket is versioned. */
  versionId?: string;
  /** The copy's key in the backup bucket (`data/<key>/<etag>` under the prefix). */
  copyKey: string;
  /** Base64 SHA-256 checksum the store returned for the copy, when it returns one. */
  checksumSha256?: string;
  /** Part count when copied part by part (multipart source), else absent. */
  parts?: number;
}

/** sets/<id>/parts/<i>-of-<n>.json: what one lake shard listed and copied. */
export interface LakePart {
  schema: 1;
  setId: SetId;
  shard: { index: number; count: number };
  entries: LakeEntry[];
  /** Objects copied by this shard in this set (the rest were already in the store). */
  copied: number;
  copiedBytes: number;
  /** Objects left out by the plan's exclusions. */
  excluded: number;
  /**
   * With the plan's Object Lock: every copy this shard names is locked at least until `retainUntil`
   * (copies made got it; reused ones were `extended` to it, or were `alreadyLocked` as long or longer).
   */
  objectLock?: SetLock & { extended: number; alreadyLocked: number; otherMode: number };
}

/** A set's Object Lock retention: every copy the set names is locked at least until `retainUntil` (ISO 8601). */
export interface SetLock {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  retainUntil: string;
}

export interface DatabaseDumpRecord {
  kind: 'pg_dump';
  database: string;
  /** The dump's key in the backup bucket. */
  key: string;
  size: number;
  /** Hex SHA-256 of the dump's bytes, computed while streaming. */
  sha256: string;
  /** Entries `pg_restore --list` found in the dump (a truncated dump fails that check). */
  tocEntries: number;
  /** Row counts of the plan's key tables, taken in the same transaction snapshot as the dump. */
  rowCounts: Record<string, number>;
  serverVersion?: string;
}

export interface RdsSnapshotRecord {
  kind: 'rds-snapshot';
  instance: string;
  snapshotId: string;
  snapshotArn?: string;
  /** ISO 8601: the instance's LatestRestorableTime when the snapshot was taken. */
  latestRestorableTime?: string;
  backupRetentionPeriod: number;
  /** What restore needs to recreate the instance with the same network and parameters. */
  instanceSettings: {
    instanceClass?: string;
    engine?: string;
    subnetGroup?: string;
    securityGroups: string[];
    parameterGroup?: string;
    multiAz?: boolean;
  };
}

export type DatabaseRecord = DatabaseDumpRecord | RdsSnapshotRecord;

export interface ClusterRecord {
  key: string;
  sha256: string;
  objects: number;
  /** `Kind/namespace/name` of Secrets stored with keys only (their values must be filled in on restore). */
  secretsWithoutValues: string[];
}

export interface Verification {
  /** Objects whose copy was found with the recorded size and ETag/checksum. */
  verified: number;
  total: number;
  /** Objects re-read from source and backup and compared by the SHA-256 of their bytes. */
  sampled: number;
  /** One line per problem (missing copy, size or checksum mismatch), at most a few hundred. */
  problems: string[];
  /** Bytes the sample read through the runner (source and backup together). */
  sampledBytes?: number;
}

/** sets/<id>/manifest.json */
export interface BackupManifest {
  schema: 1;
  set: SetRecord;
  plan: {
    /** Hex SHA-256 of the plan file as read (so a later reader knows which plan took the set). */
    sha256: string;
    lakeBucket?: string;
    lakePrefixes: string[];
    exclude: string[];
  };
  backupBucket: string;
  /** The backup prefix, ending in '/'. */
  prefix: string;
  database: DatabaseRecord[];
  lake: {
    entries: LakeEntry[];
    objects: number;
    bytes: number;
    copied: number;
    copiedBytes: number;
    excluded: number;
    /** With the plan's Object Lock: the earliest retain-until of the set's parts (every copy is locked that long). */
    objectLock?: SetLock;
  };
  cluster?: ClusterRecord;
  verification: Verification;
}

/**
 * A backup plan, as read from `k8s/environments/<env>/backup.yaml` (reviewed in git beside the
 * manifests) and validated by `parseBackupPlan` in `src/lib/backup/plan.ts`; action inputs may
 * override the buckets. Everything has a default except the backup bucket.
 */
export interface BackupPlan {
  environment: string;
  /** Where sets and copies go. */
  backupBucket: string;
  /** Key prefix inside the backup bucket, ending in '/'; default `phlo-backup/<environment>/`. */
  prefix: string;
  database: {
    /** A logical dump with pg_dump -Fc; the connection URL comes from the action input `database-url` (a secret). */
    postgres?: { keyTables: string[] };
    /** An RDS manual snapshot per set. */
    rds?: { instance: string; minRetentionDays: number };
  };
  lake?: {
    bucket: string;
    /** Prefixes to back up ('' for the whole bucket). */
    prefixes: string[];
    /** Patterns on the key relative to the bucket root, as `aws s3 sync --exclude` reads them (`*` matches any characters, '/' included; `?` one); default ['tmp/*']. */
    exclude: string[];
    /** Objects copied at once. */
    concurrency: number;
  };
  cluster?: {
    /** Also store Secret values (refused unless the backup bucket enforces encryption). */
    includeSecretValues: boolean;
  };
  verify: {
    /** Objects re-read from both sides and compared byte for byte (by SHA-256). */
    sample: number;
  };
  guards: {
    /** Fail when the lake has shrunk by more than this percentage (objects or bytes) since the last complete set. */
    maxShrinkPercent: number;
  };
  retention: {
    keepLast: number;
    daily: number;
    weekly: number;
    monthly: number;
    /** Never delete more than this many sets plus copies in one run (the run fails before deleting). */
    maxDelete: number;
    /** Incomplete sets older than this are removed by retention (younger ones may be resumed). */
    incompleteGraceHours: number;
  };
  freshness: {
    /** The run fails when the newest complete set is older than this. */
    maxAgeHours: number;
  };
  /**
   * Object Lock retention put on every copy the run makes (the backup bucket must have Object Lock
   * enabled); absent by default, when the bucket's own default retention, if any, applies.
   */
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; days: number };
}
