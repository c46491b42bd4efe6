import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { CollectionQuery, OrderKey } from './ast';
import { findProperty, parseFilter, resolvePropertyPath, unknownProperty } from './filter-parser';
import { MAX_ORDERBY_CLAUSES } from './limits';

/** The system query options mockgraph understands. @see OData URL Conventions §5 */
export const QUERY_OPTIONS = ['filter', 'select', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken', 'expand', 'format'] as const;
/** One system query option, without its `$`. */
export type QueryOptionName = (typeof QUERY_OPTIONS)[number];

/** Options that only make sense on a collection. */
const COLLECTION_ONLY: readonly QueryOptionName[] = ['filter', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken'];

/** What a request addresses, as far as query options care. */
export type QueryTarget = 'collection' | 'count' | 'references' | 'entity';

/**
 * Collects system query options from the raw query string. Graph's beta endpoint accepts them with or without
 * `$`, in any case; an unknown `$` option is a 400, other unknown parameters are ignored, as Graph does.
 */
export function readQueryOptions(pairs: ReadonlyArray<readonly [string, string]>): Map<QueryOptionName, string> {
  const options = new Map<QueryOptionName, string>();
  for (const [rawName, value] of pairs) {
    const dollar = rawName.startsWith('$');
    const name = (dollar ? rawName.slice(1) : rawName).toLowerCase();
    const known = (QUERY_OPTIONS as readonly string[]).includes(name) ? (name as QueryOptionName) : undefined;
    if (!known) {
      if (dollar) throw new GraphError('BadRequest', `The query parameter '${rawName}' is not supported.`);
      continue;
    }
    if (options.has(known)) throw new GraphError('BadRequest', `The query option '$${known}' is given more than once.`);
    options.set(known, value);
  }
  return options;
}

function nonNegativeInteger(name: string, value: string): number {
  if (!/^\d{1,15}$/.test(value.trim())) throw new GraphError('BadRequest', `Invalid value '${value}' for the $${name} query option: expected a non-negative integer.`);
  return Number(value.trim());
}

/** `$select=a,b`: top-level property names (case-insensitive), `*` for all. */
export function parseSelect(text: string, type: StructuredTypeModel): string[] | undefined {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new GraphError('BadRequest', `Invalid $select '${text}': expected a comma-separated list of property names.`);
  if (items.includes('*')) return undefined;
  return items.map((item) => {
    if (item.includes('/')) throw new GraphError('BadRequest', `Invalid $select item '${item}': only top-level properties can be selected.`);
    const prop = findProperty(type, item);
    if (!prop) throw unknownProperty(item, type.name);
    return prop.name;
  });
}

/** `$orderby=a/b desc, c`: property paths to single primitive values. */
export function parseOrderBy(text: string, type: StructuredTypeModel, model: GraphModel): OrderKey[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length > MAX_ORDERBY_CLAUSES) {
    throw new GraphError(
      'BadRequest',
      `The number of clauses in $orderby query option exceeded the maximum number allowed. The maximum number of $orderby clauses allowed is ${MAX_ORDERBY_CLAUSES}. This is mockgraph's limit (ASP.NET OData's default MaxOrderByNodeCount).`,
    );
  }
  return items.map((item) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?$/i.exec(item);
    if (!m) throw new GraphError('BadRequest', `Invalid $orderby item '${item}': expected a property path followed by asc or desc.`);
    const { names, type: valueType } = resolvePropertyPath((m[1] ?? '').split('/'), type, model);
    if (valueType.collection || model.resolveType(valueType.edm)) {
      throw new GraphError('BadRequest', `The $orderby key '${m[1] ?? ''}' is not a single primitive value and cannot be sorted on.`);
    }
    return { segments: names, descending: (m[2] ?? 'asc').toLowerCase() === 'desc', type: valueType };
  });
}

/** `$search="term"`: one double-quoted term (an embedded quote is escaped as `\"`). */
export function parseSearch(text: string): string {
  const m = /^\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) throw new GraphError('BadRequest', `Invalid $search '${text}': expected one double-quoted term, such as $search="Provider value".`);
  const term = (m[1] ?? '').replace(/\\(.)/g, '$1');
  if (term.trim() === '') throw new GraphError('BadRequest', 'The $search term is empty.');
  return term;
}

/** Parses the query options a request may carry, for the kind of resource it addresses. */
export function parseCollectionQuery(options: ReadonlyMap<QueryOptionName, string>, target: QueryTarget, type: StructuredTypeModel, model: GraphModel): CollectionQuery {
  for (const name of options.keys()) {
    if (name === 'expand') throw new GraphError('BadRequest', `The query option '$expand' is not supported: ${type.name} has no navigation properties.`);
    if (name === 'format') throw new GraphError('BadRequest', "The query option '$format' is not supported; use the Accept header.");
    if (target === 'entity' && COLLECTION_ONLY.includes(name)) throw new GraphError('BadRequest', `The query option '$${name}' applies to collections, not to a single entity.`);
    if (target === 'count' && name !== 'filter' && name !== 'search') throw new GraphError('BadRequest', `The query option '$${name}' cannot be combined with /$count; only $filter and $search can.`);
    if (target === 'references' && name === 'select') throw new GraphError('BadRequest', "The query option '$select' does not apply to references ($ref).");
  }
  const skiptoken = options.get('skiptoken');
  if (skiptoken !== undefined && options.size > 1) {
    throw new GraphError('BadRequest', 'The query option $skiptoken must be used alone, exactly as returned in @odata.nextLink; it carries the rest of the query.');
  }
  const get = (name: QueryOptionName) => options.get(name);
  const filterText = get('filter');
  const orderbyText = get('orderby');
  const searchText = get('search');
  const selectText = get('select');
  const countText = get('count');
  if (countText !== undefined && !/^(true|false)$/i.test(countText.trim())) throw new GraphError('BadRequest', `Invalid value '${countText}' for the $count query option: expected true or false.`);
  return {
    filter: filterText === undefined ? undefined : { text: filterText, expr: parseFilter(filterText, type, model) },
    search: searchText === undefined ? undefined : { text: searchText, term: parseSearch(searchText) },
    orderby: orderbyText === undefined ? [] : parseOrderBy(orderbyText, type, model),
    orderbyText,
    select: selectText === undefined ? undefined : parseSelect(selectText, type),
    top: get('top') === undefined ? undefined : nonNegativeInteger('top', get('top') ?? ''),
    skip: get('skip') === undefined ? undefined : nonNegativeInteger('skip', get('skip') ?? ''),
    count: countText !== undefined && countText.trim().toLowerCase() === 'true',
    skiptoken,
  };
}
