import { builtIns, compileAll, importPages, pagesAt } from './test-data';

/**
 * The pages behind today's hand-written schemas, imported with nothing known beforehand, against schemas/graph:
 * every fact (type kind, base type, key, abstract/open, property types, collection-ness, nullability, read-only,
 * entity set, permissions) of the five hand-written types. The diff is not empty; each line is explained below.
 */
const DOCS = 'contract-tests/docs/beta';
/** The 2018 ipSecurityProfile pages at 768d389 (their newest versions are replayed from docs/beta/api: docs-sources.md, note 2). */
const OLD = 'contract-tests/fixtures/import/ipsecurityprofile-2018';
const result = importPages(
  pagesAt('contract-tests/docs/add-ipsecurityprofiles.md', `${OLD}/resources/ipsecurityprofile.md`, `${DOCS}/resources/securityvendorinformation.md`, `${DOCS}/resources/entity.md`, `${OLD}/api/ipsecurityprofile_get.md`, `${OLD}/api/ipsecurityprofile_update.md`),
  [],
);
const HAND_WRITTEN = ['microsoft.graph.entity', 'microsoft.graph.ipSecurityProfile', 'microsoft.graph.ipCategory', 'microsoft.graph.ipReferenceData', 'microsoft.graph.securityVendorInformation'];

type Schema = Record<string, any>;
const nullable = (s: Schema): boolean => (Array.isArray(s.type) && s.type.includes('null')) || (s.anyOf ?? []).some((x: Schema) => x.type === 'null');

/** One line per fact, the same way for both sides. */
function facts(schemas: readonly Schema[]): string[] {
  const byId = new Map(schemas.map((s) => [s.$id as string, s]));
  const out: string[] = [];
  for (const id of HAND_WRITTEN) {
    const s = byId.get(id);
    if (!s) continue;
    const local = id.slice('microsoft.graph.'.length);
    const base = s['x-baseType'] ? byId.get(s['x-baseType']) : undefined;
    out.push(`${local}: ${s['x-key'] || base?.['x-key'] ? 'entity' : 'complex'}, base ${s['x-baseType'] ?? 'none'}, key ${s['x-key'] ?? base?.['x-key'] ?? 'none'}${s['x-abstract'] ? ', abstract' : ''}${s['x-openType'] ? ', open' : ''}`);
    for (const [name, p] of Object.entries(s.properties as Record<string, Schema>)) {
      if (name.startsWith('@')) continue;
      const value = p.type === 'array' ? p.items : p;
      const readOnly = p.readOnly === true || base?.properties?.[name]?.readOnly === true;
      out.push(`${local}.${name}: ${p['x-edmType']}, ${nullable(value) ? 'nullable' : 'not nullable'}${readOnly ? ', read-only' : ''}`);
    }
    const set = s['x-entitySet'];
    if (set) out.push(`${local} entity set: /${set.path}, containment ${set.containment}, versions ${set.versions.join(' ')}, read ${set.permissions.read.join(' ')}, write ${set.permissions.write.join(' ')}`);
  }
  return out.sort();
}

/** Every line of the diff (`-` hand-written only, `+` imported only) with why it differs. */
const EXPLAINED: Record<string, string> = {
  '- ipSecurityProfile: entity, base microsoft.graph.entity, key id, open': 'OpenType comes from the beta metadata; no page says it (the resource annotation has no openType)',
  '+ ipSecurityProfile: entity, base microsoft.graph.entity, key id': 'the same type, closed (see the line above)',
  '- ipSecurityProfile.azureTenantId: Edm.String, not nullable': 'non-nullability comes from the metadata; the pages mark it required (`*`), which is a create-contract fact, not nullability',
  '+ ipSecurityProfile.azureTenantId: Edm.String, nullable': 'the same property, nullable by default (see the line above)',
  '+ ipSecurityProfile.asn: Edm.Int32, nullable': 'the stored resource page is the 2018 version; the hand transcription follows the seed page, which has no asn (the metadata moved it to ipReferenceData)',
  '+ ipSecurityProfile.city: Edm.String, nullable': 'the 2018 resource page only (see asn)',
  '+ ipSecurityProfile.countryOrRegionCode: Edm.String, nullable': 'the 2018 resource page only (see asn)',
  '+ ipSecurityProfile.createdDateTime: Edm.DateTimeOffset, nullable': 'the 2018 resource page only (see asn)',
  '+ ipSecurityProfile.lastModifiedDateTime: Edm.DateTimeOffset, nullable': 'the 2018 resource page only (see asn)',
  '+ ipSecurityProfile.organization: Edm.String, nullable': 'the 2018 resource page only (see asn)',
  '+ ipSecurityProfile.state: Edm.String, nullable': 'the 2018 resource page only (see asn)',
  '- ipCategory: complex, base none, key none': 'Graph has no ipCategory page: the import models it as an open complex type (next line)',
  '+ ipCategory: complex, base none, key none, open': 'an open complex type with no properties, since no page defines it',
  '- ipCategory.description: Edm.String, nullable': "from the seed page's request example and the metadata; no page documents ipCategory's properties",
  '- ipCategory.name: Edm.String, nullable': 'as ipCategory.description',
  '- ipCategory.vendor: Edm.String, nullable': 'as ipCategory.description',
  '- ipReferenceData: complex, base none, key none': 'Graph has no ipReferenceData page: an open complex type (next line)',
  '+ ipReferenceData: complex, base none, key none, open': 'an open complex type with no properties, since no page defines it',
  '- ipReferenceData.asn: Edm.Int64, nullable': "from the seed page's request example and the metadata; no page documents ipReferenceData's properties",
  '- ipReferenceData.city: Edm.String, nullable': 'as ipReferenceData.asn',
  '- ipReferenceData.countryOrRegionCode: Edm.String, nullable': 'as ipReferenceData.asn',
  '- ipReferenceData.organization: Edm.String, nullable': 'as ipReferenceData.asn',
  '- ipReferenceData.state: Edm.String, nullable': 'as ipReferenceData.asn',
  '- ipReferenceData.vendor: Edm.String, nullable': 'as ipReferenceData.asn',
};

describe('importing the ipSecurityProfile pages reproduces the hand-written schemas, but for explained lines', () => {
  const hand = facts(builtIns().map((k) => k.schema));
  const imported = facts(result.files.map((f) => JSON.parse(f.text) as Schema));
  const diff = [...hand.filter((l) => !imported.includes(l)).map((l) => `- ${l}`), ...imported.filter((l) => !hand.includes(l)).map((l) => `+ ${l}`)].sort();

  test('the diff is exactly the explained lines', () => {
    expect(diff).toEqual(Object.keys(EXPLAINED).sort());
  });

  test('the agreeing facts include the key, base type, entity set and permissions', () => {
    expect(imported).toEqual(
      expect.arrayContaining([
        'entity: entity, base none, key id, abstract',
        'entity.id: Edm.String, not nullable, read-only',
        'ipSecurityProfile entity set: /security/ipSecurityProfiles, containment true, versions beta, read SecurityEvents.Read.All SecurityEvents.ReadWrite.All, write SecurityEvents.ReadWrite.All',
        'ipSecurityProfile.ipCategories: Collection(microsoft.graph.ipCategory), nullable',
        'ipSecurityProfile.vendorInformation: microsoft.graph.securityVendorInformation, nullable',
        'securityVendorInformation.vendor: Edm.String, nullable',
      ]),
    );
  });

  test("the doc create contract is the seed page's table minus id, as schemas/requests holds it", () => {
    const created = JSON.parse(result.files.find((f) => f.path === 'requests/ipSecurityProfile.create.doc.schema.json')!.text) as Schema;
    const handWritten = builtIns().find((k) => k.id === 'mockgraph.requests.ipSecurityProfile.create.doc')!.schema;
    expect([created.required, created.propertyNames]).toEqual([handWritten.required, handWritten.propertyNames]);
  });

  test('the imported schemas compile and their examples are valid', () => {
    expect(compileAll(result, [])).toEqual({ errors: [], invalidExamples: [] });
  });
});
