import type { JsonObject } from '../json';
import type { AppDeps } from '../options';
import type { Entity, EntityCollection } from '../store/store';
import { storedBytes, storedSize, StoreConflictError, StoreQuotaError, StoreUnavailableError } from '../store/store';
import { assertCreateBody, recordedTypeOf } from './derived-types';
import { applyPatch, idProblem, toStoredEntity } from './entity-shape';
import { GraphError } from './errors';
import type { EntitySetModel, StructuredTypeModel } from './model';
import { assertRoomToCreate, assertRoomToUpdate } from './quota';

/** What the entity operations need from the app's dependencies. */
export type OperationDeps = Pick<AppDeps, 'store' | 'graph' | 'newId' | 'validation' | 'maxEntities' | 'maxDataBytes'>;


function entityType(deps: OperationDeps, set: EntitySetModel): StructuredTypeModel {
  const type = deps.graph.model.resolveType(set.entityType);
  if (!type) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
  return type;
}

/** The type an entity of the set is of: the derived type it records, else the set's type. */
export function ownTypeOf(deps: Pick<OperationDeps, 'graph'>, set: EntitySetModel, entity: Entity): StructuredTypeModel {
  const declared = deps.graph.model.resolveType(set.entityType);
  if (!declared) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
  return recordedTypeOf(entity, declared, deps.graph.model);
}

function collectionOf(deps: OperationDeps, set: EntitySetModel): EntityCollection {
  return deps.store.collection(set.path);
}

/**
 * Graph's 503 with Retry-After for an operation the store cannot carry out now (its data file was deleted or
 * replaced, its database is unreachable): never an acknowledged write that a restart loses, never a 500.
 */
export function storeUnavailable(err: StoreUnavailableError): GraphError {
  const seconds = err.retryAfterSeconds;
  // The graph layer cannot import http/headers.ts; this is Graph's header name, as HEADER.retryAfter spells it.
  return new GraphError('ServiceUnavailable', `${err.scope === 'writes' ? 'Writes are' : 'The store is'} unavailable: ${err.message}. Retry after ${seconds} second${seconds === 1 ? '' : 's'}.`, { 'Retry-After': String(seconds) });
}

/** Runs a store operation; StoreUnavailableError becomes Graph's 503 (storeUnavailable). Also for admin writes (reset). */
export async function usingStore<T>(write: () => T | Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw err instanceof StoreUnavailableError ? storeUnavailable(err) : err;
  }
}

/** A client-supplied id, or a 400 when no URL could address it (empty, or over MAX_ID_LENGTH). */
function acceptedId(id: string): string {
  const problem = idProblem(id);
  if (problem !== undefined) throw new GraphError('BadRequest', `Invalid request body: ${problem}`);
  return id;
}

/** Graph's 404 for a key that names nothing. */
export function notFound(key: string): GraphError {
  return new GraphError('ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
}

/**
 * Validates a create body (against the contract of the derived type its `@odata.type` names, if it names one),
 * assigns (or keeps) the id and stores the entity, recording its type when it is a derived one.
 */
export async function createEntity(deps: OperationDeps, set: EntitySetModel, body: unknown): Promise<Entity> {
  const declared = entityType(deps, set);
  const type = assertCreateBody(deps.graph.validator, deps.graph.model, declared, deps.validation, body);
  // shapeStructured keeps only properties (no annotations) at every level it knows; dynamic values are stripped here.
  const input = body as JsonObject;
  const id = typeof input.id === 'string' ? acceptedId(input.id) : deps.newId();
  const entity = toStoredEntity(input, id, declared, deps.graph.model);
  // Serialised once: the quota counts this text and the store writes it.
  const json = JSON.stringify(entity);
  const collection = collectionOf(deps, set);
  const bytes = storedSize(entity, json);
  const { near } = await assertRoomToCreate(deps, set, collection, bytes);
  let inserted: boolean;
  try {
    inserted = await usingStore(() => collection.insert(entity, json, { maxEntities: deps.maxEntities, maxDataBytes: deps.maxDataBytes, near }));
  } catch (err) {
    if (!(err instanceof StoreQuotaError)) throw err;
    // Another writer took the room meanwhile: the check again names the limit, the figures and the flag.
    await assertRoomToCreate(deps, set, collection, bytes);
    throw new GraphError('quotaLimitReached', `Insufficient storage: concurrent writes filled the room this entity needed within --max-entities or --max-data-size; nothing was stored.`);
  }
  if (!inserted) {
    throw new GraphError('Conflict', `Another ${type.name} already has the id '${id}'.`);
  }
  return entity;
}

/** The stored entity with this key, or Graph's 404. */
export async function readEntity(deps: OperationDeps, set: EntitySetModel, key: string): Promise<Entity> {
  const entity = await collectionOf(deps, set).get(key);
  if (!entity) throw notFound(key);
  return entity;
}

/** Optimistic attempts of a PATCH before it waits for its turn (a store with transactions locks the entity then). */
const OPTIMISTIC_ATTEMPTS = 2;
/** The most attempts of a PATCH in all (a store without transactions retries optimistically until then). */
const UPDATE_ATTEMPTS = 8;

/**
 * Validates a PATCH body (only what was sent) by the entity's own type and applies it; the id cannot change.
 * Applied to the entity as stored when it is written: a store with concurrent writers refuses a replacement
 * computed from a version that changed meanwhile, and the patch is applied again to a fresh read; after
 * OPTIMISTIC_ATTEMPTS, in a transaction that holds the entity (its read locks it), so it lands.
 */
export async function updateEntity(deps: OperationDeps, set: EntitySetModel, key: string, body: unknown): Promise<Entity> {
  for (let attempt = 1; ; attempt++) {
    const once = () => applyUpdate(deps, set, key, body);
    try {
      return attempt > OPTIMISTIC_ATTEMPTS && deps.store.atomically ? await deps.store.atomically(once) : await once();
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
      if (attempt >= UPDATE_ATTEMPTS) throw new GraphError('Conflict', `The entity '${key}' is being changed by other requests at the same time; nothing was updated. Retry the request.`);
    }
  }
}

/** One attempt of updateEntity: read, validate, apply, check the quota, replace what was read. */
async function applyUpdate(deps: OperationDeps, set: EntitySetModel, key: string, body: unknown): Promise<Entity> {
  const declared = entityType(deps, set);
  const existing = await readEntity(deps, set, key);
  deps.graph.validator.assertBody(recordedTypeOf(existing, declared, deps.graph.model).name, 'update', deps.validation, body);
  // applyPatch reads properties only: instance annotations (`@odata.type` of nested values aside) are dropped there.
  const patch = body as JsonObject;
  if (patch.id !== undefined && patch.id !== existing.id) {
    throw new GraphError('BadRequest', `Invalid request body: id: the key property is read-only and cannot change from '${existing.id}'.`);
  }
  const updated = applyPatch(existing, patch, declared, deps.graph.model);
  const json = JSON.stringify(updated);
  await assertRoomToUpdate(deps, existing, storedBytes(json));
  if (!(await usingStore(() => collectionOf(deps, set).replace(updated, json, existing)))) throw notFound(key);
  return updated;
}

/** Removes the entity, or answers Graph's 404. */
export async function deleteEntity(deps: OperationDeps, set: EntitySetModel, key: string): Promise<void> {
  if (!(await usingStore(() => collectionOf(deps, set).delete(key)))) throw notFound(key);
}
