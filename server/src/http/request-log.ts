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

/**
 * A body as kept until someone asks for it: the first bytes as sent (a copy of them, or the whole body when it is no
 * longer than a head: a text is kept as it is, encoded only if read), its size, whether it was read.
 */
interface KeptBody {
  /** The head, or how to write the whole body again (a payload that does not change: see noteResponseBody). */
  head: Buffer | string | (() => Buffer);
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
  return m.headerBytes + (m.body === undefined ? 0 : headBytes(m.body));
}

/** The UTF-8 bytes of a body's head (a text head is the whole body, and so is what a body written again holds). */
function headBytes(body: KeptBody): number {
  return typeof body.head === 'string' || typeof body.head === 'function' ? body.bytes : body.head.length;
}

/** The message as `/requests/{id}` answers it: headers and body redacted and bounded. */
function logged(m: KeptMessage): LoggedMessage {
  const body = m.body === undefined ? undefined : m.body.unread ? unreadBodyForLog(m.body.bytes) : bodyForLog(m.body);
  return { headers: m.headers(), ...(body ? { body } : {}) };
}

/** A whole JSON body is redacted by key on its parsed form; a cut or non-JSON one by pattern on its text. */
function bodyForLog(body: KeptBody): LoggedBody {
  const kept = typeof body.head === 'function' ? keptHead(body.head()) : body.head;
  const head = typeof kept === 'string' ? Buffer.from(kept, 'utf8') : kept;
  if (head.length === body.bytes && body.bytes > 0) {
    try {
      return jsonBodyForLog(JSON.parse(head.toString('utf8')) as unknown, body.bytes);
    } catch {
      // Not JSON: the text form below.
    }
  }
  return textBodyForLog(head, body.bytes);
}

/**
 * The first bytes of a body, so the log never holds the whole of a large one: a copy of them, or the body itself when
 * it is no longer (a string or a buffer that nothing else writes to is kept without copying).
 */
function keptHead(text: string | Buffer): Buffer | string {
  if (typeof text === 'string') return text.length <= MAX_LOGGED_BODY_BYTES + 1 ? text : Buffer.from(text.slice(0, MAX_LOGGED_BODY_BYTES + 1), 'utf8');
  return text.length <= MAX_LOGGED_BODY_BYTES + 4 ? text : Buffer.from(text.subarray(0, MAX_LOGGED_BODY_BYTES + 4));
}

/** The byte count of header fields given as [name, value, name, value…] or pairs. */
function headerBytes(fields: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) n += (fields[i]?.length ?? 0) + (fields[i + 1]?.length ?? 0) + HEADER_OVERHEAD_BYTES;
  return n;
}

/** An entry of the log: made from its summary the first time it is read. */
interface KeptEntry {
  readonly id: number;
  entry: RequestLogEntry | undefined;
  summary: (() => Omit<RequestLogEntry, 'id'>) | undefined;
}

function entryOf(kept: KeptEntry): RequestLogEntry {
  if (kept.entry === undefined) {
    kept.entry = { id: kept.id, ...kept.summary!() };
    kept.summary = undefined;
  }
  return kept.entry;
}

/**
 * The last N requests (a ring buffer), for /_mockgraph/requests and the inspector page, and the headers and
 * bodies of as many of the newest as fit in `maxDetailBytes`.
 */
export class RequestLog {
  /** Each kept entry, or how to make it: most are never read, so a summary is formatted when first asked for. */
  private readonly entries: Array<KeptEntry | undefined>;
  /** Details by entry id, oldest first (a Map iterates in insertion order). */
  private readonly details = new Map<number, { details: KeptDetails; bytes: number }>();
  private detailBytes = 0;
  private next = 0;
  private added = 0;

  constructor(
    readonly capacity: number,
    readonly maxDetailBytes = MAX_LOG_DETAIL_BYTES,
  ) {
    this.entries = new Array<KeptEntry | undefined>(capacity);
  }

  /** Records a finished request under the next id (1, 2, …) and answers the entry as kept. */
  add(summary: Omit<RequestLogEntry, 'id'>, details?: KeptDetails): RequestLogEntry {
    const kept = this.keep(() => summary, details);
    return entryOf(kept);
  }

  /** As `add`, with the summary made only when the entry is first read; answers the entry's id. */
  record(summary: () => Omit<RequestLogEntry, 'id'>, details?: KeptDetails): number {
    return this.keep(summary, details).id;
  }

  private keep(summary: () => Omit<RequestLogEntry, 'id'>, details: KeptDetails | undefined): KeptEntry {
    const kept: KeptEntry = { id: ++this.added, entry: undefined, summary };
    const evicted = this.entries[this.next];
    if (evicted) this.dropDetails(evicted.id);
    this.entries[this.next] = kept;
    this.next = (this.next + 1) % this.capacity;
    if (details) {
      const bytes = messageBytes(details.request) + messageBytes(details.response) + DETAIL_OVERHEAD_BYTES;
      if (bytes <= this.maxDetailBytes) {
        this.details.set(kept.id, { details, bytes });
        this.detailBytes += bytes;
      }
      for (const [id] of this.details) {
        if (this.detailBytes <= this.maxDetailBytes) break;
        this.dropDetails(id);
      }
    }
    return kept;
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
      out.push(entryOf(e));
    }
    return out;
  }

  /** One entry with its headers and bodies (`null` once dropped for size), or undefined when it is no longer kept. */
  get(id: number): RequestLogRecord | undefined {
    if (!Number.isSafeInteger(id) || id < 1 || id > this.added || id <= this.added - this.capacity) return undefined;
    const kept = this.entries[(id - 1) % this.capacity];
    if (kept?.id !== id) return undefined;
    const entry = entryOf(kept);
    const details = this.details.get(id)?.details;
    return { ...entry, request: details ? logged(details.request) : null, response: details ? logged(details.response) : null };
  }
}

/** What the handlers note in `res.locals` for the log (never on `req` or `res` themselves). */
interface LogNotes {
  logged?: { code: string; message: string };
  requestBody?: KeptBody;
  responseBody?: KeptBody;
}

const notes = (res: Response) => res.locals as LogNotes;

/** The error a response carried, noted by the error handler for the log. */
export function noteError(res: Response, code: string, message: string): void {
  notes(res).logged = { code, message };
}

/** The raw bytes of a request body as they were read (before parsing), noted by the body parser for the log. */
export function noteRequestBody(res: Response, raw: Buffer): void {
  // The head only: the log never keeps more, and the whole body can be 64 MiB.
  notes(res).requestBody = { head: keptHead(raw), bytes: raw.length };
}

/**
 * The text a response was written with (JSON or plain), noted by `send` for the log: its head only is kept. A body
 * that `rewrite` writes again byte for byte (a payload that never changes) is kept as that function: a large page
 * then costs no copy per request, and counts as its whole size against the log's bound on what it holds.
 */
export function noteResponseBody(res: Response, text: string | Buffer, bytes: number, rewrite?: () => Buffer): void {
  notes(res).responseBody = { head: rewrite && text.length > MAX_LOGGED_BODY_BYTES + 4 ? rewrite : keptHead(text), bytes };
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

/** The response's header fields as written (a copy of them, taken when it finished), named as Graph spells them. */
function headerPairs(headers: Readonly<Record<string, number | string | readonly string[] | undefined>>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const name in headers) pairs.push([SPELLING.get(name) ?? name, headerText(headers[name])]);
  return pairs;
}

function headerText(value: number | string | readonly string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

/** headerBytes of a response's header fields, counted without making the pairs. */
function responseHeaderBytes(headers: Readonly<Record<string, number | string | readonly string[] | undefined>>): number {
  let n = 0;
  for (const name in headers) n += name.length + headerText(headers[name]).length + HEADER_OVERHEAD_BYTES;
  return n;
}

/**
 * Records every request when its response has been sent. What only a reader of the log needs (the time and path as
 * text, the redacted headers) is worked out when someone reads the entry, unless `onRequest` wants every entry now.
 */
export function recordRequests(deps: AppDeps, log: RequestLog): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const error = notes(res).logged;
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      const summary = summaryOf(deps.now(), requestContext(res).requestId, req.method, req.originalUrl, res.statusCode, durationMs, error);
      const headers = res.getHeaders();
      const details: KeptDetails = {
        request: { headers: requestHeadersOf(req.rawHeaders), headerBytes: headerBytes(req.rawHeaders), ...optional(requestBodyOf(req, res)) },
        // A HEAD answer is written like a GET's, but Node sends no body.
        response: { headers: responseHeadersOf(headers), headerBytes: responseHeaderBytes(headers), ...optional(req.method === 'HEAD' ? undefined : notes(res).responseBody) },
      };
      if (deps.onRequest) deps.onRequest(log.add(summary(), details));
      else log.record(summary, details);
    });
    next();
  };
}

// The log keeps what these make for 200 requests: made out here, they hold their arguments only, never a request.

function summaryOf(finished: Date, requestId: string, method: string, url: string, status: number, durationMs: number, error: { code: string; message: string } | undefined): () => Omit<RequestLogEntry, 'id'> {
  return () => ({ time: finished.toISOString(), 'request-id': requestId, method, path: redactUrl(url), status, durationMs, ...(error ? { error: error.code, message: error.message } : {}) });
}

function requestHeadersOf(rawHeaders: readonly string[]): () => LoggedHeaders {
  return () => requestHeadersForLog(rawHeaders);
}

function responseHeadersOf(headers: Readonly<Record<string, number | string | readonly string[] | undefined>>): () => LoggedHeaders {
  return () => responseHeadersForLog(headerPairs(headers));
}

/** `{ body }` when there is one, `{}` otherwise, so that a message without a body has no `body` key. */
function optional(body: KeptBody | undefined): { body?: KeptBody } {
  return body ? { body } : {};
}
