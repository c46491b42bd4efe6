import { loadGraphDefinition } from './registry';

const { model } = loadGraphDefinition();

describe('the Graph model built from schemas/', () => {
  const profile = model.resolveType('#microsoft.graph.ipSecurityProfile');

  test('resolves type names with or without #, case-insensitively', () => {
    expect(profile?.name).toBe('microsoft.graph.ipSecurityProfile');
    expect(model.resolveType('MICROSOFT.GRAPH.IPCATEGORY')?.name).toBe('microsoft.graph.ipCategory');
    expect(model.resolveType('microsoft.graph.user')).toBeUndefined();
  });

  test('ipSecurityProfile derives from entity, is open, keyed by a read-only id', () => {
    expect(profile?.baseType).toBe('microsoft.graph.entity');
    expect(profile?.open).toBe(true);
    expect(profile?.key).toBe('id');
    expect(profile?.property('id')).toMatchObject({ readOnly: true, nullable: false });
    expect(model.derivesFrom('microsoft.graph.ipSecurityProfile', '#microsoft.graph.entity')).toBe(true);
    expect(model.derivesFrom('microsoft.graph.entity', 'microsoft.graph.ipSecurityProfile')).toBe(false);
  });

  test('declares the page table in order, with Edm types and collection-ness', () => {
    expect(profile?.properties.map((p) => [p.name, p.type, p.collection])).toEqual([
      ['id', 'Edm.String', false],
      ['activityGroupNames', 'Edm.String', true],
      ['address', 'Edm.String', false],
      ['azureSubscriptionId', 'Edm.String', false],
      ['azureTenantId', 'Edm.String', false],
      ['countHits', 'Edm.Int32', false],
      ['countHosts', 'Edm.Int32', false],
      ['firstSeenDateTime', 'Edm.DateTimeOffset', false],
      ['ipCategories', 'microsoft.graph.ipCategory', true],
      ['ipReferenceData', 'microsoft.graph.ipReferenceData', true],
      ['lastSeenDateTime', 'Edm.DateTimeOffset', false],
      ['riskScore', 'Edm.String', false],
      ['tags', 'Edm.String', true],
      ['vendorInformation', 'microsoft.graph.securityVendorInformation', false],
    ]);
    expect(profile?.properties.filter((p) => !p.nullable).map((p) => p.name)).toEqual(['id', 'azureTenantId']);
    expect(profile?.property('vendorInformation')?.complex).toBe(true);
  });

  test('the collection is a beta-only containment below the security singleton', () => {
    expect(model.entitySets).toEqual([
      { segments: ['security', 'ipSecurityProfiles'], path: 'security/ipSecurityProfiles', entityType: 'microsoft.graph.ipSecurityProfile', containment: true, versions: ['beta'],
        permissions: { read: ['SecurityEvents.Read.All', 'SecurityEvents.ReadWrite.All'], write: ['SecurityEvents.ReadWrite.All'] } },
    ]);
  });
});
