import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import { setOwn } from '../../json';
import type { Entity } from '../../store/store';
import type { CollectionQuery, ComparisonOperator, Expr, OrderKey } from './ast';
import type { Instant } from './instant';
import { compareInstants, toInstant } from './instant';

type Value = unknown;
/** A compiled expression: the current entity, then lambda variables by depth. */
type Compiled = (it: Entity, vars: Value[]) => Value;

function walk(value: Value, segments: readonly string[]): Value {
  let v = value;
  for (const s of segments) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined;
  return v ?? null;
}

/** A value made comparable: instants for DateTimeOffset, the value itself otherwise; null stays null. */
function comparableValue(value: Value, edm: string): Value {
  if (value === null || value === undefined) return null;
  if (edm === 'Edm.DateTimeOffset' && typeof value === 'string') return toInstant(value) ?? null;
  return value;
}

/** A getter for a property path; the one-segment case (most filters) skips the loop. */
function pathGetter(segments: readonly string[]): (value: Value) => Value {
  if (segments.length === 1) {
    const name = segments[0] ?? '';
    return (v) => (typeof v === 'object' && v !== null ? ((v as Record<string, unknown>)[name] ?? null) : null);
  }
  return (v) => walk(v, segments);
}

/** Orders two non-null comparable values of one kind. */
function order(a: Value, b: Value): number {
  if (typeof a === 'object') return compareInstants(a as Instant, b as Instant);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

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

/** The Edm type that decides how both sides of a comparison are read (DateTimeOffset wins over null). */
function sharedEdm(a: Expr, b: Expr): string {
  return a.type.edm === 'null' ? b.type.edm : a.type.edm;
}

function compile(expr: Expr, variables: readonly string[], edmHint = expr.type.edm): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const v = comparableValue(expr.value, edmHint === 'Edm.DateTimeOffset' ? 'Edm.DateTimeOffset' : expr.type.edm);
      return () => v;
    }
    case 'path': {
      const get = pathGetter(expr.segments);
      const edm = edmHint;
      const index = expr.variable === undefined ? -1 : variables.lastIndexOf(expr.variable);
      if (index < 0) return edm === 'Edm.DateTimeOffset' ? (it) => comparableValue(get(it), edm) : (it) => get(it);
      if (expr.segments.length === 0) return (_it, vars) => comparableValue(vars[index], edm);
      return (_it, vars) => comparableValue(get(vars[index]), edm);
    }
    case 'compare': {
      const edm = sharedEdm(expr.left, expr.right);
      const [l, r, op] = [compile(expr.left, variables, edm), compile(expr.right, variables, edm), expr.op];
      return (it, vars) => compareOp(op, l(it, vars), r(it, vars));
    }
    case 'and': {
      const [l, r] = [compile(expr.left, variables), compile(expr.right, variables)];
      return (it, vars) => l(it, vars) === true && r(it, vars) === true;
    }
    case 'or': {
      const [l, r] = [compile(expr.left, variables), compile(expr.right, variables)];
      return (it, vars) => l(it, vars) === true || r(it, vars) === true;
    }
    case 'not': {
      const operand = compile(expr.operand, variables);
      return (it, vars) => operand(it, vars) !== true;
    }
    case 'in': {
      const edm = expr.operand.type.edm;
      const operand = compile(expr.operand, variables, edm);
      const values = expr.values.map((v) => compile(v, variables, edm)(undefined as unknown as Entity, []));
      return (it, vars) => {
        const x = operand(it, vars);
        return values.some((v) => compareOp('eq', x, v));
      };
    }
    case 'call': {
      const args = expr.args.map((a) => compile(a, variables));
      const fn = expr.fn;
      return (it, vars) => {
        const [a, b] = args.map((f) => f(it, vars));
        if (typeof a !== 'string' || (args.length === 2 && typeof b !== 'string')) return null;
        switch (fn) {
          case 'tolower':
            return a.toLowerCase();
          case 'toupper':
            return a.toUpperCase();
          case 'startswith':
            return a.startsWith(b as string);
          case 'endswith':
            return a.endsWith(b as string);
          case 'contains':
            return a.includes(b as string);
        }
      };
    }
    case 'lambda': {
      const collection = compile(expr.collection, variables, 'collection');
      const inner = expr.variable === undefined ? [...variables] : [...variables, expr.variable];
      const predicate = expr.predicate ? compile(expr.predicate, inner) : undefined;
      const all = expr.op === 'all';
      return (it, vars) => {
        const items = collection(it, vars);
        if (!Array.isArray(items)) return all;
        if (!predicate) return items.length > 0;
        const test = (item: Value) => predicate(it, [...vars, item]) === true;
        return all ? items.every(test) : items.some(test);
      };
    }
  }
}

/** Compiles a `$filter` into a predicate over stored entities. */
export function compileFilter(expr: Expr): (entity: Entity) => boolean {
  const run = compile(expr, []);
  return (entity) => run(entity, []) === true;
}

/** Every Edm.String location of a type, as property paths ([] marks "each item" of a collection). */
function stringPaths(type: StructuredTypeModel, model: GraphModel, depth = 0): Array<Array<string | null>> {
  const paths: Array<Array<string | null>> = [];
  for (const p of type.properties) {
    if (p.readOnly) continue;
    const complex = p.complex ? model.resolveType(p.type) : undefined;
    const head = p.collection ? [p.name, null] : [p.name];
    if (p.type === 'Edm.String') paths.push(head);
    else if (complex && depth < 4) for (const rest of stringPaths(complex, model, depth + 1)) paths.push([...head, ...rest]);
  }
  return paths;
}

function stringsAt(value: Value, path: ReadonlyArray<string | null>, out: string[]): void {
  if (value === null || value === undefined) return;
  if (path.length === 0) {
    if (typeof value === 'string') out.push(value);
    return;
  }
  const [head, ...rest] = path;
  if (head === null) {
    if (Array.isArray(value)) for (const item of value) stringsAt(item, rest, out);
  } else if (head !== undefined && typeof value === 'object' && !Array.isArray(value)) stringsAt((value as Record<string, unknown>)[head], rest, out);
}

/**
 * `$search`: true when the term occurs, case-insensitively, in any declared Edm.String value of the entity,
 * at any depth (collections and complex values included); the key, date-times, numbers and dynamic properties
 * are not searched.
 */
export function compileSearch(term: string, type: StructuredTypeModel, model: GraphModel): (entity: Entity) => boolean {
  const needle = term.toLowerCase();
  const paths = stringPaths(type, model);
  return (entity) => {
    const found: string[] = [];
    for (const p of paths) {
      stringsAt(entity, p, found);
      if (found.some((s) => s.toLowerCase().includes(needle))) return true;
      found.length = 0;
    }
    return false;
  };
}

/** The entities that pass `$filter` and `$search`, in store order. */
export function matchingEntities(entities: Iterable<Entity>, query: CollectionQuery, type: StructuredTypeModel, model: GraphModel): Entity[] {
  const filter = query.filter ? compileFilter(query.filter.expr) : undefined;
  const search = query.search ? compileSearch(query.search.term, type, model) : undefined;
  const out: Entity[] = [];
  if (!filter && !search) {
    for (const e of entities) out.push(e);
  } else {
    for (const e of entities) if ((!filter || filter(e)) && (!search || search(e))) out.push(e);
  }
  return out;
}

interface Decorated {
  keys: Value[];
  index: number;
  entity: Entity;
}

/** Orders by the keys; nulls first ascending (last descending); ties keep store order. @see OData URL Conventions §5.1.1.4 */
function comparator(orderby: readonly OrderKey[]): (a: Decorated, b: Decorated) => number {
  return (a, b) => {
    for (let k = 0; k < orderby.length; k++) {
      const [x, y] = [a.keys[k], b.keys[k]];
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : order(x, y);
      if (orderby[k]?.descending) c = -c;
      if (c !== 0) return c;
    }
    return a.index - b.index;
  };
}

/** Reads the sort keys of an entity, comparable. */
function keyReaders(orderby: readonly OrderKey[]): Array<(e: Entity) => Value> {
  return orderby.map((k) => {
    const get = pathGetter(k.segments);
    return (e) => comparableValue(get(e), k.type.edm);
  });
}

function decorate(entities: readonly Entity[], orderby: readonly OrderKey[]): Decorated[] {
  const readers = keyReaders(orderby);
  return entities.map((entity, index) => ({ entity, index, keys: readers.map((read) => read(entity)) }));
}

/** The entities in `$orderby` order (store order without one). */
export function sortEntities(entities: readonly Entity[], orderby: readonly OrderKey[]): Entity[] {
  if (orderby.length === 0) return [...entities];
  return decorate(entities, orderby)
    .sort(comparator(orderby))
    .map((d) => d.entity);
}

/** The first `k` entities in `$orderby` order, without sorting the rest (a bounded insertion sort). */
export function firstSorted(entities: readonly Entity[], orderby: readonly OrderKey[], k: number): Entity[] {
  if (k <= 0) return [];
  if (orderby.length === 0 || k >= entities.length) return sortEntities(entities, orderby).slice(0, k);
  const cmp = comparator(orderby);
  const readers = keyReaders(orderby);
  const [readFirst] = readers;
  const firstDescending = orderby[0]?.descending === true;
  const best: Decorated[] = [];
  entities.forEach((entity, index) => {
    if (best.length === k && readFirst) {
      // Most rows lose on the first key alone: decide that before building the full key list.
      const x = readFirst(entity);
      const y = best[k - 1]!.keys[0];
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : order(x, y);
      if (firstDescending) c = -c;
      if (c > 0) return;
    }
    const d: Decorated = { entity, index, keys: readers.map((read) => read(entity)) };
    if (best.length === k && cmp(d, best[k - 1]!) >= 0) return;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(best[mid]!, d) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, d);
    if (best.length > k) best.pop();
  });
  return best.map((d) => d.entity);
}

/** `$select`: the key and the selected properties, in declared order. */
export function projectEntity(entity: Entity, select: readonly string[] | undefined): Entity {
  if (!select) return entity;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) if (name === 'id' || select.includes(name)) setOwn(out, name, value);
  return out as Entity;
}
