import { RECORDED_TYPE, recordedTypeOf } from '../graph/derived-types';
import type { EntitySetModel, GraphModel, StructuredTypeModel } from '../graph/model';
import { isJsonObject, setOwn } from '../json';
import { compileFunction, literalKey, memberRead } from '../literal-code';
import type { MetadataLevel } from './format';
import type { Entity } from '../store/store';
import { cachedPayload, cachePayload } from './payload-cache';
import { knowParts, knowText } from './payload-text';

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
 * The payload and its JSON text are kept for an entity asked for again (see payload-cache.ts): callers must not change it.
 */
export function entityPayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, format: EntityFormat): Record<string, unknown> {
  const { metadata, context } = format;
  // Only full metadata writes the URL: at the other levels payloads for any URL are the same (and cached as one).
  const url = metadata === 'full' ? format.url : undefined;
  const cached = cachedPayload(entity, declared, model, metadata, context, url);
  if (cached !== undefined) return cached;
  const payload = buildEntityPayload(entity, declared, model, format);
  const text = JSON.stringify(payload);
  knowText(payload, text);
  cachePayload(entity, declared, model, metadata, context, url, payload, text.length);
  return payload;
}

/**
 * The payloads of a collection's entities of the set `set`, each as entityPayload writes it; an entity's URL is made
 * only at full metadata, the one level that writes it (a page of 100 would otherwise make 100 URLs for nothing).
 */
export function itemPayloads(entities: readonly Entity[], declared: StructuredTypeModel, model: GraphModel, metadata: MetadataLevel, root: ServiceRoot, set: EntitySetModel): Array<Record<string, unknown>> {
  const format: EntityFormat = { metadata };
  return entities.map((e) => entityPayload(e, declared, model, metadata === 'full' ? { metadata, url: entityUrl(root, set, e.id) } : format));
}

/**
 * entityPayload of an entity stored just now (the answer to a create): made without looking in the payload cache or
 * filling it, since a new entity is seldom asked for again; its text is made once, when the response is written.
 */
export function newEntityPayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, format: EntityFormat): Record<string, unknown> {
  return buildEntityPayload(entity, declared, model, format);
}

function buildEntityPayload(entity: Entity, declared: StructuredTypeModel, model: GraphModel, format: EntityFormat): Record<string, unknown> {
  const type = recordedTypeOf(entity, declared, model);
  if (format.metadata === 'none') return annotateInto(NO_HEAD, entity, type, model, false);
  const head: Head = format.metadata === 'full' && format.url !== undefined ? (format.context === undefined ? FULL : FULL_WITH_CONTEXT) : format.context === undefined ? MINIMAL : MINIMAL_WITH_CONTEXT;
  return annotateInto(head, entity, type, model, true, format.context, format.url);
}

/** Control information of a collection that every metadata level keeps (count and next link). */
export interface CollectionExtras {
  count?: number;
  nextLink?: string;
}

/**
 * A collection payload: `@odata.context` (not at metadata=none), `@odata.count`, `@odata.nextLink`, `value`. Its
 * JSON text is assembled from its items' known texts when it is written.
 */
export function collectionPayload(context: string, metadata: MetadataLevel, value: unknown[], extras: CollectionExtras = {}): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  let head = '{';
  if (metadata !== 'none') {
    payload['@odata.context'] = context;
    head += `"@odata.context":${JSON.stringify(context)},`;
  }
  if (extras.count !== undefined) {
    payload['@odata.count'] = extras.count;
    head += `"@odata.count":${JSON.stringify(extras.count)},`;
  }
  if (extras.nextLink !== undefined) {
    payload['@odata.nextLink'] = extras.nextLink;
    head += `"@odata.nextLink":${JSON.stringify(extras.nextLink)},`;
  }
  payload.value = value;
  knowParts(payload, `${head}"value":`, value, '}');
  return payload;
}

/** `@odata.context` of an entity reference or a collection of them. @see OData JSON Format v4.01 §10.18, §10.19 */
export function referenceContextUrl(root: ServiceRoot, collection: boolean): string {
  return `${serviceRootUrl(root)}/$metadata#${collection ? 'Collection($ref)' : '$ref'}`;
}

/** An entity reference, `{ "@odata.id": url }`, with its context when it stands alone. @see OData JSON Format v4.01 §14 */
export function referencePayload(url: string, context?: string): Record<string, unknown> {
  return context === undefined ? { '@odata.id': url } : { '@odata.context': context, '@odata.id': url };
}

/** The control information written before a structured value's properties, in this order. */
type Head = readonly ('@odata.context' | '@odata.type' | '@odata.id' | '@odata.editLink')[];
const NO_HEAD: Head = [];
const MINIMAL: Head = ['@odata.type'];
const MINIMAL_WITH_CONTEXT: Head = ['@odata.context', '@odata.type'];
const FULL: Head = ['@odata.type', '@odata.id', '@odata.editLink'];
const FULL_WITH_CONTEXT: Head = ['@odata.context', '@odata.type', '@odata.id', '@odata.editLink'];

/**
 * A structured value of `type` with its control information (`head`: the context, `#type`, the entity's URL as id and
 * edit link) and then its properties (not the type it records: that is `type`), nested complex values as their own
 * types, annotated with them when `annotate` is set.
 */
function annotateInto(head: Head, value: Readonly<Record<string, unknown>>, type: StructuredTypeModel, model: GraphModel, annotate: boolean, context?: string, url?: string): Record<string, unknown> {
  const annotator = annotatorOf(head, type, model, annotate);
  const names = Object.keys(value);
  if (annotator.matches(names)) return annotator.build(value, names, context, url);
  const out: Record<string, unknown> = {};
  for (const key of head) out[key] = key === '@odata.context' ? context : key === '@odata.type' ? typeAnnotation(type) : url;
  for (const name of names) {
    if (name === RECORDED_TYPE) continue;
    const v = value[name];
    const prop = type.property(name);
    const complexType = prop?.complex && v !== null && typeof v === 'object' ? model.resolveType(prop.type) : undefined;
    setOwn(out, name, complexType ? annotateValue(v, complexType, model, annotate) : v);
  }
  return out;
}

function annotateValue(v: unknown, type: StructuredTypeModel, model: GraphModel, annotate: boolean): unknown {
  if (Array.isArray(v)) return v.map((item) => annotateValue(item, type, model, annotate));
  if (!isJsonObject(v)) return v;
  const own = recordedTypeOf(v, type, model);
  return annotateInto(annotate ? MINIMAL : NO_HEAD, v, own, model, annotate);
}

/** annotateInto for a value whose keys are the ones its type's shaper writes (see entity-shape.ts), as one object literal. */
interface Annotator {
  /** Whether the value's keys begin with the declared properties in the model's order (after the type it records, if any). */
  matches(names: readonly string[]): boolean;
  build(value: Readonly<Record<string, unknown>>, names: readonly string[], context: string | undefined, url: string | undefined): Record<string, unknown>;
}

const annotators = new WeakMap<GraphModel, Map<StructuredTypeModel, Map<Head, Annotator>>>();

/** The annotator of a type for a head and annotation setting (the heads are the constants above; the plain one never annotates). */
function annotatorOf(head: Head, type: StructuredTypeModel, model: GraphModel, annotate: boolean): Annotator {
  let byType = annotators.get(model);
  if (!byType) annotators.set(model, (byType = new Map()));
  let byHead = byType.get(type);
  if (!byHead) byType.set(type, (byHead = new Map()));
  // Nested values of a payload without annotations have no head either; a head without the type is only for those.
  const slot = head === NO_HEAD && annotate ? ANNOTATED_NO_HEAD : head;
  let annotator = byHead.get(slot);
  if (!annotator) byHead.set(slot, (annotator = compileAnnotator(head, type, model, annotate)));
  return annotator;
}

/** The slot of a head-less annotator that annotates its nested values (never asked for by entityPayload, kept apart all the same). */
const ANNOTATED_NO_HEAD: Head = [];

const NEVER: Annotator = { matches: () => false, build: () => ({}) };

function compileAnnotator(head: Head, type: StructuredTypeModel, model: GraphModel, annotate: boolean): Annotator {
  if (type.properties.some((p) => memberRead('value', p.name) === undefined)) return NEVER;
  const declared = type.properties.map((p) => p.name);
  const nested: Array<(v: unknown) => unknown> = [];
  const entries = head.map((key) => `${literalKey(key)}: ${key === '@odata.context' ? 'context' : key === '@odata.type' ? 'typeText' : 'url'}`);
  // The rest of the code reads only these parameters and the scope below; property names enter it as string literals.
  for (const prop of type.properties) {
    const complexType = prop.complex ? model.resolveType(prop.type) : undefined;
    let read = memberRead('value', prop.name)!;
    if (complexType) {
      nested.push((v) => (v !== null && typeof v === 'object' ? annotateValue(v, complexType, model, annotate) : v));
      read = `nested[${nested.length - 1}](${read})`;
    }
    entries.push(`${literalKey(prop.name)}: ${read}`);
  }
  // Properties after the declared ones (dynamic properties of an open type) are copied as they are.
  const rest = (out: Record<string, unknown>, value: Readonly<Record<string, unknown>>, names: readonly string[], from: number) => {
    for (let i = from; i < names.length; i++) setOwn(out, names[i]!, value[names[i]!]);
    return out;
  };
  const scope = { nested, rest, typeText: typeAnnotation(type), recorded: RECORDED_TYPE, count: declared.length };
  const body = `const out = {\n${entries.join(',\n')}\n};\nconst from = (names[0] === recorded ? 1 : 0) + count;\nreturn names.length === from ? out : rest(out, value, names, from);`;
  return {
    matches: (names) => {
      // A value of a derived type records it first (its recorded type is `type`), and is written without it.
      const offset = names[0] === RECORDED_TYPE ? 1 : 0;
      if (names.length - offset < declared.length) return false;
      for (let i = 0; i < declared.length; i++) if (names[i + offset] !== declared[i]) return false;
      return true;
    },
    build: compileFunction<Annotator['build']>(scope, ['value', 'names', 'context', 'url'], body),
  };
}
