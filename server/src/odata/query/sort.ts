import type { Entity } from '../../store/store';
import type { OrderKey } from './ast';
import type { EvaluationClock, MaybePromise } from './evaluate';
import { columnReader } from './columns';
import { sortPositionsInSlices } from './position-sort';
import { andThen, runInSlices } from './evaluate';
export { SORT_RUN } from './position-sort';
import type { Value } from './values';
import { comparableValue, order, pathGetter } from './values';

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

/** A sort key of the entity at a position of the list being sorted, comparable. */
type KeyReader = (entity: Entity, index: number) => Value;

/** Reads the sort keys of the entities of `entities`: from its columns when it has them (see columns.ts), else from each entity. */
function keyReaders(entities: readonly Entity[], orderby: readonly OrderKey[]): KeyReader[] {
  return orderby.map((k) => {
    const fromColumn = columnReader(entities, k);
    if (fromColumn) return (_e, index) => fromColumn(index);
    const get = pathGetter(k.segments);
    return (e) => comparableValue(get(e), k.type.edm, k.type.members);
  });
}

function decorate(entities: readonly Entity[], orderby: readonly OrderKey[]): Decorated[] {
  const readers = keyReaders(entities, orderby);
  return entities.map((entity, index) => ({ entity, index, keys: readers.map((read) => read(entity, index)) }));
}

/** The entities in `$orderby` order (store order without one). */
export function sortEntities(entities: readonly Entity[], orderby: readonly OrderKey[]): Entity[] {
  if (orderby.length === 0) return [...entities];
  return decorate(entities, orderby)
    .sort(comparator(orderby))
    .map((d) => d.entity);
}

/** Characters of string keys that cost about as much to compare as one plain comparison: the unit sorting is metered in. */
const CHARS_PER_COMPARISON = 128;

/** What comparing an entity may cost, in plain comparisons: 1, more when its string keys are long (compared char by char). */
function comparisonCost(keys: readonly Value[]): number {
  let chars = 0;
  for (const key of keys) if (typeof key === 'string') chars += key.length;
  return 1 + ((chars / CHARS_PER_COMPARISON) | 0);
}

/** Up to this `k`, `firstSorted` keeps the best rows by insertion; a larger one (a deep `$skip`) sorts everything. */
export const INSERTION_MAX_K = 128;

/** Keeps the first `k` of the entities offered, in `$orderby` order; `offer` answers the work it did, in plain comparisons. */
function bestK(entities: readonly Entity[], orderby: readonly OrderKey[], k: number): { offer: (entity: Entity, index: number) => number; result: () => Entity[] } {
  const cmp = comparator(orderby);
  const readers = keyReaders(entities, orderby);
  const [readFirst] = readers;
  const firstDescending = orderby[0]?.descending === true;
  const best: Decorated[] = [];
  const offer = (entity: Entity, index: number): number => {
    if (best.length === k && readFirst) {
      // Most rows lose on the first key alone: decide that before building the full key list.
      const x = readFirst(entity, index);
      const y = best[k - 1]!.keys[0];
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : order(x, y);
      if (firstDescending) c = -c;
      if (c > 0) return typeof x === 'string' ? 1 + ((x.length / CHARS_PER_COMPARISON) | 0) : 1;
    }
    const d: Decorated = { entity, index, keys: readers.map((read) => read(entity, index)) };
    const cost = comparisonCost(d.keys);
    if (best.length === k && cmp(d, best[k - 1]!) >= 0) return 2 * cost;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(best[mid]!, d) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, d);
    if (best.length > k) best.pop();
    return (2 + Math.log2(k + 1)) * cost;
  };
  return { offer, result: () => best.map((d) => d.entity) };
}

/**
 * The first `k` entities in `$orderby` order. A small `k` (a page) is kept by a bounded insertion sort that
 * rejects most rows on the first key; a large one would make insertion quadratic, so the whole list is sorted.
 */
export function firstSorted(entities: readonly Entity[], orderby: readonly OrderKey[], k: number): Entity[] {
  if (k <= 0) return [];
  if (orderby.length === 0) return entities.slice(0, k);
  if (k > INSERTION_MAX_K || k >= entities.length) return sortEntities(entities, orderby).slice(0, k);
  const best = bestK(entities, orderby, k);
  entities.forEach((entity, index) => best.offer(entity, index));
  return best.result();
}

/** Work, in plain comparisons, between two looks at the clock while keeping the best rows. */
const CHECK_UNITS = 1024;

/** firstSorted in the request's slices: the clock is read every CHECK_UNITS comparisons' worth of work. */
function firstSortedInSlices(entities: readonly Entity[], orderby: readonly OrderKey[], k: number, clock: EvaluationClock): MaybePromise<Entity[]> {
  const best = bestK(entities, orderby, k);
  let next = 0;
  let units = 0;
  const step = (): boolean => {
    while (next < entities.length) {
      units += best.offer(entities[next]!, next);
      next++;
      if (units >= CHECK_UNITS) {
        units = 0;
        if (clock.due()) return false;
      }
    }
    return true;
  };
  return andThen(runInSlices(clock, step), () => best.result());
}

/** Sorts cooperatively, in the request's slices: by position (see position-sort.ts), then the entities in that order. */
function sortInSlices(entities: readonly Entity[], orderby: readonly OrderKey[], clock: EvaluationClock): MaybePromise<Entity[]> {
  return andThen(sortPositionsInSlices(entities, orderby, clock), (positions) => Array.from(positions, (p) => entities[p]!));
}

/**
 * The first `k` entities in `$orderby` order without holding the event loop: a small `k` (a page) by
 * firstSorted's insertion, anything larger (a deep `$skip`, a result paged through) by a full sort, both in slices.
 */
export function firstInOrder(entities: readonly Entity[], orderby: readonly OrderKey[], k: number, clock: EvaluationClock): MaybePromise<Entity[]> {
  if (k <= 0) return [];
  if (orderby.length === 0) return entities.slice(0, k);
  if (k <= INSERTION_MAX_K && k < entities.length) return firstSortedInSlices(entities, orderby, k, clock);
  return andThen(sortInSlices(entities, orderby, clock), (sorted) => sorted.slice(0, k));
}
