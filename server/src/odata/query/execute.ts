import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { Entity, EntityCollection, QueryPage, StoreQueryContext } from '../../store/store';
import { projectEntity } from './apply';
import type { CollectionQuery, SelectItem } from './ast';
import type { QueryCursors } from './cursors';
import type { EvaluationControl, MaybePromise } from './evaluate';
import { andThen, EvaluationClock, evaluationControl, matchingEntities, scanMatching } from './evaluate';
import { orderedEntities } from './ordered-index';
import { firstInOrder } from './sort';

/** The page size used when the client states none. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a client may ask for with `Prefer: odata.maxpagesize`. */
export const MAX_PAGE_SIZE = 1000;

export type { QueryPage };

/** What a query runs against. */
export interface QueryContext {
  collection: EntityCollection;
  type: StructuredTypeModel;
  model: GraphModel;
  cursors: QueryCursors;
  pageSize: number;
  now: () => Date;
  /** The evaluation budget, slice and abort signal (defaults: limits.ts, no signal). */
  evaluation?: Partial<EvaluationControl>;
}

/** The `$select` items as the context URL lists them. */
export function selectList(select: readonly SelectItem[] | undefined): string[] | undefined {
  return select?.map((item) => item.text);
}

function issuedNow(ctx: QueryContext): number {
  return Math.floor(ctx.now().getTime() / 1000);
}

function pageOf(ctx: QueryContext, ids: readonly string[], from: number, size: number): Entity[] {
  const out: Entity[] = [];
  for (const id of ids.slice(from, from + size)) {
    const e = entityNow(ctx.collection, id);
    if (e) out.push(e);
  }
  return out;
}

/**
 * Runs a collection query with server-driven paging. The first page filters and sorts once, cooperatively
 * and within the evaluation budget; when more pages follow, it keeps the ordered ids as a snapshot, from
 * which each `$skiptoken` serves its page. @see OData v4.01 Protocol §11.2.6.7 (Server-Driven Paging)
 */
export function runCollectionQuery(ctx: QueryContext, query: CollectionQuery): MaybePromise<QueryPage> {
  if (ctx.collection.queries) return ctx.collection.queries.page(query, storeContext(ctx));
  if (query.skiptoken !== undefined) return continueQuery(ctx, query.skiptoken);
  const plain = firstPageInStoreOrder(ctx, query);
  if (plain) return plain;
  const clock = new EvaluationClock(evaluationControl(ctx.evaluation));
  const entities = inMemory(ctx.collection);
  const ordered = Array.isArray(entities) ? orderedEntities(entities as readonly Entity[], query.orderby) : undefined;
  if (ordered) return firstPageInOrder(ctx, query, ordered, clock);
  return andThen(matchingEntities(entities, query, ctx.type, ctx.model, clock), (matching) => firstPage(ctx, query, matching, clock));
}

/** What a store that runs queries itself is told besides the query. */
function storeContext(ctx: QueryContext): StoreQueryContext {
  const evaluation = evaluationControl(ctx.evaluation);
  return { type: ctx.type, model: ctx.model, pageSize: ctx.pageSize, now: ctx.now, budgetMs: evaluation.budgetMs, signal: evaluation.signal };
}

/** The collection's entities, from a store that holds them in memory (one that runs queries itself never gets here). */
function inMemory(collection: EntityCollection): Iterable<Entity> {
  const values = collection.values();
  if (!(Symbol.iterator in values)) throw new Error('a store without in-memory values must run its queries itself');
  return values;
}

/** A count a store that holds its entities in memory answers at once. */
function countNow(collection: EntityCollection): number {
  const n = collection.count();
  if (typeof n !== 'number') throw new Error('a store without in-memory values must run its queries itself');
  return n;
}

function entityNow(collection: EntityCollection, id: string): Entity | undefined {
  const e = collection.get(id);
  if (e instanceof Promise) throw new Error('a store without in-memory values must run its queries itself');
  return e;
}

function firstPage(ctx: QueryContext, query: CollectionQuery, matching: Entity[], clock: EvaluationClock): MaybePromise<QueryPage> {
  const skip = query.skip ?? 0;
  const want = Math.max(0, Math.min(query.top ?? Infinity, matching.length - skip));
  const count = query.count ? matching.length : undefined;
  return andThen(firstInOrder(matching, query.orderby, skip + want, clock), (ordered) => pageOfRows(ctx, query, ordered.slice(skip), count));
}

/**
 * The first page from the collection already in `$orderby` order (see ordered-index.ts): the matching entities
 * are taken in that order, and the walk stops after `$skip` + `$top` of them unless `$count` needs them all.
 */
function firstPageInOrder(ctx: QueryContext, query: CollectionQuery, ordered: readonly Entity[], clock: EvaluationClock): MaybePromise<QueryPage> {
  const skip = query.skip ?? 0;
  const limit = skip + (query.top ?? Infinity);
  const counting = query.count === true;
  const rows: Entity[] = [];
  let matched = 0;
  const keep = (e: Entity): boolean => {
    if (matched >= skip && matched < limit) rows.push(e);
    matched++;
    return !counting && matched >= limit;
  };
  const scan = limit === 0 && !counting ? undefined : scanMatching(ordered, query, ctx.type, ctx.model, clock, keep);
  return andThen(scan, () => pageOfRows(ctx, query, rows, counting ? matched : undefined));
}

/** A first page of the rows in order (`$skip` applied, at most `$top`): one page, or the first of a snapshot the `$skiptoken`s page through. */
function pageOfRows(ctx: QueryContext, query: CollectionQuery, rows: readonly Entity[], count: number | undefined): QueryPage {
  if (rows.length <= ctx.pageSize) return { entities: rows.map((e) => projectEntity(e, query.select)), count, nextToken: undefined, select: selectList(query.select) };
  const ids = rows.map((e) => e.id);
  const snapshot = ctx.cursors.remember({ ids, select: query.select, count });
  const page = pageOf(ctx, ids, 0, ctx.pageSize);
  const nextToken = ctx.cursors.encode({ snapshot, offset: ctx.pageSize, issued: issuedNow(ctx) });
  return { entities: page.map((e) => projectEntity(e, query.select)), count, nextToken, select: selectList(query.select) };
}

/**
 * Without $filter, $search or $orderby, a result that fits one page is read straight from the store, in its
 * order, without copying the whole collection (the common `?$top=N` of a list view).
 */
function firstPageInStoreOrder(ctx: QueryContext, query: CollectionQuery): QueryPage | undefined {
  if (query.filter || query.search || query.cast || query.orderby.length > 0) return undefined;
  const total = countNow(ctx.collection);
  const skip = query.skip ?? 0;
  const want = Math.max(0, Math.min(query.top ?? Infinity, total - skip));
  if (want > ctx.pageSize) return undefined;
  const entities: Entity[] = [];
  let index = 0;
  for (const e of inMemory(ctx.collection)) {
    if (entities.length >= want) break;
    if (index++ >= skip) entities.push(projectEntity(e, query.select));
  }
  return { entities, count: query.count ? total : undefined, nextToken: undefined, select: selectList(query.select) };
}

function continueQuery(ctx: QueryContext, token: string): QueryPage {
  const state = ctx.cursors.decode(token);
  const { ids, select, count } = ctx.cursors.snapshotOf(state);
  const page = pageOf(ctx, ids, state.offset, ctx.pageSize);
  const next = state.offset + ctx.pageSize;
  const nextToken = next < ids.length ? ctx.cursors.encode({ snapshot: state.snapshot, offset: next, issued: issuedNow(ctx) }) : undefined;
  return { entities: page.map((e) => projectEntity(e, select)), count, nextToken, select: selectList(select) };
}

/** `/$count` with `$filter`/`$search`: the number of matching entities, counted cooperatively. */
export function countMatching(ctx: QueryContext, query: CollectionQuery): MaybePromise<number> {
  if (ctx.collection.queries) return ctx.collection.queries.count(query, storeContext(ctx));
  if (!query.filter && !query.search && !query.cast) return countNow(ctx.collection);
  let n = 0;
  const scan = scanMatching(inMemory(ctx.collection), query, ctx.type, ctx.model, new EvaluationClock(evaluationControl(ctx.evaluation)), () => {
    n++;
  });
  return andThen(scan, () => n);
}
