import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The second entity set the per-set tests serve: GET and PATCH only, as a read-only Graph resource's pages document. */
export const NOTES_PATH = 'security/threatNotes';
/** Its URL under the version root. */
export const NOTES = `/beta/${NOTES_PATH}`;
/** Its entity type. */
export const NOTE_TYPE = 'microsoft.graph.threatNote';

/** The schema example of a note (what `serve` seeds the set with by default). */
export const NOTE_EXAMPLE = { '@odata.type': '#microsoft.graph.threatNote', id: 'note-from-the-example', title: 'Seen from a new country', city: 'Oslo', severity: 3, createdDateTime: '2026-01-02T03:04:05Z', tags: ['triage'] };

const nullable = (type: string, edm: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], 'x-edmType': edm, ...extra });

/** A schema in the shape of schemas/graph/ipSecurityProfile.schema.json, for another type and entity set. */
const NOTE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: NOTE_TYPE,
  $comment: 'Test-only: a second entity set whose pages document no POST.',
  title: 'ThreatNote',
  description: 'microsoft.graph.threatNote: a note about a threat (test-only).',
  examples: [NOTE_EXAMPLE],
  type: 'object',
  allOf: [{ $ref: 'microsoft.graph.entity' }],
  'x-odataType': NOTE_TYPE,
  'x-baseType': 'microsoft.graph.entity',
  'x-openType': true,
  'x-entitySet': { path: NOTES_PATH, containment: true, versions: ['beta'], permissions: { read: ['Notes.Read.All'], write: ['Notes.ReadWrite.All'] }, methods: { collection: ['GET'], entity: ['GET', 'PATCH'] } },
  properties: {
    '@odata.type': { type: 'string' },
    id: { type: 'string', 'x-edmType': 'Edm.String' },
    title: { type: 'string', 'x-edmType': 'Edm.String' },
    city: nullable('string', 'Edm.String'),
    severity: nullable('integer', 'Edm.Int32', { minimum: -2147483648, maximum: 2147483647 }),
    createdDateTime: nullable('string', 'Edm.DateTimeOffset', { format: 'date-time' }),
    tags: { type: 'array', items: { type: ['string', 'null'] }, 'x-edmType': 'Collection(Edm.String)' },
  },
  // Open, as ipSecurityProfile is: the contract runner validates whole responses, @odata.context included.
  additionalProperties: true,
};

/** A fresh `--schemas` folder holding the note type; `example: false` leaves its schema without an example. */
export function notesSchemaDir(options: { example?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-schemas-'));
  mkdirSync(join(dir, 'graph'));
  const schema = options.example === false ? { ...NOTE_SCHEMA, examples: [] } : NOTE_SCHEMA;
  writeFileSync(join(dir, 'graph', 'threatNote.schema.json'), JSON.stringify(schema, null, 2));
  return dir;
}
