import type { JsonObject } from '../json';
import { isJsonObject } from '../json';
import type { Awaitable, Entity } from '../store/store';
import { createEntities } from './create-entities';
import { assertCreateBody } from './derived-types';
import { createEntity, deleteEntity, ownTypeOf, updateEntity, usingStore } from './entity-operations';
import type { OperationDeps } from './entity-operations';

/** What bound operations need: the entity operations' dependencies and the custom operation modules. */
export type BoundDeps = OperationDeps & { operations: readonly CustomOperation[] };
import { GraphError } from './errors';
import type { EntitySetModel, OperationModel } from './model';

/** What a bound action or function does, decided from its documented name and parameters. */
export type OperationSemantics = 'create-many' | 'update-many' | 'delete-many' | 'documented-example';

/**
 * What a custom operation module (`--operations DIR`) is given: the request's parameters and key, and the
 * entity set's store through the same validated, quota-checked operations the HTTP API uses.
 */
export interface OperationContext {
  setPath: string;
  operation: string;
  /** The entity's key, for an entity-bound operation. */
  key: string | undefined;
  /** The request body, already validated against the page's parameters. */
  parameters: unknown;
  /** Each answers a promise: the store may be a database server. */
  get(id: string): Promise<Entity | undefined>;
  /** Every entity of the set, in insertion order (`for await`). */
  list(): AsyncIterable<Entity>;
  create(body: unknown): Promise<Entity>;
  update(id: string, patch: unknown): Promise<Entity>;
  remove(id: string): Promise<void>;
}

/** What a custom operation answers: entities (a collection of the set's type), or a status and body as they are. */
export type CustomReply = { entities: Entity[] } | { status: number; body?: unknown } | undefined;

/** One custom operation: the entity set path and operation name it implements, and its semantics. */
export interface CustomOperation {
  set: string;
  name: string;
  run(ctx: OperationContext): Awaitable<CustomReply>;
}

/** What an operation answers: the entities it created or changed, or its documented response. */
export type OperationResult =
  | { kind: 'entities'; entities: Entity[] }
  | { kind: 'documented'; status: number; body: unknown }
  | { kind: 'none' };

const COLLECTION = /^Collection\((.+)\)$/;

/** The one collection-valued parameter of an operation (Graph's bulk actions take `value`), and its item type. */
function bulkParameter(deps: Pick<OperationDeps, 'graph'>, op: OperationModel): { name: string; itemType: string } | undefined {
  const schema = op.parameters ? deps.graph.files.find((f) => f.id === op.parameters)?.schema : undefined;
  const props = Object.entries(schema?.properties ?? {});
  if (props.length !== 1) return undefined;
  const [name, prop] = props[0] as [string, { 'x-edmType'?: unknown }];
  const m = COLLECTION.exec(String(prop['x-edmType'] ?? ''));
  return m?.[1] ? { name, itemType: m[1] } : undefined;
}

/**
 * Graph's bulk patterns, recognised by name and parameter shape rather than by resource: `submit…`/`create…`
 * with a collection of the set's entity type creates many, `update…` with one patches many by id, `delete…`
 * with a collection of strings deletes many by id. Anything else answers its documented example.
 */
export function semanticsOf(deps: Pick<OperationDeps, 'graph'>, set: EntitySetModel, op: OperationModel): OperationSemantics {
  const param = bulkParameter(deps, op);
  if (op.kind !== 'action' || op.bindsTo !== 'collection' || !param) return 'documented-example';
  const ofEntities = deps.graph.model.derivesFrom(param.itemType, set.entityType);
  const by = keyPropertyOf(deps, set, op);
  if (ofEntities && by === 'id' && /^(submit|create|add)/i.test(op.name)) return 'create-many';
  if (ofEntities && by === 'id' && /^(update|patch)/i.test(op.name)) return 'update-many';
  if (param.itemType === 'Edm.String' && by !== undefined && /^(delete|remove)/i.test(op.name)) return 'delete-many';
  return 'documented-example';
}

/**
 * The property a bulk operation addresses entities by: `id`, or the one its name ends with (`…ByExternalId` →
 * `externalId`) when the entity type declares it; undefined for a name that points nowhere.
 */
function keyPropertyOf(deps: Pick<OperationDeps, 'graph'>, set: EntitySetModel, op: OperationModel): string | undefined {
  const m = /By([A-Z]\w*?)s?$/.exec(op.name);
  if (!m?.[1]) return 'id';
  const name = m[1].charAt(0).toLowerCase() + m[1].slice(1);
  return deps.graph.model.resolveType(set.entityType)?.property(name) ? name : undefined;
}

function items(body: JsonObject, name: string): unknown[] {
  const value = body[name];
  return Array.isArray(value) ? value : [];
}

/** `value[i]: message`, so a bulk error names the item. */
function atItem(index: number, err: unknown): never {
  if (err instanceof GraphError) throw new GraphError(err.code, err.message.replace(/^Invalid request body: /, `Invalid request body: value[${index}]: `), { ...err.headers });
  throw err;
}

/**
 * Runs a bound operation: its parameters are validated against the page's request body table, then the
 * bulk semantics apply (every item is validated before any is stored), else the documented response.
 */
export async function runOperation(deps: BoundDeps, set: EntitySetModel, key: string | undefined, op: OperationModel, body: unknown): Promise<OperationResult> {
  const input = body === undefined ? {} : body;
  if (op.parameters) {
    if (!isJsonObject(input)) throw new GraphError('BadRequest', `Invalid request body: the parameters of ${op.name} are a JSON object.`);
    const [problem] = deps.graph.validator.check(op.parameters, input);
    if (problem !== undefined) throw new GraphError('BadRequest', `Invalid request body: ${problem}.`);
  }
  const custom = deps.operations.find((c) => c.set.toLowerCase() === set.path.toLowerCase() && c.name.toLowerCase() === op.name.toLowerCase());
  if (custom) return runCustom(deps, set, key, op, custom, input);
  const semantics = semanticsOf(deps, set, op);
  const collection = deps.store.collection(set.path);
  const param = bulkParameter(deps, op);
  const list = param && isJsonObject(input) ? items(input, param.name) : [];
  const declared = deps.graph.model.resolveType(set.entityType);
  if (!declared) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
  switch (semantics) {
    case 'create-many': {
      list.forEach((item, i) => {
        try {
          assertCreateBody(deps.graph.validator, deps.graph.model, declared, deps.validation, item);
        } catch (err) {
          atItem(i, err);
        }
      });
      // All or nothing, as the admin API's bulk create: a failure mid-way (a quota) removes what was stored.
      return { kind: 'entities', entities: await createEntities(deps, set, list, false) };
    }
    case 'update-many': {
      const targets: Entity[] = [];
      for (const [i, item] of list.entries()) {
        const id = isJsonObject(item) ? item.id : undefined;
        if (typeof id !== 'string' || id === '') throw new GraphError('BadRequest', `Invalid request body: value[${i}]: id: each item names the entity to update by its id.`);
        const entity = await usingStore(() => collection.get(id));
        if (!entity) throw new GraphError('ResourceNotFound', `value[${i}]: Resource '${id}' does not exist; nothing was updated.`);
        targets.push(entity);
      }
      // Each item names its entity by id; the rest of it is the patch (the key itself is read-only).
      const patches = list.map((item) => Object.fromEntries(Object.entries(item as JsonObject).filter(([k]) => k !== 'id')));
      patches.forEach((patch, i) => {
        try {
          deps.graph.validator.assertBody(ownTypeOf(deps, set, targets[i]!).name, 'update', deps.validation, patch);
        } catch (err) {
          atItem(i, err);
        }
      });
      const updated: Entity[] = [];
      for (const [i, patch] of patches.entries()) updated.push(await guarded(i, () => updateEntity(deps, set, targets[i]!.id, patch)));
      return { kind: 'entities', entities: updated };
    }
    case 'delete-many': {
      const by = keyPropertyOf(deps, set, op) ?? 'id';
      const wanted = new Set(list.filter((v): v is string => typeof v === 'string'));
      const doomed: string[] = [];
      if (by === 'id') doomed.push(...wanted);
      else await usingStore(async () => {
        for await (const e of collection.values()) if (wanted.has(e[by] as string)) doomed.push(e.id);
      });
      for (const id of doomed) if (await usingStore(() => collection.get(id))) await deleteEntity(deps, set, id);
      break;
    }
    case 'documented-example':
      if (key !== undefined && !(await usingStore(() => collection.get(key)))) throw new GraphError('ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
      break;
  }
  if (op.responseExample !== undefined) return { kind: 'documented', status: op.status ?? 200, body: op.responseExample };
  // A page that documents `200 OK` with no body gets just that; one that documents nothing gets 204.
  if (op.status !== undefined && op.status !== 204) return { kind: 'documented', status: op.status, body: undefined };
  return { kind: 'none' };
}

async function guarded<T>(index: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return atItem(index, err);
  }
}

/** The collection's entities as an async iterable, whichever kind its store gives. */
async function* eachOf(values: Iterable<Entity> | AsyncIterable<Entity>): AsyncIterable<Entity> {
  yield* values;
}

async function runCustom(deps: BoundDeps, set: EntitySetModel, key: string | undefined, op: OperationModel, custom: CustomOperation, parameters: unknown): Promise<OperationResult> {
  const collection = deps.store.collection(set.path);
  const reply = await custom.run({
    setPath: set.path,
    operation: op.name,
    key,
    parameters,
    get: (id) => usingStore(() => collection.get(id)),
    list: () => eachOf(collection.values()),
    create: (body) => createEntity(deps, set, body),
    update: (id, patch) => updateEntity(deps, set, id, patch),
    remove: (id) => deleteEntity(deps, set, id),
  });
  if (reply === undefined) return { kind: 'none' };
  if ('entities' in reply) return { kind: 'entities', entities: reply.entities };
  return reply.body === undefined ? (reply.status === 204 ? { kind: 'none' } : { kind: 'documented', status: reply.status, body: null }) : { kind: 'documented', status: reply.status, body: reply.body };
}
