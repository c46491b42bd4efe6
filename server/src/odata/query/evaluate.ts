import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { Entity } from '../../store/store';
import type { WorkMeter } from './apply';
import { compileFilter } from './apply';
import type { CollectionQuery } from './ast';
import { EVALUATION_BUDGET_MS, EVALUATION_SLICE_MS } from './limits';
import { compileSearch } from './search';

/** A value now, or a promise of it: an evaluation that fits in one slice stays synchronous. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `next` to a value that may still be on its way. */
export function andThen<T, R>(value: MaybePromise<T>, next: (v: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** How long one request may evaluate, in which slices, and the signal that its client has gone. */
export interface EvaluationControl {
  /** Evaluation time after which the request is answered with a 400. */
  budgetMs: number;
  /** Work between two yields to the event loop. */
  sliceMs: number;
  /** Aborted when the client disconnects before its answer is written. */
  signal: AbortSignal | undefined;
}

/** The control in force: the defaults of limits.ts, with whatever the caller set. */
export function evaluationControl(given: Partial<EvaluationControl> = {}): EvaluationControl {
  return { budgetMs: given.budgetMs ?? EVALUATION_BUDGET_MS, sliceMs: given.sliceMs ?? EVALUATION_SLICE_MS, signal: given.signal };
}

/** The clock is read every 16 entities (it is cheap, but not free on a 100,000-entity scan). */
const CHECK_MASK = 15;
/** Items visited by any/all after which the clock is read anyway (one entity may hold thousands). */
const CHECK_UNITS = 4096;

function showBudget(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}-second` : `${ms}-millisecond`;
}

/** The 400 for a query that used up its evaluation budget. */
export function budgetExceeded(budgetMs: number): GraphError {
  return new GraphError(
    'BadRequest',
    `The query was stopped: it exceeded mockgraph's ${showBudget(budgetMs)} evaluation budget. Narrow it with a more selective $filter (eq, in or a range on one property), fewer contains(), any() or all() terms, or a more specific $search term; $top and $skip do not reduce the work of filtering.`,
  );
}

/** The error a query stops with when its client has disconnected (nobody reads it; the request log does). */
export function clientGone(): GraphError {
  return new GraphError('BadRequest', 'The client closed the connection before the query finished; its evaluation was stopped.');
}

/**
 * The evaluation time of one request, spent in slices: work started with `begin()` asks `due()` now and
 * then whether its slice is used up (then it yields), and is stopped with a 400 once the budget is spent or
 * at the first slice after its client has gone.
 */
export class EvaluationClock {
  private spent = 0;
  private started = 0;

  constructor(readonly control: EvaluationControl) {}

  /** Starts a slice; throws when the client has gone. */
  begin(): void {
    if (this.control.signal?.aborted) throw clientGone();
    this.started = performance.now();
  }

  /** True when the slice is used up (the caller should yield); throws once the budget is spent. */
  due(): boolean {
    const elapsed = performance.now() - this.started;
    if (this.spent + elapsed >= this.control.budgetMs) throw budgetExceeded(this.control.budgetMs);
    if (elapsed < this.control.sliceMs) return false;
    this.spent += elapsed;
    return true;
  }

  /** Ends a slice in which the work finished. */
  end(): void {
    this.spent += performance.now() - this.started;
  }
}

/**
 * Runs `step` (work that returns true when it is all done, false when its slice is due) slice after slice,
 * yielding to the event loop (setImmediate) between them so that other requests are answered meanwhile.
 * Work that is done within its first slice stays synchronous.
 */
export function runInSlices(clock: EvaluationClock, step: () => boolean): MaybePromise<void> {
  clock.begin();
  if (step()) return clock.end();
  return new Promise((resolve, reject) => {
    const next = () => {
      try {
        clock.begin();
        if (step()) {
          clock.end();
          resolve();
        } else {
          setImmediate(next);
        }
      } catch (err) {
        reject(err);
      }
    };
    setImmediate(next);
  });
}

/** Visits every entity, in store order, cooperatively (see `runInSlices`). */
export function scanEntities(entities: Iterable<Entity>, visit: (entity: Entity) => void, clock: EvaluationClock, meter: WorkMeter): MaybePromise<void> {
  const iterator = entities[Symbol.iterator]();
  let n = 0;
  return runInSlices(clock, () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return true;
      visit(next.value);
      if ((++n & CHECK_MASK) === 0 || meter.units >= CHECK_UNITS) {
        meter.units = 0;
        if (clock.due()) return false;
      }
    }
  });
}

/** Calls `onMatch` for each entity that passes `$filter` and `$search`, in store order, cooperatively. */
export function scanMatching(
  entities: Iterable<Entity>,
  query: CollectionQuery,
  type: StructuredTypeModel,
  model: GraphModel,
  clock: EvaluationClock,
  onMatch: (entity: Entity) => void,
): MaybePromise<void> {
  const meter: WorkMeter = { units: 0 };
  const filter = query.filter ? compileFilter(query.filter.expr, meter) : undefined;
  const search = query.search ? compileSearch(query.search.term, type, model) : undefined;
  const test = filter && search ? (e: Entity) => filter(e) && search(e) : (filter ?? search);
  const visit = test
    ? (e: Entity) => {
        if (test(e)) onMatch(e);
      }
    : onMatch;
  return scanEntities(entities, visit, clock, meter);
}

/** The entities that pass `$filter` and `$search`, in store order (without either, a plain copy). */
export function matchingEntities(entities: Iterable<Entity>, query: CollectionQuery, type: StructuredTypeModel, model: GraphModel, clock: EvaluationClock): MaybePromise<Entity[]> {
  if (!query.filter && !query.search) return [...entities];
  const out: Entity[] = [];
  return andThen(
    scanMatching(entities, query, type, model, clock, (e) => out.push(e)),
    () => out,
  );
}
