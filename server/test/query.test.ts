import request from 'supertest';
import { AUTH, COLLECTION, docExampleBody, emptyStore, seededStore, STORE_KINDS, TEST_ORIGIN, testApp } from './helpers';

type Page = { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string; '@odata.count'?: number; '@odata.context'?: string };

const get = (app: ReturnType<typeof testApp>, query: string, headers: Record<string, string> = {}) => request(app).get(`${COLLECTION}?${query}`).set(AUTH).set(headers);
const idsOf = (body: Page) => body.value.map((p) => p.id as string);

/** Follows @odata.nextLink to the end; returns every page. */
async function walk(app: ReturnType<typeof testApp>, first: string, headers: Record<string, string> = {}): Promise<Page[]> {
  const pages: Page[] = [];
  let res = await get(app, first, headers);
  for (;;) {
    expect(res.status).toBe(200);
    pages.push(res.body as Page);
    const next = (res.body as Page)['@odata.nextLink'];
    if (!next) return pages;
    expect(next.startsWith(`${TEST_ORIGIN}${COLLECTION}?$skiptoken=`)).toBe(true);
    res = await request(app).get(next.slice(TEST_ORIGIN.length)).set(AUTH).set(headers);
  }
}

// The query engine must give the same answers over either store.
describe.each(STORE_KINDS)('over the %s store', (kind) => {
  const storeOf = (count: number) => seededStore(count, 1, kind);

  describe('Graph docs-style queries end to end', () => {
    test("$filter=vendorInformation/provider eq 'Provider value' finds the doc's profile", async () => {
      const app = testApp({ store: emptyStore(kind) });
      await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
      await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), vendorInformation: { provider: 'Other', providerVersion: null, subProvider: null } });
      const res = await get(app, "$filter=vendorInformation/provider eq 'Provider value'");
      expect(idsOf(res.body)).toEqual(['id-2']);
    });

    test('$orderby=lastSeenDateTime desc&$top=5', async () => {
      const app = testApp({ store: storeOf(50) });
      const res = await get(app, '$orderby=lastSeenDateTime desc&$top=5');
      const seen = res.body.value.map((p: { lastSeenDateTime: string }) => Date.parse(p.lastSeenDateTime));
      expect(seen).toHaveLength(5);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
      const all = (await get(app, '$top=50')).body.value.map((p: { lastSeenDateTime: string }) => Date.parse(p.lastSeenDateTime));
      expect(seen[0]).toBe(Math.max(...all));
    });

    test('$count=true counts the filtered set before paging', async () => {
      const app = testApp({ store: storeOf(300) });
      const all = await get(app, '$filter=countHits ge 5000&$count=true&$top=3');
      const expected = (await walk(app, '$filter=countHits ge 5000')).flatMap(idsOf).length;
      expect(all.body['@odata.count']).toBe(expected);
      expect(all.body.value).toHaveLength(3);
      expect(Object.keys(all.body)).toEqual(['@odata.context', '@odata.count', 'value']);
    });

    test('the doc date with +03:00 is matched as an instant', async () => {
      const app = testApp({ store: emptyStore(kind) });
      await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
      expect(idsOf((await get(app, '$filter=firstSeenDateTime ge 2016-12-31T00:00:00Z')).body)).toEqual(['id-2']);
      expect(idsOf((await get(app, '$filter=firstSeenDateTime gt 2016-12-31T20:57:28Z')).body)).toEqual([]);
    });
  });

  describe('query options', () => {
    const app = testApp({ store: storeOf(40) });

    test('$select returns id plus the selected properties, and says so in the context', async () => {
      const res = await get(app, '$select=address,countHits&$top=2');
      expect(res.body['@odata.context']).toBe(`${TEST_ORIGIN}/beta/$metadata#security/ipSecurityProfiles(address,countHits)`);
      expect(Object.keys(res.body.value[0])).toEqual(['@odata.type', 'id', 'address', 'countHits']);
    });

    test('$select works on a single entity; collection options there are 400', async () => {
      const one = await request(app).get(`${COLLECTION}/seed-1-1?$select=riskScore`).set(AUTH);
      expect(one.body).toEqual({ '@odata.context': `${TEST_ORIGIN}/beta/$metadata#security/ipSecurityProfiles(riskScore)/$entity`, '@odata.type': '#microsoft.graph.ipSecurityProfile', id: 'seed-1-1', riskScore: expect.any(String) });
      const bad = await request(app).get(`${COLLECTION}/seed-1-1?$top=1`).set(AUTH);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain("'$top' applies to collections");
    });

    test('$top and $skip page through the store order', async () => {
      const all = idsOf((await get(app, '$top=40')).body);
      expect(idsOf((await get(app, '$skip=5&$top=3')).body)).toEqual(all.slice(5, 8));
      expect(idsOf((await get(app, '$skip=39')).body)).toEqual(all.slice(39));
      expect(idsOf((await get(app, '$top=0')).body)).toEqual([]);
    });

    test('$orderby with several keys and a path into a complex value', async () => {
      const res = await get(app, '$orderby=vendorInformation/provider asc,countHits desc&$top=40&$select=vendorInformation,countHits');
      const rows = res.body.value.map((p: { vendorInformation: { provider: string }; countHits: number }) => [p.vendorInformation.provider, p.countHits]);
      const sorted = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : b[1] - a[1]));
      expect(rows).toEqual(sorted);
    });

    test('options without $ work, as on Graph beta; other parameters are ignored', async () => {
      expect(idsOf((await get(app, 'top=2&skip=1')).body)).toEqual(idsOf((await get(app, '$top=2&$skip=1')).body));
      expect((await get(app, 'utm_source=x&$top=1')).status).toBe(200);
    });

    test('$search matches a quoted term case-insensitively', async () => {
      const res = await get(app, '$search="LITWARE"&$count=true');
      expect(res.body['@odata.count']).toBeGreaterThan(0);
      for (const p of res.body.value) expect(JSON.stringify(p).toLowerCase()).toContain('litware');
    });

    test('/$count honours $filter and $search', async () => {
      const filtered = (await get(app, '$filter=countHits lt 5000&$count=true&$top=0')).body['@odata.count'];
      const count = await request(app).get(`${COLLECTION}/$count?$filter=countHits lt 5000`).set(AUTH);
      expect(count.text).toBe(String(filtered));
      expect((await request(app).get(`${COLLECTION}/$count?$top=1`).set(AUTH)).status).toBe(400);
    });

    test('$filter works on $ref too', async () => {
      const res = await request(app).get(`${COLLECTION}/$ref?$filter=countHits lt 5000&$count=true`).set(AUTH);
      expect(res.body['@odata.count']).toBe(res.body.value.length);
      expect(res.body.value[0]['@odata.id']).toMatch(/\/beta\/security\/ipSecurityProfiles\/seed-1-\d+$/);
    });
  });

  describe('query errors are Graph 400s', () => {
    const app = testApp({ store: storeOf(3) });
    test.each([
      ['$foo=1', "The query parameter '$foo' is not supported."],
      ['$top=-1', "Invalid value '-1' for the $top query option: expected a non-negative integer."],
      ['$skip=abc', "Invalid value 'abc' for the $skip query option"],
      ['$top=1&top=2', "The query option '$top' is given more than once."],
      ['$count=yes', 'expected true or false'],
      ['$filter=countHits eq', 'Syntax error in $filter at position 12'],
      ["$filter=colour eq 'red'", "Could not find a property named 'colour' on type 'microsoft.graph.ipSecurityProfile'."],
      ['$select=colour', "Could not find a property named 'colour' on type 'microsoft.graph.ipSecurityProfile'."],
      ['$orderby=colour', "Could not find a property named 'colour' on type 'microsoft.graph.ipSecurityProfile'."],
      ["$filter=countHits eq 'a'", "Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'."],
      ['$orderby=tags', "The $orderby key 'tags' is not a single primitive value"],
      ['$orderby=countHits sideways', "Invalid $orderby item 'countHits sideways'"],
      ['$search=unquoted', 'expected one double-quoted term'],
      ['$expand=x', "'$expand' is not supported"],
      [`$filter=${Array.from({ length: 260 }, (_, i) => `countHits eq ${i}`).join(' or ')}`, 'characters long; the limit is 4096'],
      [`$filter=${'('.repeat(500)}countHits eq 1${')'.repeat(500)}`, 'nested deeper than 32 levels'],
      ["$filter=tags/any(a: tags/any(b: b eq 'x'))", "The Any/All nesting limit of '1' has been exceeded."],
      [`$filter=${Array.from({ length: 21 }, (_, i) => `countHits eq ${i}`).join(' or ')}`, "The node count limit of '100' has been exceeded."],
      ['$orderby=countHits,address,riskScore,countHosts,firstSeenDateTime,lastSeenDateTime', 'The maximum number of $orderby clauses allowed is 5.'],
    ].map(([query = '', message = '']) => [query.length > 80 ? `${query.slice(0, 60)}… (${query.length} characters)` : query, query, message]))('%s', async (_name, query, message) => {
      const res = await get(app, query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BadRequest');
      expect(res.body.error.message).toContain(message);
    });
  });

  describe('server-driven paging', () => {
    test('250 profiles come in pages of 100 with nextLinks, every one exactly once, in order', async () => {
      const app = testApp({ store: storeOf(250) });
      const pages = await walk(app, '$orderby=countHits desc&$count=true');
      expect(pages.map((p) => p.value.length)).toEqual([100, 100, 50]);
      expect(pages.every((p) => p['@odata.count'] === 250)).toBe(true);
      const hits = pages.flatMap((p) => p.value.map((v) => v.countHits as number));
      expect(hits).toEqual([...hits].sort((a, b) => b - a));
      expect(new Set(pages.flatMap(idsOf)).size).toBe(250);
    });

    test('Prefer: odata.maxpagesize sets the page size and is answered with Preference-Applied', async () => {
      const app = testApp({ store: storeOf(25) });
      const res = await get(app, '', { Prefer: 'odata.maxpagesize=10' });
      expect(res.headers['preference-applied']).toBe('odata.maxpagesize=10');
      expect(res.body.value).toHaveLength(10);
      expect((await walk(app, '', { Prefer: 'odata.maxpagesize=10' })).map((p) => p.value.length)).toEqual([10, 10, 5]);
    });

    test('$top larger than a page yields pages until $top is met', async () => {
      const app = testApp({ store: storeOf(300) });
      const pages = await walk(app, '$top=230&$skip=10&$select=id');
      expect(pages.map((p) => p.value.length)).toEqual([100, 100, 30]);
      const all = (await walk(app, '$select=id')).flatMap(idsOf);
      expect(pages.flatMap(idsOf)).toEqual(all.slice(10, 240));
    });

    test('the query stays with its snapshot: filter and select hold on every page', async () => {
      const app = testApp({ store: storeOf(400), pageSize: 50 });
      const pages = await walk(app, "$filter=tags/any(t: t eq 'watchlist')&$select=tags");
      expect(pages.length).toBeGreaterThan(1);
      for (const p of pages) for (const v of p.value) expect(Object.keys(v)).toEqual(['@odata.type', 'id', 'tags']);
      expect(pages.flatMap((p) => p.value).every((v) => (v.tags as string[]).includes('watchlist'))).toBe(true);
    });

    test('a tampered, foreign or mixed skiptoken is a 400', async () => {
      const app = testApp({ store: storeOf(150) });
      const next = (await get(app, '')).body['@odata.nextLink'] as string;
      const token = decodeURIComponent(next.split('$skiptoken=')[1] ?? '');
      const [payload = '', signature] = token.split('.');
      // Another payload under the same signature: one character of it changed.
      const forged = `${payload.slice(0, 8)}${payload[8] === 'A' ? 'B' : 'A'}${payload.slice(9)}`;
      for (const bad of [`${forged}.${signature}`, 'garbage', `${payload}.`]) {
        const res = await get(app, `$skiptoken=${encodeURIComponent(bad)}`);
        expect([bad, res.status, res.body.error.message]).toEqual([bad, 400, expect.stringContaining('$skiptoken is not valid')]);
      }
      const other = testApp({ store: storeOf(150) });
      expect((await get(other, `$skiptoken=${encodeURIComponent(token)}`)).status).toBe(400);
      expect((await get(app, `$skiptoken=${encodeURIComponent(token)}&$top=1`)).body.error.message).toContain('$skiptoken must be used alone');
    });

    test('a ~4 KB $filter, $search and $select give next links of a few hundred characters, each followable to the end', async () => {
      const app = testApp({ store: storeOf(450) });
      const long = Array.from({ length: 8 }, (_, i) => `contains(address, '${String(i).repeat(420)}')`);
      const filter = ['countHits ge 100', ...long].join(' or ');
      const select = 'address,countHits,riskScore,tags,azureTenantId,azureSubscriptionId,activityGroupNames,countHosts,firstSeenDateTime,lastSeenDateTime';
      const query = `$filter=${encodeURIComponent(filter)}&$search=${encodeURIComponent('"Network Protection"')}&$select=${select}&$count=true`;
      expect(filter.length + select.length).toBeGreaterThan(3500);
      const pages = await walk(app, query, { Prefer: 'odata.maxpagesize=20' });
      const links = pages.map((p) => p['@odata.nextLink']).filter((l): l is string => l !== undefined);
      expect(links.length).toBeGreaterThan(5);
      expect(Math.max(...links.map((l) => l.length))).toBeLessThan(300);
      const count = pages[0]?.['@odata.count'];
      expect(pages.flatMap(idsOf)).toHaveLength(count ?? -1);
      expect(new Set(pages.flatMap(idsOf)).size).toBe(count);
      for (const p of pages) for (const v of p.value) expect(Object.keys(v).sort()).toEqual(['@odata.type', 'id', ...select.split(',')].sort());
    });

    test('a next link issued before a reset is a 400 that says to start again', async () => {
      const app = testApp({ store: storeOf(150) });
      const next = (await get(app, '$orderby=countHits')).body['@odata.nextLink'] as string;
      expect((await request(app).post('/_mockgraph/reset').set('Content-Type', 'application/json')).status).toBe(200);
      const res = await request(app).get(next.slice(TEST_ORIGIN.length)).set(AUTH);
      expect([res.status, res.body.error.message]).toEqual([400, expect.stringContaining('Start again from the first page.')]);
    });

    test('data changed mid-walk: deleted entities are skipped, updated ones are served fresh', async () => {
      const app = testApp({ store: storeOf(150) });
      const first = await get(app, '');
      await request(app).delete(`${COLLECTION}/seed-1-101`).set(AUTH);
      await request(app).patch(`${COLLECTION}/seed-1-102`).set(AUTH).send({ riskScore: 'patched' });
      const second = await request(app).get(first.body['@odata.nextLink'].slice(TEST_ORIGIN.length)).set(AUTH);
      expect(idsOf(second.body)[0]).toBe('seed-1-102');
      expect(second.body.value[0].riskScore).toBe('patched');
      expect(second.body.value).toHaveLength(49);
    });
  });
});
