import { toStoredEntity } from '../../graph/entity-shape';
import { generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { columnReader } from './columns';
import { EvaluationClock, evaluationControl, matchingEntities } from './evaluate';
import { parseCollectionQuery, parseOrderBy } from './parse';
import { EvaluationScheduler } from './scheduler';
import { firstInOrder, sortEntities } from './sort';
import { MODEL, PROFILE } from './test-data';

const STORE: readonly Entity[] = Object.freeze(generateProfiles(3000, 5).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL)));
const KEYS = parseOrderBy('lastSeenDateTime desc,riskScore,countHits desc', PROFILE, MODEL);
const clock = () => new EvaluationClock(evaluationControl({ scheduler: new EvaluationScheduler() }));
const ids = (list: readonly Entity[]) => list.map((e) => e.id);

describe('sort keys from columns', () => {
  test('a frozen array (what a store answers) and the entities a filter kept of it sort as a plain copy does', async () => {
    const query = parseCollectionQuery(new Map([['filter', "countHits ge 2500 and riskScore ne '0'"]]), 'collection', PROFILE, MODEL);
    const kept = await matchingEntities(STORE, query, PROFILE, MODEL, clock());
    expect(columnReader(kept, KEYS[0]!)).toBeDefined();
    for (const list of [STORE, kept]) {
      const expected = ids(sortEntities([...list], KEYS));
      expect(ids(await firstInOrder(list, KEYS, 100, clock()))).toEqual(expected.slice(0, 100));
      expect(ids(await firstInOrder(list, KEYS, list.length, clock()))).toEqual(expected);
    }
  });

  test('a column reads the comparable value of the entity at each position', () => {
    const read = columnReader(STORE, KEYS[2]!)!;
    STORE.forEach((e, i) => expect(read(i)).toBe(e.countHits ?? null));
  });

  test('an array that is neither frozen nor derived from a frozen one, or a small share of one, reads entities directly', async () => {
    expect(columnReader([...STORE], KEYS[0]!)).toBeUndefined();
    // A new store state (no column made of it yet): the few entities kept are read directly, and no column is made.
    const fresh = Object.freeze([...STORE]);
    const query = parseCollectionQuery(new Map([['filter', "countHits lt 20"]]), 'collection', PROFILE, MODEL);
    const few = await matchingEntities(fresh, query, PROFILE, MODEL, clock());
    expect(few.length).toBeLessThan(STORE.length / 8);
    expect(columnReader(few, KEYS[0]!)).toBeUndefined();
    expect(ids(await firstInOrder(few, KEYS, 10, clock()))).toEqual(ids(sortEntities(few, KEYS).slice(0, 10)));
  });
});
