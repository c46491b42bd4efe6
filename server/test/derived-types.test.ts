import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createSqliteStore } from '../src/store/sqlite-store';
import type { EntityStore } from '../src/index';
import { CEILING, derivedSchemaDir, MOTION, SENSOR, SENSORS, SENSORS_PATH, THERMAL, VIRTUAL, WALL } from './derived-schemas';
import { AUTH, emptyStore, STORE_KINDS, TEST_ORIGIN, testApp } from './helpers';

const DIR = derivedSchemaDir();
const sensorsApp = (store: EntityStore, options: Parameters<typeof testApp>[0] = {}) => testApp({ schemaDirs: [DIR], store, ...options });

const thermal = {
  '@odata.type': `#${THERMAL}`,
  id: 'th-1',
  displayName: 'Boiler room',
  maxCelsius: 90,
  mounts: [
    { '@odata.type': `#${WALL}`, label: 'north wall', heightCm: 180 },
    { '@odata.type': `#${CEILING}`, label: 'centre', room: 'lab' },
  ],
};
const motion = { '@odata.type': `#${MOTION}`, id: 'mo-1', displayName: 'Lobby', zones: ['lobby', 'door'], sensitivity: 3, placement: { '@odata.type': `#${WALL}`, label: 'entrance', heightCm: 220 } };
const plain = { id: 'se-1', displayName: 'Spare', tags: ['stock'] };
const coldThermal = { '@odata.type': `#${THERMAL}`, id: 'th-2', displayName: 'Freezer', maxCelsius: -18, calibrated: true, mounts: [{ '@odata.type': `#${CEILING}`, room: 'kitchen' }] };

describe.each(STORE_KINDS)('derived entity and complex types (%s store)', (kind) => {
  let app: Express;
  const post = (body: object, path = SENSORS) => request(app).post(path).set(AUTH).send(body);
  const get = (path: string) => request(app).get(path).set(AUTH);
  const ids = async (query: string) => {
    const res = await get(`${SENSORS}?${query}`);
    if (res.status !== 200) throw new Error(`${query}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body.value as Array<{ id: string }>).map((e) => e.id);
  };
  const filter = (text: string) => ids(`$filter=${encodeURIComponent(text)}`);

  beforeEach(async () => {
    app = sensorsApp(emptyStore(kind));
    for (const body of [thermal, motion, plain, coldThermal]) expect((await post(body)).status).toBe(201);
  });

  test('a created entity of a derived type is answered as that type, with every property it declares', async () => {
    const res = await get(`${SENSORS}/th-1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      '@odata.context': `${TEST_ORIGIN}/beta/$metadata#${SENSORS_PATH}/$entity`,
      '@odata.type': `#${THERMAL}`,
      id: 'th-1',
      displayName: 'Boiler room',
      installedDateTime: null,
      tags: [],
      maxCelsius: 90,
      calibrated: null,
      mounts: [
        { '@odata.type': `#${WALL}`, label: 'north wall', heightCm: 180 },
        { '@odata.type': `#${CEILING}`, label: 'centre', room: 'lab' },
      ],
    });
  });

  test('the create answer is the same representation', async () => {
    const res = await post({ ...motion, id: 'mo-2' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ '@odata.type': `#${MOTION}`, zones: ['lobby', 'door'], sensitivity: 3, placement: { '@odata.type': `#${WALL}`, label: 'entrance', heightCm: 220 } });
    expect(JSON.stringify(res.body)).not.toContain('$type');
  });

  test('a list answers every entity as its own type; a base-type entity stays as before', async () => {
    const res = await get(SENSORS);
    expect(res.body.value.map((e: Record<string, unknown>) => e['@odata.type'])).toEqual([`#${THERMAL}`, `#${MOTION}`, `#${SENSOR}`, `#${THERMAL}`]);
    expect(res.body.value[2]).toEqual({ '@odata.type': `#${SENSOR}`, id: 'se-1', displayName: 'Spare', installedDateTime: null, tags: ['stock'] });
  });

  test('odata.metadata=none drops the control information and the recorded type', async () => {
    const res = await get(`${SENSORS}/th-1`).set('Accept', 'application/json;odata.metadata=none');
    expect(JSON.stringify(res.body)).not.toMatch(/@odata|\$type/);
    expect(res.body.mounts[1]).toEqual({ label: 'centre', room: 'lab' });
  });

  describe('create', () => {
    test("derived properties without the derived type's @odata.type are refused by the base type", async () => {
      const res = await post({ displayName: 'x', maxCelsius: 5 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Invalid request body: maxCelsius: property is not declared on ${SENSOR}.`);
    });

    test("the derived type's own request contract applies when schemas/requests has one", async () => {
      const res = await post({ '@odata.type': THERMAL, displayName: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('maxCelsius: required property is missing');
      expect((await post({ '@odata.type': `#${MOTION}`, displayName: 'no contract: the type schema' })).status).toBe(201);
    });

    test('a derived type validates against its own schema, not a sibling', async () => {
      const res = await post({ '@odata.type': `#${MOTION}`, maxCelsius: 5 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Invalid request body: maxCelsius: property is not declared on ${MOTION}.`);
    });

    test('an @odata.type that names no type derived from the set type is refused as before', async () => {
      for (const named of ['#microsoft.graph.ipSecurityProfile', '#microsoft.graph.noSuchType', `#${WALL}`]) {
        const res = await post({ '@odata.type': named, displayName: 'x' });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(`Invalid request body: body: @odata.type '${named}' does not name ${SENSOR} or a type derived from it.`);
      }
    });

    test('an abstract type cannot be created', async () => {
      const res = await post({ '@odata.type': `#${VIRTUAL}`, source: 'simulation' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Invalid request body: @odata.type: ${VIRTUAL} is an abstract type and cannot be created; no type derived from it can be created either.`);
    });

    test('nested complex values are validated by the derived type they name', async () => {
      const wrongProperty = await post({ ...thermal, id: 'th-9', mounts: [{ '@odata.type': `#${WALL}`, room: 'lab' }] });
      expect(wrongProperty.body.error.message).toBe(`Invalid request body: mounts[0].room: property is not declared on ${WALL}.`);
      const undeclared = await post({ ...thermal, id: 'th-9', mounts: [{ heightCm: 3 }] });
      expect(undeclared.body.error.message).toBe('Invalid request body: mounts[0].heightCm: property is not declared on microsoft.graph.mountPoint.');
      const foreign = await post({ ...thermal, id: 'th-9', mounts: [{ '@odata.type': `#${THERMAL}` }] });
      expect(foreign.body.error.message).toContain(`mounts[0]: @odata.type '#${THERMAL}' does not name microsoft.graph.mountPoint`);
    });

    test('a client cannot set the recorded type by sending it', async () => {
      const res = await post({ displayName: 'x', $type: THERMAL });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Invalid request body: $type: property is not declared on ${SENSOR}.`);
    });
  });

  describe('update', () => {
    const patch = (id: string, body: object) => request(app).patch(`${SENSORS}/${id}`).set(AUTH).send(body);

    test("PATCH is validated by the entity's own type and keeps it", async () => {
      expect((await patch('th-1', { maxCelsius: 95, calibrated: true })).status).toBe(204);
      expect((await get(`${SENSORS}/th-1`)).body).toMatchObject({ '@odata.type': `#${THERMAL}`, maxCelsius: 95, calibrated: true, mounts: thermal.mounts });
      const sibling = await patch('th-1', { zones: ['x'] });
      expect(sibling.status).toBe(400);
      expect(sibling.body.error.message).toBe(`Invalid request body: zones: property is not declared on ${THERMAL}.`);
      const onBase = await patch('se-1', { maxCelsius: 1 });
      expect(onBase.body.error.message).toBe(`Invalid request body: maxCelsius: property is not declared on ${SENSOR}.`);
    });

    test('a nested value of a derived type merges as that type; naming another type replaces it', async () => {
      expect((await patch('mo-1', { placement: { label: 'porch' } })).status).toBe(204);
      expect((await get(`${SENSORS}/mo-1`)).body.placement).toEqual({ '@odata.type': `#${WALL}`, label: 'porch', heightCm: 220 });
      expect((await patch('mo-1', { placement: { '@odata.type': `#${CEILING}`, room: 'hall' } })).status).toBe(204);
      expect((await get(`${SENSORS}/mo-1`)).body.placement).toEqual({ '@odata.type': `#${CEILING}`, label: null, room: 'hall' });
      const wrong = await patch('mo-1', { placement: { heightCm: 1 } });
      expect(wrong.body.error.message).toBe('Invalid request body: placement.heightCm: property is not declared on microsoft.graph.mountPoint.');
    });

    test('a collection of derived complex values is replaced with their types', async () => {
      expect((await patch('th-1', { mounts: [{ '@odata.type': WALL, heightCm: 10 }] })).status).toBe(204);
      expect((await get(`${SENSORS}/th-1`)).body.mounts).toEqual([{ '@odata.type': `#${WALL}`, label: null, heightCm: 10 }]);
    });
  });

  describe('$filter', () => {
    test.each([
      [`isof('${THERMAL}')`, ['th-1', 'th-2']],
      [`isof(${MOTION})`, ['mo-1']],
      [`isof('${SENSOR}')`, ['th-1', 'mo-1', 'se-1', 'th-2']],
      [`isof('microsoft.graph.entity')`, ['th-1', 'mo-1', 'se-1', 'th-2']],
      [`not isof('${THERMAL}')`, ['mo-1', 'se-1']],
      [`isof('microsoft.graph.ipSecurityProfile')`, []],
      [`isof('${THERMAL}') and displayName eq 'Freezer'`, ['th-2']],
      [`${MOTION}/zones/any(z: z eq 'lobby')`, ['mo-1']],
      [`${THERMAL}/maxCelsius gt 0`, ['th-1']],
      [`${THERMAL}/maxCelsius eq null`, ['mo-1', 'se-1']],
      [`${THERMAL}/mounts/any(m: isof(m, '${CEILING}'))`, ['th-1', 'th-2']],
      [`${THERMAL}/mounts/any(m: isof(m, '${WALL}'))`, ['th-1']],
      [`${THERMAL}/mounts/${CEILING}/any(m: m/room eq 'kitchen')`, ['th-2']],
      [`${THERMAL}/mounts/${WALL}/any()`, ['th-1']],
      [`${MOTION}/placement/${WALL}/heightCm ge 200`, ['mo-1']],
      [`isof(${MOTION}/placement, '${WALL}')`, ['mo-1']],
    ])('%s', async (text, expected) => {
      expect(await filter(text)).toEqual(expected);
    });

    test.each([
      ['maxCelsius gt 0', `Could not find a property named 'maxCelsius' on type '${SENSOR}'.`],
      [`isof('microsoft.graph.noSuchType')`, "The type 'microsoft.graph.noSuchType' is not defined in the model"],
      ['microsoft.graph.ipSecurityProfile/address eq null', `Encountered invalid type cast. 'microsoft.graph.ipSecurityProfile' is not assignable from '${SENSOR}'`],
      [`isof(displayName, '${THERMAL}')`, "The function 'isof' tests an entity or a single complex value, found Edm.String"],
      [`isof('${THERMAL}'`, "Syntax error in $filter"],
    ])('%s is a 400', async (text, message) => {
      const res = await get(`${SENSORS}?$filter=${encodeURIComponent(text)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });
  });

  describe('$select', () => {
    test('a derived property is selected with its type cast, for the entities of that type', async () => {
      const res = await get(`${SENSORS}?$select=displayName,${THERMAL}/maxCelsius`);
      expect(res.body['@odata.context']).toBe(`${TEST_ORIGIN}/beta/$metadata#${SENSORS_PATH}(displayName,${THERMAL}/maxCelsius)`);
      expect(res.body.value[0]).toEqual({ '@odata.type': `#${THERMAL}`, id: 'th-1', displayName: 'Boiler room', maxCelsius: 90 });
      expect(res.body.value[1]).toEqual({ '@odata.type': `#${MOTION}`, id: 'mo-1', displayName: 'Lobby' });
      expect((await get(`${SENSORS}/mo-1?$select=${MOTION}/zones`)).body).toMatchObject({ '@odata.type': `#${MOTION}`, id: 'mo-1', zones: ['lobby', 'door'] });
    });

    test('a derived property without its cast is a 400 that shows the cast', async () => {
      const res = await get(`${SENSORS}?$select=maxCelsius`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(`Could not find a property named 'maxCelsius' on type '${SENSOR}'. It is a property of the derived type ${THERMAL}: select it with its type cast, e.g. $select=${THERMAL}/maxCelsius.`);
    });
  });

  describe('a type-cast collection: /{set}/{derived type}', () => {
    test('lists only the entities of that type, whose properties the query options address directly', async () => {
      const res = await get(`${SENSORS}/${THERMAL}?$filter=maxCelsius lt 0&$select=maxCelsius`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        '@odata.context': `${TEST_ORIGIN}/beta/$metadata#${SENSORS_PATH}/${THERMAL}(maxCelsius)`,
        value: [{ '@odata.type': `#${THERMAL}`, id: 'th-2', maxCelsius: -18 }],
      });
      expect((await get(`${SENSORS}/${THERMAL.toUpperCase()}`)).body.value.map((e: { id: string }) => e.id)).toEqual(['th-1', 'th-2']);
      expect((await get(`${SENSORS}/${SENSOR}`)).body.value).toHaveLength(4);
    });

    test('counts them, pages through them, and is read-only', async () => {
      expect((await get(`${SENSORS}/${MOTION}/$count`)).text).toBe('1');
      const paged = sensorsApp(emptyStore(kind), { pageSize: 1 });
      for (const body of [thermal, motion, coldThermal]) await request(paged).post(SENSORS).set(AUTH).send(body);
      const first = await request(paged).get(`${SENSORS}/${THERMAL}`).set(AUTH);
      expect(first.body.value.map((e: { id: string }) => e.id)).toEqual(['th-1']);
      expect(first.body['@odata.nextLink']).toMatch(new RegExp(`^${TEST_ORIGIN}/beta/${SENSORS_PATH}/${THERMAL}\\?\\$skiptoken=`));
      const second = await request(paged).get(new URL(first.body['@odata.nextLink']).pathname + new URL(first.body['@odata.nextLink']).search).set(AUTH);
      expect(second.body.value.map((e: { id: string }) => e.id)).toEqual(['th-2']);
      const created = await post(coldThermal, `${SENSORS}/${THERMAL}`);
      expect(created.status).toBe(405);
      expect(created.headers.allow).toBe('GET');
    });

    test('a type that does not derive from the set type is read as a key; a segment after the cast is a 400', async () => {
      expect((await get(`${SENSORS}/microsoft.graph.ipSecurityProfile`)).status).toBe(404);
      const res = await get(`${SENSORS}/${THERMAL}/th-1`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`after the type cast '${THERMAL}' is not supported`);
    });
  });
});

describe('derived types in seeds and in the SQLite data file', () => {
  test('a seed record of a derived type is validated and stored as that type', async () => {
    const app = sensorsApp(emptyStore(), { seed: { [SENSORS_PATH]: [coldThermal] } });
    expect((await request(app).get(`${SENSORS}/th-2`).set(AUTH)).body).toMatchObject({ '@odata.type': `#${THERMAL}`, maxCelsius: -18, mounts: [{ '@odata.type': `#${CEILING}`, room: 'kitchen' }] });
    expect(() => sensorsApp(emptyStore(), { seed: { [SENSORS_PATH]: [{ '@odata.type': `#${VIRTUAL}` }] } })).toThrow(`record [0]: @odata.type: ${VIRTUAL} is an abstract type`);
  });

  test('the recorded types survive a restart on the same data file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mockgraph-derived-')), 'data.db');
    const first = createSqliteStore(file);
    const before = sensorsApp(first);
    for (const body of [thermal, motion]) expect((await request(before).post(SENSORS).set(AUTH).send(body)).status).toBe(201);
    first.close();
    const second = createSqliteStore(file);
    const after = sensorsApp(second);
    const res = await request(after).get(`${SENSORS}?$filter=${encodeURIComponent(`isof('${THERMAL}')`)}`).set(AUTH);
    expect(res.body.value).toEqual([
      { '@odata.type': `#${THERMAL}`, id: 'th-1', displayName: 'Boiler room', installedDateTime: null, tags: [], maxCelsius: 90, calibrated: null, mounts: thermal.mounts },
    ]);
    expect((await request(after).get(`${SENSORS}/mo-1`).set(AUTH)).body.placement['@odata.type']).toBe(`#${WALL}`);
    second.close();
  });
});
