import type { Expr, LiteralExpr, PathExpr } from './ast';
import type { Instant } from './instant';

/** From this many values on, `x in (…)` and an `or` of `x eq …` terms over one path are answered by a Set. */
export const SET_LOOKUP_MIN_VALUES = 4;

/**
 * The key a comparable value is looked up by: instants by their UTC seconds and nanoseconds (so
 * `2016-12-31T23:57:27+03:00` and `2016-12-31T20:57:27Z` are one key), anything else as it is.
 */
function lookupKey(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    const { seconds, nanos } = value as Instant;
    return `${String(seconds)}:${String(nanos)}`;
  }
  return value;
}

/**
 * A test of "equals one of these values" with the semantics of `eq`: null equals only null; a value of
 * another kind equals nothing. Few values are compared one by one; many go through a Set.
 */
export function memberOf(values: readonly unknown[], equals: (a: unknown, b: unknown) => boolean): (value: unknown) => boolean {
  if (values.length < SET_LOOKUP_MIN_VALUES) return (x) => values.some((v) => equals(x, v));
  const hasNull = values.includes(null);
  const keys = new Set(values.filter((v) => v !== null).map(lookupKey));
  return (x) => (x === null ? hasNull : keys.has(lookupKey(x)));
}

/** The terms of an `or` chain, however it was parenthesised (`or` is associative). */
export function orTerms(expr: Expr, out: Expr[] = []): Expr[] {
  if (expr.kind === 'or') {
    orTerms(expr.left, out);
    orTerms(expr.right, out);
  } else {
    out.push(expr);
  }
  return out;
}

/** `path eq literal` (or `literal eq path`): the path and the literal, else undefined. */
export function pathEqualsLiteral(term: Expr): { path: PathExpr; literal: LiteralExpr } | undefined {
  if (term.kind !== 'compare' || term.op !== 'eq') return undefined;
  const { left, right } = term;
  if (left.kind === 'path' && right.kind === 'literal') return { path: left, literal: right };
  if (left.kind === 'literal' && right.kind === 'path') return { path: right, literal: left };
  return undefined;
}

/** Identifies a path for grouping: the variable it starts from, its segments, its type casts and its type. */
export function pathKey(path: PathExpr): string {
  return JSON.stringify([path.variable ?? null, path.segments, (path.casts ?? []).map((c) => [c.at, c.test.type]), path.type.edm]);
}

/**
 * An `or` chain split for membership tests: the `path eq literal` terms grouped by path (each group with at least
 * `min` literals), and every other term (including groups smaller than `min`), in chain order.
 */
export function equalityGroups(expr: Expr, min: number): { groups: Array<{ path: PathExpr; literals: LiteralExpr[] }>; rest: Expr[] } {
  const byPath = new Map<string, { path: PathExpr; literals: LiteralExpr[]; terms: Expr[] }>();
  const rest: Expr[] = [];
  for (const term of orTerms(expr)) {
    const eq = pathEqualsLiteral(term);
    if (!eq) {
      rest.push(term);
      continue;
    }
    const key = pathKey(eq.path);
    const group = byPath.get(key) ?? { path: eq.path, literals: [], terms: [] };
    group.literals.push(eq.literal);
    group.terms.push(term);
    byPath.set(key, group);
  }
  const groups: Array<{ path: PathExpr; literals: LiteralExpr[] }> = [];
  for (const { path, literals, terms } of byPath.values()) {
    if (literals.length >= min) groups.push({ path, literals });
    else rest.push(...terms);
  }
  return { groups, rest };
}
