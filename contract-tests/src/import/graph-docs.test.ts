import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatImportFindings, importDocs, writeImport } from './import';
import { builtIns, compileAll, importPages, pagesAt, ROOT_READER, schemaAt } from './test-data';

/** The tiIndicator and secureScoreControlProfile pages fetched from Graph's docs (contract-tests/docs-sources.md). */
const DOCS = 'contract-tests/docs/beta';
const tiPages = pagesAt(`${DOCS}/resources/tiindicator.md`, `${DOCS}/resources/resultinfo.md`, ...['get', 'update', 'delete', 'submittiindicators', 'updatetiindicators', 'deletetiindicators', 'deletetiindicatorsbyexternalid'].map((n) => `${DOCS}/api/tiindicator-${n}.md`), `${DOCS}/api/tiindicators-list.md`, `${DOCS}/api/tiindicators-post.md`);
const scorePages = pagesAt(`${DOCS}/resources/securescorecontrolprofiles.md`, ...['get', 'list', 'update'].map((n) => `${DOCS}/api/securescorecontrolprofiles-${n}.md`));
const ti = importPages(tiPages);
const score = importPages(scorePages);

describe('tiIndicator', () => {
  const indicator = schemaAt(ti, 'graph/tiIndicator.schema.json');

  test('an entity type under the security singleton, with the methods and permissions its API pages document', () => {
    expect([indicator['x-baseType'], indicator['x-key'], indicator.additionalProperties]).toEqual(['microsoft.graph.entity', undefined, false]);
    expect(indicator['x-entitySet']).toEqual({
      path: 'security/tiIndicators',
      containment: true,
      versions: ['beta'],
      permissions: { read: ['ThreatIndicators.ReadWrite.OwnedBy'], write: ['ThreatIndicators.ReadWrite.OwnedBy'] },
      methods: { collection: ['GET', 'POST'], entity: ['DELETE', 'GET', 'PATCH'] },
    });
    expect(Object.keys(indicator.properties)).toHaveLength(1 + 59);
  });

  test('its four collection-bound actions, their parameters and return types', () => {
    expect(indicator['x-actions'].map((a: Record<string, any>) => `${a.name} ${a.bindsTo} → ${a.returns ? `${a.returns.collection ? 'Collection(' : ''}${a.returns.type}${a.returns.collection ? ')' : ''}` : 'nothing'}`)).toEqual([
      'deleteTiIndicators collection → Collection(microsoft.graph.resultInfo)',
      'deleteTiIndicatorsByExternalId collection → Collection(microsoft.graph.resultInfo)',
      'submitTiIndicators collection → Collection(microsoft.graph.tiIndicator)',
      'updateTiIndicators collection → Collection(microsoft.graph.tiIndicator)',
    ]);
    expect(schemaAt(ti, 'requests/tiIndicator.submitTiIndicators.schema.json').properties.value).toMatchObject({ type: 'array', items: { anyOf: [{ $ref: 'microsoft.graph.tiIndicator' }, { type: 'null' }] } });
    expect(schemaAt(ti, 'requests/tiIndicator.deleteTiIndicators.schema.json').examples).toEqual([{ value: ['id-value1', 'id-value2'] }]);
  });

  test('enums from the page\'s values tables; string properties with possible values stay strings', () => {
    expect(schemaAt(ti, 'graph/diamondModel.schema.json')['x-enumMembers'].map((m: { name: string; value: number }) => `${m.name}=${m.value}`)).toEqual(['unknown=0', 'adversary=1', 'capability=2', 'infrastructure=3', 'victim=4', 'unknownFutureValue=127']);
    expect(schemaAt(ti, 'graph/tlpLevel.schema.json').enum).toEqual(['unknown', 'white', 'green', 'amber', 'red']);
    expect(indicator.properties.killChain).toMatchObject({ type: 'array', 'x-edmType': 'Collection(microsoft.graph.killChain)' });
    expect(indicator.properties.action).toMatchObject({ type: ['string', 'null'], 'x-edmType': 'Edm.String', examples: ['unknown', 'allow', 'block', 'alert'] });
  });

  test("the create contract requires what the create page lists, but what the pages' own create bodies omit; the doc's create body is its example", () => {
    const create = schemaAt(ti, 'requests/tiIndicator.create.doc.schema.json');
    // The page lists action too, but its own submitTiIndicators example leaves it out (a required-omitted finding).
    expect(create.required).toEqual(['description', 'expirationDateTime', 'targetProduct', 'threatType', 'tlpLevel']);
    expect(formatImportFindings(ti.findings.filter((f) => f.rule === 'required-omitted'))).toMatch(/^contract-tests\/docs\/beta\/api\/tiindicator-submittiindicators\.md:\d+: required-omitted: .* names 'action' as required, but this create example of tiIndicator omits it; it is not required\n$/);
    expect(create.examples[0].externalId).toBe('Test--8586509942679764298MS501');
  });
});

describe('secureScoreControlProfile', () => {
  const profile = schemaAt(score, 'graph/secureScoreControlProfile.schema.json');

  test('GET and PATCH only, nested complex collections, the known securityVendorInformation referenced', () => {
    expect(profile['x-entitySet'].methods).toEqual({ collection: ['GET'], entity: ['GET', 'PATCH'] });
    expect(profile['x-entitySet'].path).toBe('security/secureScoreControlProfiles');
    expect(profile.properties.complianceInformation.items).toEqual({ anyOf: [{ $ref: 'microsoft.graph.complianceInformation' }, { type: 'null' }] });
    expect(schemaAt(score, 'graph/complianceInformation.schema.json').properties.certificationControls['x-edmType']).toBe('Collection(microsoft.graph.certificationControl)');
    expect(profile.properties.vendorInformation.anyOf[0]).toEqual({ $ref: 'microsoft.graph.securityVendorInformation' });
    expect(score.files.map((f) => f.path)).not.toContain('graph/securityVendorInformation.schema.json');
    expect(score.findings.filter((f) => f.rule === 'known-type').map((f) => f.message)).toEqual([expect.stringContaining('schemas/graph/securityVendorInformation.schema.json')]);
    expect(score.files.map((f) => f.path).filter((p) => p.includes('create'))).toEqual([]);
  });

  test("the page's conflicts are settled by the documented rule: maxScore is Double, lastModifiedDateTime comes from the JSON representation", () => {
    expect(profile.properties.maxScore['x-edmType']).toBe('Edm.Double');
    expect(profile.properties.lastModifiedDateTime['x-edmType']).toBe('Edm.DateTimeOffset');
    expect(profile.properties.implementationCost['x-edmType']).toBe('Edm.String');
  });
});

describe('both imports', () => {
  test('every schema compiles under ajv strict beside schemas/, and every example is valid', () => {
    expect(compileAll(ti)).toEqual({ errors: [], invalidExamples: [] });
    expect(compileAll(score)).toEqual({ errors: [], invalidExamples: [] });
  });

  test('idempotent: a second import writes nothing new, and the files are byte-identical', () => {
    const out = mkdtempSync(join(tmpdir(), 'mockgraph-import-'));
    const first = writeImport(importPages(tiPages), out);
    const snapshot = readdirSync(join(out, 'graph')).map((n) => readFileSync(join(out, 'graph', n), 'utf8'));
    const second = writeImport(importPages([...tiPages].reverse()), out);
    expect([first.written.length, first.unchanged.length]).toEqual([ti.files.length, 0]);
    expect([second.written.length, second.unchanged.length, second.skipped.length]).toEqual([0, ti.files.length, 0]);
    expect(readdirSync(join(out, 'graph')).map((n) => readFileSync(join(out, 'graph', n), 'utf8'))).toEqual(snapshot);
  });

  test('the report is file:line: rule: message', () => {
    for (const line of formatImportFindings(ti.findings).trimEnd().split('\n')) expect(line).toMatch(/^contract-tests\/docs\/beta\/[\w/.-]+\.md:\d+: [a-z-]+: \S/);
  });
});

describe('cost', () => {
  test("a 100 KB page in enums.md's format imports (timed by the report, not asserted here)", () => {
    const enums = Array.from({ length: 860 }, (_, i) => `### generatedEnum${i} values\n\n| Member |\n| -------------------- |\n| first |\n| second |\n| third |\n| unknownFutureValue |\n`).join('\n');
    const text = `---\ntitle: "Enum values"\ndoc_type: enumPageType\n---\n\n# Enum values\n\nNamespace: microsoft.graph\n\n${enums}`;
    expect(text.length).toBeGreaterThan(100_000);
    const started = process.hrtime.bigint();
    const result = importDocs({ pages: [{ file: 'enums.md', text }], known: builtIns(), reader: ROOT_READER });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(result.files).toHaveLength(860);
    expect(result.findings).toEqual([]);
    process.stdout.write(`importing a ${Math.round(text.length / 1024)} KB enums page: ${ms.toFixed(0)} ms\n`);
  });
});
