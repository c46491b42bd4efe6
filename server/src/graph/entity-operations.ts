import { stripAnnotations } from '../odata/annotations';
import type { JsonObject } from '../json';
import type { AppDeps } from '../options';
import type { Entity, EntityCollection } from '../store/store';
import { applyPatch, toStoredEntity } from './entity-shape';
import { GraphError } from './errors';
import type { EntitySetModel, StructuredTypeModel } from './model';

/** What the entity operations need from the app's dependencies. */
export type OperationDeps = Pick<AppDeps, 'store' | 'graph' | 'newId' | 'validation'>;

function entityType(deps: OperationDeps, set: EntitySetModel): StructuredTypeModel {
  const type = deps.graph.model.resolveType(set.entityType);
  if (!type) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
  return type;
}

function collectionOf(deps: OperationDeps, set: EntitySetModel): EntityCollection {
  return deps.store.collection(set.path);
}

/** Graph's 404 for a key that names nothing. */
export function notFound(key: string): GraphError {
  return new GraphError('ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
}

/** Validates a create body, assigns (or keeps) the id and stores the entity. */
export function createEntity(deps: OperationDeps, set: EntitySetModel, body: unknown): Entity {
  const type = entityType(deps, set);
  deps.graph.validator.assertBody(type.name, 'create', deps.validation, body);
  // shapeStructured keeps only properties (no annotations) at every level it knows; dynamic values are stripped here.
  const input = body as JsonObject;
  const id = typeof input.id === 'string' ? input.id : deps.newId();
  const entity = toStoredEntity(input, id, type, deps.graph.model);
  if (!collectionOf(deps, set).insert(entity)) {
    throw new GraphError('Conflict', `Another ${type.name} already has the id '${id}'.`);
  }
  return entity;
}

/** The stored entity with this key, or Graph's 404. */
export function readEntity(deps: OperationDeps, set: EntitySetModel, key: string): Entity {
  const entity = collectionOf(deps, set).get(key);
  if (!entity) throw notFound(key);
  return entity;
}

/** Validates a PATCH body (only what was sent) and applies it; the id cannot change. */
export function updateEntity(deps: OperationDeps, set: EntitySetModel, key: string, body: unknown): Entity {
  const type = entityType(deps, set);
  const existing = readEntity(deps, set, key);
  deps.graph.validator.assertBody(type.name, 'update', deps.validation, body);
  const patch = stripAnnotations(body) as JsonObject;
  if (patch.id !== undefined && patch.id !== existing.id) {
    throw new GraphError('BadRequest', `Invalid request body: id: the key property is read-only and cannot change from '${existing.id}'.`);
  }
  const updated = applyPatch(existing, patch, type, deps.graph.model);
  if (!collectionOf(deps, set).replace(updated)) throw notFound(key);
  return updated;
}

/** Removes the entity, or answers Graph's 404. */
export function deleteEntity(deps: OperationDeps, set: EntitySetModel, key: string): void {
  if (!collectionOf(deps, set).delete(key)) throw notFound(key);
}
