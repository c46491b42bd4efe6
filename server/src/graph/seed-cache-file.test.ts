import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProfiles } from '../seed/generate';
import type { Entity } from '../store/store';
import { storedSize } from '../store/store';
import { loadGraphDefinition } from './registry';
import { prepareSeeds } from './seed';
import type { PreparedSeed } from './seed';
import { readSeedCacheFile, writeSeedCacheFile } from './seed-cache-file';

const graph = loadGraphDefinition();
const path = graph.model.entitySets[0]!.path;
const KEY = 'k'.repeat(64);

function write(file: string, seed: PreparedSeed, key = KEY, maxBytes = 1e9): boolean {
  const writing = writeSeedCacheFile(file, key, seed, maxBytes);
  for (;;) {
    const step = writing.next();
    if (step.done) return step.value;
  }
}

const dir = () => mkdtempSync(join(tmpdir(), 'mockgraph-seed-file-'));
const prepared = prepareSeeds(generateProfiles(50, 3), graph, 'doc');
const odd: Entity = { id: 'odd', ['__proto__']: 'own', text: 'ünïcødé ✓ \ud83d\ude00 and a lone \ud800', nested: [{ a: [1, -2.5e-7, null, true] }], same: 'a string of twenty c' };

describe('seed cache files', () => {
  test('read back, a seed is the same entities, in the same order and key order, with the sizes entityBytes gives', () => {
    const file = join(dir(), 'seed.cache');
    const seed = new Map([...prepared, ['other/set', [odd, { id: 'twin', same: 'a string of twenty c' }]]]);
    expect(write(file, seed)).toBe(true);
    const read = readSeedCacheFile(file, KEY)!;
    expect([...read.seed.keys()]).toEqual([path, 'other/set']);
    for (const [p, entities] of seed) {
      const back = read.seed.get(p)!;
      expect(back.map((e) => JSON.stringify(e))).toEqual(entities.map((e) => JSON.stringify(e)));
      expect(read.sizes.get(p)).toEqual(entities.map((e) => storedSize(e, JSON.stringify(e))));
    }
    expect(Object.getOwnPropertyDescriptor(read.seed.get('other/set')![0], '__proto__')?.value).toBe('own');
  });

  test('an empty seed and an empty set are kept as such', () => {
    const file = join(dir(), 'seed.cache');
    write(file, new Map([[path, []]]));
    expect(readSeedCacheFile(file, KEY)?.seed).toEqual(new Map([[path, []]]));
    write(file, new Map());
    expect(readSeedCacheFile(file, KEY)?.seed).toEqual(new Map());
  });

  test('another key, a missing, foreign, truncated, altered or extended file is a miss, never an error', () => {
    const folder = dir();
    const file = join(folder, 'seed.cache');
    write(file, prepared);
    const whole = readFileSync(file);
    expect(readSeedCacheFile(file, 'another key')).toBeUndefined();
    expect(readSeedCacheFile(join(folder, 'none.cache'), KEY)).toBeUndefined();
    for (const cut of [0, 10, Math.floor(whole.length / 2), whole.length - 80, whole.length - 1]) {
      writeFileSync(file, whole);
      truncateSync(file, cut);
      expect(readSeedCacheFile(file, KEY)).toBeUndefined();
    }
    // One byte inside a string of one entity: still JSON, still the right counts, only the hash tells.
    const altered = Buffer.from(whole);
    const at = altered.indexOf('"Contoso"') + 2;
    altered[at] = altered[at]! ^ 0x01;
    writeFileSync(file, altered);
    expect(readSeedCacheFile(file, KEY)).toBeUndefined();
    writeFileSync(file, Buffer.concat([whole, Buffer.from('{"more":1}\n')]));
    expect(readSeedCacheFile(file, KEY)).toBeUndefined();
    writeFileSync(file, '{"format":"something else"}\n');
    expect(readSeedCacheFile(file, KEY)).toBeUndefined();
    writeFileSync(file, Buffer.from([0xff, 0x00, 0x0a, 0x0a]));
    expect(readSeedCacheFile(file, KEY)).toBeUndefined();
    writeFileSync(file, whole);
    expect(readSeedCacheFile(file, KEY)).toBeDefined();
  });

  test('a file over the size cap of the reader is a miss; one at the cap is read', () => {
    const file = join(dir(), 'seed.cache');
    expect(write(file, prepared)).toBe(true);
    const size = statSync(file).size;
    expect(readSeedCacheFile(file, KEY, size)).toBeDefined();
    expect(readSeedCacheFile(file, KEY, size - 1)).toBeUndefined();
  });

  test('a file that would pass the size cap, or a folder that cannot be written, leaves nothing behind', () => {
    const folder = dir();
    expect(write(join(folder, 'seed.cache'), prepared, KEY, 10_000)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
    const notAFolder = join(folder, 'file');
    writeFileSync(notAFolder, '');
    expect(write(join(notAFolder, 'seed.cache'), prepared)).toBe(false);
    expect(existsSync(join(folder, 'seed.cache'))).toBe(false);
  });

  test('lines longer than a read chunk are read whole', () => {
    const file = join(dir(), 'seed.cache');
    const long = { id: 'long', text: 'x'.repeat(9 * 1024 * 1024) };
    write(file, new Map([[path, [long, { id: 'after' }]]]));
    expect(readSeedCacheFile(file, KEY)?.seed.get(path)?.map((e) => e.id)).toEqual(['long', 'after']);
  });
});
