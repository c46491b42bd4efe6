import type { GraphModel, StructuredTypeModel } from '../graph/model';
import type { CollectionQuery } from '../odata/query/ast';
/** A stored entity: plain JSON, Graph property names verbatim, no @odata.* keys. */
export type Entity = { readonly id: string; readonly [property: string]: unknown };

/** A value, or a promise of it: the memory and SQLite stores answer at once, a database server later. */
export type Awaitable<T> = T | Promise<T>;

/**
 * One entity collection behind the store interface; every operation is atomic, and synchronous in the memory and
 * SQLite stores (a server's store answers with promises). An operation the store cannot carry out now (its data
 * file was replaced, its database is unreachable) throws or rejects with StoreUnavailableError and changes nothing.
 */
export interface EntityCollection {
  get(id: string): Awaitable<Entity | undefined>;
  /**
   * Adds a new entity; false when the id is taken. `json`: its `JSON.stringify`, when the caller has it already.
   * `within`: the storage limits the caller checked; a store whose writers run concurrently checks them again
   * with the write and throws StoreQuotaError when it would pass one (nothing written).
   */
  insert(entity: Entity, json?: string, within?: StorageBounds): Awaitable<boolean>;
  /**
   * Replaces an existing entity; false when it does not exist. `json` as for insert. `previous`: the entity as
   * this collection's get() answered it, when the replacement was computed from it; a store whose writers run
   * concurrently throws StoreConflictError when it changed meanwhile (the caller reads it again and retries).
   */
  replace(entity: Entity, json?: string, previous?: Entity): Awaitable<boolean>;
  delete(id: string): Awaitable<boolean>;
  count(): Awaitable<number>;
  /** Every entity, in insertion order. */
  values(): Iterable<Entity> | AsyncIterable<Entity>;
  /**
   * Runs collection queries itself (a database store compiles them to its own language); when absent, the query
   * engine evaluates them over `values()`.
   */
  readonly queries?: CollectionQueries;
}

/** A collection that answers at once (memory, SQLite): what tests and start-up code may rely on. */
export interface SyncEntityCollection extends EntityCollection {
  get(id: string): Entity | undefined;
  insert(entity: Entity, json?: string): boolean;
  replace(entity: Entity, json?: string): boolean;
  delete(id: string): boolean;
  count(): number;
  values(): Iterable<Entity>;
}

/** A store that answers at once, in this process (memory, SQLite). */
export interface SyncEntityStore extends EntityStore {
  collection(path: string): SyncEntityCollection;
  reset(contents: ReadonlyMap<string, readonly Entity[]>): void;
  dataBytes(): number;
  revision(): number;
  close(): void;
}

/** A store's own evaluation of collection queries: the same results, in the same order, as the query engine's. */
export interface CollectionQueries {
  /** One page of a query (its first, or the one a `$skiptoken` of any replica names). */
  page(query: CollectionQuery, ctx: StoreQueryContext): Promise<QueryPage>;
  /** How many entities match the query's `$filter`, `$search` and cast. */
  count(query: CollectionQuery, ctx: StoreQueryContext): Promise<number>;
}

/** What a store's query needs besides the query. */
export interface StoreQueryContext {
  type: StructuredTypeModel;
  model: GraphModel;
  pageSize: number;
  now: () => Date;
  /** The query's time budget; a query that exceeds it is stopped with the engine's 400. */
  budgetMs: number;
  signal?: AbortSignal;
}

/** The storage limits a write must stay within: entities in its set, stored bytes in all sets. */
export interface StorageBounds {
  maxEntities: number;
  maxDataBytes: number;
  /** The write is close enough to a limit that concurrent writes could pass it together: check under a lock. */
  near?: boolean;
}

/** Thrown by insert() when the write would take the store past `within` (a concurrent writer got there first). */
export class StoreQuotaError extends Error {
  override readonly name = 'StoreQuotaError';
}

/** Thrown by replace() when the entity changed since `previous` was read: nothing was written. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}

/** One page of a collection query. */
export interface QueryPage {
  entities: Entity[];
  /** `@odata.count`, when `$count=true`. */
  count: number | undefined;
  /** The `$skiptoken` of the next page, when there is one. */
  nextToken: string | undefined;
  /** The `$select` in force, as the context URL lists it. */
  select: string[] | undefined;
}

/** Whether the store can take writes; `reason` says why not, for health and 503s. */
export interface StoreHealth {
  ready: boolean;
  reason?: string;
  /** When not ready: when a client may try again (default 30 s: a data file needs a restart). */
  retryAfterSeconds?: number;
}

/**
 * Thrown by an operation the store cannot carry out now (its data file was deleted or replaced, its database is
 * unreachable); nothing was changed. `retryAfterSeconds`: when a client may try again; `scope`: whether only
 * writes (a data file: reads go on from memory) or every operation (a database server) are unavailable.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 30,
    readonly scope: 'writes' | 'store' = 'writes',
  ) {
    super(message);
  }
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
  if (size === undefined) MEASURED.set(entity, (size = storedSize(entity, JSON.stringify(entity))));
  return size;
}

/**
 * Records the stored size of an entity measured elsewhere (the seed cache, graph/seed-cache.ts, keeps the sizes of the
 * entities it holds): entityBytes then answers it without serialising the entity.
 */
export function rememberEntityBytes(entity: Entity, bytes: number): void {
  MEASURED.set(entity, bytes);
}

/**
 * storedBytes(json) of an entity whose JSON text is `json`, with the objects and arrays counted on the entity (a
 * handful of values) rather than on its text (every character): the same figure.
 */
export function storedSize(entity: Entity, json: string): number {
  // A create measures the entity for its quota check, then the store measures it again as it keeps it.
  if (entity === lastSized.entity && json === lastSized.json) return lastSized.size;
  const size = Buffer.byteLength(json, 'utf8') + CONTAINER_OVERHEAD_BYTES * containersIn(entity);
  lastSized.entity = entity;
  lastSized.json = json;
  lastSized.size = size;
  return size;
}

/** The last entity storedSize measured (an entity is never changed in place, so its size stays right). */
const lastSized: { entity: Entity | undefined; json: string | undefined; size: number } = { entity: undefined, json: undefined, size: 0 };

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
  reset(contents: ReadonlyMap<string, readonly Entity[]>): Awaitable<void>;
  /**
   * Puts each set's entities into it when it is empty, atomically, and returns how many were stored; a store
   * shared by replicas implements it so that replicas starting at once seed once. Without it, applySeeds does it.
   */
  seedEmpty?(contents: ReadonlyMap<string, readonly Entity[]>): Promise<number>;
  /**
   * Runs `work`, whose store operations (of any collection) then form one transaction: all of its writes are
   * kept, or none (a failure, or a database lost half-way). Stores without it: the caller undoes what it wrote.
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;
  /** The stored JSON size of every entity in all collections, in bytes (UTF-8 of JSON.stringify). */
  dataBytes(): Awaitable<number>;
  /** Grows by at least one on every successful write and reset; tells pollers that something changed. */
  revision(): Awaitable<number>;
  /** Whether writes can be made durable now (a deleted or replaced data file, an unreachable database: not ready). */
  health(): StoreHealth;
  close(): Awaitable<void>;
}
