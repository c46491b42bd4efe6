import type { ActualResponse, HttpTarget, ReplayRequest } from './replay';
import { TargetUnreachable } from './replay';

/** `ECONNREFUSED 127.0.0.1:4199`, `ENOTFOUND nowhere.invalid`: what the system said, from fetch's error cause. */
function systemError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; address?: string; port?: number; hostname?: string; message?: string } }).cause;
  if (cause?.code) return [cause.code, cause.address ? `${cause.address}${cause.port ? `:${cause.port}` : ''}` : cause.hostname].filter(Boolean).join(' ');
  return cause?.message ?? (err as Error).message;
}

/**
 * A target at a base URL (a running mock, a deployed sandbox, another implementation of the same API). A base URL
 * that ends in a version root (`http://host:4000/beta`) is taken as its origin and path prefix without it, since doc
 * paths carry their version. A refused connection or no answer in time is TargetUnreachable.
 */
export function fetchTarget(baseUrl: string, timeoutMs = 15_000): HttpTarget {
  const base = baseUrl.replace(/\/+$/, '').replace(/\/(beta|v1\.0)$/i, '');
  return async (req: ReplayRequest): Promise<ActualResponse> => {
    let res: Response;
    try {
      res = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      throw new TargetUnreachable(timedOut ? `${base} did not answer ${req.method} ${req.path} within ${timeoutMs} ms` : `cannot reach ${base}: ${systemError(err)}`);
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { status: res.status, headers, bodyText: await res.text() };
  };
}
