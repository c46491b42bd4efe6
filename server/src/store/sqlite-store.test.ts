import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from './memory-store';
import { createSqliteStore, DataFileError } from './sqlite-store';
import type { EntityStore } from './store';

const file = () => join(mkdtempSync(join(tmpdir(), 'mockgraph-store-')), 'data.db');
const PATH = 'security/ipSecurityProfiles';

describe.each([
  ['memory', () => createMemoryStore()],
  ['sqlite', () => createSqliteStore(file())],
])('the %s store', (_kind, make: () => EntityStore) => {
  test('insert, get, replace, delete, count and insertion order', () => {
    const store = make();
    const c = store.collection(PATH);
    expect(c.insert({ id: 'a', n: 1 })).toBe(true);
    expect(c.insert({ id: 'b', n: 2 })).toBe(true);
    expect(c.insert({ id: 'a', n: 3 })).toBe(false);
    expect(c.replace({ id: 'a', n: 4 })).toBe(true);
    expect(c.replace({ id: 'z', n: 0 })).toBe(false);
    expect([...c.values()]).toEqual([{ id: 'a', n: 4 }, { id: 'b', n: 2 }]);
    expect(c.delete('b')).toBe(true);
    expect(c.delete('b')).toBe(false);
    expect(c.count()).toBe(1);
    store.clear();
    expect(c.count()).toBe(0);
    store.close();
  });
});

describe('the sqlite store on disk', () => {
  test('what was written is there after reopening, in the same order', () => {
    const path = file();
    const first = createSqliteStore(path);
    const c = first.collection(PATH);
    for (const id of ['x', 'y', 'z']) c.insert({ id, note: `${id}!` });
    c.replace({ id: 'x', note: 'changed' });
    c.delete('y');
    first.close();
    const again = createSqliteStore(path);
    expect([...again.collection(PATH).values()]).toEqual([{ id: 'x', note: 'changed' }, { id: 'z', note: 'z!' }]);
    again.close();
  });

  test('a second process pointed at the same file refuses with a clear message', () => {
    const path = file();
    const store = createSqliteStore(path);
    store.collection(PATH).insert({ id: 'held' });
    const script = `try { require(${JSON.stringify(require.resolve('better-sqlite3'))}); const D = require(${JSON.stringify(require.resolve('better-sqlite3'))}); const db = new D(${JSON.stringify(path)}, { timeout: 0 }); db.pragma('locking_mode = EXCLUSIVE'); db.pragma('journal_mode = WAL'); db.prepare('SELECT count(*) FROM entities').get(); console.log('opened'); } catch (e) { console.log(e.code); }`;
    const other = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(other.stdout.trim()).toMatch(/^SQLITE_BUSY/);
    store.close();
  });

  test('in-process, a second open is refused with DataFileError naming the file', () => {
    const path = file();
    const store = createSqliteStore(path);
    store.collection(PATH).insert({ id: 'held' });
    expect(() => createSqliteStore(path)).toThrow(DataFileError);
    expect(() => createSqliteStore(path)).toThrow(`the data file ${path} is in use by another mockgraph process`);
    store.close();
  });
});
