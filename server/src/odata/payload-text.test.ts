import { toStoredEntity } from '../graph/entity-shape';
import { loadGraphDefinition } from '../graph/registry';
import { generateProfiles } from '../seed/generate';
import { collectionPayload, entityPayload, referencePayload } from './annotations';
import { payloadBytes, payloadText } from './payload-text';

const { model } = loadGraphDefinition();
const profile = model.resolveType('microsoft.graph.ipSecurityProfile')!;
const entities = generateProfiles(5, 3).map((p) => toStoredEntity(p, String(p.id), profile, model));

describe('payload texts', () => {
  test.each(['minimal', 'none', 'full'] as const)('an entity payload (%s metadata) is written as JSON.stringify writes it, asked once or again', (metadata) => {
    for (const e of entities) {
      for (let i = 0; i < 3; i++) {
        const payload = entityPayload(e, profile, model, { metadata, context: 'ctx', url: `u/${e.id}` });
        expect(payloadText(payload)).toBe(JSON.stringify(payload));
      }
    }
  });

  test('a collection of entity payloads, with count and next link, or of references', () => {
    const value = entities.map((e) => entityPayload(e, profile, model, { metadata: 'minimal', url: `u/${e.id}` }));
    for (const extras of [{}, { count: 5 }, { count: 5, nextLink: 'next?$skiptoken="x"' }]) {
      const payload = collectionPayload('ctx', 'minimal', value, extras);
      expect(payloadText(payload)).toBe(JSON.stringify(payload));
    }
    const refs = collectionPayload('ctx', 'none', [referencePayload('a'), referencePayload('b', 'c')]);
    expect(payloadText(refs)).toBe(JSON.stringify(refs));
    expect(payloadText(collectionPayload('ctx', 'minimal', []))).toBe('{"@odata.context":"ctx","value":[]}');
  });

  test("a collection payload's bytes are its text's UTF-8 bytes (non-ASCII included); other payloads have none", () => {
    const named = entities.map((e, i) => toStoredEntity({ ...e, address: `ü€😀 ${i}` }, e.id, profile, model));
    const value = named.map((e) => entityPayload(e, profile, model, { metadata: 'minimal', url: `u/${e.id}` }));
    for (const payload of [collectionPayload('ctx', 'minimal', value, { count: 5, nextLink: 'n' }), collectionPayload('ctx', 'none', []), collectionPayload('ctx', 'minimal', [referencePayload('é')])]) {
      expect(payloadBytes(payload)).toEqual(Buffer.from(JSON.stringify(payload), 'utf8'));
    }
    expect(payloadBytes(value[0])).toBeUndefined();
    expect(payloadBytes({ value: [] })).toBeUndefined();
  });

  test('the known text is invisible to JSON, keys, spread and equality', () => {
    const payload = entityPayload(entities[0]!, profile, model, { metadata: 'minimal' });
    expect(Object.keys({ ...payload })).toEqual(Object.keys(JSON.parse(JSON.stringify(payload)) as object));
    expect(payload).toEqual(JSON.parse(JSON.stringify(payload)));
  });

  test('anything else is JSON.stringify', () => {
    for (const v of [null, 1, 'x', [1, { a: 2 }], { error: { code: 'c' } }]) expect(payloadText(v)).toBe(JSON.stringify(v));
  });
});
