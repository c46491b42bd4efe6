import fc from 'fast-check';
import { CEILING, derivedSchemaDir, MOTION, SENSOR, SENSORS_PATH, THERMAL, WALL } from '../../../test/derived-schemas';
import { describePostgres, QueryTable } from '../../../test/support/postgres';
import type { TestDatabase } from '../../../test/support/postgres';
import { RECORDED_TYPE } from '../../graph/derived-types';
import { toStoredEntity } from '../../graph/entity-shape';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import { loadGraphDefinition } from '../../graph/registry';
import type { CollectionQuery, ExprType } from '../../odata/query/ast';
import { EvaluationClock, evaluationControl, matchingEntities } from '../../odata/query/evaluate';
import type { QueryOptionName } from '../../odata/query/parse';
import { parseCollectionQuery } from '../../odata/query/parse';
import { sortEntities } from '../../odata/query/sort';
import { generateEntities, generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { compileOrder, compileWhere, keysetAfter, orderByClause, SqlParams } from './sql-query';

/*
 * Differential fuzz: random entities of the served types (and of derived types), random $filter / $orderby /
 * $search / type casts drawn from the model (the grammar of odata/query/filter-fuzz.test.ts, generalised to every
 * property of a type), each query parsed by the real parser, then evaluated by the in-memory engine and by
 * PostgreSQL: the ids, in order, must be the same.
 */

// ---- The model, walked for paths ----

interface Scalar {
  path: string[];
  type: ExprType;
}
interface Collection {
  path: string[];
  item: ExprType;
  /** For complex items: their scalar fields. */
  fields: Scalar[];
}

function exprType(edm: string, collection: boolean, model: GraphModel): ExprType {
  const members = model.resolveEnum(edm)?.members;
  return members ? { edm, collection, members } : { edm, collection };
}

function fieldsOf(type: StructuredTypeModel, model: GraphModel, prefix: string[] = [], depth = 0): { scalars: Scalar[]; collections: Collection[] } {
  const scalars: Scalar[] = [];
  const collections: Collection[] = [];
  for (const p of type.properties) {
    const path = [...prefix, p.name];
    const complex = p.complex ? model.resolveType(p.type) : undefined;
    if (complex && p.collection) collections.push({ path, item: exprType(p.type, false, model), fields: fieldsOf(complex, model).scalars });
    else if (complex) {
      if (depth < 2) {
        const inner = fieldsOf(complex, model, path, depth + 1);
        scalars.push(...inner.scalars);
        if (depth === 0) collections.push(...inner.collections);
      }
    } else if (p.collection) collections.push({ path, item: exprType(p.type, false, model), fields: [] });
    else scalars.push({ path, type: exprType(p.type, false, model) });
  }
  return { scalars, collections };
}

type Kind = 'string' | 'number' | 'boolean' | 'date' | 'enum';
const NUMERIC = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);
function kindOf(t: ExprType): Kind {
  if (t.members) return 'enum';
  if (t.edm === 'Edm.DateTimeOffset') return 'date';
  if (NUMERIC.has(t.edm)) return 'number';
  if (t.edm === 'Edm.Boolean') return 'boolean';
  return 'string';
}

function valueAt(v: unknown, path: readonly string[]): unknown {
  let x = v;
  for (const s of path) x = x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>)[s] : undefined;
  return x ?? null;
}

// ---- Literals ----

/** Strings that exercise quoting, casing (ß, İ, final sigma, ǅ), Unicode above the BMP and LIKE's metacharacters (unused). */
const TRICKY = ['', 'a', 'A', 'ab', 'Ab', 'AB', 'x', 'é', 'É', 'ß', 'SS', 'ss', 'İ', 'i̇', 'ΣΑΣ', 'σας', "O'Brien", "'", "''", '\\', '\\n', '%', '_', 'a%b', '\n', ' ', '😀', 'a😀', 'Ω', 'ω', 'ǅ', '10', '9', '1e5', 'contoso', 'Contoso', 'watch', 'tor'];
const trickyString = fc.constantFrom(...TRICKY);

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const renderNumber = (n: number) => (Object.is(n, -0) ? '0' : String(n));

function dateText(ms: number, offsetMinutes: number, fraction: string): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = offsetMinutes === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${fraction}${offset}`;
}

/** Literals for values of `type`: mostly the data's own (dates re-written in other offsets), some made up, some null. */
function literalArb(type: ExprType, seen: readonly unknown[]): fc.Arbitrary<string> {
  const nul = fc.constant('null');
  const own = seen.filter((v) => v !== null);
  const pick = <T>(arb: fc.Arbitrary<T>) => (own.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(own as T[])) }, { weight: 2, arbitrary: arb }) : arb);
  switch (kindOf(type)) {
    case 'string':
      return fc.oneof({ weight: 6, arbitrary: pick(trickyString).map((v) => quote(String(v))) }, nul);
    case 'enum':
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(type.members ?? [])).map(quote) }, nul);
    case 'number':
      return fc.oneof(
        { weight: 6, arbitrary: pick(fc.oneof(fc.integer({ min: -5, max: 10_005 }), fc.constantFrom(0, -0.5, 0.1, 71.47, 1e21, 2147483647, 9007199254740993, -1e999))).map((v) => renderNumber(Number(v))) },
        nul,
      );
    case 'boolean':
      return fc.constantFrom('true', 'false', 'null');
    case 'date': {
      const shifted = own.length
        ? fc.tuple(fc.constantFrom(...(own as string[])), fc.constantFrom(0, 180, -330, 600)).map(([v, m]) => {
            const frac = /\.(\d+)/.exec(v)?.[1];
            return dateText(Date.parse(v.replace(/(\.\d{3})\d+/, '$1')) - (Date.parse(v.replace(/(\.\d{3})\d+/, '$1')) % 1000), m, frac ? `.${frac}` : '');
          })
        : fc.constant('2020-01-01T00:00:00Z');
      const random = fc
        .tuple(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom(0, 180, -330), fc.constantFrom('', '.5', '.0365895', '.123456789', '.1234567'))
        .map(([ms, m, f]) => dateText(ms - (ms % 1000), m, f));
      const odd = fc.constantFrom('2020-13-01T00:00:00Z', '2017-02-31T00:00:00Z', '2016-12-31T23:59:60Z', '2020-01-01T10:00Z');
      return fc.oneof({ weight: 5, arbitrary: shifted }, { weight: 3, arbitrary: random }, odd, nul);
    }
  }
}

// ---- Filters, from the model ----

const OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;

interface Dataset {
  name: string;
  set: string;
  type: StructuredTypeModel;
  model: GraphModel;
  data: Entity[];
  /** Extra leaves for this dataset (type casts, isof). */
  extra: Array<fc.Arbitrary<string>>;
  /** URL type casts a query may carry. */
  casts: StructuredTypeModel[];
}

function leafArbs(ds: Dataset): Array<fc.Arbitrary<string>> {
  const { scalars, collections } = fieldsOf(ds.type, ds.model);
  const lit = (s: Scalar) => literalArb(s.type, ds.data.map((e) => valueAt(e, s.path)));
  const text = (s: Scalar) => s.path.join('/');
  const strings = scalars.filter((s) => kindOf(s.type) === 'string');
  const booleans = scalars.filter((s) => kindOf(s.type) === 'boolean');
  const byKind = new Map<Kind, Scalar[]>();
  for (const s of scalars) byKind.set(kindOf(s.type), [...(byKind.get(kindOf(s.type)) ?? []), s]);
  const scalar = fc.constantFrom(...scalars);
  const op = fc.constantFrom(...OPS);
  const arbs: Array<fc.Arbitrary<string>> = [
    // path op literal, and literal op path
    scalar.chain((s) => fc.tuple(op, lit(s), fc.boolean()).map(([o, l, flip]) => (flip ? `${l} ${o} ${text(s)}` : `${text(s)} ${o} ${l}`))),
    // path op path, of one kind
    scalar.chain((s) => fc.tuple(op, fc.constantFrom(...(byKind.get(kindOf(s.type)) ?? [s]))).map(([o, t]) => `${text(s)} ${o} ${text(t)}`)),
    // in, with nulls
    scalar.chain((s) => fc.array(lit(s), { minLength: 1, maxLength: 6 }).map((ls) => `${text(s)} in (${ls.join(', ')})`)),
    // an or of eqs over one path (a Set lookup in the engine, = ANY in SQL), with other terms mixed in
    scalar.chain((s) => fc.array(fc.tuple(lit(s), fc.boolean()), { minLength: 2, maxLength: 12 }).map((ls) => `(${ls.map(([l, flip]) => (flip ? `${l} eq ${text(s)}` : `${text(s)} eq ${l}`)).join(' or ')})`)),
    fc.constantFrom('1 eq 1', "'a' lt 'b'", 'null eq null', 'null ne 1', "tolower('AB') eq 'ab'", "startswith('abc', null)", 'true', 'false', '2016-12-31T20:00:00Z eq 2016-12-31T23:00:00+03:00'),
  ];
  if (strings.length > 0) {
    const str = fc.constantFrom(...strings);
    const subject = fc.oneof(str.map(text), str.map((s) => `tolower(${text(s)})`), str.map((s) => `toupper(${text(s)})`), trickyString.map(quote));
    const needle = fc.oneof({ weight: 3, arbitrary: trickyString.map(quote) }, str.map(text), trickyString.map((s) => `tolower(${quote(s)})`), fc.constant('null'));
    arbs.push(
      fc.tuple(fc.constantFrom('startswith', 'endswith', 'contains'), subject, needle).map(([fn, s, n]) => `${fn}(${s}, ${n})`),
      fc.tuple(fc.constantFrom('tolower', 'toupper'), str, op, trickyString).map(([fn, s, o, v]) => `${fn}(${text(s)}) ${o} ${quote(fn === 'tolower' ? v.toLowerCase() : v)}`),
      // a condition's value compared: (startswith(...)) eq false
      fc.tuple(str, trickyString, fc.constantFrom('true', 'false', 'null'), fc.constantFrom('eq', 'ne')).map(([s, v, b, o]) => `startswith(${text(s)}, ${quote(v)}) ${o} ${b}`),
    );
  }
  if (booleans.length > 0) arbs.push(fc.constantFrom(...booleans).map((b) => text(b)));
  arbs.push(
    scalar.chain((s) => fc.tuple(op, lit(s), fc.constantFrom('true', 'false')).map(([o, l, b]) => `(${text(s)} ${o} ${l}) eq ${b}`)),
  );
  for (const c of collections) {
    const name = c.path.join('/');
    if (c.fields.length === 0) {
      const seen = ds.data.flatMap((e) => (Array.isArray(valueAt(e, c.path)) ? (valueAt(e, c.path) as unknown[]) : []));
      const l = literalArb(c.item, seen);
      const body: fc.Arbitrary<string> = fc.letrec<{ g: string }>((tie) => ({
        g: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.tuple(op, l).map(([o, v]) => `x ${o} ${v}`),
          fc.array(l, { minLength: 1, maxLength: 8 }).map((vs) => `x in (${vs.join(', ')})`),
          ...(kindOf(c.item) === 'string' ? [fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith'), fc.boolean(), trickyString).map(([fn, lower, v]) => `${fn}(${lower ? 'tolower(x)' : 'x'}, ${quote(v)})`)] : []),
          fc.tuple(tie('g'), fc.constantFrom('and', 'or'), tie('g')).map(([a, k, b]) => `(${a}) ${k} (${b})`),
          tie('g').map((g) => `not (${g})`),
        ),
      })).g;
      arbs.push(fc.tuple(fc.constantFrom('any', 'all'), body).map(([o, b]) => `${name}/${o}(x: ${b})`), fc.constant(`${name}/any()`), l.map((v) => `${name}/any(x: x eq ${v})`));
    } else {
      const field = fc.constantFrom(...c.fields);
      const cond = field.chain((f) => fc.tuple(op, literalArb(f.type, ds.data.flatMap((e) => ((valueAt(e, c.path) as unknown[] | null) ?? []).map((i) => valueAt(i, f.path))))).map(([o, v]) => `c/${f.path.join('/')} ${o} ${v}`));
      arbs.push(
        fc.tuple(fc.constantFrom('any', 'all'), cond, fc.option(fc.tuple(fc.constantFrom('and', 'or'), cond))).map(([o, a, more]) => `${name}/${o}(c: ${more ? `(${a}) ${more[0]} (${more[1]})` : a})`),
        fc.constant(`${name}/any()`),
      );
    }
  }
  return [...arbs, ...ds.extra];
}

function filterArb(ds: Dataset): fc.Arbitrary<string> {
  const leaves = leafArbs(ds);
  return fc.letrec<{ f: string }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(...leaves),
      fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, k, b]) => `(${a}) ${k} (${b})`),
      tie('f').map((f) => `not (${f})`),
    ),
  })).f;
}

function orderbyArb(ds: Dataset): fc.Arbitrary<string | undefined> {
  const { scalars } = fieldsOf(ds.type, ds.model);
  const key = fc.tuple(fc.constantFrom(...scalars), fc.constantFrom('', ' asc', ' desc')).map(([s, d]) => `${s.path.join('/')}${d}`);
  return fc.option(fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ks.join(',')), { freq: 3, nil: undefined });
}

function searchArb(ds: Dataset): fc.Arbitrary<string | undefined> {
  const words = [...new Set(ds.data.flatMap((e) => Object.values(e).filter((v): v is string => typeof v === 'string' && v.length > 2)))];
  const fromData = fc.tuple(fc.constantFrom(...words), fc.nat(), fc.integer({ min: 1, max: 6 }), fc.boolean()).map(([w, at, n, upper]) => {
    const chars = [...w];
    const s = chars.slice(at % chars.length, (at % chars.length) + n).join('');
    return upper ? s.toUpperCase() : s;
  });
  const term = fc.oneof(fromData, trickyString.filter((s) => s.trim() !== ''));
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: term }).map((t) => (t === undefined || t.trim() === '' ? undefined : `"${t.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
}

interface Case {
  filter: string | undefined;
  orderby: string | undefined;
  search: string | undefined;
  cast: StructuredTypeModel | undefined;
}

function caseArb(ds: Dataset): fc.Arbitrary<Case> {
  return fc.record({
    filter: fc.option(filterArb(ds), { freq: 12, nil: undefined }),
    orderby: orderbyArb(ds),
    search: searchArb(ds),
    cast: ds.casts.length ? fc.option(fc.constantFrom(...ds.casts), { freq: 3, nil: undefined }) : fc.constant(undefined),
  });
}

function parseCase(c: Case, ds: Dataset): CollectionQuery | undefined {
  const options = new Map<QueryOptionName, string>();
  if (c.filter !== undefined) options.set('filter', c.filter);
  if (c.orderby !== undefined) options.set('orderby', c.orderby);
  if (c.search !== undefined) options.set('search', c.search);
  try {
    return parseCollectionQuery(options, 'collection', ds.type, ds.model, c.cast);
  } catch {
    return undefined;
  }
}

// ---- The two evaluations ----

async function engineIds(ds: Dataset, query: CollectionQuery): Promise<string[]> {
  const clock = new EvaluationClock(evaluationControl({ budgetMs: 1e9, sliceMs: 1e9, deadlineMs: 1e9 }));
  const matching = await matchingEntities(ds.data, query, query.cast ? ds.model.resolveType(query.cast.type)! : ds.type, ds.model, clock);
  return sortEntities(matching, query.orderby).map((e) => e.id);
}

async function sqlIds(table: QueryTable, ds: Dataset, query: CollectionQuery): Promise<string[]> {
  const params = new SqlParams();
  const type = query.cast ? ds.model.resolveType(query.cast.type)! : ds.type;
  const where = compileWhere(query, type, ds.model, params);
  return table.ids(ds.set, where, orderByClause(compileOrder(query.orderby, type, ds.model)), params.values);
}

// ---- The data ----

const graph = loadGraphDefinition();
const derivedGraph = loadGraphDefinition([derivedSchemaDir()]);

/** Entities made stranger: nulls, tricky strings, empty and null-holding collections, odd date-times and numbers. */
function roughen(entities: Entity[], seed: number): Entity[] {
  const rnd = fc.sample(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4000, maxLength: 4000 }), { numRuns: 1, seed })[0]!;
  let i = 0;
  const next = () => rnd[i++ % rnd.length]!;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const rough = (v: unknown, depth: number): unknown => {
    const r = next();
    if (r < 0.08 && depth > 0) return null;
    if (typeof v === 'string') {
      if (r < 0.2) return pick(TRICKY);
      if (/^\d{4}-\d\d-\d\dT/.test(v) && r < 0.3) return pick(['2017-02-31T00:00:00Z', '2016-12-31T23:59:60Z', '2020-01-01t10:00:00.123456789z', '2020-13-01T00:00:00Z', '2016-12-31T20:57:27.0365895Z', '2016-12-31T23:57:27.0365895+03:00', '2020-01-01T10:00Z']);
      return v;
    }
    if (typeof v === 'number') return r < 0.2 ? pick([0, -0, 0.1, 71.47, 1e21, -5, 2147483647, 9007199254740993]) : v;
    if (Array.isArray(v)) return r < 0.15 ? [] : v.map((x) => (next() < 0.1 ? null : rough(x, depth + 1)));
    if (v !== null && typeof v === 'object' && depth < 3) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'id' || k === RECORDED_TYPE ? x : rough(x, depth + 1)]));
    return v;
  };
  return entities.map((e) => rough(e, 0) as Entity);
}

function stored(bodies: Record<string, unknown>[], type: StructuredTypeModel, model: GraphModel, prefix: string): Entity[] {
  return bodies.map((b, n) => toStoredEntity(b, `${prefix}-${n}`, type, model));
}

const PROFILE = graph.model.resolveType('microsoft.graph.ipSecurityProfile')!;
const INDICATOR = graph.model.resolveType('microsoft.graph.tiIndicator')!;
const SCORE = graph.model.resolveType('microsoft.graph.secureScoreControlProfile')!;

function sensors(model: GraphModel): Entity[] {
  const draw = fc.sample(
    fc.record({
      type: fc.constantFrom(SENSOR, THERMAL, MOTION),
      displayName: fc.oneof(trickyString, fc.constant(null)),
      tags: fc.array(fc.oneof(trickyString, fc.constant(null)), { maxLength: 3 }),
      installedDateTime: fc.oneof(fc.constant(null), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2024, 0, 1) }).map((ms) => new Date(ms).toISOString())),
      maxCelsius: fc.oneof(fc.integer({ min: -10, max: 90 }), fc.constant(null)),
      calibrated: fc.constantFrom(true, false, null),
      mounts: fc.array(fc.record({ kind: fc.constantFrom(null, WALL, CEILING, 'plain'), label: fc.oneof(trickyString, fc.constant(null)), heightCm: fc.integer({ min: 0, max: 9 }), room: trickyString }), { maxLength: 3 }),
      sensitivity: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null)),
      odd: fc.constantFrom(0, 0, 0, 0, 1, 2),
    }),
    { numRuns: 90, seed: 1402 },
  );
  const mount = (m: { kind: string | null; label: string | null; heightCm: number; room: string }) =>
    m.kind === null ? null : m.kind === WALL ? { '@odata.type': `#${WALL}`, label: m.label, heightCm: m.heightCm } : m.kind === CEILING ? { '@odata.type': `#${CEILING}`, label: m.label, room: m.room } : { label: m.label };
  const sensorType = model.resolveType(SENSOR)!;
  return draw.map((d, n) => {
    const body: Record<string, unknown> = { '@odata.type': `#${d.type}`, displayName: d.displayName, tags: d.tags, installedDateTime: d.installedDateTime };
    if (d.type === THERMAL) Object.assign(body, { maxCelsius: d.maxCelsius, calibrated: d.calibrated, mounts: d.mounts.map(mount) });
    if (d.type === MOTION) Object.assign(body, { sensitivity: d.sensitivity, zones: d.tags, placement: d.mounts[0] ? mount(d.mounts[0]) : null });
    const e = toStoredEntity(body, `s-${n}`, sensorType, model) as Record<string, unknown>;
    // Recorded names as other writers might spell them: isof compares them exactly, $search resolves them as the model does.
    if (d.odd === 1 && typeof e[RECORDED_TYPE] === 'string') e[RECORDED_TYPE] = (e[RECORDED_TYPE] as string).toUpperCase();
    if (d.odd === 2 && typeof e[RECORDED_TYPE] === 'string') e[RECORDED_TYPE] = `#${e[RECORDED_TYPE] as string}`;
    return e as Entity;
  });
}

const sensorModel = derivedGraph.model;
const sensorType = sensorModel.resolveType(SENSOR)!;
const sensorExtra = [
  fc.constantFrom(`isof('${THERMAL}')`, `isof('${MOTION}')`, `isof('${SENSOR}')`, `isof(${MOTION}/placement, '${WALL}')`, `${THERMAL}/calibrated`, `not ${THERMAL}/calibrated`, `${THERMAL}/mounts/any()`, `${THERMAL}/mounts/${WALL}/any()`),
  fc.tuple(fc.constantFrom(...OPS), fc.integer({ min: -10, max: 95 })).map(([o, n]) => `${THERMAL}/maxCelsius ${o} ${n}`),
  fc.tuple(fc.constantFrom('any', 'all'), fc.constantFrom(...OPS), fc.integer({ min: 0, max: 9 })).map(([q, o, n]) => `${THERMAL}/mounts/${WALL}/${q}(m: m/heightCm ${o} ${n})`),
  fc.tuple(fc.constantFrom('any', 'all'), trickyString).map(([q, s]) => `${THERMAL}/mounts/${q}(m: isof(m, '${CEILING}') or m/label eq ${quote(s)})`),
  fc.tuple(fc.constantFrom(...OPS), fc.integer({ min: 0, max: 9 })).map(([o, n]) => `${MOTION}/placement/${WALL}/heightCm ${o} ${n}`),
  fc.tuple(fc.constantFrom('any', 'all'), trickyString).map(([q, s]) => `${MOTION}/zones/${q}(z: z eq ${quote(s)})`),
];

const DATASETS: Dataset[] = [
  {
    name: 'profiles',
    set: 'profiles',
    type: PROFILE,
    model: graph.model,
    data: [...roughen(stored(generateProfiles(40, 11), PROFILE, graph.model, 'p'), 1), ...stored(generateProfiles(40, 12), PROFILE, graph.model, 'q')],
    extra: [],
    casts: [],
  },
  {
    name: 'indicators',
    set: 'indicators',
    type: INDICATOR,
    model: graph.model,
    data: [...roughen(stored(generateEntities(graph, 'security/tiIndicators', 40, 21), INDICATOR, graph.model, 'i'), 2), ...stored(generateEntities(graph, 'security/tiIndicators', 30, 22), INDICATOR, graph.model, 'j')],
    extra: [],
    casts: [],
  },
  {
    name: 'scores',
    set: 'scores',
    type: SCORE,
    model: graph.model,
    data: [...roughen(stored(generateEntities(graph, 'security/secureScoreControlProfiles', 40, 31), SCORE, graph.model, 's'), 3), ...stored(generateEntities(graph, 'security/secureScoreControlProfiles', 30, 32), SCORE, graph.model, 't')],
    extra: [],
    casts: [],
  },
  { name: 'sensors (derived types)', set: SENSORS_PATH, type: sensorType, model: sensorModel, data: sensors(sensorModel), extra: sensorExtra, casts: [sensorModel.resolveType(THERMAL)!, sensorModel.resolveType(MOTION)!] },
];

/** Runs per dataset; the totals are asserted below (a few thousand compared queries). */
const RUNS = Number(process.env.SQL_FUZZ_RUNS ?? 1600);

describePostgres('compiled queries against the in-memory engine (differential fuzz)', (pg) => {
  let db: TestDatabase;
  let table: QueryTable;
  const stats = { compared: 0, refused: 0, nonEmpty: 0, ordered: 0, searched: 0, cast: 0, paged: 0 };
  beforeAll(async () => {
    db = await pg.createDatabase();
    table = await QueryTable.open(db.url);
    for (const ds of DATASETS) await table.load(ds.set, ds.data);
  });
  afterAll(async () => {
    await table.close();
    await db.drop();
    process.stdout.write(`differential fuzz: ${JSON.stringify(stats)}\n`);
  });

  test.each(DATASETS.map((ds) => [ds.name, ds] as const))('%s: the same ids in the same order', async (_name, ds) => {
    await fc.assert(
      fc.asyncProperty(caseArb(ds), async (c) => {
        const query = parseCase(c, ds);
        if (!query) {
          stats.refused++;
          return;
        }
        const expected = await engineIds(ds, query);
        const actual = await sqlIds(table, ds, query);
        if (process.env.SQL_FUZZ_SHOW) process.stdout.write(`${JSON.stringify({ ...c, cast: c.cast?.name })} -> ${expected.length}\n`);
        expect({ ...c, cast: c.cast?.name, ids: actual }).toEqual({ ...c, cast: c.cast?.name, ids: expected });
        stats.compared++;
        if (expected.length > 0 && expected.length < ds.data.length) stats.nonEmpty++;
        if (query.orderby.length > 0) stats.ordered++;
        if (query.search) stats.searched++;
        if (query.cast) stats.cast++;
      }),
      { numRuns: RUNS, seed: 20261201 + ds.name.length },
    );
  }, 300_000);

  test.each(DATASETS.map((ds) => [ds.name, ds] as const))('%s: walking the pages with keysetAfter gives the whole ordered result', async (_name, ds) => {
    await fc.assert(
      fc.asyncProperty(caseArb(ds), fc.integer({ min: 1, max: 9 }), async (c, size) => {
        const query = parseCase({ ...c, orderby: c.orderby ?? fieldsOf(ds.type, ds.model).scalars[1]!.path.join('/') }, ds);
        if (!query) return;
        const expected = await engineIds(ds, query);
        const type = query.cast ? ds.model.resolveType(query.cast.type)! : ds.type;
        const keys = compileOrder(query.orderby, type, ds.model);
        const walked: string[] = [];
        let after: unknown[] | undefined;
        for (let page = 0; page <= expected.length; page++) {
          const params = new SqlParams();
          const where = compileWhere(query, type, ds.model, params);
          const keyset = after ? ` AND (${keysetAfter(keys, after, params)})` : '';
          const set = params.add(ds.set);
          const { rows } = await table.client.query<Record<string, unknown>>(
            `SELECT id, ${keys.map((k, i) => `${k.sql} AS k${i}`).join(', ')} FROM ${table.name} WHERE entity_set = ${set} AND (${where})${keyset} ORDER BY ${orderByClause(keys)} LIMIT ${size}`,
            params.values,
          );
          walked.push(...rows.map((r) => String(r.id)));
          if (rows.length < size) break;
          // The keys go into a $skiptoken: through JSON, as a token carries them.
          after = JSON.parse(JSON.stringify(keys.map((_, i) => rows[rows.length - 1]![`k${i}`]))) as unknown[];
        }
        expect({ ...c, cast: c.cast?.name, size, ids: walked }).toEqual({ ...c, cast: c.cast?.name, size, ids: expected });
        stats.paged++;
      }),
      { numRuns: 150, seed: 20261202 + ds.name.length },
    );
  }, 300_000);

  test('the fuzz compared thousands of queries, most of them selective', () => {
    expect(stats.compared).toBeGreaterThan(4000);
    expect(stats.nonEmpty).toBeGreaterThan(stats.compared / 4);
    expect(stats.ordered).toBeGreaterThan(stats.compared / 2);
    expect(stats.searched).toBeGreaterThan(200);
    expect(stats.cast).toBeGreaterThan(100);
    expect(stats.paged).toBeGreaterThan(400);
  });
});
