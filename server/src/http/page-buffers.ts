import type { Response } from 'express';

/**
 * Buffers for large response bodies (a page of 100 entities is ≈ 100 KB), used again once a response has been
 * written instead of allocated for every response. Each one is memory outside the collector's heap that lives until a
 * collection notices its Buffer is garbage: under a steady load of pages, tens of megabytes of written pages waited for
 * that, and the allocator kept the room they took (the RSS after the benchmark's filter load fell by ≈ 30 MB).
 *
 * Only bodies larger than the request log's head are pooled: the log copies the head of such a body (it never keeps the
 * body itself), so nothing refers to a buffer once its response has finished.
 */
export const MIN_POOLED_BYTES = 64 * 1024;
/** Bodies larger than this are allocated as before (rare; the pool would hold them for nothing). */
export const MAX_POOLED_BYTES = 8 * 1024 * 1024;
/** At most this many free buffers of each size class (powers of two) are kept. */
const FREE_PER_CLASS = 4;
/** At most this many bytes of free buffers are kept in all. */
export const MAX_FREE_BYTES = 16 * 1024 * 1024;

const free = new Map<number, ArrayBuffer[]>();
let freeBytes = 0;
/** The memory the pool made (a buffer of other memory is never taken into it). */
const made = new WeakSet<ArrayBuffer>();

/** The size class of a body of `bytes`: the next power of two. */
function classOf(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(bytes));
}

/**
 * `bytes` bytes to write a body into (their content is whatever was there): from the pool for a body between
 * MIN_POOLED_BYTES and MAX_POOLED_BYTES, else a new buffer. A pooled one goes back with {@link releaseWhenWritten}.
 */
export function bodyBuffer(bytes: number): Buffer {
  if (bytes < MIN_POOLED_BYTES || bytes > MAX_POOLED_BYTES) return Buffer.allocUnsafe(bytes);
  const size = classOf(bytes);
  let memory = free.get(size)?.pop();
  if (memory !== undefined) freeBytes -= size;
  else made.add((memory = new ArrayBuffer(size)));
  return Buffer.from(memory, 0, bytes);
}

/**
 * Returns a body buffer to the pool when `res` has finished, that is when every byte of the response has been handed
 * to the system; a response that never finishes (the client went away mid-write) keeps it, and the collector frees it.
 */
export function releaseWhenWritten(res: Response, buffer: Buffer): void {
  const memory = buffer.buffer as ArrayBuffer;
  if (!made.has(memory)) return;
  res.once('finish', () => {
    const size = memory.byteLength;
    let list = free.get(size);
    if (list === undefined) free.set(size, (list = []));
    if (list.length >= FREE_PER_CLASS || freeBytes + size > MAX_FREE_BYTES) return;
    list.push(memory);
    freeBytes += size;
  });
}

/** The bytes of free buffers the pool holds now (at most MAX_FREE_BYTES). */
export function pooledFreeBytes(): number {
  return freeBytes;
}
