import type { Entity } from '../../store/store';
import type { OrderKey } from './ast';
import type { EvaluationClock, MaybePromise } from './evaluate';
import { andThen, runInSlices } from './evaluate';
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

/** Reads the sort keys of an entity, comparable. */
function keyReaders(orderby: readonly OrderKey[]): Array<(e: Entity) => Value> {
  return orderby.map((k) => {
    const get = pathGetter(k.segments);
    return (e) => comparableValue(get(e), k.type.edm, k.type.members);
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

/** Up to this `k`, `firstSorted` keeps the best rows by insertion; a larger one (a deep `$skip`) sorts everything. */
export const INSERTION_MAX_K = 128;

/**
 * The first `k` entities in `$orderby` order. A small `k` (a page) is kept by a bounded insertion sort that
 * rejects most rows on the first key; a large one would make insertion quadratic, so the whole list is sorted.
 */
export function firstSorted(entities: readonly Entity[], orderby: readonly OrderKey[], k: number): Entity[] {
  if (k <= 0) return [];
  if (orderby.length === 0) return entities.slice(0, k);
  if (k > INSERTION_MAX_K || k >= entities.length) return sortEntities(entities, orderby).slice(0, k);
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

/** Entities sorted in one go by the cooperative sort; longer lists are sorted in runs of this size, then merged. */
export const SORT_RUN = 16384;
/** Decorated or merged entities between two looks at the clock. */
const CHECK_MASK = 1023;

/**
 * Sorts cooperatively, in the request's slices: decorates the entities with their keys, sorts runs of
 * SORT_RUN, then merges the runs bottom-up, pausing wherever a slice is due. Same order as sortEntities.
 */
function sortInSlices(entities: readonly Entity[], orderby: readonly OrderKey[], clock: EvaluationClock): MaybePromise<Entity[]> {
  const n = entities.length;
  const cmp = comparator(orderby);
  const readers = keyReaders(orderby);
  let src = new Array<Decorated>(n);
  let dst = new Array<Decorated>(n);
  let decorated = 0;
  let runsSorted = 0;
  // The merge's position: pairs of runs of `width` from `lo`, cursors i (left), j (right) and k (output).
  let width = SORT_RUN;
  let lo = 0;
  let [mid, hi, i, j, k] = [0, 0, 0, 0, 0];
  let merging = false;
  const step = (): boolean => {
    while (decorated < n) {
      const entity = entities[decorated]!;
      src[decorated] = { entity, index: decorated, keys: readers.map((read) => read(entity)) };
      if ((++decorated & CHECK_MASK) === 0 && clock.due()) return false;
    }
    while (runsSorted < n) {
      const end = Math.min(runsSorted + SORT_RUN, n);
      const run = src.slice(runsSorted, end).sort(cmp);
      for (let r = 0; r < run.length; r++) src[runsSorted + r] = run[r]!;
      runsSorted = end;
      if (clock.due()) return false;
    }
    while (width < n) {
      while (lo < n) {
        if (!merging) {
          [mid, hi] = [Math.min(lo + width, n), Math.min(lo + 2 * width, n)];
          [i, j, k] = [lo, mid, lo];
          merging = true;
        }
        while (k < hi) {
          dst[k++] = j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0) ? src[i++]! : src[j++]!;
          if ((k & CHECK_MASK) === 0 && clock.due()) return false;
        }
        merging = false;
        lo += 2 * width;
      }
      [src, dst] = [dst, src];
      width *= 2;
      lo = 0;
    }
    return true;
  };
  return andThen(runInSlices(clock, step), () => src.map((d) => d.entity));
}

/**
 * The first `k` entities in `$orderby` order without holding the event loop: a small `k` (a page) by
 * firstSorted, anything larger (a deep `$skip`, a result paged through) by a full sort in slices.
 */
export function firstInOrder(entities: readonly Entity[], orderby: readonly OrderKey[], k: number, clock: EvaluationClock): MaybePromise<Entity[]> {
  if (k <= 0) return [];
  if (orderby.length === 0) return entities.slice(0, k);
  if (k <= INSERTION_MAX_K && k < entities.length) return firstSorted(entities, orderby, k);
  return andThen(sortInSlices(entities, orderby, clock), (sorted) => sorted.slice(0, k));
}
