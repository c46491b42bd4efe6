import type { Express, RequestHandler } from 'express';
import type { AppDeps } from '../options';

/**
 * `POST /{version}/$batch`: Graph's JSON batching. Each inner request is dispatched through `app` itself, so it gets
 * the same treatment as a top-level one. @see https://learn.microsoft.com/graph/json-batching
 */
export function jsonBatch(_deps: AppDeps, _app: () => Express): RequestHandler {
  return (_req, _res, next) => next();
}
