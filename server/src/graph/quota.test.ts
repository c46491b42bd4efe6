import { createMemoryStore } from '../store/memory-store';
import type { Entity } from '../store/store';
import { storedBytes } from '../store/store';
import { contentsOverLimits, storeOverLimits } from './quota';
import { loadGraphDefinition } from './registry';

const graph = loadGraphDefinition();
const PATH = 'security/ipSecurityProfiles';
const entities = (n: number): Entity[] => Array.from({ length: n }, (_, i) => ({ id: `e-${i}`, note: 'é' }));
const bytesOf = (list: Entity[]) => list.reduce((n, e) => n + storedBytes(JSON.stringify(e)), 0);

describe('start-up checks against the storage limits', () => {
  test('storeOverLimits: undefined within the limits, else one line naming the figures and the flag', async () => {
    const store = createMemoryStore();
    store.reset(new Map([[PATH, entities(3)]]));
    const bytes = bytesOf(entities(3));
    expect(await storeOverLimits({ store, graph, maxEntities: 3, maxDataBytes: bytes })).toBeUndefined();
    expect(await storeOverLimits({ store, graph, maxEntities: 2, maxDataBytes: bytes })).toBe(`over a storage limit: ${PATH} holds 3 entities, more than --max-entities allows (2); raise --max-entities`);
    expect(await storeOverLimits({ store, graph, maxEntities: 3, maxDataBytes: 10 })).toBe(
      `over a storage limit: the stored JSON is ${bytes} bytes (0.0 MiB), more than --max-data-size allows (10 bytes, 0.0 MiB); raise --max-data-size`,
    );
  });

  test('contentsOverLimits measures what a reset would store (a seed in every entity set)', () => {
    const seed = entities(1200);
    const bytes = bytesOf(seed);
    expect(contentsOverLimits(new Map([[PATH, seed]]), { maxEntities: 1200, maxDataBytes: bytes })).toBeUndefined();
    expect(contentsOverLimits(new Map([[PATH, seed]]), { maxEntities: 1000, maxDataBytes: bytes })).toBe(`over a storage limit: ${PATH} holds 1,200 entities, more than --max-entities allows (1,000); raise --max-entities`);
    expect(contentsOverLimits(new Map([[PATH, seed], ['other', seed]]), { maxEntities: 1200, maxDataBytes: bytes })).toMatch(/^over a storage limit: the stored JSON is [\d,]+ bytes .*; raise --max-data-size$/);
  });
});
