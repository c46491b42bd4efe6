import { toStoredEntity } from '../../graph/entity-shape';
import { generateProfiles } from '../../seed/generate';
import { createMemoryStore } from '../../store/memory-store';
import type { Entity } from '../../store/store';
import { QueryCursors } from './cursors';
import type { QueryContext, QueryPage } from './execute';
import { runCollectionQuery } from './execute';
import { ASKS_BEFORE_ORDERING, MAX_ORDERINGS_PER_STATE, MAX_TRACKED_ASKS, ORDERED_INDEX_MIN_ENTITIES, orderedEntities, orderingsSettled } from './ordered-index';
import { parseCollectionQuery, parseOrderBy } from './parse';
import type { QueryOptionName } from './parse';
import { sortEntities } from './sort';
import { MODEL, PROFILE } from './test-data';

const NOW = new Date('2026-11-26T08:00:00Z');
/** Profiles with gaps (nulls sort first ascending) and repeated values (ties keep store order). */
const PROFILES: Entity[] = generateProfiles(ORDERED_INDEX_MIN_ENTITIES + 904, 11).map((p, i) => {
  const record: Record<string, unknown> = { ...p };
  if (i % 7 === 0) delete record.lastSeenDateTime;
  if (i % 5 === 0) delete record.riskScore;
  if (i % 3 === 0) record.countHits = 1000;
  return toStoredEntity(record, String(p.id), PROFILE, MODEL);
});
const ids = (list: readonly Entity[]) => list.map((e) => e.id);
const query = (options: Record<string, string>) => parseCollectionQuery(new Map(Object.entries(options) as Array<[QueryOptionName, string]>), 'collection', PROFILE, MODEL);

function context(entities: readonly Entity[]): QueryContext {
  const collection = createMemoryStore().collection('security/ipSecurityProfiles');
  for (const e of entities) collection.insert(e);
  return { collection, type: PROFILE, model: MODEL, cursors: new QueryCursors(() => NOW), pageSize: 100, now: () => NOW };
}

/** Every page of a query, followed through its `$skiptoken`s: ids, count and the tokens' presence. */
async function answers(ctx: QueryContext, options: Record<string, string>): Promise<Array<{ ids: string[]; count: number | undefined; next: boolean }>> {
  const pages: QueryPage[] = [await runCollectionQuery(ctx, query(options))];
  for (let token = pages[0]?.nextToken; token !== undefined; token = pages[pages.length - 1]?.nextToken) pages.push(await runCollectionQuery(ctx, query({ skiptoken: token })));
  return pages.map((p) => ({ ids: p.entities.map((e) => e.id), count: p.count, next: p.nextToken !== undefined }));
}

describe('orderings of a store state', () => {
  const KEYS = parseOrderBy('riskScore desc,lastSeenDateTime,countHits desc', PROFILE, MODEL);

  test(`made in the background once asked ${ASKS_BEFORE_ORDERING} times: the full sort's order, ties in store order`, async () => {
    const state = Object.freeze([...PROFILES]);
    for (let i = 0; i < ASKS_BEFORE_ORDERING; i++) expect(orderedEntities(state, KEYS)).toBeUndefined();
    await orderingsSettled();
    const sorted = orderedEntities(state, KEYS);
    expect(sorted && ids(sorted)).toEqual(ids(sortEntities(PROFILES, KEYS)));
    expect(Object.isFrozen(sorted)).toBe(true);
  });

  test('not kept for a small, an unfrozen or a new store state; a state keeps the orderings used most recently', async () => {
    const small = Object.freeze(PROFILES.slice(0, ORDERED_INDEX_MIN_ENTITIES - 1));
    const unfrozen = [...PROFILES];
    const asked = (list: readonly Entity[], keys = KEYS) => {
      for (let i = 0; i <= ASKS_BEFORE_ORDERING; i++) orderedEntities(list, keys);
    };
    asked(small);
    asked(unfrozen);
    await orderingsSettled();
    expect([orderedEntities(small, KEYS), orderedEntities(unfrozen, KEYS)]).toEqual([undefined, undefined]);

    const state = Object.freeze([...PROFILES]);
    const many = ['countHits', 'countHits desc', 'riskScore', 'riskScore desc', 'lastSeenDateTime'].map((o) => parseOrderBy(o, PROFILE, MODEL));
    for (const keys of many) {
      asked(state, keys);
      await orderingsSettled();
    }
    // Four are kept: the fifth made room by dropping the least recently used (the first), the one asked least lately.
    const kept = () => many.map((keys) => orderedEntities(state, keys) !== undefined);
    expect(kept()).toEqual([false, ...Array<boolean>(MAX_ORDERINGS_PER_STATE).fill(true)]);
    // The first asked for again (it is made again), while the second is not used: the second goes.
    for (let i = 0; i < ASKS_BEFORE_ORDERING; i++) orderedEntities(state, many[0]!);
    for (const keys of many.slice(2)) orderedEntities(state, keys);
    await orderingsSettled();
    expect(kept()).toEqual([true, false, true, true, true]);
    // The next store state (after a write) starts again.
    expect(orderedEntities(Object.freeze([...PROFILES]), many[0]!)).toBeUndefined();
  });

  test(`a state counts the asks of at most ${MAX_TRACKED_ASKS} orderings: one asked for after them is never made`, async () => {
    const state = Object.freeze([...PROFILES]);
    // Distinct orderings, each asked once: the first MAX_TRACKED_ASKS are counted.
    const fields = ['countHits', 'countHosts', 'riskScore', 'address', 'lastSeenDateTime', 'firstSeenDateTime', 'azureTenantId', 'azureSubscriptionId'];
    const distinct = fields.flatMap((a) => fields.filter((b) => b !== a).flatMap((b) => [`${a},${b}`, `${a} desc,${b}`]));
    expect(distinct.length).toBeGreaterThan(MAX_TRACKED_ASKS);
    const keys = distinct.map((o) => parseOrderBy(o, PROFILE, MODEL));
    for (const k of keys) orderedEntities(state, k);
    for (const k of [keys[MAX_TRACKED_ASKS - 1]!, keys[MAX_TRACKED_ASKS]!]) orderedEntities(state, k);
    await orderingsSettled();
    expect([orderedEntities(state, keys[MAX_TRACKED_ASKS - 1]!) !== undefined, orderedEntities(state, keys[MAX_TRACKED_ASKS]!) !== undefined]).toEqual([true, false]);
  });

  test('queries answered from an ordering give the pages, counts and links a filter and a sort give', async () => {
    const cases: Array<Record<string, string>> = [];
    const filters = [undefined, "countHits ge 2500 and riskScore ne '0'", 'countHits lt 20', "vendorInformation/provider eq 'Contoso'", "tags/any(t: t eq 'watchlist')", 'lastSeenDateTime eq null', "startswith(address, '1')"];
    const orders = ['lastSeenDateTime desc', 'riskScore,countHits desc', 'countHits', 'vendorInformation/provider desc,lastSeenDateTime'];
    const tails: Array<Record<string, string>> = [{ top: '100' }, { top: '10', skip: '95' }, { count: 'true', top: '7' }, { top: '0', count: 'true' }, {}, { skip: '4000' }, { top: '250', select: 'id,countHits' }, { search: '"Osaka"', top: '50' }];
    for (const orderby of orders) for (const filter of filters) for (const tail of tails) cases.push({ ...(filter ? { filter } : {}), orderby, ...tail });
    const ctx = context(PROFILES);
    // The same collection answering unfrozen copies of its entities, of which no ordering is made.
    const copies = new Proxy(ctx.collection, { get: (target, name) => (name === 'values' ? () => [...(target.values() as readonly Entity[])] : Reflect.get(target, name)) });
    const before = [];
    for (const c of cases) before.push(await answers({ ...ctx, collection: copies }, c));
    for (const c of cases) await answers(ctx, c);
    await orderingsSettled();
    for (const orderby of orders) expect(orderedEntities(ctx.collection.values() as readonly Entity[], query({ orderby }).orderby)).toBeDefined();
    const after = [];
    for (const c of cases) after.push(await answers(ctx, c));
    expect(after).toEqual(before);

    // A write makes a new store state: its answers include the write at once, ordering or not.
    const newest = toStoredEntity({ ...generateProfiles(1, 99)[0], lastSeenDateTime: '2099-01-01T00:00:00Z', countHits: 9999, riskScore: '1' }, 'newest', PROFILE, MODEL);
    ctx.collection.insert(newest);
    const [first] = await answers(ctx, { filter: "countHits ge 2500 and riskScore ne '0'", orderby: 'lastSeenDateTime desc', top: '3' });
    expect(first?.ids[0]).toBe('newest');
  }, 60_000);
});
