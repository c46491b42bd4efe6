import request from 'supertest';
import type { EntityStore } from '../src/index';
import { AUTH, COLLECTION, docExampleBody, emptyStore, graphErrorProblems, STORE_KINDS, testApp } from './helpers';

/** The bytes the store counts for one created doc-example profile with this id. */
async function storedSize(id: string): Promise<number> {
  const store = emptyStore('memory');
  await request(testApp({ store })).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id });
  return store.dataBytes();
}

function create(app: ReturnType<typeof testApp>, id: string, extra: Record<string, unknown> = {}) {
  return request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id, ...extra });
}

/** What a refusal must leave exactly as it was. */
async function snapshot(store: EntityStore) {
  const entities = [];
  for await (const e of store.collection('security/ipSecurityProfiles').values()) entities.push(e);
  return { bytes: await store.dataBytes(), revision: await store.revision(), entities };
}

describe.each(STORE_KINDS)('storage limits over the %s store', (kind) => {
  test('a create past --max-entities is a 507 quotaLimitReached Graph error and changes nothing', async () => {
    const store = emptyStore(kind);
    const app = testApp({ store, maxEntities: 2 });
    expect((await create(app, 'a')).status).toBe(201);
    expect((await create(app, 'b')).status).toBe(201);
    const before = await snapshot(store);

    const res = await create(app, 'c');
    expect(res.status).toBe(507);
    expect(graphErrorProblems(res.body)).toEqual([]);
    expect(res.body.error.code).toBe('quotaLimitReached');
    expect(res.body.error.message).toBe(
      "Insufficient storage: the entity set 'security/ipSecurityProfiles' already holds 2 entities, the most that --max-entities allows (2). Delete some, or restart mockgraph with a higher --max-entities.",
    );
    expect(await snapshot(store)).toEqual(before);
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('2');
    expect((await request(app).get(`${COLLECTION}/c`).set(AUTH)).status).toBe(404);
    expect((await request(app).get(`${COLLECTION}/a`).set(AUTH)).body.id).toBe('a');
    // The create through POST /$ref (the page's own request line) is held to the same limit.
    expect((await request(app).post(`${COLLECTION}/$ref`).set(AUTH).send({ ...docExampleBody(), id: 'd' })).status).toBe(507);
    // Deleting one makes room again.
    expect((await request(app).delete(`${COLLECTION}/b`).set(AUTH)).status).toBe(204);
    expect((await create(app, 'c')).status).toBe(201);
  });

  test('a create past --max-data-size is a 507 naming the limit, the figures and the flag, and changes nothing', async () => {
    const one = await storedSize('a');
    const store = emptyStore(kind);
    const limit = 2 * one + Math.floor(one / 2);
    const app = testApp({ store, maxDataBytes: limit });
    expect((await create(app, 'a')).status).toBe(201);
    expect((await create(app, 'b')).status).toBe(201);
    expect(await store.dataBytes()).toBe(2 * one);
    const before = await snapshot(store);

    const res = await create(app, 'c');
    expect(res.status).toBe(507);
    expect(graphErrorProblems(res.body)).toEqual([]);
    expect(res.body.error.code).toBe('quotaLimitReached');
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(res.body.error.message).toBe(
      `Insufficient storage: this write would take the stored data to ${fmt(3 * one)} bytes, past the ${fmt(limit)} bytes that --max-data-size allows (${fmt(2 * one)} bytes are stored now). Delete some, or restart mockgraph with a higher --max-data-size.`,
    );
    expect(await snapshot(store)).toEqual(before);
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('2');
    expect((await request(app).get(`${COLLECTION}/c`).set(AUTH)).status).toBe(404);
  });

  test('a PATCH that grows an entity past --max-data-size is refused and changes nothing; one that fits is applied', async () => {
    const one = await storedSize('a');
    const store = emptyStore(kind);
    const app = testApp({ store, maxDataBytes: one + 100 });
    expect((await create(app, 'a')).status).toBe(201);
    const original = (await request(app).get(`${COLLECTION}/a`).set(AUTH)).body;
    const before = await snapshot(store);

    const grow = await request(app).patch(`${COLLECTION}/a`).set(AUTH).send({ tags: ['x'.repeat(500)] });
    expect(grow.status).toBe(507);
    expect(graphErrorProblems(grow.body)).toEqual([]);
    expect(grow.body.error.message).toMatch(/^Insufficient storage: this write would take the stored data to [\d,]+ bytes, past the [\d,]+ bytes that --max-data-size allows/);
    expect(await snapshot(store)).toEqual(before);
    expect((await request(app).get(`${COLLECTION}/a`).set(AUTH)).body).toEqual(original);

    expect((await request(app).patch(`${COLLECTION}/a`).set(AUTH).send({ tags: ['x'.repeat(50)] })).status).toBe(204);
    expect(await store.dataBytes()).toBe(one + JSON.stringify(['x'.repeat(50)]).length - JSON.stringify(original.tags).length);
  });

  test('a store exactly at --max-data-size takes a PATCH that does not grow it', async () => {
    const one = await storedSize('a');
    const store = emptyStore(kind);
    const app = testApp({ store, maxDataBytes: one });
    expect((await create(app, 'a')).status).toBe(201);
    expect((await request(app).patch(`${COLLECTION}/a`).set(AUTH).send({ riskScore: '1' })).status).toBe(204);
    expect((await create(app, 'b')).status).toBe(507);
  });
});
