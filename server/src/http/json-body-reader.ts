import type { NextFunction, Request, Response } from 'express';
import { HEADER } from './headers';

/** What is done with a body's bytes once read, before they are decoded (note them, check them): may throw. */
export type BodyCheck = (res: Response, raw: Buffer) => void;

/** The request headers read here, as Node keys them (lower case). */
const [CONTENT_LENGTH, CONTENT_ENCODING, CONTENT_TYPE, TRANSFER_ENCODING] = [HEADER.contentLength, HEADER.contentEncoding, HEADER.contentType, HEADER.transferEncoding].map((h) => h.toLowerCase()) as [string, string, string, string];

/** A failure shaped as body-parser's (the error handler reads `type`). */
function readError(message: string, status: number, type: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type, ...extra });
}

/** What http-errors' `createError(status, err, props)` makes of an error body-parser passes on: the error itself, with a status. */
function asHttpError(err: unknown, fallback: number, props: Record<string, unknown> = {}): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const own = err as { status?: unknown; statusCode?: unknown };
  const status = typeof own.status === 'number' && own.status ? own.status : typeof own.statusCode === 'number' && own.statusCode ? own.statusCode : fallback;
  return Object.assign(err, { expose: status < 500, status, statusCode: status }, props);
}

/**
 * Whether readJsonBody reads this request exactly as `express.json` would: a plain (identity) body of a declared
 * length within the limit, in the default charset (a Content-Type without parameters), not read yet. Anything else
 * (compressed, chunked, a charset parameter, over the limit) goes to body-parser itself.
 */
export function readsLeanly(req: Request, limitBytes: number): boolean {
  const { headers } = req;
  const length = headers[CONTENT_LENGTH] as string | undefined;
  if (length === undefined || headers[CONTENT_ENCODING] !== undefined || headers[TRANSFER_ENCODING] !== undefined) return false;
  if ((headers[CONTENT_TYPE] as string | undefined)?.includes(';') !== false || !/^\d{1,15}$/.test(length) || Number(length) > limitBytes) return false;
  // body-parser's "already read" test (on-finished), which skips parsing.
  const socket = req.socket as { readable?: boolean } | null;
  return (req as { upgrade?: boolean }).upgrade !== true && socket !== null && socket.readable === true && !(req.complete && !req.readable) && !('body' in req);
}

/**
 * Reads and parses a JSON body as `express.json({ strict: false, verify })` does for a request readsLeanly accepts:
 * the same errors (types `request.aborted`, `entity.too.large`, `request.size.invalid`, `entity.parse.failed`, the
 * check's own), a UTF-8 byte-order mark dropped, an empty text parsed as `{}` — without its streams and decoders.
 */
export function readJsonBody(req: Request, res: Response, next: NextFunction, limitBytes: number, check: BodyCheck): void {
  const length = Number(req.headers[CONTENT_LENGTH]);
  (req as { body?: unknown }).body = undefined;
  let chunks: Buffer | Buffer[] | undefined;
  let received = 0;
  let complete = false;
  const cleanup = () => {
    req.removeListener('aborted', onAborted);
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onEnd);
  };
  // As raw-body, then body-parser: stop, and answer once the rest of the request has been read off.
  const fail = (err: unknown) => {
    complete = true;
    cleanup();
    req.unpipe();
    req.pause();
    if (req.readableEnded || req.destroyed) return next(err);
    req.once('end', () => next(err));
    req.once('close', () => req.readableEnded || next(err));
    req.resume();
  };
  function onAborted() {
    if (!complete) fail(readError('request aborted', 400, 'request.aborted', { code: 'ECONNABORTED', expected: length, length, received }));
  }
  function onData(chunk: Buffer) {
    if (complete) return;
    received += chunk.length;
    if (received > limitBytes) return fail(readError('request entity too large', 413, 'entity.too.large', { expected: length, length, limit: limitBytes, received }));
    if (chunks === undefined) chunks = chunk;
    else if (Array.isArray(chunks)) chunks.push(chunk);
    else chunks = [chunks, chunk];
  }
  function onEnd(err?: unknown) {
    if (complete) return;
    if (err) return fail(asHttpError(err, 400));
    if (received !== length) return fail(readError('request size did not match content length', 400, 'request.size.invalid', { expected: length, length, received }));
    // Read whole. The listeners stay and go with the request: nothing but a late error can reach them, and they ignore
    // it (raw-body removes its own, and Node then emits none). A close before the end answers nothing, as with raw-body.
    complete = true;
    const raw = chunks === undefined ? Buffer.alloc(0) : Array.isArray(chunks) ? Buffer.concat(chunks, received) : chunks;
    chunks = undefined;
    parseRead(req, raw, check, res, next);
  }
  req.on('aborted', onAborted);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onEnd);
}

/** body-parser's steps after reading: verify (its throw passes on as it is), decode (BOM dropped), parse. */
function parseRead(req: Request, raw: Buffer, check: BodyCheck, res: Response, next: NextFunction): void {
  try {
    check(res, raw);
  } catch (err) {
    return next(asHttpError(err, 403, { body: raw, type: (err as { type?: unknown }).type || 'entity.verify.failed' }));
  }
  let text = raw.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    (req as { body?: unknown }).body = text.length === 0 ? {} : JSON.parse(text);
  } catch (err) {
    return next(asHttpError(err, 400, { body: text, type: (err as { type?: unknown }).type || 'entity.parse.failed' }));
  }
  next();
}
