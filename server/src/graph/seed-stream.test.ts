import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProfiles } from '../seed/generate';
import { loadGraphDefinition } from './registry';
import { prepareSeeds, SeedError } from './seed';
import { prepareSeedFile } from './seed-stream';

const graph = loadGraphDefinition();
const dir = mkdtempSync(join(tmpdir(), 'mockgraph-seed-stream-'));
let n = 0;
const fileOf = (text: string) => {
  const file = join(dir, `seed-${n++}.json`);
  writeFileSync(file, text);
  return file;
};

/** What prepareSeeds makes of the parsed text: the prepared seed, or its error message. */
function expected(text: string): unknown {
  try {
    return prepareSeeds(JSON.parse(text) as unknown[], graph, 'doc');
  } catch (err) {
    return (err as Error).message;
  }
}
function actual(text: string, chunkBytes?: number): unknown {
  try {
    return prepareSeedFile(fileOf(text), graph, 'doc', chunkBytes);
  } catch (err) {
    if (!(err instanceof SeedError)) throw err;
    return err.message;
  }
}

const profiles = generateProfiles(40, 7);
const tiIndicator = { '@odata.type': '#microsoft.graph.tiIndicator', id: 'ti-1' };

describe('prepareSeedFile', () => {
  test.each([
    ['generated profiles', JSON.stringify(profiles)],
    ['one per line, as mockgraph seed writes them', `[\n${profiles.map((p) => `  ${JSON.stringify(p)}`).join(',\n')}\n]\n`],
    ['an empty array', ' [ ] '],
    ['strings with brackets, commas and escapes', JSON.stringify(profiles.slice(0, 3).map((p, i) => ({ ...p, address: `a,]}[{"\\\\${i}\\"` })))],
  ])('%s: as prepareSeeds makes them, in chunks of any size', (_name, text) => {
    for (const chunk of [undefined, 7, 64, 1000]) expect(actual(text, chunk)).toEqual(expected(text));
  });

  test.each([
    ['a bad record, the first of its set', [...profiles.slice(0, 3), { ...profiles[3], countHits: 'x' }, { ...profiles[4], countHits: 'y' }]],
    ['an id twice', [profiles[0], profiles[1], { ...profiles[2], id: profiles[0]!.id }]],
    ['an empty id', [profiles[0], { ...profiles[1], id: '' }]],
    ['a record of no entity set after a bad record', [{ ...profiles[0], countHits: 'x' }, profiles[1], { id: 'no-type' }]],
    ['bad records in two sets: the first set named wins', [tiIndicator, { ...profiles[0], countHits: 'x' }, { ...tiIndicator, id: '' }]],
    ['not an object', [profiles[0], 5]],
  ])('%s: the same error as prepareSeeds', (_name, records) => {
    const text = JSON.stringify(records);
    expect(typeof expected(text)).toBe('string');
    expect(actual(text, 64)).toEqual(expected(text));
  });

  test.each([
    ['an object keyed by entity-set path', JSON.stringify({ 'security/ipSecurityProfiles': profiles.slice(0, 2) })],
    ['a collection response', JSON.stringify({ value: profiles.slice(0, 2) })],
    ['malformed JSON after good records', `${JSON.stringify(profiles.slice(0, 3)).slice(0, -1)},{"id":}]`],
    ['a byte-order mark', `\uFEFF${JSON.stringify(profiles.slice(0, 2))}`],
    ['text after the array', `${JSON.stringify(profiles.slice(0, 2))} x`],
    ['an unclosed array', JSON.stringify(profiles.slice(0, 2)).slice(0, -1)],
    ['a trailing comma', `${JSON.stringify(profiles.slice(0, 2)).slice(0, -1)},]`],
  ])('%s: left to the whole-file path (undefined)', (_name, text) => {
    expect(prepareSeedFile(fileOf(text), graph, 'doc', 16)).toBeUndefined();
  });
});
