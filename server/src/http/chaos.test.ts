import type { Request, Response } from 'express';
import { resolveDeps } from '../options';
import { GraphError } from '../graph/errors';
import { MAX_THROTTLED_CLIENTS, throttleClients } from './chaos';

/** Runs the throttle middleware for one request with this bearer token: undefined when it passes, else the error. */
function runner(limit: number) {
  const deps = resolveDeps({ chaos: { throttle: { limit, seconds: 60 } }, now: () => new Date('2026-12-01T00:00:00Z') });
  const middleware = throttleClients(deps);
  return (token: string): GraphError | undefined => {
    const req = { get: (name: string) => (name.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined) } as unknown as Request;
    try {
      let passed = false;
      middleware(req, {} as Response, () => (passed = true));
      return passed ? undefined : new GraphError('BadRequest', 'did not pass');
    } catch (err) {
      return err as GraphError;
    }
  };
}

describe('throttleClients', () => {
  test('a flood of new client keys does not clear the window of an active client', () => {
    const send = runner(3);
    expect([send('victim'), send('victim'), send('victim')]).toEqual([undefined, undefined, undefined]);
    expect(send('victim')?.code).toBe('TooManyRequests');
    // The attacker rotates tokens; the victim stays active in between, so it is never the least recently seen.
    for (let i = 0; i < MAX_THROTTLED_CLIENTS * 2; i++) {
      send(`flood-${i}`);
      if (i % 1000 === 0) expect(send('victim')?.code).toBe('TooManyRequests');
    }
    expect(send('victim')?.code).toBe('TooManyRequests');
  });

  test('memory stays bounded: the least recently seen clients are forgotten first', () => {
    const send = runner(1);
    send('idle');
    expect(send('idle')?.code).toBe('TooManyRequests');
    for (let i = 0; i < MAX_THROTTLED_CLIENTS; i++) send(`other-${i}`);
    // 'idle' was evicted, so it starts a fresh window.
    expect(send('idle')).toBeUndefined();
  });
});
