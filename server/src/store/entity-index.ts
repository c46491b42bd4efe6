import type { Entity } from './store';
import { entityBytes, storedBytes } from './store';

/** What a store counts over all its collections: the stored JSON bytes and the write revision. */
export interface StoreTally {
  bytes: number;
  revision: number;
}

/** A collection's new content, built whole before it replaces the old one (a reset). */
export interface IndexContent {
  readonly items: Map<string, Entity>;
  readonly sizes: Map<string, number>;
  readonly bytes: number;
  /** Each entity's id and JSON text, in order, for a store that writes them out. */
  readonly rows: ReadonlyArray<readonly [string, string]>;
  /** The same content as EntityIndex holds it (items and sizes are then made only if asked for). */
  readonly slots?: Map<string, Slot>;
}

/**
 * Builds a collection's content from entities, serialising each once; an id given twice throws. The JSON texts
 * are kept in `rows` only when asked (a store that writes them out): holding 100,000 of them would only raise
 * the memory high-water mark of a store that does not.
 */
export function buildContent(path: string, entities: readonly Entity[], keepRows = true): IndexContent {
  const slots = new Map<string, Slot>();
  const rows: Array<readonly [string, string]> = [];
  let bytes = 0;
  for (const entity of entities) {
    const json = keepRows ? JSON.stringify(entity) : undefined;
    const size = json === undefined ? entityBytes(entity) : storedBytes(json);
    // One lookup an entity, not two: an id given twice leaves the map's size as it was (and the content unused).
    const before = slots.size;
    slots.set(entity.id, { entity, bytes: size });
    if (slots.size === before) throw new Error(`cannot reset ${path}: the id '${entity.id}' is given twice`);
    if (json !== undefined) rows.push([entity.id, json]);
    bytes += size;
  }
  return {
    slots,
    bytes,
    rows,
    get items() {
      return new Map([...slots].map(([id, slot]) => [id, slot.entity]));
    },
    get sizes() {
      return new Map([...slots].map(([id, slot]) => [id, slot.bytes]));
    },
  };
}

/** An entity and its stored size, under its id. */
export interface Slot {
  entity: Entity;
  bytes: number;
}

/**
 * One collection's entities in insertion order with the stored size of each, kept in memory by both stores.
 * Every change is reflected in the store's tally, so `dataBytes()` never needs a rescan. `values()` answers an array
 * (a scan over 100,000 entities walks it faster than a Map iterator), frozen and made again after a write, so whoever
 * holds it reads one consistent state, and what is derived from it (see odata/query/columns.ts) stays valid.
 */
export class EntityIndex {
  private slots = new Map<string, Slot>();
  /** The entities in order, made when first asked for after a write. */
  private list: readonly Entity[] | undefined;

  constructor(private readonly tally: StoreTally) {}

  get(id: string): Entity | undefined {
    return this.slots.get(id)?.entity;
  }
  has(id: string): boolean {
    return this.slots.has(id);
  }
  count(): number {
    return this.slots.size;
  }
  values(): readonly Entity[] {
    if (this.list === undefined) {
      const list = new Array<Entity>(this.slots.size);
      let i = 0;
      for (const slot of this.slots.values()) list[i++] = slot.entity;
      this.list = Object.freeze(list);
    }
    return this.list;
  }
  /** Adds an entity of `bytes` stored bytes, unless its id is taken (then false). */
  insert(entity: Entity, bytes: number): boolean {
    if (this.slots.has(entity.id)) return false;
    this.slots.set(entity.id, { entity, bytes });
    this.tally.bytes += bytes;
    this.tally.revision++;
    this.list = undefined;
    return true;
  }
  /** Adds or replaces (keeping its place in the order) an entity of `bytes` stored bytes. */
  put(entity: Entity, bytes: number): void {
    const slot = this.slots.get(entity.id);
    if (slot === undefined) {
      this.insert(entity, bytes);
      return;
    }
    this.tally.bytes += bytes - slot.bytes;
    this.tally.revision++;
    slot.entity = entity;
    slot.bytes = bytes;
    this.list = undefined;
  }
  remove(id: string): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.tally.bytes -= slot.bytes;
    this.tally.revision++;
    this.slots.delete(id);
    this.list = undefined;
  }
  /** Takes new content wholesale (buildContent's is taken as it is); the store adjusts the tally once for the whole reset. */
  adopt(content: Pick<IndexContent, 'items' | 'sizes' | 'slots'>): void {
    let slots = content.slots;
    if (slots === undefined) {
      slots = new Map<string, Slot>();
      for (const [id, entity] of content.items) slots.set(id, { entity, bytes: content.sizes.get(id) ?? 0 });
    }
    this.slots = slots;
    this.list = undefined;
  }
}
