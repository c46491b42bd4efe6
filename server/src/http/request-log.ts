import type { RequestHandler, Response } from 'express';
import type { AppDeps, RequestLogEntry } from '../options';
import { requestContext } from './context';

/** The last N requests (a ring buffer), for /_mockgraph/requests and the inspector page. */
export class RequestLog {
  private readonly entries: Array<RequestLogEntry | undefined>;
  private next = 0;
  private added = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<RequestLogEntry | undefined>(capacity);
  }

  add(entry: RequestLogEntry): void {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.added++;
  }

  /** How many entries were ever added (pollers compare it to see whether anything is new). */
  total(): number {
    return this.added;
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

/**
 * Query parameters whose values are logged as sent: OData's system query options (with or without `$`) and the
 * admin API's paging. Every other value is logged as REDACTED, because a URL is where access tokens, codes, API
 * keys and signatures travel, under names no list can foresee.
 */
const LOGGED_PARAMETERS = new Set(['filter', 'select', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken', 'expand', 'format', 'limit', 'offset', 'set']);

/** The URL as logged: an over-long one cut, every value but those of LOGGED_PARAMETERS replaced. */
export function redactUrl(url: string): string {
  const cut = url.length > 2048 ? `${url.slice(0, 2048)}…` : url;
  const at = cut.indexOf('?');
  if (at < 0) return cut;
  const query = cut
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // an undecodable name is compared as it is
      }
      return LOGGED_PARAMETERS.has(name.replace(/^\$/, '').toLowerCase()) ? pair : `${pair.slice(0, eq)}=REDACTED`;
    })
    .join('&');
  return `${cut.slice(0, at)}?${query}`;
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
        path: redactUrl(req.originalUrl),
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
