import request from 'supertest';
import { createMemoryStore } from '../src/index';
import type { EntityStore } from '../src/index';
import { AUTH, docExampleBody, graphErrorProblems, testApp } from './helpers';

describe('the error boundary', () => {
  test.each([
    ['/nothing', 400, 'Invalid version: nothing'],
    ['/beta/users', 400, "Resource not found for the segment 'users'."],
    ['/v1.0/security/ipSecurityProfiles', 400, "Resource not found for the segment 'ipSecurityProfiles'."],
  ])('GET %s is a Graph error, not an HTML page', async (path, status, message) => {
    const res = await request(testApp()).get(path).set(AUTH);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(res.body.error.message).toBe(message);
    expect(graphErrorProblems(res.body)).toEqual([]);
  });

  test('an unsupported method is 405 with Allow and a Graph body', async () => {
    const res = await request(testApp()).put('/beta/security/ipSecurityProfiles').set(AUTH).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(res.body.error.code).toBe('MethodNotAllowed');
  });

  test('a fault inside mockgraph is a 500 Graph error without a stack trace, logged with its request-id', async () => {
    const logged: string[] = [];
    const healthy = createMemoryStore();
    const broken: EntityStore = {
      ...healthy,
      collection: (path) => ({
        ...healthy.collection(path),
        count: () => 1,
        insert: () => {
          throw new TypeError('disk on fire');
        },
      }),
    };
    const res = await request(testApp({ store: broken, logError: (m) => logged.push(m) })).post('/beta/security/ipSecurityProfiles').set(AUTH).send(docExampleBody());
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('InternalServerError');
    expect(JSON.stringify(res.body)).not.toContain('disk on fire');
    expect(graphErrorProblems(res.body)).toEqual([]);
    expect(logged.join('\n')).toContain('disk on fire');
    expect(logged.join('\n')).toContain(res.headers['request-id']);
  });

  test('a body over the limit is 413, and the server keeps serving', async () => {
    const app = testApp({ bodyLimitBytes: 1024 });
    const res = await request(app).post('/beta/security/ipSecurityProfiles').set(AUTH).send({ ...docExampleBody(), riskScore: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('RequestEntityTooLarge');
    expect((await request(app).get('/beta/security/ipSecurityProfiles').set(AUTH)).status).toBe(200);
  });

  test('a taken client-supplied id is 409 and the stored entity is unchanged', async () => {
    const app = testApp();
    const first = await request(app).post('/beta/security/ipSecurityProfiles').set(AUTH).send({ ...docExampleBody(), id: 'fixed' });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe('fixed');
    const second = await request(app).post('/beta/security/ipSecurityProfiles').set(AUTH).send({ ...docExampleBody(), id: 'fixed', riskScore: 'changed' });
    expect(second.status).toBe(409);
    const read = await request(app).get('/beta/security/ipSecurityProfiles/fixed').set(AUTH);
    expect(read.body.riskScore).toBe('Risk Score value');
  });
});
