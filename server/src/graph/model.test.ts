import { buildGraphModel } from './model';
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
    expect(model.entitySets.find((s) => s.path === 'security/ipSecurityProfiles')).toEqual({
      segments: ['security', 'ipSecurityProfiles'], path: 'security/ipSecurityProfiles', aliases: [], entityType: 'microsoft.graph.ipSecurityProfile', containment: true, versions: ['beta'],
      permissions: { read: ['SecurityEvents.Read.All', 'SecurityEvents.ReadWrite.All'], write: ['SecurityEvents.ReadWrite.All'] },
      // A hand-written schema names no methods: every CRUD method is served.
      methods: { collection: ['GET', 'POST'], entity: ['GET', 'PATCH', 'DELETE'] },
      operations: [],
    });
  });

  test('enum types, documented methods and bound operations are read from the x- keywords', () => {
    const files = [
      { id: 'microsoft.graph.level', file: 'level.schema.json', schema: { $id: 'microsoft.graph.level', type: 'string', enum: ['low', 'high'], 'x-odataType': 'microsoft.graph.level', 'x-enumMembers': [{ name: 'low' }, { name: 'high' }] } },
      {
        id: 'microsoft.graph.thing',
        file: 'thing.schema.json',
        schema: {
          $id: 'microsoft.graph.thing',
          'x-odataType': 'microsoft.graph.thing',
          'x-key': 'id',
          properties: { id: { type: 'string', 'x-edmType': 'Edm.String' }, level: { anyOf: [{ $ref: 'microsoft.graph.level' }, { type: 'null' }], 'x-edmType': 'microsoft.graph.level' } },
          'x-entitySet': { path: 'things', versions: ['beta'], methods: { collection: ['GET'], entity: ['GET', 'PATCH'] } },
          'x-actions': [{ name: 'cancel', kind: 'action', bindsTo: 'entity', method: 'POST', parameters: null, returns: null, permissions: ['Things.ReadWrite'] }],
        },
      },
    ];
    const built = buildGraphModel(files);
    expect(built.resolveEnum('#Microsoft.Graph.Level')?.members).toEqual(['low', 'high']);
    expect(built.resolveType('microsoft.graph.level')).toBeUndefined();
    expect(built.resolveType('microsoft.graph.thing')?.property('level')?.complex).toBe(false);
    const [set] = built.entitySets;
    expect(set?.methods).toEqual({ collection: ['GET'], entity: ['GET', 'PATCH'] });
    expect(set?.operations).toEqual([{ name: 'cancel', kind: 'action', bindsTo: 'entity', method: 'POST', parameters: undefined, returns: undefined, status: undefined, responseExample: undefined, permissions: ['Things.ReadWrite'] }]);
  });
});
