import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { csdlDocument } from '../describe/csdl';
import { openApiDocument } from '../describe/openapi';
import { GraphError } from '../graph/errors';
import type { GraphDefinition } from '../graph/registry';
import { SERVICE_VERSIONS } from '../odata/resource-path';
import type { AppDeps } from '../options';
import { ADMIN_ROOT } from './admin';
import { GRAPH_JSON_CONTENT_TYPE, HEADER } from './headers';

/** Where the OpenAPI description is served. */
export const OPENAPI_PATH = `${ADMIN_ROOT}/openapi.json`;
/** The CSDL's media type (the XML declares its encoding, UTF-8). */
export const CSDL_CONTENT_TYPE = 'application/xml';
/** The OpenAPI description's media type. */
export const OPENAPI_CONTENT_TYPE = 'application/json;charset=utf-8';
/** Caches may keep a description but must revalidate it: a restart with other schemas changes it. */
export const DESCRIPTION_CACHE_CONTROL = 'no-cache';
/** How many origins (Host headers) the OpenAPI description is kept for at once; their URLs differ. */
const MAX_CACHED_ORIGINS = 16;

/** A generated document with its strong validator. */
interface ServedDocument {
  body: string;
  contentType: string;
  etag: string;
}

function served(body: string, contentType: string): ServedDocument {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
}

/** If-None-Match compares weakly: `W/"x"` matches `"x"`, and `*` matches any. @see RFC 9110 §13.1.2 */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function write(req: Request, res: Response, doc: ServedDocument): void {
  res.setHeader(HEADER.etag, doc.etag);
  res.setHeader(HEADER.cacheControl, DESCRIPTION_CACHE_CONTROL);
  if (matches(req.get(HEADER.ifNoneMatch), doc.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader(HEADER.contentType, doc.contentType);
  res.setHeader(HEADER.contentLength, Buffer.byteLength(doc.body));
  // HEAD: the same headers, no body (Node's server drops it). @see RFC 9110 §9.3.2
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

/** The version root a `$metadata` path names (`/beta/$metadata`, any case), or undefined. */
function metadataVersion(path: string): string | undefined {
  const m = /^\/([^/]+)\/\$metadata\/?$/i.exec(path);
  return m ? SERVICE_VERSIONS.find((v) => v.toLowerCase() === m[1]?.toLowerCase()) : undefined;
}

/** The origin links in the description point at: the fixed public origin, else the request's own. */
function originOf(deps: AppDeps, req: Request): string {
  // As the Graph routes build links: no proxy is trusted, so the scheme is the socket's own.
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return deps.publicOrigin ?? `${scheme}://${req.headers.host ?? 'localhost'}`;
}

/** The CSDL of each version root, made once per Graph definition (immutable, and shared by every app built on it). */
const csdlCache = new WeakMap<GraphDefinition, ReadonlyMap<string, ServedDocument>>();

function metadataDocuments(graph: GraphDefinition): ReadonlyMap<string, ServedDocument> {
  let docs = csdlCache.get(graph);
  if (!docs) {
    docs = new Map(SERVICE_VERSIONS.map((v) => [v, served(csdlDocument(graph, v), CSDL_CONTENT_TYPE)]));
    csdlCache.set(graph, docs);
  }
  return docs;
}

/**
 * `GET|HEAD /{version}/$metadata` (CSDL XML, whatever the Accept: there is no JSON CSDL) and `/_mockgraph/openapi.json`,
 * without a token as Graph's $metadata; made once (the OpenAPI per origin), with a strong ETag: If-None-Match gives 304.
 */
export function serviceDocuments(deps: AppDeps): RequestHandler {
  const metadata = metadataDocuments(deps.graph);
  const openapi = new Map<string, ServedDocument>();
  const openapiFor = (origin: string) => {
    let doc = openapi.get(origin);
    if (!doc) {
      const description = openApiDocument(deps.graph, { origin, validation: deps.validation, seed: deps.seed, jsonMediaType: GRAPH_JSON_CONTENT_TYPE });
      doc = served(JSON.stringify(description, null, 2) + '\n', OPENAPI_CONTENT_TYPE);
      if (openapi.size >= MAX_CACHED_ORIGINS) openapi.clear();
      openapi.set(origin, doc);
    }
    return doc;
  };
  return (req, res, next) => {
    const version = metadataVersion(req.path);
    const isOpenApi = req.path.toLowerCase() === OPENAPI_PATH.toLowerCase();
    if (version === undefined && !isOpenApi) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new GraphError('MethodNotAllowed', `The HTTP method '${req.method}' is not allowed on this resource; allowed: GET, HEAD.`, { [HEADER.allow]: 'GET, HEAD' });
    }
    const doc = version === undefined ? openapiFor(originOf(deps, req)) : metadata.get(version);
    if (!doc) return next();
    write(req, res, doc);
  };
}
