/**
 * Which backup sets to keep: a pure planner over the sets' records and an injected clock, so it can be
 * tested over thousands of histories (test/unit/backup-retention.test.ts).
 *
 * Over **complete** sets, newest first (a set's time is its id, the UTC start of its run):
 *   - the newest complete set is always kept, whatever the policy says;
 *   - keep-last N: the N newest;
 *   - daily / weekly / monthly (grandfather-father-son): the newest set of each UTC day, ISO week
 *     (Monday to Sunday, UTC) and calendar month, for the N most recent days / weeks / months that have
 *     a complete set (a gap of a few days without a set costs no daily slot, as in restic and borg).
 * The current run's set is always kept. Incomplete sets younger than the grace period are kept (a
 * later run may resume them); older ones are abandoned runs and go, as do failed sets once the grace
 * period is over (kept that long so their record can be looked at). Every decision has its reasons.
 *
 * Planning again over the kept sets removes nothing more (the periods' newest sets and the newest N
 * are all among the kept ones), so a sweep interrupted half way and run again decides the same.
 * Deleting is sweep.ts's job, after its guards; this file never touches a bucket.
 */
import { isSetId, setIdTime } from './layout.js';
import type { BackupPlan, SetId, SetRecord } from './types.js';

export interface RetentionDecision {
  /** Newest first. */
  keep: { id: SetId; reasons: string[] }[];
  /** Newest first. */
  remove: { id: SetId; reason: string }[];
}

const HOUR = 3_600_000;

/** `2026-11-29` */
export function dayOf(t: Date): string {
  return t.toISOString().slice(0, 10);
}

/** `2026-11` */
export function monthOf(t: Date): string {
  return t.toISOString().slice(0, 7);
}

/** ISO 8601 week of a UTC time, `2026-W48` (the week's year may differ from the date's near New Year). */
export function isoWeekOf(t: Date): string {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  const weekday = d.getUTCDay() || 7; // Monday 1 … Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of the same week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function hours(ms: number): string {
  const h = ms / HOUR;
  return `${h < 10 ? h.toFixed(1) : Math.round(h)} h`;
}

/**
 * Decides, for every set, keep (with every rule that keeps it) or remove (with why). `current` is the
 * id of this run's set: always kept. Sets whose id is not a set id are kept and named as such (this
 * planner never removes what it cannot date).
 */
export function planRetention(
  sets: readonly SetRecord[],
  policy: BackupPlan['retention'],
  now: Date,
  current?: SetId,
): RetentionDecision {
  const byId = new Map<SetId, SetRecord>();
  for (const s of sets) {
    const seen = byId.get(s.id);
    // the same id listed twice (should not happen): the more advanced state speaks for it
    if (!seen || rank(s.state) > rank(seen.state)) byId.set(s.id, s);
  }
  const ids = [...byId.keys()].sort().reverse();
  const reasons = new Map<SetId, string[]>(ids.map((id) => [id, []]));
  const keep = (id: SetId, reason: string): void => {
    reasons.get(id)!.push(reason);
  };

  const dated = ids.filter((id) => isSetId(id));
  for (const id of ids) if (!isSetId(id)) keep(id, 'not a set id this planner can date: left alone');
  if (current !== undefined && reasons.has(current)) keep(current, 'the current run');

  const complete = dated.filter((id) => byId.get(id)!.state === 'complete');
  if (complete[0] !== undefined) keep(complete[0], 'the newest complete set');
  complete.slice(0, policy.keepLast).forEach((id, i) => keep(id, `keep-last ${i + 1}/${policy.keepLast}`));
  const periods = [
    { name: 'daily', count: policy.daily, of: dayOf },
    { name: 'weekly', count: policy.weekly, of: isoWeekOf },
    { name: 'monthly', count: policy.monthly, of: monthOf },
  ];
  for (const period of periods) {
    const seen = new Set<string>();
    for (const id of complete) {
      if (seen.size >= period.count) break;
      const key = period.of(setIdTime(id));
      if (seen.has(key)) continue;
      seen.add(key);
      keep(id, `${period.name} ${key} (${seen.size}/${period.count})`);
    }
  }

  const grace = policy.incompleteGraceHours * HOUR;
  const decision: RetentionDecision = { keep: [], remove: [] };
  for (const id of ids) {
    const record = byId.get(id)!;
    const why = reasons.get(id)!;
    if (why.length === 0 && record.state !== 'complete') {
      const age = now.getTime() - setIdTime(id).getTime();
      if (age < grace) {
        why.push(
          record.state === 'failed'
            ? `failed ${hours(Math.max(0, age))} ago: kept for the grace period (${policy.incompleteGraceHours} h)`
            : `incomplete, ${hours(Math.max(0, age))} old: within the grace period (${policy.incompleteGraceHours} h), may be resumed`,
        );
      } else {
        decision.remove.push({
          id,
          reason:
            record.state === 'failed'
              ? `failed ${hours(age)} ago, past the grace period (${policy.incompleteGraceHours} h)`
              : `incomplete for ${hours(age)}, past the grace period (${policy.incompleteGraceHours} h): an abandoned run`,
        });
        continue;
      }
    }
    if (why.length) decision.keep.push({ id, reasons: why });
    else
      decision.remove.push({
        id,
        reason:
          `complete, but not among the newest ${policy.keepLast} nor the newest of one of the last ` +
          `${policy.daily} days, ${policy.weekly} weeks or ${policy.monthly} months with a set`,
      });
  }
  return decision;
}

function rank(state: SetRecord['state']): number {
  return state === 'complete' ? 2 : state === 'failed' ? 1 : 0;
}

/**
 * The RDS manual snapshots to delete after a sweep: those tagged with a set the decision removes, and
 * those whose set is gone from the store (a sweep that removed the set but not its snapshot) when
 * they are older than the oldest kept set — so a listing that found no sets at all (a wrong prefix)
 * never deletes a snapshot. Snapshots without a set tag are not ours and are never named. Pure.
 */
export function rdsRetention(
  snapshots: readonly { snapshotId: string; setId?: SetId }[],
  decision: RetentionDecision,
): string[] {
  const removed = new Set(decision.remove.map((r) => r.id));
  const kept = new Set(decision.keep.map((k) => k.id));
  const datedKept = [...kept].filter((id) => isSetId(id)).sort();
  const oldestKept = datedKept[0];
  return snapshots
    .filter((s) => {
      if (!s.setId || !isSetId(s.setId)) return false;
      if (removed.has(s.setId)) return true;
      return !kept.has(s.setId) && oldestKept !== undefined && s.setId < oldestKept;
    })
    .map((s) => s.snapshotId);
}

export interface Freshness {
  newestComplete?: SetId;
  /** Hours since the newest complete set started (its data is as of then), one decimal. */
  ageHours?: number;
  /** A complete set exists and is no older than the limit. */
  ok: boolean;
  /** The set most recently restored and verified by the restore drill, and when. */
  lastVerifiedRestore?: { id: SetId; at: string };
}

/** The age of the newest complete set against `freshness.maxAgeHours`. Pure. */
export function freshness(sets: readonly SetRecord[], now: Date, maxAgeHours: number): Freshness {
  const complete = sets
    .filter((s) => s.state === 'complete' && isSetId(s.id))
    .map((s) => s.id)
    .sort();
  const newest = complete[complete.length - 1];
  let lastVerifiedRestore: Freshness['lastVerifiedRestore'];
  for (const s of sets) {
    if (!s.verifiedRestoreAt || Number.isNaN(Date.parse(s.verifiedRestoreAt))) continue;
    if (!lastVerifiedRestore || Date.parse(s.verifiedRestoreAt) > Date.parse(lastVerifiedRestore.at)) {
      lastVerifiedRestore = { id: s.id, at: s.verifiedRestoreAt };
    }
  }
  const extra = lastVerifiedRestore ? { lastVerifiedRestore } : {};
  if (newest === undefined) return { ok: false, ...extra };
  const age = (now.getTime() - setIdTime(newest).getTime()) / HOUR;
  return { newestComplete: newest, ageHours: Math.round(age * 10) / 10, ok: age <= maxAgeHours, ...extra };
}

/** One line for the summary: `newest complete set 20261129T020000Z, 3.2 h old (limit 26 h)`. */
export function freshnessLine(f: Freshness, maxAgeHours: number): string {
  const restore = f.lastVerifiedRestore
    ? `; last verified restore: ${f.lastVerifiedRestore.id} at ${f.lastVerifiedRestore.at}`
    : '; no verified restore recorded';
  if (!f.newestComplete) return `no complete backup set (limit ${maxAgeHours} h)${restore}`;
  return (
    `newest complete set ${f.newestComplete}, ${f.ageHours} h old ` +
    `(limit ${maxAgeHours} h${f.ok ? '' : ': TOO OLD'})${restore}`
  );
}
