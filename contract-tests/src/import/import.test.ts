import { readRow } from './resources';
import { compileAll, importPages, pagesAt, schemaAt } from './test-data';
import { IMPORT_RULES } from './types';
import type { ImportRule } from './types';

const FIXTURES = 'contract-tests/fixtures/import';
const pages = pagesAt(`${FIXTURES}/resources/widget.md`, `${FIXTURES}/resources/enums.md`, `${FIXTURES}/resources/widgetshape.md`, `${FIXTURES}/api`, `${FIXTURES}/wild`);
const result = importPages(pages);
const widget = schemaAt(result, 'graph/widget.schema.json');
const findings = (rule: ImportRule) => result.findings.filter((f) => f.rule === rule).map((f) => `${f.file.slice(FIXTURES.length + 1)}:${f.line}: ${f.message}`);

describe('resource pages', () => {
  test('the Properties table gives names, types, collection-ness and descriptions, in table order', () => {
    expect(Object.keys(widget.properties)).toEqual(['@odata.type', 'id', 'displayName', 'color', 'shape', 'size', 'mood', 'parts', 'gadget', 'tags', 'weight', 'height', 'createdDateTime', 'labels', 'serialNumber', 'nickname']);
    expect(widget.properties.tags).toMatchObject({ type: 'array', items: { type: 'string' }, 'x-edmType': 'Collection(Edm.String)' });
    expect(widget.properties.createdDateTime).toMatchObject({ type: ['string', 'null'], format: 'date-time', readOnly: true });
    expect(widget.properties.height).toMatchObject({ type: ['integer', 'null'], minimum: -2147483648, maximum: 2147483647 });
    expect(widget.properties.displayName.$comment).toBe(`${FIXTURES}/resources/widget.md:18`);
  });

  test('row markers: a trailing *, Required., Read-only., Not nullable, Inherited from, Possible values', () => {
    const row = (cells: string[]) => readRow({ cells, line: 1 }, 'p.md')!;
    expect(row(['displayName *', 'String', 'The name.'])).toMatchObject({ name: 'displayName', required: true });
    expect(row(['action', 'string', 'The action. **Required.**'])).toMatchObject({ required: true, readOnly: false });
    expect(row(['targetProduct', 'String', 'The product. **Required**'])).toMatchObject({ required: true });
    expect(row(['id', 'String', 'Generated. Read-only.'])).toMatchObject({ readOnly: true, nullable: true });
    expect(row(['count', 'Int32', 'How many. Not nullable.'])).toMatchObject({ type: 'Edm.Int32', nullable: false });
    expect(row(['id', 'String', ' Inherited from [entity](../resources/entity.md)'])).toMatchObject({ inheritedFrom: 'entity' });
    expect(row(['kind', 'String', 'Possible values are: `a`, `b`, and `c`.']).values).toEqual(['a', 'b', 'c']);
    expect(row(['threats', 'String Collection', ''])).toMatchObject({ type: 'Edm.String', collection: true });
    expect(row(['parts', 'Collection(microsoft.graph.widgetPart)', ''])).toMatchObject({ type: 'microsoft.graph.widgetPart', collection: true });
    expect(readRow({ cells: ['(\\* Indicates a mandatory field.)'], line: 1 }, 'p.md')).toBeUndefined();
  });

  test('the JSON representation: annotations become x-key, x-openType; the key is non-nullable', () => {
    expect(widget['x-openType']).toBe(true);
    expect(widget.additionalProperties).toBe(true);
    expect(widget.properties.id.type).toBe('string');
    expect(schemaAt(result, 'graph/sprocket.schema.json')['x-key']).toBe('code');
  });

  test('table and JSON disagreeing: the table wins unless every example value agrees with the JSON representation', () => {
    expect(widget.properties.weight['x-edmType']).toBe('Edm.Double');
    expect(widget.properties.height['x-edmType']).toBe('Edm.Int32');
    expect(widget.properties.labels['x-edmType']).toBe('Collection(Edm.String)');
    expect(widget.properties.serialNumber['x-edmType']).toBe('Edm.String');
    expect(findings('table-json-mismatch')).toEqual([
      expect.stringMatching(/^resources\/widget\.md:66: widget\.weight: .*so it wins$/),
      expect.stringMatching(/^resources\/widget\.md:67: widget\.height: .*the table wins/),
      expect.stringMatching(/^resources\/widget\.md:69: widget\.labels: .*the table wins/),
      'resources/widget.md:70: widget.serialNumber is only in the JSON representation; added as Edm.String',
    ]);
    expect(findings('name-casing')).toContain("resources/widget.md:58: widget.displayName is written 'DisplayName' in the JSON representation (in different casing); 'displayName' is used");
  });

  test('relationships become x-navigationProperties (a missing target is named, reported)', () => {
    expect(widget['x-navigationProperties']).toEqual([
      { name: 'owner', type: 'microsoft.graph.user', collection: false },
      { name: 'related', type: 'microsoft.graph.widget', collection: true },
    ]);
  });
});

describe('complex types and links', () => {
  test('a linked page in the same folder is read, whatever the casing of its name', () => {
    expect(widget.properties.parts).toMatchObject({ type: 'array', items: { anyOf: [{ $ref: 'microsoft.graph.widgetPart' }, { type: 'null' }] } });
    expect(schemaAt(result, 'graph/widgetPart.schema.json').properties.count['x-edmType']).toBe('Edm.Int64');
    expect(findings('link-casing')).toEqual(["resources/widget.md:23: the link 'WidgetPart.md' finds 'widgetpart.md' (the file names differ in casing)"]);
  });

  test('a missing page gives an open complex type and a finding, not a crash', () => {
    const gadget = schemaAt(result, 'graph/gadget.schema.json');
    expect([gadget.additionalProperties, gadget['x-openType'], Object.keys(gadget.properties)]).toEqual([true, true, ['@odata.type']]);
    expect(findings('missing-page')).toContain("resources/widget.md:24: 'gadget' links to 'gadget.md', which is neither a given page nor in that folder");
  });

  test('a base type no page defines is dropped and reported; entity types derive from microsoft.graph.entity', () => {
    expect(schemaAt(result, 'graph/widgetPart.schema.json')['x-baseType']).toBeUndefined();
    expect(widget['x-baseType']).toBe('microsoft.graph.entity');
    expect(widget.allOf).toEqual([{ $ref: 'microsoft.graph.entity' }]);
    expect(findings('base-type')).toEqual(expect.arrayContaining([expect.stringContaining('microsoft.graph.partBase, which no given page'), expect.stringContaining('widget names no base type')]));
  });
});

describe('enums', () => {
  test('a values table on the resource page, merged with the description: lowerCamelCase spelling, listed members added', () => {
    const color = schemaAt(result, 'graph/widgetColor.schema.json');
    expect(color).toMatchObject({ type: 'string', enum: ['red', 'green', 'unknownFutureValue', 'blue'], 'x-odataType': 'microsoft.graph.widgetColor' });
    expect(color['x-enumMembers']).toEqual([
      { name: 'red', value: 0, description: 'Red.' },
      { name: 'green', value: 1, description: 'Green.' },
      { name: 'unknownFutureValue', value: 2, description: 'Evolvable enumeration sentinel value.' },
      { name: 'blue' },
    ]);
    expect(widget.properties.color).toMatchObject({ anyOf: [{ $ref: 'microsoft.graph.widgetColor' }, { type: 'null' }], 'x-edmType': 'microsoft.graph.widgetColor' });
    expect(findings('enum-member-casing')).toHaveLength(2);
  });

  test("an enum page's `X values` tables (Member or Value columns), a single-enum page, and an enum from Possible values alone", () => {
    expect(schemaAt(result, 'graph/widgetFinish.schema.json').enum).toEqual(['matte', 'glossy', 'unknownFutureValue']);
    expect(schemaAt(result, 'graph/widgetGrade.schema.json').enum).toEqual(['basic', 'premium']);
    expect(schemaAt(result, 'graph/widgetShape.schema.json').enum).toEqual(['round', 'square', 'unknownFutureValue']);
    expect(schemaAt(result, 'graph/widgetMood.schema.json').enum).toEqual(['happy', 'sad', 'unknownFutureValue']);
    expect(findings('enum-from-description')).toHaveLength(1);
  });

  test('Possible values on a primitive stay examples of the primitive (not validated), reported', () => {
    expect(widget.properties.size).toMatchObject({ type: ['string', 'null'], examples: ['small', 'large'] });
    expect(findings('possible-values')).toEqual(expect.arrayContaining([expect.stringContaining('widget.size is Edm.String')]));
  });
});

describe('API pages', () => {
  test('request lines give the entity set under a singleton, its methods, permissions and versions', () => {
    expect(widget['x-entitySet']).toEqual({
      path: 'admin/widgets',
      containment: true,
      versions: ['beta'],
      permissions: { read: ['Widgets.ReadWrite.All', 'Widgets.Read.All'], write: ['Widgets.ReadWrite.All'] },
      methods: { collection: ['GET', 'POST'], entity: ['DELETE', 'GET', 'PATCH'] },
    });
    expect(findings('path-casing')).toHaveLength(1);
    expect(findings('request-line')).toEqual(expect.arrayContaining([expect.stringContaining('GET /admin: a singleton'), expect.stringContaining('/parts: a path below an entity'), expect.stringContaining("no 'blockType: ignored' annotation")]));
    expect(findings('permissions')).toEqual(expect.arrayContaining([expect.stringContaining('says TODO'), expect.stringContaining('no permissions table')]));
  });

  test('bound actions and functions, with parameters and return types', () => {
    expect(widget['x-actions'].map((a: Record<string, unknown>) => [a.name, a.kind, a.bindsTo, a.method, a.returns, a.status])).toEqual([
      ['archiveAll', 'action', 'collection', 'POST', { type: 'microsoft.graph.widget', collection: true }, 200],
      ['cancel', 'action', 'entity', 'POST', null, 204],
      ['preview', 'function', 'entity', 'GET', { type: 'Edm.String', collection: false }, 200],
    ]);
    expect(widget['x-actions'][0].responseExample).toEqual({ value: [{ id: 'w1', displayName: 'First' }] });
    expect(widget['x-actions'][1].responseExample).toBeUndefined();
    const archive = schemaAt(result, 'requests/widget.archiveAll.schema.json');
    expect(archive).toMatchObject({ $id: 'mockgraph.requests.widget.archiveAll', required: ['ids'], additionalProperties: false, examples: [{ ids: ['w1'], reason: 'old' }] });
    expect(archive.properties.ids['x-edmType']).toBe('Collection(Edm.String)');
    expect(Object.keys(schemaAt(result, 'requests/widget.cancel.schema.json').properties)).toEqual(['comment']);
    expect(findings('operation')).toEqual(['api/widget-cancel.md:19: cancel: no Parameter table; parameters read from the request example\'s keys']);
  });

  test('request contracts: required from the create page, accepted names from the update table', () => {
    expect(schemaAt(result, 'requests/widget.create.doc.schema.json')).toMatchObject({ allOf: [{ $ref: 'microsoft.graph.widget' }], required: ['displayName', 'color'], examples: [{ displayName: 'New', color: 'red', mood: 'happy' }] });
    expect(schemaAt(result, 'requests/widget.create.metadata.schema.json').required).toEqual([]);
    expect(schemaAt(result, 'requests/widget.update.doc.schema.json')).toMatchObject({ propertyNames: { enum: ['@odata.type', 'displayName', 'height', 'nickname'] }, examples: [{ nickname: 'Widgy' }] });
    expect(findings('property-from-api-page')).toEqual(['api/widget-item.md:29: widget.nickname is only in this request-body table; added as Edm.String']);
    expect(findings('api-table-mismatch')).toEqual([expect.stringContaining('widget.height is Edm.String here but Edm.Int32 on the resource page')]);
  });

  test("examples: the pages' valid bodies (control annotations removed); an invalid one is reported and left out", () => {
    expect(widget.examples).toContainEqual({ id: 'w3', displayName: 'New', color: 'red', mood: 'happy', size: 'enormous' });
    expect(findings('example-invalid')).toEqual([expect.stringMatching(/^api\/widget-list\.md:48: .*\/color must be equal to one of the allowed values$/)]);
    expect(schemaAt(result, 'graph/widgetColor.schema.json').examples).toEqual(['red', 'green']);
  });
});

describe('wild pages', () => {
  test('CRLF, missing front matter, two resource blocks, invalid JSON, a broken annotation, a duplicate type, a concept page', () => {
    expect(schemaAt(result, 'graph/thing.schema.json').properties.count['x-edmType']).toBe('Edm.Int32');
    expect(findings('resource-block')).toEqual([
      "wild/noannotation.md:20: the JSON representation has no 'blockType: resource' annotation; its json block is used",
      expect.stringMatching(/^wild\/twoblocks\.md:16: the JSON representation is not valid JSON/),
      "wild/twoblocks.md:19: the page has 2 'blockType: resource' blocks; the first (line 14) is used",
      'wild/twoblocks.md:20: the JSON representation section has 2 json blocks; only the annotated one is read',
    ]);
    expect(findings('loader')).toEqual(expect.arrayContaining([expect.stringContaining('annotation-json'), expect.stringContaining('body-json'), expect.stringContaining('duplicate-example-name')]));
    expect(findings('duplicate-type')).toEqual([expect.stringContaining('wild/widget-copy.md:5: microsoft.graph.widget is also defined at')]);
    expect(findings('page-kind')).toEqual(expect.arrayContaining([expect.stringContaining("wild/concept.md:1: its doc_type 'conceptualPageType'"), expect.stringContaining('api/widget-item.md:1: it has no front matter')]));
    expect(schemaAt(result, 'graph/gizmo.schema.json').properties.label['x-edmType']).toBe('Edm.String');
  });

  test('every rule but the writer\'s and the compiler\'s has a finding on these pages (those have tests of their own)', () => {
    const elsewhere: ImportRule[] = ['known-type', 'would-overwrite', 'schema-compile', 'page-unreadable', 'required-omitted'];
    const reported = new Set(result.findings.map((f) => f.rule));
    expect(Object.keys(IMPORT_RULES).filter((r) => !reported.has(r as ImportRule) && !elsewhere.includes(r as ImportRule))).toEqual([]);
  });
});

describe('output', () => {
  test('every schema compiles under ajv strict beside schemas/, and every example is valid', () => {
    expect(compileAll(result)).toEqual({ errors: [], invalidExamples: [] });
  });

  test('idempotent: the same pages, in any order, give byte-identical files and findings', () => {
    const again = importPages([...pages].reverse());
    expect(again.files).toEqual(result.files);
    expect(again.findings).toEqual(result.findings);
  });

  test('every $comment names the importer and its sources as file:line', () => {
    for (const f of result.files) expect(JSON.parse(f.text).$comment).toMatch(/^Imported by mockgraph import-docs\. .*:\d+/);
  });
});

describe('required fields that the pages\' own create bodies leave out', () => {
  const submit = (items: string) => ({
    file: `${FIXTURES}/api/widget-submitall.md`,
    text: `---\ndoc_type: apiPageType\n---\n\n# widget: submitAll\n\nCreate several [widget](../resources/widget.md) objects.\n\n## HTTP request\n\n<!-- { "blockType": "ignored" } -->\n\n\`\`\`http\nPOST /admin/widgets/submitAll\n\`\`\`\n\n## Request body\n\n| Parameter | Type | Description |\n|:---|:---|:---|\n|value|[widget](../resources/widget.md) collection|The widgets.|\n\n## Example\n\n<!-- { "blockType": "request", "name": "submit_all" } -->\n\n\`\`\`http\nPOST https://graph.microsoft.com/beta/admin/widgets/submitAll\nContent-type: application/json\n\n{ "value": [${items}] }\n\`\`\`\n\n<!-- { "blockType": "response" } -->\n\n\`\`\`http\nHTTP/1.1 204 No Content\n\`\`\`\n`,
  });

  test('a keyless item of a bulk action that omits one is a create body without it: not required, reported', () => {
    const omitted = importPages([...pages, submit('{ "displayName": "A" }')]);
    expect(schemaAt(omitted, 'requests/widget.create.doc.schema.json').required).toEqual(['displayName']);
    expect(omitted.findings.filter((f) => f.rule === 'required-omitted').map((f) => `${f.file.slice(FIXTURES.length + 1)}: ${f.message}`)).toEqual([
      "api/widget-submitall.md: the create page's list of required fields names 'color' as required, but this create example of widget omits it; it is not required",
    ]);
  });

  test('an item that names its key is an update by id, not a create: the required list stands', () => {
    const updates = importPages([...pages, submit('{ "id": "w1", "displayName": "A" }')]);
    expect(schemaAt(updates, 'requests/widget.create.doc.schema.json').required).toEqual(['displayName', 'color']);
    expect(updates.findings.filter((f) => f.rule === 'required-omitted')).toEqual([]);
  });
});

