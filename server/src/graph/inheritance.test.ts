import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { buildGraphModel } from './model';
import { loadSchemaFiles } from './schema-files';
import { createGraphValidator } from './validate';

/** schemas/ plus a derived complex type, as a later page would add one. */
function schemasWithDerivedType(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'mockgraph-schemas-')), 'schemas');
  cpSync(join(packageRoot(), 'schemas'), root, { recursive: true });
  writeFileSync(
    join(root, 'graph', 'geoIpCategory.schema.json'),
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'microsoft.graph.geoIpCategory',
      $comment: 'test-only derived type',
      type: 'object',
      allOf: [{ $ref: 'microsoft.graph.ipCategory' }],
      'x-odataType': 'microsoft.graph.geoIpCategory',
      'x-baseType': 'microsoft.graph.ipCategory',
      properties: { region: { type: ['string', 'null'], 'x-edmType': 'Edm.String' } },
      additionalProperties: false,
    }),
  );
  return root;
}

describe('derived types', () => {
  const files = loadSchemaFiles(schemasWithDerivedType());
  const model = buildGraphModel(files);
  const validator = createGraphValidator(files, model);
  const check = (ipCategories: unknown[]) => validator.check('microsoft.graph.ipSecurityProfile', { ipCategories });

  test('the registry knows the new type and its base', () => {
    expect(model.derivesFrom('#microsoft.graph.geoIpCategory', 'microsoft.graph.ipCategory')).toBe(true);
    expect(model.resolveType('microsoft.graph.geoIpCategory')?.properties.map((p) => p.name)).toEqual(['description', 'name', 'vendor', 'region']);
  });

  test('a value naming the derived type validates against its own schema', () => {
    expect(check([{ '@odata.type': '#microsoft.graph.geoIpCategory', name: 'n', region: 'eu' }])).toEqual([]);
    expect(check([{ '@odata.type': 'microsoft.graph.geoipcategory', region: 5 }])).toEqual(['ipCategories[0].region: expected String or null, got integer']);
  });

  test("check() of the base type's schema validates a value of a derived type by that type's schema", () => {
    expect(validator.check('microsoft.graph.ipCategory', { '@odata.type': '#microsoft.graph.geoIpCategory', name: 'n', region: 'eu' })).toEqual([]);
    expect(validator.check('microsoft.graph.ipCategory', { '@odata.type': '#microsoft.graph.geoIpCategory', region: 5 })).toEqual(['region: expected String or null, got integer']);
    expect(validator.invalidProperties('microsoft.graph.ipCategory', { name: 'n', region: 'eu' })).toEqual(['region']);
  });

  test('the base type stays closed, and a foreign type is still refused', () => {
    expect(check([{ name: 'n', region: 'eu' }])).toEqual(['ipCategories[0].region: property is not declared on microsoft.graph.ipCategory']);
    expect(check([{ '@odata.type': '#microsoft.graph.ipReferenceData' }])[0]).toContain('does not name microsoft.graph.ipCategory');
  });
});
