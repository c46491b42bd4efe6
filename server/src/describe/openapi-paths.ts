import { semanticsOf } from '../graph/bound-operations';
import type { EntitySetModel, OperationModel, StructuredTypeModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { ValidationProfile } from '../graph/validate';
import { requestSchemaId } from '../graph/validate';
import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import type { ServiceRoot } from '../odata/annotations';
import { HEADER, PLAIN_TEXT_CONTENT_TYPE } from '../odata/header-names';
import type { PayloadExamples, SetExamples } from './openapi-examples';
import { operationResultExample } from './openapi-examples';
import { COMPONENT_SCHEMAS } from './openapi-schema';

/** The media type of `/$count`'s plain-text number, as the service writes it. */
export const COUNT_MEDIA_TYPE = PLAIN_TEXT_CONTENT_TYPE;
/** The media type of request bodies. */
export const REQUEST_MEDIA_TYPE = 'application/json';

/** The component names of the description's shared parts. */
export const COMPONENTS = {
  error: 'error',
  references: 'mockgraph.responses.references',
  reference: 'odata.reference',
  errorBody: 'odata.error',
} as const;

/** The name of the response schema of a type: its properties (inherited ones inlined) plus `@odata.context`. */
export const responseSchemaName = (type: string) => `mockgraph.responses.${type.slice(type.lastIndexOf('.') + 1)}`;
/** The name of the collection response schema of a type. */
export const collectionSchemaName = (type: string) => `${responseSchemaName(type)}.collection`;

/** Which system query options each kind of GET takes. @see server/src/odata/query/parse.ts */
const QUERY_OPTIONS_OF = {
  collection: ['filter', 'select', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken'],
  references: ['filter', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken'],
  count: ['filter', 'search'],
  entity: ['select'],
} as const;

/** Everything the paths of one entity set under one version root are built from. */
export interface SetPathsInput {
  graph: GraphDefinition;
  set: EntitySetModel;
  type: StructuredTypeModel;
  version: string;
  root: ServiceRoot;
  examples: SetExamples;
  payloads: PayloadExamples;
  media: string;
  validation: ValidationProfile;
}

const ref = (name: string) => ({ $ref: COMPONENT_SCHEMAS + name });
const errors = { '4XX': { $ref: `#/components/responses/${COMPONENTS.error}` }, '5XX': { $ref: `#/components/responses/${COMPONENTS.error}` } };
const queryParameters = (kind: keyof typeof QUERY_OPTIONS_OF) => QUERY_OPTIONS_OF[kind].map((name) => ({ $ref: `#/components/parameters/${name}` }));
const localName = (type: StructuredTypeModel) => type.name.slice(type.name.lastIndexOf('.') + 1);
const header = (description: string, format?: string) => ({ description, schema: { type: 'string', ...(format ? { format } : {}) } });

function preferParameter(example: string): JsonObject {
  return { name: HEADER.prefer, in: 'header', required: false, description: 'return=minimal or return=representation: whether the response carries the entity.', schema: { type: 'string', enum: ['return=minimal', 'return=representation'] }, example };
}

function body(schemaName: string, example: unknown): JsonObject {
  return { required: true, content: { [REQUEST_MEDIA_TYPE]: { schema: ref(schemaName), ...(example === undefined ? {} : { example }) } } };
}

function json(input: SetPathsInput, description: string, schema: string | JsonObject, example: unknown, headers?: JsonObject): JsonObject {
  const described = typeof schema === 'string' ? ref(schema) : schema;
  return { description, ...(headers ? { headers } : {}), content: { [input.media]: { schema: described, ...(example === undefined ? {} : { example }) } } };
}

/** JSON Schemas of the Edm primitive types an operation may return. @see OData JSON Format v4.01 §7.1 */
const EDM_SCHEMAS: Record<string, JsonObject> = {
  'Edm.String': { type: 'string' },
  'Edm.Boolean': { type: 'boolean' },
  'Edm.Int16': { type: 'integer' },
  'Edm.Int32': { type: 'integer' },
  'Edm.Int64': { type: 'integer' },
  'Edm.Byte': { type: 'integer' },
  'Edm.SByte': { type: 'integer' },
  'Edm.Double': { type: 'number' },
  'Edm.Single': { type: 'number' },
  'Edm.Decimal': { type: 'number' },
  'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
  'Edm.Date': { type: 'string', format: 'date' },
  'Edm.Guid': { type: 'string', format: 'uuid' },
};

/** The schema of an operation's result: a type's (response) schema or collection envelope, an enum, or an Edm primitive. */
function returnSchema(input: SetPathsInput, returns: { type: string; collection: boolean }): JsonObject {
  const { model } = input.graph;
  const structured = model.resolveType(returns.type);
  if (structured) return ref(returns.collection ? collectionSchemaName(structured.name) : structured.key === undefined ? structured.schemaId : responseSchemaName(structured.name));
  const single = model.resolveEnum(returns.type) ? ref(model.resolveEnum(returns.type)?.schemaId ?? '') : (EDM_SCHEMAS[returns.type] ?? {});
  return returns.collection ? { type: 'object', properties: { value: { type: 'array', items: single } }, required: ['value'] } : single;
}

function permissions(list: readonly string[]): string {
  return list.length > 0 ? ` Permissions (any one): ${list.join(', ')}.` : '';
}

/** The schema of a body of `type`, choosing the request contract of the profile when the schemas have one. */
function contractOf(input: SetPathsInput, purpose: 'create' | 'update'): string {
  const contract = requestSchemaId(input.type.name, purpose, input.validation);
  return input.graph.files.some((f) => f.id === contract) ? contract : input.type.schemaId;
}

/** Unique across the description: version, path segments, action. */
function operationId(input: SetPathsInput, action: string): string {
  return [input.version, ...input.set.segments, action].join('.');
}

/** An operation's example body: items of the set's type that name an id are pointed at the example entity. */
function operationBody(input: SetPathsInput, op: OperationModel): unknown {
  const schema = input.graph.files.find((f) => f.id === op.parameters)?.schema;
  const example = Array.isArray(schema?.examples) ? structuredClone(schema.examples[0]) : undefined;
  if (!isJsonObject(example)) return example;
  for (const [name, value] of Object.entries(example)) {
    const itemType = /^Collection\((.+)\)$/.exec(String(schema?.properties?.[name]?.['x-edmType'] ?? ''))?.[1];
    if (!Array.isArray(value) || !itemType || !input.graph.model.derivesFrom(itemType, input.type.name)) continue;
    const named = value.filter((item) => isJsonObject(item) && typeof item.id === 'string');
    // A description can promise one existing entity: the first item that names one is about it, the others go.
    if (named.length > 0) example[name] = [...value.filter((item) => !named.includes(item)), { ...(named[0] as JsonObject), id: input.examples.id }];
  }
  return example;
}

/** The success responses of a bound operation, as the service's bulk semantics or the documented response make them. */
function operationResponses(input: SetPathsInput, op: OperationModel): JsonObject {
  const semantics = semanticsOf({ graph: input.graph }, input.set, op);
  if (semantics === 'create-many' || semantics === 'update-many') {
    const example = op.responseExample ?? operationResultExample(input.graph, input.type, input.examples, input.root, input.set);
    return { '200': json(input, `The entities the action created or changed.`, collectionSchemaName(input.type.name), example) };
  }
  const returns = op.returns ? returnSchema(input, op.returns) : {};
  if (op.responseExample !== undefined && op.responseExample !== null) {
    return { [String(op.status ?? 200)]: json(input, 'The documented response.', returns, op.responseExample) };
  }
  if (op.status !== undefined && op.status !== 204) return { [String(op.status)]: { description: 'The documented status, without a body.' } };
  return { '204': { description: 'Done; no body.' } };
}

/** An Operation Object of the set: summary, a unique id, the set's tag, and its description when there is one. */
function operation(input: SetPathsInput, action: string, summary: string, description: string, rest: JsonObject): JsonObject {
  return { summary, operationId: operationId(input, action), tags: [input.set.path], ...(description.trim() === '' ? {} : { description: description.trim() }), ...rest };
}

function boundOperation(input: SetPathsInput, op: OperationModel): [string, JsonObject] {
  const segment = op.kind === 'function' ? `${op.name}()` : op.name;
  const bound = op.bindsTo === 'collection' ? `the collection of ${input.type.name}` : input.type.name;
  const requestBody = op.parameters && op.method !== 'GET' ? { requestBody: body(op.parameters, operationBody(input, op)) } : {};
  const summary = `${op.kind === 'function' ? 'Call function' : 'Invoke action'} ${op.name}`;
  const action = op.bindsTo === 'entity' ? `item.${op.name}` : op.name;
  const description = `The bound ${op.kind} microsoft.graph.${op.name}, bound to ${bound}.${permissions(op.permissions)}`;
  return [segment, { [op.method.toLowerCase()]: operation(input, action, summary, description, { ...requestBody, responses: { ...operationResponses(input, op), ...errors } }) }];
}

function collectionPaths(input: SetPathsInput): Array<[string, JsonObject]> {
  const { set, type, payloads, examples } = input;
  const name = set.segments[set.segments.length - 1] ?? set.path;
  const read = permissions(set.permissions.read);
  const write = permissions(set.permissions.write);
  const collection: JsonObject = {};
  const refs: JsonObject = {};
  const count: JsonObject = {};
  if (set.methods.collection.includes('GET')) {
    collection.get = operation(input, 'list', `List ${name}`, `One page of ${name}; @odata.nextLink leads to the next (Prefer: odata.maxpagesize=N sets the page size).${read}`, {
      parameters: queryParameters('collection'),
      responses: { '200': json(input, `A page of ${type.name}.`, collectionSchemaName(type.name), payloads.collection), ...errors },
    });
    count.get = operation(input, 'count', `Count ${name}`, `The number of members matching $filter and $search, as plain text.${read}`, {
      parameters: queryParameters('count'),
      responses: { '200': { description: 'The count.', content: { [COUNT_MEDIA_TYPE]: { schema: { type: 'integer', minimum: 0 } } } }, ...errors },
    });
    refs.get = operation(input, 'listReferences', `List references to ${name}`, `The members' URLs.${read}`, {
      parameters: queryParameters('references'),
      responses: { '200': json(input, 'A page of entity references.', COMPONENTS.references, payloads.references), ...errors },
    });
  }
  if (set.methods.collection.includes('POST')) {
    const created = { [HEADER.location]: header('The URL of the new entity.', 'uri') };
    const minimal = { ...created, [HEADER.odataEntityId]: header('The URL of the new entity.', 'uri'), [HEADER.preferenceApplied]: header('return=minimal') };
    collection.post = operation(input, 'create', `Create ${localName(type)}`, `Validated against the ${input.validation} create contract.${write}`, {
      parameters: [preferParameter('return=representation')],
      requestBody: body(contractOf(input, 'create'), examples.create),
      responses: { '201': json(input, 'Created.', responseSchemaName(type.name), payloads.created, created), '204': { description: 'Created (with Prefer: return=minimal).', headers: minimal }, ...errors },
    });
    refs.post = operation(input, 'addReference', `Add a reference to ${name}`, `For a containment, a reference to a member is accepted as it is.${write}`, {
      requestBody: body(COMPONENTS.reference, payloads.referenceBody),
      responses: { '204': { description: 'The reference is there.' }, ...errors },
    });
  }
  const ops = set.operations.filter((op) => op.bindsTo === 'collection').map((op) => boundOperation(input, op));
  return [['', collection], ['/$count', count], ['/$ref', refs], ...ops];
}

function entityPaths(input: SetPathsInput): Array<[string, JsonObject]> {
  const { set, type, payloads, examples } = input;
  const local = localName(type);
  const key = type.key ?? 'id';
  const idParameter = { name: key, in: 'path', required: true, description: `The key of the ${local}.`, schema: { type: 'string' }, example: examples.id };
  const has = (m: string) => set.methods.entity.includes(m);
  const read = permissions(set.permissions.read);
  const write = permissions(set.permissions.write);
  const entity: JsonObject = { parameters: [idParameter] };
  const ref: JsonObject = { parameters: [idParameter] };
  if (has('GET')) {
    entity.get = operation(input, 'get', `Get ${local}`, read, { parameters: queryParameters('entity'), responses: { '200': json(input, `The ${local}.`, responseSchemaName(type.name), payloads.entity), ...errors } });
    ref.get = operation(input, 'getReference', `Get the reference to ${local}`, read, { responses: { '200': json(input, 'The entity reference.', COMPONENTS.reference, payloads.reference), ...errors } });
  }
  if (has('PATCH')) {
    const applied = { [HEADER.preferenceApplied]: header('return=representation') };
    entity.patch = operation(input, 'update', `Update ${local}`, `Only the properties sent are validated and changed.${write}`, {
      parameters: [preferParameter('return=minimal')],
      requestBody: body(contractOf(input, 'update'), examples.update),
      responses: { '204': { description: 'Updated.' }, '200': json(input, 'Updated (with Prefer: return=representation).', responseSchemaName(type.name), payloads.updated, applied), ...errors },
    });
  }
  if (has('DELETE')) {
    entity.delete = operation(input, 'delete', `Delete ${local}`, write, { responses: { '204': { description: 'Deleted.' }, ...errors } });
    ref.delete = operation(input, 'deleteReference', `Delete the reference to ${local}`, `For a containment, removing the reference deletes the entity.${write}`, { responses: { '204': { description: 'Deleted.' }, ...errors } });
  }
  const ops = set.operations.filter((op) => op.bindsTo === 'entity').map((op) => prefixed(`/{${key}}/`, boundOperation(input, op), idParameter));
  return [[`/{${key}}`, entity], [`/{${key}}/$ref`, ref], ...ops];
}

function prefixed(prefix: string, [segment, item]: [string, JsonObject], idParameter: JsonObject): [string, JsonObject] {
  return [prefix + segment, { parameters: [idParameter], ...item }];
}

const hasOperation = (item: JsonObject) => Object.keys(item).some((k) => k !== 'parameters');

/**
 * The paths of one entity set under one version root, each with only the methods the set serves: the collection,
 * `$count`, `$ref`, the collection-bound operations, one entity by key, its `$ref` and its bound operations.
 */
export function setPaths(input: SetPathsInput): Array<[string, JsonObject]> {
  const base = `/${input.version}/${input.set.path}`;
  return [...collectionPaths(input), ...entityPaths(input)].filter(([, item]) => hasOperation(item)).map(([suffix, item]) => [suffix.startsWith('/') || suffix === '' ? base + suffix : `${base}/${suffix}`, item]);
}
