import { readAccessToken } from '../graph/access-token';
import { testToken } from './token-command';

const NOW = Date.UTC(2026, 0, 1);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('mockgraph token', () => {
  test('an hour by default; --expires-in in seconds, negative for a token that has already expired', () => {
    expect(claimsOf(testToken({}, {}, NOW))).toMatchObject({ iat: NOW / 1000, exp: NOW / 1000 + 3600 });
    const expired = testToken({ 'expires-in': '-10', secret: 's3cret' }, {}, NOW);
    expect(claimsOf(expired).exp).toBe(NOW / 1000 - 10);
    expect(() => readAccessToken(expired, { secret: 's3cret', now: new Date(NOW) })).toThrow('the token is expired');
  });

  test('permissions and the secret: flags first, then MOCKGRAPH_JWT_SECRET', () => {
    const token = testToken({ scp: 'A.Read B.Write', roles: 'C.All, D.All' }, { MOCKGRAPH_JWT_SECRET: 'env-secret' }, NOW);
    expect(claimsOf(token)).toMatchObject({ scp: 'A.Read B.Write', roles: ['C.All', 'D.All'] });
    expect(() => readAccessToken(token, { secret: 'env-secret', now: new Date(NOW) })).not.toThrow();
  });

  test.each(['soon', '1.5', ''])('--expires-in %j is refused, naming the flag', (value) => {
    expect(() => testToken({ 'expires-in': value }, {}, NOW)).toThrow(`--expires-in must be a whole number of seconds (negative for an expired token), got '${value}'`);
  });
});
