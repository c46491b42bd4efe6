import cors from 'cors';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../options';
import { HEADER } from './headers';

/** Request headers a browser client of Graph sends. */
const ALLOWED_HEADERS = [HEADER.authorization, HEADER.contentType, HEADER.clientRequestId, HEADER.prefer, HEADER.consistencyLevel, HEADER.ifMatch, HEADER.accept];
/** Response headers a browser client may read. */
const EXPOSED_HEADERS = [HEADER.requestId, HEADER.clientRequestId, HEADER.location, HEADER.preferenceApplied, HEADER.odataEntityId, HEADER.retryAfter, HEADER.wwwAuthenticate];

/** Origins of pages served from this machine: every local frontend dev server, any port. */
export const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

/** What the `cors` package is told: loopback by default, the configured list, or any origin for `*`. */
function allowedOrigins(configured: readonly string[] | undefined): boolean | Array<string | RegExp> {
  if (!configured) return [LOOPBACK_ORIGIN];
  if (configured.includes('*')) return true;
  return [...configured];
}

/**
 * CORS, preflight included: by default for pages on loopback origins only, so a web page elsewhere cannot
 * read or change the sandbox; `--cors-origin` names others, `'*'` opens it to any. @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
export function graphCors(deps: AppDeps): RequestHandler {
  const handle = cors({
    origin: allowedOrigins(deps.corsOrigins),
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // Only browsers send Origin; other clients skip the CORS work entirely.
  return (req, res, next) => (req.headers.origin === undefined ? next() : handle(req, res, next));
}
