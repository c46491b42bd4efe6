import fc from 'fast-check';
import { toStoredEntity } from '../../graph/entity-shape';
import { generateProfiles } from '../../seed/generate';
import type { Entity } from '../../store/store';
import { compileFilter } from './apply';
import { parseFilter } from './filter-parser';
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
  | { k: 'bare-any'; path: 'tags' | 'ipCategories' };
type Lit = { kind: 'string'; v: string } | { kind: 'int'; v: number } | { kind: 'date'; v: string } | { kind: 'null' };

const STRING_PATHS = ['address', 'riskScore', 'azureTenantId', 'vendorInformation/provider'];
const INT_PATHS = ['countHits', 'countHosts'];
const DATE_PATHS = ['firstSeenDateTime', 'lastSeenDateTime'];
const OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

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
      return f.lits.some((l) => valueAt(e, f.path) === litValue(l));
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
  }
}

const DATA: Entity[] = [...PROFILES, ...generateProfiles(60, 11).map((p) => toStoredEntity(p, String(p.id), PROFILE, MODEL))];

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
});
