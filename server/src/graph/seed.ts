import type { Entity } from '../store/store';
import type { EntityStore } from '../store/store';
import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import { idProblem, toStoredEntity } from './entity-shape';
import { GraphError } from './errors';
import type { GraphDefinition } from './registry';
import type { ValidationProfile } from './validate';

/** A seed record that failed validation: which one and why. */
export class SeedError extends Error {}

/** The profile of the documentation page's example: the first example of the entity type's schema. */
export function docExampleProfile(graph: GraphDefinition, entityType = 'microsoft.graph.ipSecurityProfile'): JsonObject {
  const schemaId = graph.model.resolveType(entityType)?.schemaId;
  const example = (graph.files.find((f) => f.id === schemaId)?.schema.examples as unknown[] | undefined)?.[0];
  if (!isJsonObject(example)) throw new Error(`the ${entityType} schema has no example`);
  return structuredClone(example);
}

/**
 * Accepts what a seed file holds, a JSON array of profiles or a Graph collection response `{ "value": [...] }`,
 * and returns the records.
 */
export function seedRecords(parsed: unknown): unknown[] {
  if (Array.isArray(parsed)) return parsed;
  if (isJsonObject(parsed) && Array.isArray(parsed.value)) return parsed.value;
  throw new SeedError('expected a JSON array of profiles or a collection response { "value": [...] }');
}

/**
 * Validates every record against the create contract of the profile (ids are kept, and must be unique, not
 * empty and at most MAX_ID_LENGTH characters) and returns them in the stored form. The first bad record stops
 * everything: SeedError names its index.
 */
export function prepareSeed(records: readonly unknown[], graph: GraphDefinition, profile: ValidationProfile, entityType = 'microsoft.graph.ipSecurityProfile'): Entity[] {
  const type = graph.model.resolveType(entityType);
  if (!type) throw new Error(`unknown type ${entityType}`);
  const seen = new Set<string>();
  return records.map((record, index) => {
    try {
      graph.validator.assertBody(type.name, 'create', profile, record);
    } catch (err) {
      const message = err instanceof GraphError ? err.message.replace(/^Invalid request body: /, '') : String(err);
      throw new SeedError(`record [${index}]: ${message}`);
    }
    const input = record as JsonObject;
    const id = typeof input.id === 'string' ? input.id : `seed-${index + 1}`;
    const problem = idProblem(id);
    if (problem !== undefined) throw new SeedError(`record [${index}]: ${problem}`);
    if (seen.has(id)) throw new SeedError(`record [${index}]: id '${id}' is used by an earlier record`);
    seen.add(id);
    return toStoredEntity(input, id, type, graph.model);
  });
}

/** Puts seed entities into an empty collection (a store that already holds data, e.g. a --data file, is left alone). */
export function applySeed(store: EntityStore, path: string, entities: readonly Entity[]): number {
  const collection = store.collection(path);
  if (collection.count() > 0) return 0;
  // Into a store that holds nothing at all, a reset is the same and one SQLite transaction, not one per entity.
  if (store.dataBytes() === 0) store.reset(new Map([[path, entities]]));
  else for (const e of entities) collection.insert(e);
  return entities.length;
}
