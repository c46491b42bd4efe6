import type { DocExample } from './doc-page';

/** A request ready to send: path relative to the target's origin. */
export interface ReplayRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A response as received, header names lower-cased. */
export interface ActualResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
}

/** Thrown by a target that cannot be reached (refused, unresolvable, no answer in time): not a contract failure. */
export class TargetUnreachable extends Error {
  override readonly name = 'TargetUnreachable';
}

/** Anything that can answer a ReplayRequest: the in-process app, or a server at a base URL. */
export type HttpTarget = (request: ReplayRequest) => Promise<ActualResponse>;

/** Options of a replay. */
export interface ReplayOptions {
  /** The service root that placeholder roots map to (default `/beta`). */
  serviceRoot?: string;
  /** The bearer token sent with every request (default `mockgraph-contract-test`). */
  token?: string;
}

/** Graph's version roots, the first segment of every doc path. */
export const VERSION_ROOTS: readonly string[] = ['beta', 'v1.0'];
/** Headers the client library computes itself; the doc's values describe the doc's own bytes. */
const COMPUTED_HEADERS = new Set(['content-length', 'host', 'transfer-encoding']);

/**
 * Turns a doc URL into a path: drops scheme and host, turns `\` into `/`, replaces placeholder roots
 * (`docs\api`, or no version segment) with the service root, keeps every segment's casing.
 */
export function normalizeExampleUrl(url: string, serviceRoot = '/beta'): string {
  let rest = url.trim().replace(/\\/g, '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  if (!rest.startsWith('/')) rest = '/' + rest;
  const [pathPart = '', query] = splitOnce(rest, '?');
  let segments = pathPart.split('/').slice(1);
  if (segments[0]?.toLowerCase() === 'docs' && segments[1]?.toLowerCase() === 'api') segments = segments.slice(2);
  const hasVersion = VERSION_ROOTS.includes((segments[0] ?? '').toLowerCase());
  const path = (hasVersion ? '' : serviceRoot.replace(/\/$/, '')) + '/' + segments.join('/');
  return query === undefined ? path : `${path}?${query}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Percent-encodes what a request target may not hold as written (spaces, quotes, `<>|^\``), as a client would. */
function encodeUnsafe(path: string): string {
  return path.replace(/[\s"<>|^`]/g, (c) => encodeURIComponent(c));
}

/** The request an example describes, with a test token and without headers the client computes. */
export function toReplayRequest(example: DocExample, options: ReplayOptions = {}): ReplayRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of example.request.headers) {
    if (!COMPUTED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const auth = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization');
  if (auth) delete headers[auth];
  headers.Authorization = `Bearer ${options.token ?? 'mockgraph-contract-test'}`;
  return {
    method: example.request.method,
    path: encodeUnsafe(normalizeExampleUrl(example.request.url, options.serviceRoot)),
    headers,
    body: example.request.bodyText === '' ? undefined : example.request.bodyText,
  };
}
