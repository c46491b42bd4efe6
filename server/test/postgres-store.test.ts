import request from 'supertest';
import { Client } from 'pg';
import { storeReady } from '../src/http/store-ready';
import { createPostgresStore } from '../src/store/postgres/postgres-store';
import type { PostgresStore } from '../src/store/postgres/postgres-store';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, seededStore, TEST_ORIGIN, testApp } from './helpers';
import { describePostgres } from './support/postgres';

describePostgres('the PostgreSQL store over HTTP', (pg) => {
  let url: string;
  let drop: () => Promise<void>;
  const opened: PostgresStore[] = [];
  const open = (options: Partial<Parameters<typeof createPostgresStore>[0]> = {}) => {
    const store = createPostgresStore({ url, ...options });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    ({ url, drop } = await pg.createDatabase());
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    await drop();
  });
  beforeEach(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('DROP TABLE IF EXISTS mockgraph_entities, mockgraph_sets, mockgraph_settings, mockgraph_schema, mockgraph_walks CASCADE; DROP SEQUENCE IF EXISTS mockgraph_seq; DROP FUNCTION IF EXISTS mockgraph_count CASCADE');
    await client.end();
  });

  test('two apps on one database are two replicas: a write through one is read, listed and counted through the other', async () => {
    const a = testApp({ store: open() });
    const b = testApp({ store: open() });
    const created = await request(a).post(COLLECTION).set(AUTH).send(docExampleBody());
    expect(created.status).toBe(201);
    const read = await request(b).get(`${COLLECTION}/${created.body.id}`).set(AUTH);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    // The entity comes back with its properties in the order they were written, as the memory store keeps them.
    expect(Object.keys(read.body)).toEqual(Object.keys(created.body));
    expect((await request(b).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('1');
    expect((await request(b).patch(`${COLLECTION}/${created.body.id}`).set(AUTH).send({ countHits: 77 })).status).toBe(204);
    expect((await request(a).get(`${COLLECTION}/${created.body.id}`).set(AUTH)).body.countHits).toBe(77);
    expect((await request(a).delete(`${COLLECTION}/${created.body.id}`).set(AUTH)).status).toBe(204);
    expect((await request(b).get(`${COLLECTION}/${created.body.id}`).set(AUTH)).status).toBe(404);
  });

  test('hostile literals are values, never SQL: the table survives and nothing matches', async () => {
    const app = testApp({ store: open() });
    await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    for (const literal of ["'; DROP TABLE mockgraph_entities; --", "\\'); DELETE FROM mockgraph_entities; --", "x' OR '1'='1", '$1', "é\u2028'"]) {
      const res = await request(app).get(COLLECTION).query({ $filter: `riskScore eq '${literal.replace(/'/g, "''")}' or startswith(address,'${literal.replace(/'/g, "''")}')` }).set(AUTH);
      expect([literal, res.status, res.body.error?.message]).toEqual([literal, 200, undefined]);
      expect(res.body.value).toEqual([]);
    }
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('1');
    const search = await request(app).get(COLLECTION).query({ $search: '"\'; DROP TABLE mockgraph_entities; --"' }).set(AUTH);
    expect(search.status).toBe(200);
  });

  test('strings PostgreSQL cannot hold (U+0000, a lone surrogate) are a Graph 400 on write and name nothing on read', async () => {
    const app = testApp({ store: open() });
    for (const bad of ['nul\u0000inside', '\udc00 alone']) {
      const res = await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), address: bad });
      expect([res.status, res.body.error?.message]).toEqual([400, expect.stringContaining('a character this store cannot keep')]);
      expect(graphErrorProblems(res.body)).toEqual([]);
    }
    const created = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    expect((await request(app).patch(`${COLLECTION}/${created.body.id}`).set(AUTH).send({ address: 'a\u0000b' })).status).toBe(400);
    expect((await request(app).get(`${COLLECTION}/${created.body.id}`).set(AUTH)).body.address).toBe(created.body.address);
    expect((await request(app).get(`${COLLECTION}/a%00b`).set(AUTH)).status).toBe(404);
    expect((await request(app).delete(`${COLLECTION}/a%00b`).set(AUTH)).status).toBe(404);
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('1');
  });

  test('a tampered $skiptoken is a Graph 400; the quota is counted in the database', async () => {
    const store = seededStore(30, 2, 'postgres');
    const app = testApp({ store, pageSize: 10, maxEntities: 30 });
    const first = await request(app).get(COLLECTION).set(AUTH);
    const next = first.body['@odata.nextLink'] as string;
    expect(next.startsWith(`${TEST_ORIGIN}${COLLECTION}?$skiptoken=`)).toBe(true);
    const token = decodeURIComponent(next.split('$skiptoken=')[1]!);
    const forged = await request(app).get(COLLECTION).query({ $skiptoken: `${token.slice(0, -2)}xx` }).set(AUTH);
    expect(forged.status).toBe(400);
    expect(graphErrorProblems(forged.body)).toEqual([]);
    const full = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    expect(full.status).toBe(507);
    expect(full.body.error.code).toBe('quotaLimitReached');
  });

  test('a seed is stored once when replicas open an empty database together; a reset is one transaction', async () => {
    const seed = [{ ...docExampleBody(), id: 'seeded' }];
    const apps = [testApp({ store: open(), seed }), testApp({ store: open(), seed }), testApp({ store: open(), seed })];
    await Promise.all(apps.map((app) => storeReady(app)));
    for (const app of apps) expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('1');
    await request(apps[0]!).post(COLLECTION).set(AUTH).send(docExampleBody());
    expect((await request(apps[1]!).post('/_mockgraph/reset').set('Content-Type', 'application/json')).status).toBe(200);
    expect((await request(apps[2]!).get(COLLECTION).set(AUTH)).body.value.map((p: { id: string }) => p.id)).toEqual(['seeded']);
  });

  test('a database of a newer schema version is refused with one line', async () => {
    const first = open();
    await first.opened;
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('UPDATE mockgraph_schema SET version = 99');
    await client.end();
    await expect(open().opened).rejects.toThrow(/holds mockgraph schema version 99, written by a newer mockgraph/);
  });
});
