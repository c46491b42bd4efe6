import fc from 'fast-check';
import { toStoredEntity } from '../../graph/entity-shape';
import { generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { compileFilter } from './apply';
import { parseFilter } from './filter-parser';
import { MAX_FILTER_LENGTH } from './limits';
import { MODEL, PROFILE, PROFILES } from './test-data';

/** A $filter, generated from the grammar, that the reference evaluator below interprets directly. */
type F =
  | { k: 'cmp'; path: string; op: string; lit: Lit }
  | { k: 'and' | 'or'; l: F; r: F }
  | { k: 'not'; f: F }
  | { k: 'in'; path: string; lits: Lit[] }
  | { k: 'fn'; fn: 'startswith' | 'endswith' | 'contains'; path: string; lit: string; lower: boolean }
  | { k: 'any-tag'; op: 'any' | 'all'; lit: string }
  | { k: 'any-category'; op: 'any' | 'all'; lit: string | null }
  | { k: 'bare-any'; path: 'tags' | 'ipCategories' }
  | { k: 'eqs'; path: string; terms: Array<{ lit: Lit; flip: boolean } | { leaf: F }> }
  | { k: 'tag-lambda'; op: 'any' | 'all'; body: G }
  | { k: 'nested'; outer: 'any' | 'all'; inner: 'any' | 'all'; over: 'tags' | 'ipCategories'; lit: string };
/** The body of a one-level lambda over `tags`, in terms of its variable `t`. */
type G = { k: 't-eq' | 't-contains'; lit: string } | { k: 't-in'; lits: Array<string | null> } | { k: 'and' | 'or'; l: G; r: G } | { k: 'not'; g: G };
type Lit = { kind: 'string'; v: string } | { kind: 'int'; v: number } | { kind: 'date'; v: string } | { kind: 'null' };

const STRING_PATHS = ['address', 'riskScore', 'azureTenantId', 'vendorInformation/provider'];
const INT_PATHS = ['countHits', 'countHosts'];
const DATE_PATHS = ['firstSeenDateTime', 'lastSeenDateTime'];
const OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

const DATA: Entity[] = [...PROFILES, ...generateProfiles(60, 11).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL))];

const words = fc.constantFrom('', '10', '90', 'Contoso', 'contoso', 'Microsoft Defender for Endpoint', "O'Brien", 'tenant-1', 'watchlist', 'Botnet', 'TOR', 'a', 'x', 'é');
const stringLit = words.map((v): Lit => ({ kind: 'string', v }));
const intLit = fc.oneof(fc.integer({ min: -5, max: 10_005 }), fc.constantFrom(0, 5, 50, 2500, 5000)).map((v): Lit => ({ kind: 'int', v }));
const dateLit = fc
  .tuple(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.constantFrom('Z', '+03:00', '-05:30', '+00:00'), fc.constantFrom('', '.5', '.0365895', '.123456789'))
  .map(([ms, offset, fraction]): Lit => {
    const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
    const shift = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
    return { kind: 'date', v: new Date(ms + shift).toISOString().slice(0, 19) + fraction + offset };
  });
const nullLit = fc.constant<Lit>({ kind: 'null' });

const leaf: fc.Arbitrary<F> = fc.oneof(
  fc.record({ k: fc.constant('cmp' as const), path: fc.constantFrom(...STRING_PATHS), op: fc.constantFrom(...OPS), lit: fc.oneof(stringLit, nullLit) }),
  fc.record({ k: fc.constant('cmp' as const), path: fc.constantFrom(...INT_PATHS), op: fc.constantFrom(...OPS), lit: fc.oneof(intLit, nullLit) }),
  fc.record({ k: fc.constant('cmp' as const), path: fc.constantFrom(...DATE_PATHS), op: fc.constantFrom(...OPS), lit: fc.oneof(dateLit, nullLit) }),
  fc.record({ k: fc.constant('in' as const), path: fc.constantFrom(...STRING_PATHS), lits: fc.array(stringLit, { minLength: 1, maxLength: 4 }) }),
  fc.record({ k: fc.constant('fn' as const), fn: fc.constantFrom('startswith' as const, 'endswith' as const, 'contains' as const), path: fc.constantFrom(...STRING_PATHS), lit: words, lower: fc.boolean() }),
  fc.record({ k: fc.constant('any-tag' as const), op: fc.constantFrom('any' as const, 'all' as const), lit: words }),
  fc.record({ k: fc.constant('any-category' as const), op: fc.constantFrom('any' as const, 'all' as const), lit: fc.oneof(words, fc.constant(null)) }),
  fc.record({ k: fc.constant('bare-any' as const), path: fc.constantFrom('tags' as const, 'ipCategories' as const) }),
);

const filterArb: fc.Arbitrary<F> = fc.letrec<{ f: F }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ k: fc.constantFrom('and' as const, 'or' as const), l: tie('f'), r: tie('f') }),
    fc.record({ k: fc.constant('not' as const), f: tie('f') }),
  ),
})).f;

// ---- Large in-lists and or-chains (Set lookups), and lambdas: values drawn from the data so that they match. ----

const valuesAt = (path: string) => [...new Set(DATA.map((e) => valueAt(e, path)).filter((v) => v !== null))];
/** A literal for a path: one of the data's own values (dates re-written in another offset), a random one, or null. */
function litFor(path: string): fc.Arbitrary<Lit> {
  if (INT_PATHS.includes(path)) return fc.oneof(fc.constantFrom(...(valuesAt(path) as number[])).map((v): Lit => ({ kind: 'int', v })), intLit, nullLit);
  if (DATE_PATHS.includes(path)) {
    const shifted = fc.tuple(fc.constantFrom(...(valuesAt(path) as string[])), fc.constantFrom(0, 180, -330, 600)).map(([v, minutes]): Lit => {
      const local = new Date(Date.parse(v) + minutes * 60_000).toISOString().slice(0, 23);
      const offset = minutes === 0 ? 'Z' : `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
      return { kind: 'date', v: `${local}${offset}` };
    });
    return fc.oneof(shifted, dateLit, nullLit);
  }
  return fc.oneof(fc.constantFrom(...(valuesAt(path) as string[])).map((v): Lit => ({ kind: 'string', v })), stringLit, nullLit);
}

const LIST_PATHS = [...STRING_PATHS, ...INT_PATHS, ...DATE_PATHS];
const bigIn: fc.Arbitrary<F> = fc
  .constantFrom(...LIST_PATHS)
  .chain((path) => fc.record({ k: fc.constant('in' as const), path: fc.constant(path), lits: fc.array(litFor(path), { minLength: 4, maxLength: DATE_PATHS.includes(path) ? 120 : 250, size: 'max' }) }));
const eqChain: fc.Arbitrary<F> = fc.constantFrom(...LIST_PATHS).chain((path) =>
  fc.record({
    k: fc.constant('eqs' as const),
    path: fc.constant(path),
    terms: fc.array(fc.oneof({ weight: 4, arbitrary: fc.record({ lit: litFor(path), flip: fc.boolean() }) }, { weight: 1, arbitrary: leaf.map((l) => ({ leaf: l })) }), { minLength: 4, maxLength: 30, size: 'max' }),
  }),
);
const tagWords = fc.oneof(words, fc.constantFrom('watchlist', 'reviewed', 'escalated', 'internal', 'false-positive', 'customer-reported', 'y', 'watch', 'view'));
const bodyArb: fc.Arbitrary<G> = fc.letrec<{ g: G }>((tie) => ({
  g: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ k: fc.constantFrom('t-eq' as const, 't-contains' as const), lit: tagWords }),
    fc.record({ k: fc.constant('t-in' as const), lits: fc.array(fc.oneof(tagWords, fc.constant(null)), { minLength: 1, maxLength: 30 }) }),
    fc.record({ k: fc.constantFrom('and' as const, 'or' as const), l: tie('g'), r: tie('g') }),
    fc.record({ k: fc.constant('not' as const), g: tie('g') }),
  ),
})).g;
const tagLambda: fc.Arbitrary<F> = fc.record({ k: fc.constant('tag-lambda' as const), op: fc.constantFrom('any' as const, 'all' as const), body: bodyArb });
const nested: fc.Arbitrary<F> = fc.record({
  k: fc.constant('nested' as const),
  outer: fc.constantFrom('any' as const, 'all' as const),
  inner: fc.constantFrom('any' as const, 'all' as const),
  over: fc.constantFrom('tags' as const, 'ipCategories' as const),
  lit: tagWords,
});
/** Filters built around the new leaves, combined with the old grammar. */
const costlyArb: fc.Arbitrary<F> = fc.letrec<{ f: F }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    bigIn,
    eqChain,
    tagLambda,
    nested,
    leaf,
    fc.record({ k: fc.constantFrom('and' as const, 'or' as const), l: tie('f'), r: tie('f') }),
    fc.record({ k: fc.constant('not' as const), f: tie('f') }),
  ),
})).f;

function renderBody(g: G): string {
  switch (g.k) {
    case 't-eq':
      return `t eq ${renderLit({ kind: 'string', v: g.lit })}`;
    case 't-contains':
      return `contains(t, ${renderLit({ kind: 'string', v: g.lit })})`;
    case 't-in':
      return `t in (${g.lits.map((l) => (l === null ? 'null' : renderLit({ kind: 'string', v: l }))).join(', ')})`;
    case 'and':
    case 'or':
      return `(${renderBody(g.l)}) ${g.k} (${renderBody(g.r)})`;
    case 'not':
      return `not (${renderBody(g.g)})`;
  }
}

function renderLit(l: Lit): string {
  if (l.kind === 'string') return `'${l.v.replace(/'/g, "''")}'`;
  if (l.kind === 'null') return 'null';
  return String(l.v);
}

function render(f: F): string {
  switch (f.k) {
    case 'cmp':
      return `${f.path} ${f.op} ${renderLit(f.lit)}`;
    case 'and':
    case 'or':
      return `(${render(f.l)}) ${f.k} (${render(f.r)})`;
    case 'not':
      return `not (${render(f.f)})`;
    case 'in':
      return `${f.path} in (${f.lits.map(renderLit).join(', ')})`;
    case 'fn':
      return `${f.fn}(${f.lower ? `tolower(${f.path})` : f.path}, ${renderLit({ kind: 'string', v: f.lit })})`;
    case 'any-tag':
      return `tags/${f.op}(t: t eq ${renderLit({ kind: 'string', v: f.lit })})`;
    case 'any-category':
      return `ipCategories/${f.op}(c: c/name eq ${f.lit === null ? 'null' : renderLit({ kind: 'string', v: f.lit })})`;
    case 'bare-any':
      return `${f.path}/any()`;
    case 'eqs':
      return `(${f.terms.map((t) => ('leaf' in t ? `(${render(t.leaf)})` : t.flip ? `${renderLit(t.lit)} eq ${f.path}` : `${f.path} eq ${renderLit(t.lit)}`)).join(' or ')})`;
    case 'tag-lambda':
      return `tags/${f.op}(t: ${renderBody(f.body)})`;
    case 'nested': {
      const inner = f.over === 'tags' ? `tags/${f.inner}(b: b eq a)` : `ipCategories/${f.inner}(c: c/name eq a)`;
      return `tags/${f.outer}(a: a eq ${renderLit({ kind: 'string', v: f.lit })} or ${inner})`;
    }
  }
}

// ---- The reference evaluator: slow and plain, sharing no code with the engine. ----

function valueAt(e: Entity, path: string): unknown {
  let v: unknown = e;
  for (const s of path.split('/')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[s] : undefined;
  return v ?? null;
}

/** A date-time as nanoseconds since the epoch, with BigInt so seven-digit fractions compare exactly. */
function nanos(s: string): bigint {
  const m = /^(.{19})(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) throw new Error(`not a date-time: ${s}`);
  return BigInt(Date.parse(`${m[1]}${m[3]}`)) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9));
}

function compare(op: string, a: unknown, b: unknown, dates: boolean): boolean {
  if (a === null || b === null) return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
  const [x, y] = dates ? [nanos(a as string), nanos(b as string)] : [a as string | number, b as string | number];
  return { eq: x === y, ne: x !== y, gt: x > y, ge: x >= y, lt: x < y, le: x <= y }[op] ?? false;
}

function litValue(l: Lit): unknown {
  return l.kind === 'null' ? null : l.v;
}

function reference(f: F, e: Entity): boolean {
  switch (f.k) {
    case 'cmp':
      return compare(f.op, valueAt(e, f.path), litValue(f.lit), DATE_PATHS.includes(f.path));
    case 'and':
      return reference(f.l, e) && reference(f.r, e);
    case 'or':
      return reference(f.l, e) || reference(f.r, e);
    case 'not':
      return !reference(f.f, e);
    case 'in':
      return f.lits.some((l) => compare('eq', valueAt(e, f.path), litValue(l), DATE_PATHS.includes(f.path)));
    case 'fn': {
      const raw = valueAt(e, f.path);
      if (typeof raw !== 'string') return false;
      const s = f.lower ? raw.toLowerCase() : raw;
      return f.fn === 'startswith' ? s.startsWith(f.lit) : f.fn === 'endswith' ? s.endsWith(f.lit) : s.includes(f.lit);
    }
    case 'any-tag': {
      const tags = e.tags as Array<string | null>;
      return f.op === 'any' ? tags.some((t) => t === f.lit) : tags.every((t) => t === f.lit);
    }
    case 'any-category': {
      const cats = e.ipCategories as Array<{ name: string | null } | null>;
      const test = (c: { name: string | null } | null) => (c?.name ?? null) === f.lit;
      return f.op === 'any' ? cats.some(test) : cats.every(test);
    }
    case 'bare-any':
      return (e[f.path] as unknown[]).length > 0;
    case 'eqs':
      return f.terms.some((t) => ('leaf' in t ? reference(t.leaf, e) : compare('eq', valueAt(e, f.path), litValue(t.lit), DATE_PATHS.includes(f.path))));
    case 'tag-lambda': {
      const tags = e.tags as Array<string | null>;
      const test = (t: string | null) => referenceBody(f.body, t);
      return f.op === 'any' ? tags.some(test) : tags.every(test);
    }
    case 'nested':
      throw new Error('a nested lambda is refused before it is evaluated');
  }
}

function referenceBody(g: G, t: string | null): boolean {
  switch (g.k) {
    case 't-eq':
      return t === g.lit;
    case 't-contains':
      return typeof t === 'string' && t.includes(g.lit);
    case 't-in':
      return g.lits.includes(t);
    case 'and':
      return referenceBody(g.l, t) && referenceBody(g.r, t);
    case 'or':
      return referenceBody(g.l, t) || referenceBody(g.r, t);
    case 'not':
      return !referenceBody(g.g, t);
  }
}

/**
 * The verdict of ASP.NET OData's validator, walking the tree as it does (a node is counted on entry; a path is
 * one node per property plus its range variable; any/all check their depth on entry): the first limit met.
 */
function verdict(f: F): 'ok' | 'nodes' | 'nesting' {
  let nodes = 0;
  const count = (n = 1) => {
    nodes += n;
    if (nodes > 100) throw new Error('nodes');
  };
  const path = (p: string) => count(p.split('/').length + 1);
  const lambda = (depth: number) => {
    count();
    if (depth >= 1) throw new Error('nesting');
  };
  const body = (g: G): void => {
    if (g.k === 'and' || g.k === 'or') return count(), body(g.l), body(g.r);
    if (g.k === 'not') return count(), body(g.g);
    count(3); // t eq 'x' | contains(t, 'x') | t in (…): the operator or call, the variable, the literal or list
  };
  const walk = (x: F): void => {
    switch (x.k) {
      case 'cmp':
        return count(), path(x.path), count();
      case 'and':
      case 'or':
        return count(), walk(x.l), walk(x.r);
      case 'not':
        return count(), walk(x.f);
      case 'in':
        return count(), path(x.path), count();
      case 'fn':
        return count(), x.lower ? count() : undefined, path(x.path), count();
      case 'any-tag':
        return lambda(0), path('tags'), count(3);
      case 'any-category':
        return lambda(0), path('ipCategories'), count(4);
      case 'bare-any':
        return lambda(0), path(x.path);
      case 'eqs':
        count(x.terms.length - 1);
        for (const t of x.terms) 'leaf' in t ? walk(t.leaf) : (count(), path(x.path), count());
        return;
      case 'tag-lambda':
        return lambda(0), path('tags'), body(x.body);
      case 'nested':
        return lambda(0), path('tags'), count(4), lambda(1);
    }
  };
  try {
    walk(f);
    return 'ok';
  } catch (err) {
    return (err as Error).message as 'nodes' | 'nesting';
  }
}

describe('$filter against a reference evaluator', () => {
  test('random filters from the grammar select exactly what the reference selects', () => {
    fc.assert(
      fc.property(filterArb, (f) => {
        const text = render(f);
        if (text.length > 4096) return;
        const engine = DATA.filter(compileFilter(parseFilter(text, PROFILE, MODEL))).map((e) => e.id);
        const expected = DATA.filter((e) => reference(f, e)).map((e) => e.id);
        expect({ text, ids: engine }).toEqual({ text, ids: expected });
      }),
      { numRuns: 600, interruptAfterTimeLimit: 20_000, seed: 20261126 },
    );
  });

  test('large in-lists, or-chains over one path and one-level lambdas agree with the reference; nested lambdas and trees over 100 nodes are refused', () => {
    const seen = { ok: 0, nodes: 0, nesting: 0 };
    fc.assert(
      fc.property(costlyArb, (f) => {
        const text = render(f);
        if (text.length > MAX_FILTER_LENGTH) return;
        const expected = verdict(f);
        seen[expected]++;
        if (expected === 'ok') {
          const engine = DATA.filter(compileFilter(parseFilter(text, PROFILE, MODEL))).map((e) => e.id);
          expect({ text, ids: engine }).toEqual({ text, ids: DATA.filter((e) => reference(f, e)).map((e) => e.id) });
        } else {
          const start = expected === 'nodes' ? "The node count limit of '100' has been exceeded." : "The Any/All nesting limit of '1' has been exceeded.";
          expect({ text, error: refusal(text).slice(0, start.length) }).toEqual({ text, error: start });
        }
      }),
      { numRuns: 500, interruptAfterTimeLimit: 20_000, seed: 20261127 },
    );
    // The run must exercise all three outcomes, and mostly evaluate.
    expect(seen.nesting).toBeGreaterThan(10);
    expect(seen.nodes).toBeGreaterThan(10);
    expect(seen.ok).toBeGreaterThan(seen.nodes + seen.nesting);
  });
});

function refusal(text: string): string {
  try {
    parseFilter(text, PROFILE, MODEL);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}
