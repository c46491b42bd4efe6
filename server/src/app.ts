import express from 'express';
import type { Express } from 'express';
import { contentsOverLimits } from './graph/quota';
import { requireBearerToken } from './http/auth';
import { parseJsonBody, requireJsonBody } from './http/body';
import { jsonBatch } from './http/batch';
import { landingPage } from './http/landing';
import { serviceDocuments } from './http/service-documents';
import { adminRouter, ADMIN_ROOT } from './http/admin';
import { holdUntilStoreReady } from './http/store-ready';
import { simulateTrouble, throttleClients } from './http/chaos';
import { graphCors } from './http/cors';
import { RequestLog, recordRequests } from './http/request-log';
import { graphErrorHandler } from './http/error-handler';
import { assignRequestIds, limitUrlLength } from './http/headers';
import { requireKnownHost } from './http/host-check';
import { MAX_URL_LENGTH } from './http/server';
import { inSequence } from './http/pipeline';
import { matchGraphRoute, runGraphRoute } from './http/routes';
import type { AppOptions } from './options';
import { resolveDeps } from './options';

/** Builds the mock as an Express app; it never listens (tests hand it to supertest, main.ts to a server). */
export function createApp(options: AppOptions = {}): Express {
  const deps = resolveDeps(options);
  // Checked before anything is stored: a reset stores the seed too, even where a data file keeps its own data.
  const seedOver = contentsOverLimits(deps.seed, deps);
  if (seedOver !== undefined) throw new Error(`the seed is ${seedOver}`);
  const log = new RequestLog(deps.requestLogSize);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Each group runs as one Express layer (see pipeline.ts); the order of the middlewares is the order they run in.
  app.use(
    inSequence([
      assignRequestIds(deps),
      // Every request waits until the store is seeded and checked against its limits (a failure answers 503).
      holdUntilStoreReady(app, deps),
      // Before anything reads data: a request for a Host this server does not serve is a DNS-rebinding attempt.
      requireKnownHost(deps),
      // The landing page and the service's descriptions need no token, as Graph's $metadata does not.
      landingPage(deps),
      serviceDocuments(deps),
    ]),
  );
  // The admin API comes before the request log: health checks and the inspector's polling are not Graph traffic.
  if (deps.admin) app.use(ADMIN_ROOT, adminRouter(deps, log));
  app.use(
    inSequence([
      recordRequests(deps, log),
      limitUrlLength(MAX_URL_LENGTH),
      graphCors(deps),
      // Chaos costs nothing when it is off: its middleware is not even installed.
      ...(deps.chaos.latency || (deps.chaos.failRate ?? 0) > 0 ? [simulateTrouble(deps)] : []),
      requireBearerToken(deps),
      // A batch is not throttled itself: each of its requests is, when it comes back through the app.
      jsonBatch(deps, () => app),
      ...(deps.chaos.throttle ? [throttleClients(deps)] : []),
      matchGraphRoute(deps),
      requireJsonBody(),
      parseJsonBody(deps.bodyLimitBytes),
      runGraphRoute(deps),
    ]),
  );
  app.use(graphErrorHandler(deps));
  return app;
}
