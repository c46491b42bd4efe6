import request from 'supertest';
import { MAX_LOGGED_BODY_BYTES } from '../src/http/log-redaction';
import { AUTH, COLLECTION, docExampleBody, testApp } from './helpers';

const SECRET = 'graph-token-never-shown-0123456789';
const ADMIN_TOKEN = 'admin-token-for-details-tests';
type App = ReturnType<typeof testApp>;

/** The newest log entry's id. */
async function newestId(app: App, admin: Record<string, string> = {}): Promise<number> {
  return ((await request(app).get('/_mockgraph/requests?limit=1').set(admin)).body.value[0] as { id: number }).id;
}

describe('GET /_mockgraph/requests/{id}: one logged request with its headers and bodies', () => {
  test('shows the request and response headers and bodies of a create', async () => {
    const app = testApp();
    const sent = JSON.stringify({ ...docExampleBody(), id: 'shown-in-details' });
    const created = await request(app).post(COLLECTION).set(AUTH).set('Content-Type', 'application/json').set('client-request-id', 'details-1').send(sent);
    expect(created.status).toBe(201);
    const id = await newestId(app);
    const res = await request(app).get(`/_mockgraph/requests/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, method: 'POST', path: COLLECTION, status: 201, 'request-id': created.headers['request-id'] });
    expect(res.body.request.headers.fields).toEqual(expect.arrayContaining([['Content-Type', 'application/json'], ['client-request-id', 'details-1']]));
    expect(JSON.parse(res.body.request.body.text)).toEqual({ ...docExampleBody(), id: 'shown-in-details' });
    expect(res.body.request.body).toMatchObject({ bytes: Buffer.byteLength(sent), truncated: false });
    expect(res.body.response.headers.fields).toEqual(expect.arrayContaining([['Location', created.headers.location], ['request-id', created.headers['request-id']]]));
    expect(JSON.parse(res.body.response.body.text)).toEqual(created.body);
    expect(res.body.response.body).toMatchObject({ bytes: Buffer.byteLength(created.text), truncated: false });
  });

  test('a body over 16 KiB is cut, in the request and in the response, and says how big it was', async () => {
    const app = testApp({ seed: Array.from({ length: 60 }, (_, i) => ({ ...docExampleBody(), id: `p-${i}` })) });
    const big = { ...docExampleBody(), description: 'd'.repeat(40_000) };
    await request(app).post(COLLECTION).set(AUTH).send(big);
    const posted = (await request(app).get(`/_mockgraph/requests/${await newestId(app)}`)).body;
    expect(posted.request.body).toMatchObject({ bytes: Buffer.byteLength(JSON.stringify(big)), truncated: true });
    expect(Buffer.byteLength(posted.request.body.text)).toBeLessThanOrEqual(MAX_LOGGED_BODY_BYTES);
    const list = await request(app).get(COLLECTION).set(AUTH);
    expect(list.text.length).toBeGreaterThan(MAX_LOGGED_BODY_BYTES);
    const listId = await newestId(app);
    // What was sent, even once the entities it showed have changed.
    await request(app).patch(`${COLLECTION}/p-0`).set(AUTH).send({ countHits: 424242 }).expect(204);
    await request(app).delete(`${COLLECTION}/p-1`).set(AUTH).expect(204);
    const listed = (await request(app).get(`/_mockgraph/requests/${listId}`)).body;
    expect(listed.response.body).toMatchObject({ bytes: Buffer.byteLength(list.text), truncated: true });
    expect(Buffer.byteLength(listed.response.body.text)).toBeLessThanOrEqual(MAX_LOGGED_BODY_BYTES);
    expect(list.text.startsWith(listed.response.body.text)).toBe(true);
  });

  test('Authorization, cookies and credentials in bodies never appear in any admin response', async () => {
    const app = testApp();
    await request(app).post(COLLECTION).set('Authorization', `Bearer ${SECRET}`).set('Cookie', `session=${SECRET}-cookie`).set('X-Api-Key', `${SECRET}-key`).send({ ...docExampleBody(), password: `${SECRET}-pw` });
    await request(app).get(`${COLLECTION}?access_token=${SECRET}-query`).set('Authorization', `Bearer ${SECRET}`);
    await request(app).post('/beta/$batch').set('Authorization', `Bearer ${SECRET}`).send({ requests: [{ id: '1', method: 'GET', url: '/security/ipSecurityProfiles', headers: { Authorization: `Bearer ${SECRET}-inner` } }] });
    // A body that is not valid JSON is shown raw, redacted by pattern.
    await request(app).post(COLLECTION).set('Authorization', `Bearer ${SECRET}`).set('Content-Type', 'application/json').send(`{"client_secret": "${SECRET}-raw", "x": Bearer ${SECRET}-raw2`);
    const ids = ((await request(app).get('/_mockgraph/requests')).body.value as Array<{ id: number }>).map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const answers = [await request(app).get('/_mockgraph/requests'), await request(app).get('/_mockgraph/health'), await request(app).get('/_mockgraph/entities'), await request(app).get('/_mockgraph/profiles')];
    for (const id of ids) answers.push(await request(app).get(`/_mockgraph/requests/${id}`));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(SECRET);
    }
    const details = answers.slice(4).map((r) => r.body as { request: { headers: { fields: Array<[string, string]> } }; response: { headers: { fields: Array<[string, string]> } } });
    const names = details.flatMap((d) => [...d.request.headers.fields, ...d.response.headers.fields].map(([name]) => name.toLowerCase()));
    expect(names).not.toContain('authorization');
    expect(names).not.toContain('cookie');
    expect(details.flatMap((d) => d.request.headers.fields)).toContainEqual(['X-Api-Key', 'REDACTED']);
    const raw = details.find((d) => JSON.stringify(d).includes('client_secret'));
    expect(JSON.stringify(raw)).toContain('\\"client_secret\\": \\"REDACTED\\"');
  });

  test('a body refused before it was read is shown by its size only', async () => {
    const app = testApp();
    await request(app).post(COLLECTION).set(AUTH).set('Content-Type', 'text/plain').send('not json at all');
    const res = (await request(app).get(`/_mockgraph/requests/${await newestId(app)}`)).body;
    expect(res.status).toBe(415);
    expect(res.request.body).toEqual({ bytes: 15, text: '', truncated: true });
  });

  test('an unknown, malformed or no longer kept id is a 404 saying which ids are kept', async () => {
    const app = testApp({ requestLogSize: 2 });
    const empty = await request(app).get('/_mockgraph/requests/1');
    expect([empty.status, empty.body.error.code, empty.body.error.message]).toEqual([404, 'ResourceNotFound', "No logged request '1': it is empty."]);
    for (let i = 0; i < 3; i++) await request(app).get(COLLECTION).set(AUTH);
    for (const id of ['1', '4', '0', 'abc', '1e3', '-2', '99999999999999999999']) {
      const res = await request(app).get(`/_mockgraph/requests/${id}`);
      expect([res.status, res.body.error.code]).toEqual([404, 'ResourceNotFound']);
      expect(res.body.error.message).toContain('it keeps requests 2 to 3');
    }
    expect((await request(app).get('/_mockgraph/requests/3')).status).toBe(200);
  });

  test('needs the admin token, and is refused when the admin API is locked', async () => {
    const app = testApp({ adminToken: ADMIN_TOKEN });
    await request(app).get(COLLECTION).set(AUTH);
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const id = await newestId(app, admin);
    expect((await request(app).get(`/_mockgraph/requests/${id}`)).status).toBe(401);
    expect((await request(app).get(`/_mockgraph/requests/${id}`).set(AUTH)).status).toBe(401);
    expect((await request(app).get(`/_mockgraph/requests/${id}`).set(admin)).status).toBe(200);
    expect((await request(testApp({ adminLocked: true })).get('/_mockgraph/requests/1')).status).toBe(403);
  });
});
