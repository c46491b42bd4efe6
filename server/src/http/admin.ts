import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Router } from 'express';
import { GraphError } from '../graph/errors';
import { applySeed } from '../graph/seed';
import type { AppDeps } from '../options';
import { packageRoot } from '../package-root';
import type { RequestLog } from './request-log';
import { send } from './respond';

/** Where the admin API lives: outside every Graph version root. */
export const ADMIN_ROOT = '/_mockgraph';

/** The inspector page, read once. */
function inspectorPage(): string {
  return readFileSync(join(packageRoot(), 'server', 'static', 'inspector.html'), 'utf8');
}

/** Seeds every empty collection (at start-up: a data file that holds profiles keeps them). */
export function seedEmptyCollections(deps: AppDeps): number {
  let n = 0;
  for (const set of deps.graph.model.entitySets) n += applySeed(deps.store, set.path, deps.seed);
  return n;
}

/** Puts every collection back to the seed and forgets every paging snapshot. */
export function resetToSeed(deps: AppDeps): number {
  deps.store.clear();
  deps.cursors.clear();
  return seedEmptyCollections(deps);
}

/** `/_mockgraph`: health, reset, recent requests, stored profiles and the inspector page. No token needed. */
export function adminRouter(deps: AppDeps, log: RequestLog): Router {
  const router = express.Router();
  const started = Date.now();
  const page = inspectorPage();
  const profiles = () => deps.graph.model.entitySets.flatMap((set) => [...deps.store.collection(set.path).values()]);

  router.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    res.type('html').send(page);
  });
  router.get('/health', (_req, res) => {
    let ready = true;
    let count = 0;
    try {
      count = profiles().length;
    } catch {
      ready = false;
    }
    send(res, { status: ready ? 200 : 503, json: { status: ready ? 'ok' : 'unavailable', live: true, ready, store: deps.storeDescription, profiles: count, uptimeSeconds: Math.round((Date.now() - started) / 1000) } });
  });
  router.post('/reset', (_req, res) => {
    send(res, { status: 200, json: { profiles: resetToSeed(deps) } });
  });
  router.get('/requests', (req, res) => {
    const limit = Number(req.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1) throw new GraphError('BadRequest', `limit must be a positive integer, got '${String(req.query.limit)}'.`);
    send(res, { status: 200, json: { value: log.recent(limit) } });
  });
  router.get('/profiles', (_req, res) => {
    send(res, { status: 200, json: { value: profiles() } });
  });
  router.all('/{*rest}', (req) => {
    throw new GraphError('ResourceNotFound', `No admin resource at ${ADMIN_ROOT}${req.path}: try /health, /reset, /requests, /profiles or the inspector page at ${ADMIN_ROOT}/.`);
  });
  return router;
}
