import { GraphError } from '../../graph/errors';
import type { Entity } from '../../store/store';
import { compileFilter } from './apply';
import type { EvaluationControl } from './evaluate';
import { budgetExceeded, EvaluationClock, evaluationControl, runInSlices, scanEntities, scanMatching } from './evaluate';
import { parseFilter } from './filter-parser';
import { CONTENDED_FIRST_SLICE_MS, EVALUATION_BUDGET_MS, EVALUATION_DEADLINE_MS, EVALUATION_SLICE_MS } from './limits';
import { parseCollectionQuery } from './parse';
import { EVALUATION_SCHEDULER, EvaluationScheduler } from './scheduler';
import { MODEL, PROFILE } from './test-data';

/** A clock with a scheduler of its own (so that tests do not share turns), with whatever the test sets. */
const clock = (given: Partial<EvaluationControl> = {}) => new EvaluationClock(evaluationControl({ scheduler: new EvaluationScheduler(), ...given }));

/** A clock that counts how often the work looks at it. */
class CountingClock extends EvaluationClock {
  checks = 0;
  override due(): boolean {
    this.checks++;
    return super.due();
  }
}
const counting = () => new CountingClock(evaluationControl({ scheduler: new EvaluationScheduler() }));
const entities = (n: number): Entity[] => Array.from({ length: n }, (_, i) => ({ id: `e-${i}` }));

/** Busy work standing in for an expensive predicate. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Runs a scan that may return at once, throw, or settle later, as a promise. */
const settle = (run: () => unknown) => Promise.resolve().then(run);

describe('scanEntities', () => {
  test('the defaults are a 1-second budget in 15 ms slices', () => {
    expect(evaluationControl()).toMatchObject({ budgetMs: EVALUATION_BUDGET_MS, sliceMs: EVALUATION_SLICE_MS, signal: undefined, deadlineMs: EVALUATION_DEADLINE_MS, scheduler: EVALUATION_SCHEDULER });
    expect([EVALUATION_BUDGET_MS, EVALUATION_SLICE_MS]).toEqual([1000, 15]);
  });

  test('a scan that fits one slice is synchronous: no promise, no tick', () => {
    let seen = 0;
    const out = scanEntities(entities(5000), () => {
      seen++;
    }, clock(), { units: 0 });
    expect(out).toBeUndefined();
    expect(seen).toBe(5000);
  });

  test('a long scan yields to the event loop between slices and still visits every entity once, in order', async () => {
    const seen: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const out = scanEntities(entities(400), (e) => {
      spin(0.1);
      seen.push(e.id);
    }, clock({ sliceMs: 3 }), { units: 0 });
    expect(out).toBeInstanceOf(Promise);
    await out;
    clearInterval(timer);
    expect(seen).toEqual(entities(400).map((e) => e.id));
    expect(ticks).toBeGreaterThan(2);
  });

  test('work counted inside one entity (any/all items) makes the scan look at its clock sooner', async () => {
    const meter = { units: 0 };
    let seen = 0;
    const out = scanEntities(entities(10), () => (seen++, (meter.units += 10_000), spin(5)), clock({ sliceMs: 4 }), meter);
    expect(out).toBeInstanceOf(Promise);
    expect(seen).toBe(1);
    await out;
    expect(seen).toBe(10);
  });

  test('past the budget it stops with a Graph 400 that says how to narrow the query', async () => {
    let seen = 0;
    const run = () => scanEntities(entities(100_000), () => (seen++, spin(0.05)), clock({ budgetMs: 40, sliceMs: 5 }), { units: 0 });
    const err = (await settle(run).catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect([err.status, err.code]).toEqual([400, 'BadRequest']);
    expect(err.message).toMatch(/^The query was stopped: it exceeded mockgraph's 40-millisecond evaluation budget\. Narrow it with a more selective \$filter/);
    expect(seen).toBeLessThan(100_000);
  });

  test('the default budget is worded in seconds', () => {
    expect(budgetExceeded(EVALUATION_BUDGET_MS).message).toContain("mockgraph's 1-second evaluation budget");
  });

  test('an aborted signal stops the scan at the next slice', async () => {
    const controller = new AbortController();
    let seen = 0;
    const out = scanEntities(entities(10_000), () => (seen++, spin(0.05)), clock({ sliceMs: 2, signal: controller.signal }), { units: 0 });
    controller.abort();
    const err = (await settle(() => out).catch((e: unknown) => e)) as GraphError;
    expect(err.message).toBe('The client closed the connection before the query finished; its evaluation was stopped.');
    const stoppedAt = seen;
    expect(stoppedAt).toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toBe(stoppedAt);
  });
});

describe('string work is metered by length', () => {
  /** 16 entities whose address (and riskScore) is a long non-ASCII string: one entity's evaluation is costly. */
  const LONG: Entity[] = Array.from({ length: 16 }, (_, i) => ({ id: `long-${i}`, address: 'İ'.repeat(20_000), riskScore: 'İ'.repeat(20_000) }));
  const terms = (n: number, term: (i: number) => string) => Array.from({ length: n }, (_, i) => term(i)).join(' or ');

  test.each([
    ['16 contains(tolower()) over one long property', terms(16, (i) => `contains(tolower(address), 'zz${i}')`)],
    ['startswith, endswith and toupper', "startswith(toupper(address), 'ZZ') or endswith(address, 'zz')"],
    ['a comparison of two long strings', 'address lt riskScore'],
  ])('%s: the clock is read after every such entity, not once per 16 entities', async (_name, text) => {
    const meter = { units: 0 };
    const c = counting();
    const predicate = compileFilter(parseFilter(text, PROFILE, MODEL), meter);
    await scanEntities(LONG, (e) => predicate(e), c, meter);
    expect(c.checks).toBeGreaterThanOrEqual(LONG.length);
  });

  test('$search reads every string value: the clock is read after every entity of long strings', async () => {
    const c = counting();
    const query = parseCollectionQuery(new Map([['search', '"zz"']]), 'count', PROFILE, MODEL);
    await scanMatching(LONG, query, PROFILE, MODEL, c, () => {});
    expect(c.checks).toBeGreaterThanOrEqual(LONG.length);
  });
});

describe('EvaluationClock', () => {
  test('past its deadline (waiting for a turn included) the evaluation stops with a Graph 503 and Retry-After', () => {
    let t = 0;
    const c = clock({ now: () => t, deadlineMs: 100 });
    c.begin();
    t = 20;
    expect(c.due()).toBe(true);
    t = 99;
    c.begin();
    t = 100;
    expect(c.due()).toBe(false);
    t = 120;
    expect(c.due()).toBe(true);
    const err = (() => {
      try {
        c.begin();
      } catch (e) {
        return e as GraphError;
      }
    })();
    expect([err?.status, err?.code, err?.headers]).toEqual([503, 'ServiceUnavailable', { 'Retry-After': '1' }]);
    expect(err?.message).toBe('The query was stopped: mockgraph is busy with other long queries, and it did not finish within 100 milliseconds of arriving (waiting for its turn included). Retry after 1 second.');
  });

  test('the budget counts the slices only, not the time spent waiting between them', () => {
    let t = 0;
    const c = clock({ now: () => t, budgetMs: 30, sliceMs: 15 });
    c.begin();
    t = 16;
    expect(c.due()).toBe(true);
    t = 5_000;
    c.begin();
    t = 5_010;
    expect(c.due()).toBe(false);
    t = 5_020;
    expect(() => c.due()).toThrow("exceeded mockgraph's 30-millisecond evaluation budget");
  });

  test('work chained in the same turn (a sort after its filter) goes on in the open slice, not in a fresh one', async () => {
    let t = 0;
    const c = clock({ now: () => t });
    expect(runInSlices(c, () => ((t += 10), true))).toBeUndefined();
    let left = 1;
    const second = runInSlices(c, () => {
      for (; left > 0; left--) {
        t += 10;
        if (c.due()) return false;
      }
      return true;
    });
    expect(second).toBeInstanceOf(Promise);
    await second;
  });

  test(`a query that arrives while every turn is taken has a ${CONTENDED_FIRST_SLICE_MS} ms first slice; later slices are full`, () => {
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 4 });
    scheduler.request({ start: () => {}, fail: () => {}, signal: undefined, waitMs: 1000, deadlineMs: 1000 });
    let t = 0;
    const contended = clock({ now: () => t, scheduler });
    const free = clock({ now: () => t });
    contended.begin();
    free.begin();
    t = CONTENDED_FIRST_SLICE_MS;
    expect([contended.due(), free.due()]).toEqual([true, false]);
    contended.begin();
    t += CONTENDED_FIRST_SLICE_MS;
    expect(contended.due()).toBe(false);
  });
});

describe('evaluations take turns', () => {
  const scan = (name: string, log: string[], control: Partial<EvaluationControl>) =>
    Promise.resolve(scanEntities(entities(64), () => (log.push(name), spin(0.2)), clock(control), { units: 0 })).then(() => name);

  test('beyond maxActive, evaluations wait without running, and go on first come, first served', async () => {
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 4 });
    const visits: string[] = [];
    const finished: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => scan(name, visits, { scheduler, sliceMs: 2 }).then((n) => finished.push(n))));
    expect(finished).toEqual(['a', 'b', 'c']);
    // Each ran its first slice on arrival; after that, one at a time, each to its end.
    expect(visits.filter((v, i) => v !== visits[i - 1])).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(scheduler.load).toEqual({ active: 1, queued: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(scheduler.load).toEqual({ active: 0, queued: 0 });
  });

  test('work that fits its first slice stays synchronous and never queues, even when every turn is taken', () => {
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 0 });
    scheduler.request({ start: () => {}, fail: () => {}, signal: undefined, waitMs: 1000, deadlineMs: 1000 });
    expect(scanEntities(entities(500), () => {}, clock({ scheduler }), { units: 0 })).toBeUndefined();
  });

  test('a long evaluation that finds the queue full is refused with a 503; one whose client leaves while queued stops', async () => {
    const scheduler = new EvaluationScheduler({ maxActive: 1, maxQueued: 1 });
    const controller = new AbortController();
    const log: string[] = [];
    const runs = [scan('a', log, { scheduler, sliceMs: 1 }), scan('b', log, { scheduler, sliceMs: 1, signal: controller.signal }), scan('c', log, { scheduler, sliceMs: 1 })];
    const outcomes = runs.map((run) => run.then(String, (err: GraphError) => `${err.status} ${err.message}`));
    expect(scheduler.load).toEqual({ active: 1, queued: 1 });
    controller.abort();
    expect(scheduler.load).toEqual({ active: 1, queued: 0 });
    expect(await Promise.all(outcomes)).toEqual([
      'a',
      '400 The client closed the connection before the query finished; its evaluation was stopped.',
      '503 The query was refused: mockgraph is busy with other long queries (1 are already waiting for their turn). Retry after 1 second.',
    ]);
  });
});
