import { toStoredEntity } from '../../graph/entity-shape';
import { GraphError } from '../../graph/errors';
import { generateProfiles } from '../../seed/generate';
import { EvaluationClock, evaluationControl } from './evaluate';
import type { EvaluationControl } from './evaluate';
import { parseOrderBy } from './parse';
import { EvaluationScheduler } from './scheduler';
import { firstInOrder, INSERTION_MAX_K, SORT_RUN, sortEntities } from './sort';
import { MODEL, PROFILE } from './test-data';

const MANY = generateProfiles(3 * SORT_RUN + 123, 9).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL));
const KEYS = parseOrderBy('riskScore desc,lastSeenDateTime,countHits desc', PROFILE, MODEL);
const clock = (given: Partial<EvaluationControl> = {}) => new EvaluationClock(evaluationControl({ scheduler: new EvaluationScheduler(), ...given }));
const ids = (list: ReadonlyArray<{ id: string }>) => list.map((e) => e.id);
/** Where Int32Array's sort lives: the cooperative sort sorts runs of positions (see position-sort.ts). */
const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Int32Array.prototype) as { sort: (compare?: (a: number, b: number) => number) => unknown };

describe('firstInOrder: the first k in $orderby order, in slices', () => {
  test.each([
    [10, 1],
    [200, INSERTION_MAX_K],
    [200, 150],
    [SORT_RUN, SORT_RUN],
    [SORT_RUN + 1, SORT_RUN + 1],
    [MANY.length, 5],
    [MANY.length, 2 * SORT_RUN + 7],
    [MANY.length, MANY.length],
  ])('of %i entities, k=%i, gives what a full sort gives', async (n, k) => {
    const list = MANY.slice(0, n);
    expect(ids(await firstInOrder(list, KEYS, k, clock()))).toEqual(ids(sortEntities(list, KEYS).slice(0, k)));
  });

  test('with tiny slices it yields between runs and merges, and the order is unchanged', async () => {
    const out = firstInOrder(MANY, KEYS, MANY.length, clock({ sliceMs: 0.5 }));
    expect(out).toBeInstanceOf(Promise);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const sorted = await out;
    clearInterval(timer);
    expect(ids(sorted)).toEqual(ids(sortEntities(MANY, KEYS)));
    expect(ticks).toBeGreaterThan(0);
  });

  test('a sort within one slice is synchronous, and without $orderby nothing is sorted', () => {
    // A slice long enough that a busy machine cannot make these sorts outlast it.
    const oneSlice = () => clock({ sliceMs: 60_000 });
    expect(firstInOrder(MANY.slice(0, 500), KEYS, 500, oneSlice())).not.toBeInstanceOf(Promise);
    expect(firstInOrder(MANY.slice(0, 5000), KEYS, 100, oneSlice())).not.toBeInstanceOf(Promise);
    expect(ids(firstInOrder(MANY, [], 3, clock()) as typeof MANY)).toEqual(ids(MANY.slice(0, 3)));
  });

  test('sorting counts against the evaluation budget', async () => {
    const err = (await Promise.resolve()
      .then(() => firstInOrder(MANY, KEYS, MANY.length, clock({ budgetMs: 2, sliceMs: 0.5 })))
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.message).toContain("exceeded mockgraph's 2-millisecond evaluation budget");
  });
});

describe('long string keys: no sorting step holds the loop longer than plain keys do', () => {
  /** A clock that counts how often the sort looks at it. */
  class CountingClock extends EvaluationClock {
    checks = 0;
    override due(): boolean {
      this.checks++;
      return super.due();
    }
  }
  const counting = () => new CountingClock(evaluationControl({ scheduler: new EvaluationScheduler() }));
  // 'a' × 14,000, then digits: every comparison reads the whole common prefix (about 110 plain comparisons' worth).
  const LONG = MANY.slice(0, 1500).map((e, i) => ({ ...e, address: `${'a'.repeat(14_000)}${(i * 7919) % 1500}` }));
  const BY_ADDRESS = parseOrderBy('address', PROFILE, MODEL);
  const expected = ids(sortEntities(LONG, BY_ADDRESS));

  test('a full sort cuts long keys into short runs (one sort of positions each) and reads its clock while merging', async () => {
    const c = counting();
    const sorts = jest.spyOn(TYPED_ARRAY_PROTOTYPE, 'sort');
    let runs: number[];
    let sorted: Array<{ id: string }>;
    try {
      sorted = await firstInOrder(LONG, BY_ADDRESS, LONG.length, c);
      runs = sorts.mock.contexts.map((array) => (array as unknown[]).length);
    } finally {
      sorts.mockRestore();
    }
    expect(ids(sorted)).toEqual(expected);
    expect(runs.length).toBeGreaterThan(1);
    expect(Math.max(...runs)).toBeLessThanOrEqual(SORT_RUN / 64);
    expect(c.checks).toBeGreaterThan(100);
  });

  test(`the first ${INSERTION_MAX_K} or fewer (a page) are kept in slices too, reading the clock as they go`, async () => {
    const c = counting();
    const worst = [...LONG].sort((a, b) => (a.address < b.address ? 1 : -1));
    expect(ids(await firstInOrder(worst, BY_ADDRESS, 100, c))).toEqual(expected.slice(0, 100));
    expect(c.checks).toBeGreaterThan(100);
  });

  test('sorting plain keys still sorts runs of SORT_RUN', async () => {
    const sorts = jest.spyOn(TYPED_ARRAY_PROTOTYPE, 'sort');
    try {
      await firstInOrder(MANY, KEYS, MANY.length, clock());
      expect(sorts.mock.contexts.map((array) => (array as unknown[]).length)).toEqual([SORT_RUN, SORT_RUN, SORT_RUN, 123]);
    } finally {
      sorts.mockRestore();
    }
  });
});
