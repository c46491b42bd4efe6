import request from 'supertest';
import { SeedError } from '../src/graph/seed';
import { createMemoryStore } from '../src/index';
import { NOTE_EXAMPLE, NOTES, NOTES_PATH, notesSchemaDir } from './extra-schemas';
import { AUTH, COLLECTION, docExampleBody, graphErrorProblems, testApp } from './helpers';

const PROFILES_PATH = 'security/ipSecurityProfiles';
const JSON_TYPE = { 'Content-Type': 'application/json' } as const;
const dir = notesSchemaDir();
const note = (over: Record<string, unknown> = {}) => ({ ...NOTE_EXAMPLE, ...over });
const keyed = () => ({ [PROFILES_PATH]: [{ ...docExampleBody(), id: 'profile-seed' }], [NOTES_PATH]: [note({ id: 'note-seed' })] });
const app = (options: Parameters<typeof testApp>[0] = {}) => testApp({ schemaDirs: [dir], seed: keyed(), ...options });
const ids = async (a: ReturnType<typeof testApp>, path: string) => ((await request(a).get(path).set(AUTH)).body.value as Array<{ id: string }>).map((e) => e.id);

describe('seed data per entity set', () => {
  test('a seed keyed by entity-set path fills each set with its own records', async () => {
    const a = app();
    expect(await ids(a, COLLECTION)).toEqual(['profile-seed']);
    expect(await ids(a, NOTES)).toEqual(['note-seed']);
  });

  test('an array seed goes to the only entity set, or by each record’s @odata.type when there are several', async () => {
    expect(await ids(testApp({ seed: [{ ...docExampleBody(), id: 'only-set' }] }), COLLECTION)).toEqual(['only-set']);
    const a = testApp({ schemaDirs: [dir], seed: [note({ id: 'n1' }), { ...docExampleBody(), id: 'p1' }, note({ id: 'n2', '@odata.type': 'microsoft.graph.THREATNOTE' })] });
    expect(await ids(a, COLLECTION)).toEqual(['p1']);
    expect(await ids(a, NOTES)).toEqual(['n1', 'n2']);
  });

  test('an array whose records do not name their type, with several sets, asks for a file keyed by entity-set path', () => {
    const { '@odata.type': _type, ...untyped } = docExampleBody();
    expect(() => testApp({ schemaDirs: [dir], seed: [untyped] })).toThrow(SeedError);
    expect(() => testApp({ schemaDirs: [dir], seed: [untyped] })).toThrow(/^record \[0\]: mockgraph serves \d+ entity sets \(security\/ipSecurityProfiles, [^)]*security\/threatNotes[^)]*\) .*give a seed keyed by entity-set path/);
  });

  test('an unknown entity-set path is an error naming it; paths match without regard to case or slashes', async () => {
    expect(() => app({ seed: { 'security/nope': [] } })).toThrow(/'security\/nope' is not an entity set of this service \(the entity sets are: security\/ipSecurityProfiles, [^)]*security\/threatNotes/);
    expect(await ids(app({ seed: { '/Security/ThreatNotes': [note({ id: 'cased' })] } }), NOTES)).toEqual(['cased']);
  });

  test("each record is validated against its own set's entity type, and the error names the set and the record", () => {
    expect(() => app({ seed: { [NOTES_PATH]: [note(), note({ id: 'x', severity: 'high' })] } })).toThrow('security/threatNotes: record [1]: severity: expected Int32 or null, got string.');
    // A profile is not a note: its properties are not declared on the note type.
    expect(() => app({ seed: { [NOTES_PATH]: [docExampleBody()] } })).toThrow(/^security\/threatNotes: record \[0\]: /);
  });

  test('start-up quota checks count each set by its own seed, also the seed a reset would store', () => {
    expect(() => app({ maxEntities: 1, seed: { [NOTES_PATH]: [note({ id: 'a' }), note({ id: 'b' })] } })).toThrow('over a storage limit: security/threatNotes holds 2 entities');
    expect(() => app({ maxEntities: 1 })).not.toThrow();
    // A store that holds a note already is not seeded, but a reset would store both.
    const store = createMemoryStore();
    store.collection(NOTES_PATH).insert({ id: 'kept' });
    expect(() => app({ store, maxEntities: 1, seed: { [NOTES_PATH]: [note({ id: 'a' }), note({ id: 'b' })] } })).toThrow('the seed is over a storage limit: security/threatNotes holds 2 entities');
  });

  test('reset puts every set back to its own seed', async () => {
    const a = app();
    await request(a).delete(`${COLLECTION}/profile-seed`).set(AUTH);
    await request(a).patch(`${NOTES}/note-seed`).set(AUTH).send({ title: 'changed' });
    await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send(note({ id: 'extra' }));
    const reset = await request(a).post('/_mockgraph/reset').set(JSON_TYPE);
    expect(reset.body).toEqual({ profiles: 2 });
    expect(await ids(a, COLLECTION)).toEqual(['profile-seed']);
    expect((await request(a).get(NOTES).set(AUTH)).body.value.map((n: { id: string; title: string }) => [n.id, n.title])).toEqual([['note-seed', NOTE_EXAMPLE.title]]);
  });
});

describe('admin API per entity set', () => {
  test('health reports the count of every set, and their total as profiles', async () => {
    const a = app();
    await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send([note({ id: 'a' }), note({ id: 'b' })]);
    const health = await request(a).get('/_mockgraph/health');
    expect(health.body).toMatchObject({ profiles: 4, entitySets: { [PROFILES_PATH]: 1, [NOTES_PATH]: 3 } });
  });

  test('GET /entities?set= pages one set; without set it is the first; /profiles still lists every set', async () => {
    const a = app();
    await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send([note({ id: 'a' }), note({ id: 'b' })]);
    const page = await request(a).get(`/_mockgraph/entities?set=${NOTES_PATH}&limit=2&offset=1`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ set: NOTES_PATH, total: 3, offset: 1, limit: 2, revision: expect.any(Number) });
    expect(page.body.value.map((e: { id: string }) => e.id)).toEqual(['a', 'b']);
    expect((await request(a).get('/_mockgraph/entities')).body).toMatchObject({ set: PROFILES_PATH, total: 1 });
    expect((await request(a).get('/_mockgraph/profiles')).body.total).toBe(4);
    const unknown = await request(a).get('/_mockgraph/entities?set=security/nope');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ResourceNotFound']);
    expect(unknown.body.error.message).toContain('security/threatNotes');
    expect((await request(a).get('/_mockgraph/entities?limit=501')).status).toBe(400);
  });

  test('POST /entities/{set} creates in a set whose pages document no POST: 201 with what was stored', async () => {
    const a = app();
    const graph = await request(a).post(NOTES).set(AUTH).send(note({ id: 'via-graph' }));
    expect([graph.status, graph.headers.allow]).toEqual([405, 'GET']);
    const one = await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send({ title: 'no id given', city: 'Lima' });
    expect(one.status).toBe(201);
    expect(one.body).toEqual({ id: expect.stringMatching(/^id-\d+$/), title: 'no id given', city: 'Lima', severity: null, createdDateTime: null, tags: [] });
    const many = await request(a).post('/_mockgraph/entities/Security/ThreatNotes').set(JSON_TYPE).send([note({ id: 'm1' }), note({ id: 'm2' })]);
    expect([many.status, many.body.value.map((e: { id: string }) => e.id)]).toEqual([201, ['m1', 'm2']]);
    expect(await ids(a, NOTES)).toEqual(['note-seed', one.body.id, 'm1', 'm2']);
    expect((await request(a).get(`${NOTES}/m2`).set(AUTH)).body).toMatchObject({ '@odata.type': '#microsoft.graph.threatNote', title: NOTE_EXAMPLE.title });
  });

  test("an array is created all or nothing: a bad item is a 400 naming it, under the set's create contract", async () => {
    const a = app();
    const res = await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send([note({ id: 'fine' }), note({ id: 'bad', severity: 'high' })]);
    expect([res.status, res.body.error.message]).toEqual([400, 'Invalid request body: [1]: severity: expected Int32 or null, got string.']);
    expect(graphErrorProblems(res.body)).toEqual([]);
    const taken = await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send([note({ id: 'new' }), note({ id: 'note-seed' })]);
    expect([taken.status, taken.body.error.code]).toEqual([409, 'Conflict']);
    expect(await ids(a, NOTES)).toEqual(['note-seed']);
  });

  test('admin creates obey the quotas: 507 and nothing stored', async () => {
    const a = app({ maxEntities: 2 });
    const res = await request(a).post(`/_mockgraph/entities/${NOTES_PATH}`).set(JSON_TYPE).send([note({ id: 'fits' }), note({ id: 'over' })]);
    expect([res.status, res.body.error.code]).toEqual([507, 'quotaLimitReached']);
    expect(res.body.error.message).toContain("[1]: Insufficient storage: the entity set 'security/threatNotes' already holds 2 entities");
    expect(await ids(a, NOTES)).toEqual(['note-seed']);
  });

  test('admin creates sit behind the admin token and the cross-site checks, like reset', async () => {
    const locked = app({ adminToken: 'admin-secret-for-tests' });
    const path = `/_mockgraph/entities/${NOTES_PATH}`;
    expect((await request(locked).post(path).set(JSON_TYPE).send(note({ id: 'x' }))).status).toBe(401);
    expect((await request(locked).post(path).set(AUTH).send(note({ id: 'x' }))).status).toBe(401);
    expect((await request(locked).post(path).set('Authorization', 'Bearer admin-secret-for-tests').send(note({ id: 'x' }))).status).toBe(201);
    const open = app();
    expect((await request(open).post(path).set(JSON_TYPE).set('Origin', 'https://evil.example').send(note({ id: 'y' }))).status).toBe(403);
    expect((await request(open).post(path).set('Content-Type', 'text/plain').send('{}')).status).toBe(400);
    expect((await request(app({ adminLocked: true })).post(path).set(JSON_TYPE).send(note({ id: 'z' }))).status).toBe(403);
    const unknown = await request(open).post('/_mockgraph/entities/security/nope').set(JSON_TYPE).send({});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ResourceNotFound']);
    expect(await ids(open, NOTES)).toEqual(['note-seed']);
  });
});
