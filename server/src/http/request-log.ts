import type { RequestHandler, Response } from 'express';
import type { AppDeps, RequestLogEntry } from '../options';
import { requestContext } from './context';

/** The last N requests (a ring buffer), for /_mockgraph/requests and the inspector page. */
export class RequestLog {
  private readonly entries: Array<RequestLogEntry | undefined>;
  private next = 0;

  constructor(private readonly capacity: number) {
    this.entries = new Array<RequestLogEntry | undefined>(capacity);
  }

  add(entry: RequestLogEntry): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The most recent `limit` entries, newest first. */
  recent(limit = this.capacity): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    for (let i = 1; i <= Math.min(limit, this.capacity); i++) {
      const e = this.entries[(this.next - i + this.capacity) % this.capacity];
      if (!e) break;
      out.push(e);
    }
    return out;
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
