import { loadManifests } from '../../src/lib/manifests/index.js';
import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { materializeCorpus } from '../fixtures/bad-manifests/corpus.js';

// The cluster-independent half of the corpus: each case fails while loading/validating, with a
// clear ConfigurationError (no stack trace needed). test/stack/apply-bad-inputs.test.ts runs every
// case, including the `stage: cluster` ones, against the local stack and checks nothing was applied.
const { workspace, cases } = materializeCorpus('bad-inputs');

test('the corpus has at least 25 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(25);
});

describe.each(cases.filter((c) => c.stage === 'local').map((c) => [c.name, c] as const))('%s', (_name, c) => {
  test('is refused with a clear error', () => {
    let error: unknown;
    try {
      loadManifests(c.patterns, [workspace]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toMatch(c.expect);
    expect(message).not.toMatch(/\n\s+at /); // no stack trace in the message
  });
});

describe.each(cases.filter((c) => c.stage === 'cluster').map((c) => [c.name, c] as const))(
  '%s (needs a cluster)',
  (_name, c) => {
    test('passes local validation (only the cluster can refuse it)', () => {
      expect(loadManifests(c.patterns, [workspace]).length).toBeGreaterThan(0);
    });
  },
);
