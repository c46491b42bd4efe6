import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { HEADER } from '../odata/header-names';
import { requestContext } from './context';

// The names live outside http/ so that describe/ (OpenAPI) can state them too.
export { GRAPH_JSON_CONTENT_TYPE, HEADER, PLAIN_TEXT_CONTENT_TYPE } from '../odata/header-names';

/** Gives every response a fresh `request-id`, echoes or creates `client-request-id`, and states `OData-Version`. */
export function assignRequestIds(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const sent = req.get(HEADER.clientRequestId);
    const ctx = requestContext(res);
    ctx.requestId = deps.newId();
    ctx.clientRequestId = sent !== undefined && sent.trim() !== '' ? sent.trim().slice(0, 200) : ctx.requestId;
    res.setHeader(HEADER.requestId, ctx.requestId);
    res.setHeader(HEADER.clientRequestId, ctx.clientRequestId);
    res.setHeader(HEADER.odataVersion, '4.0');
    next();
  };
}

/** 414 for a URL longer than the limit, before anything else reads it. */
export function limitUrlLength(max: number): RequestHandler {
  return (req, _res, next) => {
    if (req.originalUrl.length > max) throw new GraphError('RequestUriTooLong', `The request URL is ${req.originalUrl.length} characters long; the limit is ${max}.`);
    next();
  };
}
