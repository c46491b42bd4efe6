import { buildGraphModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { SchemaFile } from '../graph/schema-files';
import { loadSchemaFiles } from '../graph/schema-files';
import { createGraphValidator } from '../graph/validate';

/** A description that needs every kind of XML escaping. */
export const TRICKY = 'A "widget" & <gadget>: it\'s\nthe thing';

/** A small definition (not schemas/): an abstract keyed base, a set at the root, one three segments deep, an enum and a bound action. */
export function sampleDefinition(): GraphDefinition {
  const file = (id: string, schema: Record<string, unknown>): SchemaFile => ({ id, file: `${id}.schema.json`, schema: { $id: id, ...schema } });
  const str = (nullable = true) => ({ type: nullable ? ['string', 'null'] : 'string', 'x-edmType': 'Edm.String' });
  const files = [
    file('microsoft.graph.entity', { type: 'object', 'x-odataType': 'microsoft.graph.entity', 'x-abstract': true, 'x-key': 'id', properties: { id: { type: 'string', 'x-edmType': 'Edm.String' } } }),
    file('microsoft.graph.colour', { type: 'string', enum: ['red', 'green'], 'x-odataType': 'microsoft.graph.colour', 'x-enumMembers': [{ name: 'red', description: TRICKY }, { name: 'green' }] }),
    file('microsoft.graph.widget', {
      type: 'object',
      description: TRICKY,
      'x-odataType': 'microsoft.graph.widget',
      'x-baseType': 'microsoft.graph.entity',
      'x-entitySet': { path: 'widgets', versions: ['beta', 'v1.0'] },
      properties: { id: str(false), name: { ...str(false), description: TRICKY }, colour: { anyOf: [{ $ref: 'microsoft.graph.colour' }, { type: 'null' }], 'x-edmType': 'microsoft.graph.colour' } },
      'x-actions': [
        { name: 'polish', kind: 'action', bindsTo: 'entity', parameters: 'polish.parameters', returns: { type: 'microsoft.graph.widget', collection: false } },
        { name: 'labels', kind: 'function', bindsTo: 'entity', returns: { type: 'Edm.String', collection: true }, status: 200, responseExample: { value: ['shiny'] } },
      ],
    }),
    file('polish.parameters', { type: 'object', properties: { times: { type: 'integer', 'x-edmType': 'Edm.Int32' }, notes: { type: 'array', items: str(), 'x-edmType': 'Collection(Edm.String)' } } }),
    file('microsoft.graph.gadget', { type: 'object', 'x-odataType': 'microsoft.graph.gadget', 'x-baseType': 'microsoft.graph.entity', 'x-entitySet': { path: 'org/lab/gadgets', containment: true, versions: ['beta'] }, properties: { id: str(false) } }),
  ];
  // schemas/odata (error body, collection, reference) come with every definition, as loadSchemaFiles reads them.
  files.push(...loadSchemaFiles().filter((f) => f.id.startsWith('odata.')));
  const model = buildGraphModel(files);
  return { files, model, validator: createGraphValidator(files, model) };
}
