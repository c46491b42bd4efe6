import fc from 'fast-check';
import { Client } from 'pg';
import { toInstant } from '../../odata/query/instant';
import { describePostgres } from '../../../test/support/postgres';
import type { TestDatabase } from '../../../test/support/postgres';
import { SQL_FUNCTIONS } from './sql-functions';

/** What the engine compares: nanoseconds since 1970, or null. */
function engineNanos(text: string): string | null {
  const i = toInstant(text);
  return i ? (BigInt(i.seconds) * 1_000_000_000n + BigInt(i.nanos)).toString() : null;
}

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((d) => d.join(''));
/** Date-time-like text: mostly well-formed, often just outside the grammar or the ranges toInstant checks. */
const dateTimeLike = fc
  .tuple(
    fc.oneof(digits(4), fc.constantFrom('0000', '9999', '1970', '2016', '12345', '99')),
    fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 13 }).map((m) => String(m).padStart(2, '0')) }, fc.constantFrom('1', 'ab')),
    fc.oneof(fc.integer({ min: 0, max: 32 }).map((d) => String(d).padStart(2, '0'))),
    fc.oneof({ weight: 6, arbitrary: fc.constant('T') }, fc.constantFrom('t', ' ', 'X')),
    fc.integer({ min: 0, max: 24 }).map((h) => String(h).padStart(2, '0')),
    fc.integer({ min: 0, max: 60 }).map((m) => String(m).padStart(2, '0')),
    fc.option(fc.integer({ min: 0, max: 61 }).map((s) => `:${String(s).padStart(2, '0')}`), { nil: '' }),
    fc.option(fc.oneof(fc.integer({ min: 1, max: 12 }).chain(digits), fc.constantFrom('', '5', '0365895', '9999999999', '123456789', '0000000005', '00000000049')).map((f) => `.${f}`), { nil: '' }),
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Z', 'z', '+03:00', '-05:30', '+00:00', '+14:00', '-99:99') }, fc.constantFrom('+0300', '+03', '', 'Z ', 'ZZ')),
  )
  .map(([y, mo, d, t, h, mi, s, f, off]) => `${y}-${mo}-${d}${t}${h}:${mi}${s}${s ? f : ''}${off}`);

describePostgres('SQL functions', (pg) => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await pg.createDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
    for (const statement of SQL_FUNCTIONS) await client.query(statement);
    // Idempotent: the migration of every replica runs them again.
    for (const statement of SQL_FUNCTIONS) await client.query(statement);
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  /** mockgraph_instant over each text (as a JSON string), in one round trip. */
  async function sqlNanos(texts: readonly string[]): Promise<Array<string | null>> {
    const { rows } = await client.query<{ n: string | null }>(`SELECT mockgraph_instant(to_jsonb(t))::text AS n FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i`, [texts]);
    return rows.map((r) => r.n);
  }

  test('mockgraph_instant reads exactly the instants toInstant reads (and nothing else)', async () => {
    const samples = fc.sample(dateTimeLike, { numRuns: 20_000, seed: 1401 });
    const fixed = ['2016-12-31T23:57:27.0365895+03:00', '2016-12-31T20:57:27.0365895Z', '0000-01-01T00:00Z', '0000-03-01T00:00:00Z', '9999-12-31T23:59:60.9999999-14:00', '2017-02-31T00:00:00Z', '2020-01-01T10:00:00.', '2020-01-01T10:00Z', '2020-01-01T10:00:00.1234567895Z', '', '2020-01-01T10:00:00Z\n', '２０２０-01-01T10:00:00Z'];
    const texts = [...fixed, ...samples];
    const sql = await sqlNanos(texts);
    const mismatches = texts.map((t, i) => ({ t, engine: engineNanos(t), sql: sql[i] })).filter((r) => r.engine !== r.sql);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The sample must exercise both outcomes.
    const parsed = texts.filter((t) => engineNanos(t) !== null).length;
    expect(parsed).toBeGreaterThan(2000);
    expect(texts.length - parsed).toBeGreaterThan(2000);
  });

  test('non-strings are not instants; the key forms are never NULL and put null below every value', async () => {
    const { rows } = await client.query(`SELECT mockgraph_instant('5'::jsonb) AS a, mockgraph_instant('null'::jsonb) AS b, mockgraph_instant(NULL) AS c,
        mockgraph_instant_key(NULL)::text AS d, mockgraph_string_key('"x"') AS e, mockgraph_string_key('5') AS f, mockgraph_number_key('"5"') AS g,
        mockgraph_number('1.5') AS h, mockgraph_boolean_key('true') AS i, mockgraph_enum('"b"', ARRAY['a','b']) AS j, mockgraph_enum('"z"', ARRAY['a','b']) AS k, mockgraph_enum('3', ARRAY['a']) AS l`);
    expect(rows[0]).toEqual({ a: null, b: null, c: null, d: '-Infinity', e: 'x\u0001', f: '', g: -Infinity, h: 1.5, i: 1, j: 1, k: -1, l: 3 });
  });

  test('a string with U+0001 appended keeps code point order, and the empty key (null) is below every string', async () => {
    const words = ['', '\u0001', '\u0001\u0001', 'a', 'a\u0001', 'a\u0001b', 'a\u0002', 'ab', 'b', 'é', '\u{1F600}', '\uFFFD'];
    const { rows } = await client.query<{ s: string }>(`SELECT s FROM unnest($1::text[]) AS u(s) ORDER BY mockgraph_string_key(to_jsonb(s)) COLLATE "C"`, [[...words].reverse()]);
    const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
    const byCodePoint = [...words].sort((a, b) => {
      const [x, y] = [codePoints(a), codePoints(b)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    });
    expect(rows.map((r) => r.s)).toEqual(byCodePoint);
    const { rows: low } = await client.query(`SELECT mockgraph_string_key('null') < mockgraph_string_key('""') COLLATE "C" AS below`);
    expect(low[0]).toEqual({ below: true });
  });

  test("lower()/upper() under the ICU root collation are JavaScript's toLowerCase/toUpperCase, but for characters newer than the server's ICU", async () => {
    const chars: string[] = [];
    for (let cp = 1; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
    const differing: string[] = [];
    for (let from = 0; from < chars.length; from += 100_000) {
      const batch = chars.slice(from, from + 100_000);
      const { rows } = await client.query<{ l: string; u: string }>(
        `SELECT lower(c COLLATE "und-x-icu") AS l, upper(c COLLATE "und-x-icu") AS u FROM unnest($1::text[]) WITH ORDINALITY AS t(c, i) ORDER BY i`,
        [batch],
      );
      rows.forEach((r, i) => {
        const c = batch[i]!;
        if (r.l !== c.toLowerCase() || r.u !== c.toUpperCase()) differing.push(c);
      });
    }
    // Final sigma and other context-dependent mappings agree too.
    const { rows: words } = await client.query<{ l: string }>(`SELECT lower($1 COLLATE "und-x-icu") AS l`, ['ΟΔΟΣ ΟΔΟΣ. İSTANBUL ǅ']);
    expect(words[0]?.l).toBe('ΟΔΟΣ ΟΔΟΣ. İSTANBUL ǅ'.toLowerCase());
    const { rows: version } = await client.query<{ v: string }>(`SELECT collversion AS v FROM pg_collation WHERE collname = 'und-x-icu'`);
    const report = differing.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
    process.stdout.write(`case mappings: ${report.length} of ${chars.length} code points differ between Node ${process.versions.node} (ICU ${process.versions.icu}, Unicode ${process.versions.unicode}) and the server's ICU (collation version ${version[0]?.v}): ${report.slice(0, 40).join(' ')}${report.length > 40 ? ' …' : ''}\n`);
    // Only mappings newer than the server's Unicode differ (Debian 12's ICU 72 is Unicode 15; Unicode 16 added
    // capitals for ƛ and ɤ and the Garay script): ASCII, Latin-1 and Latin Extended-A agree, and so do all but a few.
    expect(differing.length).toBeLessThan(200);
    expect(differing.filter((c) => c.codePointAt(0)! < 0x0180)).toEqual([]);
  }, 60_000);
});
