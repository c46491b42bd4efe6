import { compileFilter } from '../../odata/query/apply';
import type { Expr, ExprType, LiteralExpr } from '../../odata/query/ast';
import { toInstant } from '../../odata/query/instant';
import type { CompileContext, ValueClass } from './sql-values';
import { casing, classOf, isNullOf, keyOf, ordinal, PLAIN_TYPE, plainOf, singleJsonAt } from './sql-values';

/** A value known while compiling, as the engine compares it: instants as nanoseconds (bigint), enum members as positions. */
export type Constant = string | number | boolean | bigint | null;

/** One side of a comparison, read in the comparison's class. */
export interface Operand {
  cls: ValueClass;
  /** Set when the value is known while compiling (literals, functions of literals). */
  constant?: { value: Constant };
  /** SQL of the class's type: NULL where the engine reads null or a value of another kind. */
  plain: string;
  /** The never-null key form (paths only), which comparisons with a constant use so that an index serves them. */
  key?: string;
  /** SQL that is true where the engine reads null (never NULL itself). */
  isNull: string;
}

/** True for an expression that reads nothing from the entity: the engine evaluates it while compiling. */
export function isClosed(expr: Expr): boolean {
  switch (expr.kind) {
    case 'literal':
      return true;
    case 'compare':
    case 'and':
    case 'or':
      return isClosed(expr.left) && isClosed(expr.right);
    case 'not':
      return isClosed(expr.operand);
    case 'in':
      return isClosed(expr.operand);
    case 'call':
      return expr.args.every(isClosed);
    default:
      return false;
  }
}

const NOTHING = { id: '' };

/** The engine's own value of a closed expression (strings from tolower, booleans or null from the string tests, compare and logic). */
export function closedValue(expr: Expr): unknown {
  if (expr.kind === 'literal') return expr.value;
  if (expr.kind === 'call') {
    const args = expr.args.map(closedValue);
    const [a, b] = args;
    if (expr.fn === 'tolower' || expr.fn === 'toupper') return typeof a === 'string' ? (expr.fn === 'tolower' ? a.toLowerCase() : a.toUpperCase()) : null;
    if (typeof a !== 'string' || typeof b !== 'string') return null;
    return expr.fn === 'contains' ? a.includes(b) : expr.fn === 'startswith' ? a.startsWith(b) : a.endsWith(b);
  }
  return compileFilter(expr)(NOTHING);
}

/** A literal as the engine compares it under `hint` (comparableValue): a DateTimeOffset that does not parse is null. */
export function literalConstant(literal: LiteralExpr, hint: ExprType): Constant {
  const { value } = literal;
  if (value === null) return null;
  if (hint.edm === 'Edm.DateTimeOffset' || literal.type.edm === 'Edm.DateTimeOffset') {
    if (typeof value !== 'string') return value;
    const instant = toInstant(value);
    return instant ? BigInt(instant.seconds) * 1_000_000_000n + BigInt(instant.nanos) : null;
  }
  if (hint.members && typeof value === 'string') return hint.members.lastIndexOf(value);
  return value;
}

/** Whether a constant is of the kind a class holds (else only `ne` holds between them). */
export function kindMatches(value: Exclude<Constant, null>, cls: ValueClass): boolean {
  switch (typeof value) {
    case 'string':
      return cls === 'string';
    case 'number':
      return cls === 'number' || cls === 'enum';
    case 'boolean':
      return cls === 'boolean';
    default:
      return cls === 'instant';
  }
}

/** A string-valued expression (a function argument): known while compiling, or SQL text that is NULL where it is not a string. */
export type StringOperand = { constant: string | null } | { sql: string };

/** Compiles a function argument: a literal, a path (read as a string) or tolower/toupper of one. */
export function stringOperand(expr: Expr, ctx: CompileContext): StringOperand {
  if (isClosed(expr)) {
    const v = closedValue(expr);
    return { constant: typeof v === 'string' ? v : null };
  }
  if (expr.kind === 'path') return { sql: `mockgraph_string(${singleJsonAt(expr, ctx)})` };
  if (expr.kind === 'call' && (expr.fn === 'tolower' || expr.fn === 'toupper')) {
    const [arg] = expr.args;
    const inner = arg ? stringOperand(arg, ctx) : { constant: null };
    if ('constant' in inner) return { constant: inner.constant };
    return { sql: casing(expr.fn, inner.sql) };
  }
  throw new Error(`a ${expr.kind} expression is not a string argument`);
}

/** Compiles a condition (sql-filter.ts's, passed in so that the two modules do not import each other). */
export type PredicateCompiler = (expr: Expr, ctx: CompileContext) => string;

/**
 * One side of a comparison under the comparison's shared type, as the engine's compile(expr, hint) reads it:
 * literals and paths convert by the hint (instants, enum positions); function results and conditions do not. A
 * condition's value is true or false (`predicate`, NULL made false), a string test's also null (`stringTest`).
 */
export function operandOf(expr: Expr, hint: ExprType, ctx: CompileContext, predicate: PredicateCompiler, stringTest: PredicateCompiler): Operand {
  const cls = classOf(hint);
  if (expr.kind === 'literal') {
    const value = literalConstant(expr, hint);
    return { cls, constant: { value }, plain: `NULL::${PLAIN_TYPE[cls]}`, isNull: value === null ? 'TRUE' : 'FALSE' };
  }
  if (isClosed(expr)) {
    const value = closedValue(expr) as Constant;
    return { cls, constant: { value }, plain: `NULL::${PLAIN_TYPE[cls]}`, isNull: value === null ? 'TRUE' : 'FALSE' };
  }
  if (expr.kind === 'path') {
    const json = singleJsonAt(expr, ctx);
    return { cls, plain: plainOf(json, cls, hint.members), key: keyOf(json, cls, hint.members), isNull: isNullOf(json, cls) };
  }
  if (expr.kind === 'call' && (expr.fn === 'tolower' || expr.fn === 'toupper')) {
    const s = stringOperand(expr, ctx) as { sql: string };
    // A string compared in another class (an enum's positions) is of another kind: it equals nothing but null.
    return { cls, plain: cls === 'string' ? ordinal(s.sql) : `NULL::${PLAIN_TYPE[cls]}`, isNull: `(${s.sql}) IS NULL` };
  }
  if (expr.kind === 'call') {
    const sql = stringTest(expr, ctx);
    return { cls: 'boolean', plain: sql, isNull: `(${sql}) IS NULL` };
  }
  if (expr.type.edm !== 'Edm.Boolean') throw new Error(`a ${expr.kind} expression is not comparable`);
  return { cls: 'boolean', plain: `coalesce(${predicate(expr, ctx)}, FALSE)`, isNull: 'FALSE' };
}
