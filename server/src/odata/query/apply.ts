import { setOwn } from '../../json';
import type { Entity } from '../../store/store';
import { RECORDED_TYPE } from '../../graph/derived-types';
import type { ComparisonOperator, Expr, ExprType, LiteralExpr, PathExpr, SelectItem } from './ast';
import { equalityGroups, memberOf, SET_LOOKUP_MIN_VALUES } from './membership';
import type { Value } from './values';
import { castPathGetter, compileTypeTest } from './type-tests';
import { comparableValue, order, pathGetter } from './values';
/** A compiled expression: the current entity, then lambda variables by depth. */
type Compiled = (it: Entity, vars: Value[]) => Value;

function compareOp(op: ComparisonOperator, a: Value, b: Value): boolean {
  if (a === null || b === null) {
    if (op === 'eq') return a === b;
    if (op === 'ne') return a !== b;
    return false;
  }
  if (typeof a !== typeof b) return op === 'ne';
  const c = order(a, b);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

/** The type that decides how both sides of a comparison are read (DateTimeOffset or an enum wins over null and a literal). */
function sharedType(a: Expr, b: Expr): ExprType {
  if (b.type.members) return b.type;
  return a.type.edm === 'null' ? b.type : a.type;
}

/**
 * Counts evaluation work that one entity can multiply (items visited by any/all, characters read by string
 * functions and string comparisons), so a scan can check its clock in time.
 */
export interface WorkMeter {
  units: number;
}

/** What one filter's compilation shares: its meter, and one compiled `tolower`/`toupper` per distinct call. */
interface Unit {
  meter: WorkMeter;
  casings: Map<string, Compiled>;
}

/**
 * `tolower(x)` / `toupper(x)`, remembering its last input and result: the same call written several times in
 * a filter (`contains(tolower(address), 'a') or contains(tolower(address), 'b')`) converts each string once.
 */
function compileCasing(expr: Extract<Expr, { kind: 'call' }>, variables: readonly string[], unit: Unit): Compiled {
  const key = JSON.stringify([variables, expr]);
  const known = unit.casings.get(key);
  if (known) return known;
  const [arg] = expr.args;
  const read = arg ? compile(arg, variables, unit) : () => null;
  const lower = expr.fn === 'tolower';
  let input: string | undefined;
  let output = '';
  const casing: Compiled = (it, vars) => {
    const a = read(it, vars);
    if (typeof a !== 'string') return null;
    if (a === input) return output;
    unit.meter.units += a.length;
    input = a;
    output = lower ? a.toLowerCase() : a.toUpperCase();
    return output;
  };
  unit.casings.set(key, casing);
  return casing;
}

/** `contains`, `startswith`, `endswith`: the characters of the subject are metered (each is read at most once). */
function compileStringTest(expr: Extract<Expr, { kind: 'call' }>, variables: readonly string[], unit: Unit): Compiled {
  const [subject, needle] = expr.args.map((a) => compile(a, variables, unit)) as [Compiled, Compiled];
  const { meter } = unit;
  const fn = expr.fn;
  return (it, vars) => {
    const a = subject(it, vars);
    const b = needle(it, vars);
    if (typeof a !== 'string' || typeof b !== 'string') return null;
    meter.units += a.length;
    return fn === 'contains' ? a.includes(b) : fn === 'startswith' ? a.startsWith(b) : a.endsWith(b);
  };
}

/** `operand in (values)`, or an `or` of `operand eq value` terms: one read of the operand, then a membership test. */
function compileMembership(operand: Expr, values: readonly LiteralExpr[], variables: readonly string[], unit: Unit): Compiled {
  const hint = operand.type;
  const read = compile(operand, variables, unit, hint);
  const member = memberOf(
    values.map((v) => compile(v, variables, unit, hint)(undefined as unknown as Entity, [])),
    (a, b) => compareOp('eq', a, b),
  );
  return (it, vars) => member(read(it, vars));
}

/**
 * An `or` chain. Terms `path eq literal` over one path, when there are many, become one Set lookup (a chain
 * of 195 such terms otherwise costs 195 comparisons per entity); the other terms are kept as they are.
 */
function compileOr(expr: Expr, variables: readonly string[], unit: Unit): Compiled {
  const { groups, rest } = equalityGroups(expr, SET_LOOKUP_MIN_VALUES);
  const parts: Compiled[] = groups.map(({ path, literals }) => compileMembership(path, literals, variables, unit));
  for (const term of rest) parts.push(compile(term, variables, unit));
  if (parts.length === 2) {
    const [l, r] = parts as [Compiled, Compiled];
    return (it, vars) => l(it, vars) === true || r(it, vars) === true;
  }
  return (it, vars) => {
    for (const part of parts) if (part(it, vars) === true) return true;
    return false;
  };
}

function compile(expr: Expr, variables: readonly string[], unit: Unit, hint: ExprType = expr.type): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const v = comparableValue(expr.value, hint.edm === 'Edm.DateTimeOffset' ? 'Edm.DateTimeOffset' : expr.type.edm, hint.members);
      return () => v;
    }
    case 'path': {
      const get = expr.casts ? castPathGetter(expr.segments, expr.casts) : pathGetter(expr.segments);
      const { edm, members } = hint;
      const index = expr.variable === undefined ? -1 : variables.lastIndexOf(expr.variable);
      if (index < 0) return edm === 'Edm.DateTimeOffset' || members ? (it) => comparableValue(get(it), edm, members) : (it) => get(it);
      if (expr.segments.length === 0 && !expr.casts) return (_it, vars) => comparableValue(vars[index], edm, members);
      return (_it, vars) => comparableValue(get(vars[index]), edm, members);
    }
    case 'compare': {
      const shared = sharedType(expr.left, expr.right);
      const [l, r, op] = [compile(expr.left, variables, unit, shared), compile(expr.right, variables, unit, shared), expr.op];
      // A literal is at most a $filter long, so comparing with one is cheap; two stored strings may be long.
      if (expr.left.kind === 'literal' || expr.right.kind === 'literal') return (it, vars) => compareOp(op, l(it, vars), r(it, vars));
      const { meter } = unit;
      return (it, vars) => {
        const a = l(it, vars);
        const b = r(it, vars);
        // Comparing two strings reads up to the shorter of them.
        if (typeof a === 'string' && typeof b === 'string') meter.units += a.length < b.length ? a.length : b.length;
        return compareOp(op, a, b);
      };
    }
    case 'and': {
      const [l, r] = [compile(expr.left, variables, unit), compile(expr.right, variables, unit)];
      return (it, vars) => l(it, vars) === true && r(it, vars) === true;
    }
    case 'or':
      return compileOr(expr, variables, unit);
    case 'not': {
      const operand = compile(expr.operand, variables, unit);
      return (it, vars) => operand(it, vars) !== true;
    }
    case 'in':
      return compileMembership(expr.operand, expr.values, variables, unit);
    case 'call':
      return expr.fn === 'tolower' || expr.fn === 'toupper' ? compileCasing(expr, variables, unit) : compileStringTest(expr, variables, unit);
    case 'isof': {
      const passes = compileTypeTest(expr.test);
      if (!expr.operand) return (it) => passes(it);
      const read = compile(expr.operand, variables, unit, { edm: expr.test.type, collection: false });
      return (it, vars) => passes(read(it, vars));
    }
    case 'lambda': {
      const collection = compile(expr.collection, variables, unit, { edm: 'collection', collection: true });
      const inner = expr.variable === undefined ? [...variables] : [...variables, expr.variable];
      const predicate = expr.predicate ? compile(expr.predicate, inner, unit) : undefined;
      const all = expr.op === 'all';
      const { meter } = unit;
      return (it, vars) => {
        const items = collection(it, vars);
        if (!Array.isArray(items)) return all;
        if (!predicate) return items.length > 0;
        meter.units += items.length;
        const test = (item: Value) => predicate(it, [...vars, item]) === true;
        return all ? items.every(test) : items.some(test);
      };
    }
  }
}

/** Compiles a `$filter` into a predicate over stored entities; the work it does per entity is added to `meter`. */
export function compileFilter(expr: Expr, meter: WorkMeter = { units: 0 }): (entity: Entity) => boolean {
  const run = compile(expr, [], { meter, casings: new Map() });
  return (entity) => run(entity, []) === true;
}

/**
 * `$select`: the key, the type the entity records (its payload is written as that type) and the selected
 * properties, in declared order; an item with a type cast only for entities of that type.
 */
export function projectEntity(entity: Entity, select: readonly SelectItem[] | undefined): Entity {
  if (!select) return entity;
  const wanted = selectedProperties(entity, select);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) if (name === 'id' || name === RECORDED_TYPE || wanted.has(name)) setOwn(out, name, value);
  return out as Entity;
}

/** The names a `$select` without type casts keeps, worked out once per query (a page projects every entity with it). */
const uncastSelections = new WeakMap<readonly SelectItem[], ReadonlySet<string>>();

/** The properties `select` keeps of this entity: its items without a cast, and those whose cast the entity passes. */
function selectedProperties(entity: Entity, select: readonly SelectItem[]): ReadonlySet<string> {
  let names = uncastSelections.get(select);
  if (names) return names;
  if (select.some((item) => item.cast)) return new Set(select.filter((item) => !item.cast || compileTypeTest(item.cast)(entity)).map((item) => item.property));
  uncastSelections.set(select, (names = new Set(select.map((item) => item.property))));
  return names;
}
