import type { Entity, EntityStore } from '../store';
import { appendEntities, resetContents, seedEmptySets } from './bulk-writes';
import { redactedUrl } from './failures';
import { createDatabase, openDatabase } from './open-database';
import { PostgresCollection } from './postgres-collection';
import type { IndexSpec } from './sql-query';
import { tokenSource } from './token-source';

// main.ts imports DatabaseError with the store it opens.
export { DatabaseError } from './failures';

/** How `--data postgres://…` is opened. */
export interface PostgresStoreOptions {
  url: string;
  /** The secret `$skiptoken`s are signed with; by default one kept in the database, shared by every replica. */
  tokenSecret?: string;
  /** How long start-up keeps trying to reach the database before it gives up (default 30 s). */
  connectTimeoutMs?: number;
  /** The most connections this replica opens (default 10). */
  maxConnections?: number;
  /** The expression indexes to create (the query patterns of the served types' docs). */
  indexes?: readonly IndexSpec[];
  /** Progress while start-up waits for the database. */
  logNotice?: (message: string) => void;
  /** The schema the tables live in (default: the connection's search_path, usually `public`); created when missing. */
  schema?: string;
}

/** A store whose entities live in a PostgreSQL database, shared by every replica that opens it. */
export interface PostgresStore extends EntityStore {
  /** Resolves once the database is reached and migrated; rejects with DatabaseError (start-up exits on it). */
  readonly opened: Promise<void>;
  /** Puts each set's entities into it when it is empty, under the migration lock (replicas starting at once seed once). */
  seedEmpty(contents: ReadonlyMap<string, readonly Entity[]>): Promise<number>;
  /**
   * Adds many entities to a set in one transaction (a bulk load: one statement per 2,000 rows); a taken id fails
   * it and stores none. For loading large data sets (the benchmark's million profiles) without a reset.
   */
  append(path: string, entities: readonly Entity[]): Promise<void>;
  /** postgres://user:***@host:port/db */
  readonly description: string;
}

/**
 * The PostgreSQL store at `options.url`. It opens in the background (`opened`): waits for the database for a
 * bounded time, migrates under an advisory lock and creates the query indexes; every statement waits for that.
 * Then it watches the database's health.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const db = createDatabase(options);
  const opened = db.exclusive(() => openDatabase(db, options));
  // Observed so that a failure is not an unhandled rejection; `opened` still reports it.
  opened.catch(() => undefined);
  const tokens = tokenSource(db, options.tokenSecret);
  const collections = new Map<string, PostgresCollection>();

  return {
    opened,
    description: redactedUrl(options.url),
    collection(path) {
      let c = collections.get(path);
      if (!c) collections.set(path, (c = new PostgresCollection(db, path, tokens)));
      return c;
    },
    reset: (contents) => resetContents(db, contents),
    seedEmpty: (contents) => seedEmptySets(db, contents),
    append: (path, entities) => appendEntities(db, path, entities),
    atomically: (work) => db.atomically(work),
    async dataBytes() {
      const [row] = await db.run<{ bytes: string }>('SELECT coalesce(sum(bytes), 0) AS bytes FROM mockgraph_sets');
      return Number(row?.bytes ?? 0);
    },
    async revision() {
      const [row] = await db.run<{ revision: string }>('SELECT coalesce(sum(revision), 0) AS revision FROM mockgraph_sets');
      return Number(row?.revision ?? 0);
    },
    health: () => db.health(),
    close: () => db.close(),
  };
}
