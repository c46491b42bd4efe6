import { runOperation } from '../graph/bound-operations';
import { createEntity, deleteEntity, readEntity, updateEntity } from '../graph/entity-operations';
import type { StructuredTypeModel } from '../graph/model';
import type { ServiceRoot } from '../odata/annotations';
import { collectionContextUrl, collectionPayload, entityContextUrl, entityPayload, entityUrl, itemPayloads, newEntityPayload, nextLinkUrl, operationContextUrl, referenceContextUrl, referencePayload } from '../odata/annotations';
import { projectEntity } from '../odata/query/apply';
import type { SelectItem } from '../odata/query/ast';
import type { MaybePromise } from '../odata/query/evaluate';
import { andThen } from '../odata/query/evaluate';
import type { QueryContext, QueryPage } from '../odata/query/execute';
import { countMatching, MAX_PAGE_SIZE, runCollectionQuery, selectList } from '../odata/query/execute';
import type { QueryOptionName, QueryTarget } from '../odata/query/parse';
import { parseCollectionQuery } from '../odata/query/parse';
import type { MetadataLevel } from '../odata/format';
import type { Preferences } from '../odata/prefer';
import { isReferenceBody, resolveReference } from '../odata/references';
import type { ResourceTarget } from '../odata/resource-path';
import type { AppDeps } from '../options';
import type { Entity } from '../store/store';
import { HEADER } from './headers';
import type { GraphResponse } from './respond';

/** The typed input a handler works from: converted from `req` once, at the edge. */
export interface HandlerInput<T extends ResourceTarget = ResourceTarget> {
  deps: AppDeps;
  root: ServiceRoot;
  target: T;
  body: unknown;
  metadata: MetadataLevel;
  prefer: Preferences;
  /** The system query options, as sent (names without `$`). */
  options: ReadonlyMap<QueryOptionName, string>;
  /** Aborted when the client disconnects before the response is written: long evaluations stop. */
  signal: AbortSignal;
}

/** A handler: typed input in, a response description out (a promise of one when a query yields to the event loop). */
export type Handler<T extends ResourceTarget = ResourceTarget> = (input: HandlerInput<T>) => MaybePromise<GraphResponse>;

type Keyed = Extract<ResourceTarget, { key: string }>;

function entityTypeOf(input: HandlerInput): StructuredTypeModel {
  const type = input.deps.graph.model.resolveType(input.target.set.entityType);
  if (!type) throw new Error(`unknown entity type ${input.target.set.entityType}`);
  return type;
}

/** The type cast of the addressed collection (`/{set}/microsoft.graph.x`), if any. */
function castOf(input: HandlerInput): StructuredTypeModel | undefined {
  const cast = 'cast' in input.target ? input.target.cast : undefined;
  return cast === undefined ? undefined : input.deps.graph.model.resolveType(cast);
}

function entityResponse(input: HandlerInput, entity: Entity, status: number, headers: Record<string, string> = {}, select?: SelectItem[]): GraphResponse {
  const { root, target, metadata, deps } = input;
  const url = entityUrl(root, target.set, entity.id);
  const context = entityContextUrl(root, target.set, selectList(select));
  return { status, headers, json: entityPayload(projectEntity(entity, select), entityTypeOf(input), deps.graph.model, { metadata, context, url }) };
}

/** The 201 of a create: the new entity (at its canonical `url`) as GET would answer it. */
function createdResponse(input: HandlerInput, entity: Entity, url: string): GraphResponse {
  const { root, target, metadata, deps } = input;
  const json = newEntityPayload(entity, entityTypeOf(input), deps.graph.model, { metadata, context: entityContextUrl(root, target.set), url });
  return { status: 201, headers: { [HEADER.location]: url }, json };
}

function parseQuery(input: HandlerInput, target: QueryTarget) {
  return parseCollectionQuery(input.options, target, entityTypeOf(input), input.deps.graph.model, castOf(input));
}

/** The page size in force, and the Preference-Applied header when the client's maxpagesize was honoured. */
function paging(input: HandlerInput): { pageSize: number; headers: Record<string, string> } {
  const asked = input.prefer.maxPageSize;
  if (asked === undefined) return { pageSize: input.deps.pageSize, headers: {} };
  const pageSize = Math.min(asked, MAX_PAGE_SIZE);
  return { pageSize, headers: { [HEADER.preferenceApplied]: `odata.maxpagesize=${pageSize}` } };
}

function queryContext(input: HandlerInput, pageSize: number): QueryContext {
  const { deps, target } = input;
  return {
    collection: deps.store.collection(target.set.path),
    type: entityTypeOf(input),
    model: deps.graph.model,
    cursors: deps.cursors,
    pageSize,
    now: deps.now,
    evaluation: { signal: input.signal, budgetMs: deps.queryBudgetMs },
  };
}

function runPaged(input: HandlerInput, target: QueryTarget): MaybePromise<{ page: QueryPage; headers: Record<string, string> }> {
  const query = parseQuery(input, target);
  const { pageSize, headers } = paging(input);
  return andThen(runCollectionQuery(queryContext(input, pageSize), query), (page) => ({ page, headers }));
}

/** POST to the collection: 201 with the entity, or 204 with `Prefer: return=minimal`. Both carry Location. */
export const createHandler: Handler = async (input) => {
  const entity = await createEntity(input.deps, input.target.set, input.body);
  const location = entityUrl(input.root, input.target.set, entity.id);
  if (input.prefer.return === 'minimal') {
    return { status: 204, headers: { [HEADER.location]: location, [HEADER.odataEntityId]: location, [HEADER.preferenceApplied]: 'return=minimal' } };
  }
  return createdResponse(input, entity, location);
};

/** GET of the collection: the query options applied, one page in the collection envelope. */
export const listHandler: Handler = (input) => {
  const type = entityTypeOf(input);
  const { deps, root, target, metadata } = input;
  return andThen(runPaged(input, 'collection'), ({ page, headers }) => {
    const value = itemPayloads(page.entities, type, deps.graph.model, metadata, root, target.set);
    const cast = castOf(input)?.name;
    const nextLink = page.nextToken === undefined ? undefined : nextLinkUrl(root, target.set, page.nextToken, cast === undefined ? '' : `/${cast}`);
    return { status: 200, headers, json: collectionPayload(collectionContextUrl(root, target.set, page.select, cast), metadata, value, { count: page.count, nextLink }) };
  });
};

/** GET of `/$count`, honouring `$filter` and `$search`: the number as text/plain. @see OData URL Conventions §4.8 */
export const countHandler: Handler = (input) => {
  const count = countMatching(queryContext(input, input.deps.pageSize), parseQuery(input, 'count'));
  return andThen(count, (n) => ({ status: 200, text: String(n) }));
};

/** GET of one entity, with `$select`. */
export const readHandler: Handler<Keyed> = async (input) => {
  const { select } = parseQuery(input, 'entity');
  return entityResponse(input, await readEntity(input.deps, input.target.set, input.target.key), 200, {}, select);
};

/** PATCH: 204, or 200 with the entity under `Prefer: return=representation`. */
export const updateHandler: Handler<Keyed> = async (input) => {
  const entity = await updateEntity(input.deps, input.target.set, input.target.key, input.body);
  if (input.prefer.return === 'representation') return entityResponse(input, entity, 200, { [HEADER.preferenceApplied]: 'return=representation' });
  return { status: 204 };
};

/** DELETE of the entity, or of its reference (for a containment, removing the reference deletes it). */
export const deleteHandler: Handler<Keyed> = async (input) => {
  await deleteEntity(input.deps, input.target.set, input.target.key);
  return { status: 204 };
};

/** GET of `/$ref` on the collection: the members' absolute URLs, with the same query options and paging. */
export const listReferencesHandler: Handler = (input) => {
  const { root, target } = input;
  return andThen(runPaged(input, 'references'), ({ page, headers }) => {
    const value = page.entities.map((e) => referencePayload(entityUrl(root, target.set, e.id)));
    const nextLink = page.nextToken === undefined ? undefined : nextLinkUrl(root, target.set, page.nextToken, '/$ref');
    return { status: 200, headers, json: collectionPayload(referenceContextUrl(root, true), input.metadata, value, { count: page.count, nextLink }) };
  });
};

/** GET of `/{id}/$ref`: the member's absolute URL. */
export const readReferenceHandler: Handler<Keyed> = async (input) => {
  const { deps, root, target } = input;
  const entity = await readEntity(deps, target.set, target.key);
  const context = input.metadata === 'none' ? undefined : referenceContextUrl(root, false);
  return { status: 200, json: referencePayload(entityUrl(root, target.set, entity.id), context) };
};

/**
 * POST to `/$ref`. A reference body must name a member of this collection: since the collection is a
 * containment, re-adding it is an idempotent 204. Any other body is an entity representation: the page's
 * own request line may be `POST /<set>/$ref` with the entity as body (the seed page's is), so it creates.
 */
export const addReferenceHandler: Handler = async (input) => {
  if (!isReferenceBody(input.body)) return createHandler(input);
  const key = resolveReference(input.body['@odata.id'], input.root, input.target.set, input.deps.graph.model);
  await readEntity(input.deps, input.target.set, key);
  return { status: 204 };
};

/**
 * A bound action or function: the generic bulk semantics, or the documented response. Entities it created or
 * changed come back as a collection of the entity type. @see OData Protocol §11.5.4
 */
export const operationHandler: Handler<Extract<ResourceTarget, { kind: 'operation' }>> = async (input) => {
  const { deps, root, target, metadata } = input;
  const result = await runOperation(deps, target.set, target.key, target.operation, input.body);
  if (result.kind === 'none') return { status: 204 };
  if (result.kind === 'documented') return result.body === undefined || result.body === null ? { status: result.status } : { status: result.status, json: result.body };
  const type = entityTypeOf(input);
  const value = itemPayloads(result.entities, type, deps.graph.model, metadata, root, target.set);
  return { status: 200, json: collectionPayload(operationContextUrl(root, { type: type.name, collection: true }), metadata, value) };
};
