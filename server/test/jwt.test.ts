import request from 'supertest';
import { mintAccessToken, PERSONAL_ACCOUNT_TENANT } from '../src/graph/access-token';
import { AUTH, docExampleBody, FIXED_NOW, testApp } from './helpers';

const COLLECTION = '/beta/security/ipSecurityProfiles';
const NOW = Math.floor(FIXED_NOW.getTime() / 1000);
const token = (claims: object, secret?: string) => mintAccessToken({ tid: 'tenant', exp: NOW + 3600, ...claims }, secret);
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe('--auth jwt', () => {
  const app = () => testApp({ auth: 'jwt' });

  test('a token that is not a JWT is 401', async () => {
    const res = await request(app()).get(COLLECTION).set(AUTH);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('not a JWT');
  });

  test('an expired token is 401', async () => {
    const res = await request(app()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All', exp: NOW - 1 })));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Lifetime validation failed, the token is expired.');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  test('a read scope may read but not write; the 403 names the permission needed', async () => {
    const t = bearer(token({ scp: 'User.Read SecurityEvents.Read.All' }));
    expect((await request(app()).get(COLLECTION).set(t)).status).toBe(200);
    const res = await request(app()).post(COLLECTION).set(t).send(docExampleBody());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Forbidden');
    expect(res.body.error.message).toContain('SecurityEvents.ReadWrite.All');
  });

  test('no security permission at all is 403 even for reads', async () => {
    const res = await request(app()).get(COLLECTION).set(bearer(token({ scp: 'User.Read' })));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('SecurityEvents.Read.All, SecurityEvents.ReadWrite.All');
  });

  test('ReadWrite as a delegated scope or an application role may write', async () => {
    expect((await request(app()).post(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.ReadWrite.All' }))).send(docExampleBody())).status).toBe(201);
    expect((await request(app()).post(COLLECTION).set(bearer(token({ roles: ['SecurityEvents.ReadWrite.All'] }))).send(docExampleBody())).status).toBe(201);
  });

  test('a personal Microsoft account token is 403', async () => {
    const res = await request(app()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All', tid: PERSONAL_ACCOUNT_TENANT })));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('personal Microsoft accounts');
  });

  test('a personal-account tenant id in any case is 403', async () => {
    const res = await request(app()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All', tid: PERSONAL_ACCOUNT_TENANT.toUpperCase() })));
    expect(res.status).toBe(403);
  });

  test.each([
    ['no exp', { exp: undefined }, 'has no expiry'],
    ['a string exp', { exp: String(NOW + 3600) }, 'exp claim is not a number'],
    ['a string nbf', { nbf: '0' }, 'nbf claim is not a number'],
    ['an object exp', { exp: { value: NOW + 3600 } }, 'exp claim is not a number'],
  ])('a token with %s is 401', async (_name, claims, message) => {
    const res = await request(app()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All', ...claims })));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain(message);
  });

  describe('with a shared secret', () => {
    test('a signature in a non-canonical base64url form is 401 (padding, standard alphabet, trailing bits)', async () => {
      const good = token({ scp: 'SecurityEvents.Read.All' }, 'shh');
      const [h, p, sig = ''] = good.split('.');
      const last = sig.slice(-1);
      const sibling = 'AEIMQUYcgkosw048'.includes(last) ? 'AEIMQUYcgkosw048'['AEIMQUYcgkosw048'.indexOf(last) ^ 1] : last;
      const variants = [`${sig}=`, Buffer.from(sig, 'base64url').toString('base64'), `${sig.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}`, `${sig.slice(0, -1)}${sibling ?? last}`]
        .filter((v) => v !== sig && Buffer.from(v, 'base64url').equals(Buffer.from(sig, 'base64url')));
      expect(variants.length).toBeGreaterThan(0);
      for (const v of variants) expect((await request(testApp({ auth: 'jwt', jwtSecret: 'shh' })).get(COLLECTION).set(bearer(`${h}.${p}.${v}`))).status).toBe(401);
    });

    const signed = () => testApp({ auth: 'jwt', jwtSecret: 'shh' });

    test('an HS256 token signed with the secret passes', async () => {
      expect((await request(signed()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All' }, 'shh')))).status).toBe(200);
    });

    test('a wrong signature is 401', async () => {
      const res = await request(signed()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All' }, 'other')));
      expect(res.status).toBe(401);
      expect(res.body.error.message).toContain('signature is invalid');
    });

    test('alg: none is refused', async () => {
      const res = await request(signed()).get(COLLECTION).set(bearer(token({ scp: 'SecurityEvents.Read.All' })));
      expect(res.status).toBe(401);
      expect(res.body.error.message).toContain("algorithm 'none' is not accepted");
    });

    test('a tampered payload is 401', async () => {
      const [h, , s] = token({ scp: 'SecurityEvents.Read.All' }, 'shh').split('.');
      const forged = Buffer.from(JSON.stringify({ scp: 'SecurityEvents.ReadWrite.All', exp: NOW + 60 })).toString('base64url');
      expect((await request(signed()).post(COLLECTION).set(bearer(`${h}.${forged}.${s}`)).send(docExampleBody())).status).toBe(401);
    });
  });
});

describe('--auth off', () => {
  test('no Authorization header is needed', async () => {
    expect((await request(testApp({ auth: 'off' })).get(COLLECTION)).status).toBe(200);
  });
});
