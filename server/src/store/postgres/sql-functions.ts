/**
 * The SQL functions compiled queries call, over JSONB values read from a stored entity. Each reads one kind of
 * value the way the in-memory engine compares it; a `_key` function is the never-null, order-preserving form that
 * `$orderby`, keyset paging and comparisons with a literal share, so that one expression index serves all three.
 * All are IMMUTABLE (expression indexes need it); the SQL ones are inlined by the planner.
 */

/** The ICU root collation: PostgreSQL's lower()/upper() under it follow Unicode's full case mappings, as JavaScript's toLowerCase/toUpperCase do. */
export const CASE_COLLATION = 'und-x-icu';

/** Strings compare in code point order (JavaScript compares UTF-16 code units: they differ only above U+FFFF against U+E000–U+FFFF). */
export const ORDINAL_COLLATION = 'C';

const sql = (name: string, args: string, returns: string, body: string) =>
  `CREATE OR REPLACE FUNCTION ${name}(${args}) RETURNS ${returns} LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ SELECT ${body} $fn$`;

/**
 * A DateTimeOffset as nanoseconds since 1970 (numeric, so years 0000–9999 and any fraction fit), or NULL where
 * instant.ts's toInstant answers undefined: the same grammar and the same range checks (a day up to 31 in every
 * month, a leap second 60, any offset), fractions rounded to the nanosecond. Not a string: NULL. One regular
 * expression match without captures, then fixed positions (regexp_match's captures cost ten times as much).
 */
const INSTANT = String.raw`CREATE OR REPLACE FUNCTION mockgraph_instant(v jsonb) RETURNS numeric LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  s text;
  n int;
  mo int;
  yy int;
  era int;
  yoe int;
  tail int := 1;
  off int := 0;
  frac text;
  nanos numeric := 0;
BEGIN
  IF jsonb_typeof(v) <> 'string' THEN RETURN NULL; END IF;
  s := v #>> '{}';
  IF s COLLATE "C" !~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)([.][0-9]+)?)?([Zz]|[-+][0-9]{2}:[0-9]{2})$' THEN RETURN NULL; END IF;
  n := length(s);
  IF right(s, 1) NOT IN ('Z', 'z') THEN
    tail := 6;
    off := (substr(s, n - 4, 2)::int * 60 + right(s, 2)::int) * (CASE WHEN substr(s, n - 5, 1) = '-' THEN -1 ELSE 1 END);
  END IF;
  -- Before the offset: 16 characters (no seconds), 19 (seconds) or more (a fraction from the 21st).
  IF n - tail > 19 THEN
    frac := substr(s, 21, n - tail - 20);
    nanos := CASE WHEN length(frac) <= 9 THEN rpad(frac, 9, '0')::bigint ELSE round(('0.' || frac)::numeric * 1000000000) END;
  END IF;
  -- days_from_civil (Howard Hinnant), as instant.ts computes it
  mo := substr(s, 6, 2)::int;
  yy := substr(s, 1, 4)::int - (CASE WHEN mo <= 2 THEN 1 ELSE 0 END);
  era := CASE WHEN yy < 0 THEN -1 ELSE yy / 400 END;
  yoe := yy - era * 400;
  RETURN ((era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + (153 * (mo + (CASE WHEN mo > 2 THEN -3 ELSE 9 END)) + 2) / 5 + substr(s, 9, 2)::int - 1 - 719468)::bigint * 86400
          + substr(s, 12, 2)::int * 3600 + substr(s, 15, 2)::int * 60 + (CASE WHEN n - tail >= 19 THEN substr(s, 18, 2)::int ELSE 0 END) - off * 60)::numeric * 1000000000
         + nanos;
END
$fn$`;

/** The statements that create (or replace) every function compiled queries use; idempotent, run by the store's migration. */
export const SQL_FUNCTIONS: readonly string[] = [
  sql('mockgraph_string', 'v jsonb', 'text', `CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' END`),
  // s || U+0001 keeps code point order (U+0001 is the least character text can hold), so '' is left for null: below every string.
  sql('mockgraph_string_key', 'v jsonb', 'text', `CASE WHEN jsonb_typeof(v) = 'string' THEN (v #>> '{}') || chr(1) ELSE '' END`),
  sql('mockgraph_number', 'v jsonb', 'float8', `CASE WHEN jsonb_typeof(v) = 'number' THEN v::float8 END`),
  sql('mockgraph_number_key', 'v jsonb', 'float8', `CASE WHEN jsonb_typeof(v) = 'number' THEN v::float8 ELSE '-Infinity'::float8 END`),
  sql('mockgraph_boolean', 'v jsonb', 'boolean', `CASE WHEN jsonb_typeof(v) = 'boolean' THEN v::boolean END`),
  sql('mockgraph_boolean_key', 'v jsonb', 'integer', `CASE WHEN jsonb_typeof(v) = 'boolean' THEN v::boolean::integer ELSE -1 END`),
  // An enum member's position (-1 for a string that is not a member); a number stays itself, as the engine keeps it.
  sql('mockgraph_enum', 'v jsonb, members text[]', 'float8', `CASE jsonb_typeof(v) WHEN 'string' THEN coalesce(array_position(members, v #>> '{}'), 0) - 1 WHEN 'number' THEN v::float8 END`),
  sql('mockgraph_enum_key', 'v jsonb, members text[]', 'float8', `coalesce(mockgraph_enum(v, members), '-Infinity'::float8)`),
  INSTANT,
  sql('mockgraph_instant_key', 'v jsonb', 'numeric', `coalesce(mockgraph_instant(v), '-Infinity'::numeric)`),
];

/** SQL_FUNCTIONS as one script. */
export const SQL_FUNCTIONS_DDL = SQL_FUNCTIONS.map((s) => `${s};\n`).join('');
