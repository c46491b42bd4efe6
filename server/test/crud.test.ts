import request from 'supertest';
import { MAX_ID_LENGTH } from '../src/graph/entity-shape';
import { SeedError } from '../src/graph/seed';
import { AUTH, docExampleBody, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

async function withProfile(options: Parameters<typeof testApp>[0] = {}) {
  const app = testApp(options);
  const created = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
  return { app, id: created.body.id as string };
}

describe('collection', () => {
  test('GET lists every profile in the collection envelope', async () => {
    const { app } = await withProfile();
    await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    const res = await request(app).get(COLLECTION).set(AUTH);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['@odata.context', 'value']);
    expect(res.body['@odata.context']).toMatch(/\/beta\/\$metadata#security\/ipSecurityProfiles$/);
    expect(res.body.value.map((p: { id: string }) => p.id)).toEqual(['id-2', 'id-4']);
    expect(res.body.value[0]['@odata.type']).toBe('#microsoft.graph.ipSecurityProfile');
  });

  test('/$count answers the number as text/plain', async () => {
    const { app } = await withProfile();
    const res = await request(app).get(`${COLLECTION}/$count`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain;charset=utf-8');
    expect(res.text).toBe('1');
  });

  test('segments match case-insensitively', async () => {
    const { app, id } = await withProfile();
    expect((await request(app).get(`/beta/Security/IPSecurityProfiles/${id}`).set(AUTH)).status).toBe(200);
  });
});

describe('one entity', () => {
  test("GET accepts the OData key form ('{id}')", async () => {
    const { app, id } = await withProfile();
    const res = await request(app).get(`${COLLECTION}('${id}')`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
  });

  test('PATCH is 204 by default and changes only what was sent', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ riskScore: '80', vendorInformation: { provider: 'Other' } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const read = await request(app).get(`${COLLECTION}/${id}`).set(AUTH);
    expect(read.body.riskScore).toBe('80');
    expect(read.body.address).toBe('Address value');
    expect(read.body.vendorInformation).toMatchObject({ provider: 'Other', subProvider: 'Sub Provider value' });
  });

  test('PATCH with Prefer: return=representation is 200 with the entity and Preference-Applied', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).set('Prefer', 'return=representation').send({ countHits: 11 });
    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('return=representation');
    expect(res.body).toMatchObject({ id, countHits: 11, '@odata.type': '#microsoft.graph.ipSecurityProfile' });
  });

  test('PATCH accepts null where the metadata allows it, and refuses it for azureTenantId', async () => {
    const { app, id } = await withProfile();
    expect((await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ address: null, vendorInformation: null })).status).toBe(204);
    const refused = await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ azureTenantId: null });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('azureTenantId: expected String, got null');
  });

  test('PATCH that changes id is 400; the same id is fine', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ id: 'other' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('id: the key property is read-only');
    expect((await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ id })).status).toBe(204);
  });

  test('a rejected PATCH changes nothing', async () => {
    const { app, id } = await withProfile();
    const before = (await request(app).get(`${COLLECTION}/${id}`).set(AUTH)).body;
    await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ riskScore: 'changed', countHits: 'nine' });
    expect((await request(app).get(`${COLLECTION}/${id}`).set(AUTH)).body).toEqual(before);
  });

  test('PATCH and DELETE of an unknown id are 404', async () => {
    const app = testApp();
    expect((await request(app).patch(`${COLLECTION}/nope`).set(AUTH).send({ riskScore: '1' })).status).toBe(404);
    expect((await request(app).delete(`${COLLECTION}/nope`).set(AUTH)).status).toBe(404);
  });

  test('DELETE is 204, then the entity is gone', async () => {
    const { app, id } = await withProfile();
    expect((await request(app).delete(`${COLLECTION}/${id}`).set(AUTH)).status).toBe(204);
    expect((await request(app).get(`${COLLECTION}/${id}`).set(AUTH)).status).toBe(404);
  });

  test('PUT on an entity is 405 with Allow', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).put(`${COLLECTION}/${id}`).set(AUTH).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, PATCH, DELETE');
    expect(res.body.error.code).toBe('MethodNotAllowed');
  });
});

describe('validation profiles', () => {
  test('metadata: only azureTenantId is required, and undeclared properties are stored as dynamic properties', async () => {
    const app = testApp({ validation: 'metadata' });
    const res = await request(app).post(COLLECTION).set(AUTH).send({ azureTenantId: 't', customerNote: 'keep me' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ azureTenantId: 't', customerNote: 'keep me', address: null, tags: [] });
    const read = await request(app).get(`${COLLECTION}/${res.body.id}`).set(AUTH);
    expect(read.body.customerNote).toBe('keep me');
    expect((await request(app).post(COLLECTION).set(AUTH).send({ address: 'a' })).body.error.message).toContain('azureTenantId: required property is missing');
  });

  test('doc: PATCH refuses undeclared properties too', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).patch(`${COLLECTION}/${id}`).set(AUTH).send({ customerNote: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('customerNote: property is not declared');
  });
});

describe('ids', () => {
  test('"id": "" on create is a 400, and nothing is stored', async () => {
    const app = testApp();
    const res = await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: '' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BadRequest', message: 'Invalid request body: id: the key property cannot be an empty string.' });
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('0');
  });

  test(`an id of more than ${MAX_ID_LENGTH} characters is a 400; one of ${MAX_ID_LENGTH} is stored and reachable by its URL`, async () => {
    const app = testApp();
    const long = 'é'.repeat(MAX_ID_LENGTH + 1);
    const res = await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id: long });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BadRequest', message: `Invalid request body: id: the key property may hold at most ${MAX_ID_LENGTH} characters, got ${MAX_ID_LENGTH + 1}.` });
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('0');

    // Characters, not UTF-16 code units: 256 emoji are 512 code units and still fit.
    for (const id of ['é'.repeat(MAX_ID_LENGTH), '😀'.repeat(MAX_ID_LENGTH)]) {
      expect((await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), id })).status).toBe(201);
      const read = await request(app).get(`${COLLECTION}/${encodeURIComponent(id)}`).set(AUTH);
      expect([read.status, read.body.id]).toEqual([200, id]);
    }
  });

  test('seed records are held to the same id rules (SeedError naming the record)', () => {
    expect(() => testApp({ seed: [docExampleBody(), { ...docExampleBody(), id: '' }] })).toThrow(new SeedError('record [1]: id: the key property cannot be an empty string.'));
    expect(() => testApp({ seed: [{ ...docExampleBody(), id: 'x'.repeat(MAX_ID_LENGTH + 1) }] })).toThrow(SeedError);
    expect(() => testApp({ seed: [{ ...docExampleBody(), id: 'x'.repeat(MAX_ID_LENGTH) }] })).not.toThrow();
  });
});
