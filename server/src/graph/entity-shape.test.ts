import { CEILING, derivedSchemaDir, MOTION, MOUNT, SENSOR, THERMAL, WALL } from '../../test/derived-schemas';
import { entityPayload, stripAnnotations } from '../odata/annotations';
import { RECORDED_TYPE } from './derived-types';
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

describe('derived types in the stored form', () => {
  const derived = loadGraphDefinition([derivedSchemaDir()]).model;
  const sensor = derived.resolveType(SENSOR)!;
  const thermal = { '@odata.type': `#${THERMAL}`, maxCelsius: 5, mounts: [{ '@odata.type': WALL, heightCm: 1 }, { label: 'l' }] };

  test('a value of a derived type records it first and holds its properties; one of the declared type records nothing', () => {
    const stored = toStoredEntity(thermal, 'x', sensor, derived);
    expect(Object.keys(stored)).toEqual([RECORDED_TYPE, 'id', 'displayName', 'installedDateTime', 'tags', 'maxCelsius', 'calibrated', 'mounts']);
    expect(stored[RECORDED_TYPE]).toBe(THERMAL);
    expect(stored.mounts).toEqual([{ [RECORDED_TYPE]: WALL, label: null, heightCm: 1 }, { label: 'l' }]);
    expect(Object.keys(toStoredEntity({ displayName: 'd' }, 'y', sensor, derived))).not.toContain(RECORDED_TYPE);
  });

  test('a RECORDED_TYPE sent by a client is never taken for the type', () => {
    const stored = toStoredEntity({ [RECORDED_TYPE]: THERMAL, maxCelsius: 5 }, 'x', sensor, derived);
    expect(stored[RECORDED_TYPE]).toBeUndefined();
    expect(stored.maxCelsius).toBe(5);
  });

  test('the payload names each value by its own type, at every metadata level without RECORDED_TYPE', () => {
    const stored = toStoredEntity(thermal, 'x', sensor, derived);
    const minimal = entityPayload(stored, sensor, derived, { metadata: 'minimal' });
    expect(minimal['@odata.type']).toBe(`#${THERMAL}`);
    expect(minimal.mounts).toEqual([{ '@odata.type': `#${WALL}`, label: null, heightCm: 1 }, { '@odata.type': `#${MOUNT}`, label: 'l' }]);
    expect(JSON.stringify(entityPayload(stored, sensor, derived, { metadata: 'none' }))).not.toMatch(/\$type|@odata/);
  });

  test('PATCH keeps the recorded types; a complex value that names another type replaces the stored one', () => {
    const motion = toStoredEntity({ '@odata.type': MOTION, placement: { '@odata.type': WALL, label: 'a', heightCm: 3 } }, 'm', sensor, derived);
    const merged = applyPatch(motion, { sensitivity: 2, placement: { label: 'b' } }, sensor, derived);
    expect(merged).toMatchObject({ [RECORDED_TYPE]: MOTION, sensitivity: 2, placement: { [RECORDED_TYPE]: WALL, label: 'b', heightCm: 3 } });
    const replaced = applyPatch(merged, { placement: { '@odata.type': `#${CEILING}`, room: 'r' } }, sensor, derived);
    expect(replaced.placement).toEqual({ [RECORDED_TYPE]: CEILING, label: null, room: 'r' });
    expect(applyPatch(merged, { '@odata.type': `#${THERMAL}`, [RECORDED_TYPE]: THERMAL }, sensor, derived)[RECORDED_TYPE]).toBe(MOTION);
  });
});
