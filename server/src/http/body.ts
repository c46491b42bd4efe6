import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { GraphError } from '../graph/errors';
import { HEADER } from './headers';
import { checkJsonBytes } from '../json-guard';
import { readJsonBody, readsLeanly } from './json-body-reader';
import { noteRequestBody } from './request-log';

const METHODS_WITH_BODY = new Set(['POST', 'PATCH', 'PUT']);
/** The request headers read here, as Node keys them (lower case). */
const [CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] = [HEADER.contentLength, HEADER.contentEncoding, HEADER.transferEncoding].map((h) => h.toLowerCase()) as [string, string, string];

/** Marks a request whose route takes no body when none is sent (a bound operation: `POST …/{id}/cancel`). */
export function allowEmptyBody(res: Response): void {
  (res.locals as { emptyBodyAllowed?: boolean }).emptyBodyAllowed = true;
}

/** True when the request sends no body at all and its route allows that. */
function bodyless(req: Request): boolean {
  const allowed = (req.res?.locals as { emptyBodyAllowed?: boolean } | undefined)?.emptyBodyAllowed === true;
  const length = req.headers[CONTENT_LENGTH] as string | undefined;
  return allowed && (length === '0' || (length === undefined && req.headers[TRANSFER_ENCODING] === undefined));
}

/**
 * Checks the Content-Type of bodies before parsing them: missing → 400, not JSON → 415, as Graph
 * answers. @see https://learn.microsoft.com/graph/errors
 */
export function requireJsonBody(): RequestHandler {
  // Clients send the same Content-Type again and again: whether it is JSON is worked out once per header (bounded).
  const isJson = new Map<string, boolean>();
  return (req, _res, next) => {
    if (!METHODS_WITH_BODY.has(req.method) || bodyless(req)) return next();
    const type = req.get(HEADER.contentType);
    if (type === undefined || type.trim() === '') {
      throw new GraphError('BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
    // req.is answers null for a request without a body (no Content-Length, no Transfer-Encoding), whatever its type.
    const hasBody = req.headers[TRANSFER_ENCODING] !== undefined || !Number.isNaN(Number(req.headers[CONTENT_LENGTH] as string | undefined));
    let json = hasBody ? isJson.get(type) : false;
    if (json === undefined) {
      json = Boolean(req.is('application/json'));
      if (isJson.size >= 256) isJson.clear();
      isJson.set(type, json);
    }
    if (!json) {
      throw new GraphError('RequestBodyRead', `A supported MIME type could not be found that matches the content type of the request. The supported type is 'application/json'; the request's is '${type}'.`);
    }
    next();
  };
}

/** What the parser does with a body's bytes before decoding them: notes them for the log, refuses an empty or unsafe one. */
function verifyBody(res: Response, buf: Buffer): void {
  noteRequestBody(res, buf);
  if (buf.length === 0) throw new GraphError('BadRequest', 'The request body is empty: expected a JSON object.');
  checkJsonBytes(buf);
}

/** Whether an uncompressed body's Content-Length is over the limit (a compressed one is measured as it inflates). */
function declaresMoreThan(req: Request, limitBytes: number): boolean {
  const length = req.headers[CONTENT_LENGTH] as string | undefined;
  return length !== undefined && req.headers[CONTENT_ENCODING] === undefined && /^\d+$/.test(length) && Number(length) > limitBytes;
}

/**
 * Parses the JSON bodies of POST, PATCH and PUT (whatever their JSON media-type parameters) up to the limit, after
 * checkJsonBytes. Other methods never reach the parser: it would only find that they carry nothing to parse. A plain
 * body of a declared length is read by readJsonBody (the same result and errors, without body-parser's streams).
 */
export function parseJsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({
    limit: limitBytes,
    strict: false,
    type: (req) => METHODS_WITH_BODY.has(req.method ?? '') && !bodyless(req as Request),
    // body-parser hands verify the Express response it was given.
    verify: (_req, res, buf) => verifyBody(res as Response, buf),
  });
  return (req, res, next) => {
    if (!METHODS_WITH_BODY.has(req.method)) return next();
    if (declaresMoreThan(req, limitBytes)) {
      // Answered at once, and the connection closed after it: reading off a body the client may never finish
      // sending would hold the answer until the request timeout. @see RFC 9110 §15.5.14 (413 Content Too Large)
      res.setHeader(HEADER.connection, 'close');
      return next(new GraphError('RequestEntityTooLarge', 'The request body is larger than the limit this service accepts.'));
    }
    if (bodyless(req) || !readsLeanly(req, limitBytes)) return parse(req, res, next);
    readJsonBody(req, res, next, limitBytes, verifyBody);
  };
}
