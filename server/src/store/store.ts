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

/**
 * What an object or array costs in memory beyond its JSON text (V8 object headers, hidden classes, element
 * stores): `{}` is 2 bytes of JSON but about this much of heap, so a quota of JSON bytes alone would not bound memory.
 */
export const CONTAINER_OVERHEAD_BYTES = 48;

/** The number of objects and arrays in a JSON text (brackets outside strings). */
function containers(json: string): number {
  let n = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) n++;
  }
  return n;
}

/**
 * What `dataBytes()` and the `--max-data-size` quota count for one entity: the UTF-8 size of its JSON text plus
 * CONTAINER_OVERHEAD_BYTES for each object and array in it, so that the quota bounds memory, not only text.
 */
export function storedBytes(json: string): number {
  return Buffer.byteLength(json, 'utf8') + CONTAINER_OVERHEAD_BYTES * containers(json);
}

/** Sizes of entity objects already measured: a seed is measured for its quota check, then stored. */
const MEASURED = new WeakMap<Entity, number>();

/**
 * storedBytes of an entity, serialising it only the first time this object is measured (stored entities are
 * replaced on every write, never changed in place, so an object's size does not change).
 */
export function entityBytes(entity: Entity): number {
  let size = MEASURED.get(entity);
  // The same figure as storedBytes(JSON.stringify(entity)), with the containers counted on the object (per value,
  // not per character of its text).
  if (size === undefined) MEASURED.set(entity, (size = Buffer.byteLength(JSON.stringify(entity), 'utf8') + CONTAINER_OVERHEAD_BYTES * containersIn(entity)));
  return size;
}

/** The objects and arrays in a JSON value, itself included. */
function containersIn(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 1;
  if (Array.isArray(value)) for (const v of value) n += containersIn(v);
  else for (const k in value) n += containersIn((value as Record<string, unknown>)[k]);
  return n;
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
