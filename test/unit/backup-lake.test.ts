/** The lake copy's pure parts: exclusions as `aws s3 sync --exclude` reads them, shards, copy checks. */
import { describe, expect, test } from '@jest/globals';
import { copyMatches, etagParts, isExcluded, shardOf } from '../../src/lib/backup/lake.js';

describe('isExcluded', () => {
  test.each([
    ['tmp/a', ['tmp/*'], true],
    ['tmp/deep/down/file.bin', ['tmp/*'], true], // * crosses '/'
    ['tmp', ['tmp/*'], false],
    ['warehouse/tmp/a', ['tmp/*'], false], // anchored at the start of the key
    ['warehouse/t/data/x.parquet', ['*.json'], false],
    ['warehouse/t/metadata/v1.metadata.json', ['*.json'], true],
    ['warehouse/t1/x', ['warehouse/t?/*'], true],
    ['warehouse/t12/x', ['warehouse/t?/*'], false],
    ['a.b', ['a?b'], true],
    ['axb', ['a.b'], false], // '.' is literal
    ['file+1(2)', ['file+1(2)'], true],
    ['x1', ['x[0-9]'], true],
    ['xa', ['x[!0-9]'], true],
    ['x1', ['x[!0-9]'], false],
    ['anything', [], false],
  ])('%s with %j → %s', (key, patterns, expected) => {
    expect(isExcluded(key, patterns)).toBe(expected);
  });
});

describe('shardOf', () => {
  test('deterministic, 1-based, and spreads keys over every shard', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `warehouse/t${i % 7}/data/part-${i}.parquet`);
    const counts = [0, 0, 0];
    for (const key of keys) {
      const shard = shardOf(key, 3);
      expect(shard).toBe(shardOf(key, 3));
      counts[shard - 1]! += 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(shardOf('any', 1)).toBe(1);
  });
});

describe('copy checks', () => {
  test('etagParts reads the part count of a multipart ETag', () => {
    expect(etagParts('9b2cf535f27731c974343645a3985328-3')).toBe(3);
    expect(etagParts('9b2cf535f27731c974343645a3985328')).toBeUndefined();
  });
  test('a copy matches with the same size and ETag; a single part source above 5 GiB by size alone', () => {
    expect(copyMatches({ size: 10, etag: 'a' }, { size: 10, etag: 'a' })).toBe(true);
    expect(copyMatches({ size: 10, etag: 'a' }, { size: 11, etag: 'a' })).toBe(false);
    expect(copyMatches({ size: 10, etag: 'a' }, { size: 10, etag: 'b' })).toBe(false);
    const huge = 6 * 1024 ** 3;
    expect(copyMatches({ size: huge, etag: 'a' }, { size: huge, etag: 'b-12' })).toBe(true);
    expect(copyMatches({ size: huge, etag: 'a-2' }, { size: huge, etag: 'b-2' })).toBe(false);
  });
});
