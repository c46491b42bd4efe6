import type { GraphError } from '../../graph/errors';
import { clientGone, deadlinePassed, evaluationsBusy } from './evaluation-errors';
import { MAX_ACTIVE_EVALUATIONS, MAX_QUEUED_EVALUATIONS } from './limits';

/** An evaluation asking for its turn. */
export interface TurnRequest {
  /** Called once it holds a turn (at once when one is free); it keeps it until `release()`. */
  start: () => void;
  /** Called instead when it leaves without a turn: the queue was full, its client left, or it waited past its deadline. */
  fail: (err: GraphError) => void;
  /** Its client's signal: aborting it takes the evaluation out of the queue. */
  signal: AbortSignal | undefined;
  /** How long it may still wait, in ms. */
  waitMs: number;
  /** Its whole deadline (for the error's message). */
  deadlineMs: number;
}

/** How many evaluations progress at once, and how many may wait. */
export interface SchedulerLimits {
  maxActive: number;
  maxQueued: number;
}

interface Waiting {
  request: TurnRequest;
  timer: NodeJS.Timeout;
  onAbort: () => void;
}

/**
 * Shares the event loop out between evaluations that outlast their first slice: at most `maxActive` hold a
 * turn (each runs a slice per loop turn); the others wait in a first-come, first-served queue at no cost, and
 * past `maxQueued` waiting a newcomer is refused with a 503.
 */
export class EvaluationScheduler {
  private active = 0;
  private readonly queue: Waiting[] = [];

  constructor(readonly limits: SchedulerLimits = { maxActive: MAX_ACTIVE_EVALUATIONS, maxQueued: MAX_QUEUED_EVALUATIONS }) {}

  /** True when every turn is taken: a new evaluation that outlasts its first slice will have to wait. */
  get contended(): boolean {
    return this.active >= this.limits.maxActive;
  }

  /** How many evaluations hold a turn, and how many wait for one. */
  get load(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  /** Asks for a turn: started now when one is free, else after those already waiting; a 503 when the queue is full. */
  request(request: TurnRequest): void {
    if (this.active < this.limits.maxActive) {
      this.active++;
      request.start();
      return;
    }
    if (this.queue.length >= this.limits.maxQueued) return request.fail(evaluationsBusy(this.limits.maxQueued));
    if (request.signal?.aborted) return request.fail(clientGone());
    const waiting: Waiting = {
      request,
      timer: setTimeout(() => this.leave(waiting, deadlinePassed(request.deadlineMs)), Math.max(0, request.waitMs)),
      onAbort: () => this.leave(waiting, clientGone()),
    };
    waiting.timer.unref();
    request.signal?.addEventListener('abort', waiting.onAbort, { once: true });
    this.queue.push(waiting);
  }

  /** Gives up a turn: the first evaluation waiting, if any, takes it. */
  release(): void {
    this.active--;
    const next = this.queue.shift();
    if (!next) return;
    this.forget(next);
    this.active++;
    next.request.start();
  }

  private leave(waiting: Waiting, err: GraphError): void {
    const at = this.queue.indexOf(waiting);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.forget(waiting);
    waiting.request.fail(err);
  }

  private forget(waiting: Waiting): void {
    clearTimeout(waiting.timer);
    waiting.request.signal?.removeEventListener('abort', waiting.onAbort);
  }
}

/** The process's scheduler: every app in the process shares its one event loop. */
export const EVALUATION_SCHEDULER = new EvaluationScheduler();
