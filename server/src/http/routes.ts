import type { Request, RequestHandler, Response } from 'express';
import { createEntity, listEntities, readEntity } from '../graph/entity-operations';
import { GraphError } from '../graph/errors';
import type { StructuredTypeModel } from '../graph/model';
import { annotateEntity, collectionContextUrl, entityContextUrl, entityUrl } from '../odata/annotations';
import type { ServiceRoot } from '../odata/annotations';
import type { ResourcePath, ResourceTarget } from '../odata/resource-path';
import { parseResourcePath } from '../odata/resource-path';
import type { AppDeps } from '../options';
import { HEADER } from './headers';
import type { GraphResponse } from './respond';
import { send } from './respond';

/** The typed input a handler works from: converted from `req` once, at the edge. */
export interface HandlerInput {
  deps: AppDeps;
  root: ServiceRoot;
  target: ResourceTarget;
  body: unknown;
}

type Handler = (input: HandlerInput) => GraphResponse;
type RouteTable = Record<ResourceTarget['kind'], Partial<Record<string, Handler>>>;

function typeOf(input: HandlerInput): StructuredTypeModel {
  const type = input.deps.graph.model.resolveType(input.target.set.entityType);
  if (!type) throw new Error(`unknown entity type ${input.target.set.entityType}`);
  return type;
}

function keyOf(target: ResourceTarget): string {
  if (!('key' in target)) throw new Error(`target ${target.kind} has no key`);
  return target.key;
}

const ROUTES: RouteTable = {
  collection: {
    GET: (input) => {
      const type = typeOf(input);
      const { set } = input.target;
      const value = listEntities(input.deps, set).map((e) => annotateEntity(e, type, input.deps.graph.model));
      return { status: 200, json: { '@odata.context': collectionContextUrl(input.root, set), value } };
    },
    POST: (input) => {
      const { set } = input.target;
      const entity = createEntity(input.deps, set, input.body);
      return {
        status: 201,
        headers: { [HEADER.location]: entityUrl(input.root, set, entity.id) },
        json: annotateEntity(entity, typeOf(input), input.deps.graph.model, entityContextUrl(input.root, set)),
      };
    },
  },
  entity: {
    GET: (input) => {
      const entity = readEntity(input.deps, input.target.set, keyOf(input.target));
      return { status: 200, json: annotateEntity(entity, typeOf(input), input.deps.graph.model, entityContextUrl(input.root, input.target.set)) };
    },
  },
  count: {},
  'collection-ref': {},
  'entity-ref': {},
};

interface MatchedRoute {
  path: ResourcePath;
  handler: Handler;
}

/** Resolves the URL to a resource and a handler before any body is read; 405 names the allowed methods. */
export function matchGraphRoute(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const path = parseResourcePath(req.path, deps.graph.model);
    const methods = ROUTES[path.target.kind];
    const handler = methods[req.method];
    if (!handler) {
      const allow = Object.keys(methods).join(', ');
      throw new GraphError('MethodNotAllowed', `The HTTP method '${req.method}' is not allowed on this resource; allowed: ${allow || 'none'}.`, { Allow: allow });
    }
    (res.locals as { route?: MatchedRoute }).route = { path, handler };
    next();
  };
}

function serviceRoot(deps: AppDeps, req: Request, path: ResourcePath): ServiceRoot {
  return { origin: deps.publicOrigin ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`, version: path.version };
}

/** Runs the matched handler with typed input and writes its response. */
export function runGraphRoute(deps: AppDeps): RequestHandler {
  return (req: Request, res: Response) => {
    const route = (res.locals as { route?: MatchedRoute }).route;
    if (!route) throw new Error('runGraphRoute without matchGraphRoute');
    send(res, route.handler({ deps, root: serviceRoot(deps, req, route.path), target: route.path.target, body: req.body as unknown }));
  };
}
