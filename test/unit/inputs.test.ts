import { ConfigurationError } from '../../src/lib/runtime/errors.js';
import { Inputs, fromRecord, parseDuration, parseList } from '../../src/lib/runtime/inputs.js';

const inputs = (r: Record<string, string>) => new Inputs(fromRecord(r));

describe('booleans', () => {
  test.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['on', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['off', false],
    ['0', false],
  ])('%s → %s', (raw, want) => {
    expect(inputs({ flag: raw }).boolean('flag', !want)).toBe(want);
  });
  test('empty takes the default', () => {
    expect(inputs({}).boolean('flag', true)).toBe(true);
  });
  test('anything else names the input and the expected form', () => {
    expect(() => inputs({ prune: 'maybe' }).boolean('prune', false)).toThrow(
      new ConfigurationError("Input 'prune' is 'maybe': expected true or false."),
    );
  });
});

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['2', 2000],
    ['1.5s', 1500],
    ['1d', 86_400_000],
  ])('%s → %d ms', (raw, ms) => {
    expect(parseDuration('timeout', raw)).toBe(ms);
  });
  test.each(['10 minutes', 'm10', '-5s', '5x', '1h 30m', ''])('%j is rejected', (raw) => {
    expect(() => parseDuration('timeout', raw)).toThrow(/Input 'timeout' is .*expected a duration such as 30s, 10m/);
  });
  test('a default given as text is parsed too', () => {
    expect(inputs({}).duration('timeout', '5m')).toBe(300_000);
  });
});

describe('lists', () => {
  test('split on newlines and commas, trimmed, blanks dropped', () => {
    expect(parseList('a, b\n\n c,\nd ,')).toEqual(['a', 'b', 'c', 'd']);
  });
  test('empty gives the fallback', () => {
    expect(inputs({}).list('paths', ['/health'])).toEqual(['/health']);
  });
});

describe('integers, enums, maps, required', () => {
  test('integer range', () => {
    expect(inputs({ n: '5' }).int('n', 1, { min: 1, max: 10 })).toBe(5);
    expect(() => inputs({ n: '0' }).int('n', 1, { min: 1, max: 10 })).toThrow(
      "Input 'n' is '0': expected a whole number from 1 to 10.",
    );
    expect(() => inputs({ n: '2.5' }).int('n', 1)).toThrow("Input 'n' is '2.5': expected a whole number.");
  });
  test('oneOf is case-insensitive and lists the choices', () => {
    expect(inputs({ s: 'high' }).oneOf('s', ['LOW', 'HIGH'], 'LOW')).toBe('HIGH');
    expect(() => inputs({ s: 'urgent' }).oneOf('s', ['LOW', 'HIGH'], 'LOW')).toThrow('expected one of LOW, HIGH');
  });
  test('map of key=value lines rejects repeats and lines without =', () => {
    expect([...inputs({ m: 'a=1\nb = two=2' }).map('m')]).toEqual([
      ['a', '1'],
      ['b', 'two=2'],
    ]);
    expect(() => inputs({ m: 'a=1\na=2' }).map('m')).toThrow('each key once (a repeats)');
    expect(() => inputs({ m: 'novalue' }).map('m')).toThrow("Input 'm' is 'novalue': expected key=value pairs");
  });
  test('required names the input', () => {
    expect(() => inputs({}).required('environment', 'an environment name such as production')).toThrow(
      "Input 'environment' is required but was not set: expected an environment name such as production.",
    );
  });
  test('url must be http(s)', () => {
    expect(inputs({ u: 'https://x.example/a' }).url('u')?.host).toBe('x.example');
    expect(() => inputs({ u: 'ftp://x' }).url('u')).toThrow('expected an absolute http:// or https:// URL');
  });
});
