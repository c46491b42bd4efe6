import type { ActualResponse, HttpTarget, ReplayRequest } from './replay';

/** A target at a base URL (a running mock, a deployed sandbox, another implementation of the same API). */
export function fetchTarget(baseUrl: string, timeoutMs = 15_000): HttpTarget {
  const base = baseUrl.replace(/\/+$/, '');
  return async (req: ReplayRequest): Promise<ActualResponse> => {
    const res = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { status: res.status, headers, bodyText: await res.text() };
  };
}
