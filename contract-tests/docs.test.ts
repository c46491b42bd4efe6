import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, loadGraphDefinition } from '../server/src/index';
import { matchContextFor } from './src/context';
import { loadDocPage } from './src/load';
import { casesOf, runCase } from './src/run';
import { supertestTarget } from './src/supertest-target';

const DOCS = join(__dirname, 'docs');
const pages = readdirSync(DOCS)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => loadDocPage(readFileSync(join(DOCS, f), 'utf8'), f));
const ctx = matchContextFor(loadGraphDefinition());

describe.each(pages)('$file', (page) => {
  test('every example is replayable', () => {
    expect(page.examples.filter((e) => !e.replayable).map((e) => `${e.name}: ${e.problems.join('; ')}`)).toEqual([]);
  });

  // One test per example (and per HTTP request line that writes an example's path differently), each on a fresh app.
  test.each(casesOf(page).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await runCase(c, supertestTarget(createApp()), ctx);
    expect([result.reason, ...result.mismatches.map((m) => m.message)].filter(Boolean)).toEqual([]);
    expect(result.status).toBe('passed');
  });
});
