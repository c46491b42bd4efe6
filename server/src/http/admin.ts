import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Request, Router } from 'express';
import { usingStore } from '../graph/entity-operations';
import { GraphError } from '../graph/errors';
import { applySeeds } from '../graph/seed';
import type { AppDeps } from '../options';
import { packageRoot } from '../package-root';
import type { Entity } from '../store/store';
import { countsBySet, createInSet, deleteInSet, entitySetParam, pageOfSet } from './admin-entities';
import { ADMIN_SECURITY_HEADERS, INSPECTOR_CSP, refuseCrossSite, requireAdminAccess } from './admin-guard';
import { parseJsonBody, requireJsonBody } from './body';
import { HEADER } from './headers';
import type { RequestLog, RequestLogRecord } from './request-log';
import { send } from './respond';

/** Where the admin API lives: outside every Graph version root. */
export const ADMIN_ROOT = '/_mockgraph';
/** The largest page of `/_mockgraph/entities` and `/_mockgraph/profiles`. */
export const MAX_ADMIN_PAGE = 500;

/** The inspector's files, read once: name → [content type, text]. */
function inspectorFiles(): Map<string, [string, string]> {
  const dir = join(packageRoot(), 'server', 'static');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return new Map([
    ['/', ['text/html; charset=utf-8', read('inspector.html')]],
    ['/inspector.js', ['text/javascript; charset=utf-8', read('inspector.js')]],
    ['/inspector.css', ['text/css; charset=utf-8', read('inspector.css')]],
    // Its own icon, so that the browser's /favicon.ico request does not land in the Graph request log.
    ['/favicon.svg', ['image/svg+xml', read('favicon.svg')]],
  ]);
}

/** Seeds every empty collection with its own seed (at start-up: a data file that holds entities keeps them). */
export function seedEmptyCollections(deps: AppDeps): Promise<number> {
  return applySeeds(deps.store, deps.seed);
}

/** Puts every collection back to its own seed in one atomic step and forgets every paging snapshot. */
export async function resetToSeed(deps: AppDeps): Promise<number> {
  const contents = new Map<string, readonly Entity[]>(deps.graph.model.entitySets.map((set) => [set.path, deps.seed.get(set.path) ?? []]));
  await usingStore(() => deps.store.reset(contents));
  deps.cursors.clear();
  return [...contents.values()].reduce((n, entities) => n + entities.length, 0);
}

/** A non-negative integer query parameter with a default and a ceiling, or a Graph 400. */
function intParam(req: Request, name: string, fallback: number, min: number, max: number): number {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new GraphError('BadRequest', `${name} must be an integer from ${min} to ${max}, got '${String(raw).slice(0, 50)}'.`);
  return n;
}

/** One page of stored entities across the entity sets, in store order, without copying the rest. */
async function pageOfEntities(deps: AppDeps, offset: number, limit: number): Promise<{ value: Entity[]; total: number }> {
  const value: Entity[] = [];
  let total = 0;
  for (const set of deps.graph.model.entitySets) {
    const collection = deps.store.collection(set.path);
    const count = await collection.count();
    if (value.length < limit && offset < total + count) {
      let index = total;
      for await (const e of collection.values()) {
        if (index++ < offset) continue;
        if (value.length >= limit) break;
        value.push(e);
      }
    }
    total += count;
  }
  return { value, total };
}

/** What health reports of the store's content: entities in all, by set, and the revision. */
async function storeFigures(deps: AppDeps): Promise<{ profiles: number; entitySets: Record<string, number>; revision: number }> {
  const entitySets = await countsBySet(deps);
  const profiles = Object.values(entitySets).reduce((n, c) => n + c, 0);
  return { profiles, entitySets, revision: await deps.store.revision() };
}

/** One logged request with its headers and bodies, or the admin API's 404 saying which ids the log still keeps. */
function loggedRequest(log: RequestLog, id: string): RequestLogRecord {
  const record = /^[1-9]\d{0,15}$/.test(id) ? log.get(Number(id)) : undefined;
  if (record) return record;
  const total = log.total();
  const kept = total === 0 ? 'it is empty' : `it keeps requests ${Math.max(1, total - log.capacity + 1)} to ${total}`;
  throw new GraphError('ResourceNotFound', `No logged request '${id.slice(0, 50)}': ${kept}.`);
}

/**
 * `/_mockgraph`: health (always open, for container health checks) and the inspector's static files; behind
 * the admin guard, reset, recent requests (one with its headers and bodies), stored entities set by set (and all of them, as `/profiles`), and
 * creating entities in any set.
 */
export function adminRouter(deps: AppDeps, log: RequestLog): Router {
  const router = express.Router();
  const started = Date.now();
  const files = inspectorFiles();

  router.use((_req, res, next) => {
    for (const [name, value] of Object.entries(ADMIN_SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  });
  router.get('/health', async (_req, res) => {
    // The figures come from the store, and reading them is also what finds a database that went away: health is
    // read after them. A store that cannot answer them still gets an answer here.
    const figures = deps.store.health().ready ? await storeFigures(deps).catch(() => undefined) : undefined;
    const health = deps.store.health();
    send(res, {
      status: health.ready ? 200 : 503,
      headers: health.ready ? {} : { [HEADER.retryAfter]: String(health.retryAfterSeconds ?? 30) },
      json: {
        status: health.ready ? 'ok' : 'unavailable',
        live: true,
        ready: health.ready,
        ...(health.reason === undefined ? {} : { reason: health.reason }),
        store: deps.storeDescription,
        ...figures,
        requests: log.total(),
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      },
    });
  });
  // The inspector's files hold no data: they load without the token and ask for it when the API wants it.
  for (const [path, [type, text]] of files) {
    router.get(path, (_req, res) => {
      if (path === '/') res.setHeader(HEADER.contentSecurityPolicy, INSPECTOR_CSP);
      res.setHeader(HEADER.contentType, type);
      res.end(text);
    });
  }
  router.use(requireAdminAccess(deps));
  router.post('/reset', refuseCrossSite(), async (req, res) => {
    const profiles = await resetToSeed(deps);
    deps.logNotice(`mockgraph: reset: every entity set put back to the seed (${profiles} entities) by ${req.socket.remoteAddress ?? 'unknown'}, request-id ${String(res.getHeader(HEADER.requestId))}`);
    send(res, { status: 200, json: { profiles } });
  });
  router.get('/requests', (req, res) => {
    send(res, { status: 200, json: { value: log.recent(intParam(req, 'limit', 50, 1, log.capacity)), total: log.total() } });
  });
  router.get('/requests/:id', (req, res) => {
    send(res, { status: 200, json: loggedRequest(log, req.params.id) });
  });
  router.get('/profiles', async (req, res) => {
    const limit = intParam(req, 'limit', 50, 1, MAX_ADMIN_PAGE);
    const offset = intParam(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const page = await usingStore(() => pageOfEntities(deps, offset, limit));
    send(res, { status: 200, json: { ...page, offset, limit, revision: await usingStore(() => deps.store.revision()) } });
  });
  router.get('/entities', async (req, res) => {
    const set = entitySetParam(deps, req);
    const limit = intParam(req, 'limit', 50, 1, MAX_ADMIN_PAGE);
    const offset = intParam(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const page = await usingStore(() => pageOfSet(deps, set, offset, limit));
    send(res, { status: 200, json: { set: set.path, ...page, offset, limit, revision: await usingStore(() => deps.store.revision()) } });
  });
  router.post('/entities/{*path}', refuseCrossSite(), requireJsonBody(), parseJsonBody(deps.bodyLimitBytes), async (req, res) => {
    const segments = (req.params as { path?: string[] }).path ?? [];
    send(res, await createInSet(deps, segments.join('/'), req.body));
  });
  router.delete('/entities/{*path}', refuseCrossSite(), async (req, res) => {
    send(res, await deleteInSet(deps, (req.params as { path?: string[] }).path ?? []));
  });
  router.all('/{*rest}', (req) => {
    throw new GraphError('ResourceNotFound', `No admin resource at ${ADMIN_ROOT}${req.path.slice(0, 200)}: try /health, /reset, /requests, /requests/ID, /entities?set=PATH, POST /entities/PATH, DELETE /entities/PATH/ID, /profiles or the inspector page at ${ADMIN_ROOT}/.`);
  });
  return router;
}
