import { importDocs } from './import';
import { PageSet } from './pages';
import { createSchemaChecker, IMPORTED_KEYWORDS, SERVER_KEYWORDS } from './schema-check';
import { builtIns, importPages, pagesAt } from './test-data';
import type { ImportFinding } from './types';

const fixtures = importPages(pagesAt('contract-tests/fixtures/import/resources/widget.md', 'contract-tests/fixtures/import/api'));
const emitted = [...builtIns().map((k) => ({ id: k.id, schema: k.schema })), ...fixtures.files.map((f) => JSON.parse(f.text) as Record<string, unknown>).map((schema) => ({ id: String(schema.$id), schema }))];

describe('schema-check (ajv strict, as server/src/graph/validate.ts compiles schemas/)', () => {
  test('a schema strict mode refuses is an error, not a throw', () => {
    const checker = createSchemaChecker([{ id: 'x', schema: { type: 'object', propertees: {} } }]);
    expect(checker.errors).toEqual([{ id: 'x', message: expect.stringContaining('unknown keyword: "propertees"') }]);
  });

  test('x-odataType checks @odata.type, with or without #, in any case, derived types included', () => {
    const base = { id: 'microsoft.graph.base', schema: { type: 'object', 'x-odataType': 'microsoft.graph.base', properties: { '@odata.type': { type: 'string' }, a: { type: 'string' } }, additionalProperties: false } };
    const derived = { id: 'microsoft.graph.derived', schema: { type: 'object', allOf: [{ $ref: 'microsoft.graph.base' }], 'x-odataType': 'microsoft.graph.derived', 'x-baseType': 'microsoft.graph.base', properties: { b: { type: 'string' } }, additionalProperties: false } };
    const checker = createSchemaChecker([base, derived]);
    expect(checker.check('microsoft.graph.base', { '@odata.type': '#MICROSOFT.GRAPH.DERIVED' })).toEqual([]);
    expect(checker.check('microsoft.graph.derived', { a: 'inherited', b: 'own' })).toEqual([]);
    expect(checker.check('microsoft.graph.derived', { '@odata.type': '#microsoft.graph.base' })).toEqual(['body @odata.type "#microsoft.graph.base" does not name microsoft.graph.derived or a type derived from it']);
  });

  test.each(IMPORTED_KEYWORDS.map((k) => [k]))('the server must declare %s to compile imported schemas', (keyword) => {
    const without = createSchemaChecker(emitted, [...SERVER_KEYWORDS, ...IMPORTED_KEYWORDS].filter((k) => k !== keyword));
    expect(without.errors).toContainEqual({ id: expect.any(String), message: `strict mode: unknown keyword: "${keyword}"` });
    expect(createSchemaChecker(emitted).errors).toEqual([]);
  });

  test('a schema that fails to compile is a schema-compile finding and the import goes on', () => {
    const result = importDocs({ pages: pagesAt('contract-tests/fixtures/import/wild/keyless.md'), known: [{ id: 'microsoft.graph.entity', file: 'bad.json', schema: { 'x-odataType': 'microsoft.graph.entity', 'x-key': 'id', type: 'object', nonsense: true } }] });
    expect(result.findings.filter((f) => f.rule === 'schema-compile').map((f) => f.message)).toEqual([expect.stringContaining('microsoft.graph.entity: strict mode: unknown keyword: "nonsense"')]);
    expect(result.files.map((f) => f.path)).toEqual(['graph/sprocket.schema.json']);
  });
});

describe('linked pages', () => {
  test('a page that is listed in its folder but cannot be read is page-unreadable, and the link is then missing', () => {
    const findings: ImportFinding[] = [];
    const set = new PageSet({ list: () => ['gone.md'], read: () => undefined }, findings);
    const from = set.add({ page: { file: 'dir/page.md' } as never, kind: 'resource', namespace: 'microsoft.graph', given: true });
    expect(set.resolve(from, 'gone.md', 3)).toBe('missing');
    expect(findings.map((f) => f.rule)).toEqual(['page-unreadable']);
    expect(set.resolve(from, 'https://example.com/x.md', 3)).toBeUndefined();
    expect(set.resolve(from, '#anchor', 3)).toEqual({ page: from, anchor: 'anchor' });
  });
});
