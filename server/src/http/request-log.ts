import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps, RequestLogEntry } from '../options';
import { requestContext } from './context';
import { HEADER } from './headers';
import type { LoggedBody, LoggedHeaders } from './log-redaction';
import { jsonBodyForLog, MAX_LOGGED_BODY_BYTES, redactUrl, requestHeadersForLog, responseHeadersForLog, textBodyForLog, unreadBodyForLog } from './log-redaction';

/**
 * The most header and body text the log keeps in all (UTF-8 bytes, an upper bound on what V8 stores, plus
 * DETAIL_OVERHEAD_BYTES per entry): past it the oldest entries lose their headers and bodies first.
 */
export const MAX_LOG_DETAIL_BYTES = 4 * 1024 * 1024;
/** What one entry's details are counted as besides their text: the objects and arrays that hold it. */
const DETAIL_OVERHEAD_BYTES = 512;
/** What each header field is counted as besides its text. */
const HEADER_OVERHEAD_BYTES = 64;

/** One side of a logged exchange: its header fields and, when it had one, its body. */
export interface LoggedMessage {
  headers: LoggedHeaders;
  body?: LoggedBody;
}

/** An entry with its details, or with `null` details once the byte bound dropped them. */
export type RequestLogRecord = RequestLogEntry & { request: LoggedMessage | null; response: LoggedMessage | null };

/** A body as kept until someone asks for it: the first bytes as sent (copied), its size, whether it was read. */
interface KeptBody {
  head: Buffer;
  bytes: number;
  unread?: boolean;
}

/**
 * One side of an exchange as kept: header fields as sent and the body's head. Redaction and formatting wait until
 * `GET /_mockgraph/requests/{id}` asks (most entries are never looked at), so a request pays only for copies.
 */
interface KeptMessage {
  headers: () => LoggedHeaders;
  headerBytes: number;
  body?: KeptBody;
}

/** What the log keeps of an exchange until it is read. */
export interface KeptDetails {
  request: KeptMessage;
  response: KeptMessage;
}

/** The bytes a message's details are counted as (raw text is at least what its redacted form holds). */
function messageBytes(m: KeptMessage): number {
  return m.headerBytes + (m.body?.head.length ?? 0);
}

/** The message as `/requests/{id}` answers it: headers and body redacted and bounded. */
function logged(m: KeptMessage): LoggedMessage {
  const body = m.body === undefined ? undefined : m.body.unread ? unreadBodyForLog(m.body.bytes) : bodyForLog(m.body);
  return { headers: m.headers(), ...(body ? { body } : {}) };
}

/** A whole JSON body is redacted by key on its parsed form; a cut or non-JSON one by pattern on its text. */
function bodyForLog(body: KeptBody): LoggedBody {
  if (body.head.length === body.bytes && body.bytes > 0) {
    try {
      return jsonBodyForLog(JSON.parse(body.head.toString('utf8')) as unknown, body.bytes);
    } catch {
      // Not JSON: the text form below.
    }
  }
  return textBodyForLog(body.head, body.bytes);
}

/** A copy of the first bytes of a body, so the log never holds the whole of a large one. */
function keptHead(text: string | Buffer): Buffer {
  return typeof text === 'string' ? Buffer.from(text.slice(0, MAX_LOGGED_BODY_BYTES + 1), 'utf8') : Buffer.from(text.subarray(0, MAX_LOGGED_BODY_BYTES + 4));
}

/** The byte count of header fields given as [name, value, name, value…] or pairs. */
function headerBytes(fields: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) n += (fields[i]?.length ?? 0) + (fields[i + 1]?.length ?? 0) + HEADER_OVERHEAD_BYTES;
  return n;
}

/**
 * The last N requests (a ring buffer), for /_mockgraph/requests and the inspector page, and the headers and
 * bodies of as many of the newest as fit in `maxDetailBytes`.
 */
export class RequestLog {
  private readonly entries: Array<RequestLogEntry | undefined>;
  /** Details by entry id, oldest first (a Map iterates in insertion order). */
  private readonly details = new Map<number, { details: KeptDetails; bytes: number }>();
  private detailBytes = 0;
  private next = 0;
  private added = 0;

  constructor(
    readonly capacity: number,
    readonly maxDetailBytes = MAX_LOG_DETAIL_BYTES,
  ) {
    this.entries = new Array<RequestLogEntry | undefined>(capacity);
  }

  /** Records a finished request under the next id (1, 2, …) and answers the entry as kept. */
  add(summary: Omit<RequestLogEntry, 'id'>, details?: KeptDetails): RequestLogEntry {
    const entry: RequestLogEntry = { id: ++this.added, ...summary };
    const evicted = this.entries[this.next];
    if (evicted) this.dropDetails(evicted.id);
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (details) {
      const bytes = messageBytes(details.request) + messageBytes(details.response) + DETAIL_OVERHEAD_BYTES;
      if (bytes <= this.maxDetailBytes) {
        this.details.set(entry.id, { details, bytes });
        this.detailBytes += bytes;
      }
      for (const [id] of this.details) {
        if (this.detailBytes <= this.maxDetailBytes) break;
        this.dropDetails(id);
      }
    }
    return entry;
  }

  private dropDetails(id: number): void {
    const kept = this.details.get(id);
    if (!kept) return;
    this.details.delete(id);
    this.detailBytes -= kept.bytes;
  }

  /** How many entries were ever added (pollers compare it to see whether anything is new). */
  total(): number {
    return this.added;
  }

  /** The bytes of header and body text kept now (at most `maxDetailBytes`). */
  keptDetailBytes(): number {
    return this.detailBytes;
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

  /** One entry with its headers and bodies (`null` once dropped for size), or undefined when it is no longer kept. */
  get(id: number): RequestLogRecord | undefined {
    if (!Number.isSafeInteger(id) || id < 1 || id > this.added || id <= this.added - this.capacity) return undefined;
    const entry = this.entries[(id - 1) % this.capacity];
    if (entry?.id !== id) return undefined;
    const details = this.details.get(id)?.details;
    return { ...entry, request: details ? logged(details.request) : null, response: details ? logged(details.response) : null };
  }
}

/** What the handlers note in `res.locals` for the log (never on `req` or `res` themselves). */
interface LogNotes {
  logged?: { code: string; message: string };
  requestBody?: { head: Buffer; bytes: number };
  responseBody?: { head: Buffer; bytes: number };
}

const notes = (res: Response) => res.locals as LogNotes;

/** The error a response carried, noted by the error handler for the log. */
export function noteError(res: Response, code: string, message: string): void {
  notes(res).logged = { code, message };
}

/** The raw bytes of a request body as they were read (before parsing), noted by the body parser for the log. */
export function noteRequestBody(res: Response, raw: Buffer): void {
  // A copy of the head only: the log never keeps more, and the whole body can be 64 MiB.
  notes(res).requestBody = { head: keptHead(raw), bytes: raw.length };
}

/** The text a response was written with (JSON or plain), noted by `send` for the log: its head only is copied. */
export function noteResponseBody(res: Response, text: string, bytes: number): void {
  notes(res).responseBody = { head: keptHead(text), bytes };
}

/** The request body as kept: its head as read, else (refused before reading) its size only. */
function requestBodyOf(req: Request, res: Response): KeptBody | undefined {
  const raw = notes(res).requestBody;
  if (raw) return raw;
  const length = Number(req.get(HEADER.contentLength));
  return Number.isSafeInteger(length) && length > 0 ? { head: Buffer.alloc(0), bytes: length, unread: true } : undefined;
}

/** Header names as Graph spells them, by their lower-case form (Node keeps set headers lower-cased). */
const SPELLING = new Map<string, string>(Object.values(HEADER).map((h) => [h.toLowerCase(), h]));

/** The response's header fields as written, named as Graph spells them. */
function responseHeaderPairs(res: Response): Array<[string, string]> {
  return res.getHeaderNames().map((name) => {
    const value = res.getHeader(name);
    return [SPELLING.get(name) ?? name, Array.isArray(value) ? value.join(', ') : String(value ?? '')];
  });
}

/** Records every request when its response has been sent. */
export function recordRequests(deps: AppDeps, log: RequestLog): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const error = notes(res).logged;
      const rawHeaders = req.rawHeaders;
      const pairs = responseHeaderPairs(res);
      const entry = log.add(
        {
          time: deps.now().toISOString(),
          'request-id': requestContext(res).requestId,
          method: req.method,
          path: redactUrl(req.originalUrl),
          status: res.statusCode,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          ...(error ? { error: error.code, message: error.message } : {}),
        },
        {
          request: { headers: () => requestHeadersForLog(rawHeaders), headerBytes: headerBytes(rawHeaders), ...optional(requestBodyOf(req, res)) },
          // A HEAD answer is written like a GET's, but Node sends no body.
          response: { headers: () => responseHeadersForLog(pairs), headerBytes: headerBytes(pairs.flat()), ...optional(req.method === 'HEAD' ? undefined : notes(res).responseBody) },
        },
      );
      deps.onRequest?.(entry);
    });
    next();
  };
}

/** `{ body }` when there is one, `{}` otherwise, so that a message without a body has no `body` key. */
function optional(body: KeptBody | undefined): { body?: KeptBody } {
  return body ? { body } : {};
}
