import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraphDefinition } from '../server/src/index';
import { loadDocPage } from './src/load';
import { readPropertyTable } from './src/tables';

const page = loadDocPage(readFileSync(join(__dirname, 'docs', 'add-ipsecurityprofiles.md'), 'utf8'), 'add-ipsecurityprofiles.md');
const rows = readPropertyTable(page);
const graph = loadGraphDefinition();
const profile = graph.model.resolveType('microsoft.graph.ipSecurityProfile')!;

/** The doc writes Edm types without the namespace and complex types without theirs. */
const docTypeName = (type: string) => (type.startsWith('Edm.') ? type.slice(4) : type.slice(type.lastIndexOf('.') + 1));

describe('add-ipsecurityprofiles.md property table vs schemas/', () => {
  test('the table has the fourteen rows of the page', () => {
    expect(rows.map((r) => r.name)).toHaveLength(14);
  });

  test.each(rows.map((r) => [r.name, r] as const))('%s: same name, type and collection-ness in the schema', (_name, row) => {
    const prop = profile.property(row.name);
    expect(prop).toBeDefined();
    expect([docTypeName(prop!.type).toLowerCase(), prop!.collection]).toEqual([row.type.toLowerCase(), row.collection]);
  });

  test("the doc contract requires exactly the table's properties but id, and accepts only those", () => {
    const schema = graph.files.find((f) => f.id === 'mockgraph.requests.ipSecurityProfile.create.doc')!.schema;
    expect(schema.required).toEqual(rows.map((r) => r.name).filter((n) => n !== 'id'));
    expect((schema.propertyNames as { enum: string[] }).enum).toEqual(['@odata.type', ...rows.map((r) => r.name)]);
  });
});
