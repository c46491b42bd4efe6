import { mintAccessToken } from '../graph/access-token';
import type { AccessTokenClaims } from '../graph/access-token';
import { lastValue as one, UsageError } from './flags';
import type { FlagValues } from './flags';

/** `mockgraph token`: a test access token with the given permissions; a negative --expires-in is already expired. */
export function testToken(values: FlagValues, env: Record<string, string | undefined>, nowMs: number): string {
  const rawExpiry = one(values, 'expires-in') ?? '3600';
  if (!/^-?\d{1,10}$/.test(rawExpiry.trim())) throw new UsageError(`--expires-in must be a whole number of seconds (negative for an expired token), got '${rawExpiry}'`);
  const now = Math.floor(nowMs / 1000);
  const claims: AccessTokenClaims = {
    aud: 'https://graph.microsoft.com',
    tid: one(values, 'tid') ?? '00000000-0000-0000-0000-000000000001',
    appid: one(values, 'appid') ?? '00000000-0000-0000-0000-0000000000a1',
    iat: now,
    exp: now + Number(rawExpiry),
  };
  const scp = one(values, 'scp');
  const roles = one(values, 'roles');
  if (scp !== undefined) claims.scp = scp;
  if (roles !== undefined) claims.roles = roles.split(/[ ,]+/).filter(Boolean);
  return mintAccessToken(claims, one(values, 'secret') ?? env.MOCKGRAPH_JWT_SECRET);
}
