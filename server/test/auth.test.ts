import request from 'supertest';
import { AUTH, docExampleBody, FIXED_NOW, graphErrorProblems, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';

describe('Authorization', () => {
  test('a missing header is 401 InvalidAuthenticationToken "Access token is empty." with a Bearer challenge', async () => {
    const res = await request(testApp()).post(COLLECTION).send(docExampleBody());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toEqual({
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Access token is empty.',
        innerError: { date: FIXED_NOW.toISOString().slice(0, 19), 'request-id': 'id-1', 'client-request-id': 'id-1' },
      },
    });
    expect(graphErrorProblems(res.body)).toEqual([]);
  });

  test.each([
    ['Basic dXNlcjpwYXNz', 'Bearer scheme'],
    ['Bearer', 'Access token is empty.'],
    ['Bearer    ', 'Access token is empty.'],
    ['', 'Access token is empty.'],
  ])('Authorization: %j is 401 (%s)', async (header, message) => {
    const res = await request(testApp()).get(COLLECTION).set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('InvalidAuthenticationToken');
    expect(res.body.error.message).toContain(message);
  });

  test('any non-empty bearer token is accepted in the default mode', async () => {
    const res = await request(testApp()).get(COLLECTION).set(AUTH);
    expect(res.status).toBe(200);
  });

  test('nothing is stored when authorization fails', async () => {
    const app = testApp();
    await request(app).post(COLLECTION).send(docExampleBody());
    const list = await request(app).get(COLLECTION).set(AUTH);
    expect(list.body.value).toEqual([]);
  });
});
