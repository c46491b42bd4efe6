import express from 'express';
import type { Express } from 'express';
import { requireBearerToken } from './http/auth';
import { parseJsonBody, requireJsonBody } from './http/body';
import { graphCors } from './http/cors';
import { graphErrorHandler } from './http/error-handler';
import { assignRequestIds } from './http/headers';
import { matchGraphRoute, runGraphRoute } from './http/routes';
import type { AppOptions } from './options';
import { resolveDeps } from './options';

/** Builds the mock as an Express app; it never listens (tests hand it to supertest, main.ts to a server). */
export function createApp(options: AppOptions = {}): Express {
  const deps = resolveDeps(options);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(assignRequestIds(deps));
  app.use(graphCors(deps));
  app.use(requireBearerToken(deps));
  app.use(matchGraphRoute(deps));
  app.use(requireJsonBody());
  app.use(parseJsonBody(deps.bodyLimitBytes));
  app.use(runGraphRoute(deps));
  app.use(graphErrorHandler(deps));
  return app;
}
