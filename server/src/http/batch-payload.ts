import { GraphError } from '../graph/errors';
import { isJsonObject } from '../json';
import { HEADER } from './headers';

/** The most requests one JSON batch may hold. @see https://learn.microsoft.com/graph/json-batching#batch-size-limitations */
export const MAX_BATCH_REQUESTS = 20;

/** The methods a request inside a batch may use. */
export const BATCH_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
/** One of BATCH_METHODS. */
export type BatchMethod = (typeof BATCH_METHODS)[number];

const isBatchMethod = (m: string): m is BatchMethod => (BATCH_METHODS as readonly string[]).includes(m);
const WRITE_METHODS: ReadonlySet<BatchMethod> = new Set(['POST', 'PATCH', 'PUT']);

/** Request headers the batch decides itself: framing, hop-by-hop fields, and the outer request's Host and token. */
const SET_BY_BATCH = new Set(
  [HEADER.host, HEADER.authorization, HEADER.contentLength, HEADER.transferEncoding, HEADER.contentEncoding, HEADER.connection, HEADER.keepAlive, HEADER.upgrade, HEADER.expect, HEADER.te, HEADER.trailer].map((h) => h.toLowerCase()),
);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** One request of a batch, checked: what to dispatch and what it waits for. */
export interface BatchStep {
  /** The id as sent, for the response. */
  id: string;
  /** The id lower-cased: ids are not case-sensitive. */
  key: string;
  method: BatchMethod;
  /** Path and query below the version root, starting with `/`, encoded for a request line. */
  url: string;
  /** Lower-case names, without SET_BY_BATCH. */
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Keys of the earlier requests this one runs after. */
  dependsOn: string[];
}

function invalid(detail: string): GraphError {
  return new GraphError('BadRequest', `Invalid batch payload format. ${detail}`);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A request's URL as a path below the version root; absolute URLs and `.`/`..` segments leave it and are refused. */
function relativeUrl(raw: string, where: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) {
    throw invalid(`${where}.url must be relative to the version root ('/security/…'), not an absolute URL.`);
  }
  const url = (raw.startsWith('/') ? raw : `/${raw}`).replace(/#.*$/s, '');
  const path = url.split('?', 1)[0] ?? '';
  if (path.includes('\\') || path.split('/').some((s) => decoded(s) === '.' || decoded(s) === '..')) {
    throw invalid(`${where}.url must stay below the version root: it may not contain '.' or '..' segments or backslashes.`);
  }
  // Graph's own example sends `$filter=city eq null` unencoded: what cannot stand in a request line is percent-encoded.
  return url.replace(/[^\x21-\x7e]|["<>^`{|}]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

function readHeaders(raw: unknown, where: string): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (raw === undefined || raw === null) return out;
  if (!isJsonObject(raw)) throw invalid(`${where}.headers must be an object of header names and string values.`);
  for (const [name, value] of Object.entries(raw)) {
    if (!TOKEN.test(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) throw invalid(`${where}.headers['${name.slice(0, 100)}'] must be a header name with a string value on one line.`);
    if (!SET_BY_BATCH.has(name.toLowerCase())) out[name.toLowerCase()] = value;
  }
  return out;
}

/** A request body as bytes: JSON for JSON media types, a string as text for `text/*`, as base64 otherwise. @see OData JSON Format v4.01 §19.1 */
function bodyBytes(body: unknown, contentType: string): Buffer {
  const media = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  if (typeof body !== 'string' || media === 'application/json' || media.endsWith('+json')) return Buffer.from(JSON.stringify(body), 'utf8');
  return media.startsWith('text/') ? Buffer.from(body, 'utf8') : Buffer.from(body, 'base64url');
}

/** The checked parts of one request object, but its dependencies. */
function readStep(raw: unknown, i: number): BatchStep & { rawDependsOn: unknown } {
  const where = `requests[${i}]`;
  if (!isJsonObject(raw)) throw invalid(`${where} must be an object with id, method and url.`);
  const { id, method, url } = raw;
  if (typeof id !== 'string' || id === '') throw invalid(`${where}.id must be a non-empty string.`);
  const verb = typeof method === 'string' ? method.toUpperCase() : '';
  if (!isBatchMethod(verb)) throw invalid(`${where}.method must be one of ${BATCH_METHODS.join(', ')}.`);
  if (typeof url !== 'string' || url === '') throw invalid(`${where}.url must be a non-empty string.`);
  const headers = readHeaders(raw.headers, where);
  let body: Buffer | undefined;
  if (WRITE_METHODS.has(verb)) {
    const type = headers[HEADER.contentType.toLowerCase()];
    // Graph's rule and message; a body on GET or DELETE is not sent on. @see https://learn.microsoft.com/graph/json-batching#creating-a-batch-request
    if (type === undefined || type.trim() === '' || raw.body === undefined || raw.body === null) throw new GraphError('BadRequest', `Write request id : ${id} does not contain Content-Type header or body.`);
    body = bodyBytes(raw.body, type);
  }
  return { id, key: id.toLowerCase(), method: verb, url: relativeUrl(url, where), headers, body, dependsOn: [], rawDependsOn: raw.dependsOn };
}

/** The keys a request waits for: each names a request before it, so the array order respects every dependency and no cycle can form. */
function readDependsOn(step: BatchStep, raw: unknown, earlier: ReadonlySet<string>, all: ReadonlySet<string>): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.some((d) => typeof d !== 'string')) throw invalid(`The dependsOn of request ${step.id} must be an array of request ids.`);
  for (const id of raw as string[]) {
    const key = id.toLowerCase();
    const problem = key === step.key ? 'it depends on itself' : earlier.has(key) ? undefined : all.has(key) ? `'${id}' comes after it; a request can depend only on requests before it in the batch` : `no request in the batch has the id '${id}'`;
    if (problem) throw new GraphError('BadRequest', `Invalid dependency for request Id ${step.id}: ${problem}.`);
  }
  return [...new Set((raw as string[]).map((d) => d.toLowerCase()))];
}

/**
 * Checks a `$batch` body and returns its requests in order; anything wrong refuses the whole batch with a 400,
 * as Graph does. @see https://learn.microsoft.com/graph/json-batching
 */
export function readBatchPayload(payload: unknown): BatchStep[] {
  if (!isJsonObject(payload) || !Array.isArray(payload.requests)) throw invalid('The body must be an object whose "requests" property is an array.');
  const requests: unknown[] = payload.requests;
  if (requests.length === 0) throw invalid('The batch has no requests.');
  if (requests.length > MAX_BATCH_REQUESTS) throw new GraphError('BadRequest', 'Number of requests inside batch exceed the limit.');
  const read = requests.map(readStep);
  const all = new Set<string>();
  for (const step of read) {
    if (all.has(step.key)) throw new GraphError('BadRequest', `Request Id ${step.id} has to be unique in a batch.`);
    all.add(step.key);
  }
  const earlier = new Set<string>();
  return read.map(({ rawDependsOn, ...step }) => {
    const out = { ...step, dependsOn: readDependsOn(step, rawDependsOn, earlier, all) };
    earlier.add(step.key);
    return out;
  });
}
