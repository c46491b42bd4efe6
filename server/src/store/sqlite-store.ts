import Database from 'better-sqlite3';
import { DEFAULT_MAX_DATA_BYTES, DEFAULT_MAX_ENTITIES } from '../options';
import { DataFileWatch } from './data-file-watch';
import { buildContent, EntityIndex } from './entity-index';
import type { IndexContent, StoreTally } from './entity-index';
import { findBreach } from './limits';
import type { StorageLimits } from './limits';
import type { Entity, SyncEntityCollection, SyncEntityStore } from './store';
import { CONTAINER_OVERHEAD_BYTES, storedBytes, StoreUnavailableError } from './store';

/** Raised when the data file cannot be served: held by another mockgraph process, not a database, or over a storage limit. */
export class DataFileError extends Error {}

/** The open file: the database, its statements (prepared once) and the watch on its path. */
class DataFile {
  readonly insert: Database.Statement;
  readonly update: Database.Statement;
  readonly remove: Database.Statement;
  readonly removeAll: Database.Statement;
  readonly watch: DataFileWatch;

  constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insert = db.prepare('INSERT INTO entities (collection, id, body) VALUES (?, ?, ?)');
    this.update = db.prepare('UPDATE entities SET body = ? WHERE collection = ? AND id = ?');
    this.remove = db.prepare('DELETE FROM entities WHERE collection = ? AND id = ?');
    this.removeAll = db.prepare('DELETE FROM entities');
    this.watch = new DataFileWatch(file);
  }

  /** Runs one write, only while the file at the path is the one open; a failure of the file is StoreUnavailableError. */
  write(run: () => void): void {
    this.watch.assertWritable();
    try {
      run();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_READONLY_DBMOVED') this.watch.lose(`the data file ${this.file} was moved or deleted while mockgraph runs`);
      if (typeof code === 'string' && /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN)/.test(code)) {
        throw new StoreUnavailableError(this.watch.health().reason ?? `the data file ${this.file} cannot be written (${code}): ${(err as Error).message}`);
      }
      throw err;
    }
  }

  /** A collection's rows, in the order they were first written, with the stored size of each. */
  load(path: string): { items: Map<string, Entity>; sizes: Map<string, number> } {
    const items = new Map<string, Entity>();
    const sizes = new Map<string, number>();
    for (const row of this.db.prepare('SELECT body FROM entities WHERE collection = ? ORDER BY seq').iterate(path) as Iterable<{ body: string }>) {
      const entity = JSON.parse(row.body) as Entity;
      items.set(entity.id, entity);
      sizes.set(entity.id, storedBytes(row.body));
    }
    return { items, sizes };
  }
}

/**
 * One collection: reads from memory (so the query engine is as fast as over the memory store), every write
 * goes to SQLite first, inside its own transaction, and only then to memory; a write that returns has been
 * committed to the WAL, so it survives a crash of the process (kill -9).
 */
class SqliteCollection implements SyncEntityCollection {
  constructor(
    private readonly data: DataFile,
    private readonly path: string,
    readonly index: EntityIndex,
  ) {}

  get(id: string): Entity | undefined {
    return this.index.get(id);
  }
  insert(entity: Entity, json?: string): boolean {
    if (this.index.has(entity.id)) return false;
    const text = json ?? JSON.stringify(entity);
    this.data.write(() => this.data.insert.run(this.path, entity.id, text));
    this.index.put(entity, storedBytes(text));
    return true;
  }
  replace(entity: Entity, json?: string): boolean {
    if (!this.index.has(entity.id)) return false;
    const text = json ?? JSON.stringify(entity);
    this.data.write(() => this.data.update.run(text, this.path, entity.id));
    this.index.put(entity, storedBytes(text));
    return true;
  }
  delete(id: string): boolean {
    if (!this.index.has(id)) return false;
    this.data.write(() => this.data.remove.run(this.path, id));
    this.index.remove(id);
    return true;
  }
  count(): number {
    return this.index.count();
  }
  values(): Iterable<Entity> {
    return this.index.values();
  }
}

function openDatabase(file: string): Database.Database {
  try {
    const db = new Database(file, { timeout: 0 });
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
    return db;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new DataFileError(`the data file ${file} is in use by another mockgraph process; stop it or use another --data file`);
    }
    throw new DataFileError(`cannot open the data file ${file}: ${(err as Error).message}`);
  }
}

/** Entities per collection and stored bytes in all, counted by SQLite without loading a row into memory. */
function storedFigures(db: Database.Database): { counts: Array<[string, number]>; bytes: number } {
  const rows = db.prepare(`SELECT collection, COUNT(*) AS n, SUM(octet_length(body) + ${CONTAINER_OVERHEAD_BYTES} * (length(body) - length(replace(replace(body, '{', ''), '[', '')))) AS bytes FROM entities GROUP BY collection`).all() as Array<{ collection: string; n: number; bytes: number | null }>;
  return { counts: rows.map((r) => [r.collection, r.n]), bytes: rows.reduce((sum, r) => sum + (r.bytes ?? 0), 0) };
}

/**
 * The `--data FILE` store: SQLite through better-sqlite3, in WAL mode. The file is opened in exclusive locking
 * mode, so a second process pointed at the same file refuses to start instead of serving a stale copy; a file
 * over the storage limits is refused before any of it is loaded.
 */
export function createSqliteStore(file: string, limits: Partial<StorageLimits> = {}): SyncEntityStore {
  const db = openDatabase(file);
  let figures: ReturnType<typeof storedFigures>;
  try {
    figures = storedFigures(db);
    const breach = findBreach(figures.counts, figures.bytes, { maxEntities: limits.maxEntities ?? DEFAULT_MAX_ENTITIES, maxDataBytes: limits.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES });
    if (breach) throw new DataFileError(`the data file ${file} is over a storage limit: ${breach.problem}; raise ${breach.flag} or use another --data file`);
  } catch (err) {
    db.close();
    throw err instanceof DataFileError ? err : new DataFileError(`cannot read the data file ${file}: ${(err as Error).message}`);
  }
  const data = new DataFile(db, file);
  const tally: StoreTally = { bytes: figures.bytes, revision: 0 };
  // A collection is loaded from the file the first time it is asked for (a reset hands it its content instead).
  const collections = new Map<string, SqliteCollection>();
  const add = (path: string, content: Pick<IndexContent, 'items' | 'sizes'>) => {
    const index = new EntityIndex(tally);
    index.adopt(content);
    const c = new SqliteCollection(data, path, index);
    collections.set(path, c);
    return c;
  };
  return {
    collection: (path) => collections.get(path) ?? add(path, data.load(path)),
    reset(contents) {
      // Serialised and checked (an id twice) before the transaction; the transaction before memory.
      const built = [...contents].map(([path, entities]) => [path, buildContent(path, entities)] as const);
      data.write(() =>
        db.transaction(() => {
          data.removeAll.run();
          for (const [path, content] of built) for (const [id, json] of content.rows) data.insert.run(path, id, json);
        })(),
      );
      const named = new Set(contents.keys());
      for (const [path, c] of collections) if (!named.has(path)) c.index.adopt({ items: new Map(), sizes: new Map() });
      for (const [path, content] of built) {
        const existing = collections.get(path);
        if (existing) existing.index.adopt(content);
        else add(path, content);
      }
      tally.bytes = built.reduce((n, [, content]) => n + content.bytes, 0);
      tally.revision++;
    },
    dataBytes: () => tally.bytes,
    revision: () => tally.revision,
    health: () => data.watch.health(),
    close() {
      if (db.open) db.close();
    },
  };
}
