/** A stored entity: plain JSON, Graph property names verbatim, no @odata.* keys. */
export type Entity = { readonly id: string; readonly [property: string]: unknown };

/** One entity collection behind the store interface; all operations are synchronous and atomic. */
export interface EntityCollection {
  get(id: string): Entity | undefined;
  /** Adds a new entity; false when the id is taken. */
  insert(entity: Entity): boolean;
  /** Replaces an existing entity; false when it does not exist. */
  replace(entity: Entity): boolean;
  delete(id: string): boolean;
  count(): number;
  /** Every entity, in insertion order. */
  values(): Iterable<Entity>;
}

/** The store: one collection per entity-set path (e.g. `security/ipSecurityProfiles`). */
export interface EntityStore {
  collection(path: string): EntityCollection;
  /** Empties every collection. */
  clear(): void;
  close(): void;
}
