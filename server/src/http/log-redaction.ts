import { HEADER } from './headers';

/** The most of one body, request or response, the request log keeps (UTF-8 bytes); the rest is cut. */
export const MAX_LOGGED_BODY_BYTES = 16 * 1024;
/** The most header text (names and values, UTF-8 bytes) the request log keeps per request or response. */
export const MAX_LOGGED_HEADER_BYTES = 8 * 1024;
/** The longest header value the request log keeps; a longer one is cut. */
const MAX_LOGGED_HEADER_VALUE = 1024;
/** What the log shows instead of a value that may be a credential. */
const REDACTED = 'REDACTED';
/** The longest URL the request log keeps; a longer one is cut. */
const MAX_LOGGED_URL = 2048;

/** What the request log keeps of a body: its size as sent, and its text, redacted and bounded. */
export interface LoggedBody {
  /** The body's size on the wire, in bytes. */
  bytes: number;
  /** The text kept: at most MAX_LOGGED_BODY_BYTES, credentials replaced by REDACTED; empty when it was not read. */
  text: string;
  /** True when `text` is not the whole body (cut at the bound, or never read). */
  truncated: boolean;
}

/** Header fields as the request log keeps them: [name as sent, value or REDACTED], and whether some were left out for size. */
export interface LoggedHeaders {
  fields: Array<[string, string]>;
  cut: boolean;
}

/**
 * Query parameters whose values are logged as sent: OData's system query options (with or without `$`) and the
 * admin API's paging. Every other value is logged as REDACTED, because a URL is where access tokens, codes, API
 * keys and signatures travel, under names no list can foresee.
 */
const LOGGED_PARAMETERS = new Set(['filter', 'select', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken', 'expand', 'format', 'limit', 'offset', 'set']);

/** The URL as logged: an over-long one cut, every value but those of LOGGED_PARAMETERS replaced. */
export function redactUrl(url: string): string {
  const cut = url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}…` : url;
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
      return LOGGED_PARAMETERS.has(name.replace(/^\$/, '').toLowerCase()) ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
  return `${cut.slice(0, at)}?${query}`;
}

/** Headers that carry credentials: never kept, not even by name. */
const CREDENTIAL_HEADERS = new Set([HEADER.authorization, HEADER.proxyAuthorization, HEADER.cookie, HEADER.setCookie].map((h) => h.toLowerCase()));
/** Request headers whose values are kept as sent; any other (`X-Api-Key`, `Ocp-Apim-Subscription-Key`, …) is REDACTED. */
const LOGGED_REQUEST_HEADERS = new Set(
  [
    HEADER.accept,
    HEADER.acceptEncoding,
    HEADER.acceptLanguage,
    HEADER.cacheControl,
    HEADER.clientRequestId,
    HEADER.connection,
    HEADER.consistencyLevel,
    HEADER.contentEncoding,
    HEADER.contentLength,
    HEADER.contentType,
    HEADER.expect,
    HEADER.host,
    HEADER.ifMatch,
    HEADER.ifNoneMatch,
    HEADER.keepAlive,
    HEADER.odataVersion,
    HEADER.origin,
    HEADER.prefer,
    HEADER.sdkVersion,
    HEADER.secFetchDest,
    HEADER.secFetchMode,
    HEADER.secFetchSite,
    HEADER.te,
    HEADER.transferEncoding,
    HEADER.upgrade,
    HEADER.userAgent,
  ].map((h) => h.toLowerCase()),
);

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function cutUtf8(text: string, max: number): string {
  if (text.length <= max / 3 || Buffer.byteLength(text) <= max) return text;
  const cut = Buffer.from(text.slice(0, max)).subarray(0, max).toString('utf8');
  // A character split at the cut decodes as U+FFFD: drop it.
  return cut.endsWith('\uFFFD') && !text.startsWith(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Request header fields as the log keeps them: credential headers left out, values kept only for the headers
 * Graph clients send routinely (`Referer` with its query redacted as a URL is), every other value REDACTED.
 */
export function requestHeadersForLog(rawHeaders: readonly string[]): LoggedHeaders {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (CREDENTIAL_HEADERS.has(lower)) continue;
    const value = rawHeaders[i + 1] ?? '';
    pairs.push([name, lower === HEADER.referer.toLowerCase() ? redactUrl(value) : LOGGED_REQUEST_HEADERS.has(lower) ? value : REDACTED]);
  }
  return boundHeaders(pairs);
}

/** Response header fields as the log keeps them (mockgraph's own, but never a cookie). */
export function responseHeadersForLog(headers: ReadonlyArray<readonly [string, string]>): LoggedHeaders {
  return boundHeaders(headers.filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())).map(([name, value]) => [name, value]));
}

/** Long values cut, and fields past MAX_LOGGED_HEADER_BYTES left out. */
function boundHeaders(pairs: Array<[string, string]>): LoggedHeaders {
  const fields: Array<[string, string]> = [];
  let bytes = 0;
  for (const [name, value] of pairs) {
    const kept: [string, string] = [cutUtf8(name, 256), value.length > MAX_LOGGED_HEADER_VALUE ? `${cutUtf8(value, MAX_LOGGED_HEADER_VALUE)}…` : value];
    bytes += Buffer.byteLength(kept[0]) + Buffer.byteLength(kept[1]);
    if (bytes > MAX_LOGGED_HEADER_BYTES) return { fields, cut: true };
    fields.push(kept);
  }
  return { fields, cut: false };
}

/** JSON property names whose values are credentials in any API: passwords, secrets, tokens, keys, signatures, cookies. */
const SENSITIVE_KEY = /passw(?:or)?d|pwd|secret|token|credential|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|signature|assertion|session[-_]?id/i;
/** A string that is a credential by its look: a JWT, or a bearer or basic authorization value. */
const CREDENTIAL_VALUE = /^\s*(?:eyJ[\w-]*\.[\w-]*|(?:bearer|basic)\s+\S)/i;

/** A string value as logged: a credential-looking one REDACTED, a URL's query redacted as the log's URLs are. */
function redactString(value: string): string {
  if (CREDENTIAL_VALUE.test(value)) return REDACTED;
  return /^https?:\/\//i.test(value) ? redactUrl(value) : value;
}

/** Thrown by the bounded writer once it has written enough. */
class Full extends Error {}

/**
 * A parsed JSON body as the log keeps it: serialized as JSON.stringify would, with the values of SENSITIVE_KEY
 * properties and credential-looking strings REDACTED, stopping once MAX_LOGGED_BODY_BYTES are written (so a
 * 1 MiB body costs 16 KiB of work, not 1 MiB).
 */
export function jsonBodyForLog(value: unknown, bytes: number, max = MAX_LOGGED_BODY_BYTES): LoggedBody {
  const parts: string[] = [];
  let length = 0;
  const emit = (s: string) => {
    // Characters are at least one byte each: past `max` characters the text is surely past `max` bytes.
    if (length + s.length > max) {
      parts.push(s.slice(0, max - length + 1));
      throw new Full();
    }
    parts.push(s);
    length += s.length;
  };
  const write = (v: unknown): void => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: () => unknown }).toJSON();
    if (typeof v === 'string') return emit(JSON.stringify(redactString(v)));
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v) ?? 'null');
    if (Array.isArray(v)) {
      emit('[');
      v.forEach((item, i) => {
        if (i > 0) emit(',');
        write(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item);
      });
      return emit(']');
    }
    emit('{');
    let first = true;
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      emit(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      if (SENSITIVE_KEY.test(key)) emit(`"${REDACTED}"`);
      else write(item);
    }
    emit('}');
  };
  try {
    write(value);
  } catch (err) {
    if (!(err instanceof Full)) throw err;
  }
  const whole = parts.join('');
  // Within `max` characters but past `max` bytes (non-ASCII text) is cut here, and flagged the same way.
  const text = cutUtf8(whole, max);
  return { bytes, text, truncated: text.length < whole.length };
}

/**
 * A body that is not (or not valid) JSON as the log keeps it: its first MAX_LOGGED_BODY_BYTES as UTF-8, with
 * `"<sensitive key>": "…"` values, JWTs and bearer or basic credentials replaced by REDACTED.
 */
export function textBodyForLog(head: Buffer | string, bytes: number, max = MAX_LOGGED_BODY_BYTES): LoggedBody {
  const raw = typeof head === 'string' ? head.slice(0, max + 1) : head.subarray(0, max + 4).toString('utf8');
  const text = raw
    // Key and scalar value in one match, so that the scan walks pair by pair (an object value is walked into);
    // keys are bounded, so the scan stays linear.
    .replace(/"((?:[^"\\]|\\.){0,200})"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,{}[\]\s"]+)/g, (pair, key: string, colon: string) => (SENSITIVE_KEY.test(key) ? `"${key}"${colon}"${REDACTED}"` : pair))
    .replace(/\b(bearer|basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`)
    .replace(/eyJ[\w-]*(?:\.[\w-]*)+/g, REDACTED);
  const kept = cutUtf8(text, max);
  return { bytes, text: kept, truncated: bytes > max || kept.length < text.length };
}

/** A body that was never read (refused before parsing): its size, no text. */
export function unreadBodyForLog(bytes: number): LoggedBody {
  return { bytes, text: '', truncated: true };
}
