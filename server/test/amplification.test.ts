import request from 'supertest';
import { mintAccessToken } from '../src/graph/access-token';
import { MAX_ERROR_MESSAGE_LENGTH } from '../src/graph/errors';
import { MAX_BODY_CONTAINERS, MAX_BODY_VALUES } from '../src/json-guard';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, testApp } from './helpers';

/** Regressions from the security probe of issue 10: small requests that cost far more than their size. */
describe('amplification is bounded', () => {
  test.each([
    ['a dynamic property of 333,000 empty objects (metadata mode)', () => JSON.stringify({ azureTenantId: 't', x: Array.from({ length: 333_000 }, () => ({})) }), 'objects and arrays'],
    ['ipReferenceData of 330,000 empty objects (doc mode)', () => JSON.stringify({ ...docExampleBody(), ipReferenceData: Array.from({ length: 330_000 }, () => ({})) }), 'objects and arrays'],
    ['tags of 330,000 empty strings', () => JSON.stringify({ ...docExampleBody(), tags: Array.from({ length: 330_000 }, () => '') }), 'values'],
  ])('%s is a 400 before it is parsed, and nothing is stored', async (_name, body, what) => {
    const app = testApp({ validation: 'metadata', bodyLimitBytes: 4 * 1024 * 1024 });
    const res = await request(app).post(COLLECTION).set(AUTH).set('Content-Type', 'application/json').send(body());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(what);
    expect((await request(app).get(`${COLLECTION}/$count`).set(AUTH)).text).toBe('0');
  });

  test('the limits leave room for real bodies: a bulk body of 1,000 objects passes the guard', async () => {
    expect(MAX_BODY_CONTAINERS).toBeGreaterThanOrEqual(1_000);
    expect(MAX_BODY_VALUES).toBeGreaterThanOrEqual(10_000);
    const body = { ...docExampleBody(), ipCategories: Array.from({ length: 999 }, (_, i) => ({ description: `d${i}`, name: `n${i}`, vendor: 'v' })) };
    expect((await request(testApp()).post(COLLECTION).set(AUTH).send(body)).status).toBe(201);
  });

  test('the storage quota counts objects at their memory cost, not only their JSON bytes', async () => {
    const app = testApp({ validation: 'metadata', maxDataBytes: 200_000 });
    // 3,000 empty objects are 9 KB of JSON but about 150 KB of stored size: two of them do not fit.
    const body = { azureTenantId: 't', x: Array.from({ length: 3_000 }, () => ({})) };
    expect((await request(app).post(COLLECTION).set(AUTH).send(body)).status).toBe(201);
    const second = await request(app).post(COLLECTION).set(AUTH).send(body);
    expect([second.status, second.body.error.code]).toEqual([507, 'quotaLimitReached']);
  });

  test('an error message quoting a huge value is cut, in the answer and in the request log', async () => {
    const logged: string[] = [];
    const app = testApp({ bodyLimitBytes: 4 * 1024 * 1024, onRequest: (e) => logged.push(e.message ?? '') });
    const res = await request(app).post(`${COLLECTION}/$ref`).set(AUTH).send({ '@odata.id': 'Σ'.repeat(480_000) });
    expect(res.status).toBe(400);
    expect(graphErrorProblems(res.body)).toEqual([]);
    expect(res.body.error.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 60);
    expect(Math.max(...logged.map((m) => m.length))).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 60);
  });

  test.each(['gzip', 'deflate', 'br'])('a body that is not the %s it claims is a 400, not a 500', async (encoding) => {
    const res = await request(testApp()).post(COLLECTION).set(AUTH).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send('{}');
    expect([res.status, res.body.error.code]).toEqual([400, 'BadRequest']);
  });

  test.each(['127.0.0.1:4559@evil.example', 'localhost/evil', 'localhost:80x', 'a b'])('a malformed Host %j is refused, so no link carries it', async (host) => {
    const res = await request(testApp({ publicOrigin: undefined })).post(COLLECTION).set(AUTH).set('Host', host).send(docExampleBody());
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  test('HEAD answers like GET without a body', async () => {
    const res = await request(testApp({ seed: [{ ...docExampleBody(), id: 'h' }] })).head(`${COLLECTION}/h`).set(AUTH);
    expect(res.status).toBe(200);
    expect(res.text ?? '').toBe('');
  });
});

describe('JWT headers and payloads that could be read two ways are refused', () => {
  const app = () => testApp({ auth: 'jwt' });
  const encode = (v: string) => Buffer.from(v).toString('base64url');

  test('a critical header extension (crit) is 401', async () => {
    const t = `${encode('{"alg":"none","crit":["exp"]}')}.${encode('{"exp":4102444800,"scp":"SecurityEvents.Read.All"}')}.`;
    const res = await request(app()).get(COLLECTION).set('Authorization', `Bearer ${t}`);
    expect([res.status, res.body.error.message]).toEqual([401, expect.stringContaining('crit')]);
  });

  test('a claim given twice is 401', async () => {
    const t = `${encode('{"alg":"none"}')}.${encode('{"exp":4102444800,"scp":"x","scp":"SecurityEvents.ReadWrite.All"}')}.`;
    expect((await request(app()).post(COLLECTION).set('Authorization', `Bearer ${t}`).send(docExampleBody())).status).toBe(401);
    expect((await request(app()).get(COLLECTION).set('Authorization', `Bearer ${mintAccessToken({ exp: 4102444800, scp: 'SecurityEvents.Read.All' })}`)).status).toBe(200);
  });
});
