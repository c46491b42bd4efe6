import { buildContent, EntityIndex } from './entity-index';
import type { StoreTally } from './entity-index';
import type { Entity, SyncEntityCollection, SyncEntityStore } from './store';
import { storedSize } from './store';

class MemoryCollection implements SyncEntityCollection {
  readonly index: EntityIndex;

  constructor(tally: StoreTally) {
    this.index = new EntityIndex(tally);
  }

  get(id: string): Entity | undefined {
    return this.index.get(id);
  }
  insert(entity: Entity, json?: string): boolean {
    return this.index.insert(entity, storedSize(entity, json ?? JSON.stringify(entity)));
  }
  replace(entity: Entity, json?: string): boolean {
    if (!this.index.has(entity.id)) return false;
    this.index.put(entity, storedSize(entity, json ?? JSON.stringify(entity)));
    return true;
  }
  delete(id: string): boolean {
    if (!this.index.has(id)) return false;
    this.index.remove(id);
    return true;
  }
  count(): number {
    return this.index.count();
  }
  values(): readonly Entity[] {
    return this.index.values();
  }
}

/** The default store: process memory, gone when the process ends. */
export function createMemoryStore(): SyncEntityStore {
  const tally: StoreTally = { bytes: 0, revision: 0 };
  const collections = new Map<string, MemoryCollection>();
  const collection = (path: string) => {
    let c = collections.get(path);
    if (!c) collections.set(path, (c = new MemoryCollection(tally)));
    return c;
  };
  return {
    collection,
    reset(contents) {
      // Everything is built before anything is replaced: a bad content (an id twice) changes nothing.
      const built = [...contents].map(([path, entities]) => [path, buildContent(path, entities, false)] as const);
      const named = new Set(contents.keys());
      for (const [path, c] of collections) if (!named.has(path)) c.index.adopt({ items: new Map(), sizes: new Map() });
      for (const [path, content] of built) collection(path).index.adopt(content);
      tally.bytes = built.reduce((n, [, content]) => n + content.bytes, 0);
      tally.revision++;
    },
    dataBytes: () => tally.bytes,
    revision: () => tally.revision,
    health: () => ({ ready: true }),
    close() {},
  };
}
