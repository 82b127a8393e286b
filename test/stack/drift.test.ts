/**
 * drift-check on the local stack: a real API server, real field managers (changes made with the
 * stack's kubectl, as a person would), no mocks of Kubernetes.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { check, deployEnvironment, kubectl, redeploy, summaryOf, type DriftEnv } from './drift.fixtures.js';

let d: DriftEnv;
beforeAll(async () => {
  d = await deployEnvironment();
});
afterAll(async () => {
  await d?.remove();
});

describe('no false positives', () => {
  test('a freshly deployed environment is clean (server defaults, the Secret unchanged, the record used)', async () => {
    const r = await check(d);
    console.log(JSON.stringify({ ...r, items: r.items.map((i) => ({ ...i, diff: i.diff })) }, null, 1));
    expect(summaryOf(r)).toEqual([]);
    expect(r.status).toBe('clean');
  });
});
