import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareOutput, prepareOutputs } from './output-path';

const temp = () => mkdtempSync(join(tmpdir(), 'mockgraph-out-'));

describe('output paths are checked before the work', () => {
  test("a file's missing folders are created; a folder is left for the command to create", () => {
    const dir = temp();
    prepareOutput('--out', join(dir, 'a', 'b', 'report.xml'), 'file');
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
    expect(() => prepareOutput('--out', join(dir, 'new', 'schemas'), 'folder')).not.toThrow();
    expect(() => statSync(join(dir, 'new'))).toThrow();
  });

  test('a file in the way, or a folder where a file is meant, is refused in one line naming the flag', () => {
    const dir = temp();
    const file = join(dir, 'plain.txt');
    writeFileSync(file, '');
    expect(() => prepareOutput('--out', join(file, 'r.xml'), 'file')).toThrow(`--out ${join(file, 'r.xml')}: cannot create the folder ${file} (part of that path is a file, not a folder)`);
    expect(() => prepareOutput('--out', dir, 'file')).toThrow(`--out ${dir} is a folder; give the file to write`);
    expect(() => prepareOutput('--out', file, 'folder')).toThrow(`--out ${file} is a file; give the folder to write into`);
    expect(() => prepareOutput('--out', join(file, 'x'), 'folder')).toThrow('part of that path is a file');
  });

  test('prepareOutputs reads --name VALUE and --name=VALUE, and does nothing for --help', () => {
    const dir = temp();
    prepareOutputs(['--reporter', 'junit', `--out=${join(dir, 'x', 'r.xml')}`], { out: 'file' });
    expect(statSync(join(dir, 'x')).isDirectory()).toBe(true);
    prepareOutputs(['--out', join(dir, 'y', 'r.xml'), '--help'], { out: 'file' });
    expect(() => statSync(join(dir, 'y'))).toThrow();
  });
});
