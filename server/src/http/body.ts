import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { GraphError } from '../graph/errors';
import { HEADER } from './headers';
import { checkJsonBytes } from '../json-guard';
import { noteRequestBody } from './request-log';

const METHODS_WITH_BODY = new Set(['POST', 'PATCH', 'PUT']);

/** Marks a request whose route takes no body when none is sent (a bound operation: `POST …/{id}/cancel`). */
export function allowEmptyBody(res: Response): void {
  (res.locals as { emptyBodyAllowed?: boolean }).emptyBodyAllowed = true;
}

/** True when the request sends no body at all and its route allows that. */
function bodyless(req: Request): boolean {
  const allowed = (req.res?.locals as { emptyBodyAllowed?: boolean } | undefined)?.emptyBodyAllowed === true;
  const length = req.headers['content-length'];
  return allowed && (length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined));
}

/**
 * Checks the Content-Type of bodies before parsing them: missing → 400, not JSON → 415, as Graph
 * answers. @see https://learn.microsoft.com/graph/errors
 */
export function requireJsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (!METHODS_WITH_BODY.has(req.method) || bodyless(req)) return next();
    const type = req.get(HEADER.contentType);
    if (type === undefined || type.trim() === '') {
      throw new GraphError('BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
    if (!req.is('application/json')) {
      throw new GraphError('RequestBodyRead', `A supported MIME type could not be found that matches the content type of the request. The supported type is 'application/json'; the request's is '${type}'.`);
    }
    next();
  };
}

/** Parses the JSON bodies of POST, PATCH and PUT (whatever their JSON media-type parameters) up to the limit, after checkJsonBytes. */
export function parseJsonBody(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: false,
    type: (req) => METHODS_WITH_BODY.has(req.method ?? '') && !bodyless(req as Request),
    verify: (_req, res, buf) => {
      // body-parser hands verify the Express response it was given.
      noteRequestBody(res as Response, buf);
      if (buf.length === 0) throw new GraphError('BadRequest', 'The request body is empty: expected a JSON object.');
      checkJsonBytes(buf);
    },
  });
}
