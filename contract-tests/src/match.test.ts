import type { DocResponse } from './doc-page';
import type { MatchContext } from './match';
import { instantKey, matchResponse, sameContext } from './match';

const ctx: MatchContext = { keyProperties: new Set(['id']), validateBody: () => [] };
const expected = (body: unknown, status = 201): DocResponse => ({ status, headers: [['Content-Type', 'application/json'], ['Content-Length', '1246']], bodyText: JSON.stringify(body), body });
const actual = (body: unknown, status = 201, contentType = 'application/json;odata.metadata=minimal') => ({ status, headers: { 'content-type': contentType, 'content-length': '1' }, bodyText: JSON.stringify(body) });
const messages = (doc: DocResponse, got: ReturnType<typeof actual>, truncated = true) => matchResponse(doc, { truncated }, got, ctx).map((m) => m.message);

describe('matchResponse', () => {
  test('status must match exactly', () => {
    expect(messages(expected({}), actual({}, 200))).toEqual(['status: different status: expected 201, got 200']);
  });

  test('Content-Type compares by media type, Content-Length is ignored', () => {
    expect(messages(expected({}), actual({}))).toEqual([]);
    expect(messages(expected({}), actual({}, 201, 'text/plain'))).toEqual(['headers.Content-Type: different header: expected "application/json", got "text/plain"']);
  });

  test('truncated: the doc body is a subset; otherwise extra properties are reported', () => {
    expect(messages(expected({ a: 1 }), actual({ a: 1, b: 2 }))).toEqual([]);
    expect(messages(expected({ a: 1 }), actual({ a: 1, b: 2 }), false)).toEqual(['$["b"]: unexpected property: expected nothing, got 2']);
  });

  test('the server-assigned id only has to be present and a string', () => {
    expect(messages(expected({ id: 'doc-id' }), actual({ id: 'other' }))).toEqual([]);
    expect(messages(expected({ id: 'doc-id' }), actual({}))).toEqual(['$["id"]: missing property: expected "doc-id", got nothing']);
    expect(messages(expected({ id: 'doc-id' }), actual({ id: 5 }))).toEqual(['$["id"]: missing key: expected "a server-assigned string key", got 5']);
  });

  test('@odata.type compares case-insensitively, with or without #', () => {
    expect(messages(expected({ x: { '@odata.type': 'microsoft.graph.ipCategory' } }), actual({ x: { '@odata.type': '#Microsoft.Graph.IpCategory' } }))).toEqual([]);
    expect(messages(expected({ '@odata.type': '#a.b' }), actual({ '@odata.type': '#a.c' }))).toHaveLength(1);
  });

  test('date-times compare as instants', () => {
    expect(messages(expected({ t: '2016-12-31T23:57:27.0365895+03:00' }), actual({ t: '2016-12-31T20:57:27.03658950Z' }))).toEqual([]);
    expect(messages(expected({ t: '2016-12-31T23:57:27.0365895+03:00' }), actual({ t: '2016-12-31T23:57:27.0365895Z' }))).toHaveLength(1);
    expect(instantKey('not a date')).toBeUndefined();
  });

  test('a failure names the JSON path, the expected and the actual value', () => {
    expect(messages(expected({ list: [{ n: 'a' }] }), actual({ list: [{ n: 'b' }] }))).toEqual(['$["list"][0]["n"]: different value: expected "a", got "b"']);
  });

  test('schema problems of the actual body are reported', () => {
    const strict: MatchContext = { ...ctx, validateBody: () => ['countHits: expected Int32'] };
    const out = matchResponse(expected({}), { '@odata.type': 'microsoft.graph.ipSecurityProfile' }, actual({}), strict);
    expect(out.map((m) => m.message)).toEqual(['$: schema microsoft.graph.ipSecurityProfile: countHits: expected Int32']);
  });

  test("type placeholders are a value of that type; control information and nulls the doc leaves out are not unexpected", () => {
    const doc = expected({ name: 'String', at: 'String (timestamp)', count: 'Int32', on: 'Boolean', vendor: '@odata.type: microsoft.graph.x' }, 200);
    expect(messages(doc, actual({ '@odata.context': 'x', name: 'n', at: '2020-01-01T00:00:00Z', count: 3, on: true, vendor: { a: 1 }, extra: null }, 200), false)).toEqual([]);
    expect(messages(doc, actual({ name: 1, at: 'x', count: 'three', on: null, vendor: {} }, 200), false)).toEqual([
      '$["name"]: different kind of value: expected "a string (the doc shows the type placeholder \\"String\\")", got 1',
      '$["count"]: different kind of value: expected "a number (the doc shows the type placeholder \\"Int32\\")", got "three"',
    ]);
  });

  test("a property the served type does not declare and the answer lacks is not served; a complete body's omissions are then checked for presence", () => {
    const typed: MatchContext = { ...ctx, declares: (type, p) => (type === 'microsoft.graph.t' ? ['id', 'a', 'b', 'severity'].includes(p.trim().toLowerCase()) : undefined) };
    const match = (body: unknown, got: unknown, truncated: boolean, odataType = 'microsoft.graph.t') => {
      const notes: string[] = [];
      const out = matchResponse(expected(body, 200), { truncated, '@odata.type': odataType }, actual(got, 200), typed, undefined, notes);
      return [out.map((m) => [m.message, m.notServed]), notes];
    };
    expect(match({ a: 1, asn: 3 }, { a: 1, b: 2 }, false)).toEqual([
      [["$[\"asn\"]: not served: microsoft.graph.t declares no 'asn' and the answer has none: expected 3, got nothing", { type: 'microsoft.graph.t', property: 'asn' }]],
      ["the doc marks its body complete (truncated: false) but leaves out what microsoft.graph.t declares and the answer carries (b): only their presence was checked"],
    ]);
    // The declared properties still compare; an undeclared one the answer carries (an open type) compares too.
    expect(match({ a: 1, asn: 3 }, { a: 2, asn: 4 }, true)[0]).toEqual([['$["a"]: different value: expected 1, got 2', undefined], ['$["asn"]: different value: expected 3, got 4', undefined]]);
    // Without a not-served property, or for a type the context does not know, nothing changes.
    expect(match({ a: 1 }, { a: 1, b: 2 }, false)[0]).toEqual([['$["b"]: unexpected property: expected nothing, got 2', undefined]]);
    expect(match({ asn: 3 }, {}, true, 'microsoft.graph.other')[0]).toEqual([['$["asn"]: missing property: expected 3, got nothing', undefined]]);
    // Another spelling of a declared property is not a lacking one.
    expect(match({ Severity: 'high' }, {}, true)[0]).toEqual([['$["Severity"]: missing property: expected "high", got nothing', undefined]]);
  });

  test('a status mismatch names the Graph error the server answered', () => {
    const got = { status: 400, headers: {}, bodyText: JSON.stringify({ error: { code: 'BadRequest', message: 'Invalid request body: x: required property is missing.' } }) };
    expect(matchResponse(expected({}), {}, got, ctx)[0]?.message).toBe('status: different status: expected 201, got 400 (BadRequest: Invalid request body: x: required property is missing.)');
  });

  test('a doc body that is not JSON: status and headers are still checked, the body is not', () => {
    const doc: DocResponse = { ...expected({}, 200), bodyText: '{ "id": "x", ... }', body: undefined, bodyProblem: 'body is not valid JSON' };
    expect(messages(doc, actual({ anything: 1 }, 200))).toEqual([]);
    expect(messages(doc, actual({ anything: 1 }, 404))).toEqual(['status: different status: expected 200, got 404']);
  });

  test('context fragments agree when one ends the other (a shortened or other path of the same set)', () => {
    const root = 'https://graph.microsoft.com/beta/$metadata#';
    expect(sameContext(`${root}conditionalAccess/namedLocations`, 'http://h/beta/$metadata#identity/conditionalAccess/namedLocations')).toBe(true);
    expect(sameContext(`${root}namedLocations/$entity`, 'http://h/beta/$metadata#identity/conditionalAccess/namedLocations/$entity')).toBe(true);
    expect(sameContext(`${root}solutions/bookingBusinesses('x')/customers/$entity`, 'http://h/beta/$metadata#bookingBusinesses/customers/$entity')).toBe(true);
    expect(sameContext(`${root}security/ipSecurityProfiles/$entity`, 'http://h/beta/$metadata#security/ipSecurityProfiles')).toBe(false);
    expect(sameContext(`${root}security/alerts`, 'http://h/beta/$metadata#security/ipSecurityProfiles')).toBe(false);
  });
});

