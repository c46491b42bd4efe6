import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import type { JsonSchema } from '../graph/schema-files';

/** The schemas a `$ref` may name, by `$id`. */
export type SchemaIndex = ReadonlyMap<string, JsonSchema>;

/** Where converted `$ref`s point: the description's component schemas, keyed by schema `$id`. */
export const COMPONENT_SCHEMAS = '#/components/schemas/';

/** The Schema Object keywords of OpenAPI 3.0; anything else but `x-` extensions is converted or dropped. @see OpenAPI 3.0.3 §4.7.24 */
const OPENAPI_30_KEYWORDS = new Set([
  'title', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'enum', 'type', 'allOf', 'oneOf', 'anyOf',
  'not', 'items', 'properties', 'additionalProperties', 'description', 'format', 'default', 'nullable', 'discriminator',
  'readOnly', 'writeOnly', 'xml', 'externalDocs', 'example', 'deprecated',
]);

/** Annotations the paths of the description already express (entity sets, bound operations): not repeated on schemas. */
const EXPRESSED_BY_PATHS = new Set(['x-entitySet', 'x-actions']);

const isNullSchema = (s: unknown) => isJsonObject(s) && s.type === 'null' && Object.keys(s).every((k) => k === 'type' || k === 'description');

/** `type: [T, "null"]` → `type: T, nullable: true`; several non-null types become an `anyOf` of them. */
function convertType(type: unknown, out: JsonObject): void {
  if (!Array.isArray(type)) {
    if (type === 'null') Object.assign(out, { nullable: true, enum: [null] });
    else if (type !== undefined) out.type = type;
    return;
  }
  const types = type.filter((t) => t !== 'null');
  if (types.length < type.length) out.nullable = true;
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.anyOf = types.map((t) => ({ type: t }));
  else Object.assign(out, { nullable: true, enum: [null] });
}

/** `anyOf: [X, {type: "null"}]` → `allOf: [X], nullable: true`, the 3.0 way of saying "X or null". */
function convertAlternatives(keyword: 'anyOf' | 'oneOf', branches: unknown[], out: JsonObject, refs: SchemaIndex): void {
  const kept = branches.filter((b) => !isNullSchema(b)).map((b) => toOpenApiSchema(b, refs));
  if (kept.length < branches.length) out.nullable = true;
  if (kept.length === 1 && out.nullable === true) {
    out.allOf = kept;
    // 3.0.3: nullable only adds null to an explicit type, so the referenced schema's type is stated alongside.
    const target = typeof kept[0]?.$ref === 'string' ? refs.get(kept[0].$ref.slice(COMPONENT_SCHEMAS.length)) : undefined;
    if (typeof target?.type === 'string') out.type = target.type;
  } else if (kept.length > 0) out[keyword] = kept;
}

function convertRef(ref: string, refs: SchemaIndex): string {
  const [id = '', pointer = ''] = ref.split('#');
  if (!refs.has(id)) throw new Error(`unresolvable $ref ${ref}`);
  return COMPONENT_SCHEMAS + id + (pointer === '' ? '' : pointer.startsWith('/') ? pointer : `/${pointer}`);
}

/**
 * Converts a JSON Schema 2020-12 (as schemas/ holds them) to an OpenAPI 3.0 Schema Object: `$ref`s by `$id` point into
 * components, null becomes `nullable`, `examples` `example`; what 3.0 lacks is dropped, `x-` annotations stay.
 */
export function toOpenApiSchema(schema: unknown, refs: SchemaIndex): JsonObject {
  if (!isJsonObject(schema)) return {};
  const out: JsonObject = {};
  if (typeof schema.$ref === 'string') return { $ref: convertRef(schema.$ref, refs) };
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) {
      if (!EXPRESSED_BY_PATHS.has(key)) out[key] = value;
      continue;
    }
    switch (key) {
      case 'type':
        convertType(value, out);
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) convertAlternatives(key, value, out, refs);
        break;
      case 'allOf':
        if (Array.isArray(value)) out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), ...value.map((s) => toOpenApiSchema(s, refs))];
        break;
      case 'not':
      case 'items':
        out[key] = toOpenApiSchema(value, refs);
        break;
      case 'additionalProperties':
        out[key] = typeof value === 'boolean' ? value : toOpenApiSchema(value, refs);
        break;
      case 'properties':
        out[key] = Object.fromEntries(Object.entries(isJsonObject(value) ? value : {}).map(([name, s]) => [name, toOpenApiSchema(s, refs)]));
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value === 'number') Object.assign(out, { [key === 'exclusiveMinimum' ? 'minimum' : 'maximum']: value, [key]: true });
        break;
      case 'examples':
        if (Array.isArray(value) && value.length > 0 && !('example' in schema)) out.example = value[0];
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'required':
        if (Array.isArray(value) && value.length > 0) out.required = value;
        break;
      default:
        if (OPENAPI_30_KEYWORDS.has(key)) out[key] = value;
    }
  }
  // 3.0 allows null in an enum only when the schema is nullable. @see OpenAPI 3.0.3 §4.7.24.1
  if (Array.isArray(out.enum) && out.enum.includes(null)) out.nullable = true;
  return out;
}
