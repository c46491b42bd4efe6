import { CEILING, derivedSchemaDir, MOTION, MOUNT, SENSOR, THERMAL, VIRTUAL, WALL } from '../../../test/derived-schemas';
import { loadGraphDefinition } from '../../graph/registry';
import type { Expr } from './ast';
import { parseFilter } from './filter-parser';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './limits';
import { MODEL, PROFILE } from './test-data';

/** A compact rendering of the AST, so each case reads as one line. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.type.edm === 'Edm.String' ? `'${String(e.value)}'` : `${String(e.value)}:${e.type.edm.replace('Edm.', '')}`;
    case 'path': {
      // A type cast shows as its qualified name, in its place along the path.
      const parts = [e.variable ?? '$it', ...e.segments];
      for (const c of [...(e.casts ?? [])].reverse()) parts.splice(c.at + 1, 0, c.test.type);
      return parts.join('/');
    }
    case 'compare':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not':
      return `not ${show(e.operand)}`;
    case 'in':
      return `(${show(e.operand)} in [${e.values.map(show).join(',')}])`;
    case 'call':
      return `${e.fn}(${e.args.map(show).join(',')})`;
    case 'lambda':
      return `${show(e.collection)}/${e.op}(${e.variable ?? ''}${e.predicate ? ': ' + show(e.predicate) : ''})`;
    case 'isof':
      return `isof(${e.operand ? show(e.operand) : '$it'},${e.test.type})`;
  }
}

const parse = (text: string) => show(parseFilter(text, PROFILE, MODEL));
const error = (text: string) => {
  try {
    parseFilter(text, PROFILE, MODEL);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`parsed: ${text}`);
};

describe('parseFilter', () => {
  test.each([
    ["address eq '10.0.0.1'", "($it/address eq '10.0.0.1')"],
    ['countHits ne 5', '($it/countHits ne 5:Int32)'],
    ['countHits gt 1 and countHits le 9', '(($it/countHits gt 1:Int32) and ($it/countHits le 9:Int32))'],
    ['countHits lt 1 or countHits ge 2 and countHits eq 3', '(($it/countHits lt 1:Int32) or (($it/countHits ge 2:Int32) and ($it/countHits eq 3:Int32)))'],
    ['(countHits lt 1 or countHits ge 2) and countHits eq 3', '((($it/countHits lt 1:Int32) or ($it/countHits ge 2:Int32)) and ($it/countHits eq 3:Int32))'],
    ["not (address eq 'x')", "not ($it/address eq 'x')"],
    ["address in ('a', 'b')", "($it/address in ['a','b'])"],
    ["riskScore eq 'O''Brien'", "($it/riskScore eq 'O'Brien')"],
    ["startswith(address, '10.')", "startswith($it/address,'10.')"],
    ["endswith(address,'.com')", "endswith($it/address,'.com')"],
    ["contains(tolower(address), 'example')", "contains(tolower($it/address),'example')"],
    ["toupper(address) eq 'X'", "(toupper($it/address) eq 'X')"],
    ["vendorInformation/provider eq 'Provider value'", "($it/vendorInformation/provider eq 'Provider value')"],
    ["tags/any(t: t eq 'x')", "$it/tags/any(t: (t eq 'x'))"],
    ["tags/all(t: t ne 'x')", "$it/tags/all(t: (t ne 'x'))"],
    ["ipCategories/any(c: c/name eq 'TOR')", "$it/ipCategories/any(c: (c/name eq 'TOR'))"],
    ['tags/any()', '$it/tags/any()'],
    ['firstSeenDateTime ge 2016-12-31T00:00:00Z', '($it/firstSeenDateTime ge 2016-12-31T00:00:00Z:DateTimeOffset)'],
    ['lastSeenDateTime lt 2016-12-31T23:58:05.5931807+03:00', '($it/lastSeenDateTime lt 2016-12-31T23:58:05.5931807+03:00:DateTimeOffset)'],
    ['countHits eq null', '($it/countHits eq null:null)'],
    ['countHits gt -3', '($it/countHits gt -3:Int32)'],
    ['countHits gt 2.5', '($it/countHits gt 2.5:Decimal)'],
    ['ipReferenceData/any(r: r/asn gt 5000000000)', '$it/ipReferenceData/any(r: (r/asn gt 5000000000:Int64))'],
    ["Address EQ 'x' AND CountHits GT 1", "(($it/address eq 'x') and ($it/countHits gt 1:Int32))"],
    ["ipCategories/any(c: c/name eq 'a') and tags/any(t: t eq 'b')", "($it/ipCategories/any(c: (c/name eq 'a')) and $it/tags/any(t: (t eq 'b')))"],
  ])('%s', (text, ast) => {
    expect(parse(text)).toBe(ast);
  });

  test.each([
    ['countHits eq', 'Syntax error in $filter at position 12: expected a literal, a property path, a function or (, found the end of the expression'],
    ["address eq 'x", "Syntax error in $filter at position 11: expected a closing quote (') for the string"],
    ['countHits eq 1 1', "Syntax error in $filter at position 15: expected an operator ('and', 'or', 'eq', …) or the end of the expression, found the number 1"],
    ['(countHits eq 1', "Syntax error in $filter at position 15: expected ')'"],
    ['countHits eq #', "found the character '#'"],
    ["nope eq 'x'", "Could not find a property named 'nope' on type 'microsoft.graph.ipSecurityProfile'."],
    ["vendorInformation/nope eq 'x'", "Could not find a property named 'nope' on type 'microsoft.graph.securityVendorInformation'."],
    ["countHits eq 'a'", "A binary operator with incompatible types was detected. Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'."],
    ["firstSeenDateTime gt '2016-12-31'", "Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThan'"],
    ["tags eq 'x'", "Found operand types 'Collection(Edm.String)' and 'Edm.String'"],
    ["ipCategories/name eq 'x'", "is not a single complex value: 'ipCategories' is Collection(microsoft.graph.ipCategory)"],
    ["address/any(a: a eq 'x')", "any() applies to collections; 'address' is Edm.String"],
    ['tags/all()', "expected a lambda variable name, as in all(x: …)"],
    ['address', 'The $filter expression must be a boolean condition, found Edm.String'],
    ["address and countHits eq 1", "The operand of 'and' must be a boolean condition, found Edm.String"],
    ["startswith(countHits, 'a')", "The function 'startswith' takes Edm.String arguments, found Edm.Int32"],
    ["tolower(address, 'x') eq 'a'", "The function 'tolower' takes 1 argument, found 2"],
    ["address in (1, 2)", "The 'in' list holds a Edm.Int32 value, which cannot be compared with Edm.String"],
    ['', 'The $filter expression is empty.'],
  ])('%j is refused: %s', (text, message) => {
    expect(error(text)).toContain(message);
  });

  test('a filter over the length limit is refused before parsing', () => {
    const long = Array.from({ length: 10000 }, (_, i) => `countHits eq ${i}`).join(' or ');
    expect(error(long)).toBe(`The $filter expression is ${long.length} characters long; the limit is ${MAX_FILTER_LENGTH}.`);
  });

  test('nesting deeper than the limit is refused, 500 parentheses included, without recursing further', () => {
    expect(error(`${'('.repeat(500)}countHits eq 1${')'.repeat(500)}`)).toContain(`nested deeper than ${MAX_FILTER_DEPTH} levels`);
    expect(error(`${'not '.repeat(40)}countHits eq 1`)).toContain('nested deeper');
    expect(parse(`${'('.repeat(10)}countHits eq 1${')'.repeat(10)}`)).toBe('($it/countHits eq 1:Int32)');
  });
});

describe('parseFilter: derived types (isof and type casts)', () => {
  const { model } = loadGraphDefinition([derivedSchemaDir()]);
  const sensor = model.resolveType(SENSOR)!;
  const parseSensors = (text: string) => show(parseFilter(text, sensor, model));
  const sensorsError = (text: string) => {
    try {
      parseFilter(text, sensor, model);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error(`parsed: ${text}`);
  };

  test.each([
    [`isof('${THERMAL}')`, `isof($it,${THERMAL})`],
    [`isof(${THERMAL})`, `isof($it,${THERMAL})`],
    [`ISOF('microsoft.graph.THERMALSENSOR')`, `isof($it,${THERMAL})`],
    [`not isof('${THERMAL}') or isof('${MOTION}')`, `(not isof($it,${THERMAL}) or isof($it,${MOTION}))`],
    [`${THERMAL}/maxCelsius gt 5`, `($it/${THERMAL}/maxCelsius gt 5:Int32)`],
    [`${MOTION}/zones/any(z: z eq 'a')`, `$it/${MOTION}/zones/any(z: (z eq 'a'))`],
    [`${MOTION}/placement/${WALL}/heightCm eq 1`, `($it/${MOTION}/placement/${WALL}/heightCm eq 1:Int32)`],
    [`${THERMAL}/mounts/${CEILING}/any(m: m/room eq 'a')`, `$it/${THERMAL}/mounts/${CEILING}/any(m: (m/room eq 'a'))`],
    [`${THERMAL}/mounts/any(m: isof(m, '${WALL}') and m/${WALL}/heightCm gt 2)`, `$it/${THERMAL}/mounts/any(m: (isof(m,${WALL}) and (m/${WALL}/heightCm gt 2:Int32)))`],
    [`isof(${MOTION}/placement, ${CEILING})`, `isof($it/${MOTION}/placement,${CEILING})`],
  ])('%s', (text, ast) => {
    expect(parseSensors(text)).toBe(ast);
  });

  test('a type test knows which recorded types pass, and whether a value that records none (of the declared type) does', () => {
    const isof = (text: string) => {
      const e = parseFilter(text, sensor, model);
      if (e.kind !== 'isof') throw new Error(e.kind);
      return e.test;
    };
    expect(isof(`isof('${THERMAL}')`)).toEqual({ type: THERMAL, declared: false, recorded: [THERMAL] });
    expect(isof(`isof('${SENSOR}')`)).toMatchObject({ type: SENSOR, declared: true });
    expect(isof(`isof('${SENSOR}')`).recorded).toEqual(expect.arrayContaining([SENSOR, THERMAL, MOTION, VIRTUAL]));
    const cast = parseFilter(`${MOTION}/placement/${WALL}/heightCm eq 1`, sensor, model);
    expect(cast.kind === 'compare' && cast.left.kind === 'path' ? cast.left.casts : undefined).toEqual([
      { at: 0, test: { type: MOTION, declared: false, recorded: [MOTION] } },
      { at: 1, test: { type: WALL, declared: false, recorded: [WALL] } },
    ]);
  });

  test.each([
    ['maxCelsius gt 1', `Could not find a property named 'maxCelsius' on type '${SENSOR}'.`],
    [`${THERMAL}/zones/any()`, `Could not find a property named 'zones' on type '${THERMAL}'.`],
    [`${WALL}/heightCm eq 1`, `Encountered invalid type cast. '${WALL}' is not assignable from '${SENSOR}'`],
    [`${THERMAL}/mounts/${SENSOR}/any()`, `Encountered invalid type cast. '${SENSOR}' is not assignable from '${MOUNT}'`],
    [`microsoft.graph.nothing/a eq 1`, "The type 'microsoft.graph.nothing' is not defined in the model"],
    [`${THERMAL}/mounts/${WALL}/heightCm eq 1`, `The type cast '${WALL}' of the collection 'mounts' can only end the path`],
    [`displayName/${THERMAL} eq null`, `The type cast '${THERMAL}' applies to an entity or a complex value; 'displayName' is Edm.String`],
    [`isof(displayName, '${THERMAL}')`, "The function 'isof' tests an entity or a single complex value, found Edm.String"],
    [`isof(${THERMAL}/mounts, '${WALL}')`, `found Collection(${MOUNT})`],
    ['isof()', "expected a literal, a property path, a function or (, found ')'"],
    [`isof('${THERMAL}', 'x')`, "The function 'isof' tests an entity or a single complex value, found Edm.String"],
    [`isof('${THERMAL}' 'x')`, "expected ')', found the string 'x'"],
    [`isof('${THERMAL}') eq 1`, "Found operand types 'Edm.Boolean' and 'Edm.Int32'"],
  ])('%j is refused: %s', (text, message) => {
    expect(sensorsError(text)).toContain(message);
  });
});
