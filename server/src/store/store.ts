/** A stored entity: plain JSON, Graph property names verbatim, no @odata.* keys. */
export type Entity = { readonly id: string; readonly [property: string]: unknown };

/**
 * One entity collection behind the store interface; all operations are synchronous and atomic. A write the
 * store cannot make durable throws StoreUnavailableError and changes nothing.
 */
export interface EntityCollection {
  get(id: string): Entity | undefined;
  /** Adds a new entity; false when the id is taken. `json`: its `JSON.stringify`, when the caller has it already. */
  insert(entity: Entity, json?: string): boolean;
  /** Replaces an existing entity; false when it does not exist. `json` as for insert. */
  replace(entity: Entity, json?: string): boolean;
  delete(id: string): boolean;
  count(): number;
  /** Every entity, in insertion order. */
  values(): Iterable<Entity>;
}

/** Whether the store can take writes; `reason` says why not, for health and 503s. */
export interface StoreHealth {
  ready: boolean;
  reason?: string;
}

/** Thrown by a write the store cannot make durable (its data file was deleted or replaced); nothing was changed. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** What `dataBytes()` counts for one entity: the UTF-8 size of its JSON text. */
export function storedBytes(json: string): number {
  return Buffer.byteLength(json, 'utf8');
}

/** The store: one collection per entity-set path (e.g. `<singleton>/<containment>`). */
export interface EntityStore {
  collection(path: string): EntityCollection;
  /**
   * Replaces the whole content with `contents` (entity-set path → entities) in one atomic step: a crash
   * leaves either the old or the new content. Collections not named are emptied.
   */
  reset(contents: ReadonlyMap<string, readonly Entity[]>): void;
  /** The stored JSON size of every entity in all collections, in bytes (UTF-8 of JSON.stringify). */
  dataBytes(): number;
  /** Grows by at least one on every successful write and reset; tells pollers that something changed. */
  revision(): number;
  /** Whether writes can be made durable now (a deleted or replaced data file makes it not ready). */
  health(): StoreHealth;
  close(): void;
}
