// Jest test sequencer for the serial group (scripts/test.sh passes it with --testSequencer): jest's
// own order (failed first, then slowest first), except that files named zz-*.test.ts run last, in
// name order: they check what the whole suite left behind.
import Sequencer from '@jest/test-sequencer';

const last = (test) => /(^|\/)zz-[^/]*\.test\.ts$/.test(test.path);

export default class SerialSequencer extends Sequencer {
  async sort(tests) {
    const list = await super.sort(tests);
    return [...list.filter((t) => !last(t)), ...list.filter(last).sort((a, b) => a.path.localeCompare(b.path))];
  }
}
