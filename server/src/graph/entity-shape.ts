import { isJsonObject, setOwn } from '../json';
import { stripAnnotations } from '../odata/annotations';
import { toUtcText } from '../odata/query/instant';
import type { JsonObject } from '../json';
import type { Entity } from '../store/store';
import type { GraphModel, StructuredTypeModel } from './model';

/**
 * The stored form of a structured value: declared properties in the model's order, absent ones as
 * null (collections as []), then dynamic properties; no instance annotations; DateTimeOffsets in UTC.
 * Graph returns every property of an entity, so the mock stores them all.
 */
export function shapeStructured(input: JsonObject, type: StructuredTypeModel, model: GraphModel): JsonObject {
  const out: JsonObject = {};
  for (const prop of type.properties) {
    const value = input[prop.name];
    const complex = prop.complex ? model.resolveType(prop.type) : undefined;
    if (value === undefined) setOwn(out, prop.name, prop.collection ? [] : null);
    else if (complex && prop.collection && Array.isArray(value)) setOwn(out, prop.name, value.map((v) => (isJsonObject(v) ? shapeStructured(v, complex, model) : v)));
    else if (complex && isJsonObject(value)) setOwn(out, prop.name, shapeStructured(value, complex, model));
    else if (prop.type === 'Edm.DateTimeOffset') setOwn(out, prop.name, inUtc(value));
    else setOwn(out, prop.name, value);
  }
  for (const name of Object.keys(input)) {
    if (!name.includes('@') && !type.property(name)) setOwn(out, name, stripAnnotations(input[name]));
  }
  return out;
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

/** A new entity from a validated create body and the id it will be stored under. */
export function toStoredEntity(body: JsonObject, id: string, type: StructuredTypeModel, model: GraphModel): Entity {
  return shapeStructured({ ...body, id }, type, model) as Entity;
}

/**
 * Applies a validated PATCH body. Single complex values merge property by property and collections
 * are replaced. @see OData v4.01 Protocol §11.4.3 (Update an Entity)
 */
export function applyPatch(existing: Entity, patch: JsonObject, type: StructuredTypeModel, model: GraphModel): Entity {
  return shapeStructured(mergeValue(existing, patch, type, model), type, model) as Entity;
}

function mergeValue(base: JsonObject, patch: JsonObject, type: StructuredTypeModel, model: GraphModel): JsonObject {
  const out: JsonObject = { ...base };
  for (const [name, value] of Object.entries(patch)) {
    if (name.includes('@')) continue;
    const prop = type.property(name);
    const complex = prop?.complex && !prop.collection ? model.resolveType(prop.type) : undefined;
    const current = base[name];
    setOwn(out, name, complex && isJsonObject(value) && isJsonObject(current) ? mergeValue(current, value, complex, model) : value);
  }
  return out;
}
