import type { Request, RequestHandler, Response } from 'express';
import { assertPermission } from '../graph/access-token';
import { GraphError } from '../graph/errors';
import type { ServiceRoot } from '../odata/annotations';
import { admitsPlainText, negotiateMetadata } from '../odata/format';
import { parsePrefer } from '../odata/prefer';
import { readQueryOptions } from '../odata/query/parse';
import type { QueryOptionName } from '../odata/query/parse';
import type { ResourcePath, ResourceTarget } from '../odata/resource-path';
import { parseResourcePath } from '../odata/resource-path';
import type { AppDeps } from '../options';
import { allowEmptyBody } from './body';
import { requestContext } from './context';
import type { Handler } from './handlers';
import * as h from './handlers';
import { HEADER } from './headers';
import { send } from './respond';

type RouteTable = { [K in ResourceTarget['kind']]: Partial<Record<string, Handler<Extract<ResourceTarget, { kind: K }>>>> };

/** Which handler answers which method on which kind of resource. */
const ROUTES: RouteTable = {
  collection: { GET: h.listHandler, POST: h.createHandler },
  entity: { GET: h.readHandler, PATCH: h.updateHandler, DELETE: h.deleteHandler },
  count: { GET: h.countHandler },
  'collection-ref': { GET: h.listReferencesHandler, POST: h.addReferenceHandler },
  'entity-ref': { GET: h.readReferenceHandler, DELETE: h.deleteHandler },
  operation: { GET: h.operationHandler, POST: h.operationHandler },
};

/**
 * The methods a resource answers: those its entity set's API pages document (collection: GET/POST, one
 * entity: GET/PATCH/DELETE; `$count` and `$ref` follow them), and an operation's own method.
 */
export function allowedMethods(target: ResourceTarget): string[] {
  let allowed = ALLOWED.get(target);
  if (allowed === undefined) ALLOWED.set(target, (allowed = Object.freeze(methodsOf(target)) as string[]));
  return allowed;
}

/** The allowed methods of each resolved target (matchGraphRoute keeps resolved paths, so targets repeat). */
const ALLOWED = new WeakMap<ResourceTarget, string[]>();

function methodsOf(target: ResourceTarget): string[] {
  const { collection, entity } = target.set.methods;
  const has = (list: readonly string[], m: string) => list.includes(m);
  switch (target.kind) {
    case 'collection':
    case 'collection-ref':
      // A type-cast collection (`/{set}/microsoft.graph.x`) is for reading: entities are created in the set itself.
      return ['GET', 'POST'].filter((m) => has(collection, m) && (m === 'GET' || !('cast' in target && target.cast !== undefined)));
    case 'count':
      return has(collection, 'GET') ? ['GET'] : [];
    case 'entity':
      return ['GET', 'PATCH', 'DELETE'].filter((m) => has(entity, m));
    case 'entity-ref':
      return ['GET', 'DELETE'].filter((m) => has(entity, m));
    case 'operation':
      return [target.operation.method];
  }
}

interface MatchedRoute {
  path: ResourcePath;
  handler: Handler;
}

const routeOf = (res: Response) => res.locals as { route?: MatchedRoute };

/**
 * Resolves the URL to a resource and a handler before any body is read: 405 names the allowed methods,
 * and in `jwt` mode the token must carry a permission for the operation.
 */
export function matchGraphRoute(deps: AppDeps): RequestHandler {
  // Clients repeat the same few paths: resolved paths are remembered (bounded; failures are not kept).
  const resolved = new Map<string, ResourcePath>();
  return (req, res, next) => {
    let path = resolved.get(req.path);
    if (!path) {
      path = parseResourcePath(req.path, deps.graph.model);
      if (resolved.size >= 2000) resolved.clear();
      resolved.set(req.path, path);
    }
    const methods = ROUTES[path.target.kind] as Partial<Record<string, Handler>>;
    const allowed = allowedMethods(path.target);
    // HEAD is GET without the body (Node's server drops it). @see RFC 9110 §9.3.2
    const method = req.method === 'HEAD' && allowed.includes('GET') ? 'GET' : req.method;
    const handler = allowed.includes(method) ? methods[method] : undefined;
    if (!handler) {
      const allow = allowed.join(', ');
      throw new GraphError('MethodNotAllowed', `The HTTP method '${req.method}' is not allowed on this resource; allowed: ${allow || 'none'}.`, { [HEADER.allow]: allow });
    }
    const claims = requestContext(res).claims;
    if (claims) {
      const write = method !== 'GET';
      const { permissions } = path.target.set;
      const needed = path.target.kind === 'operation' && path.target.operation.permissions.length > 0 ? path.target.operation.permissions : write ? permissions.write : permissions.read;
      assertPermission(claims, needed, `${req.method} ${path.target.set.path}`);
    }
    if (path.target.kind === 'operation') allowEmptyBody(res);
    routeOf(res).route = { path, handler };
    next();
  };
}

function serviceRoot(deps: AppDeps, req: Request, path: ResourcePath): ServiceRoot {
  // No proxy is trusted, so the scheme is the socket's own (Express's req.protocol would do the same, slower).
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return { origin: deps.publicOrigin ?? `${scheme}://${req.headers.host ?? 'localhost'}`, version: path.version };
}

/** 406 unless the client accepts JSON (for `/$count`, or plain text); remembers the metadata level it asked for. */
function metadataLevel(req: Request, target: ResourceTarget) {
  const accept = req.headers.accept;
  const level = negotiateMetadata(accept);
  // `/$count` answers text/plain, so asking for exactly that is fine. @see OData URL Conventions §4.8
  if (!level && target.kind === 'count' && admitsPlainText(accept)) return 'minimal';
  if (!level) throw new GraphError('NotAcceptable', `This service answers application/json; the Accept header '${accept ?? ''}' admits no JSON response.`);
  return level;
}

const NO_OPTIONS: ReadonlyMap<QueryOptionName, string> = new Map();

/** The system query options of the URL's query string (most requests have none). */
function queryOptions(url: string): ReadonlyMap<QueryOptionName, string> {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return NO_OPTIONS;
  return readQueryOptions([...new URLSearchParams(url.slice(at + 1))]);
}

/** Resources whose GET evaluates a query over the collection, and may take long enough to watch the client. */
const EVALUATING: ReadonlySet<ResourceTarget['kind']> = new Set(['collection', 'count', 'collection-ref']);
/** The signal of requests that evaluate nothing: never aborted (an AbortController costs about 2 µs). */
const NEVER_ABORTED = new AbortController().signal;

/** A signal that aborts when the connection closes before the response has been written. */
function clientGoneSignal(req: Request, res: Response, target: ResourceTarget): AbortSignal {
  if (req.method !== 'GET' || !EVALUATING.has(target.kind)) return NEVER_ABORTED;
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}

/**
 * Runs the matched handler with typed input and writes its response. A handler whose query yields to the
 * event loop answers a promise; Express 5 passes its rejection to the error handler.
 */
export function runGraphRoute(deps: AppDeps): RequestHandler {
  return (req: Request, res: Response) => {
    const route = routeOf(res).route;
    if (!route) throw new Error('runGraphRoute without matchGraphRoute');
    const out = route.handler({
      deps,
      root: serviceRoot(deps, req, route.path),
      target: route.path.target,
      body: req.body as unknown,
      metadata: metadataLevel(req, route.path.target),
      prefer: parsePrefer(req.get(HEADER.prefer)),
      options: queryOptions(req.originalUrl),
      signal: clientGoneSignal(req, res, route.path.target),
    });
    if (out instanceof Promise) return out.then((response) => send(res, response));
    send(res, out);
  };
}
