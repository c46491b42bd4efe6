import { isPrimitive, primitiveSchema } from './edm';
import type { ImportModel } from './model';
import type { EntitySetDraft, OperationDraft, PropertyDraft, SourceRef, TypeDraft } from './types';

/** Every imported schema's `$comment` starts with this: the importer rewrites such files and no others. */
export const IMPORT_MARKER = 'Imported by mockgraph import-docs';

/** A schema to write, by its path below the output folder (`graph/…` or `requests/…`). */
export interface EmittedSchema {
  path: string;
  id: string;
  schema: Record<string, unknown>;
  /** Whose examples go into it, for the example pass. */
  role: { kind: 'type'; type: TypeDraft } | { kind: 'create' | 'update'; type: TypeDraft; profile: 'doc' | 'metadata' | undefined } | { kind: 'parameters'; operation: OperationDraft };
}

/** The `@odata.type` property every object schema declares (schemas/README.md). */
export const ODATA_TYPE_PROPERTY = { description: "The OData type annotation; accepted with or without '#', case-insensitively.", type: 'string' };

/** `microsoft.graph.tiIndicator` → `tiIndicator`; other namespaces keep their part below microsoft.graph (`security.alert`). */
export function fileBase(name: string): string {
  return name.replace(/^microsoft\.graph\./i, '');
}

/** A schema title: the local name in PascalCase, prefixed by a non-default namespace's last part. */
export function titleOf(name: string): string {
  const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return fileBase(name).split('.').map(pascal).join('');
}

/** `file:line`, the form every `$comment` cites sources in. */
export const cite = (s: SourceRef) => `${s.file}:${s.line}`;

/** The `$ref` target of a named type: its own `$id` (imported) or the known schema's. */
export function refId(model: ImportModel, type: string): string {
  return model.known.get(type.toLowerCase())?.id ?? type;
}

/** A property's schema in schemas/graph's form: nullable values as `[t, "null"]` or `anyOf` with null, collections never null. */
export function propertySchema(model: ImportModel, p: PropertyDraft): Record<string, unknown> {
  const value = (nullable: boolean): Record<string, unknown> => {
    if (!isPrimitive(p.type)) return nullable ? { anyOf: [{ $ref: refId(model, p.type) }, { type: 'null' }] } : { $ref: refId(model, p.type) };
    const base = primitiveSchema(p.type);
    return nullable && typeof base.type === 'string' ? { ...base, type: [base.type, 'null'] } : base;
  };
  const out: Record<string, unknown> = { $comment: `${cite(p.source)}` };
  if (p.description !== '') out.description = p.description;
  Object.assign(out, p.collection ? { type: 'array', items: value(p.nullable) } : value(p.nullable));
  if (p.readOnly) out.readOnly = true;
  if (p.values.length > 0) out.examples = p.values;
  out['x-edmType'] = p.collection ? `Collection(${p.type})` : p.type;
  return out;
}

function entitySetSchema(set: EntitySetDraft): Record<string, unknown> {
  return {
    path: set.path,
    ...(set.aliases && set.aliases.length > 0 ? { aliases: set.aliases } : {}),
    containment: set.path.includes('/'),
    versions: set.versions,
    permissions: set.permissions,
    methods: { collection: [...set.methods.collection].sort(), entity: [...set.methods.entity].sort() },
  };
}

/** The `$id` of an operation's parameter schema: `mockgraph.requests.<type>.<operation>`. */
export function operationSchemaId(op: OperationDraft): string {
  return `mockgraph.requests.${fileBase(op.entityType)}.${op.name}`;
}

function operationEntry(model: ImportModel, op: OperationDraft): Record<string, unknown> {
  return {
    name: op.name,
    kind: op.kind,
    bindsTo: op.bindsTo,
    method: op.method,
    parameters: operationSchemaId(op),
    returns: op.returns ? { type: refId(model, op.returns.type), collection: op.returns.collection } : null,
    ...(op.status !== undefined ? { status: op.status } : {}),
    ...(op.responseExample !== undefined ? { responseExample: op.responseExample } : {}),
    permissions: op.permissions,
  };
}

function typeComment(t: TypeDraft, set: EntitySetDraft | undefined, ops: readonly OperationDraft[]): string {
  const what = t.stub ? `Open complex type: no given page defines it (referenced at ${t.sources.map(cite).join(', ')})` : `${t.kind === 'enum' ? 'Enum' : t.kind === 'entity' ? 'Entity' : 'Complex'} type from ${t.sources.map(cite).join(', ')}`;
  const setPart = set ? `; entity set /${set.path} from ${[...new Set(set.sources.map(cite))].join(', ')}` : '';
  const opPart = ops.length > 0 ? `; operations from ${ops.map((o) => cite(o.source)).join(', ')}` : '';
  return `${IMPORT_MARKER}. ${what}${setPart}${opPart}. Do not edit: re-run the importer on the pages (and replay them with mockgraph contract).`;
}

/** The schema of an enum type: a string with `enum`, and `x-enumMembers` keeping documented order, values and descriptions. */
function enumSchema(t: TypeDraft): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: t.name,
    $comment: typeComment(t, undefined, []),
    title: titleOf(t.name),
    description: `${t.name}: ${t.description || 'an enumeration'}`,
    examples: [],
    type: 'string',
    enum: t.members.map((m) => m.name),
    'x-odataType': t.name,
    'x-enumMembers': t.members.map((m) => ({ name: m.name, ...(m.value !== undefined ? { value: m.value } : {}), ...(m.description ? { description: m.description } : {}) })),
  };
}

/** The schema of an entity or complex type, keys in schemas/graph's order. */
function structuredSchema(model: ImportModel, t: TypeDraft): Record<string, unknown> {
  const set = model.api.sets.find((s) => s.entityType.toLowerCase() === t.name.toLowerCase());
  const ops = model.api.operations.filter((o) => o.entityType.toLowerCase() === t.name.toLowerCase()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const properties: Record<string, unknown> = { '@odata.type': ODATA_TYPE_PROPERTY };
  for (const p of t.properties) properties[p.name] = propertySchema(model, p);
  const schema: Record<string, unknown> = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: t.name,
    $comment: typeComment(t, set, ops),
    title: titleOf(t.name),
    description: `${t.name}: ${t.description || (t.stub ? 'no page documents this type; any properties are accepted' : 'a Graph type')}`,
    examples: [],
    type: 'object',
  };
  if (t.baseType) schema.allOf = [{ $ref: refId(model, t.baseType) }];
  schema['x-odataType'] = t.name;
  if (t.baseType) schema['x-baseType'] = refId(model, t.baseType);
  if (t.abstract) schema['x-abstract'] = true;
  if (t.open) schema['x-openType'] = true;
  if (t.key) schema['x-key'] = t.key;
  if (set) schema['x-entitySet'] = entitySetSchema(set);
  if (ops.length > 0) schema['x-actions'] = ops.map((o) => operationEntry(model, o));
  if (t.navigation.length > 0) schema['x-navigationProperties'] = t.navigation.map((n) => ({ name: n.name, type: refId(model, n.type), collection: n.collection }));
  schema.properties = properties;
  schema.additionalProperties = t.open || t.abstract;
  return schema;
}

/** One schema per imported type, under `graph/`. */
export function emitTypes(model: ImportModel): EmittedSchema[] {
  return [...model.types.values()].map((t) => ({
    path: `graph/${fileBase(t.name)}.schema.json`,
    id: t.name,
    schema: t.kind === 'enum' ? enumSchema(t) : structuredSchema(model, t),
    role: { kind: 'type', type: t },
  }));
}

/**
 * One entity set per type: when the pages document a type's set at several paths (an old and a new one), the path
 * most request lines use is kept (the first by path on a tie) and the others become its aliases, served too; the
 * methods, permissions, versions and sources of all of them are merged.
 */
export function uniqueSets(sets: readonly EntitySetDraft[]): EntitySetDraft[] {
  const byType = new Map<string, EntitySetDraft[]>();
  for (const s of sets) byType.set(s.entityType.toLowerCase(), [...(byType.get(s.entityType.toLowerCase()) ?? []), s]);
  const union = (lists: ReadonlyArray<readonly string[]>) => [...new Set(lists.flat())];
  const out: EntitySetDraft[] = [];
  for (const group of byType.values()) {
    const ordered = [...group].sort((a, b) => b.sources.length - a.sources.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const [kept, ...others] = ordered as [EntitySetDraft, ...EntitySetDraft[]];
    if (others.length === 0) {
      out.push(kept);
      continue;
    }
    out.push({
      ...kept,
      aliases: others.map((o) => o.path).sort(),
      methods: { collection: union(group.map((g) => g.methods.collection)), entity: union(group.map((g) => g.methods.entity)) },
      permissions: { read: union(group.map((g) => g.permissions.read)), write: union(group.map((g) => g.permissions.write)) },
      versions: union(group.map((g) => g.versions)),
      sources: group.flatMap((g) => g.sources),
    });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

