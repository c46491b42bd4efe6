import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import request from 'supertest';
import { Client } from 'pg';
import type { Express } from 'express';
import { storeReady } from '../src/http/store-ready';
import { createPostgresStore } from '../src/store/postgres/postgres-store';
import type { PostgresStore } from '../src/store/postgres/postgres-store';
import { PageTokens } from '../src/store/postgres/page-tokens';
import { createMemoryStore } from '../src/store/memory-store';
import type { EntityStore } from '../src/store/store';
import { storedBytes } from '../src/store/store';
import { generateProfiles } from '../src/seed/generate';
import { AUTH, COLLECTION, docExampleBody, FIXED_NOW, graphErrorProblems, seededStore, testApp } from './helpers';
import { call, runCliAsync, serve, tempDir } from './process-helpers';
import type { Served } from './process-helpers';
import { describePostgres } from './support/postgres';

/*
 * A hostile or careless user against the PostgreSQL store: odd literals and bodies, tampered tokens, concurrent
 * writers, slow queries, a database that goes away, and credentials. Every answer is compared with what the
 * memory store gives for the same request, or with what docs/stores.md promises.
 */

type Answer = { status: number; body: unknown };

/** A response without what legitimately differs between stores: the $skiptoken value and innerError's ids. */
function comparable(res: { status: number; body: unknown; text?: string }): Answer {
  const body = structuredClone(res.body) as Record<string, unknown> & { error?: { innerError?: unknown } };
  if (body && typeof body === 'object') {
    if (typeof body['@odata.nextLink'] === 'string') body['@odata.nextLink'] = body['@odata.nextLink'].replace(/\$skiptoken=[^&]*/, '$skiptoken=…');
    if (body.error) delete body.error.innerError;
  }
  return { status: res.status, body: Object.keys(body ?? {}).length === 0 ? res.text : body };
}

/** The ids of a page, or the error message. */
function idsOf(res: { status: number; body: { value?: Array<{ id: string }>; error?: { message: string } } }): string[] | string {
  return res.body.value?.map((e) => e.id) ?? `${res.status} ${res.body.error?.message ?? ''}`;
}

/** Follows every nextLink of a walk, calling `between` after the first page. */
async function walk(app: Express | Server, query: Record<string, string | number>, between: () => Promise<void> = async () => undefined): Promise<string[]> {
  const ids: string[] = [];
  let res = await request(app).get(COLLECTION).query(query).set(AUTH);
  await between();
  for (let pages = 0; ; pages++) {
    expect(res.status).toBe(200);
    ids.push(...(res.body.value as Array<{ id: string }>).map((e) => e.id));
    const next = res.body['@odata.nextLink'] as string | undefined;
    if (!next || pages > 100) return ids;
    const u = new URL(next);
    res = await request(app).get(u.pathname + u.search).set(AUTH);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describePostgres('attacks on the PostgreSQL store', (pg) => {
  jest.setTimeout(180_000);

  const stores: EntityStore[] = [];
  const schemas: string[] = [];
  const servers: Server[] = [];
  /** A PostgreSQL store in a fresh schema of the test server; `schema` is its name, for counting rows in SQL. */
  const pgStore = (options: Partial<Parameters<typeof createPostgresStore>[0]> = {}, schema = `t_attack_${randomBytes(8).toString('hex')}`): PostgresStore & { schema: string } => {
    const store = createPostgresStore({ url: pg.url, schema, ...options });
    stores.push(store);
    if (!schemas.includes(schema)) schemas.push(schema);
    return Object.assign(store, { schema });
  };
  /** An app listening on a port of its own (requests really run at once, as from many clients). */
  const listening = (app: Express): Server => {
    const server = app.listen(0);
    servers.push(server);
    return server;
  };
  /** A client of the test server; an 'error' event (a stopped cluster) never crashes the suite. */
  const sqlClient = async (url = pg.url): Promise<Client> => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  /** The rows of the ipSecurityProfiles set in a schema and the count its set row keeps (what health and quotas read). */
  const figures = async (schema: string): Promise<{ rows: number; kept: number; bytes: number; keptBytes: number }> => {
    const client = await sqlClient();
    try {
      const { rows } = await client.query(
        `SELECT (SELECT count(*) FROM ${schema}.mockgraph_entities WHERE entity_set = $1)::int AS rows,
                (SELECT coalesce(sum(bytes), 0) FROM ${schema}.mockgraph_entities WHERE entity_set = $1)::int AS bytes,
                (SELECT coalesce(sum(entities), 0) FROM ${schema}.mockgraph_sets WHERE entity_set = $1)::int AS kept,
                (SELECT coalesce(sum(bytes), 0) FROM ${schema}.mockgraph_sets WHERE entity_set = $1)::int AS "keptBytes"`,
        ['security/ipSecurityProfiles'],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    for (const s of servers) s.close();
    for (const s of stores) await s.close();
    const client = await sqlClient();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** The same app over memory and over PostgreSQL, with the same seed. */
  async function twoStores(seed: Array<Record<string, unknown>>, options: Parameters<typeof testApp>[0] = {}) {
    const mem = testApp({ store: createMemoryStore(), seed, ...options });
    const sql = testApp({ store: pgStore(), seed, ...options });
    await storeReady(mem);
    await storeReady(sql);
    const both = async (send: (app: Express) => request.Test): Promise<{ mem: Answer; sql: Answer }> => ({ mem: comparable(await send(mem)), sql: comparable(await send(sql)) });
    return { mem, sql, both };
  }

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

  describe('concurrent writers', () => {
    test('30 concurrent creates with one client-supplied id: one 201, 29 409s, and the kept count is SELECT count(*)', async () => {
      const store = pgStore();
      const agent = request(listening(testApp({ store })));
      const statuses = (await Promise.all(Array.from({ length: 30 }, () => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: 'dup' })))).map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(29);
      const health = (await agent.get('/_mockgraph/health')).body;
      expect(health.entitySets['security/ipSecurityProfiles']).toBe(1);
      // Churn: creates and deletes at once; the set's figures stay those of the rows.
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? agent.delete(`${COLLECTION}/c${i - 1}`).set(AUTH) : agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `c${i}` }))));
      const f = await figures(store.schema);
      expect(f.kept).toBe(f.rows);
      expect(f.keptBytes).toBe(f.bytes);
      expect((await agent.get('/_mockgraph/health')).body.entitySets['security/ipSecurityProfiles']).toBe(f.rows);
    });

    test('concurrent PATCHes of different properties of one entity: every one is kept, as in memory', async () => {
      const lost: Record<string, number> = {};
      for (const [kind, store] of [['memory', createMemoryStore()], ['postgres', pgStore()]] as const) {
        const agent = request(listening(testApp({ store, seed: [{ ...docExampleBody(), id: 'one' }] })));
        lost[kind] = 0;
        for (let round = 1; round <= 10; round++) {
          const answers = await Promise.all([
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ address: `a${round}` }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ riskScore: `r${round}` }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ countHits: round }),
            agent.patch(`${COLLECTION}/one`).set(AUTH).send({ countHosts: round }),
          ]);
          expect(answers.map((r) => r.status)).toEqual([204, 204, 204, 204]);
          const e = (await agent.get(`${COLLECTION}/one`).set(AUTH)).body;
          lost[kind] += [e.address === `a${round}`, e.riskScore === `r${round}`, e.countHits === round, e.countHosts === round].filter((kept) => !kept).length;
        }
      }
      expect(lost).toEqual({ memory: 0, postgres: 0 });
    });

    test('--max-entities under 60 concurrent creates: the set never holds more than the limit', async () => {
      const store = pgStore();
      const agent = request(listening(testApp({ store, maxEntities: 25 })));
      const statuses = (await Promise.all(Array.from({ length: 60 }, (_, i) => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `q${i}` })))).map((r) => r.status);
      expect(new Set(statuses)).toEqual(new Set([201, 507]));
      const f = await figures(store.schema);
      expect(f.rows).toBeLessThanOrEqual(25);
      expect(statuses.filter((s) => s === 201)).toHaveLength(f.rows);
    });

    test('--max-data-size under 60 concurrent creates: the stored bytes never pass the limit', async () => {
      const one = storedBytes(JSON.stringify({ ...docExampleBody(), id: 'q00' }));
      const limit = one * 10 + 10;
      const store = pgStore();
      const agent = request(listening(testApp({ store, maxDataBytes: limit })));
      await Promise.all(Array.from({ length: 60 }, (_, i) => agent.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `q${String(i).padStart(2, '0')}` })));
      expect(await store.dataBytes()).toBeLessThanOrEqual(limit);
    });

    test('a reset on one replica while another creates: health and the quotas still count the rows there are', async () => {
      const schema = `t_attack_${randomBytes(8).toString('hex')}`;
      const seed = [{ ...docExampleBody(), id: 'seeded' }];
      const a = request(listening(testApp({ store: pgStore({}, schema), seed })));
      const bApp = testApp({ store: pgStore({}, schema), seed });
      await storeReady(bApp);
      const b = request(listening(bApp));
      let n = 0;
      const seen: Array<{ rows: number; kept: number }> = [];
      for (let round = 0; round < 25; round++) {
        const creates = Array.from({ length: 30 }, () => a.post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: `r${n++}` }));
        await sleep(2 + (round % 10) * 3);
        await Promise.all([...creates, b.post('/_mockgraph/reset').set('Content-Type', 'application/json')]);
        const f = await figures(schema);
        seen.push({ rows: f.rows, kept: f.kept });
        if (f.rows !== f.kept) break;
      }
      expect(seen.filter((f) => f.rows !== f.kept)).toEqual([]);
    });
  });

  describe('the evaluation budget over 50,000 entities', () => {
    let sql: EntityStore;
    let mem: EntityStore;
    beforeAll(async () => {
      sql = seededStore(50_000, 1, 'postgres');
      stores.push(sql);
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

  describe('a database that goes away or stalls', () => {
    // A lock held elsewhere is not an outage: the database answers, so health stays ready (docs/stores.md).
    test('a write blocked past the 10 s statement timeout (a lock held elsewhere) is a 503 with Retry-After, not a 500; health stays ready', async () => {
      const store = pgStore();
      const app = testApp({ store, seed: [{ ...docExampleBody(), id: 'seeded' }] });
      await storeReady(app);
      const client = await sqlClient();
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${store.schema}.mockgraph_sets IN ACCESS EXCLUSIVE MODE`);
      try {
        const started = Date.now();
        const [created, patched, health] = await Promise.all([
          request(app).post(COLLECTION).set(AUTH).send(docExampleBody()),
          request(app).patch(`${COLLECTION}/seeded`).set(AUTH).send({ countHits: 3 }),
          request(app).get('/_mockgraph/health'),
        ]);
        expect(Date.now() - started).toBeLessThan(13_000);
        for (const res of [created, patched]) {
          expect(res.status).toBe(503);
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          expect(graphErrorProblems(res.body)).toEqual([]);
        }
        expect(health.status).toBe(200);
      } finally {
        await client.query('ROLLBACK');
        await client.end();
      }
    });

    test('the database stopped: reads, writes, a $skiptoken, $batch and admin routes are 503 with Retry-After; an admin bulk create cut off by the stop leaves nothing', async () => {
      const cluster = await pg.startCluster();
      let served: Served | undefined;
      try {
        served = await serve(['--data', cluster.url, '--quiet', '--page-size', '2']);
        const base = served.base;
        for (let i = 0; i < 3; i++) expect((await call(base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), id: `e${i}` }) })).status).toBe(201);
        const next = ((await (await call(base, COLLECTION)).json()) as { '@odata.nextLink': string })['@odata.nextLink'];
        const tokenPath = COLLECTION + new URL(next).search;
        await cluster.stopKeep();
        const requests: Array<[string, RequestInit]> = [
          [COLLECTION, {}],
          [tokenPath, {}],
          [`${COLLECTION}/e1`, { method: 'DELETE' }],
          [`${COLLECTION}/e1`, { method: 'PATCH', body: JSON.stringify({ countHits: 1 }) }],
          [COLLECTION, { method: 'POST', body: JSON.stringify(docExampleBody()) }],
          ['/_mockgraph/reset', { method: 'POST' }],
          ['/_mockgraph/entities', {}],
          ['/_mockgraph/profiles', {}],
          ['/_mockgraph/entities/security/ipSecurityProfiles', { method: 'POST', body: JSON.stringify([docExampleBody()]) }],
          ['/_mockgraph/entities/security/ipSecurityProfiles/e1', { method: 'DELETE' }],
          ['/_mockgraph/health', {}],
        ];
        for (const [path, init] of requests) {
          const res = await call(base, path, init);
          const body = (await res.json()) as { error?: unknown };
          expect([path, init.method, res.status, Number(res.headers.get('retry-after')) > 0]).toEqual([path, init.method, 503, true]);
          if (path !== '/_mockgraph/health') expect(graphErrorProblems(body)).toEqual([]);
        }
        const batch = await call(base, '/beta/$batch', {
          method: 'POST',
          body: JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/security/ipSecurityProfiles/e1' }, { id: '2', method: 'POST', url: '/security/ipSecurityProfiles', headers: { 'Content-Type': 'application/json' }, body: docExampleBody() }] }),
        });
        const inner = ((await batch.json()) as { responses: Array<{ status: number; headers: Record<string, string> }> }).responses;
        expect(inner.map((r) => [r.status, Number(r.headers['Retry-After']) > 0])).toEqual([[503, true], [503, true]]);

        await cluster.startAgain();
        const recovered = async () => {
          for (let t = Date.now(); Date.now() - t < 10_000; await sleep(100)) if ((await call(base, '/_mockgraph/health')).status === 200) return true;
          return false;
        };
        expect(await recovered()).toBe(true);
        const before = ((await (await call(base, '/_mockgraph/health')).json()) as { entitySets: Record<string, number> }).entitySets['security/ipSecurityProfiles'];
        const watcher = await sqlClient(cluster.url);
        const items = Array.from({ length: 700 }, (_, i) => ({ ...docExampleBody(), id: `bulk-${i}` }));
        const bulk = call(base, '/_mockgraph/entities/security/ipSecurityProfiles', { method: 'POST', body: JSON.stringify(items) });
        // The bulk create is one transaction: stop the database once it has written (holds a transaction id).
        for (let t = Date.now(); Date.now() - t < 10_000; await sleep(5)) {
          const { rows } = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname = current_database() AND pid <> pg_backend_pid()");
          if (rows[0].n > 0) break;
        }
        await watcher.end();
        await cluster.stopKeep();
        expect((await bulk).status).toBe(503);
        await cluster.startAgain();
        expect(await recovered()).toBe(true);
        const after = ((await (await call(base, '/_mockgraph/health')).json()) as { entitySets: Record<string, number> }).entitySets['security/ipSecurityProfiles'];
        expect(after).toBe(before);
        expect(served.stderr()).not.toMatch(/unexpected error/);
      } finally {
        if (served) {
          served.child.kill('SIGTERM');
          await served.exited;
        }
        await cluster.stop();
      }
    });

    test("a reset whose connection is terminated mid-way (a failover, pg_terminate_backend): the server keeps running and answers 503, then recovers", async () => {
      const db = await pg.createDatabase();
      const dir = tempDir();
      const seedFile = join(dir, 'seed.json');
      writeFileSync(seedFile, JSON.stringify(generateProfiles(10_000, 3)));
      let child: ChildProcessWithoutNullStreams | undefined;
      const admin = await sqlClient();
      try {
        const served = await serve(['--data', db.url, '--quiet', '--seed', seedFile]);
        child = served.child;
        let exit: number | null | undefined;
        void served.exited.then((code) => (exit = code));
        const name = new URL(db.url).pathname.slice(1);
        const reset = fetch(`${served.base}/_mockgraph/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }).then(
          (r) => r.status,
          (err: unknown) => `no answer: ${String((err as { cause?: unknown }).cause ?? err)}`,
        );
        for (let t = Date.now(); Date.now() - t < 10_000; await sleep(5)) {
          const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'INSERT INTO mockgraph_entities%'", [name]);
          if (rows.length > 0) break;
        }
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        expect(await reset).toBe(503);
        await sleep(1000);
        expect(exit).toBeUndefined();
        let ok = false;
        for (let t = Date.now(); !ok && Date.now() - t < 10_000; await sleep(100)) ok = (await call(served.base, '/_mockgraph/health')).status === 200;
        expect(ok).toBe(true);
      } finally {
        child?.kill('SIGTERM');
        await admin.end();
        await sleep(200);
        await db.drop();
      }
    });
  });

  describe('credentials', () => {
    const PASSWORD = 'Hunter2-Secret-Pw';
    /** Everything a user can see of a serve run: its output and the answers of the routes that describe the store. */
    async function visibleOf(served: Served): Promise<string> {
      const seen: string[] = [];
      for (const path of ['/_mockgraph/health', '/_mockgraph/', '/', `${COLLECTION}?$filter=nope eq 1`, `${COLLECTION}/nope`, '/_mockgraph/requests']) {
        const res = await call(served.base, path);
        seen.push(JSON.stringify([...res.headers]), await res.text());
      }
      return [...seen, served.stdout(), served.stderr()].join('\n');
    }

    test('the password of a postgres://user:password@… URL is in no start line, log line, health or error', async () => {
      const db = await pg.createDatabase();
      const u = new URL(db.url);
      u.password = PASSWORD;
      const served = await serve(['--data', u.toString()]);
      try {
        const seen = await visibleOf(served);
        expect(seen).toMatch(/postgres:\/\/postgres:\*\*\*@/);
        expect(new RegExp(`.{0,100}${PASSWORD}`).exec(seen)?.[0]).toBeUndefined();
      } finally {
        served.child.kill('SIGTERM');
        await served.exited;
        await db.drop();
      }
    });

    test('the password of a postgres://user@…/db?password=… URL (which the driver reads) is in no start line, health or error either', async () => {
      const db = await pg.createDatabase();
      const u = new URL(db.url);
      u.searchParams.set('password', PASSWORD);
      const served = await serve(['--data', u.toString()]);
      try {
        // Only the text around the password, should it be there.
        expect(new RegExp(`.{0,100}${PASSWORD}`).exec(await visibleOf(served))?.[0]).toBeUndefined();
      } finally {
        served.child.kill('SIGTERM');
        await served.exited;
        await db.drop();
      }
    });

    test('a wrong password, an unreachable host and an unparseable URL: exit 2 with one line that never holds the password', async () => {
      const cluster = await pg.startCluster();
      try {
        const admin = await sqlClient(cluster.url);
        await admin.query("SET password_encryption = 'scram-sha-256'");
        await admin.query(`CREATE ROLE mguser LOGIN PASSWORD 'the-right-one'`);
        const { rows } = await admin.query<{ hba_file: string }>('SHOW hba_file');
        // Password authentication for mguser only; the cluster's own superuser keeps trust.
        await admin.query(`COPY (SELECT unnest(ARRAY['local all all trust', 'host all mguser 127.0.0.1/32 scram-sha-256', 'host all all 127.0.0.1/32 trust'])) TO '${rows[0]!.hba_file}'`);
        await admin.query('SELECT pg_reload_conf()');
        await admin.end();
        const port = new URL(cluster.url).port;
        const cases: Array<[string, RegExp]> = [
          [`postgres://mguser:${PASSWORD}@127.0.0.1:${port}/postgres`, /refused the connection: password authentication failed for user "mguser"/],
          [`postgres://mguser@127.0.0.1:${port}/postgres?password=${PASSWORD}`, /password authentication failed/],
          [`postgres://mguser:${PASSWORD}@127.0.0.1:1/postgres`, /cannot be reached \(ECONNREFUSED\); gave up after 1 s/],
          [`postgres://mguser:${PASSWORD}@no-such-host.invalid:5432/postgres`, /cannot be reached \((ENOTFOUND|EAI_AGAIN)\)/],
          [`postgres://mguser:${PASSWORD}#x@127.0.0.1:${port}/postgres`, /mockgraph: /],
        ];
        for (const [url, expected] of cases) {
          const result = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', '1']);
          const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('waiting for'));
          expect([url, result.status, lines.length]).toEqual([url, 2, 1]);
          expect(lines[0]).toMatch(expected);
          expect(result.stdout + result.stderr).not.toContain(PASSWORD);
        }
      } finally {
        await cluster.stop();
      }
    });

    test('--connect-timeout edge values: out of range or not an integer is refused with one line; 0 tries once', async () => {
      const url = `postgres://u:${PASSWORD}@127.0.0.1:1/db`;
      for (const value of ['-1', '601', '1.5', '', 'abc', '1e1', '0x2']) {
        const result = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', value]);
        expect([value, result.status, result.stderr.trim()]).toEqual([value, 2, `mockgraph: --connect-timeout must be an integer from 0 to 600, got '${value}'`]);
      }
      const started = Date.now();
      const once = await runCliAsync(['serve', '--port', '0', '--data', url, '--connect-timeout', '0']);
      expect(once.status).toBe(2);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(once.stderr.trim()).toMatch(/^mockgraph: the PostgreSQL database at 127\.0\.0\.1:1\/db cannot be reached \(ECONNREFUSED\); gave up after 0 s$/);
      expect(once.stderr).not.toContain(PASSWORD);
    });
  });
});
