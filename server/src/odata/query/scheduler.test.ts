import { GraphError } from '../../graph/errors';
import { MAX_ACTIVE_EVALUATIONS, MAX_QUEUED_EVALUATIONS } from './limits';
import type { TurnRequest } from './scheduler';
import { EVALUATION_SCHEDULER, EvaluationScheduler } from './scheduler';

/** A turn request that records what happened to it under `name`. */
function asker(log: string[], name: string, given: Partial<TurnRequest> = {}): TurnRequest {
  return { start: () => log.push(`${name} started`), fail: (err) => log.push(`${name} failed: ${err.status} ${err.message}`), signal: undefined, waitMs: 10_000, deadlineMs: 10_000, ...given };
}

describe('EvaluationScheduler', () => {
  test('the process-wide scheduler lets 2 evaluations progress and 64 wait', () => {
    expect(EVALUATION_SCHEDULER.limits).toEqual({ maxActive: MAX_ACTIVE_EVALUATIONS, maxQueued: MAX_QUEUED_EVALUATIONS });
    expect([MAX_ACTIVE_EVALUATIONS, MAX_QUEUED_EVALUATIONS]).toEqual([2, 64]);
  });

  test('at most maxActive hold a turn; the others start first come, first served as turns are given back', () => {
    const log: string[] = [];
    const scheduler = new EvaluationScheduler({ maxActive: 2, maxQueued: 8 });
    for (const name of ['a', 'b', 'c', 'd', 'e']) scheduler.request(asker(log, name));
    expect(log).toEqual(['a started', 'b started']);
    expect([scheduler.contended, scheduler.load]).toEqual([true, { active: 2, queued: 3 }]);
    scheduler.release();
    scheduler.release();
    expect(log).toEqual(['a started', 'b started', 'c started', 'd started']);
    scheduler.release();
    scheduler.release();
    scheduler.release();
    expect(log.at(-1)).toBe('e started');
    expect([scheduler.contended, scheduler.load]).toEqual([false, { active: 0, queued: 0 }]);
  });

  test('past maxQueued waiting, a newcomer is refused with a Graph 503 and Retry-After', () => {
    const failures: GraphError[] = [];
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 2 });
    for (let i = 0; i < 4; i++) scheduler.request({ ...asker([], String(i)), fail: (err) => failures.push(err) });
    expect(scheduler.load).toEqual({ active: 1, queued: 2 });
    expect(failures).toHaveLength(1);
    const [err] = failures as [GraphError];
    expect([err.status, err.code, err.headers]).toEqual([503, 'ServiceUnavailable', { 'Retry-After': '1' }]);
    expect(err.message).toBe('The query was refused: mockgraph is busy with other long queries (2 are already waiting for their turn). Retry after 1 second.');
  });

  test('a client that disconnects while waiting leaves the queue, and its turn goes to the next', () => {
    const log: string[] = [];
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 8 });
    const controller = new AbortController();
    scheduler.request(asker(log, 'a'));
    scheduler.request(asker(log, 'b', { signal: controller.signal }));
    scheduler.request(asker(log, 'c'));
    controller.abort();
    expect(scheduler.load).toEqual({ active: 1, queued: 1 });
    expect(log).toEqual(['a started', 'b failed: 400 The client closed the connection before the query finished; its evaluation was stopped.']);
    scheduler.release();
    expect(log.at(-1)).toBe('c started');
  });

  test('an evaluation that waits past its deadline leaves the queue with a 503', () => {
    jest.useFakeTimers();
    try {
      const log: string[] = [];
      const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 8 });
      scheduler.request(asker(log, 'a'));
      scheduler.request(asker(log, 'b', { waitMs: 9_000, deadlineMs: 10_000 }));
      jest.advanceTimersByTime(8_999);
      expect(scheduler.load.queued).toBe(1);
      jest.advanceTimersByTime(1);
      expect(scheduler.load.queued).toBe(0);
      expect(log.at(-1)).toBe('b failed: 503 The query was stopped: mockgraph is busy with other long queries, and it did not finish within 10 seconds of arriving (waiting for its turn included). Retry after 1 second.');
      scheduler.release();
      expect(scheduler.load).toEqual({ active: 0, queued: 0 });
    } finally {
      jest.useRealTimers();
    }
  });
});
