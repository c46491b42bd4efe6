import { isJsonObject, setOwn } from '../json';
import { compileFunction, literalKey, memberRead } from '../literal-code';
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
  const type = typeNamedBy(input, declared, model);
  return shaperOf(type, type.name !== declared.name, model)(input, undefined);
}

/** namedTypeOf, remembered per `@odata.type` text (a seed's records all name the same few types). */
const named = new WeakMap<StructuredTypeModel, Map<string, StructuredTypeModel>>();

function typeNamedBy(input: JsonObject, declared: StructuredTypeModel, model: GraphModel): StructuredTypeModel {
  const text = input['@odata.type'];
  if (typeof text !== 'string') return declared;
  let byText = named.get(declared);
  if (!byText) named.set(declared, (byText = new Map()));
  let type = byText.get(text);
  if (!type) {
    type = namedTypeOf(input, declared, model);
    if (byText.size < 256) byText.set(text, type);
  }
  return type;
}

/** The stored form of a value of one type: `id`, when given, stands for the input's id. */
type Shaper = (input: JsonObject, id: string | undefined) => JsonObject;

const shapers = new WeakMap<GraphModel, Map<StructuredTypeModel, { plain?: Shaper; recorded?: Shaper }>>();

/** The shaper of `type` (recording it, for a value of a derived type), compiled once per model and type. */
function shaperOf(type: StructuredTypeModel, recorded: boolean, model: GraphModel): Shaper {
  let byType = shapers.get(model);
  if (!byType) shapers.set(model, (byType = new Map()));
  let pair = byType.get(type);
  if (!pair) byType.set(type, (pair = {}));
  const known = recorded ? pair.recorded : pair.plain;
  if (known) return known;
  const shaper = compileShaper(type, recorded, model);
  if (recorded) pair.recorded = shaper;
  else pair.plain = shaper;
  return shaper;
}

/**
 * What `assemble` with `shapeValue` does, as one object literal per type (see literal-code.ts): the same keys in the
 * same order, the same values. A type with a property the literal cannot read (`__proto__`) is assembled generically.
 */
function compileShaper(type: StructuredTypeModel, recorded: boolean, model: GraphModel): Shaper {
  const generic: Shaper = (input, id) => assemble(id === undefined ? input : { ...input, id }, type, recorded, (prop, value) => shapeValue(prop, value, model));
  if (type.properties.some((p) => memberRead('input', p.name) === undefined)) return generic;
  const nested: Array<(value: unknown) => unknown> = [];
  const entries = type.properties.map((prop) => {
    const read = prop.name === 'id' ? '(id !== undefined ? id : input["id"])' : memberRead('input', prop.name)!;
    const complex = prop.complex ? model.resolveType(prop.type) : undefined;
    let value = 'v';
    if (complex) {
      nested.push(prop.collection ? (v) => (Array.isArray(v) ? v.map((item) => (isJsonObject(item) ? shapeStructured(item, complex, model) : item)) : shapeComplex(v, complex, model)) : (v) => shapeComplex(v, complex, model));
      value = `nested[${nested.length - 1}](v)`;
    } else if (prop.type === 'Edm.DateTimeOffset') value = 'inUtc(v)';
    else if (!prop.collection && prop.name !== 'id') value = 'intern(v)';
    return `${literalKey(prop.name)}: (v = ${read}) === undefined ? ${prop.collection ? '[]' : 'null'} : ${value}`;
  });
  if (recorded) entries.unshift(`${literalKey(RECORDED_TYPE)}: ${JSON.stringify(type.name)}`);
  const declaredNames = new Set(type.properties.map((p) => p.name));
  const dynamic = (input: JsonObject, out: JsonObject) => {
    for (const name of Object.keys(input)) {
      if (!name.includes('@') && name !== RECORDED_TYPE && !declaredNames.has(name)) setOwn(out, name, stripAnnotations(input[name]));
    }
    return out;
  };
  return compileFunction<Shaper>({ nested, inUtc, dynamic, intern }, ['input', 'id'], `let v;\nreturn dynamic(input, {\n${entries.join(',\n')}\n});`);
}

/**
 * Strings stored again and again (vendors, cities, descriptions: three in four strings of a generated seed repeat)
 * are kept once: each copy costs its own header and characters. JSON.parse already shares strings of up to 10
 * characters; longer ones, up to INTERNED.length, are looked up here, until INTERNED.count distinct ones are known.
 */
const INTERNED = { count: 65_536, length: 64 } as const;
const interned = new Map<string, string>();

function intern(v: unknown): unknown {
  if (typeof v !== 'string' || v.length <= 10 || v.length > INTERNED.length) return v;
  const known = interned.get(v);
  if (known !== undefined) return known;
  if (interned.size < INTERNED.count) interned.set(v, v);
  return v;
}

function shapeComplex(value: unknown, complex: StructuredTypeModel, model: GraphModel): unknown {
  return isJsonObject(value) ? shapeStructured(value, complex, model) : value;
}

/**
 * A structured value of `type` from `input`, each declared property's value through `shape`; `type` is recorded
 * when `recorded` (a derived type). A RECORDED_TYPE in `input` is never taken over, whatever a client sent.
 */
function assemble(input: JsonObject, type: StructuredTypeModel, recorded: boolean, shape: (prop: PropertyModel, value: unknown) => unknown): JsonObject {
  const out: JsonObject = {};
  if (recorded) setOwn(out, RECORDED_TYPE, type.name);
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
  // No URL can address it: an unpaired surrogate has no UTF-8 form, and U+0000 no place in a path.
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/.test(id)) return 'id: the key property cannot hold U+0000 or an unpaired UTF-16 surrogate.';
  return undefined;
}

/** A new entity of the set type `declared` (or of the derived type its `@odata.type` names) from a validated create body and its id. */
export function toStoredEntity(body: JsonObject, id: string, declared: StructuredTypeModel, model: GraphModel): Entity {
  const type = typeNamedBy(body, declared, model);
  const shape = shaperOf(type, type.name !== declared.name, model);
  // Without a declared `id` property, the id is a dynamic one, placed where a spread places it.
  return (type.property('id') ? shape(body, id) : shape({ ...body, id }, undefined)) as Entity;
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
  return assemble(merged, type, type.name !== declared.name, (prop, value) => {
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
