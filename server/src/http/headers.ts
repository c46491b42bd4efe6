import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { requestContext } from './context';

/** Graph's JSON media type, as it answers it. */
export const GRAPH_JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** The header names mockgraph reads or writes, spelled as Graph spells them. */
export const HEADER = {
  requestId: 'request-id',
  clientRequestId: 'client-request-id',
  odataVersion: 'OData-Version',
  authorization: 'Authorization',
  contentType: 'Content-Type',
  contentLength: 'Content-Length',
  accept: 'Accept',
  allow: 'Allow',
  retryAfter: 'Retry-After',
  consistencyLevel: 'ConsistencyLevel',
  ifMatch: 'If-Match',
  location: 'Location',
  preferenceApplied: 'Preference-Applied',
  odataEntityId: 'OData-EntityId',
  prefer: 'Prefer',
  wwwAuthenticate: 'WWW-Authenticate',
  host: 'Host',
  origin: 'Origin',
  secFetchSite: 'Sec-Fetch-Site',
  contentSecurityPolicy: 'Content-Security-Policy',
  contentTypeOptions: 'X-Content-Type-Options',
  frameOptions: 'X-Frame-Options',
  referrerPolicy: 'Referrer-Policy',
  cacheControl: 'Cache-Control',
  etag: 'ETag',
  ifNoneMatch: 'If-None-Match',
  transferEncoding: 'Transfer-Encoding',
  contentEncoding: 'Content-Encoding',
  connection: 'Connection',
  keepAlive: 'Keep-Alive',
  upgrade: 'Upgrade',
  expect: 'Expect',
  te: 'TE',
  trailer: 'Trailer',
  vary: 'Vary',
  acceptEncoding: 'Accept-Encoding',
  acceptLanguage: 'Accept-Language',
  userAgent: 'User-Agent',
  sdkVersion: 'SdkVersion',
  referer: 'Referer',
  secFetchMode: 'Sec-Fetch-Mode',
  secFetchDest: 'Sec-Fetch-Dest',
  cookie: 'Cookie',
  setCookie: 'Set-Cookie',
  proxyAuthorization: 'Proxy-Authorization',
} as const;

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
