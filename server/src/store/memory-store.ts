import type { Entity, EntityCollection, EntityStore } from './store';

class MemoryCollection implements EntityCollection {
  private readonly items = new Map<string, Entity>();

  get(id: string): Entity | undefined {
    return this.items.get(id);
  }
  insert(entity: Entity): boolean {
    if (this.items.has(entity.id)) return false;
    this.items.set(entity.id, entity);
    return true;
  }
  replace(entity: Entity): boolean {
    if (!this.items.has(entity.id)) return false;
    this.items.set(entity.id, entity);
    return true;
  }
  delete(id: string): boolean {
    return this.items.delete(id);
  }
  count(): number {
    return this.items.size;
  }
  values(): Iterable<Entity> {
    return this.items.values();
  }
  clear(): void {
    this.items.clear();
  }
}

/** The default store: process memory, gone when the process ends. */
export function createMemoryStore(): EntityStore {
  const collections = new Map<string, MemoryCollection>();
  return {
    collection(path) {
      let c = collections.get(path);
      if (!c) collections.set(path, (c = new MemoryCollection()));
      return c;
    },
    clear() {
      for (const c of collections.values()) c.clear();
    },
    close() {},
  };
}
