/** Test helpers for setting up cases: the threat-notes fixture page and its schemas, a target that records what it was sent (excluded from the build as test-data.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../../server/src/index';
import type { AppOptions } from '../../server/src/index';
import { notesSchemaDir } from '../../server/test/extra-schemas';
import { matchContextFor } from './context';
import { loadDocPage } from './load';
import type { HttpTarget } from './replay';
import type { runPage } from './run';
import { supertestTarget } from './supertest-target';

/** The folder of the threatNote schemas: a set whose pages document no POST. */
export const NOTES_DIR = notesSchemaDir();
/** mockgraph's schemas with the threatNote ones. */
export const NOTES_GRAPH = loadGraphDefinition([NOTES_DIR]);
/** The match context of NOTES_GRAPH. */
export const NOTES_CONTEXT = matchContextFor(NOTES_GRAPH);

/** The text of the threat-notes fixture page. */
export const NOTES_PAGE = readFileSync(join(__dirname, '..', 'fixtures', 'threat-notes.md'), 'utf8');
/** The threat-notes fixture page, loaded. */
export const notesPage = loadDocPage(NOTES_PAGE, 'threat-notes.md');

/** A target that records what it was sent, as `METHOD path`. */
export function recording(app: AppOptions = {}): { target: HttpTarget; sent: string[] } {
  const inner = supertestTarget(createApp({ schemaDirs: [NOTES_DIR], logError: () => {}, logNotice: () => {}, ...app }));
  const sent: string[] = [];
  return { sent, target: (req) => (sent.push(`${req.method} ${req.path}`), inner(req)) };
}

/** Each result as [name, status, reason or mismatches]. */
export const outcome = (results: Awaited<ReturnType<typeof runPage>>) => results.map((r) => [r.name, r.status, r.reason ?? r.mismatches.map((m) => m.message).join('; ')]);
