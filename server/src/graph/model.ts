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

/** An enumeration type: its members in declared order (OData orders enum values by it). */
export interface EnumTypeModel {
  name: string;
  schemaId: string;
  members: readonly string[];
}

/** The HTTP methods an entity set serves, on the collection and on one entity. */
export interface SetMethods {
  collection: readonly string[];
  entity: readonly string[];
}

/** The methods an entity set serves when its schema does not say (the hand-written schemas predate the importer). */
export const ALL_METHODS: SetMethods = { collection: ['GET', 'POST'], entity: ['GET', 'PATCH', 'DELETE'] };

/** A bound action or function, as its API page documents it (`x-actions`). */
export interface OperationModel {
  name: string;
  kind: 'action' | 'function';
  bindsTo: 'collection' | 'entity';
  method: string;
  /** The $id of the schema of its request body (actions with parameters). */
  parameters: string | undefined;
  /** The return type, or undefined for none (204). */
  returns: { type: string; collection: boolean } | undefined;
  /** The documented success status and response body, for operations without generic semantics. */
  status: number | undefined;
  responseExample: unknown;
  permissions: readonly string[];
}

/** A collection that the service exposes, e.g. `users` or `<singleton>/<containment>`. */
export interface EntitySetModel {
  /** The navigation segments below the version root, e.g. ['<singleton>', '<containment>']. */
  segments: readonly string[];
  path: string;
  /** Other paths that address the same set (its pages document an old and a new one); links use `path`. */
  aliases: ReadonlyArray<readonly string[]>;
  entityType: string;
  containment: boolean;
  versions: readonly string[];
  /** Delegated scopes or application roles, any one of which grants the access. */
  permissions: { read: readonly string[]; write: readonly string[] };
  /** The methods its API pages document. */
  methods: SetMethods;
  /** Its bound actions and functions. */
  operations: readonly OperationModel[];
}

/** The registry of Graph types and collections, derived once from schemas/. */
export interface GraphModel {
  types: readonly StructuredTypeModel[];
  enums: readonly EnumTypeModel[];
  entitySets: readonly EntitySetModel[];
  /** Resolves an enum type's name (with or without `#`, any case). */
  resolveEnum(name: string): EnumTypeModel | undefined;
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
  const isEnum = (f: SchemaFile) => Array.isArray(f.schema['x-enumMembers']) || (Array.isArray(f.schema.enum) && f.schema.type === 'string');
  const enums: EnumTypeModel[] = files.filter((f) => typeof f.schema['x-odataType'] === 'string' && isEnum(f)).map(readEnum);
  const enumsByName = new Map(enums.map((e) => [e.name.toLowerCase(), e]));
  const typed = files.filter((f) => typeof f.schema['x-odataType'] === 'string' && !isEnum(f));
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
    const set = f.schema['x-entitySet'] as { path: string; aliases?: string[]; containment?: boolean; versions: string[]; permissions?: EntitySetModel['permissions']; methods?: Partial<SetMethods> } | undefined;
    if (!set) return [];
    return [
      {
        segments: set.path.split('/'),
        path: set.path,
        aliases: (set.aliases ?? []).map((a) => a.split('/')),
        entityType: String(f.schema['x-odataType']),
        containment: set.containment === true,
        versions: set.versions,
        permissions: set.permissions ?? { read: [], write: [] },
        methods: set.methods ? { collection: set.methods.collection ?? [], entity: set.methods.entity ?? [] } : ALL_METHODS,
        operations: readOperations(f),
      },
    ];
  });
  const resolveEnum = (name: string) => enumsByName.get(normalizeTypeName(name));

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
  return { types, enums, entitySets, resolveType, resolveEnum, derivesFrom };
}

function readEnum(f: SchemaFile): EnumTypeModel {
  const declared = f.schema['x-enumMembers'];
  const members = Array.isArray(declared)
    ? declared.map((m) => (typeof m === 'object' && m !== null ? String((m as { name?: unknown }).name) : String(m)))
    : (f.schema.enum as unknown[]).map(String);
  return { name: String(f.schema['x-odataType']), schemaId: f.id, members };
}

function readOperations(f: SchemaFile): OperationModel[] {
  const declared = f.schema['x-actions'];
  if (!Array.isArray(declared)) return [];
  return declared.map((raw) => {
    const a = raw as Record<string, unknown>;
    const returns = a.returns as { type?: unknown; collection?: unknown } | null | undefined;
    return {
      name: String(a.name),
      kind: a.kind === 'function' ? 'function' : 'action',
      bindsTo: a.bindsTo === 'entity' ? 'entity' : 'collection',
      method: typeof a.method === 'string' ? a.method.toUpperCase() : a.kind === 'function' ? 'GET' : 'POST',
      parameters: typeof a.parameters === 'string' ? a.parameters : undefined,
      returns: returns && typeof returns.type === 'string' ? { type: returns.type, collection: returns.collection === true } : undefined,
      status: typeof a.status === 'number' ? a.status : undefined,
      responseExample: a.responseExample,
      permissions: Array.isArray(a.permissions) ? a.permissions.map(String) : [],
    };
  });
}

function rank(base: StructuredTypeModel | undefined, name: string): number {
  const i = base?.properties.findIndex((p) => p.name === name) ?? -1;
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}
