import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { storeReady } from '../src/http/store-ready';
import { PageTokens } from '../src/store/postgres/page-tokens';
import type { EntityStore } from '../src/store/store';
import { AUTH, COLLECTION, docExampleBody, FIXED_NOW, graphErrorProblems, seededStore, testApp } from './helpers';
import { describePostgres } from './support/postgres';
import { attackKit, idsOf, walk } from './support/postgres-attack';

/*
 * A hostile user's queries against the PostgreSQL store: odd literals, walks over tricky values, bodies and keys
 * PostgreSQL cannot hold, tampered $skiptokens and costly queries. Every answer is compared with what the memory
 * store gives for the same request, or with what docs/stores.md promises.
 */
describePostgres('attacks on the PostgreSQL store: queries, bodies and tokens', (pg) => {
  jest.setTimeout(180_000);
  const { pgStore, listening, figures, twoStores, closeAfter } = attackKit(pg);

  describe('hostile query literals: the same answers as the memory store', () => {
    const base = docExampleBody();
    const seed = [
      { ...base, id: 'a', address: "o'brien\\x", riskScore: '5', countHits: 0, countHosts: -0, tags: ['x', "q'\\"] },
      { ...base, id: 'b', address: 'plain', riskScore: '10', countHits: 2147483647, tags: [] },
      { ...base, id: 'c', address: null, riskScore: 'é', countHits: -3 },
      { ...base, id: 'd', address: 'ß STRASSE', riskScore: 'Ω', countHits: -2147483648 },
    ];
    const filters = [
      "address eq 'o''brien\\x'", "contains(address,'\\')", "countHits eq -0", "countHits gt 1e308", "countHits lt -1e308", 'countHits eq 1e309',
      'countHits lt 1e999', 'countHits gt -1e999', 'countHits in (1e999, -1e999)', 'countHits eq 9223372036854775808', 'countHits eq 4.9e-324',
      'countHits eq 1e-400', 'countHits eq 00000000000000000000000000000001', 'countHits eq NaN', 'countHits eq INF', 'countHits eq -INF',
      "address lt 'z\u0000'", "address gt 'plain\u0000'", "address eq 'plain\u0000'", "contains('ab\u0000plain', address)", "riskScore in ('é', '\u0000')",
      "startswith(address, '\u0000')", "tolower(address) eq 'ß strasse'", "toupper(address) eq 'SS STRASSE'", "contains(address, '')",
      "tags/any(t: t eq 'q''\\')", "tags/all(t: t ne 'x')", 'not tags/any()', "address in ('plain', null)", 'null eq null',
      "address eq '" + 'x'.repeat(3900) + "'", '('.repeat(31) + "address eq 'plain'" + ')'.repeat(31), '('.repeat(33) + "address eq 'plain'" + ')'.repeat(33),
      'not '.repeat(31) + "(address eq 'plain')", "contains(address,'%') or contains(address,'_')", "address eq '$1'", "address eq ''';--'",
      'lastSeenDateTime lt 9999-12-31T23:59:59.9999999Z', 'lastSeenDateTime eq 2017-02-30T00:00:00Z', "vendorInformation/nope eq 'x'", "Address eq 'plain'",
    ];
    const searches = ['"x"', '"\\"', '"\u0000"', '"%"', '"_"', '"\\\\"', '"ß"', '"\'; DROP TABLE mockgraph_entities; --"', 'x'.repeat(5000)];
    const orderbys = ['riskScore desc,id', 'vendorInformation/provider', 'address asc,address desc', 'nope', 'address\u0000', "'x'", Array(6).fill('address').join(',')];
    const selects = ['id,address', "id,'x'", 'id\u0000', '*', 'ADDRESS', 'id,id', ''];

    test.each(filters.map((f) => [f.length > 60 ? `${f.slice(0, 60)}… (${f.length} chars)` : f, f]))('$filter=%s', async (_label, filter) => {
      const { both } = await apps();
      const { mem, sql } = await both((app) => request(app).get(COLLECTION).query({ $filter: filter, $select: 'id' }).set(AUTH));
      expect(sql).toEqual(mem);
      expect(sql.status).not.toBe(500);
    });
    test.each(searches.map((s) => [s.slice(0, 40), s]))('$search=%s', async (_label, search) => {
      const { both } = await apps();
      const { mem, sql } = await both((app) => request(app).get(COLLECTION).query({ $search: search, $select: 'id' }).set(AUTH));
      expect(sql).toEqual(mem);
    });
    test.each(orderbys.map((o) => [o.slice(0, 40), o]))('$orderby=%s', async (_label, orderby) => {
      const { both } = await apps();
      const { mem, sql } = await both((app) => request(app).get(COLLECTION).query({ $orderby: orderby, $select: 'id' }).set(AUTH));
      expect(sql).toEqual(mem);
    });
    test.each(selects.map((s) => [JSON.stringify(s), s]))('$select=%s', async (_label, select) => {
      const { both } = await apps();
      const { mem, sql } = await both((app) => request(app).get(COLLECTION).query({ $select: select, $top: 2 }).set(AUTH));
      expect(sql).toEqual(mem);
    });

    let pair: Awaited<ReturnType<typeof twoStores>> | undefined;
    const apps = async () => (pair ??= await twoStores(seed));
  });

  test('every page of a walk over tricky values (nulls, -0, ties, offsets, U+0001) is the one memory gives', async () => {
    const base = docExampleBody();
    const values = ['b', null, 'a', 'B', '', 'a\u0001', 'é', 'e\u0301', '\ufeff', 'a', null, 'Ω', ' ', '0', '10', '9'];
    const seed = values.map((v, i) => ({
      ...base,
      id: `e${String(i).padStart(2, '0')}`,
      address: v,
      countHits: [0, -0, null, 5, -5, 2147483647, -2147483648, 5][i % 8],
      lastSeenDateTime: [null, '2016-12-31T20:58:05.5931807Z', '2016-12-31T21:58:05.5931807+01:00', '2016-12-31T20:58:05.59318071Z'][i % 4],
    }));
    const { mem, sql } = await twoStores(seed, { pageSize: 3 });
    for (const orderby of ['address', 'address desc', 'countHits,address desc', 'lastSeenDateTime desc,countHits', undefined]) {
      for (const extra of [{}, { $top: 7 }, { $skip: 4 }, { $filter: 'address ne null', $count: 'true' }] as Array<Record<string, string | number>>) {
        const query: Record<string, string | number> = { $select: 'id', ...extra, ...(orderby && { $orderby: orderby }) };
        expect([query, await walk(sql, query)]).toEqual([query, await walk(mem, query)]);
      }
    }
  });

  describe('bodies and keys PostgreSQL cannot hold', () => {
    const nul = { ...docExampleBody(), address: 'nul\u0000inside' };
    const bodies: Array<[string, Record<string, unknown>]> = [
      ['U+0000 in a string', nul],
      ['a lone high surrogate', { ...docExampleBody(), address: 'lone\ud800' }],
      ['a lone low surrogate', { ...docExampleBody(), riskScore: '\udc00x' }],
      ['U+0000 in a collection item', { ...docExampleBody(), tags: ['ok', 'bad\u0000'] }],
      ['U+0000 in a complex value', { ...docExampleBody(), vendorInformation: { ...(docExampleBody().vendorInformation as object), provider: 'p\u0000' } }],
      ['U+0000 in the id', { ...docExampleBody(), id: 'id\u0000x' }],
    ];

    test.each(bodies)('POST with %s: a Graph 400 (never 500), nothing stored, the count unchanged', async (_label, body) => {
      // The memory store accepts every one of these (201), so the two stores disagree; the PostgreSQL answer is
      // at least a catalogued 400 that changes nothing.
      const store = pgStore();
      const app = testApp({ store });
      const res = await request(app).post(COLLECTION).set(AUTH).set('Content-Type', 'application/json').send(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(graphErrorProblems(res.body)).toEqual([]);
      expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('0');
      expect(await figures(store.schema)).toEqual({ rows: 0, kept: 0, bytes: 0, keptBytes: 0 });
    });

    test('PATCH, $batch and admin creates with U+0000 are 400s that leave the entity as it was; GET and DELETE of key %00 are 404s', async () => {
      const store = pgStore();
      const app = testApp({ store, seed: [{ ...docExampleBody(), id: 'kept', address: 'before' }] });
      await storeReady(app);
      for (const raw of ['{"address":"\\u0000"}', '{"address":"\\ud800"}', '{"tags":["\\udfff\\ud800"]}']) {
        const res = await request(app).patch(`${COLLECTION}/kept`).set(AUTH).set('Content-Type', 'application/json').send(raw);
        expect([raw, res.status, graphErrorProblems(res.body)]).toEqual([raw, 400, []]);
      }
      expect((await request(app).get(`${COLLECTION}/kept`).set(AUTH)).body.address).toBe('before');
      const batch = await request(app).post('/beta/$batch').set(AUTH).send({ requests: [{ id: '1', method: 'POST', url: '/security/ipSecurityProfiles', headers: { 'Content-Type': 'application/json' }, body: nul }] });
      expect(batch.status).toBe(200);
      expect(batch.body.responses[0].status).toBe(400);
      const admin = await request(app).post('/_mockgraph/entities/security/ipSecurityProfiles').set('Content-Type', 'application/json').send(JSON.stringify([{ ...docExampleBody(), id: 'ok-1' }, nul]));
      expect(admin.status).toBe(400);
      for (const path of [`${COLLECTION}/%00`, `${COLLECTION}('%00')`]) expect((await request(app).get(path).set(AUTH)).status).toBe(404);
      expect((await request(app).delete(`${COLLECTION}/%00`).set(AUTH)).status).toBe(404);
      expect(await figures(store.schema)).toMatchObject({ rows: 1, kept: 1 });
    });

    test('a client-supplied id with a lone surrogate is a Graph 400 in both stores, never a 500', async () => {
      const body = JSON.stringify({ ...docExampleBody(), id: 'id\ud800' });
      const { both } = await twoStores([]);
      const { mem, sql } = await both((app) => request(app).post(COLLECTION).set(AUTH).set('Content-Type', 'application/json').send(body));
      expect(sql.status).toBe(400);
      expect(mem.status).toBe(400);
    });

    test('a seed PostgreSQL cannot hold stops start-up with a message that says why (U+0000), not a bare SQL error', async () => {
      const app = testApp({ store: pgStore(), seed: [{ ...docExampleBody(), id: 'nul', address: 'a\u0000b' }] });
      await expect(storeReady(app)).rejects.toThrow(/U\+0000/);
    });
  });

  describe('$skiptoken tampering', () => {
    const seed = Array.from({ length: 7 }, (_, i) => ({ ...docExampleBody(), id: `s${i}`, countHits: i }));

    test('altered, truncated, foreign, cross-set and pre-reset tokens are Graph 400s; replaying a token gives the same page', async () => {
      const a = testApp({ store: pgStore(), pageSize: 2, seed });
      const b = testApp({ store: pgStore(), pageSize: 2, seed });
      await storeReady(a);
      await storeReady(b);
      const first = await request(a).get(COLLECTION).query({ $orderby: 'countHits desc', $select: 'id' }).set(AUTH);
      const token = decodeURIComponent(String(first.body['@odata.nextLink']).split('$skiptoken=')[1]!);
      const [payload, signature] = token.split('.') as [string, string];
      const page = async (app: Express, path: string, skiptoken: string) => request(app).get(path).query({ $skiptoken: skiptoken }).set(AUTH);
      const again = [await page(a, COLLECTION, token), await page(a, COLLECTION, token)];
      expect(again.map(idsOf)).toEqual([['s4', 's3'], ['s4', 's3']]);
      const refused: Array<[string, Express, string, string]> = [
        ['another database', b, COLLECTION, token],
        ['another entity set', a, '/beta/security/tiIndicators', token],
        ['another entity set', a, '/beta/security/secureScoreControlProfiles', token],
        ...['', '.', '..', 'a.b.c', `${payload}.`, `.${signature}`, `${payload}.${signature}x`, `${payload.slice(0, -1)}.${signature}`, token.toUpperCase(), '\u0000', '%', 'é.é'].map(
          (t): [string, Express, string, string] => [JSON.stringify(t).slice(0, 30), a, COLLECTION, t],
        ),
      ];
      for (const [label, app, path, t] of refused) {
        const res = await page(app, path, t);
        expect([label, res.status, graphErrorProblems(res.body)]).toEqual([label, 400, []]);
      }
      expect((await request(a).post('/_mockgraph/reset').set('Content-Type', 'application/json')).status).toBe(200);
      const replay = await page(a, COLLECTION, token);
      expect(replay.status).toBe(400);
      expect(replay.body.error.message).toMatch(/Start again from the first page/);
    });

    test('a token signed with the shared secret but carrying nonsense is a Graph 400, never a 500 or a non-numeric @odata.count', async () => {
      const tokenSecret = 'a-shared-secret-in-the-compose-file';
      const app = testApp({ store: pgStore({ tokenSecret }), pageSize: 2, seed });
      await storeReady(app);
      const first = await request(app).get(COLLECTION).query({ $count: 'true' }).set(AUTH);
      const tokens = new PageTokens(tokenSecret);
      const state = tokens.decode(decodeURIComponent(String(first.body['@odata.nextLink']).split('$skiptoken=')[1]!), FIXED_NOW);
      for (const change of [{ remaining: -5 }, { remaining: 'x' }, { count: 'x' }, { issued: 'x' }]) {
        const res = await request(app).get(COLLECTION).query({ $skiptoken: tokens.encode({ ...state, ...(change as object) }) }).set(AUTH);
        expect([change, res.status]).toEqual([change, 400]);
      }
    });
  });

  describe('the evaluation budget over 50,000 entities', () => {
    let sql: EntityStore;
    let mem: EntityStore;
    beforeAll(async () => {
      sql = seededStore(50_000, 1, 'postgres');
      closeAfter(sql);
      mem = seededStore(50_000, 1, 'memory');
      await storeReady(testApp({ store: sql }));
      await request(testApp({ store: sql })).get(`${COLLECTION}/$count`).set(AUTH);
    });
    const manyContains = Array.from({ length: 10 }, (_, i) => `contains(tolower(address),'zq${i}')`).join(' or ');

    test('many contains(): an answer within about the budget, a 200 or the Graph 400 "evaluation budget", never a hang, 500 or 503', async () => {
      const started = Date.now();
      const res = await request(testApp({ store: sql })).get(COLLECTION).query({ $filter: manyContains, $count: 'true' }).set(AUTH);
      expect(Date.now() - started).toBeLessThan(3000);
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expect(res.body.error.message).toMatch(/evaluation budget/);
    });

    test("the app's queryBudgetMs is the budget the PostgreSQL query gets (the message names the budget applied)", async () => {
      const started = Date.now();
      const res = await request(testApp({ store: sql, queryBudgetMs: 10_000 })).get(COLLECTION).query({ $search: '"zzzzq"', $select: 'id' }).set(AUTH);
      const elapsed = Date.now() - started;
      if (res.status === 400) expect(elapsed).toBeGreaterThan(9000);
      else expect(res.status).toBe(200);
    });

    test('40 concurrent heavy queries on a reachable database: never a 503 saying the database cannot be reached', async () => {
      const agent = request(listening(testApp({ store: sql })));
      const filter = "contains(tolower(address),'zq') or contains(tolower(riskScore),'zq') or contains(tolower(azureTenantId),'zq')";
      const answers = await Promise.all(Array.from({ length: 40 }, () => agent.get(COLLECTION).query({ $filter: filter, $select: 'id' }).set(AUTH)));
      const unreachable = answers.filter((r) => r.status === 503).map((r) => r.body.error?.message as string);
      expect(unreachable).toEqual([]);
      expect(answers.every((r) => r.status === 200 || (r.status === 400 && /evaluation budget/.test(r.body.error.message)))).toBe(true);
    });
  });

});
