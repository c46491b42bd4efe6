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
}

/**
 * Builds a collection's content from entities, serialising each once; an id given twice throws. The JSON texts
 * are kept in `rows` only when asked (a store that writes them out): holding 100,000 of them would only raise
 * the memory high-water mark of a store that does not.
 */
export function buildContent(path: string, entities: readonly Entity[], keepRows = true): IndexContent {
  const items = new Map<string, Entity>();
  const sizes = new Map<string, number>();
  const rows: Array<readonly [string, string]> = [];
  let bytes = 0;
  for (const entity of entities) {
    if (items.has(entity.id)) throw new Error(`cannot reset ${path}: the id '${entity.id}' is given twice`);
    const json = keepRows ? JSON.stringify(entity) : undefined;
    const size = json === undefined ? entityBytes(entity) : storedBytes(json);
    items.set(entity.id, entity);
    sizes.set(entity.id, size);
    if (json !== undefined) rows.push([entity.id, json]);
    bytes += size;
  }
  return { items, sizes, bytes, rows };
}

/**
 * One collection's entities in insertion order with the stored size of each, kept in memory by both stores.
 * Every change is reflected in the store's tally, so `dataBytes()` never needs a rescan.
 */
export class EntityIndex {
  private items = new Map<string, Entity>();
  private sizes = new Map<string, number>();

  constructor(private readonly tally: StoreTally) {}

  get(id: string): Entity | undefined {
    return this.items.get(id);
  }
  has(id: string): boolean {
    return this.items.has(id);
  }
  count(): number {
    return this.items.size;
  }
  values(): Iterable<Entity> {
    return this.items.values();
  }
  /** Adds or replaces (keeping its place in the order) an entity of `bytes` stored bytes. */
  put(entity: Entity, bytes: number): void {
    this.tally.bytes += bytes - (this.sizes.get(entity.id) ?? 0);
    this.tally.revision++;
    this.items.set(entity.id, entity);
    this.sizes.set(entity.id, bytes);
  }
  remove(id: string): void {
    this.tally.bytes -= this.sizes.get(id) ?? 0;
    this.tally.revision++;
    this.items.delete(id);
    this.sizes.delete(id);
  }
  /** Takes new content wholesale; the store adjusts the tally once for the whole reset. */
  adopt(content: Pick<IndexContent, 'items' | 'sizes'>): void {
    this.items = content.items;
    this.sizes = content.sizes;
  }
}
