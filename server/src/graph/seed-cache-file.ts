import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Entity } from '../store/store';
import { CONTAINER_OVERHEAD_BYTES } from '../store/store';
import type { PreparedSeed } from './seed';

/**
 * The file of one cached seed: a header line (this format, the key, each entity set and its count), one line per
 * stored entity (its JSON.stringify, so its UTF-8 length is the text part of its stored size), and a trailer line
 * holding the SHA-256 of every byte before it. Lines are read a chunk at a time: the file's text is never whole.
 */

/** Changes whenever the layout below does; a file of another format is not read. */
const FORMAT = 'mockgraph-seed-cache/1';
/** Bytes read or written at a time. */
const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/** A cached seed as read back: the entities, and the stored size of each (entityBytes's figure), in the same order. */
export interface CachedSeed {
  seed: PreparedSeed;
  sizes: ReadonlyMap<string, readonly number[]>;
}

/**
 * Writes `seed` as the cache file `file` of `key`, through a temporary file renamed into place (a reader never sees
 * half a file). Yields after each chunk, so a caller can let requests in between; false (and no file) when the text
 * would pass `maxBytes` or the folder cannot be written.
 */
export function* writeSeedCacheFile(file: string, key: string, seed: PreparedSeed, maxBytes: number): Generator<void, boolean> {
  const temp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  // A server stopped half-way through the write leaves no half file behind.
  const removeTemp = () => {
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or renamed into place.
    }
  };
  process.once('exit', removeTemp);
  try {
    // Created here and by nobody else (a file or link already at that name makes this write give up), readable by its owner.
    fd = openSync(temp, 'wx', 0o600);
    const hash = createHash('sha256');
    let written = 0;
    const put = (text: string) => {
      const bytes = Buffer.from(text, 'utf8');
      written += bytes.length;
      if (written > maxBytes) throw new Error('over the size cap');
      hash.update(bytes);
      writeSync(fd!, bytes);
    };
    put(JSON.stringify({ format: FORMAT, key, sets: [...seed].map(([path, entities]) => [path, entities.length]) }) + '\n');
    let chunk = '';
    for (const entities of seed.values()) {
      for (const entity of entities) {
        chunk += JSON.stringify(entity) + '\n';
        if (chunk.length < CHUNK_BYTES / 4) continue;
        put(chunk);
        chunk = '';
        yield;
      }
    }
    put(chunk);
    writeSync(fd, JSON.stringify({ sha256: hash.digest('hex') }) + '\n');
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
    return true;
  } catch {
    if (fd !== undefined) closeSync(fd);
    removeTemp();
    return false;
  } finally {
    process.removeListener('exit', removeTemp);
  }
}

/**
 * The cached seed in `file`, when it is a whole, undamaged regular file of this format for `key`, of at most `maxBytes`;
 * else undefined (never an error): a missing, foreign, truncated, altered or oversized file is only a cache miss.
 */
export function readSeedCacheFile(file: string, key: string, maxBytes = Number.MAX_SAFE_INTEGER): CachedSeed | undefined {
  let fd: number;
  try {
    // Not through a link, and without waiting on a FIFO or a device put in its place: those are misses too.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    // A regular file within the cap: no line can then grow the reader's buffer past the file itself.
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    return readLines(new LineReader(fd), key);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readLines(lines: LineReader, key: string): CachedSeed | undefined {
  const hash = createHash('sha256');
  lines.hash = hash;
  const header = JSON.parse(lines.next() ?? '') as { format?: unknown; key?: unknown; sets?: unknown };
  if (header.format !== FORMAT || header.key !== key || !Array.isArray(header.sets)) return undefined;
  const seed = new Map<string, readonly Entity[]>();
  const sizes = new Map<string, readonly number[]>();
  const strings = new SharedStrings();
  for (const [path, count] of header.sets as Array<[unknown, unknown]>) {
    if (typeof path !== 'string' || typeof count !== 'number' || seed.has(path)) return undefined;
    const entities = new Array<Entity>(count);
    const bytes = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const text = lines.next();
      if (text === undefined) return undefined;
      const entity = JSON.parse(text) as Entity;
      if (typeof entity !== 'object' || entity === null || typeof entity.id !== 'string') return undefined;
      entities[i] = entity;
      bytes[i] = lines.lineBytes + CONTAINER_OVERHEAD_BYTES * settle(entity, strings, '');
    }
    seed.set(path, entities);
    sizes.set(path, bytes);
  }
  lines.stopHashing();
  const trailer = JSON.parse(lines.next() ?? '') as { sha256?: unknown };
  if (trailer.sha256 !== hash.digest('hex') || lines.next() !== undefined) return undefined;
  return { seed, sizes };
}

/** At most this many distinct strings are shared (the seed's stored form shares them too, see entity-shape.ts). */
const SHARED_STRINGS = 65_536;
/** After this many strings of a property name, a name whose values hardly repeat (ids, addresses, times) is no longer looked up. */
const TRIAL = 512;

/**
 * Strings of 11 to 64 characters shared between entities, as shaping shared them when the seed was prepared: each
 * copy of a string costs its own memory. Properties whose values are nearly all different are given up on.
 */
class SharedStrings {
  private readonly known = new Map<string, string>();
  private readonly tried = new Map<string, { seen: number; repeats: number }>();

  /** The shared copy of `v` (a value of property `name`), or undefined when there is none (yet). */
  shared(name: string, v: string): string | undefined {
    let trial = this.tried.get(name);
    if (trial === undefined) this.tried.set(name, (trial = { seen: 0, repeats: 0 }));
    else if (trial.seen >= TRIAL && trial.repeats * 4 < trial.seen) return undefined;
    trial.seen++;
    const known = this.known.get(v);
    if (known !== undefined) trial.repeats++;
    else if (this.known.size < SHARED_STRINGS) this.known.set(v, v);
    return known;
  }
}

/** Counts the objects and arrays of a parsed value (itself included), sharing its repeated strings on the way. */
function settle(value: object, strings: SharedStrings, name: string): number {
  let n = 1;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (typeof v === 'string') {
        const known = v.length > 10 && v.length <= 64 ? strings.shared(name, v) : undefined;
        if (known !== undefined) list[i] = known;
      } else if (typeof v === 'object' && v !== null) n += settle(v, strings, name);
    }
    return n;
  }
  const record = value as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    if (typeof v === 'string') {
      const known = v.length > 10 && v.length <= 64 && k !== '__proto__' ? strings.shared(k, v) : undefined;
      if (known !== undefined) record[k] = known;
    } else if (typeof v === 'object' && v !== null) n += settle(v, strings, k);
  }
  return n;
}

/** The lines of a file, read a chunk at a time; `hash`, while set, is fed every byte of the lines handed out. */
class LineReader {
  hash: ReturnType<typeof createHash> | undefined;
  /** The UTF-8 length of the last line handed out, without its newline. */
  lineBytes = 0;
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private length = 0;
  private at = 0;
  /** Where the bytes not yet fed to `hash` begin. */
  private hashedTo = 0;
  private eof = false;

  constructor(private readonly fd: number) {}

  /** The next line's text (without its newline), or undefined at the end of the file; a last line without one is not whole. */
  next(): string | undefined {
    for (;;) {
      const end = this.buf.indexOf(NEWLINE, this.at);
      if (end >= 0 && end < this.length) {
        const text = this.buf.toString('utf8', this.at, end);
        this.lineBytes = end - this.at;
        this.at = end + 1;
        if (this.hash === undefined) this.hashedTo = this.at;
        return text;
      }
      if (this.eof) {
        if (this.at < this.length) throw new Error('the last line is cut short');
        return undefined;
      }
      this.refill();
    }
  }

  /** Feeds the lines handed out so far to the hash, and no later ones. */
  stopHashing(): void {
    this.hash?.update(this.buf.subarray(this.hashedTo, this.at));
    this.hash = undefined;
    this.hashedTo = this.at;
  }

  /** Moves the unread bytes to the front (feeding the read ones to the hash), growing the buffer for a long line. */
  private refill(): void {
    if (this.hash !== undefined) this.hash.update(this.buf.subarray(this.hashedTo, this.at));
    const kept = this.length - this.at;
    if (kept * 2 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, this.at, this.length);
      this.buf = bigger;
    } else {
      this.buf.copyWithin(0, this.at, this.length);
    }
    this.length = kept;
    this.at = 0;
    this.hashedTo = 0;
    const n = readSync(this.fd, this.buf, this.length, this.buf.length - this.length, null);
    if (n === 0) this.eof = true;
    this.length += n;
  }
}
