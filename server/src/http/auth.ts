import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import { HEADER } from './headers';

const CHALLENGE = { [HEADER.wwwAuthenticate]: 'Bearer' };

/** Graph's first gate: a non-empty Bearer token. @see https://learn.microsoft.com/graph/auth/ */
export function requireBearerToken(): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('Authorization');
    if (header === undefined || header.trim() === '') {
      throw new GraphError('InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
    }
    const [scheme = '', token = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'bearer') {
      throw new GraphError('InvalidAuthenticationToken', `Access token validation failure: the Authorization header must use the Bearer scheme, not '${scheme}'.`, CHALLENGE);
    }
    if (token === '') throw new GraphError('InvalidAuthenticationToken', 'Access token is empty.', CHALLENGE);
    next();
  };
}
