import assert from 'node:assert/strict';
import {
  dayOf,
  freshness,
  freshnessLine,
  isoWeekOf,
  monthOf,
  planRetention,
  rdsRetention,
  type RetentionDecision,
} from '../../src/lib/backup/retention.js';
import { setIdAt, setIdTime } from '../../src/lib/backup/layout.js';
import type { BackupPlan, SetRecord, SetState } from '../../src/lib/backup/types.js';

type Policy = BackupPlan['retention'];
const POLICY: Policy = { keepLast: 2, daily: 3, weekly: 2, monthly: 2, maxDelete: 1000, incompleteGraceHours: 24 };
const HOUR = 3_600_000;

function record(at: Date | string, state: SetState = 'complete', extra: Partial<SetRecord> = {}): SetRecord {
  const date = typeof at === 'string' ? new Date(at) : at;
  return { schema: 1, id: setIdAt(date), environment: 'staging', state, startedAt: date.toISOString(), ...extra };
}

describe('periods', () => {
  test.each([
    ['2026-01-01T00:00:00Z', '2026-W01'], // a Thursday
    ['2027-01-01T12:00:00Z', '2026-W53'], // a Friday: still the last week of 2026
    ['2024-12-30T00:00:00Z', '2025-W01'], // a Monday: the first week of 2025
    ['2026-11-29T23:59:59Z', '2026-W48'], // a Sunday
    ['2026-11-30T00:00:00Z', '2026-W49'], // the Monday after
  ])('%s is in %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
  });
  test('day and month are UTC', () => {
    expect(dayOf(new Date('2026-11-29T23:30:00-05:00'))).toBe('2026-11-30');
    expect(monthOf(new Date('2026-11-30T23:30:00-05:00'))).toBe('2026-12');
  });
});

describe('planRetention, by example', () => {
  const now = new Date('2026-11-29T06:00:00Z');
  const sets = [
    record('2026-11-29T02:00:00Z'),
    record('2026-11-28T14:00:00Z'),
    record('2026-11-28T02:00:00Z'),
    record('2026-11-27T02:00:00Z'),
    record('2026-11-26T02:00:00Z'),
    record('2026-11-20T02:00:00Z'),
    record('2026-10-15T02:00:00Z'),
    record('2026-09-15T02:00:00Z'),
    record('2026-11-29T05:00:00Z', 'incomplete'),
    record('2026-11-27T05:00:00Z', 'incomplete'),
    record('2026-11-28T05:00:00Z', 'failed', { error: 'boom' }),
    record('2026-11-25T05:00:00Z', 'failed', { error: 'boom' }),
  ];

  test('every set gets a decision with its reasons', () => {
    const d = planRetention(sets, POLICY, now);
    expect(d.keep).toEqual([
      { id: '20261129T050000Z', reasons: ['incomplete, 1.0 h old: within the grace period (24 h), may be resumed'] },
      {
        id: '20261129T020000Z',
        reasons: [
          'the newest complete set',
          'keep-last 1/2',
          'daily 2026-11-29 (1/3)',
          'weekly 2026-W48 (1/2)',
          'monthly 2026-11 (1/2)',
        ],
      },
      { id: '20261128T140000Z', reasons: ['keep-last 2/2', 'daily 2026-11-28 (2/3)'] },
      { id: '20261127T020000Z', reasons: ['daily 2026-11-27 (3/3)'] },
      { id: '20261120T020000Z', reasons: ['weekly 2026-W47 (2/2)'] },
      { id: '20261015T020000Z', reasons: ['monthly 2026-10 (2/2)'] },
    ]);
    expect(d.remove).toEqual([
      { id: '20261128T050000Z', reason: 'failed 25 h ago, past the grace period (24 h)' },
      {
        id: '20261128T020000Z',
        reason:
          'complete, but not among the newest 2 nor the newest of one of the last 3 days, 2 weeks or 2 months with a set',
      },
      { id: '20261127T050000Z', reason: 'incomplete for 49 h, past the grace period (24 h): an abandoned run' },
      { id: '20261126T020000Z', reason: expect.stringMatching(/^complete, but not among/) },
      { id: '20261125T050000Z', reason: 'failed 97 h ago, past the grace period (24 h)' },
      { id: '20260915T020000Z', reason: expect.stringMatching(/^complete, but not among/) },
    ]);
  });

  test('the current run is kept even when it is old and incomplete', () => {
    const d = planRetention(sets, POLICY, now, '20261127T050000Z');
    expect(d.keep.find((k) => k.id === '20261127T050000Z')?.reasons).toEqual(['the current run']);
  });

  test('the newest complete set is kept by a policy that would keep nothing', () => {
    const none = { ...POLICY, keepLast: 0, daily: 0, weekly: 0, monthly: 0 };
    const d = planRetention(sets, none, now);
    expect(d.keep.filter((k) => k.reasons.includes('the newest complete set')).map((k) => k.id)).toEqual([
      '20261129T020000Z',
    ]);
  });

  test('no sets, only incomplete ones, an id the planner cannot date', () => {
    expect(planRetention([], POLICY, now)).toEqual({ keep: [], remove: [] });
    const odd = { ...record('2026-01-01T00:00:00Z'), id: 'not-a-set' };
    const d = planRetention([record('2026-01-01T00:00:00Z', 'incomplete'), odd], POLICY, now);
    expect(d.keep).toEqual([{ id: 'not-a-set', reasons: ['not a set id this planner can date: left alone'] }]);
    expect(d.remove.map((r) => r.id)).toEqual(['20260101T000000Z']);
  });
});

// ---- property-style: many seeded random clocks, histories and policies ------------------------------

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  seed: number;
  now: Date;
  sets: SetRecord[];
  policy: Policy;
  current?: string;
}

function randomCase(seed: number): Case {
  const r = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  // a clock anywhere from 2020 to 2035, so histories cross New Year, leap days and ISO week 53
  const now = new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 15 * 365 * 24) * HOUR + int(0, 3599) * 1000);
  const sets = new Map<string, SetRecord>();
  const n = int(0, 80);
  // a nightly-ish history with bursts (several runs in a day), gaps (weeks without one) and a few in
  // the future (a runner clock ahead of the planner's)
  let t = now.getTime() + (r() < 0.1 ? int(1, 48) * HOUR : -int(0, 30) * HOUR);
  for (let i = 0; i < n; i++) {
    const roll = r();
    const state: SetState = roll < 0.7 ? 'complete' : roll < 0.9 ? 'incomplete' : 'failed';
    const rec = record(new Date(Math.floor(t / 1000) * 1000), state);
    sets.set(rec.id, rec);
    const gap = r();
    t -= gap < 0.2 ? int(1, 6) * HOUR : gap < 0.85 ? int(20, 28) * HOUR : int(2, 60) * 24 * HOUR;
  }
  const list = [...sets.values()];
  // each rule off often enough that every combination, all off included, comes up
  const maybe = (hi: number): number => (r() < 0.35 ? 0 : int(1, hi));
  const policy: Policy = {
    keepLast: maybe(10),
    daily: maybe(10),
    weekly: maybe(6),
    monthly: maybe(14),
    maxDelete: 1000,
    incompleteGraceHours: int(1, 72),
  };
  const pick = r();
  const current =
    pick < 0.4 || list.length === 0 ? undefined : pick < 0.8 ? list[0]!.id : list[int(0, list.length - 1)]!.id;
  return { seed, now, sets: list, policy, ...(current ? { current } : {}) };
}

const CASES = 2000;

function check(c: Case, decision: RetentionDecision): void {
  const ids = c.sets.map((s) => s.id);
  const kept = new Set(decision.keep.map((k) => k.id));
  const removed = new Set(decision.remove.map((r) => r.id));
  const state = new Map(c.sets.map((s) => [s.id, s.state]));
  const complete = ids
    .filter((id) => state.get(id) === 'complete')
    .sort()
    .reverse();

  // keep ∪ remove = all, and nothing is both
  assert.deepEqual([...kept, ...removed].sort(), [...ids].sort(), 'keep ∪ remove = all');
  for (const id of kept) assert.ok(!removed.has(id), `${id} both kept and removed`);
  // every decision says why
  for (const k of decision.keep) assert.ok(k.reasons.length > 0, `${k.id} kept without a reason`);
  for (const r of decision.remove) assert.match(r.reason, /\S/, `${r.id} removed without a reason`);
  // the newest complete set is always kept
  if (complete[0]) assert.ok(kept.has(complete[0]), `the newest complete set ${complete[0]} removed`);
  // the current run's set is always kept
  if (c.current) assert.ok(kept.has(c.current), `the current set ${c.current} removed`);
  // keep-last honoured
  for (const id of complete.slice(0, c.policy.keepLast)) assert.ok(kept.has(id), `keep-last: ${id} removed`);
  // GFS honoured: the newest set of each of the N most recent days/weeks/months with a set
  for (const [count, of] of [
    [c.policy.daily, dayOf],
    [c.policy.weekly, isoWeekOf],
    [c.policy.monthly, monthOf],
  ] as const) {
    const newestOf = new Map<string, string>();
    for (const id of complete) if (!newestOf.has(of(setIdTime(id)))) newestOf.set(of(setIdTime(id)), id);
    for (const id of [...newestOf.values()].slice(0, count)) assert.ok(kept.has(id), `${of.name}: ${id} removed`);
  }
  // not complete: kept exactly when within the grace period (or the current run)
  for (const id of ids) {
    if (state.get(id) === 'complete' || id === c.current) continue;
    const young = c.now.getTime() - setIdTime(id).getTime() < c.policy.incompleteGraceHours * HOUR;
    assert.equal(kept.has(id), young, `${state.get(id)} ${id}: kept ${kept.has(id)}, young ${young}`);
  }
  // idempotent: planning again over the kept sets removes nothing more
  const again = planRetention(
    c.sets.filter((s) => kept.has(s.id)),
    c.policy,
    c.now,
    c.current,
  );
  assert.deepEqual(again.remove, [], 'planning again removed more');
  assert.deepEqual(
    again.keep.map((k) => k.id),
    decision.keep.map((k) => k.id),
  );
}

test(`planRetention keeps its promises over ${CASES} random clocks and histories`, () => {
  let removedSome = 0;
  let completeRemoved = 0;
  let nothingByRule = 0;
  for (let seed = 1; seed <= CASES; seed++) {
    const c = randomCase(seed);
    const decision = planRetention(c.sets, c.policy, c.now, c.current);
    try {
      check(c, decision);
    } catch (error) {
      throw new Error(
        `seed ${seed} (now ${c.now.toISOString()}, policy ${JSON.stringify(c.policy)}, current ${c.current}, ` +
          `${c.sets.length} sets): ${(error as Error).message}`,
      );
    }
    if (decision.remove.length) removedSome++;
    const p = c.policy;
    if (p.keepLast + p.daily + p.weekly + p.monthly === 0 && c.sets.some((s) => s.state === 'complete'))
      nothingByRule++;
    if (decision.remove.some((r) => r.reason.startsWith('complete'))) completeRemoved++;
  }
  // the generator exercises removals, not only keeps, and policies that keep no complete set by rule
  expect(nothingByRule).toBeGreaterThan(5);
  expect(removedSome).toBeGreaterThan(CASES / 2);
  expect(completeRemoved).toBeGreaterThan(CASES / 4);
});

test('planning is independent of the order the sets are listed in', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const c = randomCase(seed);
    const shuffled = [...c.sets].reverse();
    expect(planRetention(shuffled, c.policy, c.now, c.current)).toEqual(
      planRetention(c.sets, c.policy, c.now, c.current),
    );
  }
});

describe('rdsRetention', () => {
  const decision: RetentionDecision = {
    keep: [
      { id: '20261129T020000Z', reasons: ['the newest complete set'] },
      { id: '20261120T020000Z', reasons: ['weekly'] },
    ],
    remove: [{ id: '20261125T020000Z', reason: 'x' }],
  };
  test('snapshots of removed sets, and of sets gone from the store that are older than every kept set', () => {
    expect(
      rdsRetention(
        [
          { snapshotId: 'keep-newest', setId: '20261129T020000Z' },
          { snapshotId: 'removed', setId: '20261125T020000Z' },
          { snapshotId: 'orphan-old', setId: '20261101T020000Z' },
          { snapshotId: 'orphan-between', setId: '20261122T020000Z' },
          { snapshotId: 'not-ours' },
          { snapshotId: 'bad-tag', setId: 'yesterday' },
        ],
        decision,
      ),
    ).toEqual(['removed', 'orphan-old']);
  });
  test('nothing kept (an empty or wrong listing): only snapshots of removed sets', () => {
    expect(rdsRetention([{ snapshotId: 'a', setId: '20261101T020000Z' }], { keep: [], remove: [] })).toEqual([]);
  });
});

describe('freshness', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  test('the newest complete set, its age, the last verified restore', () => {
    const sets = [
      record('2026-11-28T02:00:00Z', 'complete', { verifiedRestoreAt: '2026-11-28T09:00:00Z' }),
      record('2026-11-29T02:00:00Z'),
      record('2026-11-29T11:00:00Z', 'incomplete'),
      record('2026-11-20T02:00:00Z', 'complete', { verifiedRestoreAt: '2026-11-21T09:00:00Z' }),
    ];
    const f = freshness(sets, now, 26);
    expect(f).toEqual({
      newestComplete: '20261129T020000Z',
      ageHours: 10,
      ok: true,
      lastVerifiedRestore: { id: '20261128T020000Z', at: '2026-11-28T09:00:00Z' },
    });
    expect(freshnessLine(f, 26)).toBe(
      'newest complete set 20261129T020000Z, 10 h old (limit 26 h); last verified restore: 20261128T020000Z at 2026-11-28T09:00:00Z',
    );
  });
  test('exactly at the limit, a second past it, none at all', () => {
    expect(freshness([record('2026-11-28T10:00:00Z')], now, 26)).toEqual({
      newestComplete: '20261128T100000Z',
      ageHours: 26,
      ok: true,
    });
    const late = freshness([record('2026-11-28T09:59:59Z')], now, 26);
    expect(late).toMatchObject({ ok: false, ageHours: 26 });
    expect(freshnessLine(late, 26)).toMatch(/26 h old \(limit 26 h: TOO OLD\); no verified restore recorded$/);
    expect(freshness([record('2026-11-29T11:00:00Z', 'incomplete')], now, 26)).toEqual({ ok: false });
    expect(freshnessLine({ ok: false }, 26)).toBe('no complete backup set (limit 26 h); no verified restore recorded');
  });
});
