import { RECORDED_TYPE, recordedTypeOf } from '../graph/derived-types';
import type { EntitySetModel, GraphModel, StructuredTypeModel } from '../graph/model';
import { isJsonObject, setOwn } from '../json';
import type { MetadataLevel } from './format';
import type { Entity } from '../store/store';

/** Where the service is reached from, as the client sees it (so links it gets back work). */
export interface ServiceRoot {
  /** e.g. `http://localhost:4000` */
  origin: string;
  /** e.g. `beta` */
  version: string;
}

/** The name of the context URL annotation, for descriptions of responses (OpenAPI) that declare it. */
export const CONTEXT_ANNOTATION = '@odata.context';

/** The service root URL, e.g. `http://localhost:4000/beta`. */
export function serviceRootUrl(root: ServiceRoot): string {
  return `${root.origin}/${root.version}`;
}

/** The canonical URL of one entity (key as segment, as Graph writes it). */
export function entityUrl(root: ServiceRoot, set: EntitySetModel, id: string): string {
  return `${serviceRootUrl(root)}/${set.path}/${encodeURIComponent(id)}`;
}

function selectList(select: readonly string[] | undefined): string {
  return select ? `(${select.join(',')})` : '';
}

/** `@odata.context` of a single entity, with its `$select` list. @see OData JSON Format v4.01 §10.10 */
export function entityContextUrl(root: ServiceRoot, set: EntitySetModel, select?: readonly string[]): string {
  return `${serviceRootUrl(root)}/$metadata#${set.path}${selectList(select)}/$entity`;
}

/** `@odata.context` of a collection of entities (of a derived type, after a type cast), with its `$select` list. @see OData JSON Format v4.01 §10.1, §10.3 */
export function collectionContextUrl(root: ServiceRoot, set: EntitySetModel, select?: readonly string[], cast?: string): string {
  return `${serviceRootUrl(root)}/$metadata#${set.path}${cast === undefined ? '' : `/${cast}`}${selectList(select)}`;
}

/** `@odata.context` of an operation's result: `$metadata#Collection(T)` or `$metadata#T`. @see OData JSON Format v4.01 §10.16 */
export function operationContextUrl(root: ServiceRoot, returns: { type: string; collection: boolean }): string {
  return `${serviceRootUrl(root)}/$metadata#${returns.collection ? `Collection(${returns.type})` : returns.type}`;
}

/** `@odata.nextLink`: the collection's URL with nothing but the opaque `$skiptoken`. */
export function nextLinkUrl(root: ServiceRoot, set: EntitySetModel, skiptoken: string, suffix = ''): string {
  return `${serviceRootUrl(root)}/${set.path}${suffix}?$skiptoken=${encodeURIComponent(skiptoken)}`;
}

/** The `@odata.type` value of a type: `#` followed by its qualified name. */
export function typeAnnotation(type: StructuredTypeModel): string {
  return `#${type.name}`;
}

/** Drops every `@odata.*` control annotation (top level and nested), the form the store keeps. */
export function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!k.includes('@')) setOwn(out, k, stripAnnotations(v));
  }
  return out;
}

/** How an entity is written: the metadata level, and the URLs that level may need. */
export interface EntityFormat {
  metadata: MetadataLevel;
  /** `@odata.context`, for a top-level entity. */
  context?: string;
  /** The entity's canonical URL (`@odata.id` and `@odata.editLink` at full metadata). */
  url?: string;
}

/**
 * A stored entity of a set of type `declared` as a payload, each structured value as its own (recorded) type.
 * minimal: `@odata.type` on it and on each nested complex value (as the doc's response shows); full: also
 * `@odata.id` and `@odata.editLink`; none: no control information. @see OData JSON Format v4.01 §3.1 and §4.5
 */
export function entityPayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, format: EntityFormat): Record<string, unknown> {
  const type = recordedTypeOf(entity, declared, model);
  if (format.metadata === 'none') return annotateInto({}, entity, type, model, false);
  const out: Record<string, unknown> = {};
  if (format.context !== undefined) out['@odata.context'] = format.context;
  out['@odata.type'] = typeAnnotation(type);
  if (format.metadata === 'full' && format.url !== undefined) {
    out['@odata.id'] = format.url;
    out['@odata.editLink'] = format.url;
  }
  return annotateInto(out, entity, type, model, true);
}

/** Control information of a collection that every metadata level keeps (count and next link). */
export interface CollectionExtras {
  count?: number;
  nextLink?: string;
}

/** A collection payload: `@odata.context` (not at metadata=none), `@odata.count`, `@odata.nextLink`, `value`. */
export function collectionPayload(context: string, metadata: MetadataLevel, value: unknown[], extras: CollectionExtras = {}): Record<string, unknown> {
  return {
    ...(metadata === 'none' ? {} : { '@odata.context': context }),
    ...(extras.count === undefined ? {} : { '@odata.count': extras.count }),
    ...(extras.nextLink === undefined ? {} : { '@odata.nextLink': extras.nextLink }),
    value,
  };
}

/** `@odata.context` of an entity reference or a collection of them. @see OData JSON Format v4.01 §10.18, §10.19 */
export function referenceContextUrl(root: ServiceRoot, collection: boolean): string {
  return `${serviceRootUrl(root)}/$metadata#${collection ? 'Collection($ref)' : '$ref'}`;
}

/** An entity reference, `{ "@odata.id": url }`, with its context when it stands alone. @see OData JSON Format v4.01 §14 */
export function referencePayload(url: string, context?: string): Record<string, unknown> {
  return context === undefined ? { '@odata.id': url } : { '@odata.context': context, '@odata.id': url };
}

/**
 * Copies a structured value's properties into `out` (not the type it records: that is `type`), with nested
 * complex values as their own types, annotated with them when `annotate` is set.
 */
function annotateInto(out: Record<string, unknown>, value: Readonly<Record<string, unknown>>, type: StructuredTypeModel, model: GraphModel, annotate: boolean): Record<string, unknown> {
  for (const name of Object.keys(value)) {
    if (name === RECORDED_TYPE) continue;
    const v = value[name];
    const prop = type.property(name);
    const complexType = prop?.complex && v !== null && typeof v === 'object' ? model.resolveType(prop.type) : undefined;
    setOwn(out, name, complexType ? annotateValue(v, complexType, model, annotate) : v);
  }
  return out;
}

function annotateStructured(value: Readonly<Record<string, unknown>>, declared: StructuredTypeModel, model: GraphModel, annotate: boolean): Record<string, unknown> {
  const type = recordedTypeOf(value, declared, model);
  return annotateInto(annotate ? { '@odata.type': typeAnnotation(type) } : {}, value, type, model, annotate);
}

function annotateValue(v: unknown, type: StructuredTypeModel, model: GraphModel, annotate: boolean): unknown {
  if (Array.isArray(v)) return v.map((item) => annotateValue(item, type, model, annotate));
  return isJsonObject(v) ? annotateStructured(v, type, model, annotate) : v;
}
