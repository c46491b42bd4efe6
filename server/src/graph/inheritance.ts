import type { GraphModel } from './model';
import type { JsonSchema, SchemaFile } from './schema-files';

/**
 * Rewrites the schemas for validation (generated types keep the originals):
 * - a derived type's `allOf: [{ $ref: base }]` becomes the base's properties inlined, so a closed derived type
 *   (`additionalProperties: false`) can add properties; JSON Schema's allOf cannot extend a closed base.
 * - every other `$ref` to a type that has derived types becomes `x-polymorphic`, which validates a value
 *   against the schema its `@odata.type` names (when that derives from the declared type).
 */
export function prepareForValidation(files: readonly SchemaFile[], model: GraphModel): SchemaFile[] {
  const byId = new Map(files.map((f) => [f.id, f.schema]));
  const polymorphic = new Set(
    model.types.filter((t) => model.types.some((d) => d !== t && model.derivesFrom(d.name, t.name))).map((t) => t.schemaId),
  );
  return files.map((f) => ({ ...f, schema: rewrite(flatten(f.schema, byId), polymorphic, model) as JsonSchema }));
}

/** The properties a type declares, its bases' first (nearest base last). */
function inheritedProperties(schema: JsonSchema, byId: ReadonlyMap<string, JsonSchema>): Record<string, JsonSchema> {
  const baseId = typeof schema['x-baseType'] === 'string' ? schema['x-baseType'] : undefined;
  const base = baseId ? byId.get(baseId) : undefined;
  return { ...(base ? inheritedProperties(base, byId) : {}), ...(schema.properties ?? {}) };
}

function flatten(schema: JsonSchema, byId: ReadonlyMap<string, JsonSchema>): JsonSchema {
  const baseId = schema['x-baseType'];
  if (typeof baseId !== 'string') return schema;
  const allOf = (schema.allOf ?? []).filter((s) => s.$ref !== baseId);
  const { allOf: _dropped, ...rest } = schema;
  return { ...rest, ...(allOf.length > 0 ? { allOf } : {}), properties: inheritedProperties(schema, byId) };
}

function rewrite(value: unknown, polymorphic: ReadonlySet<string>, model: GraphModel): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, polymorphic, model));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string' && polymorphic.has(v)) out['x-polymorphic'] = model.types.find((t) => t.schemaId === v)?.name;
    else if (k === 'examples') out[k] = v;
    else out[k] = rewrite(v, polymorphic, model);
  }
  return out;
}
