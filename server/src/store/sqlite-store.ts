import Database from 'better-sqlite3';
import type { Entity, EntityCollection, EntityStore } from './store';

/** Raised when the data file is held by another mockgraph process (or is not a mockgraph database). */
export class DataFileError extends Error {}

/**
 * One collection: reads from memory (so the query engine is as fast as over the memory store), every write
 * goes to SQLite first, inside its own transaction, and only then to memory; a write that returns has been
 * committed to the WAL, so it survives a crash of the process (kill -9).
 */
class SqliteCollection implements EntityCollection {
  private readonly items = new Map<string, Entity>();

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {
    const rows = db.prepare('SELECT body FROM entities WHERE collection = ? ORDER BY seq').all(path) as Array<{ body: string }>;
    for (const row of rows) {
      const entity = JSON.parse(row.body) as Entity;
      this.items.set(entity.id, entity);
    }
  }

  get(id: string): Entity | undefined {
    return this.items.get(id);
  }
  insert(entity: Entity): boolean {
    if (this.items.has(entity.id)) return false;
    this.db.prepare('INSERT INTO entities (collection, id, body) VALUES (?, ?, ?)').run(this.path, entity.id, JSON.stringify(entity));
    this.items.set(entity.id, entity);
    return true;
  }
  replace(entity: Entity): boolean {
    if (!this.items.has(entity.id)) return false;
    this.db.prepare('UPDATE entities SET body = ? WHERE collection = ? AND id = ?').run(JSON.stringify(entity), this.path, entity.id);
    this.items.set(entity.id, entity);
    return true;
  }
  delete(id: string): boolean {
    if (!this.items.has(id)) return false;
    this.db.prepare('DELETE FROM entities WHERE collection = ? AND id = ?').run(this.path, id);
    return this.items.delete(id);
  }
  count(): number {
    return this.items.size;
  }
  values(): Iterable<Entity> {
    return this.items.values();
  }
  forget(): void {
    this.items.clear();
  }
}

/**
 * The `--data FILE` store: SQLite through better-sqlite3, in WAL mode. The file is opened in exclusive locking
 * mode, so a second process pointed at the same file refuses to start instead of serving a stale copy.
 */
export function createSqliteStore(file: string): EntityStore {
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit is in the WAL before the write returns, so a crashed process loses nothing;
    // only a power cut may lose the last transactions (FULL would fsync every write).
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS entities (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      collection TEXT NOT NULL,
      id TEXT NOT NULL,
      body TEXT NOT NULL,
      UNIQUE (collection, id)
    )`);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new DataFileError(`the data file ${file} is in use by another mockgraph process; stop it or use another --data file`);
    }
    throw new DataFileError(`cannot open the data file ${file}: ${(err as Error).message}`);
  }
  const collections = new Map<string, SqliteCollection>();
  return {
    collection(path) {
      let c = collections.get(path);
      if (!c) collections.set(path, (c = new SqliteCollection(db, path)));
      return c;
    },
    clear() {
      db.prepare('DELETE FROM entities').run();
      for (const c of collections.values()) c.forget();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
