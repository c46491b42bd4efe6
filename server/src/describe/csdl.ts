import type { EntitySetModel, GraphModel, OperationModel, PropertyModel, StructuredTypeModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { JsonSchema } from '../graph/schema-files';
import type { XmlElement } from './xml-writer';
import { renderXml } from './xml-writer';

/** Graph's schema namespace: the entity container and the types made up for singletons live in it. */
export const GRAPH_NAMESPACE = 'microsoft.graph';
/** The name of Graph's entity container. */
export const CONTAINER_NAME = 'GraphService';
/** The name Graph gives the binding parameter of a bound action or function. */
export const BINDING_PARAMETER = 'bindingParameter';

const EDMX = 'http://docs.oasis-open.org/odata/ns/edmx';
const EDM = 'http://docs.oasis-open.org/odata/ns/edm';
const CORE = 'Org.OData.Core.V1';
const CORE_URI = 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml';
const COLLECTION = /^Collection\((.+)\)$/;

const namespaceOf = (qualified: string) => qualified.slice(0, qualified.lastIndexOf('.'));
const localName = (qualified: string) => qualified.slice(qualified.lastIndexOf('.') + 1);
const typeRef = (type: string, collection: boolean) => (collection ? `Collection(${type})` : type);

function description(text: unknown): XmlElement[] {
  return typeof text === 'string' && text.trim() !== '' ? [{ name: 'Annotation', attributes: { Term: `${CORE}.Description`, String: text } }] : [];
}

/** A navigation property on the way to an entity set: to a collection (the set) or to one entity (a path step). */
interface Navigation {
  name: string;
  type: string;
  collection: boolean;
  containsTarget: boolean;
}

/** What the entity sets of one version add to the schema: container children and navigation properties by type. */
interface Containment {
  container: XmlElement[];
  navigations: Map<string, Navigation[]>;
}

/**
 * Turns entity-set paths into CSDL: a one-segment path is an EntitySet of the container; a longer one starts at a
 * singleton (`security`, of the entity type `microsoft.graph.security`), steps through single-valued navigation
 * properties and ends in a collection-valued one, containing its targets when the set is a containment.
 */
function containmentOf(sets: readonly EntitySetModel[], model: GraphModel): Containment {
  const container: XmlElement[] = [];
  const singletons = new Set<string>();
  const navigations = new Map<string, Navigation[]>();
  const addNavigation = (owner: string, nav: Navigation) => {
    const list = navigations.get(owner) ?? [];
    if (!list.some((n) => n.name === nav.name)) list.push(nav);
    navigations.set(owner, list);
  };
  const typeFor = (segment: string) => model.resolveType(`${GRAPH_NAMESPACE}.${segment}`)?.name ?? `${GRAPH_NAMESPACE}.${segment}`;
  for (const set of sets) {
    const [first = '', ...rest] = set.segments;
    if (rest.length === 0) {
      container.push({ name: 'EntitySet', attributes: { Name: first, EntityType: set.entityType } });
      continue;
    }
    let owner = typeFor(first);
    if (!singletons.has(first)) container.push({ name: 'Singleton', attributes: { Name: first, Type: owner } });
    singletons.add(first);
    rest.forEach((segment, i) => {
      const last = i === rest.length - 1;
      const type = last ? set.entityType : typeFor(segment);
      addNavigation(owner, { name: segment, type, collection: last, containsTarget: last ? set.containment : true });
      owner = type;
    });
  }
  return { container, navigations };
}

function propertyElement(p: PropertyModel, schema: JsonSchema | undefined): XmlElement {
  return {
    name: 'Property',
    attributes: { Name: p.name, Type: typeRef(p.type, p.collection), Nullable: p.nullable ? undefined : 'false' },
    children: description(schema?.description),
  };
}

function navigationElement(n: Navigation): XmlElement {
  return { name: 'NavigationProperty', attributes: { Name: n.name, Type: typeRef(n.type, n.collection), Nullable: n.collection ? undefined : 'false', ContainsTarget: n.containsTarget ? 'true' : undefined } };
}

/** The type of the base chain that declares the key: it states it; derived types inherit it. */
function keyElement(type: StructuredTypeModel, base: StructuredTypeModel | undefined): XmlElement[] {
  if (type.key === undefined || base?.key !== undefined) return [];
  return [{ name: 'Key', children: [{ name: 'PropertyRef', attributes: { Name: type.key } }] }];
}

function structuredElement(type: StructuredTypeModel, graph: GraphDefinition, schemas: ReadonlyMap<string, JsonSchema>, navigations: readonly Navigation[]): XmlElement {
  const base = type.baseType ? graph.model.resolveType(type.baseType) : undefined;
  const schema = schemas.get(type.schemaId);
  // A derived type declares only what it adds; re-declaring an inherited property is a CSDL error. @see CSDL XML §6.1
  const own = type.properties.filter((p) => !base?.property(p.name));
  return {
    name: type.key === undefined ? 'ComplexType' : 'EntityType',
    attributes: { Name: localName(type.name), BaseType: base?.name, Abstract: type.abstract ? 'true' : undefined, OpenType: type.open ? 'true' : undefined },
    children: [
      ...keyElement(type, base),
      ...own.map((p) => propertyElement(p, schema?.properties?.[p.name])),
      ...navigations.map(navigationElement),
      ...description(schema?.description),
    ],
  };
}

/** A made-up entity type for a singleton or path step the model has no type for: derived from the root keyed type. */
function syntheticEntityType(name: string, model: GraphModel, navigations: readonly Navigation[]): XmlElement {
  const root = model.types.find((t) => t.key !== undefined && t.baseType === undefined);
  const key: XmlElement[] = root ? [] : [{ name: 'Key', children: [{ name: 'PropertyRef', attributes: { Name: 'id' } }] }, { name: 'Property', attributes: { Name: 'id', Type: 'Edm.String', Nullable: 'false' } }];
  return { name: 'EntityType', attributes: { Name: localName(name), BaseType: root?.name }, children: [...key, ...navigations.map(navigationElement)] };
}

function enumElement(name: string, members: readonly string[], schema: JsonSchema | undefined): XmlElement {
  const declared = Array.isArray(schema?.['x-enumMembers']) ? (schema['x-enumMembers'] as unknown[]) : [];
  const memberDescription = (m: string) => (declared.find((d) => typeof d === 'object' && d !== null && (d as { name?: unknown }).name === m) as { description?: unknown } | undefined)?.description;
  return {
    name: 'EnumType',
    attributes: { Name: localName(name) },
    // OData orders enum values by member value: the declared order, counted from 0.
    children: [...members.map((m, i) => ({ name: 'Member', attributes: { Name: m, Value: String(i) }, children: description(memberDescription(m)) })), ...description(schema?.description)],
  };
}

/** Whether a parameter schema admits null (for a collection: its items). */
function admitsNull(schema: JsonSchema): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('null') || (schema.anyOf ?? []).some((s) => s.type === 'null');
}

function parameterElements(op: OperationModel, schemas: ReadonlyMap<string, JsonSchema>): XmlElement[] {
  const schema = op.parameters ? schemas.get(op.parameters) : undefined;
  return Object.entries(schema?.properties ?? {}).flatMap(([name, p]) => {
    const edm = p['x-edmType'];
    if (typeof edm !== 'string') return [];
    const collection = COLLECTION.test(edm);
    const valueSchema = collection ? (p.items ?? {}) : p;
    return [{ name: 'Parameter', attributes: { Name: name, Type: edm, Nullable: admitsNull(valueSchema) ? undefined : 'false' }, children: description(p.description) }];
  });
}

/** Bound actions and functions, once per name and binding type (two sets of one type share them). */
function operationElements(sets: readonly EntitySetModel[], schemas: ReadonlyMap<string, JsonSchema>): XmlElement[] {
  const seen = new Set<string>();
  return sets.flatMap((set) =>
    set.operations.flatMap((op) => {
      const binding = typeRef(set.entityType, op.bindsTo === 'collection');
      const id = `${op.name}\0${binding}`;
      if (seen.has(id)) return [];
      seen.add(id);
      const returns: XmlElement[] = op.returns ? [{ name: 'ReturnType', attributes: { Type: typeRef(op.returns.type, op.returns.collection) } }] : [];
      return [
        {
          name: op.kind === 'function' ? 'Function' : 'Action',
          attributes: { Name: op.name, IsBound: 'true' },
          children: [{ name: 'Parameter', attributes: { Name: BINDING_PARAMETER, Type: binding, Nullable: 'false' } }, ...parameterElements(op, schemas), ...returns],
        },
      ];
    }),
  );
}

/**
 * The service's CSDL XML for one version root (`beta`, `v1.0`), in the form of Graph's own `$metadata`: every type
 * of the model, the entity sets that version serves (as containment below their singletons) and their bound
 * operations. Deterministic for a given model. @see OData CSDL XML v4.01
 */
export function csdlDocument(graph: GraphDefinition, version: string): string {
  const { model } = graph;
  const schemas = new Map(graph.files.map((f) => [f.id, f.schema]));
  const sets = model.entitySets.filter((s) => s.versions.includes(version));
  const { container, navigations } = containmentOf(sets, model);
  const byNamespace = new Map<string, XmlElement[]>([[GRAPH_NAMESPACE, []]]);
  const add = (qualified: string, element: XmlElement) => {
    const ns = namespaceOf(qualified);
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), element]);
  };
  for (const e of model.enums) add(e.name, enumElement(e.name, e.members, schemas.get(e.schemaId)));
  for (const t of model.types) add(t.name, structuredElement(t, graph, schemas, navigations.get(t.name) ?? []));
  for (const [owner, navs] of navigations) if (!model.resolveType(owner)) add(owner, syntheticEntityType(owner, model, navs));
  for (const op of operationElements(sets, schemas)) add(`${GRAPH_NAMESPACE}.${op.attributes?.Name ?? ''}`, op);
  const graphSchema = byNamespace.get(GRAPH_NAMESPACE) ?? [];
  graphSchema.push({ name: 'EntityContainer', attributes: { Name: CONTAINER_NAME }, children: container });
  return renderXml({
    name: 'edmx:Edmx',
    attributes: { Version: '4.0', 'xmlns:edmx': EDMX },
    children: [
      { name: 'edmx:Reference', attributes: { Uri: CORE_URI }, children: [{ name: 'edmx:Include', attributes: { Namespace: CORE, Alias: 'Core' } }] },
      { name: 'edmx:DataServices', children: [...byNamespace].map(([ns, children]) => ({ name: 'Schema', attributes: { Namespace: ns, xmlns: EDM }, children })) },
    ],
  });
}
