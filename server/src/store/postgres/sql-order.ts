import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { OrderKey } from '../../odata/query/ast';
import type { SqlParams } from './sql-params';
import { propertyLiteral } from './sql-params';
import { BODY, classOf, KEY_TYPE, keyOf, SEQ } from './sql-values';

/** One key of the compiled order: an expression that is never NULL, its direction and its SQL type. */
export interface OrderKeySql {
  sql: string;
  descending: boolean;
  /** The SQL type of its values (what keysetAfter casts a page token's values to). */
  type: 'text' | 'float8' | 'integer' | 'numeric' | 'bigint';
}

/** The key expression of one `$orderby` key: the path's value in key form (null sorts as the least value). */
export function orderKeySql(key: OrderKey, model: GraphModel | undefined): OrderKeySql {
  const json = key.segments.reduce((sql, name) => `${sql} -> ${propertyLiteral(name, model)}`, BODY);
  const cls = classOf(key.type);
  return { sql: keyOf(json, cls, key.type.members), descending: key.descending, type: KEY_TYPE[cls] as OrderKeySql['type'] };
}

/**
 * `$orderby` as key expressions, then `seq` ascending: ties keep insertion order, as the engine's stable sort does.
 * Key forms read null as the least value, so ascending puts nulls first and descending last, as OData's rule is.
 * @see OData URL Conventions §5.1.1.4 (orderby)
 */
export function compileOrder(orderby: readonly OrderKey[], _type: StructuredTypeModel, model: GraphModel): OrderKeySql[] {
  return [...orderby.map((k) => orderKeySql(k, model)), { sql: SEQ, descending: false, type: 'bigint' }];
}

/** The ORDER BY clause of compiled keys. */
export function orderByClause(keys: readonly OrderKeySql[]): string {
  return keys.map((k) => `${k.sql} ${k.descending ? 'DESC' : 'ASC'}`).join(', ');
}

/** A page token's value for a key, checked against the key's type (a token is client input, however it is signed). */
function keyValue(key: OrderKeySql, value: unknown): string | number {
  const bad = () => new TypeError(`a keyset value for a ${key.type} key is ${JSON.stringify(value) ?? String(value)}`);
  switch (key.type) {
    case 'text':
      if (typeof value !== 'string') throw bad();
      return value;
    case 'float8':
      // JSON writes the key form's -Infinity (a null value) as null.
      if (value === null || value === -Infinity) return '-Infinity';
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad();
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
      return value;
    case 'numeric':
      if (typeof value !== 'string' || !/^(-?\d{1,40}|-Infinity)$/.test(value)) throw bad();
      return value;
    case 'bigint':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value !== 'string' || !/^-?\d{1,19}$/.test(value)) throw bad();
      return value;
  }
}

/**
 * The rows strictly after one row in the order of `keys` (compileOrder's), given that row's key values (as the
 * driver returns them, through JSON: a float8 key's -Infinity may come back as null). Keys are never NULL, so this
 * is plain lexicographic order: one row comparison when every key ascends; otherwise a bound on the first key
 * (for the index) and the exact nested condition.
 */
export function keysetAfter(keys: readonly OrderKeySql[], values: readonly unknown[], params: SqlParams): string {
  if (keys.length === 0 || values.length !== keys.length) throw new TypeError(`a keyset position needs ${keys.length} values, got ${values.length}`);
  const p = keys.map((k, i) => `${params.add(keyValue(k, values[i]))}::${k.type}`);
  if (keys.every((k) => !k.descending)) return `(${keys.map((k) => k.sql).join(', ')}) > (${p.join(', ')})`;
  const nested = (i: number): string => {
    const k = keys[i]!;
    const beyond = `${k.sql} ${k.descending ? '<' : '>'} ${p[i]!}`;
    return i === keys.length - 1 ? beyond : `(${beyond} OR (${k.sql} = ${p[i]!} AND ${nested(i + 1)}))`;
  };
  const first = keys[0]!;
  return `${first.sql} ${first.descending ? '<=' : '>='} ${p[0]!} AND ${nested(0)}`;
}
