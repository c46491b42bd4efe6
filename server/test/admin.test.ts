import request from 'supertest';
import { AUTH, COLLECTION, docExampleBody, testApp } from './helpers';

describe('/_mockgraph admin API', () => {
  test('health answers liveness and readiness without a token', async () => {
    const res = await request(testApp({ seed: [docExampleBody()] })).get('/_mockgraph/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', live: true, ready: true, store: 'memory', profiles: 1 });
  });

  test('reset puts the collection back to the seed', async () => {
    const app = testApp({ seed: [{ ...docExampleBody(), id: 'seeded' }] });
    await request(app).post(COLLECTION).set(AUTH).send(docExampleBody());
    await request(app).delete(`${COLLECTION}/seeded`).set(AUTH);
    const reset = await request(app).post('/_mockgraph/reset').set('Content-Type', 'application/json');
    expect(reset.body).toEqual({ profiles: 1 });
    const list = await request(app).get(COLLECTION).set(AUTH);
    expect(list.body.value.map((p: { id: string }) => p.id)).toEqual(['seeded']);
  });

  test('requests lists the last requests, newest first, with status, error code and validation message', async () => {
    const app = testApp();
    await request(app).post(COLLECTION).set(AUTH).send({ ...docExampleBody(), countHits: 'nine' });
    await request(app).get(COLLECTION).set(AUTH);
    const res = await request(app).get('/_mockgraph/requests?limit=5');
    expect(res.body.value.slice(0, 2)).toEqual([
      expect.objectContaining({ method: 'GET', path: COLLECTION, status: 200 }),
      expect.objectContaining({ method: 'POST', status: 400, error: 'BadRequest', message: 'Invalid request body: countHits: expected Int32 or null, got string.' }),
    ]);
    expect((await request(app).get('/_mockgraph/requests?limit=0')).status).toBe(400);
    // Health checks and the inspector's own polling are not Graph traffic: they stay out of the log.
    await request(app).get('/_mockgraph/health');
    const after = await request(app).get('/_mockgraph/requests');
    expect(after.body.value.map((e: { path: string }) => e.path).filter((p: string) => p.startsWith('/_mockgraph'))).toEqual([]);
  });

  test('the inspector page is served as HTML that needs nothing from the network', async () => {
    const res = await request(testApp()).get('/_mockgraph/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('mockgraph inspector');
    expect(res.text).not.toMatch(/(src|href)="https?:/);
  });

  test('an unknown admin path is a Graph-style 404; the admin API can be switched off', async () => {
    const missing = await request(testApp()).get('/_mockgraph/nope');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ResourceNotFound']);
    const off = await request(testApp({ admin: false })).get('/_mockgraph/health').set(AUTH);
    expect(off.status).toBe(400);
    expect(off.body.error.message).toBe('Invalid version: _mockgraph');
  });

  test('an invalid seed stops createApp naming the record and the property', () => {
    expect(() => testApp({ seed: [docExampleBody(), { ...docExampleBody(), tags: 'x' }] })).toThrow('record [1]: tags: expected Collection(String), got string');
  });
});
