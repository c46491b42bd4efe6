import { toInstant } from '../../server/src/index';
import type { BlockAnnotation, DocResponse } from './doc-page';
import type { ActualResponse } from './replay';
import { servedTypeDifference } from './served-type';

/** One disagreement between the doc and the server, located by JSON path. */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
  message: string;
  /** Set when the doc shows a property the served type does not declare and the answer lacks: not a server fault. */
  notServed?: { type: string; property: string };
}

/** What the matcher needs to know about the model, supplied by the caller. */
export interface MatchContext {
  /** Validates a body against the schema of its `@odata.type`; returns messages. */
  validateBody(odataType: string, body: unknown): string[];
  /** Property names that hold server-assigned keys (compared as present, non-empty strings). */
  keyProperties: ReadonlySet<string>;
  /**
   * The properties of a doc value that its type's schema refuses (Graph's pages write `"severity": "severity-value"`
   * for an enum), each with the declared spelling a server answers it by: only their presence can be checked.
   */
  placeholders?(odataType: string, docValue: unknown): ReadonlyMap<string, string>;
  /** Whether the served type declares a property (inherited ones included, any casing); undefined for a type it does not know. */
  declares?(odataType: string, property: string): boolean | undefined;
}

/** Graph's type placeholders: `"String"`, `"String (identifier)"`, `"Int32"`, `"Edm.Boolean"`, `"@odata.type: microsoft.graph.x"`. */
const TYPE_PLACEHOLDER = /^(?:(?:Edm\.)?(String|Guid|Date|DateTimeOffset|TimeOfDay|Duration|Binary|Int16|Int32|Int64|Byte|SByte|Single|Double|Decimal|Boolean)(?:\s*\([^)]*\))?|@odata\.type:\s*\S+)$/i;

/** The JSON kind a type placeholder stands for (`any` for a complex type), or undefined for a real value. */
export function placeholderKind(value: string): 'string' | 'number' | 'boolean' | 'any' | undefined {
  const m = TYPE_PLACEHOLDER.exec(value.trim());
  if (!m) return undefined;
  const type = (m[1] ?? '').toLowerCase();
  if (type === '') return 'any';
  if (type === 'boolean') return 'boolean';
  return /^(int16|int32|int64|byte|sbyte|single|double|decimal)$/.test(type) ? 'number' : 'string';
}

/** Stands for a doc value that no server could answer (a placeholder): the property must be present, with any value. */
const ANY_VALUE = Symbol('any value');

/**
 * A created entity's values that the doc's own request does not determine are the server's to set: a property the
 * request did not send (a stamped tenant id, a default), or one the doc shows changed from what was sent (Graph
 * normalising `BlockIp` to `blockIp`). The doc shows its own tenant's values, so only their presence is checked.
 */
function serverAssigned(docBody: unknown, status: number, sent: unknown): unknown {
  if (status !== 201 || typeof docBody !== 'object' || docBody === null || Array.isArray(docBody) || typeof sent !== 'object' || sent === null || Array.isArray(sent)) return docBody;
  const request = sent as Record<string, unknown>;
  const determined = (k: string, v: unknown) => k in request && JSON.stringify(request[k]) === JSON.stringify(v);
  return Object.fromEntries(Object.entries(docBody).map(([k, v]) => [k, k.startsWith('@') || determined(k, v) ? v : ANY_VALUE]));
}

/** The doc value with its placeholders replaced by {@link ANY_VALUE}, under the spelling the schema declares. */
function withPlaceholders(docValue: unknown, odataType: string | undefined, ctx: MatchContext): unknown {
  if (!odataType || !ctx.placeholders || typeof docValue !== 'object' || docValue === null || Array.isArray(docValue)) return docValue;
  const found = ctx.placeholders(odataType, docValue);
  if (found.size === 0) return docValue;
  return Object.fromEntries(Object.entries(docValue).map(([k, v]) => (found.has(k) ? [found.get(k) ?? k, ANY_VALUE] : [k, v])));
}

/**
 * The doc entity without what the served type cannot answer, each such property a `notServed` mismatch. The doc then
 * documents another version of the type, so a complete (`truncated: false`) body leaving out declared properties the
 * answer carries is the same difference, not unexpected properties: they are checked for presence only, and noted.
 */
function servedPart(docValue: unknown, actualValue: unknown, odataType: string | undefined, subset: boolean, ctx: MatchContext, path: string, out: Mismatch[], notes?: string[]): unknown {
  const diff = odataType === undefined ? undefined : servedTypeDifference(docValue, actualValue, odataType, ctx);
  if (!diff || odataType === undefined) return docValue;
  for (const { property, value } of diff.notServed) {
    out.push({ ...mismatch(`${path}[${JSON.stringify(property)}]`, value, undefined, `not served: ${odataType} declares no '${property}' and the answer has none`), notServed: { type: odataType, property } });
  }
  if (subset || diff.omitted.length === 0) return diff.doc;
  const note = `the doc marks its body complete (truncated: false) but leaves out what ${odataType} declares and the answer carries (${diff.omitted.join(', ')}): only their presence was checked`;
  if (notes && !notes.includes(note)) notes.push(note);
  return { ...diff.doc, ...Object.fromEntries(diff.omitted.map((k) => [k, ANY_VALUE])) };
}

/** A comparable form of an ISO 8601 date-time with offset (the server's own parser): UTC seconds and nanoseconds. */
export function instantKey(value: string): string | undefined {
  const instant = toInstant(value);
  return instant && `${instant.seconds}.${instant.nanos}`;
}

/** `@odata.type` values compare case-insensitively, with or without the leading `#`. */
export function sameODataType(a: string, b: string): boolean {
  const norm = (s: string) => (s.startsWith('#') ? s.slice(1) : s).toLowerCase();
  return norm(a) === norm(b);
}

/** ` (code: message)` when a body is a Graph error, so a status mismatch says what the server objected to. */
function graphErrorOf(bodyText: string): string {
  try {
    const error = (JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === 'string') return ` (${error.code}${typeof error.message === 'string' ? `: ${error.message.slice(0, 300)}` : ''})`;
  } catch {
    // Not JSON: the status says enough.
  }
  return '';
}

function mediaType(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function show(v: unknown): string {
  if (v === ANY_VALUE) return 'a value (the doc shows a placeholder)';
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
  if (expected === ANY_VALUE) return;
  if (typeof expected === 'string') {
    const kind = placeholderKind(expected);
    if (kind !== undefined) {
      if (actual !== null && kind !== 'any' && typeof actual !== kind) out.push(mismatch(path, `a ${kind} (the doc shows the type placeholder ${JSON.stringify(expected)})`, actual, 'different kind of value'));
      return;
    }
  }
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
      // Control information the doc leaves out (`@odata.context`, a nested `@odata.type`) is not a property it forbids.
      // A null is what Graph answers for a property that is not set, which a doc's example may leave out.
      for (const k of Object.keys(a)) if (!(k in expected) && !k.startsWith('@') && a[k] !== null) out.push(mismatch(`${path}[${JSON.stringify(k)}]`, undefined, a[k], 'unexpected property'));
    }
    return;
  }
  if (!Object.is(expected, actual)) out.push(mismatch(path, expected, actual, 'different value'));
}

/** The segments of a context URL's fragment, lower-cased, key predicates dropped (`a('x')/b/$entity` → a, b, $entity). */
function fragmentSegments(url: string): string[] {
  return (url.split('#')[1] ?? '').toLowerCase().split('/').filter((s) => s !== '').map((s) => s.replace(/\(.*\)$/, ''));
}

/**
 * Context URLs name the same thing whatever host serves them, and Graph's pages often shorten the path of a set
 * contained in a singleton (`conditionalAccess/namedLocations` for `identity/conditionalAccess/namedLocations`) or
 * use another path of it: the fragments agree when one's segments end the other's.
 */
export function sameContext(expected: string, actual: string): boolean {
  const [doc, got] = [fragmentSegments(expected), fragmentSegments(actual)];
  if (doc.length === 0) return true;
  const [shorter, longer] = doc.length <= got.length ? [doc, got] : [got, doc];
  return shorter.length > 0 && shorter.every((s, i) => s === longer[longer.length - shorter.length + i]);
}

/** Control information whose value depends on the server's data and address: only its presence and kind are checked. */
function compareControlInformation(key: string, expected: unknown, actual: unknown, out: Mismatch[]): boolean {
  const path = `$[${JSON.stringify(key)}]`;
  if (key === '@odata.count') {
    if (!(Number.isInteger(actual) && (actual as number) >= 0)) out.push(mismatch(path, 'a non-negative integer', actual, 'bad count'));
    return true;
  }
  if (key === '@odata.nextLink' || key === '@odata.context') {
    if (typeof actual !== 'string') return out.push(mismatch(path, expected, actual, 'missing link')), true;
    if (key === '@odata.context' && typeof expected === 'string' && !sameContext(expected, actual)) out.push(mismatch(path, expected, actual, 'different context'));
    return true;
  }
  return false;
}

function schemaProblems(odataType: string, value: unknown, path: string, ctx: MatchContext): Mismatch[] {
  return ctx.validateBody(odataType, value).map((message) => ({ path, expected: odataType, actual: value, message: `${path}: schema ${odataType}: ${message}` }));
}

/**
 * Matches an actual response against the doc's response block and its annotation: status, the headers the doc
 * shows, and the body (`truncated`: the doc's body as a subset; `isCollection`/`collectionProperty`: an array
 * whose items are checked against the schema, compared item by item only when not truncated; `isEmpty`: no
 * body; `expectError`: a Graph error with the doc's code). Every JSON body is validated against the schema of
 * its `@odata.type`. `sent` is the request body that was sent: a 201's properties it did not carry are compared by presence.
 * Properties the doc shows but the served type lacks are `notServed` mismatches; `notes` collects what was relaxed.
 */
export function matchResponse(expected: DocResponse, annotation: BlockAnnotation, actual: ActualResponse, ctx: MatchContext, sent?: unknown, notes?: string[]): Mismatch[] {
  const out: Mismatch[] = [];
  if (expected.status !== actual.status) {
    const m = mismatch('status', expected.status, actual.status, 'different status');
    out.push({ ...m, message: m.message + graphErrorOf(actual.bodyText) });
    // An error where the doc shows success: its body is the error, and comparing it property by property is noise.
    if (actual.status >= 400 && expected.status < 400) return out;
  }
  for (const [name, value] of expected.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length') continue;
    const got = actual.headers[lower];
    const same = got !== undefined && (lower === 'content-type' ? mediaType(got) === mediaType(value) : got === value);
    if (!same) out.push(mismatch(`headers.${name}`, value, got, 'different header'));
  }
  if (annotation.isEmpty === true || (expected.bodyText === '' && expected.status === 204)) {
    if (actual.bodyText !== '') out.push(mismatch('$', '', actual.bodyText.slice(0, 200), 'expected no body'));
    return out;
  }
  if (expected.bodyText === '' || expected.bodyProblem !== undefined) return out;
  let body: unknown;
  try {
    body = JSON.parse(actual.bodyText) as unknown;
  } catch {
    out.push(mismatch('$', expected.body, actual.bodyText.slice(0, 200), 'body is not JSON'));
    return out;
  }
  if (annotation.expectError === true) {
    out.push(...schemaProblems('odata.error', body, '$', ctx));
    const code = (expected.body as { error?: { code?: unknown } } | undefined)?.error?.code;
    const got = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
    if (code !== undefined && code !== got) out.push(mismatch('$["error"]["code"]', code, got, 'different error code'));
    return out;
  }
  const odataType = typeof annotation['@odata.type'] === 'string' ? annotation['@odata.type'] : undefined;
  const truncated = annotation.truncated === true;
  if (annotation.isCollection === true) {
    const property = typeof annotation.collectionProperty === 'string' ? annotation.collectionProperty : 'value';
    const items = (body as Record<string, unknown> | null)?.[property];
    if (!Array.isArray(items)) return [...out, mismatch(`$[${JSON.stringify(property)}]`, 'an array', items, 'expected a collection')];
    if (odataType) items.forEach((item, i) => out.push(...schemaProblems(odataType, item, `$[${JSON.stringify(property)}][${i}]`, ctx)));
    const docItems = (expected.body as Record<string, unknown> | undefined)?.[property];
    if (Array.isArray(docItems) && docItems.length > 0 && items.length === 0) out.push(mismatch(`$[${JSON.stringify(property)}]`, `${docItems.length} item(s)`, [], 'empty collection'));
    const rest = { ...(expected.body as Record<string, unknown>) };
    delete rest[property];
    compareTopLevel(rest, body, ctx, out, true);
    const at = `$[${JSON.stringify(property)}]`;
    if (!truncated) compareJson(Array.isArray(docItems) ? docItems.map((d, i) => withPlaceholders(servedPart(d, items[i], odataType, false, ctx, `${at}[${i}]`, out, notes), odataType, ctx)) : docItems, items, at, false, ctx, out);
    return out;
  }
  const served = servedPart(expected.body, body, odataType, truncated, ctx, '$', out, notes);
  compareTopLevel(serverAssigned(withPlaceholders(served, odataType, ctx), expected.status, sent), body, ctx, out, truncated);
  if (odataType) out.push(...schemaProblems(odataType, body, '$', ctx));
  return out;
}

/** compareJson for a top-level body, with control information compared by kind. */
function compareTopLevel(expected: unknown, actual: unknown, ctx: MatchContext, out: Mismatch[], subset: boolean): void {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected) || typeof actual !== 'object' || actual === null) {
    compareJson(expected, actual, '$', subset, ctx, out);
    return;
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(expected)) {
    if (!(k in actual) || !compareControlInformation(k, v, (actual as Record<string, unknown>)[k], out)) rest[k] = v;
  }
  const actualRest = Object.fromEntries(Object.entries(actual).filter(([k]) => !(k in expected) || k in rest || !k.startsWith('@odata.')));
  compareJson(rest, actualRest, '$', subset, ctx, out);
}
