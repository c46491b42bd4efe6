import type { ErrorObject, Format, ValidateFunction } from 'ajv/dist/2020';
import type { DateTimeFormat } from './date-time-format';
import { fastDateTimeFormat } from './date-time-format';
import { GraphError } from './errors';
import type { GraphModel } from './model';
import type { JsonSchema, SchemaFile } from './schema-files';
import { isJsonObject } from '../json';
import { namedTypeOf } from './derived-types';
import { prepareForValidation } from './inheritance';
import type { ValidatorSource } from './validator-cache';
import { cachedValidators, KEYWORDS_MODULE } from './validator-cache';

/** The two create/update contracts a server can enforce (see schemas/README.md). */
export const VALIDATION_PROFILES = ['doc', 'metadata'] as const;
/** `doc`: the page's table, all required; `metadata`: Graph's metadata, open type. */
export type ValidationProfile = (typeof VALIDATION_PROFILES)[number];
/** Guards a string read from flags, env or options. */
export function isValidationProfile(value: unknown): value is ValidationProfile {
  return (VALIDATION_PROFILES as readonly unknown[]).includes(value);
}

/** What a request body is validated for. */
export type BodyPurpose = 'create' | 'update';

/** Schema checks compiled once, when the app is created. */
export interface GraphValidator {
  /** Throws a BadRequest GraphError naming the first offending property path. */
  assertBody(entityType: string, purpose: BodyPurpose, profile: ValidationProfile, body: unknown): void;
  /**
   * Validates against any schema by $id; returns readable messages (empty when valid). A value whose
   * `@odata.type` names a type derived from the schema's type is validated against that type's schema.
   */
  check(schemaId: string, value: unknown): string[];
  /** The top-level properties of an object whose values (or names) the schema refuses; see {@link repairTopLevelProperties}. */
  invalidProperties(schemaId: string, value: unknown): string[];
  /** The value with each refused or missing top-level property given `replacement(name)`, or dropped; see {@link repairTopLevelProperties}. */
  repairProperties(schemaId: string, value: Record<string, unknown>, replacement: (name: string) => unknown): { value: Record<string, unknown>; changed: string[] };
}

/** At most this many properties are changed in one value while repairing it. */
const MAX_REPAIRED_PROPERTIES = 64;

/**
 * Repairs an object property by property: while `firstBad` names a top-level property that the first error is about
 * (a refused value or name, or a missing required property), it is given `replacement(name)` once, else dropped. Stops
 * when the value is valid, the error is about no top-level property, or a property cannot be mended.
 */
export function repairTopLevelProperties(value: Record<string, unknown>, firstBad: (value: Record<string, unknown>) => string | undefined, replacement: (name: string) => unknown = () => undefined): { value: Record<string, unknown>; changed: string[] } {
  const out: Record<string, unknown> = { ...value };
  const changed: string[] = [];
  const replaced = new Set<string>();
  for (let name = firstBad(out); name !== undefined && changed.length < MAX_REPAIRED_PROPERTIES; name = firstBad(out)) {
    const substitute = replaced.has(name) ? undefined : replacement(name);
    replaced.add(name);
    if (substitute !== undefined) out[name] = substitute;
    else if (name in out) delete out[name];
    else break;
    if (!changed.includes(name)) changed.push(name);
  }
  return { value: out, changed };
}

/** The top-level properties of `value` that make it invalid: those {@link repairTopLevelProperties} drops. */
export function invalidTopLevelProperties(value: unknown, firstBad: (value: Record<string, unknown>) => string | undefined): string[] {
  return isJsonObject(value) ? repairTopLevelProperties(value, firstBad).changed : [];
}

/** Annotation keywords carried by schemas/ (declared so ajv's strict mode accepts them). */
const ANNOTATIONS = ['x-edmType', 'x-baseType', 'x-openType', 'x-abstract', 'x-key', 'x-entitySet', 'x-enumMembers', 'x-actions', 'x-navigationProperties'] as const;

/** Request schema ids follow `mockgraph.requests.<type>.<purpose>[.doc|.metadata]`. */
export function requestSchemaId(entityType: string, purpose: BodyPurpose, profile: ValidationProfile): string {
  const local = entityType.slice(entityType.lastIndexOf('.') + 1);
  if (purpose === 'update') return `mockgraph.requests.${local}.update${profile === 'doc' ? '.doc' : ''}`;
  return `mockgraph.requests.${local}.create.${profile}`;
}

/** ajv's options; the cache of compiled code (validator-cache.ts) is keyed by them too. */
const AJV_OPTIONS = { strict: true, strictRequired: false, allErrors: false, verbose: true, allowUnionTypes: true } as const;

/**
 * The functions of the two keywords that need the model: `x-odataType` (a value's `@odata.type` names the type or
 * one derived from it) and `x-polymorphic` (a value is validated against the schema its `@odata.type` names).
 * `lookup` finds the compiled validator of a schema $id.
 */
function keywordFunctions(model: GraphModel, lookup: (schemaId: string) => ValidateFunction | undefined): { checkODataType: (expected: string, data: unknown) => boolean; validateByODataType: (base: string, data: unknown, schema: unknown, cxt?: { instancePath: string }) => boolean } {
  return {
    checkODataType: function checkODataType(expected: string, data: unknown): boolean {
      const self = checkODataType as { errors?: Partial<ErrorObject>[] };
      if (!isJsonObject(data) || !('@odata.type' in data)) return true;
      const named = data['@odata.type'];
      if (typeof named === 'string' && model.resolveType(named) && model.derivesFrom(named, expected)) return true;
      const shown = typeof named === 'string' ? `'${named}'` : JSON.stringify(named);
      self.errors = [{ keyword: 'x-odataType', message: `@odata.type ${shown} does not name ${expected} or a type derived from it`, params: { expected } }];
      return false;
    },
    validateByODataType: function validateByODataType(base: string, data: unknown, _schema: unknown, cxt?: { instancePath: string }): boolean {
      const self = validateByODataType as { errors?: Partial<ErrorObject>[] };
      const named = isJsonObject(data) && typeof data['@odata.type'] === 'string' ? model.resolveType(data['@odata.type']) : undefined;
      const chosen = named && model.derivesFrom(named.name, base) ? named : model.resolveType(base);
      const validate = chosen && lookup(chosen.schemaId);
      if (!validate || validate(data)) return true;
      self.errors = (validate.errors ?? []).map((e) => ({ ...e, instancePath: (cxt?.instancePath ?? '') + e.instancePath }));
      return false;
    },
  };
}

let formats: Record<string, Format> | undefined;

/** ajv-formats' full formats, `date-time` decided faster with the same verdicts (date-time-format.ts). */
function graphFormats(): Record<string, Format> {
  if (formats === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fullFormats } = require('ajv-formats/dist/formats') as typeof import('ajv-formats/dist/formats');
    formats = { ...fullFormats, 'date-time': fastDateTimeFormat(fullFormats['date-time'] as DateTimeFormat) };
  }
  return formats;
}

/** How validator-cache.ts compiles the schemas (ajv is loaded only then) and what its cached code's keywords call. */
function validatorSource(model: GraphModel): ValidatorSource {
  return {
    fingerprint: JSON.stringify({ options: AJV_OPTIONS, annotations: ANNOTATIONS, keywords: ['x-odataType', 'x-polymorphic'], formats: ['date-time'], version: 2 }),
    keywords: (lookup) => ({ ...keywordFunctions(model, lookup), formats: graphFormats() }),
    compile(schemas) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: Ajv, _ } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const addFormats = (require('ajv-formats') as { default: typeof import('ajv-formats').default }).default;
      // strictRequired stays off: the request contracts require properties declared through allOf, which it cannot see.
      // The code saved takes its formats from the module the cached code is given too (see graphFormats).
      const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, formats: _`require(${KEYWORDS_MODULE}).formats` } });
      addFormats(ajv);
      ajv.addFormat('date-time', graphFormats()['date-time']!);
      for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword });
      const fns = keywordFunctions(model, (id) => ajv.getSchema(id) as ValidateFunction | undefined);
      // The code saved names the functions by the module the cached code is given (validator-cache.ts).
      ajv.scope.value('keyword', { ref: fns.checkODataType, code: _`require(${KEYWORDS_MODULE}).checkODataType` });
      ajv.scope.value('keyword', { ref: fns.validateByODataType, code: _`require(${KEYWORDS_MODULE}).validateByODataType` });
      ajv.addKeyword({ keyword: 'x-odataType', schemaType: 'string', errors: true, validate: fns.checkODataType });
      ajv.addKeyword({ keyword: 'x-polymorphic', schemaType: 'string', errors: true, validate: fns.validateByODataType });
      for (const f of schemas) ajv.addSchema(f.schema as object, f.id);
      const validators = new Map<string, ValidateFunction>();
      for (const f of schemas) validators.set(f.id, ajv.getSchema(f.id) as ValidateFunction);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
      return { validators, code: () => standaloneCode(ajv) };
    },
  };
}

/**
 * Compiles every schema under schemas/ in one strict ajv instance, or loads the code that compiling these same
 * schemas made before (validator-cache.ts; `cacheDir` is where it keeps it).
 */
export function createGraphValidator(files: readonly SchemaFile[], model: GraphModel, cacheDir?: string): GraphValidator {
  const compiled = cachedValidators(prepareForValidation(files, model), validatorSource(model), cacheDir);

  const run = (schemaId: string, value: unknown): ErrorObject[] => {
    const validate = compiled.get(schemaId);
    if (!validate) throw new Error(`no schema with $id ${schemaId}`);
    return validate(value) ? [] : (validate.errors ?? []);
  };
  const firstBadProperty = (schemaId: string, value: unknown): string | undefined => {
    const first = pickMostSpecific(run(schemaId, value));
    return first && pathOf(first)[0];
  };
  // A value of a derived type is a value of its base type: it is checked against its own type's schema (as x-polymorphic does nested).
  const typeBySchema = new Map(model.types.map((t) => [t.schemaId, t]));
  const ownSchema = (schemaId: string, value: unknown): string => {
    const declared = typeBySchema.get(schemaId);
    return declared ? namedTypeOf(value, declared, model).schemaId : schemaId;
  };
  return {
    assertBody(entityType, purpose, profile, body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new GraphError('BadRequest', `Invalid request body: expected a JSON object representing ${entityType}, got ${jsonKind(body)}.`);
      }
      // A type without request contracts (a hand-written schema folder) is validated against the type itself.
      const contract = requestSchemaId(entityType, purpose, profile);
      const schemaId = compiled.has(contract) ? contract : (model.resolveType(entityType)?.schemaId ?? contract);
      const first = pickMostSpecific(run(schemaId, body));
      if (first) throw new GraphError('BadRequest', `Invalid request body: ${describeError(first, body, entityType, profile)}.`);
    },
    check(schemaId, value) {
      const own = ownSchema(schemaId, value);
      const first = pickMostSpecific(run(own, value));
      return first ? [describeError(first, value, own, undefined)] : [];
    },
    invalidProperties(schemaId, value) {
      const own = ownSchema(schemaId, value);
      return invalidTopLevelProperties(value, (rest) => firstBadProperty(own, rest));
    },
    repairProperties(schemaId, value, replacement) {
      const own = ownSchema(schemaId, value);
      return repairTopLevelProperties(value, (rest) => firstBadProperty(own, rest), replacement);
    },
  };
}

/** The deepest error is the most useful one (a wrong leaf beats "anyOf failed" on its parent). */
function pickMostSpecific(errors: readonly ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'allOf') continue;
    if (!best || pathOf(e).length > pathOf(best).length) best = e;
  }
  return best ?? errors[0];
}

/** JSON pointer segments of the value an error is about, including a missing or undeclared property. */
function pathOf(e: ErrorObject): string[] {
  const segments = pointerSegments(e.instancePath);
  const extra = (e.params as { missingProperty?: string; propertyName?: string; additionalProperty?: string });
  const named = extra.missingProperty ?? extra.propertyName ?? extra.additionalProperty;
  return named === undefined ? segments : [...segments, named];
}

/** Renders a path as `ipCategories[0].name`; the body itself is `body`. */
export function formatPath(segments: readonly string[]): string {
  if (segments.length === 0) return 'body';
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** What a value of each string format looks like, for the message of a value that is not one. */
const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'ISO 8601 with a time-zone offset, e.g. 2016-12-31T23:57:27.0365895+03:00',
  date: 'an ISO 8601 date, e.g. 2016-12-31',
  duration: 'an ISO 8601 duration, e.g. PT1H30M',
  uuid: 'a GUID, e.g. 6f1f6d3c-0b8e-4a57-9d2f-1b2c3d4e5f60',
  time: 'a time of day, e.g. 13:45:00',
};

const JSON_TYPE_NAMES: Record<string, string> = { string: 'String', integer: 'Integer', number: 'Number', boolean: 'Boolean', array: 'a collection', object: 'an object', null: 'null' };

/** What the schema at an error expected, in Graph's vocabulary where the schema says it. */
function expectedType(schema: JsonSchema | undefined): string {
  if (!schema) return 'a valid value';
  const odata = schema['x-odataType'];
  if (typeof odata === 'string') return odata;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const edm = schema['x-edmType'];
  if (typeof edm === 'string') return edm.replace(/Edm\./g, '') + (types.includes('null') ? ' or null' : '');
  return types.map((t) => JSON_TYPE_NAMES[t] ?? t).join(' or ') || 'a valid value';
}

/** The value at a JSON pointer (ajv's `data` is overwritten for errors raised inside x-polymorphic). */
function valueAt(root: unknown, instancePath: string): unknown {
  let value = root;
  for (const segment of pointerSegments(instancePath)) value = isJsonObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

function pointerSegments(instancePath: string): string[] {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeError(e: ErrorObject, root: unknown, entityType: string, profile: ValidationProfile | undefined): string {
  const path = formatPath(pathOf(e));
  const parent = e.parentSchema as JsonSchema | undefined;
  const data = valueAt(root, e.instancePath);
  switch (e.keyword) {
    case 'type':
      return `${path}: expected ${expectedType(parent)}, got ${jsonKind(data)}`;
    case 'minimum':
    case 'maximum':
      return `${path}: expected ${expectedType(parent)} within ${String(parent?.minimum)}..${String(parent?.maximum)}, got ${String(data)}`;
    case 'format':
      return `${path}: expected ${expectedType(parent)} (${FORMAT_HINTS[String((e.params as { format?: unknown }).format)] ?? 'see its format'}), got ${JSON.stringify(data)}`;
    case 'required':
      return `${path}: required property is missing${profile === 'doc' ? " (the documentation's create contract requires every property in its table; start with --validation metadata to require only what the metadata requires)" : ''}`;
    case 'propertyNames':
      return `${path}: property is not declared on ${entityType} in the documentation's table (undeclared properties are accepted only with --validation metadata)`;
    case 'additionalProperties':
      return `${path}: property is not declared on ${expectedType(parent)}`;
    case 'x-odataType':
      return `${path}: ${e.message ?? 'wrong @odata.type'}`;
    case 'minLength':
      return `${path}: expected a non-empty string`;
    default:
      return `${path}: ${e.message ?? 'is invalid'}`;
  }
}
