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

/** Query parameters whose values are credentials wherever they appear (OAuth, SAS, API keys). */
const CREDENTIAL_PARAMETER = /^(access_token|id_token|refresh_token|token|code|client_secret|client_assertion|assertion|password|passwd|pwd|secret|api[-_]?key|apikey|key|sig|signature|auth|authorization|session|sessionid|credential|credentials)$|token|secret|password|credential/i;

/** The URL as logged: an over-long one cut, the values of credential-bearing query parameters replaced. */
export function redactUrl(url: string): string {
  const cut = url.length > 2048 ? `${url.slice(0, 2048)}…` : url;
  const at = cut.indexOf('?');
  if (at < 0) return cut;
  const query = cut
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      let name = eq < 0 ? pair : pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // an undecodable name is compared as it is
      }
      const bare = name.replace(/^\$/, '');
      return eq >= 0 && bare.toLowerCase() !== 'skiptoken' && CREDENTIAL_PARAMETER.test(bare) ? `${pair.slice(0, eq)}=REDACTED` : pair;
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
