import type { Entity } from '../../store/store';
import type { OrderKey } from './ast';
import { columnReader } from './columns';
import type { EvaluationClock, MaybePromise } from './evaluate';
import { andThen, runInSlices } from './evaluate';
import type { Value } from './values';
import { comparableValue, order, pathGetter } from './values';

/**
 * Work, in plain comparisons' worth per position, sorted in one go (one uninterruptible Array.prototype.sort):
 * SORT_RUN positions of plain keys, fewer of long strings; longer arrays are sorted in runs, then merged.
 */
export const SORT_RUN = 16384;
/** Work merged between two looks at the clock, in the same units. */
const CHECK_UNITS = 4096;
/** Characters of string keys that cost about as much to compare as one plain comparison (as sort.ts meters them). */
const CHARS_PER_COMPARISON = 128;

/** The comparable values of a key by position in `entities`: its column when it has one, else read once here. */
function keyValues(entities: readonly Entity[], key: OrderKey): (index: number) => Value {
  const fromColumn = columnReader(entities, key);
  if (fromColumn) return fromColumn;
  const get = pathGetter(key.segments);
  const values = entities.map((e) => comparableValue(get(e), key.type.edm, key.type.members));
  return (index) => values[index] ?? null;
}

/** What comparing each position costs, in plain comparisons: 1, more when its string keys are long; undefined when all cost 1. */
function comparisonCosts(n: number, readers: ReadonlyArray<(index: number) => Value>): Uint32Array | undefined {
  let costs: Uint32Array | undefined;
  for (let i = 0; i < n; i++) {
    let chars = 0;
    for (const read of readers) {
      const v = read(i);
      if (typeof v === 'string') chars += v.length;
    }
    if (chars >= CHARS_PER_COMPARISON) (costs ??= new Uint32Array(n).fill(1))[i] = 1 + ((chars / CHARS_PER_COMPARISON) | 0);
  }
  return costs;
}

/** Compares two positions by the keys (nulls first ascending, last descending), ties by position. @see OData URL Conventions §5.1.1.4 */
function positionComparator(readers: ReadonlyArray<(index: number) => Value>, orderby: readonly OrderKey[]): (a: number, b: number) => number {
  const descending = orderby.map((key) => key.descending);
  return (a, b) => {
    for (let k = 0; k < readers.length; k++) {
      const read = readers[k]!;
      const [x, y] = [read(a), read(b)];
      let c = x === y ? 0 : x === null ? -1 : y === null ? 1 : order(x, y);
      if (descending[k]) c = -c;
      if (c !== 0) return c;
    }
    return a - b;
  };
}

/**
 * The positions of `entities` in `orderby` order, ties in their order, sorted cooperatively in the clock's slices:
 * runs of SORT_RUN plain comparisons' worth, then merges of neighbouring runs, pausing wherever a slice is due (long
 * strings count for what comparing them costs, as in sort.ts). It holds two arrays of
 * positions and the keys' columns, never an object per entity (the order of sortEntities, at a fraction of its memory).
 */
export function sortPositionsInSlices(entities: readonly Entity[], orderby: readonly OrderKey[], clock: EvaluationClock): MaybePromise<Int32Array> {
  const n = entities.length;
  const readers = orderby.map((key) => keyValues(entities, key));
  const cmp = positionComparator(readers, orderby);
  const costs = comparisonCosts(n, readers);
  const cost = costs ? (p: number) => costs[p]! : () => 1;
  let src = new Int32Array(n);
  let dst = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  // Runs of SORT_RUN units of work each; then merges of neighbouring runs, pass by pass, until one run is left.
  let bounds = [0];
  let sorted = 0;
  // The merge in progress: the pair of runs from bounds[pair], cursors i (left), j (right) and k (output).
  let pair = 0;
  let [i, j, k] = [0, 0, 0];
  let merging = false;
  let units = 0;
  const step = (): boolean => {
    while (sorted < n) {
      let end = sorted + 1;
      for (let work = cost(sorted); end < n && work + cost(end) <= SORT_RUN; end++) work += cost(end);
      src.subarray(sorted, end).sort(cmp);
      sorted = end;
      bounds.push(end);
      if (clock.due()) return false;
    }
    while (bounds.length > 2) {
      while (pair + 1 < bounds.length) {
        const lo = bounds[pair]!;
        const mid = bounds[pair + 1]!;
        const hi = bounds[pair + 2] ?? mid;
        if (!merging) [i, j, k, merging] = [lo, mid, lo, true];
        while (k < hi) {
          const p = j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0) ? src[i++]! : src[j++]!;
          dst[k++] = p;
          if ((units += cost(p)) >= CHECK_UNITS) {
            units = 0;
            if (clock.due()) return false;
          }
        }
        merging = false;
        pair += 2;
      }
      [src, dst] = [dst, src];
      bounds = bounds.filter((_, x) => x % 2 === 0);
      if (bounds[bounds.length - 1] !== n) bounds.push(n);
      pair = 0;
    }
    return true;
  };
  return andThen(runInSlices(clock, step), () => src);
}
