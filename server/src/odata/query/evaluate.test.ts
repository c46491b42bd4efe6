import { GraphError } from '../../graph/errors';
import type { Entity } from '../../store/store';
import type { EvaluationControl } from './evaluate';
import { budgetExceeded, EvaluationClock, evaluationControl, scanEntities } from './evaluate';
import { EVALUATION_BUDGET_MS, EVALUATION_SLICE_MS } from './limits';

const clock = (given: Partial<EvaluationControl> = {}) => new EvaluationClock(evaluationControl(given));
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
    expect(evaluationControl()).toEqual({ budgetMs: EVALUATION_BUDGET_MS, sliceMs: EVALUATION_SLICE_MS, signal: undefined });
    expect([EVALUATION_BUDGET_MS, EVALUATION_SLICE_MS]).toEqual([1000, 15]);
  });

  test('a scan that fits one slice is synchronous: no promise, no tick', () => {
    let seen = 0;
    const out = scanEntities(entities(5000), () => seen++, clock(), { units: 0 });
    expect(out).toBeUndefined();
    expect(seen).toBe(5000);
  });

  test('a long scan yields to the event loop between slices and still visits every entity once, in order', async () => {
    const seen: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const out = scanEntities(entities(400), (e) => (spin(0.1), seen.push(e.id)), clock({ sliceMs: 3 }), { units: 0 });
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
