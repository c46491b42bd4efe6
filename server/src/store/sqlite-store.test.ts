import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { generateProfiles } from '../seed/generate';
import { createMemoryStore } from './memory-store';
import { createSqliteStore, DataFileError } from './sqlite-store';
import type { Entity, EntityStore, SyncEntityStore } from './store';
import { storedBytes, StoreUnavailableError } from './store';

const file = () => join(mkdtempSync(join(tmpdir(), 'mockgraph-store-')), 'data.db');
const PATH = 'security/ipSecurityProfiles';

describe.each([
  ['memory', () => createMemoryStore()],
  ['sqlite', () => createSqliteStore(file())],
])('the %s store', (_kind, make: () => SyncEntityStore) => {
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
    store.reset(new Map());
    expect(c.count()).toBe(0);
    store.close();
  });

  test('dataBytes is the stored size (UTF-8 JSON plus the overhead of each object and array) of every entity, kept up to date by every write', () => {
    const store = make();
    const c = store.collection(PATH);
    const other = store.collection('other/set');
    const bytes = (...entities: Entity[]) => entities.reduce((n, e) => n + storedBytes(JSON.stringify(e)), 0);
    expect(store.dataBytes()).toBe(0);
    const a = { id: 'a', note: 'ü€😀' };
    c.insert(a);
    expect(store.dataBytes()).toBe(bytes(a));
    expect(store.dataBytes()).toBeGreaterThan(JSON.stringify(a).length);
    const b = { id: 'b', n: 1 };
    other.insert(b, JSON.stringify(b));
    expect(store.dataBytes()).toBe(bytes(a, b));
    const a2 = { id: 'a', note: 'longer than before' };
    c.replace(a2);
    expect(store.dataBytes()).toBe(bytes(a2, b));
    c.insert({ id: 'a', note: 'refused: the id is taken' });
    c.replace({ id: 'nope' });
    expect(store.dataBytes()).toBe(bytes(a2, b));
    c.delete('a');
    expect(store.dataBytes()).toBe(bytes(b));
    store.close();
  });

  test('revision grows on every successful write and reset, and only then', () => {
    const store = make();
    const c = store.collection(PATH);
    const seen = [store.revision()];
    const step = (write: () => unknown) => {
      write();
      seen.push(store.revision());
    };
    step(() => c.insert({ id: 'a' }));
    step(() => c.replace({ id: 'a', n: 1 }));
    step(() => c.delete('a'));
    step(() => store.reset(new Map([[PATH, [{ id: 'r' }]]])));
    expect(seen.every((r, i) => i === 0 || r > (seen[i - 1] ?? 0))).toBe(true);
    const settled = store.revision();
    c.insert({ id: 'r' });
    c.replace({ id: 'missing' });
    c.delete('missing');
    expect(store.revision()).toBe(settled);
    store.close();
  });

  test('reset replaces every collection at once; collections it does not name are emptied', () => {
    const store = make();
    const c = store.collection(PATH);
    const other = store.collection('other/set');
    c.insert({ id: 'old-1' });
    other.insert({ id: 'old-2' });
    const fresh = [{ id: 'new-1', n: 1 }, { id: 'new-2', n: 2 }];
    store.reset(new Map([[PATH, fresh]]));
    // Collections handed out before the reset see the new content (the query engine keeps them).
    expect([...c.values()]).toEqual(fresh);
    expect(c.get('old-1')).toBeUndefined();
    expect(other.count()).toBe(0);
    expect(store.collection('never/seen/before').count()).toBe(0);
    expect(store.dataBytes()).toBe(fresh.reduce((n, e) => n + storedBytes(JSON.stringify(e)), 0));
    expect(c.insert({ id: 'new-1' })).toBe(false);
    expect(c.insert({ id: 'new-3' })).toBe(true);
    store.close();
  });

  test('a reset that cannot complete (an id twice) changes nothing', () => {
    const store = make();
    const c = store.collection(PATH);
    c.insert({ id: 'kept', n: 1 });
    const before = { bytes: store.dataBytes(), revision: store.revision() };
    expect(() => store.reset(new Map([['other/set', [{ id: 'x' }]], [PATH, [{ id: 'dup' }, { id: 'dup' }]]]))).toThrow(/dup/);
    expect([...c.values()]).toEqual([{ id: 'kept', n: 1 }]);
    expect(store.collection('other/set').count()).toBe(0);
    expect({ bytes: store.dataBytes(), revision: store.revision() }).toEqual(before);
    store.close();
  });

  test('health is ready while the store can take writes', () => {
    const store = make();
    expect(store.health()).toEqual({ ready: true });
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

describe('the sqlite store: reset on disk', () => {
  test('a reset is what a reopen finds: the new content, in order, and nothing of the old', () => {
    const path = file();
    const first = createSqliteStore(path);
    first.collection(PATH).insert({ id: 'old' });
    first.collection('other/set').insert({ id: 'gone' });
    first.reset(new Map([[PATH, [{ id: 'n2' }, { id: 'n1' }]]]));
    const bytes = first.dataBytes();
    first.close();
    const again = createSqliteStore(path);
    expect([...again.collection(PATH).values()]).toEqual([{ id: 'n2' }, { id: 'n1' }]);
    expect(again.collection('other/set').count()).toBe(0);
    expect(again.dataBytes()).toBe(bytes);
    again.close();
  });

  test('a failed reset leaves the file as it was', () => {
    const path = file();
    const first = createSqliteStore(path);
    first.collection(PATH).insert({ id: 'kept' });
    expect(() => first.reset(new Map([[PATH, [{ id: 'a' }, { id: 'a' }]]]))).toThrow();
    first.close();
    const again = createSqliteStore(path);
    expect([...again.collection(PATH).values()]).toEqual([{ id: 'kept' }]);
    again.close();
  });

  // How long it takes is measured by `npm run bench:query`, not here (timed unit tests are noise on shared machines).
  test('a reset of 50,000 profiles replaces the old content and is what a reopen finds', () => {
    const path = file();
    const store = createSqliteStore(path);
    store.collection(PATH).insert({ id: 'old' });
    const profiles = generateProfiles(50_000, 3) as Entity[];
    store.reset(new Map([[PATH, profiles]]));
    expect(store.collection(PATH).count()).toBe(50_000);
    expect(store.collection(PATH).get('old')).toBeUndefined();
    store.close();
    const again = createSqliteStore(path);
    expect(again.collection(PATH).count()).toBe(50_000);
    again.close();
  });
});

describe('the sqlite store over the storage limits', () => {
  function fileWith(rows: number, bodyOf: (i: number) => string): string {
    const path = file();
    const db = new Database(path);
    db.exec('CREATE TABLE entities (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (collection, id))');
    const insert = db.prepare('INSERT INTO entities (collection, id, body) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(PATH, `e-${i}`, bodyOf(i));
    })();
    db.close();
    return path;
  }

  test('more entities than maxEntities: DataFileError with the figures and the flag, before loading anything', () => {
    const path = fileWith(11, (i) => JSON.stringify({ id: `e-${i}` }));
    expect(() => createSqliteStore(path, { maxEntities: 10 })).toThrow(
      new DataFileError(`the data file ${path} is over a storage limit: security/ipSecurityProfiles holds 11 entities, more than --max-entities allows (10); raise --max-entities or use another --data file`),
    );
    // The file was closed again: with a higher limit it opens.
    const store = createSqliteStore(path, { maxEntities: 11 });
    expect(store.collection(PATH).count()).toBe(11);
    store.close();
  });

  test('more stored JSON than maxDataBytes: DataFileError naming the size, the limit and the flag', () => {
    const body = (i: number) => JSON.stringify({ id: `e-${i}`, note: 'é'.repeat(500) });
    const path = fileWith(3, body);
    const total = [0, 1, 2].reduce((n, i) => n + storedBytes(body(i)), 0);
    expect(() => createSqliteStore(path, { maxDataBytes: 2048 })).toThrow(
      new DataFileError(`the data file ${path} is over a storage limit: the stored JSON is ${total.toLocaleString('en-US')} bytes (0.0 MiB), more than --max-data-size allows (2,048 bytes, 0.0 MiB); raise --max-data-size or use another --data file`),
    );
    const store = createSqliteStore(path, { maxDataBytes: total });
    expect(store.dataBytes()).toBe(total);
    store.close();
  });
});

describe('the sqlite store when its data file goes away', () => {
  test('a deleted data file: writes throw StoreUnavailableError, health says why, memory is unchanged, reads go on', () => {
    const path = file();
    const store = createSqliteStore(path);
    const c = store.collection(PATH);
    c.insert({ id: 'before' });
    rmSync(dirname(path), { recursive: true, force: true });
    const reason = `the data file ${path} was deleted or moved while mockgraph runs; restart mockgraph to take writes again`;
    expect(store.health()).toEqual({ ready: false, reason });
    const revision = store.revision();
    expect(() => c.insert({ id: 'after' })).toThrow(new StoreUnavailableError(reason));
    expect(() => c.replace({ id: 'before', n: 1 })).toThrow(StoreUnavailableError);
    expect(() => c.delete('before')).toThrow(StoreUnavailableError);
    expect(() => store.reset(new Map())).toThrow(StoreUnavailableError);
    expect([...c.values()]).toEqual([{ id: 'before' }]);
    expect(store.revision()).toBe(revision);
    // A conflict or a missing id is still answered from memory, without touching the file.
    expect(c.insert({ id: 'before' })).toBe(false);
    store.close();
  });

  test('a data file replaced by another file (or its folder by another folder): not ready', () => {
    const path = file();
    const store = createSqliteStore(path);
    store.collection(PATH).insert({ id: 'before' });
    const folder = dirname(path);
    renameSync(folder, `${folder}-moved`);
    mkdirSync(folder);
    writeFileSync(path, '');
    expect(store.health()).toEqual({ ready: false, reason: `the data file ${path} was replaced by another file while mockgraph runs; restart mockgraph to take writes again` });
    expect(() => store.collection(PATH).insert({ id: 'after' })).toThrow(StoreUnavailableError);
    store.close();
    // Everything acknowledged is in the file that was moved away.
    const moved = createSqliteStore(join(`${folder}-moved`, 'data.db'));
    expect([...moved.collection(PATH).values()]).toEqual([{ id: 'before' }]);
    moved.close();
  });
});
