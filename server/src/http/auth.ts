import type { RequestHandler } from 'express';
import { readAccessToken } from '../graph/access-token';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { requestContext } from './context';
import { HEADER } from './headers';

const CHALLENGE = { [HEADER.wwwAuthenticate]: 'Bearer' };

/** The bearer token of a request, or Graph's 401. @see https://learn.microsoft.com/graph/auth/ */
function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new GraphError('InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
  const [scheme = '', token = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() !== 'bearer') {
    throw new GraphError('InvalidAuthenticationToken', `Access token validation failure: the Authorization header must use the Bearer scheme, not '${scheme}'.`, CHALLENGE);
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
