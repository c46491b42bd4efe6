import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { Entity, EntityCollection } from '../../store/store';
import { firstSorted, matchingEntities, projectEntity, sortEntities } from './apply';
import type { CollectionQuery } from './ast';
import type { CursorState, QueryCursors } from './cursors';
import type { QueryOptionName } from './parse';
import { parseCollectionQuery } from './parse';

/** The page size used when the client states none. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a client may ask for with `Prefer: odata.maxpagesize`. */
export const MAX_PAGE_SIZE = 1000;

/** One page of a collection query. */
export interface QueryPage {
  entities: Entity[];
  /** `@odata.count`, when `$count=true`. */
  count: number | undefined;
  /** The `$skiptoken` of the next page, when there is one. */
  nextToken: string | undefined;
  /** The `$select` in force (for the context URL). */
  select: string[] | undefined;
}

/** What a query runs against. */
export interface QueryContext {
  collection: EntityCollection;
  type: StructuredTypeModel;
  model: GraphModel;
  cursors: QueryCursors;
  pageSize: number;
  now: () => Date;
}

const QUERY_KEYS: ReadonlyArray<[QueryOptionName, (q: CollectionQuery) => string | undefined]> = [
  ['filter', (q) => q.filter?.text],
  ['search', (q) => q.search?.text],
  ['orderby', (q) => q.orderbyText],
  ['select', (q) => q.select?.join(',')],
  ['count', (q) => (q.count ? 'true' : undefined)],
];

function queryTexts(q: CollectionQuery): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, read] of QUERY_KEYS) {
    const v = read(q);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function pageOf(ctx: QueryContext, ids: readonly string[], from: number, size: number): Entity[] {
  const out: Entity[] = [];
  for (const id of ids.slice(from, from + size)) {
    const e = ctx.collection.get(id);
    if (e) out.push(e);
  }
  return out;
}

/**
 * Runs a collection query with server-driven paging. The first page filters once and, when more pages
 * follow, sorts once and keeps the ordered ids; each `$skiptoken` then serves its page from them.
 * @see OData v4.01 Protocol §11.2.6.7 (Server-Driven Paging)
 */
export function runCollectionQuery(ctx: QueryContext, query: CollectionQuery): QueryPage {
  if (query.skiptoken !== undefined) return continueQuery(ctx, query.skiptoken);
  const plain = firstPageInStoreOrder(ctx, query);
  if (plain) return plain;
  const matching = matchingEntities(ctx.collection.values(), query, ctx.type, ctx.model);
  const skip = query.skip ?? 0;
  const want = Math.max(0, Math.min(query.top ?? Infinity, matching.length - skip));
  const count = query.count ? matching.length : undefined;
  if (want <= ctx.pageSize) {
    const rows = firstSorted(matching, query.orderby, skip + want).slice(skip);
    return { entities: rows.map((e) => projectEntity(e, query.select)), count, nextToken: undefined, select: query.select };
  }
  const ids = sortEntities(matching, query.orderby)
    .slice(skip, skip + want)
    .map((e) => e.id);
  const snapshot = ctx.cursors.remember(ids);
  const page = pageOf(ctx, ids, 0, ctx.pageSize);
  const state: CursorState = {
    query: queryTexts(query),
    top: query.top === undefined ? undefined : want - ctx.pageSize,
    skip,
    offset: ctx.pageSize,
    last: page[page.length - 1]?.id,
    snapshot,
    total: matching.length,
    issued: Math.floor(ctx.now().getTime() / 1000),
  };
  return { entities: page.map((e) => projectEntity(e, query.select)), count, nextToken: ctx.cursors.encode(state), select: query.select };
}

/**
 * Without $filter, $search or $orderby, a result that fits one page is read straight from the store, in its
 * order, without copying the whole collection (the common `?$top=N` of a list view).
 */
function firstPageInStoreOrder(ctx: QueryContext, query: CollectionQuery): QueryPage | undefined {
  if (query.filter || query.search || query.orderby.length > 0) return undefined;
  const total = ctx.collection.count();
  const skip = query.skip ?? 0;
  const want = Math.max(0, Math.min(query.top ?? Infinity, total - skip));
  if (want > ctx.pageSize) return undefined;
  const entities: Entity[] = [];
  let index = 0;
  for (const e of ctx.collection.values()) {
    if (entities.length >= want) break;
    if (index++ >= skip) entities.push(projectEntity(e, query.select));
  }
  return { entities, count: query.count ? total : undefined, nextToken: undefined, select: query.select };
}

function continueQuery(ctx: QueryContext, token: string): QueryPage {
  const state = ctx.cursors.decode(token);
  const query = parseCollectionQuery(new Map(Object.entries(state.query) as Array<[QueryOptionName, string]>), 'collection', ctx.type, ctx.model);
  let ids = ctx.cursors.recall(state.snapshot);
  let from = state.offset;
  if (!ids) {
    // The snapshot was evicted: recompute the result once and find where the last page ended.
    ids = sortEntities(matchingEntities(ctx.collection.values(), query, ctx.type, ctx.model), query.orderby)
      .slice(state.skip)
      .map((e) => e.id);
    const at = state.last === undefined ? -1 : ids.indexOf(state.last);
    if (at >= 0) from = at + 1;
    ids = ids.slice(0, from + (state.top ?? Infinity));
    state.snapshot = ctx.cursors.remember(ids);
    from = Math.min(from, ids.length);
  }
  const size = Math.min(ctx.pageSize, state.top ?? Infinity);
  const page = pageOf(ctx, ids, from, size);
  const next = from + size;
  const remaining = state.top === undefined ? undefined : state.top - size;
  const more = next < ids.length && (remaining === undefined || remaining > 0);
  const nextToken = more
    ? ctx.cursors.encode({ ...state, offset: next, top: remaining, last: page[page.length - 1]?.id ?? state.last, issued: Math.floor(ctx.now().getTime() / 1000) })
    : undefined;
  return { entities: page.map((e) => projectEntity(e, query.select)), count: query.count ? state.total : undefined, nextToken, select: query.select };
}

/** `/$count` with `$filter`/`$search`: the number of matching entities. */
export function countMatching(ctx: QueryContext, query: CollectionQuery): number {
  return query.filter || query.search ? matchingEntities(ctx.collection.values(), query, ctx.type, ctx.model).length : ctx.collection.count();
}
