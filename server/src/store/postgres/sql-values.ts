import { RECORDED_TYPE } from '../../graph/derived-types';
import type { GraphModel } from '../../graph/model';
import type { ExprType, PathExpr, TypeTest } from '../../odata/query/ast';
import { CASE_COLLATION, ORDINAL_COLLATION } from './sql-functions';
import type { SqlParams } from './sql-params';
import { identifierLiteral, propertyLiteral } from './sql-params';

/** The column that holds the stored entity, as JSONB. */
export const BODY = 'body';
/** The column that holds the entity's insertion order (the memory store's order, which ties keep). */
export const SEQ = 'seq';

/**
 * How a comparison reads its operands, after the engine's comparableValue: strings (code point order), numbers
 * (IEEE doubles, as JavaScript holds them), booleans, instants (nanoseconds) or enum members (their position).
 */
export type ValueClass = 'string' | 'number' | 'boolean' | 'instant' | 'enum';

const NUMERIC = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);

/** The class a value of this type is compared in (strings for the string-like types and anything unknown). */
export function classOf(type: ExprType): ValueClass {
  if (type.edm === 'Edm.DateTimeOffset') return 'instant';
  if (type.members) return 'enum';
  if (NUMERIC.has(type.edm)) return 'number';
  if (type.edm === 'Edm.Boolean') return 'boolean';
  return 'string';
}

/** The SQL type of a class's values read plainly (NULL for null). */
export const PLAIN_TYPE: Record<ValueClass, string> = { string: 'text', number: 'float8', boolean: 'boolean', instant: 'numeric', enum: 'float8' };
/** The SQL type of a class's values in key form. */
export const KEY_TYPE: Record<ValueClass, string> = { string: 'text', number: 'float8', boolean: 'integer', instant: 'numeric', enum: 'float8' };
/** The key form's value for null (and for a value of another kind): below every real value. */
export const KEY_SENTINEL: Record<ValueClass, string> = { string: "''", number: "'-Infinity'::float8", boolean: '-1', instant: "'-Infinity'::numeric", enum: "'-Infinity'::float8" };

/** The lambda variables in scope, innermost last, with the SQL that reads each one's item. */
export interface Scope {
  name: string;
  ref: string;
}

/** What compiling one query shares: its parameters, the model, the variables in scope and an alias counter. */
export interface CompileContext {
  params: SqlParams;
  model: GraphModel;
  scopes: Scope[];
  aliases: { next: number };
}

/** A JSONB value read along a path (NULL where the engine reads absent), and the type casts that end the path. */
export interface JsonValue {
  sql: string;
  /** Casts after the last segment: they filter a collection's items, or test a single value. */
  trailing: readonly TypeTest[];
}

/**
 * The SQL of "is of the tested type", as compileTypeTest has it: a JSON object whose `$type` is one of the
 * recorded names, or that records none while its declared type passes. Always true or false, never NULL.
 */
export function typeTestSql(value: string, test: TypeTest, ctx: CompileContext): string {
  const own = `${value} -> ${recordedKey()}`;
  const names = ctx.params.add([...test.recorded]);
  return `(${value} IS NOT NULL AND jsonb_typeof(${value}) = 'object' AND CASE WHEN jsonb_typeof(${own}) = 'string' THEN (${value} ->> ${recordedKey()}) = ANY(${names}::text[]) ELSE ${test.declared ? 'TRUE' : 'FALSE'} END)`;
}

/** The stored key of a value's own type, as an SQL literal. */
export function recordedKey(): string {
  if (!/^\$[A-Za-z_]+$/.test(RECORDED_TYPE)) throw new Error('unexpected recorded-type key');
  return `'${RECORDED_TYPE}'`;
}

/** The JSONB value at a path from the entity or a lambda variable; type casts before a segment read NULL when they fail. */
export function jsonAt(path: PathExpr, ctx: CompileContext): JsonValue {
  const scope = path.variable === undefined ? undefined : [...ctx.scopes].reverse().find((s) => s.name === path.variable);
  let sql = scope ? scope.ref : BODY;
  const casts = path.casts ?? [];
  const trailing: TypeTest[] = [];
  for (let i = 0; i <= path.segments.length; i++) {
    for (const cast of casts) {
      if (cast.at !== i) continue;
      if (i === path.segments.length) trailing.push(cast.test);
      else sql = `CASE WHEN ${typeTestSql(sql, cast.test, ctx)} THEN ${sql} END`;
    }
    const name = path.segments[i];
    if (name !== undefined) sql = `${sql} -> ${propertyLiteral(name, ctx.model)}`;
  }
  return { sql, trailing };
}

/** A path's value where a single value is meant: the casts that end it test the value itself. */
export function singleJsonAt(path: PathExpr, ctx: CompileContext): string {
  const { sql, trailing } = jsonAt(path, ctx);
  return trailing.reduce((value, test) => `CASE WHEN ${typeTestSql(value, test, ctx)} THEN ${value} END`, sql);
}

/**
 * The enum's members as an SQL array of literals (members are identifiers; written so that an index can match). A
 * member written twice keeps only its last position (NULL before), as the engine's member map does.
 */
function membersSql(members: readonly string[]): string {
  return `ARRAY[${members.map((m, i) => (members.lastIndexOf(m) === i ? identifierLiteral(m) : 'NULL')).join(', ')}]::text[]`;
}

/** A JSONB value read in a class: NULL when it is null or of another kind. */
export function plainOf(json: string, cls: ValueClass, members?: readonly string[]): string {
  switch (cls) {
    case 'string':
      return `(mockgraph_string(${json}) COLLATE "${ORDINAL_COLLATION}")`;
    case 'number':
      return `mockgraph_number(${json})`;
    case 'boolean':
      return `mockgraph_boolean(${json})`;
    case 'instant':
      return `mockgraph_instant(${json})`;
    case 'enum':
      return `mockgraph_enum(${json}, ${membersSql(members ?? [])})`;
  }
}

/** A JSONB value in key form: never NULL, in the class's order, null (and other kinds) as KEY_SENTINEL. */
export function keyOf(json: string, cls: ValueClass, members?: readonly string[]): string {
  switch (cls) {
    case 'string':
      return `(mockgraph_string_key(${json}) COLLATE "${ORDINAL_COLLATION}")`;
    case 'number':
      return `mockgraph_number_key(${json})`;
    case 'boolean':
      return `mockgraph_boolean_key(${json})`;
    case 'instant':
      return `mockgraph_instant_key(${json})`;
    case 'enum':
      return `mockgraph_enum_key(${json}, ${membersSql(members ?? [])})`;
  }
}

/** True where the engine reads null: absent, JSON null, or (for instants) a string that is not a DateTimeOffset. */
export function isNullOf(json: string, cls: ValueClass): string {
  const absent = `(${json} IS NULL OR ${json} = 'null'::jsonb)`;
  if (cls !== 'instant') return absent;
  return `(${absent} OR (jsonb_typeof(${json}) = 'string' AND mockgraph_instant(${json}) IS NULL))`;
}

/** Text in code point order (an explicit collation, so that it combines with any other operand). */
export function ordinal(text: string): string {
  return `(${text}) COLLATE "${ORDINAL_COLLATION}"`;
}

/** lower() or upper() with Unicode's full case mappings (JavaScript's toLowerCase/toUpperCase). */
export function casing(fn: 'tolower' | 'toupper', text: string): string {
  return `(${fn === 'tolower' ? 'lower' : 'upper'}((${text}) COLLATE "${CASE_COLLATION}") COLLATE "${ORDINAL_COLLATION}")`;
}
