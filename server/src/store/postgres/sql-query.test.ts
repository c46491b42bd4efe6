import { derivedSchemaDir, MOTION, SENSOR, THERMAL, WALL, CEILING } from '../../../test/derived-schemas';
import { describePostgres, QueryTable } from '../../../test/support/postgres';
import type { TestDatabase } from '../../../test/support/postgres';
import { RECORDED_TYPE } from '../../graph/derived-types';
import { toStoredEntity } from '../../graph/entity-shape';
import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import { loadGraphDefinition } from '../../graph/registry';
import type { CollectionQuery } from '../../odata/query/ast';
import { EvaluationClock, evaluationControl, matchingEntities } from '../../odata/query/evaluate';
import type { QueryOptionName } from '../../odata/query/parse';
import { parseCollectionQuery, parseOrderBy } from '../../odata/query/parse';
import { sortEntities } from '../../odata/query/sort';
import { generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { compileOrder, compileWhere, indexStatements, keysetAfter, orderByClause, SqlParams } from './sql-query';

const { model } = loadGraphDefinition();
const PROFILE = model.resolveType('microsoft.graph.ipSecurityProfile')!;
const INDICATOR = model.resolveType('microsoft.graph.tiIndicator')!;
const derived = loadGraphDefinition([derivedSchemaDir()]).model;

const profile = (id: string, p: Record<string, unknown>) => toStoredEntity(p, id, PROFILE, model);

/** Profiles chosen for nulls, casing, instants written in several offsets, numbers against their text, and collections. */
const PROFILES: Entity[] = [
  profile('a', { address: '10.0.0.1', countHits: 5, firstSeenDateTime: '2016-12-31T23:57:27.0365895+03:00', tags: ['x', 'y'], ipCategories: [{ name: 'Botnet' }], vendorInformation: { provider: 'Contoso' }, riskScore: '10' }),
  profile('b', { address: '10.0.0.2', countHits: 50, firstSeenDateTime: '2016-12-31T20:00:00Z', tags: [], ipCategories: [], vendorInformation: { provider: 'Fabrikam' }, riskScore: null }),
  profile('c', { address: null, countHits: null, firstSeenDateTime: null, tags: ['y', null], ipCategories: [{ name: 'TOR' }, { name: 'Botnet' }], vendorInformation: null, riskScore: "O'Brien" }),
  profile('d', { address: 'host.EXAMPLE.com', countHits: 0, firstSeenDateTime: '2017-01-01T00:00:00Z', tags: ['x'], ipCategories: [{ name: null }], vendorInformation: { provider: 'contoso' }, riskScore: '9' }),
  profile('e', { address: 'STRASSE ΟΔΟΣ', countHits: 9, firstSeenDateTime: '2016-12-31T20:57:27.0365895Z', tags: ['Straße'], ipCategories: [null], vendorInformation: { provider: 'İstanbul' }, riskScore: '' }),
  profile('f', { address: "it's a \\ 'quoted' value", countHits: 50, lastSeenDateTime: '2016-12-31T20:57:27.03658951Z', tags: ['x', 'x'], vendorInformation: { provider: 'Contoso', subProvider: 'a😀' } }),
];

const indicator = (id: string, p: Record<string, unknown>) => toStoredEntity(p, id, INDICATOR, model);
const INDICATORS: Entity[] = [
  indicator('i1', { tlpLevel: 'green', threatType: 'Botnet', isActive: true, killChain: ['C2', 'Delivery'], confidence: 10, fileSize: 9007199254740991 }),
  indicator('i2', { tlpLevel: 'red', threatType: 'WatchList', isActive: false, killChain: [], confidence: 90 }),
  indicator('i3', { tlpLevel: null, threatType: null, isActive: null, killChain: ['Actions'], confidence: null }),
  indicator('i4', { tlpLevel: 'white', threatType: 'C2', isActive: true, killChain: ['Reconnaissance'], confidence: 10.5 }),
  // A member another writer stored in another spelling: not a member, so it sorts before every member.
  { ...indicator('i5', { threatType: 'Botnet', confidence: -0.5 }), tlpLevel: 'GREEN' },
];

const sensorType = derived.resolveType(SENSOR)!;
const sensor = (id: string, p: Record<string, unknown>) => toStoredEntity(p, id, sensorType, derived);
const SENSORS: Entity[] = [
  sensor('s1', { '@odata.type': `#${THERMAL}`, displayName: 'Boiler', maxCelsius: 80, calibrated: true, mounts: [{ '@odata.type': `#${WALL}`, label: 'north', heightCm: 4 }, { label: 'plain' }] }),
  sensor('s2', { '@odata.type': `#${MOTION}`, displayName: 'Hall', sensitivity: 3, zones: ['door'], placement: { '@odata.type': `#${CEILING}`, label: 'middle', room: 'Hall' } }),
  sensor('s3', { displayName: 'Base', tags: ['thermal'] }),
  sensor('s4', { '@odata.type': `#${THERMAL}`, displayName: null, maxCelsius: 20, calibrated: false, mounts: [{ '@odata.type': `#${CEILING}`, label: 'Attic', room: 'North' }] }),
  { ...sensor('s5', { '@odata.type': `#${MOTION}`, displayName: 'Odd', placement: { '@odata.type': `#${WALL}`, label: 'x', heightCm: 2 } }), [RECORDED_TYPE]: '#MICROSOFT.GRAPH.MOTIONSENSOR' },
];

interface Set {
  name: string;
  type: StructuredTypeModel;
  model: GraphModel;
  data: Entity[];
}
const SETS: Record<string, Set> = {
  profiles: { name: 'profiles', type: PROFILE, model, data: PROFILES },
  indicators: { name: 'indicators', type: INDICATOR, model, data: INDICATORS },
  sensors: { name: 'sensors', type: sensorType, model: derived, data: SENSORS },
};

function parse(set: Set, options: Partial<Record<QueryOptionName, string>>, cast?: string): CollectionQuery {
  return parseCollectionQuery(new Map(Object.entries(options) as Array<[QueryOptionName, string]>), 'collection', set.type, set.model, cast ? set.model.resolveType(cast) : undefined);
}

async function engine(set: Set, query: CollectionQuery): Promise<string[]> {
  const clock = new EvaluationClock(evaluationControl({ budgetMs: 1e9, sliceMs: 1e9 }));
  const type = query.cast ? set.model.resolveType(query.cast.type)! : set.type;
  return sortEntities(await matchingEntities(set.data, query, type, set.model, clock), query.orderby).map((e) => e.id);
}

describePostgres('the query compiler, construct by construct, against PostgreSQL', (pg) => {
  let db: TestDatabase;
  let table: QueryTable;
  beforeAll(async () => {
    db = await pg.createDatabase();
    table = await QueryTable.open(db.url);
    for (const set of Object.values(SETS)) await table.load(set.name, set.data);
  });
  afterAll(async () => {
    await table.close();
    await db.drop();
  });

  /** The ids PostgreSQL selects, after checking that they are the engine's (in the same order). */
  async function ids(setName: string, options: Partial<Record<QueryOptionName, string>>, cast?: string): Promise<string[]> {
    const set = SETS[setName]!;
    const query = parse(set, options, cast);
    const params = new SqlParams();
    const type = query.cast ? set.model.resolveType(query.cast.type)! : set.type;
    const where = compileWhere(query, type, set.model, params);
    const got = await table.ids(set.name, where, orderByClause(compileOrder(query.orderby, type, set.model)), params.values);
    expect({ options, ids: got }).toEqual({ options, ids: await engine(set, query) });
    return got;
  }
  const filter = (f: string, orderby?: string) => ids('profiles', orderby ? { filter: f, orderby } : { filter: f });

  test('comparisons with null: only null equals null, ne is its negation, ordering with null holds for nothing', async () => {
    expect(await filter('address eq null')).toEqual(['c']);
    expect(await filter('address ne null')).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(await filter('countHits gt null')).toEqual([]);
    expect(await filter('null eq vendorInformation/provider')).toEqual(['c']);
    expect(await filter('lastSeenDateTime eq null')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await filter("vendorInformation/subProvider ne 'x'")).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await filter('not (countHits lt 10)')).toEqual(['b', 'c', 'f']);
    expect(await filter('address eq riskScore')).toEqual([]);
    expect(await filter('vendorInformation/subProvider eq vendorInformation/providerVersion')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  test('numbers compare as numbers, strings in ordinal order', async () => {
    expect(await filter('countHits gt 9')).toEqual(['b', 'f']);
    expect(await filter("riskScore gt '9'")).toEqual(['c']);
    expect(await filter("riskScore lt '9'")).toEqual(['a', 'e']);
    expect(await filter("address lt 'a'")).toEqual(['a', 'b', 'e']);
    expect(await filter('countHits ge -1e999')).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(await filter('countHits le -1e999')).toEqual([]);
    expect(await filter('countHits in (50, 9, null, -1e999)')).toEqual(['b', 'c', 'e', 'f']);
  });

  test('DateTimeOffsets compare as instants, to the nanosecond; a literal that is no instant reads as null', async () => {
    expect(await filter('firstSeenDateTime eq 2016-12-31T20:57:27.0365895Z')).toEqual(['a', 'e']);
    expect(await filter('firstSeenDateTime eq 2016-12-31T23:57:27.0365895+03:00')).toEqual(['a', 'e']);
    expect(await filter('firstSeenDateTime lt 2016-12-31T20:57:27.03658951Z')).toEqual(['a', 'b', 'e']);
    expect(await filter('lastSeenDateTime gt 2016-12-31T20:57:27.0365895Z')).toEqual(['f']);
    expect(await filter('firstSeenDateTime eq 2020-13-01T00:00:00Z')).toEqual(['c', 'f']);
    expect(await filter('firstSeenDateTime in (2017-01-01T01:00:00+01:00, 2016-12-31T20:00:00.000Z)')).toEqual(['b', 'd']);
  });

  test("case-insensitive functions are JavaScript's: tolower, toupper (ß, final sigma, İ), startswith, endswith, contains", async () => {
    expect(await filter("contains(tolower(address), 'example')")).toEqual(['d']);
    expect(await filter("toupper(tags/any(t: t eq 'x') eq true) eq 'X'").catch((e: Error) => e.message)).toMatch(/takes Edm.String arguments/);
    expect(await filter("tags/any(t: toupper(t) eq 'STRASSE')")).toEqual(['e']);
    expect(await filter("tolower(address) eq 'strasse οδος'")).toEqual(['e']);
    expect(await filter("startswith(tolower(vendorInformation/provider), 'i̇')")).toEqual(['e']);
    expect(await filter("startswith(vendorInformation/provider, 'Con')")).toEqual(['a', 'f']);
    expect(await filter("endswith(address, '.com')")).toEqual(['d']);
    expect(await filter("endswith(vendorInformation/subProvider, '😀')")).toEqual(['f']);
    expect(await filter("contains(address, '')")).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(await filter('startswith(address, null)')).toEqual([]);
    expect(await filter('not startswith(address, null)')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await filter("contains('10.0.0.1 10.0.0.2', address)")).toEqual(['a', 'b']);
    expect(await filter("startswith(address, 'a') eq null")).toEqual(['c']);
  });

  test('in, or-chains of eq (grouped into = ANY) and not', async () => {
    expect(await filter("riskScore in ('10', null, '9', '9')")).toEqual(['a', 'b', 'd', 'f']);
    expect(await filter("vendorInformation/provider eq 'Contoso' or vendorInformation/provider eq 'contoso' or 'x' eq vendorInformation/provider or countHits eq 0")).toEqual(['a', 'd', 'f']);
    expect(await filter("not (address in ('10.0.0.1'))")).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(await filter("('a' in ('a', 'b')) and countHits eq 5")).toEqual(['a']);
  });

  test('any and all over strings and complex values; a missing or empty collection', async () => {
    expect(await filter("tags/any(t: t eq 'x')")).toEqual(['a', 'd', 'f']);
    expect(await filter("tags/all(t: t eq 'x')")).toEqual(['b', 'd', 'f']);
    expect(await filter('tags/any(t: t eq null)')).toEqual(['c']);
    expect(await filter('tags/any()')).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(await filter('ipCategories/all(c: c/name ne null)')).toEqual(['a', 'b', 'c', 'f']);
    expect(await filter("ipCategories/any(c: c/name eq 'Botnet')")).toEqual(['a', 'c']);
    expect(await filter('ipCategories/any(c: c eq null)').catch((e: Error) => e.message)).toMatch(/incompatible types/);
    expect(await filter("ipReferenceData/all(r: r/city eq 'x')")).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await filter("tags/any(t: contains(t, 'ß') or t in ('y'))")).toEqual(['a', 'c', 'e']);
  });

  test('$orderby: nulls first ascending, last descending, ties in insertion order', async () => {
    expect(await ids('profiles', { orderby: 'countHits' })).toEqual(['c', 'd', 'a', 'e', 'b', 'f']);
    expect(await ids('profiles', { orderby: 'countHits desc' })).toEqual(['b', 'f', 'e', 'a', 'd', 'c']);
    expect(await ids('profiles', { orderby: 'firstSeenDateTime desc,address' })).toEqual(['d', 'a', 'e', 'b', 'c', 'f']);
    expect(await ids('profiles', { orderby: 'vendorInformation/provider,riskScore desc' })).toEqual(['c', 'a', 'f', 'b', 'd', 'e']);
  });

  test('enums compare and sort in declared member order; booleans as booleans', async () => {
    const f = (filterText: string, orderby?: string) => ids('indicators', orderby ? { filter: filterText, orderby } : { filter: filterText });
    expect(await f("tlpLevel gt 'white'")).toEqual(['i1', 'i2']);
    expect(await f("tlpLevel le 'green'")).toEqual(['i1', 'i4', 'i5']);
    expect(await f("tlpLevel in ('green', null)")).toEqual(['i1', 'i3']);
    expect(await f("killChain/any(k: k lt 'C2')")).toEqual(['i3']);
    expect(await ids('indicators', { orderby: 'tlpLevel desc' })).toEqual(['i2', 'i1', 'i4', 'i5', 'i3']);
    expect(await f('isActive')).toEqual(['i1', 'i4']);
    expect(await f('not isActive')).toEqual(['i2', 'i3', 'i5']);
    expect(await f('isActive eq false')).toEqual(['i2']);
    expect(await f('isActive lt true')).toEqual(['i2']);
    expect(await ids('indicators', { orderby: 'isActive,confidence desc' })).toEqual(['i5', 'i3', 'i2', 'i4', 'i1']);
    expect(await f('confidence eq 10.5 or fileSize eq 9007199254740991')).toEqual(['i1', 'i4']);
    // A string compared with an enum is read as a member (a function's result is not: it equals only null).
    await table.load('indicators', [...INDICATORS, indicator('i6', { description: 'red', tlpLevel: 'red', threatType: 'red' })]);
    SETS.indicators = { ...SETS.indicators!, data: [...INDICATORS, indicator('i6', { description: 'red', tlpLevel: 'red', threatType: 'red' })] };
    expect(await f('description eq tlpLevel')).toEqual(['i3', 'i6']);
    expect(await f('tlpLevel eq description')).toEqual(['i3', 'i6']);
    expect(await f('tolower(description) eq tlpLevel')).toEqual(['i3']);
    // Both sides are read with the right-hand enum's members (the engine's shared type): 'green' is no threatType.
    expect(await f('tlpLevel lt threatType')).toEqual(['i1', 'i2', 'i4', 'i5']);
    expect(await f('threatType ge tlpLevel')).toEqual(['i5', 'i6']);
  });

  test('isof, type-cast segments and the URL type cast (derived entity and complex types)', async () => {
    const f = (filterText: string, cast?: string) => ids('sensors', { filter: filterText }, cast);
    expect(await f(`isof('${THERMAL}')`)).toEqual(['s1', 's4']);
    expect(await f(`isof('${SENSOR}')`)).toEqual(['s1', 's2', 's3', 's4']);
    expect(await f(`${THERMAL}/maxCelsius gt 50`)).toEqual(['s1']);
    expect(await f(`${THERMAL}/mounts/${WALL}/any(m: m/heightCm ge 4)`)).toEqual(['s1']);
    expect(await f(`${THERMAL}/mounts/any(m: isof(m, '${CEILING}'))`)).toEqual(['s4']);
    expect(await f(`${THERMAL}/mounts/any(m: m/${WALL}/heightCm gt 1)`)).toEqual(['s1']);
    expect(await f(`${THERMAL}/mounts/all(m: m/${WALL}/heightCm eq null)`)).toEqual(['s2', 's3', 's4', 's5']);
    expect(await f(`${THERMAL}/mounts/any(m: isof('${THERMAL}') and m/label eq 'Attic')`)).toEqual(['s4']);
    expect(await f(`isof(${MOTION}/placement, '${CEILING}')`)).toEqual(['s2']);
    expect(await f(`${MOTION}/placement/${CEILING}/room eq 'Hall'`)).toEqual(['s2']);
    expect(await f(`not ${THERMAL}/calibrated`)).toEqual(['s2', 's3', 's4', 's5']);
    expect(await ids('sensors', { filter: 'maxCelsius lt 50' }, THERMAL)).toEqual(['s4']);
    expect(await ids('sensors', { orderby: 'displayName desc' }, THERMAL)).toEqual(['s1', 's4']);
  });

  test('$search: the declared strings of the entity\'s own type, case-insensitively, at any depth', async () => {
    expect(await ids('sensors', { search: '"attic"' })).toEqual(['s4']);
    expect(await ids('sensors', { search: '"HALL"' })).toEqual(['s2']);
    // A complex value is searched as its declared type: s4's ceiling mount has room 'North', which mountPoint does not declare.
    expect(await ids('sensors', { search: '"north"' })).toEqual(['s1']);
    expect(await ids('sensors', { search: '"x"' })).toEqual(['s5']);
    expect(await ids('profiles', { search: '"straße"' })).toEqual(['e']);
    expect(await ids('profiles', { search: '"\'QUOTED\'"' })).toEqual(['f']);
    expect(await ids('profiles', { search: '"10"', filter: 'countHits gt 5', orderby: 'countHits desc' })).toEqual(['b']);
  });

  test('keysetAfter: walking any order page by page gives the whole result; a bad token value is refused', async () => {
    for (const orderby of ['countHits', 'countHits desc', 'firstSeenDateTime desc,address', 'vendorInformation/provider desc,riskScore', 'riskScore desc,countHits desc', 'address']) {
      const query = parse(SETS.profiles!, { orderby });
      const keys = compileOrder(query.orderby, PROFILE, model);
      const walked: string[] = [];
      let after: unknown[] | undefined;
      for (;;) {
        const params = new SqlParams();
        const cond = after ? keysetAfter(keys, after, params) : 'TRUE';
        const set = params.add('profiles');
        const { rows } = await table.client.query<Record<string, unknown>>(`SELECT id, ${keys.map((k, i) => `${k.sql} AS k${i}`).join(', ')} FROM entities WHERE entity_set = ${set} AND ${cond} ORDER BY ${orderByClause(keys)} LIMIT 2`, params.values);
        walked.push(...rows.map((r) => String(r.id)));
        if (rows.length < 2) break;
        after = JSON.parse(JSON.stringify(keys.map((_, i) => rows[1]![`k${i}`]))) as unknown[];
      }
      expect({ orderby, walked }).toEqual({ orderby, walked: await engine(SETS.profiles!, query) });
    }
    const keys = compileOrder(parseOrderBy('countHits desc', PROFILE, model), PROFILE, model);
    expect(() => keysetAfter(keys, ['x', '1'], new SqlParams())).toThrow(TypeError);
    expect(() => keysetAfter(keys, [1], new SqlParams())).toThrow(TypeError);
    expect(() => keysetAfter(keys, [1, "1'; DROP TABLE entities; --"], new SqlParams())).toThrow(TypeError);
    const p = new SqlParams();
    expect(keysetAfter(keys, [null, '7'], p)).toBe('mockgraph_number_key(body -> \'countHits\') <= $1::float8 AND (mockgraph_number_key(body -> \'countHits\') < $1::float8 OR (mockgraph_number_key(body -> \'countHits\') = $1::float8 AND seq > $2::bigint))');
    expect(p.values).toEqual(['-Infinity', '7']);
  });

  test('hostile literals are parameters: they never reach the SQL text and cannot change the statement', async () => {
    const before = await table.client.query<{ n: string }>('SELECT count(*) AS n FROM entities');
    const hostile = ["'; DROP TABLE entities; --", "\\'; DROP TABLE entities; --", '$1', '$$; SELECT 1; $$', "E'\\x27'", '\\', "''", '"', '*/ OR 1=1 /*', "') OR TRUE OR ('", 'COLLATE "C"', '\u0001', '\u0000', "a\u0000'; DROP TABLE entities; --", '%', '_'];
    for (const h of hostile) {
      const q = `'${h.replace(/'/g, "''")}'`;
      for (const f of [`address eq ${q}`, `address lt ${q}`, `address ge ${q}`, `contains(address, ${q})`, `startswith(${q}, address)`, `contains(${q}, address)`, `endswith(${q}, riskScore)`, `tags/any(t: t eq ${q})`, `riskScore in (${q}, 'x')`, `tolower(address) gt ${q}`, `vendorInformation/provider eq ${q} or vendorInformation/provider eq 'Contoso'`]) {
        const query = parse(SETS.profiles!, { filter: f });
        const params = new SqlParams();
        const where = compileWhere(query, PROFILE, model, params);
        for (const piece of ['DROP', 'OR 1=1', 'SELECT 1', '$$', "E'", '\u0000', 'TRUE OR']) if (h.includes(piece)) expect({ f, where }).toEqual({ f, where: expect.not.stringContaining(piece) as unknown });
        expect(params.values.some((v) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.includes('\u0000')))).toBe(false);
        const got = await table.ids('profiles', where, 'seq', params.values);
        expect({ f, got }).toEqual({ f, got: await engine(SETS.profiles!, query) });
      }
      const query = parse(SETS.profiles!, { search: `"${h.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` });
      const params = new SqlParams();
      const got = await table.ids('profiles', compileWhere(query, PROFILE, model, params), 'seq', params.values);
      expect({ h, got }).toEqual({ h, got: await engine(SETS.profiles!, query) });
    }
    const after = await table.client.query<{ n: string }>('SELECT count(*) AS n FROM entities');
    expect(after.rows).toEqual(before.rows);
  });

  test('NUL is answered as the engine answers it (no stored string holds one); a lone surrogate is a 400; SqlParams refuses NUL', async () => {
    expect(await filter("address eq 'a\u0000b'")).toEqual([]);
    expect(await filter("address ne 'a\u0000b'")).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await filter("address lt '10.0.0.2\u0000'")).toEqual(['a', 'b']);
    expect(await filter("address gt '10.0.0.2\u0000'")).toEqual(['d', 'e', 'f']);
    expect(await filter("startswith('10.0.0.1\u0000zz', address)")).toEqual(['a']);
    expect(await filter("endswith('zz\u000010.0.0.2', address)")).toEqual(['b']);
    expect(await filter("contains(address, '\u0000')")).toEqual([]);
    expect(await filter("not contains(address, '\u0000')")).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids('profiles', { search: '"a\u0000"' })).toEqual([]);
    expect(() => new SqlParams().add('a\u0000')).toThrow(/NUL/);
    const query = parse(SETS.profiles!, { filter: "address eq 'a\uD83D'" });
    let error: unknown;
    try {
      compileWhere(query, PROFILE, model, new SqlParams());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GraphError);
    expect((error as GraphError).message).toMatch(/lone UTF-16 surrogate/);
  });

  test('stored values of another JSON type than declared compare as the engine compares them with a literal', async () => {
    const odd = [
      { id: 'w1', countHits: '5', address: 5, firstSeenDateTime: 5, tags: 'x', ipCategories: { name: 'Botnet' }, vendorInformation: ['Contoso'], riskScore: true },
      { id: 'w2', countHits: [5], address: { a: 1 }, firstSeenDateTime: '2016-12-31T20:00:00+00:00', tags: [['x'], 'x'], ipCategories: [[{ name: 'Botnet' }]], vendorInformation: { provider: 7 } },
      { id: 'w3', countHits: 5 },
    ] as unknown as Entity[];
    await table.load('odd', odd);
    SETS.odd = { name: 'odd', type: PROFILE, model, data: odd };
    const f = (text: string) => ids('odd', { filter: text });
    for (const text of ['countHits eq 5', 'countHits ne 5', 'countHits eq null', 'countHits ne null', 'countHits gt 1', "address eq '5'", "address ne '5'", 'address eq null', "address lt 'z'", 'firstSeenDateTime eq null', 'firstSeenDateTime ne null', 'firstSeenDateTime eq 2016-12-31T20:00:00Z', 'firstSeenDateTime lt 2020-01-01T00:00:00Z']) await f(text);
    for (const text of ["tags/any(t: t eq 'x')", "tags/all(t: t eq 'x')", 'tags/any()', "ipCategories/any(c: c/name eq 'Botnet')", "ipCategories/all(c: c/name eq 'Botnet')", "vendorInformation/provider eq 'Contoso'", 'vendorInformation/provider eq null', "riskScore in ('true', null)", "contains(riskScore, 'true')", "tolower(address) eq '5'"]) await f(text);
  });

  test('the one known difference: strings compare by code point, the engine by UTF-16 code unit (above U+FFFF against U+E000–U+FFFF)', async () => {
    const texts = [profile('u1', { address: '\uFFFD' }), profile('u2', { address: '😀' }), profile('u3', { address: 'ﬀ' }), profile('u4', { address: 'z' })];
    await table.load('utf16', texts);
    const set: Set = { name: 'utf16', type: PROFILE, model, data: texts };
    const query = parse(set, { orderby: 'address' });
    expect(await engine(set, query)).toEqual(['u4', 'u2', 'u3', 'u1']);
    const sql = await table.ids('utf16', 'TRUE', orderByClause(compileOrder(query.orderby, PROFILE, model)), []);
    expect(sql).toEqual(['u4', 'u3', 'u1', 'u2']);
    // Equality, prefixes and containment are the same either way; so is order among BMP characters, and among supplementary ones.
    SETS.utf16 = set;
    expect(await ids('utf16', { filter: "address eq '😀' or startswith(address, 'ﬀ')" })).toEqual(['u2', 'u3']);
  });

  test('the documented indexes are used: provider eq + lastSeenDateTime desc (btree), any over tags (GIN)', async () => {
    const statements = indexStatements(
      [
        { kind: 'btree', name: 'entities_provider_last_seen', keys: parseOrderBy('vendorInformation/provider,lastSeenDateTime desc', PROFILE, model) },
        { kind: 'gin', name: 'entities_tags', collection: ['tags'] },
      ],
      { model, table: 'entities' },
    );
    process.stdout.write(`index DDL:\n${statements.join(';\n')};\n`);
    for (const s of statements) await table.client.query(s);
    const many = generateProfiles(3000, 5).map((p, n) => toStoredEntity(p, `m-${n}`, PROFILE, model));
    await table.load('many', many);
    SETS.many = { name: 'many', type: PROFILE, model, data: many };
    await table.client.query('ANALYZE entities');
    const provider = String((many[7]!.vendorInformation as { provider: string }).provider);
    const query = parse(SETS.many!, { filter: `vendorInformation/provider eq '${provider.replace(/'/g, "''")}'`, orderby: 'lastSeenDateTime desc' });
    const keys = compileOrder(query.orderby, PROFILE, model);
    const explain = async (extra: (params: SqlParams) => string) => {
      const params = new SqlParams();
      const where = compileWhere(query, PROFILE, model, params);
      const more = extra(params);
      const set = params.add('many');
      const { rows } = await table.client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM entities WHERE entity_set = ${set} AND (${where})${more} ORDER BY ${orderByClause(keys)} LIMIT 100`, params.values);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const first = await explain(() => '');
    expect(first).toMatch(/Index Scan using entities_provider_last_seen/);
    expect(first).not.toMatch(/Sort/);
    const next = await explain((params) => ` AND ${keysetAfter(keys, ['1735689600000000000', '5'], params)}`);
    // The key functions are inlined: the bound on the first key is an index condition, so a page starts where the last ended.
    expect(next).toMatch(/Index Cond: .*COALESCE\(mockgraph_instant\(.*<= '1735689600000000000'/s);
    expect(next).not.toMatch(/Sort/);
    const tagQuery = parse(SETS.many!, { filter: "tags/any(t: t eq 'rare')" });
    const params = new SqlParams();
    const where = compileWhere(tagQuery, PROFILE, model, params);
    const { rows } = await table.client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM entities WHERE ${where}`, params.values);
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on entities_tags/);
    await ids('many', { filter: `vendorInformation/provider eq '${provider.replace(/'/g, "''")}'`, orderby: 'lastSeenDateTime desc' });
    await ids('many', { filter: "tags/any(t: t eq 'watchlist')" });
  });
});

describe('the query compiler without a server', () => {
  test('property names are written into SQL only when the model declares them; index names and tables are checked', () => {
    expect(() => indexStatements([{ kind: 'gin', name: 'x; DROP TABLE y', collection: ['tags'] }])).toThrow(/not an index name/);
    expect(() => indexStatements([{ kind: 'gin', name: 'ok', collection: ["tags'"] }])).toThrow(/not an OData identifier/);
    expect(() => indexStatements([{ kind: 'gin', name: 'ok', collection: ['nothing'] }], { model })).toThrow(/not a property of the model/);
    expect(indexStatements([{ kind: 'gin', name: 'ok', collection: ['tags'] }])).toEqual(["CREATE INDEX IF NOT EXISTS ok ON mockgraph_entities USING gin ((body -> 'tags') jsonb_path_ops)"]);
  });

  test('a query without options is TRUE, ordered by insertion', () => {
    const query = parseCollectionQuery(new Map(), 'collection', PROFILE, model);
    expect(compileWhere(query, PROFILE, model, new SqlParams())).toBe('TRUE');
    expect(orderByClause(compileOrder(query.orderby, PROFILE, model))).toBe('seq ASC');
  });

  test('every primitive property of every served type compiles as an $orderby key', () => {
    for (const set of model.entitySets) {
      const type = model.resolveType(set.entityType)!;
      const names = type.properties.filter((p) => !p.collection && !p.complex).map((p) => p.name);
      for (let i = 0; i < names.length; i += 5) {
        const keys = compileOrder(parseOrderBy(names.slice(i, i + 5).join(','), type, model), type, model);
        expect(keys.map((k) => k.type)).toContain('bigint');
        expect(keys.every((k) => /^(\(mockgraph_string_key|mockgraph_(number|boolean|instant|enum)_key|seq$)/.test(k.sql))).toBe(true);
      }
    }
  });
});
