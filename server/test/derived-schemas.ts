import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The entity set of the derived-type tests: one set of a base entity type whose entities are of derived types. */
export const SENSORS_PATH = 'facilities/sensorDevices';
/** Its URL under the version root. */
export const SENSORS = `/beta/${SENSORS_PATH}`;

/** The set's entity type: a concrete base type (closed, so derived properties are refused on it). */
export const SENSOR = 'microsoft.graph.sensorDevice';
/** A derived entity type with a collection of mount points; the only one with a request contract (maxCelsius required). */
export const THERMAL = 'microsoft.graph.thermalSensor';
/** A derived entity type with a single mount point. */
export const MOTION = 'microsoft.graph.motionSensor';
/** An abstract derived entity type. */
export const VIRTUAL = 'microsoft.graph.virtualSensor';
/** The base complex type. */
export const MOUNT = 'microsoft.graph.mountPoint';
/** A complex type derived from MOUNT. */
export const WALL = 'microsoft.graph.wallMount';
/** Another complex type derived from MOUNT. */
export const CEILING = 'microsoft.graph.ceilingMount';

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';
const ODATA_TYPE = { '@odata.type': { type: 'string' } };
const text = { type: ['string', 'null'], 'x-edmType': 'Edm.String' };
const int32 = { type: ['integer', 'null'], 'x-edmType': 'Edm.Int32', minimum: -2147483648, maximum: 2147483647 };
const strings = { type: 'array', items: { type: ['string', 'null'] }, 'x-edmType': 'Collection(Edm.String)' };

/** A closed structured type; `base` makes it a derived one. */
function typeSchema(id: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}, base?: string): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    $id: id,
    $comment: 'Test-only: derived entity and complex types served in one entity set.',
    type: 'object',
    ...(base ? { allOf: [{ $ref: base }], 'x-baseType': base } : {}),
    'x-odataType': id,
    ...extra,
    properties: { ...ODATA_TYPE, ...properties },
    additionalProperties: false,
  };
}

/** The schemas by file name: a base entity type, three derived ones (one abstract), a base complex type and two derived ones. */
const SCHEMAS: Record<string, Record<string, unknown>> = {
  'sensorDevice.schema.json': typeSchema(
    SENSOR,
    {
      id: { type: 'string', 'x-edmType': 'Edm.String', readOnly: true },
      displayName: text,
      installedDateTime: { type: ['string', 'null'], format: 'date-time', 'x-edmType': 'Edm.DateTimeOffset' },
      tags: strings,
    },
    { 'x-entitySet': { path: SENSORS_PATH, containment: true, versions: ['beta'], permissions: { read: ['Sensors.Read.All'], write: ['Sensors.ReadWrite.All'] } } },
    'microsoft.graph.entity',
  ),
  'thermalSensor.schema.json': typeSchema(
    THERMAL,
    { maxCelsius: int32, calibrated: { type: ['boolean', 'null'], 'x-edmType': 'Edm.Boolean' }, mounts: { type: 'array', items: { anyOf: [{ $ref: MOUNT }, { type: 'null' }] }, 'x-edmType': `Collection(${MOUNT})` } },
    {},
    SENSOR,
  ),
  'motionSensor.schema.json': typeSchema(
    MOTION,
    { zones: strings, sensitivity: int32, placement: { anyOf: [{ $ref: MOUNT }, { type: 'null' }], 'x-edmType': MOUNT } },
    {},
    SENSOR,
  ),
  'virtualSensor.schema.json': typeSchema(VIRTUAL, { source: text }, { 'x-abstract': true }, SENSOR),
  'mountPoint.schema.json': typeSchema(MOUNT, { label: text }),
  'wallMount.schema.json': typeSchema(WALL, { heightCm: int32 }, {}, MOUNT),
  'ceilingMount.schema.json': typeSchema(CEILING, { room: text }, {}, MOUNT),
};

/** A create contract of the documentation's profile for the thermal sensor only: it requires maxCelsius. */
const REQUESTS: Record<string, Record<string, unknown>> = {
  'thermalSensor.create.doc.schema.json': {
    $schema: SCHEMA,
    $id: 'mockgraph.requests.thermalSensor.create.doc',
    type: 'object',
    allOf: [{ $ref: THERMAL }],
    required: ['maxCelsius'],
    additionalProperties: true,
  },
};

/** A fresh `--schemas` folder holding the sensor types. */
export function derivedSchemaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-derived-'));
  mkdirSync(join(dir, 'graph'));
  mkdirSync(join(dir, 'requests'));
  for (const [name, schema] of Object.entries(SCHEMAS)) writeFileSync(join(dir, 'graph', name), JSON.stringify(schema, null, 2));
  for (const [name, schema] of Object.entries(REQUESTS)) writeFileSync(join(dir, 'requests', name), JSON.stringify(schema, null, 2));
  return dir;
}
