import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocPage } from './load';

const SEED = readFileSync(join(__dirname, '..', 'docs', 'add-ipsecurityprofiles.md'), 'utf8');

describe('loadDocPage', () => {
  const page = loadDocPage(SEED, 'add-ipsecurityprofiles.md');

  test('finds the seed page title, its three annotated blocks and one example', () => {
    expect(page.title).toBe('Add ipSecurityProfiles');
    expect(page.blocks.map((b) => b.annotation.blockType)).toEqual(['ignored', 'request', 'response']);
    expect(page.examples.map((e) => [e.name, e.replayable])).toEqual([['create_ipsecurityprofile_from_', true]]);
    expect(page.findings).toEqual([]);
  });

  test('pairs the response and keeps its annotation', () => {
    const example = page.examples[0]!;
    expect(example.response?.status).toBe(201);
    expect(example.responseAnnotation).toEqual({ blockType: 'response', truncated: true, '@odata.type': 'microsoft.graph.ipsecurityprofile' });
    expect((example.response?.body as Record<string, unknown>).id).toBe('a5c97fce-7fce-a5c9-ce7f-c9a5ce7fc9a5');
  });

  test('CRLF line endings parse the same', () => {
    const crlf = loadDocPage(SEED.replace(/\n/g, '\r\n'), 'crlf.md');
    expect(crlf.examples[0]?.request.body).toEqual(page.examples[0]?.request.body);
  });

  test('a body that is not JSON makes the example not replayable, never a crash', () => {
    const broken = loadDocPage(SEED.replace('"countHits": 9,', '"countHits": 9,,'), 'broken.md');
    expect(broken.examples[0]?.replayable).toBe(false);
    expect(broken.findings.map((f) => f.rule)).toEqual(['body-json']);
  });

  test('the existing loader output is unchanged by the new readers', () => {
    const seed = loadDocPage(SEED, 'seed.md');
    expect(seed.examples.map((e) => e.name)).toEqual(['create_ipsecurityprofile_from_']);
    expect(seed.frontMatter).toBeUndefined();
    expect(seed.tables.map((t) => t.header[0])).toEqual(['Permission type', 'Header', 'Property']);
  });
});
