import { loadGraphDefinition } from '../graph/registry';
import { exampleSeed, prepareSeeds } from '../graph/seed';
import { requestSchemaId } from '../graph/validate';
import type { JsonObject } from '../json';
import { validate } from '@readme/openapi-parser';
import { DEFAULT_ORIGIN, OPENAPI_VERSION, openApiDocument } from './openapi';
import { sampleDefinition } from './test-data';

const graph = loadGraphDefinition();
const doc = openApiDocument(graph);
const METHODS = ['get', 'post', 'patch', 'delete', 'put'] as const;

type Operation = { operationId: string; parameters?: JsonObject[]; requestBody?: { content: Record<string, { schema: { $ref: string }; example?: unknown }> }; responses: Record<string, JsonObject> };
const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => ({ path, method: m, op: item[m] as Operation })));

/** Every value in a JSON tree with the key it is held under. */
function* walk(value: unknown, key = ''): Generator<[string, unknown]> {
  yield [key, value];
  if (Array.isArray(value)) for (const v of value) yield* walk(v, key);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) yield* walk(v, k);
}

describe('the OpenAPI description', () => {
  test('is OpenAPI 3.0.3, served from the default origin unless told otherwise', () => {
    expect(doc.openapi).toBe(OPENAPI_VERSION);
    expect(doc.servers).toEqual([{ url: DEFAULT_ORIGIN }]);
    expect(openApiDocument(graph, { origin: 'https://mock.example' }).servers).toEqual([{ url: 'https://mock.example' }]);
  });

  test('has each served path of every set with exactly the methods the set serves', () => {
    for (const set of graph.model.entitySets) {
      for (const version of set.versions) {
        const base = `/${version}/${set.path}`;
        const methods = (path: string) => METHODS.filter((m) => m in (doc.paths[path] ?? {})).map((m) => m.toUpperCase());
        const { collection, entity } = set.methods;
        expect(methods(base)).toEqual(['GET', 'POST'].filter((m) => collection.includes(m)));
        expect(methods(`${base}/$count`)).toEqual(collection.includes('GET') ? ['GET'] : []);
        expect(methods(`${base}/$ref`)).toEqual(['GET', 'POST'].filter((m) => collection.includes(m)));
        expect(methods(`${base}/{id}`)).toEqual(['GET', 'PATCH', 'DELETE'].filter((m) => entity.includes(m)));
        expect(methods(`${base}/{id}/$ref`)).toEqual(['GET', 'DELETE'].filter((m) => entity.includes(m)));
        for (const op of set.operations) expect(methods(`${base}${op.bindsTo === 'entity' ? '/{id}' : ''}/${op.name}${op.kind === 'function' ? '()' : ''}`)).toEqual([op.method]);
      }
    }
  });

  test('gives operations unique ids, the query options, and the Graph error body for 4XX and 5XX', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations()) {
      expect(op.responses['4XX']).toEqual({ $ref: '#/components/responses/error' });
      expect(op.responses['5XX']).toEqual({ $ref: '#/components/responses/error' });
      if (method === 'get' && !path.includes('{') && !path.endsWith('$count') && !path.endsWith('$ref')) {
        expect(op.parameters?.map((p) => p.$ref)).toEqual(['filter', 'select', 'orderby', 'top', 'skip', 'count', 'search', 'skiptoken'].map((n) => `#/components/parameters/${n}`));
      }
    }
    const { error } = doc.components.responses as Record<string, { content: Record<string, unknown> }>;
    expect(Object.values(error?.content ?? {})).toEqual([{ schema: { $ref: '#/components/schemas/odata.error' } }]);
  });

  test('describes create and update bodies with the request contracts, and every request example passes them', () => {
    for (const { path, method, op } of operations()) {
      const body = op.requestBody?.content['application/json'];
      if (!body) continue;
      const schemaId = body.schema.$ref.replace('#/components/schemas/', '');
      const set = graph.model.entitySets.find((s) => path.includes(`/${s.path}`));
      if (set && method === 'post' && path.endsWith(set.path)) expect(schemaId).toBe(requestSchemaId(set.entityType, 'create', 'doc'));
      if (set && method === 'patch') expect(schemaId).toBe(requestSchemaId(set.entityType, 'update', 'doc'));
      expect([path, method, graph.validator.check(schemaId, body.example)]).toEqual([path, method, []]);
    }
  });

  test('keeps no JSON Schema 2020-12 construct that OpenAPI 3.0 lacks, nor the annotations the paths express', () => {
    for (const [key, value] of walk(doc.components.schemas)) {
      expect(['$schema', '$id', '$comment', 'examples', 'propertyNames', 'const', 'x-entitySet', 'x-actions']).not.toContain(key);
      if (key === 'type') expect(typeof value).toBe('string');
    }
    for (const f of graph.files) expect(Object.keys(doc.components.schemas as object)).toContain(f.id);
  });

  test("names each set's example entity: the seeded one, else one under an id from the type's examples", () => {
    const seed = prepareSeeds(exampleSeed(graph, 'doc'), graph, 'doc');
    for (const set of graph.model.entitySets) {
      const id = ((doc.paths[`/beta/${set.path}/{id}`]?.parameters as JsonObject[])[0] ?? {}).example;
      const seeded = seed.get(set.path)?.[0]?.id;
      if (seeded) expect(id).toBe(seeded);
      else expect(typeof id).toBe('string');
    }
    const other = openApiDocument(graph, { seed: new Map([['security/ipSecurityProfiles', [{ ...seed.get('security/ipSecurityProfiles')?.[0], id: 'p-1' }]]]) });
    expect((other.paths['/beta/security/ipSecurityProfiles/{id}']?.parameters as JsonObject[])[0]).toMatchObject({ example: 'p-1' });
  });

  test('points example items of an operation that name entities by id at the example entity', () => {
    for (const set of graph.model.entitySets) {
      const id = ((doc.paths[`/beta/${set.path}/{id}`]?.parameters as JsonObject[] | undefined)?.[0] ?? {}).example;
      for (const op of set.operations.filter((o) => o.bindsTo === 'collection')) {
        const example = (doc.paths[`/beta/${set.path}/${op.name}`]?.post as Operation | undefined)?.requestBody?.content['application/json']?.example;
        for (const [key, value] of walk(example)) if (key === 'id') expect([op.name, value]).toEqual([op.name, id]);
      }
    }
  });

  test('is deterministic', () => {
    expect(JSON.stringify(openApiDocument(graph))).toBe(JSON.stringify(doc));
  });

  test('for other models too: a set at the root, one deep below a singleton, a function returning primitives', async () => {
    const sample = openApiDocument(sampleDefinition());
    expect(Object.keys(sample.paths)).toEqual([
      '/beta/widgets', '/beta/widgets/$count', '/beta/widgets/$ref', '/beta/widgets/{id}', '/beta/widgets/{id}/$ref', '/beta/widgets/{id}/polish', '/beta/widgets/{id}/labels()',
      '/beta/org/lab/gadgets', '/beta/org/lab/gadgets/$count', '/beta/org/lab/gadgets/$ref', '/beta/org/lab/gadgets/{id}', '/beta/org/lab/gadgets/{id}/$ref',
      '/v1.0/widgets', '/v1.0/widgets/$count', '/v1.0/widgets/$ref', '/v1.0/widgets/{id}', '/v1.0/widgets/{id}/$ref', '/v1.0/widgets/{id}/polish', '/v1.0/widgets/{id}/labels()',
    ]);
    const labels = (sample.paths['/beta/widgets/{id}/labels()']?.get as Operation).responses['200'] as { content: Record<string, unknown> };
    expect(Object.values(labels.content)).toEqual([{ schema: { type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'] }, example: { value: ['shiny'] } }]);
    expect(Object.keys((sample.paths['/beta/widgets/{id}/polish']?.post as Operation).responses)).toEqual(['204', '4XX', '5XX']);
    expect(await validate(structuredClone(sample) as never)).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
  });
});
