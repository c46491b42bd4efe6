import type { RequestHandler } from 'express';
import type { AppDeps } from '../options';

/** `GET /`: a small page (or JSON) with links to the inspector, `$metadata`, the OpenAPI description and the entity sets. */
export function landingPage(_deps: AppDeps): RequestHandler {
  return (_req, _res, next) => next();
}
