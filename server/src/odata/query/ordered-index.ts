import type { Entity } from '../../store/store';
import type { OrderKey } from './ast';
import { EvaluationClock, evaluationControl } from './evaluate';
import { EvaluationScheduler } from './scheduler';
import { sortPositionsInSlices } from './position-sort';

/**
 * A store state's entities sorted by an `$orderby` that is asked again and again (a list view's sort), so that
 * `$filter` + `$orderby` + `$top` walks them in order and stops after `$top` matches instead of filtering
 * every entity and sorting what is left. A store's `values()` answers a frozen array that stays the same until
 * the next write (see store/entity-index.ts): an ordering made of it holds until then, and goes with it.
 * Orderings are sorted in the background, one at a time, in slices: no request waits for one or pays for it.
 */

/** Below this many entities a scan and a sort cost less than keeping orderings. */
export const ORDERED_INDEX_MIN_ENTITIES = 4096;
/** Orderings kept of one store state at most (each holds a reference per entity). */
export const MAX_ORDERINGS_PER_STATE = 4;
/** How often one store state must be asked for an ordering before it is made (a write in between starts again). */
export const ASKS_BEFORE_ORDERING = 2;
/** The most a background sort may take before it is given up (it yields every slice meanwhile). */
const BUILD_BUDGET_MS = 30_000;

/** What one store state holds: how often each ordering not made yet was asked for, and the orderings made. */
interface StateOrderings {
  /** Asks by ordering name (at most MAX_TRACKED_ASKS names); -Infinity once its sort failed. */
  asks: Map<string, number>;
  /** The entities in each made ordering's order, ties in store order (at most MAX_ORDERINGS_PER_STATE, least recently used first). */
  made: Map<string, readonly Entity[]>;
}

/** Orderings asked for but not made that one store state keeps count of (a client asking for many at once only fills this). */
export const MAX_TRACKED_ASKS = 64;

const orderings = new WeakMap<readonly Entity[], StateOrderings>();
/** Background sorts take turns of their own, never a turn a request waits for. */
const BUILDER = new EvaluationScheduler({ maxActive: 1, maxQueued: 0 });
let building = false;

function orderingName(orderby: readonly OrderKey[]): string {
  return orderby.map((k) => `${k.segments.join('/')}\u0000${k.type.edm}\u0000${k.descending ? 'desc' : 'asc'}`).join('\u0001');
}

function build(source: readonly Entity[], orderby: readonly OrderKey[], name: string, state: StateOrderings): void {
  building = true;
  const clock = new EvaluationClock(evaluationControl({ budgetMs: BUILD_BUDGET_MS, deadlineMs: 2 * BUILD_BUDGET_MS, scheduler: BUILDER }));
  const done = () => {
    building = false;
  };
  // A sort that failed (its budget spent) is not tried again for this store state.
  const failed = () => {
    state.asks.set(name, Number.NEGATIVE_INFINITY);
    done();
  };
  setImmediate(() => {
    try {
      Promise.resolve(sortPositionsInSlices(source, orderby, clock)).then((positions) => {
        // Room is made by dropping the ordering least recently used.
        if (state.made.size >= MAX_ORDERINGS_PER_STATE) state.made.delete(state.made.keys().next().value!);
        state.made.set(name, Object.freeze(Array.from(positions, (p) => source[p]!)));
        state.asks.delete(name);
        done();
      }, failed);
    } catch {
      failed();
    }
  });
}

/**
 * The entities of `source` in `orderby` order when that ordering has been made; else undefined, after noting
 * the ask (the one that makes it asked often enough starts its sort in the background). The orderings kept are the
 * ones used most recently: sorts other clients asked for leave room for the one a list view asks for again and again.
 */
export function orderedEntities(source: readonly Entity[], orderby: readonly OrderKey[]): readonly Entity[] | undefined {
  if (orderby.length === 0 || source.length < ORDERED_INDEX_MIN_ENTITIES || !Object.isFrozen(source)) return undefined;
  let state = orderings.get(source);
  if (!state) orderings.set(source, (state = { asks: new Map(), made: new Map() }));
  const name = orderingName(orderby);
  const made = state.made.get(name);
  if (made) {
    state.made.delete(name);
    state.made.set(name, made);
    return made;
  }
  const before = state.asks.get(name);
  if (before === undefined && state.asks.size >= MAX_TRACKED_ASKS) return undefined;
  const asked = (before ?? 0) + 1;
  state.asks.set(name, asked);
  if (asked >= ASKS_BEFORE_ORDERING && !building) build(source, orderby, name, state);
  return undefined;
}

/** Resolves once no ordering is being made (for tests: the sort an ask started has finished). */
export async function orderingsSettled(): Promise<void> {
  while (building) await new Promise((resolve) => setImmediate(resolve));
}
