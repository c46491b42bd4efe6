import { chmodSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateFolder } from './cache-folder';

/** A path for a cache folder that does not exist yet. */
function fixture(): { dir: string } {
  return { dir: join(mkdtempSync(join(tmpdir(), 'mockgraph-cache-folder-')), 'cache') };
}

describe('privateFolder', () => {
  test('a folder of its own that nobody else may write to, or none yet; not one others may write to, nor a link', () => {
    const { dir } = fixture();
    expect(privateFolder(dir)).toBe(true);
    mkdirSync(dir, { mode: 0o700 });
    expect(privateFolder(dir)).toBe(true);
    for (const mode of [0o770, 0o777, 0o702]) {
      chmodSync(dir, mode);
      expect(privateFolder(dir)).toBe(false);
    }
    chmodSync(dir, 0o700);
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    expect(privateFolder(link)).toBe(false);
  });
});
