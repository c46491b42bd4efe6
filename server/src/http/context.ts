import type { Response } from 'express';
import type { AccessTokenClaims } from '../graph/access-token';

/** What one request carries through the middleware chain, kept in `res.locals` (never on `req`). */
export interface RequestContext {
  requestId: string;
  clientRequestId: string;
  /** The decoded token, in `jwt` auth mode. */
  claims?: AccessTokenClaims;
}

/** The request's context; set by `assignRequestIds` before anything else runs. */
export function requestContext(res: Response): RequestContext {
  return res.locals as RequestContext;
}
