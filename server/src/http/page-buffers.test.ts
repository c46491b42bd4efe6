import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { MAX_LOGGED_BODY_BYTES } from './log-redaction';
import { bodyBuffer, MAX_POOLED_BYTES, MIN_POOLED_BYTES, releaseWhenWritten } from './page-buffers';

/** A response that only says when it has finished (all the pool listens for). */
const response = () => new EventEmitter() as unknown as Response & EventEmitter;

/** Takes a buffer of `bytes`, writes it, and finishes its response: the pool has it back. */
function written(bytes: number): Buffer {
  const buffer = bodyBuffer(bytes);
  const res = response();
  releaseWhenWritten(res, buffer);
  res.emit('finish');
  return buffer;
}

describe('buffers for large response bodies', () => {
  test('only bodies larger than the request log keeps the head of are pooled, so the log never holds a pooled buffer', () => {
    expect(MIN_POOLED_BYTES).toBeGreaterThan(MAX_LOGGED_BODY_BYTES + 4);
  });

  test('a finished response gives its buffer back, and the next body of its size class is written into the same memory', () => {
    const first = written(100_000);
    expect(first.length).toBe(100_000);
    const second = bodyBuffer(70_000);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(70_000);
    // A body of another size class gets memory of its own.
    expect(bodyBuffer(200_000).buffer).not.toBe(first.buffer);
  });

  test('a response that never finishes (the client went away mid-write) keeps its buffer out of the pool', () => {
    const buffer = bodyBuffer(300_000);
    const res = response();
    releaseWhenWritten(res, buffer);
    res.emit('close');
    expect(bodyBuffer(300_000).buffer).not.toBe(buffer.buffer);
  });

  test('a buffer is not reused before its response finished, even while other responses take buffers', () => {
    const inFlight = bodyBuffer(90_000);
    releaseWhenWritten(response(), inFlight);
    const others = Array.from({ length: 3 }, () => written(90_000));
    for (const other of others) expect(other.buffer).not.toBe(inFlight.buffer);
  });

  test('bodies of exactly MIN_POOLED_BYTES and MAX_POOLED_BYTES are pooled; one byte outside either is not', () => {
    for (const bytes of [MIN_POOLED_BYTES, MAX_POOLED_BYTES]) {
      const first = written(bytes);
      expect(bodyBuffer(bytes).buffer).toBe(first.buffer);
    }
    for (const bytes of [MIN_POOLED_BYTES - 1, MAX_POOLED_BYTES + 1]) {
      const res = response();
      releaseWhenWritten(res, bodyBuffer(bytes));
      expect(res.listenerCount('finish')).toBe(0);
    }
  });

  test('small and very large bodies are plain allocations, never taken back', () => {
    const small = bodyBuffer(MIN_POOLED_BYTES - 1);
    const huge = bodyBuffer(MAX_POOLED_BYTES + 1);
    for (const b of [small, huge]) {
      const res = response();
      releaseWhenWritten(res, b);
      expect(res.listenerCount('finish')).toBe(0);
    }
    // Memory the pool did not make is never taken in, whatever its size.
    const foreign = Buffer.alloc(MIN_POOLED_BYTES * 2);
    const res = response();
    releaseWhenWritten(res, foreign);
    expect(res.listenerCount('finish')).toBe(0);
  });

  test('the pool keeps at most four free buffers a size class and MAX_FREE_BYTES in all', () => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pool = require('./page-buffers') as typeof import('./page-buffers');
      const release = (bytes: number, count: number) => {
        const taken = Array.from({ length: count }, () => pool.bodyBuffer(bytes));
        for (const b of taken) {
          const res = response();
          pool.releaseWhenWritten(res, b);
          res.emit('finish');
        }
      };
      expect(pool.pooledFreeBytes()).toBe(0);
      release(1_500_000, 8);
      expect(pool.pooledFreeBytes()).toBe(4 * 2 ** 21);
      release(3_000_000, 8);
      expect(pool.pooledFreeBytes()).toBe(pool.MAX_FREE_BYTES);
      release(6_000_000, 2);
      expect(pool.pooledFreeBytes()).toBe(pool.MAX_FREE_BYTES);
      // Taking from the pool makes room again.
      pool.bodyBuffer(1_500_000);
      expect(pool.pooledFreeBytes()).toBe(pool.MAX_FREE_BYTES - 2 ** 21);
    });
  });
});
