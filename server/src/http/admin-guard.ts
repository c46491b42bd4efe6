import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { HEADER } from './headers';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The Bearer value of an Authorization header, or undefined. */
function bearerValue(header: string | undefined): string | undefined {
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Admin routes other than /health: refused when the admin API is locked (a network address without a token),
 * and with `--admin-token` only `Authorization: Bearer <token>` passes (compared in constant time).
 */
export function requireAdminAccess(deps: AppDeps): RequestHandler {
  const expected = deps.adminToken === undefined ? undefined : digest(deps.adminToken);
  return (req, _res, next) => {
    if (deps.adminLocked) {
      throw new GraphError('Forbidden', 'The admin API is locked: this server listens on a network address without an admin token. Start it with --admin-token TOKEN (or MOCKGRAPH_ADMIN_TOKEN) and send Authorization: Bearer TOKEN.');
    }
    if (!expected) return next();
    const given = bearerValue(req.get(HEADER.authorization));
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      throw new GraphError('InvalidAuthenticationToken', 'The admin API needs Authorization: Bearer with the admin token this server was started with (--admin-token).', { [HEADER.wwwAuthenticate]: 'Bearer realm="mockgraph-admin"' });
    }
    next();
  };
}

/** The server's own origin as a browser would name it (scheme and Host). */
function ownOrigin(secure: boolean, host: string | undefined): string {
  return `${secure ? 'https' : 'http'}://${(host ?? '').toLowerCase()}`;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * State-changing admin routes accept only same-origin or non-browser requests: a cross-site `Origin` or
 * `Sec-Fetch-Site` is refused, and the request must be one a form or a `no-cors` fetch cannot send (a JSON
 * body type or an Authorization header), so that no web page can reset the sandbox.
 * @see https://owasp.org/www-community/attacks/csrf
 */
export function refuseCrossSite(): RequestHandler {
  return (req, _res, next) => {
    const site = req.get(HEADER.secFetchSite);
    const origin = req.get(HEADER.origin);
    const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    if ((site !== undefined && site !== 'same-origin' && site !== 'none') || (origin !== undefined && origin.toLowerCase() !== ownOrigin(secure, req.headers.host))) {
      throw new GraphError('Forbidden', 'Cross-site requests cannot change the sandbox: this admin route answers only pages of its own origin and non-browser clients.');
    }
    if (!JSON_TYPE.test(req.get(HEADER.contentType) ?? '') && req.get(HEADER.authorization) === undefined) {
      throw new GraphError('BadRequest', "State-changing admin routes need 'Content-Type: application/json' (or an Authorization header), so that a plain form cannot trigger them; for example: curl -X POST -H 'Content-Type: application/json' …/_mockgraph/reset");
    }
    next();
  };
}

/** Headers of every admin response: no framing, no sniffing, no caching, no referrer. */
export const ADMIN_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  [HEADER.contentTypeOptions]: 'nosniff',
  [HEADER.frameOptions]: 'DENY',
  [HEADER.referrerPolicy]: 'no-referrer',
  [HEADER.cacheControl]: 'no-store',
};

/** The inspector's policy: its own script and style files only, no inline script, never framed. */
export const INSPECTOR_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
