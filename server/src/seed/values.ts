import type { PropertyModel, StructuredTypeModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { JsonSchema } from '../graph/schema-files';
import type { Draw } from './draw';
import { fromName, INTEGER_HINTS, STRING_HINTS, uuid } from './hints';
import type { ObjectScope } from './hints';

/** Makes one value; `at` is the time (ms since the epoch) the generated entity is about. */
export type ValueMaker = (draw: Draw, at: number, scope: ObjectScope) => unknown;

/** Complex values nest at most this deep; deeper ones are null (or empty collections). */
const MAX_DEPTH = 4;
const DAY_MS = 86_400_000;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  'Edm.Byte': [0, 255],
  'Edm.SByte': [-128, 127],
  'Edm.Int16': [-32768, 32767],
  'Edm.Int32': [-2147483648, 2147483647],
  'Edm.Int64': [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const firstMatch = <T>(hints: ReadonlyArray<readonly [RegExp, T]>, name: string): T | undefined => hints.find(([pattern]) => pattern.test(name))?.[1];

/** Keeps a number within the schema's own `minimum`/`maximum` and the Edm type's range. */
function clamp(n: number, schema: JsonSchema | undefined, range: readonly [number, number] = [-Infinity, Infinity]): number {
  const min = Math.max(typeof schema?.minimum === 'number' ? schema.minimum : -Infinity, range[0]);
  const max = Math.min(typeof schema?.maximum === 'number' ? schema.maximum : Infinity, range[1]);
  return Math.min(Math.max(n, min), max);
}

/** A date-time near the entity's own time: `last…`/`…Modified` after it, `expiration…` well after it. */
function dateTimeMaker(name: string): ValueMaker {
  const offset = /expir|due|until|valid|end/i.test(name) ? [30, 365] : /last|modified|updated|reported|changed/i.test(name) ? [0, 60] : [0, 0];
  return (d, at) => new Date(at + d.int(offset[0] ?? 0, offset[1] ?? 0) * DAY_MS + d.int(0, DAY_MS - 1)).toISOString().replace('Z', '+00:00');
}

/** A maker for an Edm primitive, chosen by the type and the property's name; undefined for types it cannot make. */
function primitiveMaker(edm: string, name: string, schema: JsonSchema | undefined): ValueMaker | undefined {
  const range = INTEGER_RANGES[edm];
  if (range) {
    const hint = firstMatch(INTEGER_HINTS, name) ?? ((d: Draw) => d.int(0, 9999));
    return (d) => clamp(hint(d), schema, range);
  }
  switch (edm) {
    case 'Edm.String': {
      const hint = firstMatch(STRING_HINTS, name);
      const max = typeof schema?.maxLength === 'number' ? schema.maxLength : Infinity;
      return (d, _at, scope) => (hint ? hint(d, scope) : fromName(name, d)).slice(0, max);
    }
    case 'Edm.Boolean':
      return (d) => d.random() < 0.5;
    case 'Edm.Double':
    case 'Edm.Single':
    case 'Edm.Decimal': {
      const [min, max] = /latitude/i.test(name) ? [-90, 90] : /longitude/i.test(name) ? [-180, 180] : /score|percent|rank|rating|confidence/i.test(name) ? [0, 100] : [0, 1000];
      return (d) => clamp(Math.round((min + d.random() * (max - min)) * 100) / 100, schema);
    }
    case 'Edm.DateTimeOffset':
      return dateTimeMaker(name);
    case 'Edm.Date':
      return (d, at) => new Date(at + d.int(0, 30) * DAY_MS).toISOString().slice(0, 10);
    case 'Edm.TimeOfDay':
      return (d) => `${String(d.int(0, 23)).padStart(2, '0')}:${String(d.int(0, 59)).padStart(2, '0')}:00`;
    case 'Edm.Duration':
      return (d) => `PT${d.int(0, 23)}H${d.int(1, 59)}M`;
    case 'Edm.Guid':
      return uuid;
    case 'Edm.Binary':
      return (d) => Buffer.from(Array.from({ length: 12 }, () => d.int(0, 255))).toString('base64');
    default:
      return undefined;
  }
}

/** The JSON Schema a type (or its nearest base that declares it) gives a property. */
function propertySchema(graph: GraphDefinition, type: StructuredTypeModel, name: string): JsonSchema | undefined {
  for (let t: StructuredTypeModel | undefined = type; t; t = t.baseType ? graph.model.resolveType(t.baseType) : undefined) {
    const schemaId = t.schemaId;
    const declared = graph.files.find((f) => f.id === schemaId)?.schema.properties?.[name];
    if (declared) return declared;
  }
  return undefined;
}

/** Documented values (the importer keeps "Possible values are: …" as `examples`), or an inline `enum`. */
function listedValues(schema: JsonSchema | undefined, item: JsonSchema | undefined): string[] {
  const listed = [...(Array.isArray(item?.enum) ? item.enum : []), ...(Array.isArray(schema?.examples) ? schema.examples : []), ...(Array.isArray(item?.examples) && item !== schema ? item.examples : [])];
  return [...new Set(listed.filter((v): v is string => typeof v === 'string' && v !== ''))];
}

/** A concrete type to make for a declared one: itself, or (for an abstract type) the first concrete type derived from it. */
function concreteType(graph: GraphDefinition, type: StructuredTypeModel): StructuredTypeModel | undefined {
  if (!type.abstract) return type;
  return graph.model.types.filter((t) => !t.abstract && t !== type && graph.model.derivesFrom(t.name, type.name)).sort((a, b) => (a.name < b.name ? -1 : 1))[0];
}

/** Makes values of one structured type: every writable property, in the model's order. */
export class StructuredMaker {
  private readonly plans = new Map<string, Array<readonly [string, ValueMaker]>>();

  constructor(private readonly graph: GraphDefinition) {}

  /** The properties to fill for `type` (not its key, nor read-only ones), with their makers; built once per type and depth. */
  plan(type: StructuredTypeModel, depth: number): ReadonlyArray<readonly [string, ValueMaker]> {
    const cacheKey = `${type.name}@${depth}`;
    let plan = this.plans.get(cacheKey);
    if (!plan) {
      plan = [];
      for (const prop of type.properties) {
        if (prop.name === type.key || prop.readOnly) continue;
        const maker = this.propertyMaker(type, prop, depth);
        if (maker) plan.push([prop.name, maker]);
      }
      this.plans.set(cacheKey, plan);
    }
    return plan;
  }

  /** Adds one object's values, by a plan, to `out`. */
  fill(plan: ReadonlyArray<readonly [string, ValueMaker]>, draw: Draw, at: number, out: Record<string, unknown>): Record<string, unknown> {
    const scope: ObjectScope = {};
    for (const [name, make] of plan) out[name] = make(draw, at, scope);
    return out;
  }

  private propertyMaker(owner: StructuredTypeModel, prop: PropertyModel, depth: number): ValueMaker | undefined {
    const schema = propertySchema(this.graph, owner, prop.name);
    const item = prop.collection ? schema?.items : schema;
    const one = this.itemMaker(prop, schema, item, depth);
    if (!prop.collection) return one ?? (prop.nullable ? () => null : undefined);
    if (!one) return () => [];
    return (d, at, scope) => {
      const items: unknown[] = [];
      for (let n = d.int(1, 2); n > 0; n--) {
        const v = one(d, at, scope);
        if (typeof v === 'object' || !items.includes(v)) items.push(v);
      }
      return items;
    };
  }

  private itemMaker(prop: PropertyModel, schema: JsonSchema | undefined, item: JsonSchema | undefined, depth: number): ValueMaker | undefined {
    const members = this.graph.model.resolveEnum(prop.type)?.members;
    if (members && members.length > 0) return (d) => d.pick(members);
    const declared = prop.complex ? this.graph.model.resolveType(prop.type) : undefined;
    if (declared) {
      const concrete = concreteType(this.graph, declared);
      if (!concrete || depth >= MAX_DEPTH) return undefined;
      const odataType = concrete === declared ? undefined : `#${concrete.name}`;
      let plan: ReadonlyArray<readonly [string, ValueMaker]> | undefined;
      return (d, at) => this.fill((plan ??= this.plan(concrete, depth + 1)), d, at, odataType === undefined ? {} : { '@odata.type': odataType });
    }
    const listed = prop.type === 'Edm.String' ? listedValues(schema, item) : [];
    if (listed.length > 0) return (d) => d.pick(listed);
    return primitiveMaker(prop.type, prop.name, item);
  }
}
