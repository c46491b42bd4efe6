import { Pool } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import { EVALUATION_DEADLINE_MS } from '../../odata/query/limits';
import { Database } from './database';
import { databaseName, DatabaseError, isUnavailable } from './failures';
import type { PostgresStoreOptions } from './postgres-store';
import { migrate } from './schema';
import { indexStatements, SQL_FUNCTIONS } from './sql-query';

/** Every statement but collection queries and resets stops after this (a request never hangs on the database). */
const STATEMENT_TIMEOUT_MS = 10_000;

/** A schema name that is safe to write into SQL (it cannot be a parameter). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function poolConfig(url: string, max: number, statementTimeout: number, schema: string | undefined, waitMs = 2000): PoolConfig {
  return {
    connectionString: url,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
    // Idle connections do not keep the process alive (a CLI command or test ends when its work does).
    allowExitOnIdle: true,
    max,
    // How long a request waits for a free connection (a database that is down refuses new ones at once).
    connectionTimeoutMillis: waitMs,
    idleTimeoutMillis: 10_000,
    statement_timeout: statementTimeout,
    // The driver's own bound on waiting for a reply: a database that stops answering (not closing) is not a hang.
    query_timeout: STATEMENT_TIMEOUT_MS + 2000,
    application_name: 'mockgraph',
  };
}

/** Waits until the database answers, for at most `timeoutMs`; a server that refuses the credentials fails at once. */
async function connectWithRetry(pool: Pool, where: string, timeoutMs: number, logNotice: (m: string) => void): Promise<PoolClient> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      return await pool.connect();
    } catch (err) {
      const waited = Date.now() - started;
      if (!isUnavailable(err)) throw new DatabaseError(`the PostgreSQL database at ${where} refused the connection: ${(err as Error).message}`);
      if (waited >= timeoutMs) {
        throw new DatabaseError(`the PostgreSQL database at ${where} cannot be reached (${String((err as { code?: unknown }).code ?? (err as Error).message)}); gave up after ${Math.round(waited / 1000)} s`);
      }
      if (!told) logNotice(`mockgraph: waiting for the PostgreSQL database at ${where} (up to ${Math.round(timeoutMs / 1000)} s)…`);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(500, timeoutMs - waited)));
    }
  }
}

/** Reaches the database (for a bounded time) and migrates it; the reason it cannot, as a DatabaseError. */
export async function openDatabase(db: Database, options: PostgresStoreOptions): Promise<void> {
  try {
    const client = await connectWithRetry(db.pool, db.where, options.connectTimeoutMs ?? 30_000, options.logNotice ?? (() => undefined));
    const onError = (err: Error) => db.lost(err);
    client.on('error', onError);
    try {
      await migrate(client, SQL_FUNCTIONS, indexStatements(options.indexes ?? []), options.schema);
    } finally {
      client.off('error', onError);
      client.release();
    }
  } catch (err) {
    db.failed = err instanceof DatabaseError ? err : new DatabaseError(`the PostgreSQL database at ${db.where}: ${(err as Error).message}`);
    throw db.failed;
  }
}

/** The database at `options.url` with its pools, not reached yet; a schema name mockgraph does not accept is a DatabaseError. */
export function createDatabase(options: PostgresStoreOptions): Database {
  const where = databaseName(options.url);
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new DatabaseError(`'${options.schema}' is not a schema name mockgraph accepts (lower-case letters, digits and _)`);
  const max = options.maxConnections ?? 10;
  const pool = new Pool(poolConfig(options.url, max, STATEMENT_TIMEOUT_MS, options.schema));
  // Queries wait for a connection as long as the query engine lets a query wait for its turn.
  return new Database(pool, (budgetMs) => new Pool(poolConfig(options.url, max, budgetMs, options.schema, EVALUATION_DEADLINE_MS)), where);
}
