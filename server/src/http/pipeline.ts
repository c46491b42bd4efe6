import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A value Express 5 treats as a promise when a middleware returns it. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs middlewares one after another as a single Express layer, each as the router would run it: `next(err)`, a
 * throw or a rejected promise goes on to the error handler, `next()` to the following middleware. The router's
 * per-layer matching and bookkeeping is paid once instead of once per middleware.
 */
export function inSequence(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, done: NextFunction) => {
    let i = 0;
    const next: NextFunction = (err?: unknown) => {
      if (err) return done(err);
      const handler = handlers[i++];
      if (handler === undefined) return done();
      try {
        const ret: unknown = handler(req, res, next);
        if (isThenable(ret)) ret.then(undefined, (error: unknown) => next(error || new Error('Rejected promise')));
      } catch (error) {
        next(error);
      }
    };
    next();
  };
}
