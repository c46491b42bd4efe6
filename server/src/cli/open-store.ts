import { resolve } from 'node:path';
import { loadGraphDefinition } from '../graph/registry';
import { createMemoryStore } from '../store/memory-store';
import type { EntityStore } from '../store/store';
import { prepareOutput } from './output-path';
import type { ServeSettings } from './settings';

/** The store `serve` opened: where its data lives (for the start line) and how health describes it. */
export interface OpenedStore {
  store: EntityStore;
  where: string;
  described: string;
}

/** Whether `--data` names a PostgreSQL database rather than a SQLite file. */
function isDatabaseUrl(data: string): boolean {
  return /^postgres(ql)?:\/\//i.test(data);
}

/** The PostgreSQL store of a postgres:// --data, once it is reached and migrated; rejects with a one-line reason. */
async function openDatabase(settings: ServeSettings, url: string, logNotice: (message: string) => void): Promise<OpenedStore> {
  // Loaded only for a postgres:// --data: the driver takes a tenth of an in-memory start-up.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createPostgresStore, DatabaseError } = require('../store/postgres/postgres-store') as typeof import('../store/postgres/postgres-store');
  const { databaseName } = require('../store/postgres/failures') as typeof import('../store/postgres/failures');
  const { defaultIndexes } = require('../store/postgres/indexes') as typeof import('../store/postgres/indexes');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const store = createPostgresStore({
    url,
    tokenSecret: settings.tokenSecret,
    connectTimeoutMs: settings.connectTimeout * 1000,
    indexes: defaultIndexes(loadGraphDefinition(settings.schemas).model),
    logNotice,
  });
  try {
    await store.opened;
  } catch (err) {
    await store.close();
    throw new Error(err instanceof DatabaseError ? err.message : String(err));
  }
  return { store, where: `in the PostgreSQL database ${databaseName(url)}`, described: `postgres:${store.description}` };
}

/** The SQLite store of a --data file, its folders created; throws with a one-line reason. */
function openSqlite(settings: ServeSettings, data: string): OpenedStore {
  if (settings.tokenSecret !== undefined) throw new Error('--token-secret signs the $skiptoken links of a postgres:// --data; remove it, or use a postgres:// --data');
  const path = resolve(data);
  // Loaded only when asked for: the native module is not needed for an in-memory sandbox.
  let sqlite: typeof import('../store/sqlite-store');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sqlite = require('../store/sqlite-store') as typeof import('../store/sqlite-store');
  } catch (err) {
    // better-sqlite3 is an optional dependency: an install without a compiler (or --omit=optional) has none.
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes('better-sqlite3')) {
      throw new Error(`--data needs the optional dependency better-sqlite3, which is not installed: run npm install better-sqlite3@12 (it compiles from source where no prebuilt binary fits), or serve in memory without --data`);
    }
    throw err;
  }
  const { createSqliteStore, DataFileError } = sqlite;
  // SQLite creates a missing data file; its missing folders are created the same way.
  prepareOutput('--data', data, 'file');
  try {
    return { store: createSqliteStore(path, { maxEntities: settings.maxEntities, maxDataBytes: settings.maxDataSize }), where: `in the SQLite file ${path}`, described: `sqlite:${path}` };
  } catch (err) {
    throw new Error(err instanceof DataFileError ? err.message : String(err));
  }
}

/** The store `--data` names: memory, a SQLite file or a PostgreSQL database; rejects with a one-line reason. */
export async function openStore(settings: ServeSettings, logNotice: (message: string) => void): Promise<OpenedStore> {
  if (settings.data === undefined) return { store: createMemoryStore(), where: 'in memory (gone when the server stops)', described: 'memory' };
  if (isDatabaseUrl(settings.data)) return openDatabase(settings, settings.data, logNotice);
  return openSqlite(settings, settings.data);
}
