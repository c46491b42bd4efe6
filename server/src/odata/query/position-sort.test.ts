import { toStoredEntity } from '../../graph/entity-shape';
import { generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { EvaluationClock, evaluationControl } from './evaluate';
import { parseOrderBy } from './parse';
import { sortPositionsInSlices } from './position-sort';
import { EvaluationScheduler } from './scheduler';
import { sortEntities } from './sort';
import { MODEL, PROFILE } from './test-data';

/** Profiles with gaps and repeated values, so that nulls and ties are ordered too. */
const PROFILES: Entity[] = generateProfiles(20_000, 3).map((p, i) => {
  const record: Record<string, unknown> = { ...p };
  if (i % 9 === 0) delete record.lastSeenDateTime;
  if (i % 4 === 0) record.riskScore = '10';
  return toStoredEntity(record, String(p.id), PROFILE, MODEL);
});
const clock = (sliceMs = 15) => new EvaluationClock(evaluationControl({ scheduler: new EvaluationScheduler(), sliceMs, budgetMs: 60_000 }));

describe('sortPositionsInSlices', () => {
  test.each(['lastSeenDateTime desc', 'riskScore,lastSeenDateTime', 'riskScore desc,countHits desc,address', 'vendorInformation/provider desc,countHits'])(
    "'%s' gives sortEntities' order, for a frozen array and a copy, sliced or not",
    async (orderby) => {
      const keys = parseOrderBy(orderby, PROFILE, MODEL);
      const expected = sortEntities(PROFILES, keys).map((e) => e.id);
      for (const list of [Object.freeze([...PROFILES]), [...PROFILES], PROFILES.slice(0, 8191), PROFILES.slice(0, 8193)]) {
        for (const sliceMs of [15, 0]) {
          const positions = await sortPositionsInSlices(list, keys, clock(sliceMs));
          const want = list.length === PROFILES.length ? expected : sortEntities(list, keys).map((e) => e.id);
          expect(Array.from(positions, (p) => list[p]!.id)).toEqual(want);
        }
      }
    },
    30_000,
  );

  test('long string keys are sorted in runs of fewer positions: the same order, with the clock read as often as their cost asks', async () => {
    const long = Object.freeze(PROFILES.slice(0, 3000).map((e, i) => ({ ...e, address: `${'a'.repeat(14_000)}${i % 2 ? String(i * 7919 % 3000) : String(1e9 - i)}` })));
    const keys = parseOrderBy('address,countHits desc', PROFILE, MODEL);
    let reads = 0;
    const control = evaluationControl({ scheduler: new EvaluationScheduler(), sliceMs: 15, budgetMs: 60_000 });
    const counted = new EvaluationClock({ ...control, now: () => (reads++, performance.now()) });
    const positions = await sortPositionsInSlices(long, keys, counted);
    expect(Array.from(positions, (p) => long[p]!.id)).toEqual(sortEntities(long, keys).map((e) => e.id));
    // Each position costs 110 plain comparisons: runs of RUN (8,192) units hold 74 of them, so 3,000 positions make
    // 41 runs, each followed by a look at the clock, and the six merge passes look every 4,096 units (37 positions):
    // about 520 reads, where metering every position as 1 would sort them in one run and read the clock twice.
    expect(reads).toBeGreaterThan(400);
  }, 30_000);

  test('a sort longer than its slice yields to the event loop, and stops with the 400 when its budget is spent', async () => {
    const keys = parseOrderBy('lastSeenDateTime desc,address', PROFILE, MODEL);
    const out = sortPositionsInSlices(PROFILES, keys, clock(0));
    expect(out).toBeInstanceOf(Promise);
    await out;
    const spent = new EvaluationClock(evaluationControl({ scheduler: new EvaluationScheduler(), sliceMs: 0, budgetMs: 0 }));
    await expect(Promise.resolve().then(() => sortPositionsInSlices(PROFILES, keys, spent))).rejects.toMatchObject({ code: 'BadRequest' });
  });
});
