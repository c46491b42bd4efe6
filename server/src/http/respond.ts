import type { Response } from 'express';
import { payloadBytes, payloadText } from '../odata/payload-text';
import { GRAPH_JSON_CONTENT_TYPE, HEADER, PLAIN_TEXT_CONTENT_TYPE } from './headers';
import { bodyBuffer, releaseWhenWritten } from './page-buffers';
import { noteResponseBody } from './request-log';

/** What a handler answers: status, extra headers and an optional JSON (or plain-text) body. */
export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

/**
 * Writes a GraphResponse with Graph's exact Content-Type string (Express would reformat it); payloads whose JSON
 * text is already known (cached entities, collections of them) are not serialised again.
 */
export function send(res: Response, out: GraphResponse): void {
  res.statusCode = out.status;
  for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
  if (out.json !== undefined) {
    const json = out.json;
    const written = payloadBytes(json, bodyBuffer);
    const body = written ?? payloadText(json);
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    noteResponseBody(res, body, bytes, written && (() => payloadBytes(json)!));
    res.setHeader(HEADER.contentType, GRAPH_JSON_CONTENT_TYPE);
    res.setHeader(HEADER.contentLength, bytes);
    if (written !== undefined) releaseWhenWritten(res, written);
    res.end(body);
  } else if (out.text !== undefined) {
    const bytes = Buffer.byteLength(out.text);
    noteResponseBody(res, out.text, bytes);
    res.setHeader(HEADER.contentType, PLAIN_TEXT_CONTENT_TYPE);
    res.setHeader(HEADER.contentLength, bytes);
    res.end(out.text);
  } else {
    res.end();
  }
}
