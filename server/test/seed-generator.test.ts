import { VALIDATION_PROFILES, generateEntities, generateProfiles, loadGraphDefinition } from '../src/index';
import type { GraphDefinition } from '../src/index';
import { NOTES_PATH, notesSchemaDir } from './extra-schemas';


/** The first problem of each generated entity under each profile's create contract. */
function problems(graph: GraphDefinition, count: number): string[] {
  return graph.model.entitySets.flatMap((set) =>
    generateEntities(graph, set.path, count, 11).flatMap((entity) =>
      VALIDATION_PROFILES.flatMap((profile) => {
        try {
          graph.validator.assertBody(set.entityType, 'create', profile, entity);
          return [];
        } catch (err) {
          return [`${set.path} ${profile} ${String(entity.id)}: ${(err as Error).message}`];
        }
      }),
    ),
  );
}

describe('the model-driven seed generator', () => {
  const graph = loadGraphDefinition([notesSchemaDir()]);

  test('every entity set it serves, imported ones included, gets entities valid under both validation profiles', () => {
    expect(graph.model.entitySets.map((s) => s.path)).toEqual(expect.arrayContaining(['security/ipSecurityProfiles', 'security/tiIndicators', 'security/secureScoreControlProfiles', NOTES_PATH]));
    expect(problems(graph, 200)).toEqual([]);
  });

  test('deterministic: the same seed gives the same entities, another seed others; keys are seed-<seed>-<n>', () => {
    const a = generateEntities(graph, 'security/tiIndicators', 20, 3);
    expect(generateEntities(graph, 'security/tiIndicators', 20, 3)).toEqual(a);
    expect(generateEntities(graph, 'security/tiIndicators', 20, 4)).not.toEqual(a);
    expect(a.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, i) => `seed-3-${i + 1}`));
    expect(a[0]?.['@odata.type']).toBe('#microsoft.graph.tiIndicator');
  });

  test('values follow the Edm type and what the property name says, never the resource', () => {
    const [ti] = generateEntities(graph, 'security/tiIndicators', 1, 5);
    expect(ti).toMatchObject({
      emailSenderAddress: expect.stringMatching(/^[a-z]+@[a-z]+\.com$/),
      emailSourceIpAddress: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      networkIPv6: expect.stringMatching(/^2001:db8:/),
      networkPort: expect.any(Number),
      url: expect.stringMatching(/^https:\/\/www\.[a-z]+\.com\//),
      domainName: expect.stringMatching(/^[a-z]+\.[a-z]+\.com$/),
      azureTenantId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      expirationDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
      isActive: expect.any(Boolean),
    });
    expect(['unknown', 'white', 'green', 'amber', 'red']).toContain(ti?.tlpLevel);
    expect(['unknown', 'allow', 'block', 'alert']).toContain(ti?.action);
    expect(ti?.networkPort as number).toBeGreaterThanOrEqual(1024);
    expect(Date.parse(String(ti?.expirationDateTime))).toBeGreaterThan(Date.parse(String(ti?.ingestedDateTime)));
    // One object's place is one place: its city, country and state agree.
    const [profile] = generateEntities(graph, 'security/ipSecurityProfiles', 1, 5);
    const [place] = profile?.ipReferenceData as Array<{ city: string; countryOrRegionCode: string; state: string }>;
    expect([['Seattle', 'US', 'Washington'], ['Amsterdam', 'NL', 'North Holland'], ['Singapore', 'SG', 'Singapore'], ['São Paulo', 'BR', 'São Paulo'], ['Frankfurt', 'DE', 'Hesse'], ['Osaka', 'JP', 'Osaka']]).toContainEqual([place?.city, place?.countryOrRegionCode, place?.state]);
  });

  test('generateProfiles(count, seed) is the generator for the first entity set of schemas/', () => {
    const schemas = loadGraphDefinition();
    expect(generateProfiles(5, 9)).toEqual(generateEntities(schemas, schemas.model.entitySets[0]?.path ?? '', 5, 9));
  });

  test('an unknown entity set is an error naming the ones there are', () => {
    expect(() => generateEntities(graph, 'security/nope', 1)).toThrow(/^no entity set 'security\/nope' \(the entity sets are: .*security\/threatNotes/);
  });
});
