import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../../server/src/index';
import { writeImport } from './import';
import { compileAll, importPages, pagesAt, schemaAt } from './test-data';

/**
 * Real pages of a base type and two derived types whose create and update pages target the base type's set
 * (fixtures/import/derived-pages/SOURCES.md): ipNamedLocation's and countryNamedLocation's update pages PATCH
 * /identity/conditionalAccess/namedLocations/{id}, one create page POSTs both to the set.
 */
const DIR = 'contract-tests/fixtures/import/derived-pages';
const pages = pagesAt(`${DIR}/api`, `${DIR}/resources`);
const result = importPages(pages);
const TYPES = ['namedLocation', 'ipNamedLocation', 'countryNamedLocation'] as const;
const DERIVED = ['ipNamedLocation', 'countryNamedLocation'] as const;
const CONTRACTS = ['create.doc', 'create.metadata', 'update', 'update.doc'] as const;

const listed = (r: typeof result, path: string): string[] => schemaAt(r, path).propertyNames?.enum ?? [];
const examplesOf = (r: typeof result, path: string): Array<Record<string, unknown>> => schemaAt(r, path).examples;
const named = (e: Record<string, unknown>) => String(e['@odata.type'] ?? '').replace(/^#microsoft\.graph\./, '');
const rel = (f: { file: string; line: number }) => `${f.file.slice(DIR.length + 1)}:${f.line}`;

describe("derived types' create and update pages", () => {
  test("each derived type's update doc contract lists its own page's table", () => {
    expect(listed(result, 'requests/ipNamedLocation.update.doc.schema.json')).toEqual(['@odata.type', 'displayName', 'ipRanges', 'isTrusted']);
    expect(listed(result, 'requests/countryNamedLocation.update.doc.schema.json')).toEqual(['@odata.type', 'countriesAndRegions', 'displayName', 'includeUnknownCountriesAndRegions']);
  });

  test("the base type keeps its own update page's table, without the derived pages' properties", () => {
    expect(listed(result, 'requests/namedLocation.update.doc.schema.json')).toEqual(['@odata.type', 'createdDateTime', 'displayName', 'modifiedDateTime']);
    expect(Object.keys(schemaAt(result, 'graph/namedLocation.schema.json').properties).sort()).toEqual(['@odata.type', 'createdDateTime', 'displayName', 'id', 'modifiedDateTime']);
    expect(result.findings.filter((f) => f.rule === 'property-from-api-page')).toEqual([]);
  });

  test('the create page (no property table) gives every type a create contract without a property list', () => {
    for (const t of TYPES) {
      const created = schemaAt(result, `requests/${t}.create.doc.schema.json`);
      expect([t, created.allOf, created.propertyNames]).toEqual([t, [{ $ref: `microsoft.graph.${t}` }], undefined]);
    }
  });

  test('each request example is under the contracts of the type its body names', () => {
    for (const t of DERIVED) {
      for (const c of CONTRACTS) expect([`${t}.${c}`, examplesOf(result, `requests/${t}.${c}.schema.json`).map(named)]).toEqual([`${t}.${c}`, [t]]);
    }
    expect(examplesOf(result, 'requests/ipNamedLocation.update.doc.schema.json')[0]).toMatchObject({ displayName: 'Untrusted named location with only IPv4 address' });
    expect(examplesOf(result, 'requests/countryNamedLocation.create.doc.schema.json')[0]).toMatchObject({ countriesAndRegions: ['US', 'GB'] });
  });

  test('no schema holds an example that names another type', () => {
    for (const t of TYPES) {
      for (const path of [`graph/${t}.schema.json`, ...CONTRACTS.map((c) => `requests/${t}.${c}.schema.json`)]) {
        const others = examplesOf(result, path).map(named).filter((n) => n !== '' && n !== t);
        expect([path, others]).toEqual([path, []]);
      }
    }
  });

  test('the examples validate against their schemas; the only refused doc bodies are the old update page\'s placeholders', () => {
    expect(compileAll(result)).toEqual({ errors: [], invalidExamples: [] });
    expect(result.findings.filter((f) => f.rule === 'example-invalid').map(rel)).toEqual(['api/namedlocation-update.md:66', 'api/namedlocation-update.md:89']);
  });

  test("a set that only derived types' pages document holds their base type", () => {
    const r = importPages(pages.filter((p) => !/\/(namedlocation-get|namedlocation-update|conditionalaccessroot-post-namedlocations)\.md$/.test(p.file)));
    expect(schemaAt(r, 'graph/namedLocation.schema.json')['x-entitySet']).toMatchObject({ path: 'identity/conditionalAccess/namedLocations', methods: { collection: [], entity: ['PATCH'] } });
    expect(r.files.map((f) => f.path).filter((p) => p.startsWith('requests/'))).toEqual(['countryNamedLocation', 'ipNamedLocation', 'namedLocation'].flatMap((t) => [`requests/${t}.update.doc.schema.json`, `requests/${t}.update.schema.json`]));
  });

  test("lacking a body @odata.type, the page's heading names its type (Update ipNamedlocation)", () => {
    const unannotated = pages.map((p) => (p.file.endsWith('/ipnamedlocation-update.md') ? { ...p, text: p.text.replace(/^\s*"@odata\.type": "#microsoft\.graph\.ipNamedLocation",\n/m, '') } : p));
    expect(unannotated.find((p) => p.file.endsWith('/ipnamedlocation-update.md'))?.text).not.toContain('microsoft.graph.ipNamedLocation"');
    const r = importPages(unannotated);
    expect(listed(r, 'requests/ipNamedLocation.update.doc.schema.json')).toEqual(['@odata.type', 'displayName', 'ipRanges', 'isTrusted']);
    expect(listed(r, 'requests/namedLocation.update.doc.schema.json')).toEqual(['@odata.type', 'createdDateTime', 'displayName', 'modifiedDateTime']);
    expect(examplesOf(r, 'requests/ipNamedLocation.update.doc.schema.json')[0]).toMatchObject({ isTrusted: false });
  });

  test("served, a derived type's PATCH is held to its own update page's table", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'derived-pages-')), 'schemas');
    writeImport(result, dir);
    const app = createApp({ schemaDirs: [dir] });
    const set = '/beta/identity/conditionalAccess/namedLocations';
    const created = await request(app).post(set).set('Authorization', 'Bearer t').send(examplesOf(result, 'requests/ipNamedLocation.create.doc.schema.json')[0]);
    expect([created.status, created.body['@odata.type']]).toEqual([201, '#microsoft.graph.ipNamedLocation']);
    const patch = (body: object) => request(app).patch(`${set}/${String(created.body.id)}`).set('Authorization', 'Bearer t').send({ '@odata.type': '#microsoft.graph.ipNamedLocation', ...body });
    expect((await patch({ isTrusted: true })).status).toBe(204);
    const refused = await patch({ countriesAndRegions: ['CA'] });
    expect([refused.status, refused.body.error.message]).toEqual([400, 'Invalid request body: countriesAndRegions: property is not declared on microsoft.graph.ipNamedLocation.']);
  });
});
