import type { RequestHandler } from 'express';
import { readAccessToken } from '../graph/access-token';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { requestContext } from './context';
import { HEADER } from './headers';

const CHALLENGE = { [HEADER.wwwAuthenticate]: 'Bearer' };
/** HTTP authentication schemes that may be named in a message. @see https://www.iana.org/assignments/http-authschemes */
const KNOWN_SCHEMES = new Set(['basic', 'digest', 'negotiate', 'ntlm', 'hoba', 'mutual', 'vapid', 'scram-sha-1', 'scram-sha-256', 'pop', 'dpop', 'aws4-hmac-sha256']);

/** The bearer token of a request, or Graph's 401. @see https://learn.microsoft.com/graph/auth/ */
function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new GraphError('InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
  const [scheme = '', token = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== 'bearer') {
    // Only a registered scheme name is repeated: a bare token sent without "Bearer" must not be echoed.
    const named = KNOWN_SCHEMES.has(scheme.toLowerCase()) ? `, not '${scheme}'` : '';
    throw new GraphError('InvalidAuthenticationToken', `Access token validation failure: the Authorization header must use the Bearer scheme${named}.`, CHALLENGE);
  }
  if (token === '') throw new GraphError('InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
  return token;
}

/** Graph's first gate, per auth mode: `bearer` any non-empty token, `jwt` a decodable unexpired JWT, `off` nothing. */
export function requireBearerToken(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    if (deps.auth === 'off') return next();
    const token = bearerToken(req.get(HEADER.authorization));
    if (deps.auth === 'jwt') {
      try {
        requestContext(res).claims = readAccessToken(token, { secret: deps.jwtSecret, now: deps.now() });
      } catch (err) {
        // Every 401 carries the Bearer challenge. @see RFC 6750 §3
        throw err instanceof GraphError && err.status === 401 ? new GraphError(err.code, err.message, CHALLENGE) : err;
      }
    }
    next();
  };
}
