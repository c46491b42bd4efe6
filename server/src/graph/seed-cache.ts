import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import type { Entity } from '../store/store';
import { rememberEntityBytes } from '../store/store';
import type { GraphDefinition } from './registry';
import type { PreparedSeed } from './seed';
import { makePrivateFolder, privateFolder, pruneFolder } from './cache-folder';
import { readSeedCacheFile, writeSeedCacheFile } from './seed-cache-file';
import type { ValidationProfile } from './validate';
import { hashSchemas } from './validator-cache';

/**
 * Seed files already validated and prepared, kept in their stored form (see seed-cache-file.ts) under a key that
 * covers everything the stored form depends on: the file's bytes (SHA-256), the schemas as loaded, the validation
 * profile, mockgraph's version and the code that validates, shapes and sizes (so an edited checkout never reads a
 * form its code would not make). Only seeds that were prepared without error are written, after start-up.
 */

/** Where and how much is kept. */
export interface SeedCacheOptions {
  /** The folder (the validators' cache folder by default). */
  dir: string;
  /** The most cached seeds kept; the least recently used go first. */
  maxFiles?: number;
  /** The most bytes of cached seeds kept, all files together; a seed whose file would pass it is not cached. */
  maxBytes?: number;
  /** Seeds smaller than this are prepared each time: reading them costs about what the cache would. */
  minSeedBytes?: number;
}

const DEFAULTS = { maxFiles: 4, maxBytes: 512 * 1024 * 1024, minSeedBytes: 128 * 1024 } as const;
const PREFIX = 'seed-';
const SUFFIX = '.cache';

/** A prepared seed and, when it was not cached yet, the write that caches it (to run once the server listens). */
export interface SeedFromCache {
  seed: PreparedSeed;
  /** Whether it was read from the cache. */
  hit: boolean;
  save: (() => Promise<void>) | undefined;
}

/**
 * The seed file `path` prepared by `prepare()`, or read from the cache when `prepare()` made it before for the same
 * bytes, schemas, profile and code. prepare()'s errors pass through (nothing is cached); a cache that cannot be
 * read or written only means preparing.
 */
export function cachedSeed(path: string, graph: GraphDefinition, profile: ValidationProfile, prepare: () => PreparedSeed, options: SeedCacheOptions): SeedFromCache {
  const { dir, maxFiles, maxBytes, minSeedBytes } = { ...DEFAULTS, ...options };
  const before = statOf(path);
  // A file that cannot be read is prepare()'s to report, in its own words.
  const key = before !== undefined && before.isFile() && before.size >= minSeedBytes ? keyOrUndefined(path, graph, profile) : undefined;
  if (key === undefined || !privateFolder(dir)) return { seed: prepare(), hit: false, save: undefined };
  const file = join(dir, `${PREFIX}${key.slice(0, 32)}${SUFFIX}`);
  const cached = readSeedCacheFile(file, key, maxBytes);
  if (cached !== undefined) {
    rememberSizes(cached.seed, cached.sizes);
    touch(file);
    return { seed: cached.seed, hit: true, save: undefined };
  }
  const seed = prepare();
  // A file changed while it was hashed and prepared could pair one content's key with another's entities.
  const after = statOf(path);
  if (after === undefined || after.size !== before!.size || after.mtimeMs !== before!.mtimeMs) return { seed, hit: false, save: undefined };
  return { seed, hit: false, save: () => save(file, key, seed, dir, maxFiles, maxBytes) };
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function keyOrUndefined(path: string, graph: GraphDefinition, profile: ValidationProfile): string | undefined {
  try {
    return seedCacheKey(path, graph, profile);
  } catch {
    return undefined;
  }
}

/** The key of a seed file's prepared form: everything it depends on, hashed. */
export function seedCacheKey(path: string, graph: GraphDefinition, profile: ValidationProfile): string {
  const hash = createHash('sha256').update(`${FORMAT_OF_KEY}\n${mockgraphVersion()}\n${process.version}\n${profile}\n${codeFingerprint()}\n`);
  hashSchemas(hash, graph.files);
  hash.update('\n');
  hashFile(hash, path);
  return hash.digest('hex');
}

/** Bumped when what the key covers changes. */
const FORMAT_OF_KEY = 'seed-key/1';

/** Feeds a file's bytes to `hash`, 4 MiB at a time. */
function hashFile(hash: Hash, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(4 * 1024 * 1024, Math.max(1, fstatSync(fd).size)));
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

let version: string | undefined;
function mockgraphVersion(): string {
  version ??= String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version);
  return version;
}

/** The modules (in this package) whose code makes a seed's stored form, reached from those that validate, shape and size. */
const CODE_ROOTS = ['./registry', './seed', './seed-stream', '../store/store'];

/**
 * A fingerprint of the modules that make the stored form, as loaded in this process (their files and what they
 * require, within the package): a rebuilt checkout whose version did not change still misses. Empty where the
 * loader keeps no module graph (Jest).
 */
function codeFingerprint(): string {
  const root = packageRoot();
  const seen = new Set<string>();
  const pending: NodeModule[] = [];
  for (const id of CODE_ROOTS) {
    // Loaded already by whoever prepares seeds; required here so that the fingerprint never depends on who did.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(id);
    const loaded = require.cache[require.resolve(id)];
    if (loaded) pending.push(loaded);
  }
  for (let m = pending.pop(); m !== undefined; m = pending.pop()) {
    if (seen.has(m.filename) || !m.filename.startsWith(root) || m.filename.includes('node_modules')) continue;
    seen.add(m.filename);
    pending.push(...m.children);
  }
  // Each file's size and modification time: a build rewrites what it changes, and a copy of the package only misses.
  const hash = createHash('sha256');
  for (const f of [...seen].sort()) {
    const stat = statSync(f);
    hash.update(`${f.slice(root.length)}\n${stat.size}\n${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** Hands the cached sizes to the store: entityBytes then answers them instead of serialising each entity. */
function rememberSizes(seed: PreparedSeed, sizes: ReadonlyMap<string, readonly number[]>): void {
  for (const [path, entities] of seed) {
    const bytes = sizes.get(path)!;
    for (let i = 0; i < entities.length; i++) rememberEntityBytes(entities[i]!, bytes[i]!);
  }
}

/** Marks a cached seed as just used (the least recently used go first). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // A read-only folder: its files are not evicted by this process either.
  }
}

/** Writes the cache file a chunk at a time, letting requests in between, then keeps the folder within its bounds. */
async function save(file: string, key: string, seed: PreparedSeed, dir: string, maxFiles: number, maxBytes: number): Promise<void> {
  if (!makePrivateFolder(dir)) return;
  const writing = writeSeedCacheFile(file, key, seed, maxBytes);
  for (let step = writing.next(); !step.done; step = writing.next()) await new Promise((resolve) => setImmediate(resolve));
  pruneFolder(dir, { prefix: PREFIX, suffix: SUFFIX, maxFiles, maxBytes });
}
