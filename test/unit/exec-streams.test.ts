/** spawnExec's streams: stdout piped with backpressure and left open, stdin fed from a stream. */
import { expect, test } from '@jest/globals';
import { PassThrough, Readable, Writable } from 'node:stream';
import { spawnExec } from '../../src/lib/runtime/exec.js';

test('stdout goes into the given stream (not collected, not ended) at the pace the stream takes it', async () => {
  let received = 0;
  let writes = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      writes++;
      setImmediate(callback);
    },
  });
  const result = await spawnExec('head', ['-c', '1000000', '/dev/zero'], { stdout: slow });
  expect(result).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  expect(received).toBe(1_000_000);
  expect(writes).toBeGreaterThan(1);
  expect(slow.writableEnded).toBe(false);
});

test('stdin is read from the given stream', async () => {
  const result = await spawnExec('wc', ['-c'], { stdin: Readable.from([Buffer.alloc(300_000), Buffer.alloc(5)]) });
  expect(result.stdout.trim()).toBe('300005');
});

test('a program that stops reading its stdin early still finishes, and the stream is unpiped', async () => {
  const input = new PassThrough();
  const running = spawnExec('head', ['-c', '10'], { stdin: input });
  input.write(Buffer.alloc(100_000));
  const result = await running;
  expect(result.stdout.length).toBe(10);
  expect(input.listenerCount('data')).toBe(0);
});
