import type { RequestHandler, Response } from 'express';
import type { AppDeps, RequestLogEntry } from '../options';
import { requestContext } from './context';

/** The last N requests, newest last, for /_mockgraph/requests and the inspector page. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];

  constructor(private readonly capacity: number) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** The most recent `limit` entries, newest first. */
  recent(limit = this.capacity): RequestLogEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** The error a response carried, noted by the error handler for the log. */
export function noteError(res: Response, code: string, message: string): void {
  (res.locals as { logged?: { code: string; message: string } }).logged = { code, message };
}

/** Records every request when its response has been sent. */
export function recordRequests(deps: AppDeps, log: RequestLog): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const error = (res.locals as { logged?: { code: string; message: string } }).logged;
      const entry: RequestLogEntry = {
        time: deps.now().toISOString(),
        'request-id': requestContext(res).requestId,
        method: req.method,
        path: req.originalUrl.length > 2048 ? `${req.originalUrl.slice(0, 2048)}…` : req.originalUrl,
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        ...(error ? { error: error.code, message: error.message } : {}),
      };
      log.add(entry);
      deps.onRequest?.(entry);
    });
    next();
  };
}
