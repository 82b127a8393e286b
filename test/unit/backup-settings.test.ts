// The backup action's settings (every problem at once, secrets masked first), its summary lines, and
// its notices (a backup's PagerDuty incident is its own: a deploy never resolves it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBackupSettings } from '../../src/lib/backup/settings.js';
import { backupSummary, freshnessLine } from '../../src/lib/backup/summary.js';
import type { BackupResult } from '../../src/lib/backup/backup.js';
import { pagerdutyEvent, slackMessage } from '../../src/lib/notify/notify.js';
import { Inputs, fromRecord } from '../../src/lib/runtime/inputs.js';

let workspace: string;
const PASSWORD = 'pa55-w0rd-never-shown';

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'phlo-backup-settings-'));
  mkdirSync(join(workspace, 'k8s', 'environments', 'staging'), { recursive: true });
  writeFileSync(
    join(workspace, 'k8s', 'environments', 'staging', 'backup.yaml'),
    'environment: staging\nbackupBucket: phlo-backup-staging\ndatabase:\n  postgres:\n    keyTables: [runs]\nlake:\n  bucket: phlo-lake-staging\n',
  );
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const parse = (inputs: Record<string, string>, masked: string[] = []) =>
  parseBackupSettings(new Inputs(fromRecord({ workspace, ...inputs })), {}, (s) => masked.push(s));

test('defaults: phase all, one shard, the plan beside the manifests, the URL and its password masked', () => {
  const masked: string[] = [];
  const s = parse({ environment: 'staging', 'database-url': `postgres://phlo:${PASSWORD}@db:5432/phlo` }, masked);
  expect(s).toMatchObject({
    environment: 'staging',
    phase: 'all',
    shard: { index: 1, count: 1 },
    shards: 1,
    dryRun: false,
    planFile: join('k8s', 'environments', 'staging', 'backup.yaml'),
    plan: { backupBucket: 'phlo-backup-staging', prefix: 'phlo-backup/staging/', lake: { exclude: ['tmp/*'] } },
  });
  expect(s.planSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(masked).toEqual(expect.arrayContaining([PASSWORD, `postgres://phlo:${PASSWORD}@db:5432/phlo`]));
});

test('a lake shard needs the set id and a valid i/N; overrides apply', () => {
  const s = parse({
    environment: 'staging',
    phase: 'lake',
    'set-id': '20261129T020000Z',
    shard: '2/3',
    'backup-bucket': 'other-backup',
  });
  expect(s).toMatchObject({ phase: 'lake', setId: '20261129T020000Z', shard: { index: 2, count: 3 }, shards: 3 });
  expect(s.plan.backupBucket).toBe('other-backup');
});

test('every problem at once, naming the inputs, the password never in the message', () => {
  let message = '';
  try {
    parse({
      environment: 'staging',
      phase: 'finish',
      shard: '4/3',
      'allow-shrink': 'true',
      'database-url': `mysql://root:${PASSWORD}@db/phlo`,
    });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain("Input 'set-id' is required with phase 'finish'");
  expect(message).toContain("Input 'shard' is '4/3'");
  expect(message).toContain("Input 'allow-shrink' is 'true'");
  expect(message).toContain("Input 'database-url' is not a PostgreSQL URL");
  expect(message).not.toContain(PASSWORD);
});

test('the plan needs database-url when it dumps PostgreSQL (not for a dry run)', () => {
  expect(() => parse({ environment: 'staging' })).toThrow(/database\.postgres but input 'database-url' is not set/);
  expect(parse({ environment: 'staging', 'dry-run': 'true' }).dryRun).toBe(true);
});

const result = (over: Partial<BackupResult>): BackupResult => ({
  environment: 'staging',
  phase: 'all',
  dryRun: false,
  state: 'complete',
  resumed: false,
  overrides: [],
  database: [],
  plan: [],
  setId: '20261129T020000Z',
  ...over,
});

test('summary: verified and freshness lines, the failure last', () => {
  const ok = result({
    lake: { objects: 12, bytes: 4096, copied: 3, copiedBytes: 1024, excluded: 2 },
    verification: { verified: 12, total: 12, sampled: 4, problems: [] },
    freshness: { lastComplete: '20261129T020000Z', ageHours: 5, maxAgeHours: 26, fresh: true },
  });
  const md = backupSummary(ok);
  expect(md).toContain('verified: 12/12 objects, sampled: 4');
  expect(md).toContain('12 objects (4096 bytes); 3 copied (1024 bytes), 9 already present; 2 excluded');
  expect(md).toContain('last complete set: 20261129T020000Z, 5h');
  const stale = result({
    state: 'failed',
    failure: 'Backup guard: the lake listing is empty',
    freshness: { lastComplete: '20261120T020000Z', ageHours: 216, maxAgeHours: 26, fresh: false },
  });
  expect(freshnessLine(stale)).toBe('last complete set: 20261120T020000Z, 9d 0h (older than 26h)');
  expect(backupSummary(stale)).toMatch(/❌ Backup of staging failed[\s\S]*\*\*Failure\*\*: Backup guard/);
});

test("a backup's notices say backup and keep their own PagerDuty incident; a deploy's are unchanged", () => {
  const notice = { event: 'failure' as const, environment: 'production', repository: 'org/phlo', headline: 'x' };
  const deploy = pagerdutyEvent(notice, 'k') as { dedup_key: string; payload: { summary: string; class: string } };
  const backup = pagerdutyEvent({ ...notice, activity: 'backup' }, 'k') as typeof deploy;
  expect(deploy.dedup_key).toBe('phlo-deploy/org/phlo/production');
  expect(deploy.payload.summary).toBe('org/phlo deploy to production: x');
  expect(deploy.payload.class).toBe('deploy-failure');
  expect(backup.dedup_key).toBe('phlo-deploy/backup/org/phlo/production');
  expect(backup.payload.summary).toBe('org/phlo backup of production: x');
  expect(backup.payload.class).toBe('backup-failure');
  expect(JSON.stringify(slackMessage({ ...notice, activity: 'backup' }))).toContain('org/phlo → production: x');
});
