import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StructuredTypeModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { JsonSchema } from '../graph/schema-files';
import type { PreparedSeed } from '../graph/seed';
import { exampleSeed, prepareSeeds } from '../graph/seed';
import type { ValidationProfile } from '../graph/validate';
import type { JsonObject } from '../json';
import { CONTEXT_ANNOTATION } from '../odata/annotations';
import { GRAPH_JSON_CONTENT_TYPE, HEADER } from '../odata/header-names';
import { SERVICE_VERSIONS } from '../odata/resource-path';
import { packageRoot } from '../package-root';
import { payloadExamples, setExamples } from './openapi-examples';
import { collectionSchemaName, COMPONENTS, responseSchemaName, setPaths } from './openapi-paths';
import type { SchemaIndex } from './openapi-schema';
import { COMPONENT_SCHEMAS, toOpenApiSchema } from './openapi-schema';

/** The OpenAPI version of the description: 3.0, what Dredd 14's parser reads (3.1 only with a warning). */
export const OPENAPI_VERSION = '3.0.3';
/** Where `mockgraph serve` listens by default: the server URL of a description made without a request. */
export const DEFAULT_ORIGIN = 'http://localhost:4000';

/** What the description depends on besides the schemas. */
export interface OpenApiOptions {
  /** `scheme://host[:port]` of the service: the server URL and the URLs in examples (default http://localhost:4000). */
  origin?: string;
  /** The create/update contracts that describe request bodies (default `doc`). */
  validation?: ValidationProfile;
  /** The entities the service starts with; entity examples name the first of each set (default: what `mockgraph serve` seeds). */
  seed?: PreparedSeed;
  /** The media type of JSON responses (default Graph's exact Content-Type, which strict tools such as Dredd compare). */
  jsonMediaType?: string;
}

/** An OpenAPI 3.0 document, as plain JSON. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, JsonObject>;
  components: JsonObject;
  security: Array<Record<string, string[]>>;
}

/** The query options, as components.parameters keyed by their name without `$`. @see OData URL Conventions §5 */
const QUERY_PARAMETERS: Record<string, JsonObject> = {
  filter: { description: 'A filter expression, e.g. `countHits gt 5`.', schema: { type: 'string' } },
  select: { description: 'A comma-separated list of properties to return.', schema: { type: 'string' } },
  orderby: { description: 'Properties to sort by, each optionally followed by asc or desc.', schema: { type: 'string' } },
  top: { description: 'At most this many members.', schema: { type: 'integer', minimum: 0 } },
  skip: { description: 'Skip this many members.', schema: { type: 'integer', minimum: 0 } },
  count: { description: 'Also return the number of matching members as @odata.count.', schema: { type: 'boolean' } },
  search: { description: 'A search term matched against the string properties.', schema: { type: 'string' } },
  skiptoken: { description: 'The opaque paging token of an @odata.nextLink, alone.', schema: { type: 'string' } },
};

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The type's properties, inherited ones inlined from the schema that declares them, plus the context URL a response carries. */
function responseSchema(type: StructuredTypeModel, graph: GraphDefinition, index: SchemaIndex): JsonObject {
  const chain: JsonSchema[] = [];
  for (let t: StructuredTypeModel | undefined = type; t; t = t.baseType ? graph.model.resolveType(t.baseType) : undefined) {
    const s = index.get(t.schemaId);
    if (s) chain.push(s);
  }
  const declaring = (name: string) => chain.find((s) => s.properties?.[name] !== undefined)?.properties?.[name];
  const context = index.get('odata.collection')?.properties?.[CONTEXT_ANNOTATION] ?? { type: 'string' };
  // Instance annotations the type's schema declares (`@odata.type`) come first, as responses write them.
  const annotations = Object.entries(chain[0]?.properties ?? {}).filter(([name]) => name.startsWith('@'));
  const properties: JsonObject = { [CONTEXT_ANNOTATION]: toOpenApiSchema(context, index) };
  for (const [name, s] of annotations) properties[name] = toOpenApiSchema(s, index);
  for (const p of type.properties) properties[p.name] = toOpenApiSchema(declaring(p.name), index);
  const open = type.open || chain[0]?.additionalProperties !== false;
  return { type: 'object', description: `A ${type.name} as a response carries it (minimal metadata).`, properties, additionalProperties: open };
}

function collectionSchema(items: JsonObject, index: SchemaIndex): JsonObject {
  const { example: _example, ...envelope } = toOpenApiSchema(index.get('odata.collection'), index);
  return { ...envelope, properties: { ...(envelope.properties as JsonObject), value: { type: 'array', items } } };
}

/** components.schemas: every schema converted, plus each type's response schema and collection envelope. */
function componentSchemas(graph: GraphDefinition, index: SchemaIndex): JsonObject {
  const schemas: JsonObject = {};
  for (const f of graph.files) schemas[f.id] = toOpenApiSchema(f.schema, index);
  for (const type of graph.model.types) {
    const item = type.key === undefined ? { $ref: COMPONENT_SCHEMAS + type.schemaId } : { $ref: COMPONENT_SCHEMAS + responseSchemaName(type.name) };
    if (type.key !== undefined) schemas[responseSchemaName(type.name)] = responseSchema(type, graph, index);
    schemas[collectionSchemaName(type.name)] = collectionSchema(item, index);
  }
  schemas[COMPONENTS.references] = collectionSchema({ $ref: COMPONENT_SCHEMAS + COMPONENTS.reference }, index);
  return schemas;
}

/**
 * The OpenAPI 3.0 description of every path the service serves, with only the methods each set serves; bodies from the
 * request contracts, examples built by the functions that build the service's responses, schemas converted from schemas/.
 */
export function openApiDocument(graph: GraphDefinition, options: OpenApiOptions = {}): OpenApiDocument {
  const validation = options.validation ?? 'doc';
  const origin = options.origin ?? DEFAULT_ORIGIN;
  const seed = options.seed ?? prepareSeeds(exampleSeed(graph, validation), graph, validation);
  const media = options.jsonMediaType ?? GRAPH_JSON_CONTENT_TYPE;
  const index: SchemaIndex = new Map(graph.files.map((f) => [f.id, f.schema]));
  const paths: Record<string, JsonObject> = {};
  for (const version of SERVICE_VERSIONS) {
    const root = { origin, version };
    for (const set of graph.model.entitySets.filter((s) => s.versions.includes(version))) {
      const type = graph.model.resolveType(set.entityType);
      if (!type) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
      const examples = setExamples(graph, set, type, seed, validation);
      const payloads = payloadExamples(graph, set, type, examples, root);
      for (const [path, item] of setPaths({ graph, set, type, version, root, examples, payloads, media, validation })) paths[path] = item;
    }
  }
  const document: OpenApiDocument = {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'mockgraph',
      version: packageVersion(),
      description: `An OData-style mock of Microsoft Graph, generated from its schemas. Send any bearer token (${HEADER.authorization}: Bearer …). Entity examples name the first entity of each set's seed.`,
    },
    servers: [{ url: origin }],
    tags: [...new Set(graph.model.entitySets.map((s) => s.path))].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas(graph, index),
      responses: { [COMPONENTS.error]: { description: "Graph's error body.", content: { [media]: { schema: { $ref: COMPONENT_SCHEMAS + COMPONENTS.errorBody } } } } },
      parameters: Object.fromEntries(Object.entries(QUERY_PARAMETERS).map(([name, p]) => [name, { name: `$${name}`, in: 'query', required: false, ...p }])),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Any non-empty bearer token (with --auth jwt: a JWT carrying the permission an operation names).' } },
    },
    security: [{ bearer: [] }],
  };
  // A JSON round trip drops the undefined members the builders leave, and hands the caller a copy it may change.
  return JSON.parse(JSON.stringify(document)) as OpenApiDocument;
}
