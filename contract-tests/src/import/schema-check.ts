import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { invalidTopLevelProperties } from '../../../server/src/index';

/**
 * The annotation keywords server/src/graph/validate.ts declares today, and those imported schemas add, which the server
 * must declare too (x-enumMembers on enum types, x-actions and x-navigationProperties on structured types).
 */
export const SERVER_KEYWORDS = ['x-edmType', 'x-baseType', 'x-openType', 'x-abstract', 'x-key', 'x-entitySet'] as const;
/** Keywords only imported schemas carry (see {@link SERVER_KEYWORDS}). */
export const IMPORTED_KEYWORDS = ['x-enumMembers', 'x-actions', 'x-navigationProperties'] as const;

/** A schema by `$id`, as the checker compiles it. */
export interface CheckedSchema {
  id: string;
  schema: Record<string, unknown>;
}

/** Compiled schemas: compile errors by `$id`, and example checks. */
export interface SchemaChecker {
  errors: Array<{ id: string; message: string }>;
  /** Readable messages for a value against a schema (empty when valid). */
  check(id: string, value: unknown): string[];
  /** The top-level properties of a value that the schema refuses (by value or by name). */
  invalidProperties(id: string, value: unknown): string[];
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A derived type's own and inherited properties, inlined (base first), its `allOf: [{ $ref: base }]` dropped: what server/src/graph/inheritance.ts does. */
function inlineBase(schema: Schema, byId: ReadonlyMap<string, Schema>, depth = 0): Schema {
  const baseId = schema['x-baseType'];
  const base = typeof baseId === 'string' ? byId.get(baseId) : undefined;
  if (!base || depth > 20) return schema;
  const inherited = inlineBase(base, byId, depth + 1);
  const allOf = (schema.allOf as Schema[] | undefined ?? []).filter((s) => s.$ref !== baseId);
  const { allOf: _dropped, ...rest } = schema;
  return { ...rest, ...(allOf.length > 0 ? { allOf } : {}), properties: { ...(inherited.properties as Schema | undefined), ...(schema.properties as Schema | undefined) } };
}

/**
 * Every other `$ref` to a type that has derived types becomes `x-polymorphic`: a value is checked against the schema its
 * `@odata.type` names, when that derives from the referenced type (server/src/graph/inheritance.ts does the same).
 */
function polymorphicRefs(value: unknown, polymorphic: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => polymorphicRefs(v, polymorphic));
  if (!isObject(value)) return value;
  const out: Schema = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && polymorphic.has(v.toLowerCase())) out['x-polymorphic'] = v;
    else out[k] = k === 'examples' ? v : polymorphicRefs(v, polymorphic);
  }
  return out;
}

/**
 * Compiles schemas the way server/src/graph/validate.ts does: ajv 2020-12 in strict mode (strictRequired off), ajv-formats,
 * the x- keywords declared, `x-odataType` checking a value's `@odata.type`, base types inlined, references to types with
 * derived types polymorphic. It mirrors the server's setup because `createGraphValidator` and `buildGraphModel` are not
 * exported through server/src/index.ts.
 */
export function createSchemaChecker(schemas: readonly CheckedSchema[], keywords: readonly string[] = [...SERVER_KEYWORDS, ...IMPORTED_KEYWORDS]): SchemaChecker {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false, verbose: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const keyword of keywords) ajv.addKeyword({ keyword });
  const byId = new Map(schemas.map((s) => [s.id, s.schema]));
  const bases = new Map<string, string | undefined>();
  for (const s of schemas) if (typeof s.schema['x-odataType'] === 'string') bases.set(s.schema['x-odataType'].toLowerCase(), typeof s.schema['x-baseType'] === 'string' ? s.schema['x-baseType'].toLowerCase() : undefined);
  const derivesFrom = (named: string, expected: string) => {
    for (let t: string | undefined = named.replace(/^#/, '').toLowerCase(), n = 0; t && n < 20; t = bases.get(t), n++) if (t === expected.toLowerCase()) return true;
    return false;
  };
  const idOf = new Map(schemas.filter((s) => typeof s.schema['x-odataType'] === 'string').map((s) => [String(s.schema['x-odataType']).toLowerCase(), s.id]));
  const polymorphic = new Set<string>();
  for (const base of bases.values()) for (let t = base, n = 0; t && n < 20; t = bases.get(t), n++) polymorphic.add(idOf.get(t)?.toLowerCase() ?? t);
  ajv.addKeyword({
    keyword: 'x-polymorphic',
    schemaType: 'string',
    errors: true,
    validate: function validateByODataType(declared: string, data: unknown, _schema: unknown, cxt?: { instancePath: string }): boolean {
      const named = isObject(data) && typeof data['@odata.type'] === 'string' ? data['@odata.type'].replace(/^#/, '') : undefined;
      const chosen = named && idOf.has(named.toLowerCase()) && derivesFrom(named, String(byId.get(declared)?.['x-odataType'] ?? declared)) ? idOf.get(named.toLowerCase()) : declared;
      const validate = chosen ? ajv.getSchema(chosen) : undefined;
      if (!validate || validate(data)) return true;
      (validateByODataType as { errors?: Partial<ErrorObject>[] }).errors = (validate.errors ?? []).map((e) => ({ ...e, instancePath: (cxt?.instancePath ?? '') + e.instancePath }));
      return false;
    },
  });
  ajv.addKeyword({
    keyword: 'x-odataType',
    schemaType: 'string',
    errors: true,
    validate: function checkODataType(expected: string, data: unknown): boolean {
      if (!isObject(data) || !('@odata.type' in data)) return true;
      const named = data['@odata.type'];
      if (typeof named === 'string' && bases.has(named.replace(/^#/, '').toLowerCase()) && derivesFrom(named, expected)) return true;
      (checkODataType as { errors?: Partial<ErrorObject>[] }).errors = [{ keyword: 'x-odataType', message: `@odata.type ${JSON.stringify(named)} does not name ${expected} or a type derived from it`, params: { expected } }];
      return false;
    },
  });
  const errors: SchemaChecker['errors'] = [];
  for (const s of schemas) {
    try {
      ajv.addSchema(polymorphicRefs(inlineBase(s.schema, byId), polymorphic) as Schema, s.id);
    } catch (err) {
      errors.push({ id: s.id, message: (err as Error).message });
    }
  }
  const compiled = new Map<string, ValidateFunction>();
  for (const s of schemas) {
    try {
      const validate = ajv.getSchema(s.id);
      if (validate) compiled.set(s.id, validate);
    } catch (err) {
      if (!errors.some((e) => e.id === s.id)) errors.push({ id: s.id, message: (err as Error).message });
    }
  }
  // The deepest error names the offending value; the anyOf/allOf errors above it only repeat that it failed.
  const deepestError = (id: string, value: unknown): ErrorObject | undefined | 'valid' => {
    const validate = compiled.get(id);
    if (!validate || validate(value)) return validate ? 'valid' : undefined;
    return [...(validate.errors ?? [])].filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'allOf').sort((a, b) => b.instancePath.length - a.instancePath.length)[0] ?? validate.errors?.[0];
  };
  return {
    errors,
    invalidProperties(id, value) {
      return invalidTopLevelProperties(value, (rest) => {
        const e = deepestError(id, rest);
        if (e === undefined || e === 'valid') return undefined;
        const top = e.instancePath.split('/')[1];
        return top !== undefined ? top.replace(/~1/g, '/').replace(/~0/g, '~') : (e.params as { additionalProperty?: string }).additionalProperty;
      });
    },
    check(id, value) {
      if (!compiled.has(id)) return [`no compiled schema ${id}`];
      const deepest = deepestError(id, value);
      if (deepest === 'valid') return [];
      if (!deepest) return ['is invalid'];
      const extra = (deepest.params as { additionalProperty?: string }).additionalProperty;
      return [`${deepest.instancePath || 'body'} ${deepest.message ?? 'is invalid'}${extra ? ` ('${extra}')` : ''}`];
    },
  };
}
