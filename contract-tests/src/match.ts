import type { BlockAnnotation, DocResponse } from './load';
import type { ActualResponse } from './replay';

/** One disagreement between the doc and the server, located by JSON path. */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
  message: string;
}

/** What the matcher needs to know about the model, supplied by the caller. */
export interface MatchContext {
  /** Validates a body against the schema of its `@odata.type`; returns messages. */
  validateBody(odataType: string, body: unknown): string[];
  /** Property names that hold server-assigned keys (compared as present, non-empty strings). */
  keyProperties: ReadonlySet<string>;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/** A comparable form of an ISO 8601 date-time with offset: whole UTC seconds plus nine fractional digits. */
export function instantKey(value: string): string | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return `${seconds}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

/** `@odata.type` values compare case-insensitively, with or without the leading `#`. */
export function sameODataType(a: string, b: string): boolean {
  const norm = (s: string) => (s.startsWith('#') ? s.slice(1) : s).toLowerCase();
  return norm(a) === norm(b);
}

function mediaType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function mismatch(path: string, expected: unknown, actual: unknown, why: string): Mismatch {
  return { path, expected, actual, message: `${path}: ${why}: expected ${show(expected)}, got ${show(actual)}` };
}

/**
 * Compares a doc value with the actual one. With `subset`, objects may carry more properties than
 * the doc shows (a `truncated` response); arrays still match item by item.
 */
export function compareJson(expected: unknown, actual: unknown, path: string, subset: boolean, ctx: MatchContext, out: Mismatch[]): void {
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (expected === actual) return;
    const [ek, ak] = [instantKey(expected), instantKey(actual)];
    if (ek !== undefined && ek === ak) return;
    if (path.endsWith('["@odata.type"]') && sameODataType(expected, actual)) return;
    out.push(mismatch(path, expected, actual, 'different value'));
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return void out.push(mismatch(path, expected, actual, 'expected an array'));
    if (expected.length !== actual.length) out.push(mismatch(path, expected.length, actual.length, 'different number of items'));
    expected.forEach((item, i) => compareJson(item, actual[i], `${path}[${i}]`, subset, ctx, out));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return void out.push(mismatch(path, expected, actual, 'expected an object'));
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) {
      const p = `${path}[${JSON.stringify(k)}]`;
      if (!(k in a)) out.push(mismatch(p, v, undefined, 'missing property'));
      else if (ctx.keyProperties.has(k)) {
        if (typeof a[k] !== 'string' || a[k] === '') out.push(mismatch(p, 'a server-assigned string key', a[k], 'missing key'));
      } else compareJson(v, a[k], p, subset, ctx, out);
    }
    if (!subset) {
      for (const k of Object.keys(a)) if (!(k in expected)) out.push(mismatch(`${path}[${JSON.stringify(k)}]`, undefined, a[k], 'unexpected property'));
    }
    return;
  }
  if (!Object.is(expected, actual)) out.push(mismatch(path, expected, actual, 'different value'));
}

/** Matches an actual response against the doc's response block and its annotation. */
export function matchResponse(expected: DocResponse, annotation: BlockAnnotation, actual: ActualResponse, ctx: MatchContext): Mismatch[] {
  const out: Mismatch[] = [];
  if (expected.status !== actual.status) out.push(mismatch('status', expected.status, actual.status, 'different status'));
  for (const [name, value] of expected.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    const got = actual.headers[lower];
    const same = got !== undefined && (lower === 'content-type' ? mediaType(got) === mediaType(value) : got === value);
    if (!same) out.push(mismatch(`headers.${name}`, value, got, 'different header'));
  }
  if (expected.bodyText === '') return out;
  let body: unknown;
  try {
    body = JSON.parse(actual.bodyText) as unknown;
  } catch {
    out.push(mismatch('$', expected.body, actual.bodyText, 'body is not JSON'));
    return out;
  }
  compareJson(expected.body, body, '$', annotation.truncated === true, ctx, out);
  const odataType = annotation['@odata.type'];
  if (typeof odataType === 'string') {
    for (const message of ctx.validateBody(odataType, body)) out.push({ path: '$', expected: odataType, actual: body, message: `schema ${odataType}: ${message}` });
  }
  return out;
}
