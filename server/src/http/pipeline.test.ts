import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inSequence } from './pipeline';

const req = {} as Request;
const res = {} as Response;

/** Runs a sequence and resolves with what it handed on: undefined (next()) or the error. */
function run(handlers: RequestHandler[]): Promise<unknown> {
  return new Promise((resolve) => inSequence(handlers)(req, res, ((err?: unknown) => resolve(err)) as NextFunction));
}

describe('inSequence', () => {
  test('runs the middlewares in order, then hands on', async () => {
    const seen: number[] = [];
    const step = (n: number): RequestHandler => (_q, _s, next) => (seen.push(n), next());
    expect(await run([step(1), step(2), step(3)])).toBeUndefined();
    expect(seen).toEqual([1, 2, 3]);
  });

  test('next(err), a throw and a rejected promise skip the rest and hand on the error, as Express does', async () => {
    const boom = new Error('boom');
    const never: RequestHandler = () => {
      throw new Error('not reached');
    };
    expect(await run([(_q, _s, next) => next(boom), never])).toBe(boom);
    expect(
      await run([
        () => {
          throw boom;
        },
        never,
      ]),
    ).toBe(boom);
    expect(await run([() => Promise.reject(boom), never])).toBe(boom);
    expect(await run([() => Promise.reject(undefined), never])).toEqual(new Error('Rejected promise'));
  });

  test('a middleware that answers ends the sequence; an asynchronous next goes on later', async () => {
    const seen: string[] = [];
    const later: RequestHandler = (_q, _s, next) => void setImmediate(() => (seen.push('later'), next()));
    expect(await run([later, (_q, _s, next) => (seen.push('after'), next())])).toBeUndefined();
    expect(seen).toEqual(['later', 'after']);
    let handedOn = false;
    inSequence([() => seen.push('answered'), () => seen.push('not reached')])(req, res, () => (handedOn = true));
    expect(handedOn).toBe(false);
    expect(seen.at(-1)).toBe('answered');
  });
});
