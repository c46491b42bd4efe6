import { notesSchemaDir } from '../../test/extra-schemas';
import { createMemoryStore } from '../store/memory-store';
import { loadGraphDefinition } from './registry';
import { applySeeds, exampleSeed, prepareSeeds, SeedError, seedRecords } from './seed';

describe('seed files', () => {
  test('an array, a collection response, or an object keyed by entity-set path (whose values may be either)', () => {
    expect(seedRecords([{ id: 'a' }])).toEqual([{ id: 'a' }]);
    expect(seedRecords({ '@odata.context': 'x', value: [{ id: 'a' }] })).toEqual([{ id: 'a' }]);
    expect(seedRecords({ 'security/a': [{ id: 'a' }], 'security/b': { value: [{ id: 'b' }] } })).toEqual({ 'security/a': [{ id: 'a' }], 'security/b': [{ id: 'b' }] });
    expect(() => seedRecords({ 'security/a': { id: 'a' } })).toThrow(new SeedError('security/a: expected a JSON array of entities or a collection response { "value": [...] }'));
    expect(() => seedRecords('text')).toThrow(SeedError);
  });
});

describe('the default seed and applying it', () => {
  const withExample = loadGraphDefinition([notesSchemaDir()]);
  const withoutExample = loadGraphDefinition([notesSchemaDir({ example: false })]);

  test("each set gets its type's first schema example when it passes the profile's create contract; others start empty", () => {
    // tiIndicators' examples (its pages' responses) lack fields its create page requires, so it starts empty.
    expect(Object.keys(exampleSeed(withExample, 'doc'))).toEqual(['security/ipSecurityProfiles', 'security/secureScoreControlProfiles', 'security/threatNotes']);
    expect(Object.keys(exampleSeed(withoutExample, 'doc'))).toEqual(['security/ipSecurityProfiles', 'security/secureScoreControlProfiles']);
  });

  test('an empty store gets every seed in one reset; a store with data seeds only its empty sets', async () => {
    const seed = prepareSeeds(exampleSeed(withExample, 'metadata'), withExample, 'metadata');
    const empty = createMemoryStore();
    expect(await applySeeds(empty, seed)).toBe(seed.size);
    const used = createMemoryStore();
    used.collection('security/threatNotes').insert({ id: 'kept' });
    expect(await applySeeds(used, seed)).toBe(seed.size - 1);
    expect([...used.collection('security/threatNotes').values()]).toEqual([{ id: 'kept' }]);
    expect(used.collection('security/ipSecurityProfiles').count()).toBe(1);
  });
});
