import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { CollectionQuery, OrderKey, SelectItem } from './ast';
import { parseFilter } from './filter-parser';
import { findProperty, isQualifiedName, resolvePropertyPath, unknownProperty } from './property-path';
import { MAX_ORDERBY_CLAUSES } from './limits';
import { castTarget, typeTestFor } from './type-tests';

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

/**
 * `$select=a,b`: top-level property names (case-insensitive), `*` for all. A property of a derived type is
 * selected with its type cast, `microsoft.graph.x/name` (then only for entities of that type); a plain name must
 * be a property of the collection's type, as OData's rule is. @see OData URL Conventions §5.1.3
 */
export function parseSelect(text: string, type: StructuredTypeModel, model: GraphModel): SelectItem[] | undefined {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new GraphError('BadRequest', `Invalid $select '${text}': expected a comma-separated list of property names.`);
  if (items.includes('*')) return undefined;
  return items.map((item) => {
    const parts = item.split('/');
    const cast = parts.length === 2 && isQualifiedName(parts[0] ?? '') ? castTarget(parts[0] ?? '', type, model) : undefined;
    const name = cast ? (parts[1] ?? '') : item;
    if (name.includes('/')) throw new GraphError('BadRequest', `Invalid $select item '${item}': only top-level properties can be selected (of a derived type: microsoft.graph.x/name).`);
    const prop = findProperty(cast ?? type, name);
    if (!prop) throw selectNotFound(name, cast ?? type, model);
    return cast ? { text: `${cast.name}/${prop.name}`, property: prop.name, cast: typeTestFor(cast, type, model) } : { text: prop.name, property: prop.name, cast: undefined };
  });
}

/** Graph's 400 for an unknown property; when derived types declare it, the message shows how to select it. */
function selectNotFound(name: string, type: StructuredTypeModel, model: GraphModel): GraphError {
  const owners = model.types.filter((t) => t !== type && model.derivesFrom(t.name, type.name) && findProperty(t, name));
  const declaring = owners.filter((t) => !owners.some((o) => o !== t && model.derivesFrom(t.name, o.name)));
  if (declaring.length === 0) return unknownProperty(name, type.name);
  const base = unknownProperty(name, type.name).message;
  return new GraphError('BadRequest', `${base} It is a property of the derived type${declaring.length > 1 ? 's' : ''} ${declaring.map((t) => t.name).join(', ')}: select it with its type cast, e.g. $select=${declaring[0]?.name ?? ''}/${name}.`);
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

/**
 * Parses the query options a request may carry, for the kind of resource it addresses. With `cast` (a URL's
 * type-cast segment, `/{set}/microsoft.graph.x`), the options address that derived type and only its entities
 * are in the result.
 */
export function parseCollectionQuery(options: ReadonlyMap<QueryOptionName, string>, target: QueryTarget, declared: StructuredTypeModel, model: GraphModel, cast?: StructuredTypeModel): CollectionQuery {
  const type = cast ?? declared;
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
    ...(cast ? { cast: typeTestFor(cast, declared, model) } : {}),
    filter: filterText === undefined ? undefined : { text: filterText, expr: parseFilter(filterText, type, model) },
    search: searchText === undefined ? undefined : { text: searchText, term: parseSearch(searchText) },
    orderby: orderbyText === undefined ? [] : parseOrderBy(orderbyText, type, model),
    orderbyText,
    select: selectText === undefined ? undefined : parseSelect(selectText, type, model),
    top: get('top') === undefined ? undefined : nonNegativeInteger('top', get('top') ?? ''),
    skip: get('skip') === undefined ? undefined : nonNegativeInteger('skip', get('skip') ?? ''),
    count: countText !== undefined && countText.trim().toLowerCase() === 'true',
    skiptoken,
  };
}
