import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProfiles } from '../seed/generate';
import { loadGraphDefinition } from './registry';
import { SeedError } from './seed';
import type { PreparedSeed } from './seed';
import { pruneFolder } from './cache-folder';
import { cachedSeed, seedCacheKey } from './seed-cache';
import type { SeedCacheOptions } from './seed-cache';
import { prepareSeedFile } from './seed-stream';

const graph = loadGraphDefinition();

/** A seed file of `count` generated profiles, and a folder for the cache. */
function fixture(count = 20, random = 7): { file: string; dir: string } {
  const folder = mkdtempSync(join(tmpdir(), 'mockgraph-seed-cache-'));
  const file = join(folder, 'seed.json');
  writeFileSync(file, JSON.stringify(generateProfiles(count, random)));
  return { file, dir: join(folder, 'cache') };
}

/** cachedSeed with a preparer that counts its runs; the cache is written at once (as main.ts does once listening). */
async function load(file: string, options: SeedCacheOptions, profile: 'doc' | 'metadata' = 'doc') {
  let prepared = 0;
  const result = cachedSeed(file, graph, profile, () => (prepared++, prepareSeedFile(file, graph, profile)!), { minSeedBytes: 0, ...options });
  await result.save?.();
  return { ...result, prepared };
}

const texts = (seed: PreparedSeed) => [...seed].map(([path, entities]) => [path, entities.map((e) => JSON.stringify(e))]);
const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.cache'));

describe('cachedSeed', () => {
  test('prepares a seed once, then reads the same stored form back without preparing it', async () => {
    const { file, dir } = fixture();
    const first = await load(file, { dir });
    const second = await load(file, { dir });
    expect([first.hit, first.prepared, second.hit, second.prepared, second.save]).toEqual([false, 1, true, 0, undefined]);
    expect(texts(second.seed)).toEqual(texts(first.seed));
    expect(cacheFiles(dir)).toHaveLength(1);
  });

  test('a seed file changed by one byte, another profile or other schemas miss', async () => {
    const { file, dir } = fixture();
    await load(file, { dir });
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"countHits":', '"countHits":1'));
    expect((await load(file, { dir })).prepared).toBe(1);
    expect((await load(file, { dir }, 'metadata')).prepared).toBe(1);
    expect(seedCacheKey(file, { ...graph, files: graph.files.slice(1) }, 'doc')).not.toBe(seedCacheKey(file, graph, 'doc'));
    expect(cacheFiles(dir)).toHaveLength(3);
  });

  test('a seed that fails is never cached: it fails the same way each time', async () => {
    const { file, dir } = fixture();
    writeFileSync(file, JSON.stringify([...generateProfiles(3, 1), { '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'bad', countHits: 'many' }]));
    for (let i = 0; i < 2; i++) await expect(load(file, { dir })).rejects.toThrow(SeedError);
    expect(() => readdirSync(dir)).toThrow();
  });

  test('a damaged cache file is prepared again and replaced', async () => {
    const { file, dir } = fixture();
    const first = await load(file, { dir });
    const cached = join(dir, cacheFiles(dir)[0]!);
    const bytes = readFileSync(cached);
    bytes[Math.floor(bytes.length / 2)] = 0x20;
    writeFileSync(cached, bytes);
    expect((await load(file, { dir })).prepared).toBe(1);
    const again = await load(file, { dir });
    expect([again.hit, texts(again.seed)]).toEqual([true, texts(first.seed)]);
  });

  test('seeds under minSeedBytes, and folders that cannot be written, are only prepared', async () => {
    const { file, dir } = fixture();
    const small = cachedSeed(file, graph, 'doc', () => prepareSeedFile(file, graph, 'doc')!, { dir, minSeedBytes: statSync(file).size + 1 });
    expect([small.hit, small.save]).toEqual([false, undefined]);
    const blocked = await load(file, { dir: join(file, 'below-a-file') });
    expect([blocked.hit, blocked.prepared]).toEqual([false, 1]);
    expect((await load(file, { dir: join(file, 'below-a-file') })).prepared).toBe(1);
  });

  test('a missing seed file is the preparer\'s error, in its own words', () => {
    const { dir } = fixture();
    const missing = join(dir, 'none.json');
    expect(() => cachedSeed(missing, graph, 'doc', () => prepareSeedFile(missing, graph, 'doc')!, { dir, minSeedBytes: 0 })).toThrow(/ENOENT: no such file or directory, open/);
  });
});

describe('pruning the seed cache (cache-folder.ts)', () => {
  test('keeps the most recently used files within the count and byte bounds; drops temporary files of gone writers', async () => {
    const seeds = [1, 2, 3].map((random) => fixture(5, random));
    const dir = seeds[0]!.dir;
    const names: string[] = [];
    for (const [i, { file }] of seeds.entries()) {
      await load(file, { dir, maxFiles: 10 });
      names.push(`seed-${seedCacheKey(file, graph, 'doc').slice(0, 32)}.cache`);
      // The first seed was used longest ago.
      const used = new Date(Date.now() - (3 - i) * 60_000);
      utimesSync(join(dir, names[i]!), used, used);
    }
    writeFileSync(join(dir, 'seed-x.cache.999999999.tmp'), 'half');
    writeFileSync(join(dir, `seed-y.cache.${process.pid}.tmp`), 'in progress');
    pruneFolder(dir, { prefix: 'seed-', suffix: '.cache', maxFiles: 2, maxBytes: 1e12 });
    expect(cacheFiles(dir).sort()).toEqual(names.slice(1).sort());
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([`seed-y.cache.${process.pid}.tmp`]);
    pruneFolder(dir, { prefix: 'seed-', suffix: '.cache', maxFiles: 2, maxBytes: statSync(join(dir, names[2]!)).size });
    expect(cacheFiles(dir)).toEqual([names[2]]);
  });
});

describe('what the seed cache trusts', () => {
  test('a cache in a folder others may write to is neither read nor written: the seed is prepared each time', async () => {
    const { file, dir } = fixture();
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    expect((await load(file, { dir })).prepared).toBe(1);
    expect((await load(file, { dir })).prepared).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a FIFO, a device or a link where the cache file should be is a miss, at once (nothing waits on it)', async () => {
    const { file, dir } = fixture();
    await load(file, { dir });
    const [cacheFile] = readdirSync(dir);
    for (const plant of [(f: string) => execFileSync('mkfifo', [f]), (f: string) => symlinkSync('/dev/zero', f), (f: string) => symlinkSync(file, f)]) {
      execFileSync('rm', ['-f', join(dir, cacheFile!)]);
      plant(join(dir, cacheFile!));
      const again = await load(file, { dir });
      expect([again.hit, again.prepared]).toEqual([false, 1]);
    }
  });
});
