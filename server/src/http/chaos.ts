import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { HEADER } from './headers';

/** How many clients the throttle remembers at once (least recently seen go first). */
export const MAX_THROTTLED_CLIENTS = 10_000;

/** Who a request comes from, for throttling: the token's app id (`appid`/`azp`) when it is a JWT, else the token. */
export function clientKey(authorization: string | undefined): string {
  const token = (authorization ?? '').replace(/^\s*bearer\s+/i, '').trim();
  const payload = token.split('.')[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { appid?: unknown; azp?: unknown };
      const app = claims.appid ?? claims.azp;
      if (typeof app === 'string' && app !== '') return `app:${app}`;
    } catch {
      // not a JWT: the token itself is the key
    }
  }
  // A digest, so that the throttle's memory does not grow with the size of the tokens clients send.
  return `token:${createHash('sha256').update(token).digest('base64url')}`;
}

/**
 * `--throttle N/SECONDS`: a fixed window per client; past N requests the answer is Graph's 429 with
 * Retry-After (whole seconds to the window's end). @see https://learn.microsoft.com/graph/throttling
 */
export function throttleClients(deps: AppDeps): RequestHandler {
  const throttle = deps.chaos.throttle;
  // A Map keeps insertion order: re-inserting a client on every request makes the first key the least recently seen.
  const windows = new Map<string, { start: number; count: number }>();
  return (req, _res, next) => {
    if (!throttle) return next();
    const now = deps.now().getTime();
    const key = clientKey(req.get(HEADER.authorization));
    let w = windows.get(key);
    if (w) windows.delete(key);
    if (!w || now - w.start >= throttle.seconds * 1000) w = { start: now, count: 0 };
    windows.set(key, w);
    // A flood of new keys evicts the least recently seen clients, never the windows of active ones.
    while (windows.size > MAX_THROTTLED_CLIENTS) windows.delete(windows.keys().next().value as string);
    w.count++;
    if (w.count > throttle.limit) {
      const retryAfter = Math.max(1, Math.ceil((w.start + throttle.seconds * 1000 - now) / 1000));
      throw new GraphError('TooManyRequests', `Too many requests: this client may send ${throttle.limit} requests per ${throttle.seconds} seconds. Retry after ${retryAfter} seconds.`, { [HEADER.retryAfter]: String(retryAfter) });
    }
    next();
  };
}

/** `--latency MIN-MAX` then `--fail-rate P`: delays, then answers a share of requests with 503 or 504. */
export function simulateTrouble(deps: AppDeps): RequestHandler {
  const { latency, failRate = 0 } = deps.chaos;
  const random = deps.chaos.random ?? Math.random;
  return (_req, _res, next) => {
    const fail = failRate > 0 && random() < failRate;
    const outage = random() < 0.5;
    const proceed = () => {
      if (!fail) return next();
      next(
        outage
          ? new GraphError('ServiceUnavailable', 'The service is temporarily unavailable (simulated by --fail-rate). Retry after 1 second.', { [HEADER.retryAfter]: '1' })
          : new GraphError('GatewayTimeout', 'The upstream service did not answer in time (simulated by --fail-rate). Retry after 1 second.', { [HEADER.retryAfter]: '1' }),
      );
    };
    if (!latency) return proceed();
    setTimeout(proceed, latency.min + Math.floor(random() * (latency.max - latency.min + 1)));
  };
}
