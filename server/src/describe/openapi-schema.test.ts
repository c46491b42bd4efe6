import type { JsonSchema } from '../graph/schema-files';
import { toOpenApiSchema } from './openapi-schema';

const index = new Map<string, JsonSchema>([
  ['microsoft.graph.thing', { type: 'object' }],
  ['microsoft.graph.level', { type: 'string', enum: ['low', 'high'] }],
]);
const convert = (schema: unknown) => toOpenApiSchema(schema, index);

describe('JSON Schema 2020-12 to an OpenAPI 3.0 Schema Object', () => {
  test('type arrays with null become nullable; several types an anyOf', () => {
    expect(convert({ type: ['string', 'null'], format: 'date-time' })).toEqual({ type: 'string', format: 'date-time', nullable: true });
    expect(convert({ type: ['string', 'integer'] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(convert({ type: 'null' })).toEqual({ nullable: true, enum: [null] });
  });

  test('anyOf with a null branch becomes nullable allOf, stating the referenced type', () => {
    expect(convert({ anyOf: [{ $ref: 'microsoft.graph.thing' }, { type: 'null' }], 'x-edmType': 'microsoft.graph.thing' })).toEqual({
      nullable: true,
      allOf: [{ $ref: '#/components/schemas/microsoft.graph.thing' }],
      type: 'object',
      'x-edmType': 'microsoft.graph.thing',
    });
    expect(convert({ anyOf: [{ $ref: 'microsoft.graph.level' }, { type: 'null' }] })).toMatchObject({ type: 'string', nullable: true });
    expect(convert({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
  });

  test('refs by $id point into components; an unknown one is an error', () => {
    expect(convert({ type: 'array', items: { $ref: 'microsoft.graph.thing' } })).toEqual({ type: 'array', items: { $ref: '#/components/schemas/microsoft.graph.thing' } });
    expect(() => convert({ $ref: 'microsoft.graph.nothing' })).toThrow(/unresolvable \$ref microsoft\.graph\.nothing/);
  });

  test('drops what 3.0 lacks, converts what it spells differently, keeps x- extensions the paths do not express', () => {
    const out = convert({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'microsoft.graph.thing',
      $comment: 'source',
      examples: [{ a: 1 }, { a: 2 }],
      propertyNames: { enum: ['a'] },
      required: [],
      exclusiveMinimum: 0,
      const: 'x',
      'x-odataType': 'microsoft.graph.thing',
      'x-entitySet': { path: 'things' },
      'x-actions': [],
      unevaluatedProperties: false,
    });
    expect(out).toEqual({ example: { a: 1 }, minimum: 0, exclusiveMinimum: true, enum: ['x'], 'x-odataType': 'microsoft.graph.thing' });
  });

  test('converts nested schemas: properties, items, additionalProperties and allOf', () => {
    expect(convert({ type: 'object', allOf: [{ $ref: 'microsoft.graph.thing' }], properties: { n: { type: ['integer', 'null'], maximum: 9 } }, additionalProperties: { type: ['string', 'null'] } })).toEqual({
      type: 'object',
      allOf: [{ $ref: '#/components/schemas/microsoft.graph.thing' }],
      properties: { n: { type: 'integer', nullable: true, maximum: 9 } },
      additionalProperties: { type: 'string', nullable: true },
    });
  });
});
