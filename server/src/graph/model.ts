import type { JsonSchema, SchemaFile } from './schema-files';

/** One declared property of a structured type, in CSDL terms. */
export interface PropertyModel {
  name: string;
  /** The element type: `Edm.String`, `Edm.Int32`, … or a complex type's qualified name. */
  type: string;
  collection: boolean;
  /** Whether the value (for collections: each item) may be null. */
  nullable: boolean;
  readOnly: boolean;
  /** Set when `type` names a structured type of the model. */
  complex: boolean;
}

/** An entity or complex type, with inherited properties first (base type order). */
export interface StructuredTypeModel {
  name: string;
  schemaId: string;
  baseType: string | undefined;
  open: boolean;
  abstract: boolean;
  key: string | undefined;
  properties: readonly PropertyModel[];
  property(name: string): PropertyModel | undefined;
}

/** A collection that the service exposes, e.g. `security/ipSecurityProfiles`. */
export interface EntitySetModel {
  /** The navigation segments below the version root, e.g. ['security', 'ipSecurityProfiles']. */
  segments: readonly string[];
  path: string;
  entityType: string;
  containment: boolean;
  versions: readonly string[];
  /** Delegated scopes or application roles, any one of which grants the access. */
  permissions: { read: readonly string[]; write: readonly string[] };
}

/** The registry of Graph types and collections, derived once from schemas/. */
export interface GraphModel {
  types: readonly StructuredTypeModel[];
  entitySets: readonly EntitySetModel[];
  /** Resolves `#microsoft.graph.X` or `microsoft.graph.x` (case-insensitively) to its type. */
  resolveType(name: string): StructuredTypeModel | undefined;
  /** True when `type` is `ancestor` or derives from it. */
  derivesFrom(type: string, ancestor: string): boolean;
}

const COLLECTION = /^Collection\((.+)\)$/;

/** Strips the optional `#` and lower-cases, the form in which type names are compared. */
export function normalizeTypeName(name: string): string {
  return (name.startsWith('#') ? name.slice(1) : name).toLowerCase();
}

function isNullable(schema: JsonSchema): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('null') || (schema.anyOf ?? []).some((s) => s.type === 'null');
}

function readProperty(name: string, schema: JsonSchema, complexNames: Set<string>): PropertyModel {
  const edm = schema['x-edmType'];
  if (typeof edm !== 'string') throw new Error(`property ${name}: x-edmType is required`);
  const match = COLLECTION.exec(edm);
  const type = match?.[1] ?? edm;
  const valueSchema = match ? (schema.items ?? {}) : schema;
  return {
    name,
    type,
    collection: match !== null,
    nullable: isNullable(valueSchema),
    readOnly: schema.readOnly === true,
    complex: complexNames.has(type.toLowerCase()),
  };
}

/** Builds the model from the schema files' `x-` annotations (see schemas/README.md). */
export function buildGraphModel(files: readonly SchemaFile[]): GraphModel {
  const typed = files.filter((f) => typeof f.schema['x-odataType'] === 'string');
  const byName = new Map(typed.map((f) => [String(f.schema['x-odataType']).toLowerCase(), f]));
  const complexNames = new Set(byName.keys());
  const built = new Map<string, StructuredTypeModel>();

  const build = (name: string): StructuredTypeModel => {
    const lower = name.toLowerCase();
    const done = built.get(lower);
    if (done) return done;
    const file = byName.get(lower);
    if (!file) throw new Error(`unknown type ${name}`);
    const s = file.schema;
    const baseType = typeof s['x-baseType'] === 'string' ? s['x-baseType'] : undefined;
    const base = baseType ? build(baseType) : undefined;
    const own = Object.entries(s.properties ?? {})
      .filter(([n]) => !n.startsWith('@'))
      .map(([n, p]) => readProperty(n, p, complexNames));
    const properties = [...(base?.properties ?? []).filter((p) => !own.some((o) => o.name === p.name)), ...own];
    // Inherited properties keep their base position and read-only facet even when re-declared.
    properties.sort((a, b) => rank(base, a.name) - rank(base, b.name));
    const merged = properties.map((p) => ({ ...p, readOnly: p.readOnly || base?.property(p.name)?.readOnly === true }));
    const index = new Map(merged.map((p) => [p.name, p]));
    const model: StructuredTypeModel = {
      name: String(s['x-odataType']),
      schemaId: file.id,
      baseType,
      open: s['x-openType'] === true || base?.open === true,
      abstract: s['x-abstract'] === true,
      key: typeof s['x-key'] === 'string' ? s['x-key'] : base?.key,
      properties: merged,
      property: (n) => index.get(n),
    };
    built.set(lower, model);
    return model;
  };
  const types = [...byName.keys()].map(build);

  const entitySets: EntitySetModel[] = typed.flatMap((f) => {
    const set = f.schema['x-entitySet'] as { path: string; containment?: boolean; versions: string[]; permissions?: EntitySetModel['permissions'] } | undefined;
    if (!set) return [];
    return [
      {
        segments: set.path.split('/'),
        path: set.path,
        entityType: String(f.schema['x-odataType']),
        containment: set.containment === true,
        versions: set.versions,
        permissions: set.permissions ?? { read: [], write: [] },
      },
    ];
  });

  const resolved = new Map<string, StructuredTypeModel | undefined>();
  const resolveType = (name: string) => {
    if (resolved.has(name)) return resolved.get(name);
    const type = built.get(normalizeTypeName(name));
    if (resolved.size < 1000) resolved.set(name, type);
    return type;
  };
  const derivesFrom = (type: string, ancestor: string): boolean => {
    const target = normalizeTypeName(ancestor);
    for (let t = resolveType(type); t; t = t.baseType ? resolveType(t.baseType) : undefined) {
      if (t.name.toLowerCase() === target) return true;
    }
    return false;
  };
  return { types, entitySets, resolveType, derivesFrom };
}

function rank(base: StructuredTypeModel | undefined, name: string): number {
  const i = base?.properties.findIndex((p) => p.name === name) ?? -1;
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
