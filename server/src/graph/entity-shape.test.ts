import { entityPayload, stripAnnotations } from '../odata/annotations';
import { applyPatch, idProblem, MAX_ID_LENGTH, toStoredEntity } from './entity-shape';
import { loadGraphDefinition } from './registry';

const { model } = loadGraphDefinition();
const profile = model.resolveType('microsoft.graph.ipSecurityProfile')!;

describe('stored entity shape', () => {
  test('id first, every declared property present (null or []), then dynamic properties', () => {
    const stored = toStoredEntity({ customerNote: 'n', azureTenantId: 't', vendorInformation: { provider: 'p' } }, 'x1', profile, model);
    expect(Object.keys(stored)).toEqual([...profile.properties.map((p) => p.name), 'customerNote']);
    expect(stored).toMatchObject({ id: 'x1', tags: [], address: null, azureTenantId: 't', vendorInformation: { provider: 'p', providerVersion: null, subProvider: null, vendor: null } });
  });

  test('annotations are stripped for storage and added back on the way out', () => {
    const input = stripAnnotations({ '@odata.type': '#microsoft.graph.ipSecurityProfile', ipCategories: [{ '@odata.type': 'microsoft.graph.ipCategory', name: 'n' }], 'tags@odata.type': '#Collection(String)' });
    expect(input).toEqual({ ipCategories: [{ name: 'n' }] });
    const out = entityPayload(toStoredEntity(input as Record<string, unknown>, 'x', profile, model), profile, model, { metadata: 'minimal', context: 'ctx' });
    expect(Object.keys(out).slice(0, 3)).toEqual(['@odata.context', '@odata.type', 'id']);
    expect((out.ipCategories as unknown[])[0]).toEqual({ '@odata.type': '#microsoft.graph.ipCategory', description: null, name: 'n', vendor: null });
  });

  test('__proto__ in input stays an own data property and never changes a prototype', () => {
    const body = JSON.parse('{"__proto__": {"polluted": true}, "azureTenantId": "t"}') as Record<string, unknown>;
    const stored = toStoredEntity(stripAnnotations(body) as Record<string, unknown>, 'x', profile, model);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(stored, '__proto__')).toBe(true);
  });

  test('PATCH merges a single complex value and replaces collections', () => {
    const stored = toStoredEntity({ azureTenantId: 't', tags: ['a', 'b'], vendorInformation: { provider: 'p', subProvider: 's' } }, 'x', profile, model);
    const patched = applyPatch(stored, { tags: ['c'], vendorInformation: { provider: 'q' } }, profile, model);
    expect(patched.tags).toEqual(['c']);
    expect(patched.vendorInformation).toEqual({ provider: 'q', providerVersion: null, subProvider: 's', vendor: null });
    expect(patched.azureTenantId).toBe('t');
  });
});

describe('ids', () => {
  test('idProblem: empty and over MAX_ID_LENGTH characters (code points) are refused', () => {
    expect(idProblem('')).toBe('id: the key property cannot be an empty string.');
    expect(idProblem('a'.repeat(MAX_ID_LENGTH))).toBeUndefined();
    expect(idProblem('😀'.repeat(MAX_ID_LENGTH))).toBeUndefined();
    expect(idProblem('a'.repeat(MAX_ID_LENGTH + 1))).toBe(`id: the key property may hold at most ${MAX_ID_LENGTH} characters, got ${MAX_ID_LENGTH + 1}.`);
  });
});
