import { toStoredEntity } from '../../graph/entity-shape';
import { GraphError } from '../../graph/errors';
import { generateProfiles } from '../../seed/generate';
import { createMemoryStore } from '../../store/memory-store';
import type { Entity, SyncEntityCollection } from '../../store/store';
import { sortEntities } from './sort';
import { QueryCursors } from './cursors';
import type { QueryContext, QueryPage } from './execute';
import { countMatching, runCollectionQuery } from './execute';
import { parseCollectionQuery } from './parse';
import type { QueryOptionName } from './parse';
import { MODEL, PROFILE } from './test-data';

const NOW = new Date('2026-11-26T08:00:00Z');
const PROFILES_2K = generateProfiles(2000, 5).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL));

function context(entities: readonly Entity[], evaluation: QueryContext['evaluation'] = {}): QueryContext {
  const collection = createMemoryStore().collection('security/ipSecurityProfiles');
  for (const e of entities) collection.insert(e);
  return { collection, type: PROFILE, model: MODEL, cursors: new QueryCursors(() => NOW), pageSize: 100, now: () => NOW, evaluation };
}

const query = (options: Record<string, string>) => parseCollectionQuery(new Map(Object.entries(options) as Array<[QueryOptionName, string]>), 'collection', PROFILE, MODEL);
const ids = (page: QueryPage) => page.entities.map((e) => e.id);

async function walk(ctx: QueryContext, options: Record<string, string>): Promise<QueryPage[]> {
  const pages = [await runCollectionQuery(ctx, query(options))];
  for (let token = pages[0]?.nextToken; token !== undefined; token = pages[pages.length - 1]?.nextToken) {
    pages.push(await runCollectionQuery(ctx, query({ skiptoken: token })));
  }
  return pages;
}

describe('runCollectionQuery and countMatching', () => {
  test('a query over a small collection is answered synchronously (no promise)', () => {
    // A slice long enough that a busy machine cannot make this evaluation outlast it.
    const ctx = context(PROFILES_2K.slice(0, 300), { sliceMs: 60_000 });
    expect(runCollectionQuery(ctx, query({ filter: 'countHits ge 5000', orderby: 'lastSeenDateTime desc', top: '100' }))).not.toBeInstanceOf(Promise);
    expect(countMatching(ctx, query({ filter: "tags/any(t: t eq 'watchlist')" }))).not.toBeInstanceOf(Promise);
  });

  test.each([[0], [127], [128], [1500], [1899], [1900], [1999], [2500]])('$orderby with $skip=%i gives the rows a full sort gives', async (skip) => {
    const ctx = context(PROFILES_2K);
    const orderby = 'riskScore desc,countHits,lastSeenDateTime desc';
    const page = await runCollectionQuery(ctx, query({ orderby, skip: String(skip), top: '100' }));
    const full = sortEntities(PROFILES_2K, query({ orderby }).orderby).map((e) => e.id);
    expect(ids(page)).toEqual(full.slice(skip, skip + 100));
  });

  test('a long filter, search and select give short next links that lead through every page exactly once', async () => {
    const ctx = context(PROFILES_2K);
    const long = Array.from({ length: 8 }, (_, i) => `contains(address, '${String(i).repeat(420)}')`);
    const options = { filter: ['countHits ge 1000', ...long].join(' or '), search: '"Network Protection"', select: 'address,countHits,tags,vendorInformation', count: 'true', orderby: 'countHits desc' };
    expect(options.filter.length + options.search.length + options.select.length).toBeGreaterThan(3500);
    const pages = await walk(ctx, options);
    expect(pages.length).toBeGreaterThan(5);
    for (const p of pages.slice(0, -1)) expect(p.nextToken?.length).toBeLessThan(200);
    const expected = sortEntities(PROFILES_2K.filter((e) => (e.countHits as number) >= 1000 && (e.vendorInformation as { subProvider: string | null }).subProvider === 'Network Protection'), query(options).orderby).map((e) => e.id);
    expect(pages.flatMap(ids)).toEqual(expected);
    expect(pages.every((p) => p.count === expected.length && p.select?.join(',') === options.select)).toBe(true);
  });

  test('a token whose snapshot was dropped, or issued before a reset, is a 400 that says to start again', async () => {
    const ctx = context(PROFILES_2K);
    const first = await runCollectionQuery(ctx, query({ orderby: 'countHits' }));
    ctx.cursors.clear();
    const err = (await Promise.resolve().then(() => runCollectionQuery(ctx, query({ skiptoken: first.nextToken ?? '' }))).catch((e: unknown) => e)) as GraphError;
    expect([err.status, err.message]).toEqual([400, expect.stringContaining('Start again from the first page.')]);
  });

  test('a tiny budget stops a heavy query with a Graph 400, synchronously or after yielding', async () => {
    // Twelve different conversions: one written twelve times would be converted once per entity.
    const paths = ['address', 'vendorInformation/provider', 'vendorInformation/vendor', 'azureTenantId', 'riskScore', 'vendorInformation/subProvider'];
    const heavy = { filter: Array.from({ length: 12 }, (_, i) => `contains(${i % 2 ? 'tolower' : 'toupper'}(${paths[i >> 1]}), '${i}.${i}')`).join(' or ') };
    for (const evaluation of [{ budgetMs: 1, sliceMs: 15 }, { budgetMs: 4, sliceMs: 1 }]) {
      const ctx = context([...PROFILES_2K, ...PROFILES_2K.map((e) => ({ ...e, id: `${e.id}-copy` }))], evaluation);
      for (const run of [(): unknown => runCollectionQuery(ctx, query(heavy)), (): unknown => countMatching(ctx, query(heavy))]) {
        const err = (await Promise.resolve().then(run).catch((e: unknown) => e)) as GraphError;
        expect(err).toBeInstanceOf(GraphError);
        expect([err.status, err.code]).toEqual([400, 'BadRequest']);
        expect(err.message).toContain(`exceeded mockgraph's ${evaluation.budgetMs}-millisecond evaluation budget`);
      }
    }
  });

  test('an aborted client stops the scan: fewer entities are read than the collection holds', async () => {
    let read = 0;
    const slow = PROFILES_2K.map((e) => e);
    const ctx = context(slow, { sliceMs: 2 });
    const collection = ctx.collection as SyncEntityCollection;
    const values = collection.values.bind(collection);
    ctx.collection.values = function* () {
      for (const e of values()) {
        read++;
        const until = performance.now() + 0.05;
        while (performance.now() < until);
        yield e;
      }
    };
    const controller = new AbortController();
    const pending = Promise.resolve(countMatching({ ...ctx, evaluation: { sliceMs: 2, signal: controller.signal } }, query({ filter: 'countHits ge 0' })));
    controller.abort();
    await expect(pending).rejects.toThrow('The client closed the connection before the query finished');
    expect(read).toBeLessThan(500);
  });
});
