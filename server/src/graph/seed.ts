import type { Entity } from '../store/store';
import type { EntityStore } from '../store/store';
import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import { assertCreateBody } from './derived-types';
import { idProblem, toStoredEntity } from './entity-shape';
import { entitySetList, findEntitySet } from './entity-sets';
import { GraphError } from './errors';
import type { EntitySetModel } from './model';
import type { GraphDefinition } from './registry';
import type { ValidationProfile } from './validate';

/** A seed record that failed validation, or a seed that names no entity set: which one and why. */
export class SeedError extends Error {}

/**
 * What a seed holds: records for the service's only entity set (or records that each name their type with
 * `@odata.type`), or records keyed by entity-set path (`{ "security/x": [...] }`).
 */
export type SeedInput = readonly unknown[] | Readonly<Record<string, readonly unknown[]>>;

/** A validated seed: entity-set path → the entities it starts with and returns to on reset. */
export type PreparedSeed = ReadonlyMap<string, readonly Entity[]>;

/** The first example of an entity type's schema (for a documentation page's type, the page's example), if any. */
export function entityExample(graph: GraphDefinition, entityType: string): JsonObject | undefined {
  const schemaId = graph.model.resolveType(entityType)?.schemaId;
  const example = (graph.files.find((f) => f.id === schemaId)?.schema.examples as unknown[] | undefined)?.[0];
  return isJsonObject(example) ? structuredClone(example) : undefined;
}

/**
 * The default seed: each entity set starts with its type's first schema example when that passes the create
 * contract of `profile`; sets without one, or whose example fails, start empty.
 */
export function exampleSeed(graph: GraphDefinition, profile: ValidationProfile): Record<string, unknown[]> {
  const seed: Record<string, unknown[]> = {};
  for (const set of graph.model.entitySets) {
    const example = entityExample(graph, set.entityType);
    const declared = graph.model.resolveType(set.entityType);
    if (example === undefined || !declared) continue;
    try {
      assertCreateBody(graph.validator, graph.model, declared, profile, example);
      seed[set.path] = [example];
    } catch {
      // An example that breaks this profile's contract would stop start-up; the set starts empty instead.
    }
  }
  return seed;
}

const collectionValue = (value: unknown): unknown[] | undefined =>
  Array.isArray(value) ? value : isJsonObject(value) && Array.isArray(value.value) && Object.keys(value).every((k) => k === 'value' || k.startsWith('@')) ? value.value : undefined;

/**
 * Accepts what a seed file holds: a JSON array, a Graph collection response `{ "value": [...] }`, or an object
 * keyed by entity-set path whose values are either of those.
 */
export function seedRecords(parsed: unknown): SeedInput {
  const records = collectionValue(parsed);
  if (records) return records;
  if (isJsonObject(parsed)) {
    const keyed: Record<string, unknown[]> = {};
    for (const [path, value] of Object.entries(parsed)) {
      const list = collectionValue(value);
      if (!list) throw new SeedError(`${path}: expected a JSON array of entities or a collection response { "value": [...] }`);
      keyed[path] = list;
    }
    return keyed;
  }
  throw new SeedError('expected a JSON array of entities, a collection response { "value": [...] }, or an object keyed by entity-set path ({ "<path>": [...] })');
}

/** Validates numbered records for one set; messages name the record by its number in the seed (`record [n]`). */
function prepareNumbered(records: ReadonlyArray<readonly [number, unknown]>, graph: GraphDefinition, profile: ValidationProfile, entityType: string, where: string): Entity[] {
  const type = graph.model.resolveType(entityType);
  if (!type) throw new Error(`unknown type ${entityType}`);
  const seen = new Set<string>();
  return records.map(([index, record], position) => {
    try {
      assertCreateBody(graph.validator, graph.model, type, profile, record);
    } catch (err) {
      const message = err instanceof GraphError ? err.message.replace(/^Invalid request body: /, '') : String(err);
      throw new SeedError(`${where}record [${index}]: ${message}`);
    }
    const input = record as JsonObject;
    const id = typeof input.id === 'string' ? input.id : `seed-${position + 1}`;
    const problem = idProblem(id);
    if (problem !== undefined) throw new SeedError(`${where}record [${index}]: ${problem}`);
    if (seen.has(id)) throw new SeedError(`${where}record [${index}]: id '${id}' is used by an earlier record`);
    seen.add(id);
    return toStoredEntity(input, id, type, graph.model);
  });
}

/**
 * Validates every record against the create contract of `profile` for the entity type (ids are kept, and must
 * be unique, not empty and at most MAX_ID_LENGTH characters) and returns them in the stored form. The first bad
 * record stops everything: SeedError names its index.
 */
export function prepareSeed(records: readonly unknown[], graph: GraphDefinition, profile: ValidationProfile, entityType: string): Entity[] {
  return prepareNumbered(records.map((r, i) => [i, r] as const), graph, profile, entityType, '');
}

/** The one entity set whose type a record's `@odata.type` names (or derives from), or undefined. */
function setNamedBy(graph: GraphDefinition, record: unknown): EntitySetModel | undefined {
  const named = isJsonObject(record) ? record['@odata.type'] : undefined;
  if (typeof named !== 'string' || !graph.model.resolveType(named)) return undefined;
  const sets = graph.model.entitySets.filter((set) => graph.model.derivesFrom(named, set.entityType));
  return sets.length === 1 ? sets[0] : undefined;
}

/** Sorts an array seed into entity sets: all into the only one, else each record by its `@odata.type`. */
function groupRecords(records: readonly unknown[], graph: GraphDefinition): Map<EntitySetModel, Array<readonly [number, unknown]>> {
  const sets = graph.model.entitySets;
  const groups = new Map<EntitySetModel, Array<readonly [number, unknown]>>();
  records.forEach((record, index) => {
    const set = sets.length === 1 ? sets[0] : setNamedBy(graph, record);
    if (!set) {
      throw new SeedError(
        `record [${index}]: mockgraph serves ${sets.length} entity sets (${entitySetList(graph.model)}) and this record's @odata.type names none of their types; give a seed keyed by entity-set path, e.g. { "${sets[0]?.path ?? 'path'}": [...] }`,
      );
    }
    const group = groups.get(set);
    if (group) group.push([index, record] as const);
    else groups.set(set, [[index, record] as const]);
  });
  return groups;
}

/** Validates a whole seed (either form) into entity-set path → stored entities; SeedError says what is wrong. */
export function prepareSeeds(input: SeedInput | undefined, graph: GraphDefinition, profile: ValidationProfile): PreparedSeed {
  const prepared = new Map<string, readonly Entity[]>();
  if (input === undefined) return prepared;
  if (Array.isArray(input)) {
    for (const [set, records] of groupRecords(input, graph)) prepared.set(set.path, prepareNumbered(records, graph, profile, set.entityType, ''));
    return prepared;
  }
  for (const [path, records] of Object.entries(input as Readonly<Record<string, readonly unknown[]>>)) {
    const set = findEntitySet(graph.model, path);
    if (!set) throw new SeedError(`'${path}' is not an entity set of this service (the entity sets are: ${entitySetList(graph.model)})`);
    if (prepared.has(set.path)) throw new SeedError(`'${path}' names the entity set ${set.path} a second time`);
    prepared.set(set.path, prepareNumbered(records.map((r, i) => [i, r] as const), graph, profile, set.entityType, `${set.path}: `));
  }
  return prepared;
}

/**
 * Puts each set's seed into its collection when that is empty (a store that already holds data, e.g. a --data
 * file, keeps it); returns how many entities were stored.
 */
export async function applySeeds(store: EntityStore, seed: PreparedSeed): Promise<number> {
  if (store.seedEmpty) return store.seedEmpty(seed);
  // Into a store that holds nothing at all, one reset stores everything: one SQLite transaction, not one per entity.
  if ((await store.dataBytes()) === 0) {
    await store.reset(seed);
    return [...seed.values()].reduce((n, entities) => n + entities.length, 0);
  }
  let stored = 0;
  for (const [path, entities] of seed) {
    const collection = store.collection(path);
    if ((await collection.count()) > 0) continue;
    for (const e of entities) await collection.insert(e);
    stored += entities.length;
  }
  return stored;
}
