import type { Express, RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import { storeOverLimits } from '../graph/quota';
import type { AppDeps } from '../options';
import { seedEmptyCollections } from './admin';

/** Each app's store preparation (seeding its empty collections, checking its limits), for `storeReady`. */
const PREPARED = new WeakMap<Express, Promise<void>>();

/**
 * Seeds every empty collection and checks the store against the storage limits; a store over them is an error
 * naming the figures. It runs once per app, as soon as the app is built.
 */
async function prepare(deps: AppDeps): Promise<void> {
  await seedEmptyCollections(deps);
  // A seed or data over the storage limits stops start-up rather than serving a store that refuses every write.
  const over = await storeOverLimits(deps);
  if (over !== undefined) throw new Error(`the store is ${over}`);
}

/** Starts preparing the app's store and holds every request until it is done (a failure answers 503). */
export function holdUntilStoreReady(app: Express, deps: AppDeps): RequestHandler {
  const prepared = prepare(deps);
  PREPARED.set(app, prepared);
  // Observed here so that a failure is never an unhandled rejection; storeReady() still reports it.
  let failure: Error | undefined;
  let ready = false;
  prepared.then(
    () => (ready = true),
    (err: unknown) => (failure = err instanceof Error ? err : new Error(String(err))),
  );
  return (_req, _res, next) => {
    if (ready) return next();
    prepared.then(
      () => next(),
      () => next(new GraphError('ServiceUnavailable', `The store could not be prepared: ${failure?.message ?? 'unknown error'}.`)),
    );
  };
}

/** Resolves when the app's store is seeded and within its limits; rejects with the reason otherwise (main.ts exits on it). */
export function storeReady(app: Express): Promise<void> {
  return PREPARED.get(app) ?? Promise.resolve();
}
