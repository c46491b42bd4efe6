import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadSchemaFiles } from './schema-files';
import { loadGraphDefinition } from './registry';

const { files, validator } = loadGraphDefinition();
const check = (id: string, value: unknown) => validator.check(id, value);
const PROFILE = 'microsoft.graph.ipSecurityProfile';

describe('schemas/', () => {
  test.each(files.map((f) => [f.id, f] as const))('%s has examples, and every one is valid', (_id, file) => {
    const examples = file.schema.examples as unknown[] | undefined;
    expect(examples?.length).toBeGreaterThan(0);
    for (const example of examples ?? []) expect(check(file.id, example)).toEqual([]);
  });

  test.each(files.map((f) => [f.id, f] as const))('%s cites its source in $comment', (_id, file) => {
    expect(typeof file.schema.$comment).toBe('string');
  });

  test.each([
    ['2016-12-31T23:57:27.0365895+03:00', true],
    ['2016-12-31T23:57:27Z', true],
    ['2016-12-31T23:57:27.1234567890123Z', true],
    ['2016-12-31T23:57:27', false],
    ['2016-12-31', false],
    ['31/12/2016', false],
  ])('DateTimeOffset %s valid: %s', (value, valid) => {
    expect(check(PROFILE, { firstSeenDateTime: value }).length === 0).toBe(valid);
  });

  test.each([
    [-2147483648, true],
    [2147483647, true],
    [2147483648, false],
    [-2147483649, false],
    [1.5, false],
  ])('Int32 countHits %d valid: %s', (value, valid) => {
    expect(check(PROFILE, { countHits: value }).length === 0).toBe(valid);
  });

  test.each([
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MIN_SAFE_INTEGER, true],
    [2 ** 53, false],
  ])('Int64 asn %d valid: %s', (value, valid) => {
    expect(check('microsoft.graph.ipReferenceData', { asn: value }).length === 0).toBe(valid);
  });

  test('the type is open: undeclared properties are legal on the entity type', () => {
    expect(check(PROFILE, { customerNote: 'x' })).toEqual([]);
  });

  test('only id and azureTenantId are non-nullable; collections hold nullable items but are never null', () => {
    expect(check(PROFILE, { azureTenantId: null })).not.toEqual([]);
    expect(check(PROFILE, { address: null, countHits: null, vendorInformation: null, firstSeenDateTime: null })).toEqual([]);
    expect(check(PROFILE, { tags: [null], ipCategories: [null] })).toEqual([]);
    expect(check(PROFILE, { tags: null })).not.toEqual([]);
  });

  test('@odata.type is accepted with or without #, in any case, and a foreign type is refused', () => {
    expect(check(PROFILE, { '@odata.type': 'microsoft.graph.ipsecurityprofile' })).toEqual([]);
    expect(check(PROFILE, { '@odata.type': '#MICROSOFT.GRAPH.IPSECURITYPROFILE' })).toEqual([]);
    expect(check(PROFILE, { '@odata.type': '#microsoft.graph.user' })).toEqual([
      "body: @odata.type '#microsoft.graph.user' does not name microsoft.graph.ipSecurityProfile or a type derived from it",
    ]);
  });

  test('the doc profile accepts the doc request, and the metadata profile needs only azureTenantId', () => {
    expect(check('mockgraph.requests.ipSecurityProfile.create.metadata', { azureTenantId: 't' })).toEqual([]);
    expect(check('mockgraph.requests.ipSecurityProfile.create.metadata', {})).toEqual(['azureTenantId: required property is missing']);
    expect(check('mockgraph.requests.ipSecurityProfile.create.doc', { azureTenantId: 't' })[0]).toContain('required property is missing');
  });
});

describe('--schemas folders', () => {
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'mockgraph-schemas-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };

  test('are read beside schemas/, from the folder and its graph/ and requests/ subfolders', () => {
    const dir = folder({ 'graph/a.schema.json': '{"$id":"x.a"}', 'requests/b.schema.json': '{"$id":"x.b"}', 'c.schema.json': '{"$id":"x.c"}' });
    expect(loadSchemaFiles(undefined, [dir]).map((f) => f.id)).toEqual(expect.arrayContaining(['x.a', 'x.b', 'x.c', 'microsoft.graph.ipSecurityProfile']));
  });

  test.each([
    [{ 'graph/e.schema.json': '{"$id":"microsoft.graph.entity"}' }, /graph\/e\.schema\.json: its \$id 'microsoft\.graph\.entity' is already defined by schemas\/graph\/entity\.schema\.json$/],
    [{ 'bad.schema.json': '{"$id": ' }, /bad\.schema\.json: /],
    [{ 'noid.schema.json': '{"type":"object"}' }, /noid\.schema\.json: a schema needs a string \$id$/],
    [{ 'README.md': 'nothing' }, /holds no \*\.schema\.json files/],
  ])('a conflicting or invalid folder stops the load with one line naming the file: %j', (files, message) => {
    expect(() => loadSchemaFiles(undefined, [folder(files)])).toThrow(message);
  });

  test('a missing folder is named', () => {
    expect(() => loadSchemaFiles(undefined, ['/nonexistent/schemas'])).toThrow('--schemas /nonexistent/schemas: no such folder');
  });
});
