import type { ComparisonOperator, Expr, ExprType, LiteralExpr, PathExpr } from '../../odata/query/ast';
import { equalityGroups, pathEqualsLiteral } from '../../odata/query/membership';
import type { Constant, Operand } from './sql-operands';
import { closedValue, isClosed, kindMatches, literalConstant, operandOf, stringOperand } from './sql-operands';
import type { CompileContext, ValueClass } from './sql-values';
import { BODY, jsonAt, KEY_SENTINEL, KEY_TYPE, ordinal, PLAIN_TYPE, singleJsonAt, typeTestSql } from './sql-values';

/*
 * A `$filter` compiled to a condition. Its SQL is three-valued where NULL stands for the engine's "not true" (a
 * WHERE clause drops both); `not` is therefore `IS NOT TRUE`, and `all` looks for an item whose predicate is not true.
 */

const FLIPPED: Record<ComparisonOperator, ComparisonOperator> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };
const SQL_OPERATOR: Record<ComparisonOperator, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** The type that decides how both sides of a comparison are read (as apply.ts's sharedType). */
function sharedType(a: Expr, b: Expr): ExprType {
  if (b.type.members) return b.type;
  return a.type.edm === 'null' ? b.type : a.type;
}

/** A constant as a parameter of the operand's form: key form (strings end in U+0001), or plain. */
function constantParam(value: Exclude<Constant, null>, cls: ValueClass, keyed: boolean, ctx: CompileContext): string {
  const type = keyed ? KEY_TYPE[cls] : PLAIN_TYPE[cls];
  if (typeof value === 'bigint') return `${ctx.params.add(value.toString())}::${type}`;
  if (cls === 'string' && keyed) return `${ctx.params.add(`${String(value)}\u0001`)}::${type}`;
  return `${ctx.params.add(value as string | number | boolean)}::${type}`;
}

/** `x op c` for a non-constant operand and a constant, with the engine's null and kind rules. */
function compareWithConstant(op: ComparisonOperator, x: Operand, c: Constant, ctx: CompileContext): string {
  if (c === null) return op === 'eq' ? x.isNull : op === 'ne' ? `(NOT ${x.isNull})` : 'FALSE';
  if (!kindMatches(c, x.cls)) return op === 'ne' ? 'TRUE' : 'FALSE';
  if (typeof c === 'string' && c.includes('\u0000')) {
    // No stored string holds NUL: s < c and s <= c mean s <= (c up to its NUL); s > c and s >= c mean s > it.
    if (op === 'eq' || op === 'ne') return op === 'ne' ? 'TRUE' : 'FALSE';
    return compareWithConstant(op === 'lt' || op === 'le' ? 'le' : 'gt', x, c.slice(0, c.indexOf('\u0000')), ctx);
  }
  // -Infinity (a literal such as -1e999) is the key form's null: no stored number equals it.
  const atSentinel = c === -Infinity;
  if (x.key !== undefined && x.cls !== 'boolean') {
    const key = x.key;
    const sentinel = KEY_SENTINEL[x.cls];
    if (atSentinel) return { eq: 'FALSE', ne: 'TRUE', gt: `${key} > ${sentinel}`, ge: `${key} > ${sentinel}`, lt: 'FALSE', le: 'FALSE' }[op];
    const p = constantParam(c, x.cls, true, ctx);
    if (op === 'lt' || op === 'le') return `(${key} ${SQL_OPERATOR[op]} ${p} AND ${key} > ${sentinel})`;
    return `${key} ${SQL_OPERATOR[op]} ${p}`;
  }
  const p = constantParam(c, x.cls, false, ctx);
  if (op === 'ne') return `${x.plain} IS DISTINCT FROM ${p}`;
  return `${x.plain} ${SQL_OPERATOR[op]} ${p}`;
}

function compareSql(expr: Extract<Expr, { kind: 'compare' }>, ctx: CompileContext): string {
  const shared = sharedType(expr.left, expr.right);
  const a = operandOf(expr.left, shared, ctx, predicateSql, stringTestSql);
  const b = operandOf(expr.right, shared, ctx, predicateSql, stringTestSql);
  if (b.constant) return compareWithConstant(expr.op, a, b.constant.value, ctx);
  if (a.constant) return compareWithConstant(FLIPPED[expr.op], b, a.constant.value, ctx);
  const eq = `((${a.isNull} AND ${b.isNull}) OR ${a.plain} = ${b.plain})`;
  if (expr.op === 'eq') return eq;
  if (expr.op === 'ne') return `(${eq} IS NOT TRUE)`;
  return `${a.plain} ${SQL_OPERATOR[expr.op]} ${b.plain}`;
}

/** `operand in (values)` (and an `or` of `path eq literal` over one path): null matches null, a value its equals. */
function membershipSql(operand: Expr, values: readonly LiteralExpr[], ctx: CompileContext): string {
  const hint = operand.type;
  const x = operandOf(operand, hint, ctx, predicateSql, stringTestSql);
  const constants = values.map((v) => literalConstant(v, hint));
  const real = [...new Set(constants.filter((c): c is Exclude<Constant, null> => c !== null && kindMatches(c, x.cls)))].filter(
    // Neither a string with NUL nor the key form's -Infinity can equal a stored value.
    (c) => !(typeof c === 'string' && c.includes('\u0000')) && !(c === -Infinity && x.key !== undefined),
  );
  const parts: string[] = [];
  if (real.length > 0) {
    const keyed = x.key !== undefined && x.cls !== 'boolean';
    const type = keyed ? KEY_TYPE[x.cls] : PLAIN_TYPE[x.cls];
    const list = real.map((c) => (typeof c === 'bigint' ? c.toString() : keyed && x.cls === 'string' ? `${String(c)}\u0001` : c)) as string[] | number[] | boolean[];
    parts.push(`${keyed ? x.key : x.plain} = ANY(${ctx.params.add(list)}::${type}[])`);
  }
  if (constants.includes(null)) parts.push(x.isNull);
  return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
}

/** An `or` chain; its `path eq literal` terms over one path become one `= ANY(…)` (the same result, one index probe). */
function orSql(expr: Expr, ctx: CompileContext): string {
  const { groups, rest } = equalityGroups(expr, 2);
  const parts: string[] = groups.map(({ path, literals }) => membershipSql(path, literals, ctx));
  for (const term of rest) parts.push(predicateSql(term, ctx));
  return `(${parts.join(' OR ')})`;
}

/**
 * startswith/endswith/contains: true or false when both arguments are strings, else NULL (the engine's null),
 * so the SQL is exact in value form too. A constant with NUL is split at it (no stored string holds one).
 */
function stringTestSql(expr: Expr, ctx: CompileContext): string {
  if (expr.kind !== 'call' || expr.fn === 'tolower' || expr.fn === 'toupper') throw new Error('not a string test');
  const [subject, needle] = expr.args.map((a) => stringOperand(a, ctx));
  if (!subject || !needle) throw new Error(`${expr.fn} takes two arguments`);
  if ('constant' in subject && 'constant' in needle) {
    const v = closedValue(expr);
    return v === null ? 'NULL::boolean' : v ? 'TRUE' : 'FALSE';
  }
  if (('constant' in subject && subject.constant === null) || ('constant' in needle && needle.constant === null)) return 'NULL::boolean';
  if ('constant' in needle) {
    const n = needle.constant ?? '';
    const s = (subject as { sql: string }).sql;
    if (n.includes('\u0000')) return `CASE WHEN ${s} IS NOT NULL THEN FALSE END`;
    return stringTest(expr.fn, ordinal(s), ordinal(`${ctx.params.add(n)}::text`));
  }
  const n = ordinal(needle.sql);
  if ('constant' in subject) {
    const text = subject.constant ?? '';
    const segments = text.split('\u0000');
    const param = (v: string) => ordinal(`${ctx.params.add(v)}::text`);
    if (expr.fn === 'startswith') return stringTest('startswith', param(segments[0] ?? ''), n);
    if (expr.fn === 'endswith') return stringTest('endswith', param(segments[segments.length - 1] ?? ''), n);
    // contains(c, s): s (which holds no NUL) lies within one of c's NUL-free segments.
    return `(${segments.map((seg) => stringTest('contains', param(seg), n)).join(' OR ')})`;
  }
  return stringTest(expr.fn, ordinal(subject.sql), n);
}

function stringTest(fn: 'startswith' | 'endswith' | 'contains', subject: string, needle: string): string {
  if (fn === 'startswith') return `starts_with(${subject}, ${needle})`;
  if (fn === 'endswith') return `(right(${subject}, length(${needle})) = ${needle})`;
  return `(strpos(${subject}, ${needle}) > 0)`;
}

/**
 * `any(x: x eq 'v')` and `any(c: c/p eq 'v')` over the entity's own collection: JSONB containment, which a GIN
 * index (jsonb_path_ops) on the collection serves. Exact for strings: an item equals 'v' (or is an object whose
 * p is 'v') exactly when the array contains it.
 */
function containmentSql(expr: Extract<Expr, { kind: 'lambda' }>, collection: string, ctx: CompileContext): string | undefined {
  const { predicate, variable } = expr;
  if (expr.op !== 'any' || !predicate || variable === undefined || (expr.collection.casts?.length ?? 0) > 0) return undefined;
  const eq = pathEqualsLiteral(predicate);
  if (!eq || eq.path.variable !== variable || eq.path.casts || typeof eq.literal.value !== 'string' || eq.literal.value.includes('\u0000')) return undefined;
  const shared = predicate.kind === 'compare' ? sharedType(predicate.left, predicate.right) : undefined;
  if (!shared || shared.edm !== 'Edm.String' || shared.members) return undefined;
  let item: unknown = eq.literal.value;
  for (const name of [...eq.path.segments].reverse()) item = { [name]: item };
  return `${collection} @> ${ctx.params.add(JSON.stringify([item]))}::jsonb`;
}

function lambdaSql(expr: Extract<Expr, { kind: 'lambda' }>, ctx: CompileContext): string {
  const { sql: collection, trailing } = jsonAt(expr.collection, ctx);
  const alias = `x${++ctx.aliases.next}`;
  const item = `${alias}.v`;
  const items = `jsonb_array_elements(CASE WHEN jsonb_typeof(${collection}) = 'array' THEN ${collection} END) AS ${alias}(v)`;
  const filters = trailing.map((test) => typeTestSql(item, test, ctx));
  if (!expr.predicate) {
    if (filters.length === 0) return `(jsonb_typeof(${collection}) = 'array' AND ${collection} <> '[]'::jsonb)`;
    return `EXISTS (SELECT 1 FROM ${items} WHERE ${filters.join(' AND ')})`;
  }
  if (filters.length === 0) {
    const contained = containmentSql(expr, collection, ctx);
    if (contained) return contained;
  }
  ctx.scopes.push({ name: expr.variable ?? '', ref: item });
  const predicate = predicateSql(expr.predicate, ctx);
  ctx.scopes.pop();
  const where = [...filters, expr.op === 'all' ? `(${predicate}) IS NOT TRUE` : predicate].join(' AND ');
  return expr.op === 'all' ? `NOT EXISTS (SELECT 1 FROM ${items} WHERE ${where})` : `EXISTS (SELECT 1 FROM ${items} WHERE ${where})`;
}

/** Compiles a boolean `$filter` expression; NULL in the result stands for "not true". */
export function predicateSql(expr: Expr, ctx: CompileContext): string {
  if (isClosed(expr)) return closedValue(expr) === true ? 'TRUE' : 'FALSE';
  switch (expr.kind) {
    case 'literal':
      return expr.value === true ? 'TRUE' : 'FALSE';
    case 'path':
      return `(${singleJsonAt(expr, ctx)} = 'true'::jsonb)`;
    case 'compare':
      return compareSql(expr, ctx);
    case 'and':
      return `(${predicateSql(expr.left, ctx)} AND ${predicateSql(expr.right, ctx)})`;
    case 'or':
      return orSql(expr, ctx);
    case 'not':
      return `((${predicateSql(expr.operand, ctx)}) IS NOT TRUE)`;
    case 'in':
      return membershipSql(expr.operand, expr.values, ctx);
    case 'call':
      return stringTestSql(expr, ctx);
    case 'isof':
      return typeTestSql(expr.operand ? singleJsonAt(expr.operand, ctx) : BODY, expr.test, ctx);
    case 'lambda':
      return lambdaSql(expr, ctx);
  }
}
