import request from 'supertest';
import { AUTH, docExampleBody, TEST_ORIGIN, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

describe('response headers', () => {
  test('Prefer: return=minimal on POST is 204 with Location, OData-EntityId and Preference-Applied', async () => {
    const app = testApp();
    const res = await request(app).post(COLLECTION).set(AUTH).set('Prefer', 'return=minimal').send(docExampleBody());
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.location).toBe(`${TEST_ORIGIN}/beta/security/ipSecurityProfiles/id-2`);
    expect(res.headers['odata-entityid']).toBe(res.headers.location);
    expect(res.headers['preference-applied']).toBe('return=minimal');
    expect((await request(app).get(`${COLLECTION}/id-2`).set(AUTH)).status).toBe(200);
  });

  test('no Preference-Applied when no preference was honoured', async () => {
    const res = await request(testApp()).post(COLLECTION).set(AUTH).set('Prefer', 'respond-async').send(docExampleBody());
    expect(res.status).toBe(201);
    expect(res.headers['preference-applied']).toBeUndefined();
  });

  test('every response, errors too, has a fresh request-id; client-request-id is echoed or generated', async () => {
    const app = testApp();
    const a = await request(app).get(COLLECTION).set(AUTH);
    const b = await request(app).get(`${COLLECTION}/missing`).set(AUTH).set('client-request-id', 'mine');
    expect(a.headers['request-id']).not.toBe(b.headers['request-id']);
    expect(a.headers['client-request-id']).toBe(a.headers['request-id']);
    expect(b.headers['client-request-id']).toBe('mine');
    expect(b.body.error.innerError['client-request-id']).toBe('mine');
    expect(b.headers['odata-version']).toBe('4.0');
  });

  test('PATCH needs application/json too (415 otherwise)', async () => {
    const app = testApp();
    await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    const res = await request(app).patch(`${COLLECTION}/id-2`).set(AUTH).set('Content-Type', 'application/xml').send('<x/>');
    expect(res.status).toBe(415);
  });
});

describe('CORS', () => {
  test('a preflight is answered without a token, allowing Graph request headers', async () => {
    const res = await request(testApp())
      .options(COLLECTION)
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, client-request-id, prefer');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['authorization', 'content-type', 'client-request-id', 'prefer', 'consistencylevel', 'if-match']) expect(allowed).toContain(h);
    expect(res.headers['access-control-allow-methods']).toContain('PATCH');
  });

  test('responses expose request-id, client-request-id, Location and Preference-Applied', async () => {
    const res = await request(testApp()).post(COLLECTION).set(AUTH).set('Origin', 'http://localhost:3000').send(docExampleBody());
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    for (const h of ['request-id', 'client-request-id', 'location', 'preference-applied']) expect(exposed).toContain(h);
  });

  test.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'https://localhost:4443', 'http://localhost'])('by default the loopback origin %s is allowed', async (origin) => {
    const res = await request(testApp()).get(COLLECTION).set(AUTH).set('Origin', origin);
    expect(res.headers['access-control-allow-origin']).toBe(origin);
  });

  test.each(['https://evil.example', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example:3000', 'null'])('by default the origin %s gets no CORS allowance, and its preflight no permission to write', async (origin) => {
    const res = await request(testApp()).get(COLLECTION).set(AUTH).set('Origin', origin);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(testApp()).options(COLLECTION).set('Origin', origin).set('Access-Control-Request-Method', 'DELETE').set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  test("'*' allows any origin, as an explicit opt-in", async () => {
    const res = await request(testApp({ corsOrigins: ['*'] })).get(COLLECTION).set(AUTH).set('Origin', 'https://anywhere.example');
    expect(res.headers['access-control-allow-origin']).toBe('https://anywhere.example');
  });

  test('allowed origins are configurable', async () => {
    const app = testApp({ corsOrigins: ['https://app.example'] });
    const ok = await request(app).get(COLLECTION).set(AUTH).set('Origin', 'https://app.example');
    const other = await request(app).get(COLLECTION).set(AUTH).set('Origin', 'https://evil.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
