import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import request from 'supertest';
import ts from 'typescript';
import { openApiDocument } from '../src/describe/openapi';
import type { OpenApiDocument } from '../src/describe/openapi';
import { exampleSeed, prepareSeeds } from '../src/graph/seed';
import { GRAPH_JSON_CONTENT_TYPE } from '../src/http/headers';
import { loadGraphDefinition } from '../src/index';
import { packageRoot } from '../src/package-root';
import { notesSchemaDir } from './extra-schemas';
import { AUTH, TEST_ORIGIN, testApp } from './helpers';

const graph = loadGraphDefinition();
const SEED = Object.fromEntries(prepareSeeds(exampleSeed(graph, 'doc'), graph, 'doc')) as Record<string, unknown[]>;
const METHODS = ['get', 'post', 'patch', 'delete', 'put'] as const;

type PathItem = Record<string, { parameters?: Array<{ in: string; example?: string }>; responses?: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }> } | unknown>;

async function served(app = testApp({ seed: SEED })): Promise<OpenApiDocument> {
  const res = await request(app).get('/_mockgraph/openapi.json').expect(200);
  return JSON.parse(res.text) as OpenApiDocument;
}

/** A path template with its key parameter filled in with the path's example. */
function concrete(path: string, item: PathItem): string {
  const id = (item.parameters as Array<{ in: string; example?: string }> | undefined)?.find((p) => p.in === 'path')?.example ?? 'x';
  return path.replace(/\{[^}]+\}/, encodeURIComponent(id));
}

/** Creates the example entity of each set the seed left empty, from its create example (as dredd-hooks.js does). */
async function createExampleEntities(app: ReturnType<typeof testApp>, doc: OpenApiDocument): Promise<void> {
  for (const [path, item] of Object.entries(doc.paths) as Array<[string, PathItem]>) {
    const m = /^(.*)\/\{([^}]+)\}$/.exec(path);
    const create = (doc.paths[m?.[1] ?? '']?.post as { requestBody?: { content: Record<string, { example?: object }> } } | undefined)?.requestBody?.content['application/json']?.example;
    if (!m || !create) continue;
    const id = (item.parameters as Array<{ example?: string }> | undefined)?.[0]?.example;
    const res = await request(app).post(m[1] ?? '').set(AUTH).send({ ...create, [m[2] ?? 'id']: id });
    expect([path, [201, 409].includes(res.status)]).toEqual([path, true]);
  }
}

describe('GET /_mockgraph/openapi.json', () => {
  test('answers the description without a token, for the origin it is reached at, with a strong ETag', async () => {
    const app = testApp({ seed: SEED });
    const res = await request(app).get('/_mockgraph/openapi.json').expect(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const doc = JSON.parse(res.text) as OpenApiDocument;
    expect(doc).toEqual(openApiDocument(graph, { origin: TEST_ORIGIN, seed: prepareSeeds(SEED, graph, 'doc'), jsonMediaType: GRAPH_JSON_CONTENT_TYPE }));
    expect(doc.servers).toEqual([{ url: TEST_ORIGIN }]);
    await request(app).get('/_mockgraph/openapi.json').set('If-None-Match', String(res.headers.etag)).expect(304);
    await request(app).head('/_mockgraph/openapi.json').expect(200).expect('etag', String(res.headers.etag));
    await request(app).delete('/_mockgraph/openapi.json').expect(405).expect('allow', 'GET, HEAD');
    // It describes the Graph API, not the admin API: served even when the admin API is off.
    await request(testApp({ admin: false })).get('/_mockgraph/openapi.json').expect(200);
  });

  test.each([
    ['schemas/', [] as string[]],
    ['schemas/ and a --schemas folder', [notesSchemaDir()]],
  ])('validates with @readme/openapi-parser, without errors or warnings (%s)', async (_name, schemaDirs) => {
    const doc = await served(testApp({ schemaDirs }));
    const result = await validate(structuredClone(doc) as never);
    expect(result).toEqual({ valid: true, warnings: [], specification: 'OpenAPI' });
  });

  test('describes a method on a path exactly when the service does not answer it with 405', async () => {
    const doc = await served();
    const app = testApp({ seed: SEED });
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths) as Array<[string, PathItem]>) {
      for (const method of METHODS) {
        const res = await request(app)[method](concrete(path, item)).set(AUTH);
        expect([path, method, res.status === 405]).toEqual([path, method, !(method in item)]);
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(doc.paths).length * METHODS.length);
  });

  test("declares the Content-Type the service answers each GET with, and the headers of its 201", async () => {
    const doc = await served();
    const app = testApp({ seed: SEED });
    await createExampleEntities(app, doc);
    for (const [path, item] of Object.entries(doc.paths) as Array<[string, PathItem]>) {
      const get = item.get as { responses: Record<string, { content?: Record<string, unknown> }> } | undefined;
      if (!get) continue;
      const res = await request(app).get(concrete(path, item)).set(AUTH).expect(200);
      expect([path, res.headers['content-type']]).toEqual([path, Object.keys(get.responses['200']?.content ?? {})[0]]);
    }
    const created = (doc.paths['/beta/security/ipSecurityProfiles']?.post as { responses: Record<string, { headers?: object }> }).responses;
    expect(Object.keys(created['201']?.headers ?? {})).toEqual(['Location']);
    expect(Object.keys(created['204']?.headers ?? {})).toEqual(['Location', 'OData-EntityId', 'Preference-Applied']);
  });

  test('describes collections with the envelope of schemas/odata: @odata.context, @odata.count, @odata.nextLink, value', async () => {
    const doc = await served();
    const schemas = doc.components.schemas as Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    for (const set of graph.model.entitySets) {
      const schemaName = `mockgraph.responses.${set.entityType.split('.').pop() ?? ''}`;
      expect(Object.keys(schemas[`${schemaName}.collection`]?.properties ?? {})).toEqual(['@odata.context', '@odata.count', '@odata.nextLink', 'value']);
      expect(schemas[`${schemaName}.collection`]?.properties?.value).toEqual({ type: 'array', items: { $ref: `#/components/schemas/${schemaName}` } });
      expect(Object.keys(schemas[schemaName]?.properties ?? {}).slice(0, 2)).toEqual(['@odata.context', '@odata.type']);
    }
  });
});

describe('types generated from the description by openapi-typescript', () => {
  /** Property name → kind of value (string, number, boolean, null, array<…>, object), as TypeScript sees the type. */
  type Shape = Record<string, string>;

  function kindOf(checker: ts.TypeChecker, type: ts.Type): string {
    const kinds = new Set<string>();
    const visit = (t: ts.Type): void => {
      if (t.isUnion()) return t.types.forEach(visit);
      const f = t.flags;
      if (f & ts.TypeFlags.Undefined) return;
      if (f & ts.TypeFlags.Null) kinds.add('null');
      else if (f & ts.TypeFlags.StringLike) kinds.add('string');
      else if (f & ts.TypeFlags.NumberLike) kinds.add('number');
      else if (f & ts.TypeFlags.BooleanLike) kinds.add('boolean');
      else if (f & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) kinds.add('unknown');
      else if (checker.isArrayType(t)) kinds.add(`array<${kindOf(checker, checker.getTypeArguments(t as ts.TypeReference)[0] as ts.Type)}>`);
      else kinds.add('object');
    };
    visit(type);
    return [...kinds].sort().join('|');
  }

  /** Compiles the generated types beside generated/graph.ts and reads the shape of each aliased pair. */
  function shapes(dir: string, pairs: ReadonlyArray<[string, string, string]>): Map<string, { oas: Shape | string[]; gen: Shape | string[] }> {
    const lines = [`import type { components } from './openapi';`, `import type * as G from ${JSON.stringify(join(packageRoot(), 'generated', 'graph'))};`];
    for (const [alias, schemaId, title] of pairs) lines.push(`export type OAS_${alias} = components['schemas'][${JSON.stringify(schemaId)}];`, `export type GEN_${alias} = G.${title};`);
    const file = join(dir, 'compare.ts');
    writeFileSync(file, lines.join('\n') + '\n');
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    const read = (name: string): Shape | string[] => {
      const alias = source?.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name);
      if (!alias) throw new Error(name);
      const type = checker.getTypeAtLocation(alias.name);
      // An enumeration: the union of its members' literal values.
      if (type.isUnion() && type.types.every((t) => t.isStringLiteral())) return type.types.map((t) => (t as ts.StringLiteralType).value).sort();
      return Object.fromEntries(checker.getPropertiesOfType(type).map((p) => [p.name, kindOf(checker, checker.getTypeOfSymbolAtLocation(p, alias))]));
    };
    return new Map(pairs.map(([alias]) => [alias, { oas: read(`OAS_${alias}`), gen: read(`GEN_${alias}`) }]));
  }

  test('agree with generated/graph.ts for every entity, complex and enum type: property names and kinds of value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockgraph-openapi-ts-'));
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(openApiDocument(graph)));
    const cli = join(packageRoot(), 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    execFileSync(process.execPath, [cli, join(dir, 'openapi.json'), '-o', join(dir, 'openapi.ts')], { stdio: 'pipe' });
    const title = (schemaId: string) => String(graph.files.find((f) => f.id === schemaId)?.schema.title);
    const named = [...graph.model.types, ...graph.model.enums].map((t, i): [string, string, string] => [`T${i}`, t.schemaId, title(t.schemaId)]);
    const compared = shapes(dir, named);
    for (const [alias, schemaId] of named) {
      const { oas, gen } = compared.get(alias) ?? { oas: [], gen: [] };
      expect([schemaId, oas]).toEqual([schemaId, gen]);
      expect(Array.isArray(oas) ? oas.length : Object.keys(oas).length).toBeGreaterThan(0);
    }
    expect(named.length).toBe(graph.model.types.length + graph.model.enums.length);
  }, 60_000);
});
