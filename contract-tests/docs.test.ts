import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../server/src/index';
import { matchContextFor } from './src/context';
import { loadDocPage } from './src/load';
import { matchResponse } from './src/match';
import { toReplayRequest } from './src/replay';
import { supertestTarget } from './src/supertest-target';

const DOCS = join(__dirname, 'docs');
const pages = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => loadDocPage(readFileSync(join(DOCS, f), 'utf8'), f));
const ctx = matchContextFor(loadGraphDefinition());

describe.each(pages)('$file', (page) => {
  test('has replayable examples', () => {
    expect(page.examples.filter((e) => e.replayable).length).toBeGreaterThan(0);
  });

  test.each(page.examples.filter((e) => e.replayable))('$name', async (example) => {
    const target = supertestTarget(createApp());
    const actual = await target(toReplayRequest(example));
    const mismatches = matchResponse(example.response!, example.responseAnnotation ?? {}, actual, ctx);
    expect(mismatches.map((m) => m.message)).toEqual([]);
  });
});
