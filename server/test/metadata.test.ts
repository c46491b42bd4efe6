import { XMLParser, XMLValidator } from 'fast-xml-parser';
import request from 'supertest';
import { setExamples } from '../src/describe/openapi-examples';
import { exampleSeed, prepareSeeds } from '../src/graph/seed';
import type { EntitySetModel, GraphModel } from '../src/graph/model';
import { loadGraphDefinition } from '../src/index';
import { NOTE_TYPE, notesSchemaDir } from './extra-schemas';
import { AUTH, TEST_ORIGIN, testApp } from './helpers';

const graph = loadGraphDefinition();
const { model } = graph;
const BETA_SETS = model.entitySets.filter((s) => s.versions.includes('beta'));

type Node = Record<string, unknown>;
const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : value === undefined ? [] : [value as Node]);

interface CsdlType {
  kind: 'EntityType' | 'ComplexType';
  node: Node;
}

/** The parts of a CSDL document these tests compare: types by qualified name, enums, the container, operations. */
interface Csdl {
  root: Node;
  schemas: Node[];
  types: Map<string, CsdlType>;
  enums: Map<string, Node>;
  container: Node;
  operations: Node[];
}

function readCsdl(xml: string): Csdl {
  expect(XMLValidator.validate(xml)).toBe(true);
  const root = (new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(xml) as { 'edmx:Edmx': Node })['edmx:Edmx'];
  const schemas = list((root['edmx:DataServices'] as Node).Schema);
  const types = new Map<string, CsdlType>();
  const enums = new Map<string, Node>();
  const operations: Node[] = [];
  let container: Node = {};
  for (const schema of schemas) {
    const ns = String(schema.Namespace);
    for (const kind of ['EntityType', 'ComplexType'] as const) for (const node of list(schema[kind])) types.set(`${ns}.${String(node.Name)}`, { kind, node });
    for (const node of list(schema.EnumType)) enums.set(`${ns}.${String(node.Name)}`, node);
    operations.push(...list(schema.Action), ...list(schema.Function));
    if (schema.EntityContainer) container = schema.EntityContainer as Node;
  }
  return { root, schemas, types, enums, container, operations };
}

/** A type's declared properties along its base chain, base first, as [name, Type, Nullable]. */
function allProperties(csdl: Csdl, name: string): Array<[string, string, string | undefined]> {
  const t = csdl.types.get(name);
  if (!t) return [];
  const base = t.node.BaseType ? allProperties(csdl, String(t.node.BaseType)) : [];
  return [...base, ...list(t.node.Property).map((p): [string, string, string | undefined] => [String(p.Name), String(p.Type), p.Nullable as string | undefined])];
}

function navigation(csdl: Csdl, typeName: string, name: string): Node | undefined {
  for (let t = csdl.types.get(typeName); t; t = t.node.BaseType ? csdl.types.get(String(t.node.BaseType)) : undefined) {
    const nav = list(t.node.NavigationProperty).find((n) => n.Name === name);
    if (nav) return nav;
  }
  return undefined;
}

/** Follows an entity-set path from the container: EntitySet or Singleton, then navigation properties. */
function resolvePath(csdl: Csdl, segments: readonly string[]): { type: string; collection: boolean; containsTarget: boolean } | undefined {
  const [first = '', ...rest] = segments;
  const set = list(csdl.container.EntitySet).find((s) => s.Name === first);
  const singleton = list(csdl.container.Singleton).find((s) => s.Name === first);
  let current = set ? { type: String(set.EntityType), collection: true, containsTarget: false } : singleton ? { type: String(singleton.Type), collection: false, containsTarget: false } : undefined;
  for (const segment of rest) {
    if (!current || current.collection) return undefined;
    const nav = navigation(csdl, current.type, segment);
    if (!nav) return undefined;
    const m = /^Collection\((.+)\)$/.exec(String(nav.Type));
    current = { type: m?.[1] ?? String(nav.Type), collection: m !== null, containsTarget: nav.ContainsTarget === 'true' };
  }
  return current;
}

/** Whether a `$metadata#…` fragment names something the CSDL declares. @see OData JSON Format v4.01 §10 */
function resolveFragment(csdl: Csdl, fragment: string): boolean {
  if (fragment === '$ref' || fragment === 'Collection($ref)') return true;
  const typed = /^(?:Collection\((.+)\)|([A-Za-z_][\w.]*\.[A-Za-z_]\w*))$/.exec(fragment);
  const typeName = typed?.[1] ?? typed?.[2];
  if (typeName !== undefined) return csdl.types.has(typeName) || csdl.enums.has(typeName) || typeName.startsWith('Edm.');
  const entity = fragment.endsWith('/$entity');
  const segments = (entity ? fragment.slice(0, -'/$entity'.length) : fragment).split('/');
  const last = segments[segments.length - 1] ?? '';
  const select = /^([^(]+)\(([^)]*)\)$/.exec(last);
  if (select) segments[segments.length - 1] = select[1] ?? '';
  const target = resolvePath(csdl, segments);
  if (!target?.collection) return false;
  const properties = new Set(allProperties(csdl, target.type).map(([name]) => name));
  return (select?.[2] ?? '').split(',').filter(Boolean).every((p) => properties.has(p));
}

function expectEnumsMatch(csdl: Csdl, graphModel: GraphModel): void {
  for (const e of graphModel.enums) {
    const members = list(csdl.enums.get(e.name)?.Member).map((m) => [m.Name, m.Value]);
    expect([e.name, members]).toEqual([e.name, e.members.map((m, i) => [m, String(i)])]);
  }
  expect(csdl.enums.size).toBe(graphModel.enums.length);
}

/** Every structured type: kind (keyed: entity), base type, abstract, open, key, and each property's type, collection-ness and nullability. */
function expectTypesMatch(csdl: Csdl, graphModel: GraphModel): void {
  for (const t of graphModel.types) {
    const declared = csdl.types.get(t.name);
    expect([t.name, declared?.kind]).toEqual([t.name, t.key === undefined ? 'ComplexType' : 'EntityType']);
    const node = declared?.node ?? {};
    expect([t.name, node.BaseType, node.Abstract === 'true', node.OpenType === 'true']).toEqual([t.name, t.baseType, t.abstract, t.open]);
    expect([t.name, allProperties(csdl, t.name)]).toEqual([t.name, t.properties.map((p) => [p.name, p.collection ? `Collection(${p.type})` : p.type, p.nullable ? undefined : 'false'])]);
    let keyOwner = declared;
    while (keyOwner?.node.BaseType && !keyOwner.node.Key) keyOwner = csdl.types.get(String(keyOwner.node.BaseType));
    const key = list((keyOwner?.node.Key as Node | undefined)?.PropertyRef).map((r) => r.Name);
    expect([t.name, key]).toEqual([t.name, t.key === undefined ? [] : [t.key]]);
  }
  // Besides the model's types, only those of the singletons the entity-set paths start at.
  const singletonTypes = new Set(list(csdl.container.Singleton).map((s) => String(s.Type)));
  expect([...csdl.types.keys()].filter((n) => !graphModel.resolveType(n) && !singletonTypes.has(n))).toEqual([]);
}

/** Every entity set: reachable from the container along its path, of its entity type, a containment below a singleton. */
function expectSetsMatch(csdl: Csdl, sets: readonly EntitySetModel[]): void {
  for (const set of sets) {
    expect([set.path, resolvePath(csdl, set.segments)]).toEqual([set.path, { type: set.entityType, collection: true, containsTarget: set.segments.length > 1 && set.containment }]);
  }
}

async function metadata(version = 'beta'): Promise<Csdl> {
  const res = await request(testApp()).get(`/${version}/$metadata`).expect(200);
  return readCsdl(res.text);
}

describe('GET /{version}/$metadata', () => {
  test('answers CSDL XML without a token, with OData-Version, a strong ETag and revalidation', async () => {
    const res = await request(testApp()).get('/beta/$metadata').expect(200);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const csdl = readCsdl(res.text);
    expect(res.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(csdl.root.Version).toBe('4.0');
    expect(csdl.schemas.map((s) => s.Namespace)).toEqual(['microsoft.graph']);
  });

  test.each([['application/xml'], ['*/*'], [''], ['application/json']])('answers XML for Accept %j (there is no JSON CSDL)', async (accept) => {
    const res = await request(testApp()).get('/beta/$metadata').set('Accept', accept).expect(200);
    expect(res.headers['content-type']).toBe('application/xml');
  });

  test('HEAD has the headers without the body; If-None-Match with the ETag gives 304; other methods 405', async () => {
    const app = testApp();
    const get = await request(app).get('/v1.0/$metadata').expect(200);
    const head = await request(app).head('/v1.0/$metadata').expect(200);
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.text)));
    expect(head.text ?? '').toBe('');
    const etag = String(get.headers.etag);
    await request(app).get('/v1.0/$metadata').set('If-None-Match', etag).expect(304);
    await request(app).get('/v1.0/$metadata').set('If-None-Match', `"other", W/${etag}`).expect(304);
    await request(app).get('/v1.0/$metadata').set('If-None-Match', '"other"').expect(200);
    const post = await request(app).post('/beta/$metadata').set(AUTH).expect(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(post.body.error.code).toBe('MethodNotAllowed');
  });

  test('each version root declares only the entity sets it serves', async () => {
    for (const version of ['beta', 'v1.0']) {
      const csdl = await metadata(version);
      for (const set of model.entitySets) expect([version, set.path, resolvePath(csdl, set.segments) !== undefined]).toEqual([version, set.path, set.versions.includes(version)]);
    }
  });

  test('declares every enum type of the model, its members in order with their values', async () => {
    expectEnumsMatch(await metadata(), model);
  });

  test('declares every structured type of the model: kind, base type, abstract, open, key and every property', async () => {
    expectTypesMatch(await metadata(), model);
  });

  test('declares every entity set of the version as containment along its path, with its entity type', async () => {
    expectSetsMatch(await metadata(), model.entitySets.filter((s) => s.versions.includes('beta')));
  });

  test('does the same for the types and sets of --schemas folders', async () => {
    const extra = loadGraphDefinition([notesSchemaDir()]);
    const res = await request(testApp({ schemaDirs: [notesSchemaDir()] })).get('/beta/$metadata').expect(200);
    const csdl = readCsdl(res.text);
    expect(csdl.types.has(NOTE_TYPE)).toBe(true);
    expectEnumsMatch(csdl, extra.model);
    expectTypesMatch(csdl, extra.model);
    expectSetsMatch(csdl, extra.model.entitySets);
  });

  test('declares every bound operation with its binding parameter, parameters and return type', async () => {
    const csdl = await metadata();
    for (const set of BETA_SETS) {
      for (const op of set.operations) {
        const binding = op.bindsTo === 'collection' ? `Collection(${set.entityType})` : set.entityType;
        const declared = csdl.operations.find((o) => o.Name === op.name && list(o.Parameter)[0]?.Type === binding);
        expect([op.name, declared?.IsBound]).toEqual([op.name, 'true']);
        const schema = graph.files.find((f) => f.id === op.parameters)?.schema;
        const expected = Object.entries(schema?.properties ?? {}).map(([name, p]) => [name, p['x-edmType']]);
        expect(list(declared?.Parameter).map((p) => [p.Name, p.Type])).toEqual([['bindingParameter', binding], ...expected]);
        const returns = op.returns ? (op.returns.collection ? `Collection(${op.returns.type})` : op.returns.type) : undefined;
        expect((declared?.ReturnType as Node | undefined)?.Type).toBe(returns);
      }
    }
  });

  test("states the facts of Graph's beta metadata for ipSecurityProfile", async () => {
    const csdl = await metadata();
    const profile = csdl.types.get('microsoft.graph.ipSecurityProfile')?.node ?? {};
    expect(profile.OpenType).toBe('true');
    expect(profile.BaseType).toBe('microsoft.graph.entity');
    expect(allProperties(csdl, 'microsoft.graph.ipSecurityProfile').filter(([, , nullable]) => nullable === 'false').map(([n]) => n)).toEqual(['id', 'azureTenantId']);
    expect(allProperties(csdl, 'microsoft.graph.ipReferenceData').find(([n]) => n === 'asn')).toEqual(['asn', 'Edm.Int64', undefined]);
    expect(list(csdl.container.Singleton)).toContainEqual({ Name: 'security', Type: 'microsoft.graph.security' });
    expect(navigation(csdl, 'microsoft.graph.security', 'ipSecurityProfiles')).toEqual({ Name: 'ipSecurityProfiles', Type: 'Collection(microsoft.graph.ipSecurityProfile)', ContainsTarget: 'true' });
  });
});

describe('@odata.context of every response resolves against $metadata', () => {
  /** Every context URL the server writes for one set: collections, entities, $select, $ref, creates, updates, operations. */
  async function contextsOf(app: ReturnType<typeof testApp>, set: EntitySetModel): Promise<string[]> {
    const type = model.resolveType(set.entityType);
    if (!type) throw new Error(set.entityType);
    const examples = setExamples(graph, set, type, new Map(), 'doc');
    const base = `/beta/${set.path}`;
    const seeded = await request(app).get(`${base}?$top=1`).set(AUTH).expect(200);
    const id: string = (seeded.body.value as Array<{ id: string }>)[0]?.id ?? (await request(app).post(base).set(AUTH).send({ ...examples.create, id: examples.id }).expect(201)).body.id;
    const property = type.properties.find((p) => p.name !== type.key)?.name ?? 'id';
    const paths = [base, `${base}?$select=${property}`, `${base}/$ref`, `${base}/${id}`, `${base}/${id}?$select=${property}`, `${base}/${id}/$ref`];
    const bodies = await Promise.all(paths.map(async (p) => (await request(app).get(p).set(AUTH).expect(200)).body as Record<string, unknown>));
    if (set.methods.collection.includes('POST')) bodies.push((await request(app).post(base).set(AUTH).send(examples.create).expect(201)).body);
    if (set.methods.entity.includes('PATCH')) bodies.push((await request(app).patch(`${base}/${id}`).set(AUTH).set('Prefer', 'return=representation').send(examples.update).expect(200)).body);
    for (const op of set.operations.filter((o) => o.bindsTo === 'collection' && o.method === 'POST')) {
      const example = graph.files.find((f) => f.id === op.parameters)?.schema.examples;
      const res = await request(app).post(`${base}/${op.name}`).set(AUTH).send(Array.isArray(example) ? (example[0] as object) : {});
      if (res.status < 300 && res.body) bodies.push(res.body as Record<string, unknown>);
    }
    return bodies.map((b) => b['@odata.context']).filter((c): c is string => typeof c === 'string');
  }

  test('for every served set: collection, entity, $select, $entity, $ref and operation results', async () => {
    const csdl = await metadata();
    const app = testApp({ seed: Object.fromEntries(prepareSeeds(exampleSeed(graph, 'doc'), graph, 'doc')) as Record<string, unknown[]> });
    const contexts = (await Promise.all(BETA_SETS.map((set) => contextsOf(app, set)))).flat();
    const prefix = `${TEST_ORIGIN}/beta/$metadata#`;
    expect(contexts.filter((c) => !c.startsWith(prefix))).toEqual([]);
    const fragments = contexts.map((c) => c.slice(prefix.length));
    expect(fragments.filter((f) => !resolveFragment(csdl, f))).toEqual([]);
    // Each kind of fragment was seen: a collection, a $select list, an entity, references and an operation result.
    for (const kind of [/^[^()]+$/, /\(.+\)$/, /\/\$entity$/, /^\$ref$/, /^Collection\(\$ref\)$/, /^Collection\(microsoft\.graph\.\w+\)$/]) expect(fragments.some((f) => kind.test(f))).toBe(true);
  });

  test('and an unknown fragment does not (the resolver is not a rubber stamp)', async () => {
    const csdl = await metadata();
    for (const bad of ['security/nothing', 'nothing/ipSecurityProfiles', 'security/ipSecurityProfiles(noSuchProperty)', 'microsoft.graph.nothing', 'security']) expect([bad, resolveFragment(csdl, bad)]).toEqual([bad, false]);
  });
});
