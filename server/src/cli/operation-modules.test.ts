import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraphModel } from '../graph/model';
import { loadOperationModules } from './operation-modules';

const model = buildGraphModel([
  {
    id: 'microsoft.graph.thing',
    file: 'thing.schema.json',
    schema: { $id: 'microsoft.graph.thing', 'x-odataType': 'microsoft.graph.thing', 'x-key': 'id', properties: {}, 'x-entitySet': { path: 'things', versions: ['beta'] }, 'x-actions': [{ name: 'cancel', bindsTo: 'entity' }] },
  },
]);

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-ops-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadOperationModules', () => {
  test('loads { set, name, run } exports, one or many per file', () => {
    const dir = folder({ 'a.js': "exports.operations = { set: 'things', name: 'cancel', run: () => ({ status: 204 }) };", 'notes.txt': 'ignored' });
    expect(loadOperationModules([dir], model).map((o) => `${o.set}/${o.name}`)).toEqual(['things/cancel']);
  });

  test.each([
    ["exports.operations = { set: 'nothings', name: 'cancel', run() {} };", "no entity set 'nothings' (served: things)"],
    ["exports.operations = { set: 'things', name: 'explode', run() {} };", "things documents no operation 'explode' (documented: cancel)"],
    ['exports.operations = 42;', 'expected { set, name, run(ctx) }'],
    ['throw new Error("boom")', ': boom'],
  ])('%s stops start-up naming the file', (text, message) => {
    const dir = folder({ 'bad.js': text });
    expect(() => loadOperationModules([dir], model)).toThrow(`--operations ${join(dir, 'bad.js')}`);
    expect(() => loadOperationModules([dir], model)).toThrow(message);
  });
});
