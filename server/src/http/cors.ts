import cors from 'cors';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../options';
import { HEADER } from './headers';

/** Request headers a browser client of Graph sends. */
const ALLOWED_HEADERS = [HEADER.authorization, HEADER.contentType, HEADER.clientRequestId, HEADER.prefer, HEADER.consistencyLevel, HEADER.ifMatch, HEADER.accept];
/** Response headers a browser client may read. */
const EXPOSED_HEADERS = [HEADER.requestId, HEADER.clientRequestId, HEADER.location, HEADER.preferenceApplied, HEADER.odataEntityId, HEADER.retryAfter, HEADER.wwwAuthenticate];

/** CORS, preflight included, for any origin or the configured list. @see https://fetch.spec.whatwg.org/#http-cors-protocol */
export function graphCors(deps: AppDeps): RequestHandler {
  const handle = cors({
    origin: deps.corsOrigins ? [...deps.corsOrigins] : true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // Only browsers send Origin; other clients skip the CORS work entirely.
  return (req, res, next) => (req.headers.origin === undefined ? next() : handle(req, res, next));
}
