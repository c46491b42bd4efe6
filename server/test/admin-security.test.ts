import request from 'supertest';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, testApp } from './helpers';

const JSON_TYPE = { 'Content-Type': 'application/json' } as const;
const ADMIN_TOKEN = 'admin-secret-for-tests';

describe('admin API: cross-site requests cannot change the sandbox', () => {
  const app = () => testApp({ seed: [{ ...docExampleBody(), id: 'seeded' }] });

  test.each([
    ['an auto-submitted form (urlencoded)', { 'Content-Type': 'application/x-www-form-urlencoded' }, 400],
    ['a no-cors fetch (text/plain)', { 'Content-Type': 'text/plain' }, 400],
    ['a request with no body type', {}, 400],
    ['a cross-site Origin, even with a JSON type', { ...JSON_TYPE, Origin: 'https://evil.example' }, 403],
    ['Sec-Fetch-Site: cross-site', { ...JSON_TYPE, 'Sec-Fetch-Site': 'cross-site' }, 403],
    ['Sec-Fetch-Site: same-site (another port of localhost)', { ...JSON_TYPE, 'Sec-Fetch-Site': 'same-site' }, 403],
  ])('POST /reset from %s is refused and changes nothing', async (_name, headers, status) => {
    const a = app();
    await request(a).delete(`${COLLECTION}/seeded`).set(AUTH);
    const res = await request(a).post('/_mockgraph/reset').set(headers).send('x=1');
    expect(res.status).toBe(status);
    expect(graphErrorProblems(res.body)).toEqual([]);
    expect((await request(a).get(COLLECTION).set(AUTH)).body.value).toEqual([]);
  });

  test('a same-origin page or a plain JSON client resets, and every reset is logged', async () => {
    const notices: string[] = [];
    const a = testApp({ seed: [docExampleBody()], logNotice: (m) => notices.push(m) });
    const sameOrigin = await request(a).post('/_mockgraph/reset').set(JSON_TYPE).set('Host', 'localhost:4000').set('Origin', 'http://localhost:4000').set('Sec-Fetch-Site', 'same-origin');
    expect([sameOrigin.status, sameOrigin.body]).toEqual([200, { profiles: 1 }]);
    expect((await request(a).post('/_mockgraph/reset').set(JSON_TYPE)).status).toBe(200);
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/^mockgraph: reset: every entity set put back to the seed \(1 entities\) by .+, request-id id-\d+$/);
  });
});

describe('admin API: --admin-token', () => {
  const app = () => testApp({ adminToken: ADMIN_TOKEN });

  test.each(['/profiles', '/requests'])('GET %s needs the token', async (path) => {
    const missing = await request(app()).get(`/_mockgraph${path}`);
    expect([missing.status, missing.body.error.code]).toEqual([401, 'InvalidAuthenticationToken']);
    expect(missing.body.error.message).not.toContain(ADMIN_TOKEN);
    expect((await request(app()).get(`/_mockgraph${path}`).set('Authorization', 'Bearer wrong-token-value')).status).toBe(401);
    // A Graph token is not an admin token.
    expect((await request(app()).get(`/_mockgraph${path}`).set(AUTH)).status).toBe(401);
    expect((await request(app()).get(`/_mockgraph${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
  });

  test('reset needs the token; health and the inspector files do not', async () => {
    expect((await request(app()).post('/_mockgraph/reset').set(JSON_TYPE)).status).toBe(401);
    expect((await request(app()).post('/_mockgraph/reset').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
    expect((await request(app()).get('/_mockgraph/health')).status).toBe(200);
    for (const path of ['/', '/inspector.js', '/inspector.css']) expect((await request(app()).get(`/_mockgraph${path}`)).status).toBe(200);
  });

  test('a locked admin API (a network address without a token) answers only /health', async () => {
    const a = testApp({ adminLocked: true });
    const res = await request(a).post('/_mockgraph/reset').set(JSON_TYPE);
    expect([res.status, res.body.error.code]).toEqual([403, 'Forbidden']);
    expect(res.body.error.message).toContain('--admin-token');
    expect((await request(a).get('/_mockgraph/profiles')).status).toBe(403);
    expect((await request(a).get('/_mockgraph/health')).status).toBe(200);
  });
});

describe('admin API: the inspector cannot be framed or run injected script', () => {
  test('its page carries a CSP without inline script, frame-ancestors none, and nosniff', async () => {
    const res = await request(testApp()).get('/_mockgraph/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.text).not.toMatch(/ on[a-z]+=/);
  });
});

describe('admin API: bounded listings', () => {
  const seeded = (n: number) => testApp({ seed: Array.from({ length: n }, (_, i) => ({ ...docExampleBody(), id: `p-${i}` })) });

  test('/profiles answers a page (default 50, at most 500) with the total and a revision', async () => {
    const a = seeded(120);
    const first = await request(a).get('/_mockgraph/profiles');
    expect(first.body).toMatchObject({ total: 120, offset: 0, limit: 50, revision: expect.any(Number) });
    expect(first.body.value).toHaveLength(50);
    const last = await request(a).get('/_mockgraph/profiles?limit=50&offset=100');
    expect(last.body.value.map((p: { id: string }) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => `p-${100 + i}`));
    for (const bad of ['limit=0', 'limit=501', 'offset=-1', 'limit=abc']) expect((await request(a).get(`/_mockgraph/profiles?${bad}`)).status).toBe(400);
  });

  test('health reports a revision that grows with every write, so the inspector refetches only on change', async () => {
    const a = seeded(1);
    const before = (await request(a).get('/_mockgraph/health')).body.revision as number;
    expect((await request(a).get('/_mockgraph/health')).body.revision).toBe(before);
    await request(a).post(COLLECTION).set(AUTH).send(docExampleBody());
    expect((await request(a).get('/_mockgraph/health')).body.revision).toBeGreaterThan(before);
  });
});

describe('Host header: DNS-rebinding defence', () => {
  test.each(['localhost:4000', '127.0.0.1:4000', '[::1]:4000', '10.1.2.3:4000', 'app.localhost:4000'])('Host %s is served', async (host) => {
    const res = await request(testApp({ publicOrigin: undefined })).post(COLLECTION).set(AUTH).set('Host', host).send(docExampleBody());
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`http://${host}${COLLECTION}/id-2`);
  });

  test('a rebound name is refused before any data is read, on Graph and admin routes alike', async () => {
    const a = testApp({ publicOrigin: undefined });
    for (const path of [COLLECTION, '/_mockgraph/profiles', '/_mockgraph/health']) {
      const res = await request(a).get(path).set(AUTH).set('Host', 'attacker.example:4000');
      expect([res.status, res.body.error.code]).toEqual([400, 'BadRequest']);
      expect(res.body.error.message).toContain('--allowed-hosts attacker.example');
      expect(res.headers.location).toBeUndefined();
    }
  });

  test('--allowed-hosts names extra hosts (exact, with a port, or *.domain); * turns the check off', async () => {
    const a = testApp({ publicOrigin: undefined, allowedHosts: ['sandbox.internal', '*.ci.example', 'pinned.example:8080'] });
    for (const host of ['sandbox.internal:4000', 'runner-7.ci.example', 'pinned.example:8080']) expect((await request(a).get(COLLECTION).set(AUTH).set('Host', host)).status).toBe(200);
    for (const host of ['sandbox.internal.evil.example', 'ci.example.evil', 'pinned.example:9090']) expect((await request(a).get(COLLECTION).set(AUTH).set('Host', host)).status).toBe(400);
    expect((await request(testApp({ allowedHosts: ['*'] })).get(COLLECTION).set(AUTH).set('Host', 'anything.example')).status).toBe(200);
  });

  test('the host of a configured public origin is served', async () => {
    expect((await request(testApp({ publicOrigin: 'https://mock.corp.example' })).get(COLLECTION).set(AUTH).set('Host', 'mock.corp.example')).status).toBe(200);
  });
});
