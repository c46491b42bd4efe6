import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { Entity } from '../../store/store';
import type { WorkMeter } from './apply';
import { compileFilter } from './apply';
import type { CollectionQuery } from './ast';
import { budgetExceeded, clientGone, deadlinePassed } from './evaluation-errors';
import { CONTENDED_FIRST_SLICE_MS, EVALUATION_BUDGET_MS, EVALUATION_DEADLINE_MS, EVALUATION_SLICE_MS } from './limits';
import type { EvaluationScheduler } from './scheduler';
import { EVALUATION_SCHEDULER } from './scheduler';
import { noteOrigin } from './columns';
import { compileSearch } from './search';
import { compileTypeTest } from './type-tests';

export { budgetExceeded, clientGone } from './evaluation-errors';

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
  /** The longest the evaluation may take from its first slice to its end, waiting for its turn included (then a 503). */
  deadlineMs: number;
  /** Aborted when the client disconnects before its answer is written. */
  signal: AbortSignal | undefined;
  /** Gives turns to evaluations that outlast their first slice (the process's one unless a test sets its own). */
  scheduler: EvaluationScheduler;
  /** The time in milliseconds (performance.now unless a test sets its own). */
  now: () => number;
}

const performanceNow = () => performance.now();

/** The control in force: the defaults of limits.ts, with whatever the caller set. */
export function evaluationControl(given: Partial<EvaluationControl> = {}): EvaluationControl {
  return {
    budgetMs: given.budgetMs ?? EVALUATION_BUDGET_MS,
    sliceMs: given.sliceMs ?? EVALUATION_SLICE_MS,
    deadlineMs: given.deadlineMs ?? EVALUATION_DEADLINE_MS,
    signal: given.signal,
    scheduler: given.scheduler ?? EVALUATION_SCHEDULER,
    now: given.now ?? performanceNow,
  };
}

/** The clock is read every 16 entities (it is cheap, but not free on a 100,000-entity scan). */
const CHECK_MASK = 15;
/** Metered work after which the clock is read anyway: items visited by any/all, characters of string work (one entity may hold thousands of either). */
const CHECK_UNITS = 4096;

/**
 * The evaluation time of one request, spent in slices: work started with `begin()` asks `due()` now and
 * then whether its slice is used up (then it yields), and is stopped with a 400 once the budget is spent or
 * at the first slice after its client has gone. Work that goes on past its first slice waits for a turn of
 * the scheduler, and gives it up once it settles; time spent waiting does not count against the budget.
 */
export class EvaluationClock {
  private spent = 0;
  /** When the open slice began; undefined between slices. */
  private started: number | undefined;
  private readonly arrived: number;
  /** The length of the open slice: a first slice that arrives while every turn is taken is a short one. */
  private sliceMs: number;
  private holdsTurn = false;
  /** Sliced work in progress (it settles later). */
  private pending = 0;

  constructor(readonly control: EvaluationControl) {
    this.arrived = control.now();
    this.sliceMs = control.scheduler.contended ? Math.min(control.sliceMs, CONTENDED_FIRST_SLICE_MS) : control.sliceMs;
  }

  /** Opens a slice, unless one is open (work chained in the same turn goes on in it); throws when the client has gone or the deadline passed. */
  begin(): void {
    if (this.control.signal?.aborted) throw clientGone();
    if (this.started !== undefined) return;
    const now = this.control.now();
    if (now - this.arrived >= this.control.deadlineMs) throw deadlinePassed(this.control.deadlineMs);
    this.started = now;
  }

  /** True when the slice is used up (the caller should yield); throws once the budget is spent. */
  due(): boolean {
    const now = this.control.now();
    const elapsed = now - (this.started ?? now);
    if (this.spent + elapsed >= this.control.budgetMs) throw budgetExceeded(this.control.budgetMs);
    if (elapsed < this.sliceMs) return false;
    this.spent += elapsed;
    this.started = undefined;
    this.sliceMs = this.control.sliceMs;
    return true;
  }

  /** Runs `next` in this evaluation's next slice: a loop turn later when it holds a turn of the scheduler, else once it is given one. */
  resumeLater(next: () => void, fail: (err: unknown) => void): void {
    if (this.holdsTurn) {
      setImmediate(next);
      return;
    }
    const { scheduler, signal, deadlineMs, now } = this.control;
    const start = () => {
      this.holdsTurn = true;
      setImmediate(next);
    };
    scheduler.request({ start, fail, signal, deadlineMs, waitMs: deadlineMs - (now() - this.arrived) });
  }

  /** Marks sliced work as started; `settled()` marks its end. */
  sliced(): void {
    this.pending++;
  }

  /**
   * Sliced work has settled. The turn is given up a loop turn later, unless more work of this evaluation
   * (a sort after its filter, chained in the same turn) has started meanwhile and keeps it.
   */
  settled(): void {
    this.pending--;
    if (!this.holdsTurn) return;
    setImmediate(() => {
      if (this.pending > 0 || !this.holdsTurn) return;
      this.holdsTurn = false;
      this.control.scheduler.release();
    });
  }
}

/**
 * Runs `step` (work that returns true when it is all done, false when its slice is due) slice after slice,
 * yielding to the event loop between them so that other requests are answered meanwhile, and waiting for a
 * turn of the scheduler when other evaluations hold them all. Work that is done within its first slice stays
 * synchronous and never waits.
 */
export function runInSlices(clock: EvaluationClock, step: () => boolean): MaybePromise<void> {
  clock.begin();
  if (step()) return;
  clock.sliced();
  const done = new Promise<void>((resolve, reject) => {
    const next = () => {
      try {
        clock.begin();
        if (step()) resolve();
        else clock.resumeLater(next, reject);
      } catch (err) {
        reject(err);
      }
    };
    clock.resumeLater(next, reject);
  });
  const settle = () => clock.settled();
  done.then(settle, settle);
  return done;
}

/** Visits an entity with its position; answering true stops the scan (enough was found). */
export type Visit = (entity: Entity, index: number) => boolean | void;

/** Visits every entity, in order, with its position, cooperatively (see `runInSlices`), until a visit answers true. */
export function scanEntities(entities: Iterable<Entity>, visit: Visit, clock: EvaluationClock, meter: WorkMeter): MaybePromise<void> {
  if (Array.isArray(entities)) return scanArray(entities as readonly Entity[], visit, clock, meter);
  const iterator = entities[Symbol.iterator]();
  let n = 0;
  return runInSlices(clock, () => {
    for (;;) {
      const next = iterator.next();
      if (next.done || visit(next.value, n) === true) return true;
      if ((++n & CHECK_MASK) === 0 || meter.units >= CHECK_UNITS) {
        meter.units = 0;
        if (clock.due()) return false;
      }
    }
  });
}

/** scanEntities over an array (what the stores answer): by index, without an iterator. */
function scanArray(entities: readonly Entity[], visit: Visit, clock: EvaluationClock, meter: WorkMeter): MaybePromise<void> {
  let n = 0;
  return runInSlices(clock, () => {
    while (n < entities.length) {
      if (visit(entities[n]!, n) === true) return true;
      if ((++n & CHECK_MASK) === 0 || meter.units >= CHECK_UNITS) {
        meter.units = 0;
        if (clock.due()) return false;
      }
    }
    return true;
  });
}

/** Calls `onMatch` for each entity that passes the URL's type cast, `$filter` and `$search`, in order, cooperatively, until it answers true. */
export function scanMatching(
  entities: Iterable<Entity>,
  query: CollectionQuery,
  type: StructuredTypeModel,
  model: GraphModel,
  clock: EvaluationClock,
  onMatch: Visit,
): MaybePromise<void> {
  const meter: WorkMeter = { units: 0 };
  const filter = query.filter ? compileFilter(query.filter.expr, meter) : undefined;
  const search = query.search ? compileSearch(query.search.term, type, model, meter) : undefined;
  const options = filter && search ? (e: Entity) => filter(e) && search(e) : (filter ?? search);
  const cast = query.cast ? compileTypeTest(query.cast) : undefined;
  const test = cast && options ? (e: Entity) => cast(e) && options(e) : (cast ?? options);
  const visit = test
    ? (e: Entity, index: number) => (test(e) ? onMatch(e, index) : undefined)
    : onMatch;
  return scanEntities(entities, visit, clock, meter);
}

/** The entities that pass the type cast, `$filter` and `$search`, in store order (without any, a plain copy). */
export function matchingEntities(entities: Iterable<Entity>, query: CollectionQuery, type: StructuredTypeModel, model: GraphModel, clock: EvaluationClock): MaybePromise<Entity[]> {
  const source = Array.isArray(entities) ? (entities as readonly Entity[]) : undefined;
  if (!query.filter && !query.search && !query.cast) {
    const copy = [...entities];
    if (source) noteOrigin(copy, source, undefined);
    return copy;
  }
  const out: Entity[] = [];
  // What a sort reads of the entities kept is read from the columns of the array they came from (see columns.ts).
  const positions = source && Object.isFrozen(source) ? new Int32Array(source.length) : undefined;
  const keep = positions
    ? (e: Entity, index: number) => {
        positions[out.length] = index;
        out.push(e);
      }
    : (e: Entity) => {
        out.push(e);
      };
  return andThen(scanMatching(entities, query, type, model, clock, keep), () => {
    if (source && positions) noteOrigin(out, source, positions.subarray(0, out.length));
    return out;
  });
}
