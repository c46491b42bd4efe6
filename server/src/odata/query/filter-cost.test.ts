import { GraphError } from '../../graph/errors';
import { parseFilter } from './filter-parser';
import { MAX_ANY_ALL_DEPTH, MAX_NODE_COUNT, MAX_ORDERBY_CLAUSES } from './limits';
import { parseOrderBy } from './parse';
import { MODEL, PROFILE } from './test-data';

const NESTING = "The Any/All nesting limit of '1' has been exceeded.";
const NODES = "The node count limit of '100' has been exceeded.";

function refusal(run: () => unknown): GraphError {
  try {
    run();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('accepted');
}
const filterError = (text: string) => refusal(() => parseFilter(text, PROFILE, MODEL));

/**
 * `p` (of `nodes` nodes) padded to exactly `total` nodes: each `and countHits eq 0` adds 5 (and, eq, the
 * property, `$it`, the constant) and each leading `not` adds 1.
 */
function padded(p: string, nodes: number, total: number): string {
  const ands = Math.floor((total - nodes) / 5);
  const nots = (total - nodes) % 5;
  return `${'not '.repeat(nots)}(${p}${' and countHits eq 0'.repeat(ands)})`;
}

describe('the validation limits of ASP.NET OData', () => {
  test('the limits are its defaults', () => {
    expect([MAX_ANY_ALL_DEPTH, MAX_NODE_COUNT, MAX_ORDERBY_CLAUSES]).toEqual([1, 100, 5]);
  });

  test.each([
    "tags/any(a: tags/any(b: b eq 'x'))",
    "tags/all(a: tags/any(b: b eq a))",
    "ipCategories/any(c: tags/all(t: t ne c/name))",
    "tags/any(a: a eq 'x' or ipCategories/any())",
    `tags/any(a: ${Array.from({ length: 4 }, () => 'tags/any(b: ').join('')}b eq 'x'${')'.repeat(4)})`,
  ])('an any/all inside another is a 400: %s', (text) => {
    const err = filterError(text);
    expect([err.status, err.code]).toEqual([400, 'BadRequest']);
    expect(err.message.startsWith(NESTING)).toBe(true);
    expect(err.message).toContain("mockgraph's limit (ASP.NET OData's default MaxAnyAllExpressionDepth)");
  });

  test('lambdas side by side, each one level deep, are fine', () => {
    expect(() => parseFilter("tags/any(t: t eq 'x') and ipCategories/all(c: c/name ne 'y') or tags/any()", PROFILE, MODEL)).not.toThrow();
  });

  // Each predicate with its node count as ODL's validator counts it.
  test.each([
    ['countHits eq 1', 4],
    ["vendorInformation/provider eq 'x'", 5],
    ['not (countHits eq null)', 5],
    ["contains(tolower(address), 'x')", 5],
    ["startswith(address, 'x') or endswith(address, 'y')", 9],
    ["tags/any(t: t eq 'x')", 6],
    ["ipCategories/any(c: c/name eq 'x')", 7],
    ['tags/any()', 3],
    [`countHits in (${Array.from({ length: 500 }, (_, i) => i).join(',')})`, 4],
    ["ipReferenceData/any(r: r/city in ('a', 'b', 'c'))", 7],
    // A type-cast segment counts as a path segment; isof is the call, the value it tests ($it) and the type-name constant.
    ['microsoft.graph.ipSecurityProfile/countHits eq 1', 5],
    ["isof('microsoft.graph.ipSecurityProfile')", 3],
    ["ipCategories/any(c: isof(c, 'microsoft.graph.ipCategory'))", 6],
  ])('%s counts %i nodes: padded to exactly 100 it passes, to 101 it is a 400', (p, nodes) => {
    expect(() => parseFilter(padded(p, nodes, MAX_NODE_COUNT), PROFILE, MODEL)).not.toThrow();
    const err = filterError(padded(p, nodes, MAX_NODE_COUNT + 1));
    expect(err.status).toBe(400);
    expect(err.message.startsWith(NODES)).toBe(true);
    expect(err.message).toContain("mockgraph's limit (ASP.NET OData's default MaxNodeCount)");
  });

  test('an or-chain of 20 comparisons (99 nodes) passes, 21 do not; the same values in one in-list are 4 nodes', () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `countHits eq ${i}`).join(' or ');
    expect(() => parseFilter(chain(20), PROFILE, MODEL)).not.toThrow();
    expect(filterError(chain(21)).message.startsWith(NODES)).toBe(true);
    expect(() => parseFilter(`countHits in (${Array.from({ length: 21 }, (_, i) => i).join(',')})`, PROFILE, MODEL)).not.toThrow();
  });

  test('the first limit met in the validator’s walk is the one reported', () => {
    const big = Array.from({ length: 25 }, (_, i) => `countHits eq ${i}`).join(' or ');
    expect(filterError(`(${big}) or tags/any(a: tags/any(b: b eq 'x'))`).message.startsWith(NODES)).toBe(true);
    expect(filterError(`tags/any(a: tags/any(b: b eq 'x')) or (${big})`).message.startsWith(NESTING)).toBe(true);
  });

  test('five $orderby clauses are fine, six are a 400 with its message', () => {
    const keys = ['countHits', 'address desc', 'riskScore', 'firstSeenDateTime', 'vendorInformation/provider', 'lastSeenDateTime'];
    expect(parseOrderBy(keys.slice(0, 5).join(','), PROFILE, MODEL)).toHaveLength(5);
    const err = refusal(() => parseOrderBy(keys.join(','), PROFILE, MODEL));
    expect(err.status).toBe(400);
    expect(err.message).toBe(
      "The number of clauses in $orderby query option exceeded the maximum number allowed. The maximum number of $orderby clauses allowed is 5. This is mockgraph's limit (ASP.NET OData's default MaxOrderByNodeCount).",
    );
  });
});
