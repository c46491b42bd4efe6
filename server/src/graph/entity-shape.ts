import { isJsonObject, setOwn } from '../json';
import { stripAnnotations } from '../odata/annotations';
import { toUtcText } from '../odata/query/instant';
import type { JsonObject } from '../json';
import type { Entity } from '../store/store';
import { namedTypeOf, RECORDED_TYPE, recordedTypeOf } from './derived-types';
import type { GraphModel, PropertyModel, StructuredTypeModel } from './model';

/**
 * The stored form of a structured value of type `declared`, or of the derived type its `@odata.type` names
 * (recorded as RECORDED_TYPE): that type's declared properties in the model's order, absent ones as null
 * (collections as []), then dynamic properties; no instance annotations; DateTimeOffsets in UTC.
 * Graph returns every property of an entity, so the mock stores them all.
 */
export function shapeStructured(input: JsonObject, declared: StructuredTypeModel, model: GraphModel): JsonObject {
  return assemble(input, namedTypeOf(input, declared, model), declared, (prop, value) => shapeValue(prop, value, model));
}

/**
 * A structured value of `type` from `input`, each declared property's value through `shape`. A RECORDED_TYPE in
 * `input` is never taken over: the type recorded is `type`, whatever a client sent.
 */
function assemble(input: JsonObject, type: StructuredTypeModel, declared: StructuredTypeModel, shape: (prop: PropertyModel, value: unknown) => unknown): JsonObject {
  const out: JsonObject = {};
  if (type.name !== declared.name) setOwn(out, RECORDED_TYPE, type.name);
  for (const prop of type.properties) {
    const value = input[prop.name];
    setOwn(out, prop.name, value === undefined ? (prop.collection ? [] : null) : shape(prop, value));
  }
  for (const name of Object.keys(input)) {
    if (!name.includes('@') && name !== RECORDED_TYPE && !type.property(name)) setOwn(out, name, stripAnnotations(input[name]));
  }
  return out;
}

/** The stored form of a request's value of a declared property. */
function shapeValue(prop: PropertyModel, value: unknown, model: GraphModel): unknown {
  const complex = prop.complex ? model.resolveType(prop.type) : undefined;
  if (complex && prop.collection && Array.isArray(value)) return value.map((v) => (isJsonObject(v) ? shapeStructured(v, complex, model) : v));
  if (complex && isJsonObject(value)) return shapeStructured(value, complex, model);
  if (prop.type === 'Edm.DateTimeOffset') return inUtc(value);
  return value;
}

/** A DateTimeOffset value (or a collection of them) in UTC, as Graph stores and answers them. */
function inUtc(value: unknown): unknown {
  if (typeof value === 'string') return toUtcText(value);
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? toUtcText(v) : v)) : value;
}

/** The longest id, in characters, a client or a seed may give: longer ones would make URLs near the URL limit. */
export const MAX_ID_LENGTH = 256;

/**
 * Why a client-supplied id cannot be stored, phrased like a validation message, or undefined: an empty id
 * names no URL, and a very long one a URL the server refuses (414).
 */
export function idProblem(id: string): string | undefined {
  if (id === '') return 'id: the key property cannot be an empty string.';
  // Counted in code points (an emoji is one character); only long strings need counting.
  if (id.length > MAX_ID_LENGTH) {
    const characters = [...id].length;
    if (characters > MAX_ID_LENGTH) return `id: the key property may hold at most ${MAX_ID_LENGTH} characters, got ${characters}.`;
  }
  return undefined;
}

/** A new entity of the set type `declared` (or of the derived type its `@odata.type` names) from a validated create body and its id. */
export function toStoredEntity(body: JsonObject, id: string, declared: StructuredTypeModel, model: GraphModel): Entity {
  return shapeStructured({ ...body, id }, declared, model) as Entity;
}

/**
 * Applies a validated PATCH body to an entity of a set of type `declared`; the entity keeps its own (recorded)
 * type. Single complex values merge property by property (unless the patch names another type for one: then it
 * replaces it) and collections are replaced. @see OData v4.01 Protocol §11.4.3 (Update an Entity)
 */
export function applyPatch(existing: Entity, patch: JsonObject, declared: StructuredTypeModel, model: GraphModel): Entity {
  return patchStructured(existing, patch, declared, model) as Entity;
}

/** A stored structured value with a request's patch applied: what the patch leaves alone stays as stored. */
function patchStructured(stored: JsonObject, patch: JsonObject, declared: StructuredTypeModel, model: GraphModel): JsonObject {
  const type = recordedTypeOf(stored, declared, model);
  const merged: JsonObject = { ...stored };
  const sent = new Set<string>();
  for (const [name, value] of Object.entries(patch)) {
    if (name.includes('@') || name === RECORDED_TYPE) continue;
    setOwn(merged, name, value);
    sent.add(name);
  }
  return assemble(merged, type, declared, (prop, value) => {
    if (!sent.has(prop.name)) return value;
    const current = stored[prop.name];
    const complex = prop.complex && !prop.collection ? model.resolveType(prop.type) : undefined;
    if (complex && isJsonObject(value) && isJsonObject(current)) {
      const own = recordedTypeOf(current, complex, model);
      if (!('@odata.type' in value) || namedTypeOf(value, complex, model).name === own.name) return patchStructured(current, value, complex, model);
    }
    return shapeValue(prop, value, model);
  });
}
