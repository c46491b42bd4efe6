import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { CollectionQuery } from '../../odata/query/ast';
import { predicateSql } from './sql-filter';
import type { SqlParams } from './sql-params';
import { searchSql } from './sql-search';
import type { CompileContext } from './sql-values';
import { BODY, typeTestSql } from './sql-values';

export { CASE_COLLATION, ORDINAL_COLLATION, SQL_FUNCTIONS, SQL_FUNCTIONS_DDL } from './sql-functions';
export { indexStatements } from './sql-indexes';
export type { IndexSpec } from './sql-indexes';
export { compileOrder, keysetAfter, orderByClause } from './sql-order';
export type { OrderKeySql } from './sql-order';
export { SqlParams } from './sql-params';
export type { SqlValue } from './sql-params';

/**
 * The condition of a collection query over `body` (the stored entity, JSONB): the URL's type cast, `$filter` and
 * `$search`, with the in-memory engine's semantics (scanMatching). Every value is a parameter in `params`. NULL
 * means "not selected", as in a WHERE clause; `TRUE` without any of the three.
 */
export function compileWhere(query: CollectionQuery, type: StructuredTypeModel, model: GraphModel, params: SqlParams): string {
  const ctx: CompileContext = { params, model, scopes: [], aliases: { next: 0 } };
  const parts: string[] = [];
  if (query.cast) parts.push(typeTestSql(BODY, query.cast, ctx));
  if (query.filter) parts.push(predicateSql(query.filter.expr, ctx));
  if (query.search) parts.push(searchSql(query.search.term, type, model, ctx));
  return parts.length === 0 ? 'TRUE' : parts.map((p) => `(${p})`).join(' AND ');
}
