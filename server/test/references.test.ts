import request from 'supertest';
import { AUTH, docExampleBody, TEST_ORIGIN, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

async function withProfile() {
  const app = testApp();
  const created = await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
  return { app, id: created.body.id as string, url: created.headers.location as string };
}

describe('OData $ref routes', () => {
  test('GET .../$ref lists absolute member URLs', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).get(`${COLLECTION}/$ref`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.body['@odata.context']).toMatch(/\/beta\/\$metadata#Collection\(\$ref\)$/);
    expect(res.body.value).toEqual([{ '@odata.id': `${TEST_ORIGIN}/beta/security/ipSecurityProfiles/${id}` }]);
  });

  test('GET .../{id}/$ref is the member URL; unknown id is 404', async () => {
    const { app, id } = await withProfile();
    const res = await request(app).get(`${COLLECTION}/${id}/$ref`).set(AUTH);
    expect(res.body).toEqual({ '@odata.context': `${TEST_ORIGIN}/beta/$metadata#$ref`, '@odata.id': `${TEST_ORIGIN}/beta/security/ipSecurityProfiles/${id}` });
    expect((await request(app).get(`${COLLECTION}/nope/$ref`).set(AUTH)).status).toBe(404);
  });

  test('POST .../$ref with the entity as body creates it (the page\'s own request line)', async () => {
    const res = await request(testApp()).post('/beta/Security/ipSecurityProfiles/$ref').set(AUTH).send(docExampleBody());
    expect(res.status).toBe(201);
    expect(res.body['@odata.type']).toBe('#microsoft.graph.ipSecurityProfile');
    expect(res.headers.location).toContain('/beta/security/ipSecurityProfiles/');
  });

  test.each([
    ['an absolute URL', (id: string, origin: string) => `${origin}/beta/security/ipSecurityProfiles/${id}`],
    ['a different casing', (id: string, origin: string) => `${origin}/BETA/Security/IpSecurityProfiles('${id}')`],
    ['a service-relative URL', (id: string) => `security/ipSecurityProfiles/${id}`],
    ['an absolute path', (id: string) => `/beta/security/ipSecurityProfiles/${id}`],
  ])('POST .../$ref naming an existing member by %s is an idempotent 204', async (_what, make) => {
    const { app, id } = await withProfile();
    const res = await request(app).post(`${COLLECTION}/$ref`).set(AUTH).send({ '@odata.id': make(id, TEST_ORIGIN) });
    expect([res.status, res.text]).toEqual([204, '']);
    const count = await request(app).get(`${COLLECTION}/$count`).set(AUTH);
    expect(count.text).toBe('1');
  });

  test.each([
    [{ '@odata.id': 'security/ipSecurityProfiles/missing' }, 404, 'ResourceNotFound'],
    [{ '@odata.id': 'https://graph.microsoft.com/beta/security/ipSecurityProfiles/x' }, 400, 'another service root'],
    [{ '@odata.id': '/v1.0/security/ipSecurityProfiles/x' }, 400, 'does not identify'],
    [{ '@odata.id': 'users/x' }, 400, "Resource not found for the segment 'users'"],
    [{ '@odata.id': 'security/ipSecurityProfiles' }, 400, 'does not identify a microsoft.graph.ipSecurityProfile'],
    [{ '@odata.id': 42 }, 400, '@odata.id must be a non-empty string URL'],
  ])('POST .../$ref with %j is %d', async (body, status, text) => {
    const { app } = await withProfile();
    const res = await request(app).post(`${COLLECTION}/$ref`).set(AUTH).send(body);
    expect(res.status).toBe(status);
    expect(`${res.body.error.code} ${res.body.error.message}`).toContain(text);
  });

  test('DELETE .../{id}/$ref removes the member (a containment)', async () => {
    const { app, id } = await withProfile();
    expect((await request(app).delete(`${COLLECTION}/${id}/$ref`).set(AUTH)).status).toBe(204);
    expect((await request(app).get(`${COLLECTION}/${id}`).set(AUTH)).status).toBe(404);
  });
});
