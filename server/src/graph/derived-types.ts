import { isJsonObject } from '../json';
import { GraphError } from './errors';
import type { GraphModel, StructuredTypeModel } from './model';
import type { GraphValidator, ValidationProfile } from './validate';

/**
 * The stored property that records a structured value's own type when that is derived from the type declared
 * for it (an entity's set type, a complex property's type): `{ "$type": "microsoft.graph.x", "id": … }`. A value
 * of the declared type records nothing, so data stored before derived types were served reads the same. `$`
 * cannot begin an OData property name, so it never meets a Graph property; it is not an `@odata.*` key, so the
 * store keeps plain entities; and it is ordinary JSON, so the SQLite store keeps it in the entity's text.
 * @see OData JSON Format v4.01 §4.5.3 (Control Information: type)
 */
export const RECORDED_TYPE = '$type';

/** The type a stored value records for itself (when that derives from `declared`), else `declared`. */
export function recordedTypeOf(value: Readonly<Record<string, unknown>>, declared: StructuredTypeModel, model: GraphModel): StructuredTypeModel {
  const named = value[RECORDED_TYPE];
  if (typeof named !== 'string') return declared;
  const type = model.resolveType(named);
  return type && model.derivesFrom(type.name, declared.name) ? type : declared;
}

/** The type a request value names with `@odata.type` (with or without `#`, any case) when it derives from `declared`, else `declared`. */
export function namedTypeOf(value: unknown, declared: StructuredTypeModel, model: GraphModel): StructuredTypeModel {
  const named = isJsonObject(value) ? value['@odata.type'] : undefined;
  if (typeof named !== 'string') return declared;
  const type = model.resolveType(named);
  return type && model.derivesFrom(type.name, declared.name) ? type : declared;
}

/** The types that derive from `type` (itself included) and are not abstract, in the model's order. */
export function concreteTypesOf(type: StructuredTypeModel, model: GraphModel): StructuredTypeModel[] {
  return model.types.filter((t) => !t.abstract && model.derivesFrom(t.name, type.name));
}

/**
 * Validates a create body for a set (or a type cast) of type `declared` against the contract of the type it
 * names with `@odata.type` (a derived type's own), and returns that type. A type it names that does not derive
 * from `declared` is refused by the schema; an abstract type is a 400 naming the types that can be created.
 */
export function assertCreateBody(validator: GraphValidator, model: GraphModel, declared: StructuredTypeModel, profile: ValidationProfile, body: unknown): StructuredTypeModel {
  const type = namedTypeOf(body, declared, model);
  validator.assertBody(type.name, 'create', profile, body);
  if (type.abstract) {
    const concrete = concreteTypesOf(type, model).map((t) => t.name);
    const hint = concrete.length > 0 ? `name one of its derived types with @odata.type: ${concrete.join(', ')}` : 'no type derived from it can be created either';
    throw new GraphError('BadRequest', `Invalid request body: @odata.type: ${type.name} is an abstract type and cannot be created; ${hint}.`);
  }
  return type;
}
