import express from 'express';
import type { Express } from 'express';
import { contentsOverLimits, storeOverLimits } from './graph/quota';
import { requireBearerToken } from './http/auth';
import { parseJsonBody, requireJsonBody } from './http/body';
import { jsonBatch } from './http/batch';
import { landingPage } from './http/landing';
import { serviceDocuments } from './http/service-documents';
import { adminRouter, ADMIN_ROOT, seedEmptyCollections } from './http/admin';
import { simulateTrouble, throttleClients } from './http/chaos';
import { graphCors } from './http/cors';
import { RequestLog, recordRequests } from './http/request-log';
import { graphErrorHandler } from './http/error-handler';
import { assignRequestIds, limitUrlLength } from './http/headers';
import { requireKnownHost } from './http/host-check';
import { MAX_URL_LENGTH } from './http/server';
import { matchGraphRoute, runGraphRoute } from './http/routes';
import type { AppOptions } from './options';
import { resolveDeps } from './options';

/** Builds the mock as an Express app; it never listens (tests hand it to supertest, main.ts to a server). */
export function createApp(options: AppOptions = {}): Express {
  const deps = resolveDeps(options);
  seedEmptyCollections(deps);
  // A seed or data file over the storage limits stops start-up rather than serving a store that refuses every write.
  const storeOver = storeOverLimits(deps);
  if (storeOver !== undefined) throw new Error(`the store is ${storeOver}`);
  // A data file that keeps its own data was not seeded, but a reset would store the seed.
  const seedOver = contentsOverLimits(deps.seed, deps);
  if (seedOver !== undefined) throw new Error(`the seed is ${seedOver}`);
  const log = new RequestLog(deps.requestLogSize);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestIds(deps));
  // Before anything reads data: a request for a Host this server does not serve is a DNS-rebinding attempt.
  app.use(requireKnownHost(deps));
  // The landing page and the service's descriptions need no token, as Graph's $metadata does not.
  app.use(landingPage(deps), serviceDocuments(deps));
  // The admin API comes before the request log: health checks and the inspector's polling are not Graph traffic.
  if (deps.admin) app.use(ADMIN_ROOT, adminRouter(deps, log));
  app.use(recordRequests(deps, log), limitUrlLength(MAX_URL_LENGTH));
  app.use(graphCors(deps));
  // Chaos costs nothing when it is off: its middleware is not even installed.
  if (deps.chaos.latency || (deps.chaos.failRate ?? 0) > 0) app.use(simulateTrouble(deps));
  app.use(requireBearerToken(deps));
  // A batch is not throttled itself: each of its requests is, when it comes back through the app.
  app.use(jsonBatch(deps, () => app));
  if (deps.chaos.throttle) app.use(throttleClients(deps));
  app.use(matchGraphRoute(deps));
  app.use(requireJsonBody());
  app.use(parseJsonBody(deps.bodyLimitBytes));
  app.use(runGraphRoute(deps));
  app.use(graphErrorHandler(deps));
  return app;
}
