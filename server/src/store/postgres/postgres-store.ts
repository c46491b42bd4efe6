import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool } from 'pg';
import type { PoolClient, PoolConfig } from 'pg';
import type { Entity, EntityCollection, EntityStore, StoreHealth } from '../store';
import { storedBytes, StoreConflictError, StoreQuotaError } from '../store';
import type { StorageBounds } from '../store';
import { GraphError } from '../../graph/errors';
import { EVALUATION_DEADLINE_MS } from '../../odata/query/limits';
import { databaseName, isUnavailable, redactedUrl, storeError } from './failures';
import { PostgresQueries } from './pg-queries';
import { GENERATION_SETTING, migrate, MIGRATION_LOCK, TOKEN_SECRET_SETTING } from './schema';
import { indexStatements, SQL_FUNCTIONS } from './sql-query';
import type { IndexSpec } from './sql-query';

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

/** Raised when the database cannot be served: unreachable past the start-up timeout, or of a newer schema. */
export class DatabaseError extends Error {}

/** Rows written in one statement of a reset or seed (unnest of arrays): big enough to be fast, small enough to bound memory. */
const BATCH_ROWS = 2000;
/** How often health is checked while the database is reachable, and retried while it is not. */
const HEALTH_INTERVAL_MS = 500;
/** Every statement but collection queries and resets stops after this (a request never hangs on the database). */
const STATEMENT_TIMEOUT_MS = 10_000;

/** The database, its health and the statements every collection runs. */
export class Database {
  private ready = true;
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The transaction of an atomically() in progress, in its async context: statements there run on it. */
  private readonly scope = new AsyncLocalStorage<PoolClient>();

  /** Whether the caller runs inside atomically() (its reads of an entity then lock it until the transaction ends). */
  inTransaction(): boolean {
    return this.scope.getStore() !== undefined;
  }

  /** Runs `work` with every statement of its async context in one transaction. */
  atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.transaction((client) => this.scope.run(client, work));
  }

  /** What every statement waits for: the opening (migration), then the bulk write (reset, seed) in progress. */
  private gate: Promise<void> = Promise.resolve();

  /** The pools of collection queries, by evaluation budget: their statement timeout is the budget. */
  private readonly queryPools = new Map<number, Pool>();

  constructor(
    readonly pool: Pool,
    private readonly queryPoolOf: (budgetMs: number) => Pool,
    readonly where: string,
  ) {
    // An idle connection the server drops (a restart) is an event, not a crash of the process.
    pool.on('error', (err) => this.lost(err));
  }

  /** The pool whose statements stop at `budgetMs` (one per budget; an app has one). */
  queryPool(budgetMs: number): Pool {
    let pool = this.queryPools.get(budgetMs);
    if (!pool) {
      this.queryPools.set(budgetMs, (pool = this.queryPoolOf(budgetMs)));
      pool.on('error', (err) => this.lost(err));
    }
    return pool;
  }

  /**
   * A collection query: as run(), but a statement stopped by its pool's timeout is rethrown as it is (the query
   * used up its evaluation budget: the caller's 400), not as a busy database.
   */
  async runQuery<R extends Record<string, unknown>>(text: string, values: unknown[], budgetMs: number): Promise<R[]> {
    await this.passGate();
    try {
      return (await (this.scope.getStore() ?? this.queryPool(budgetMs)).query<R>(text, values)).rows;
    } catch (err) {
      if ((err as { code?: unknown }).code === '57014') throw err;
      this.lost(err);
      throw storeError(err, this.where);
    }
  }

  /** Marks the database unreachable (health says not ready) until a check reaches it again. */
  lost(err: unknown): void {
    if (!isUnavailable(err)) return;
    this.ready = false;
    this.reason = `the PostgreSQL database at ${this.where} cannot be reached (${String((err as { code?: unknown }).code ?? (err as Error).message)})`;
    this.watch();
  }

  health(): StoreHealth {
    return this.ready ? { ready: true } : { ready: false, reason: this.reason, retryAfterSeconds: 2 };
  }

  /**
   * While the database is lost, checks it every HEALTH_INTERVAL_MS, so that health (and the requests after it)
   * recover by themselves when it returns; a reachable database needs no timer.
   */
  private watch(): void {
    if (this.timer !== undefined || this.closed) return;
    const check = async () => {
      try {
        await this.pool.query('SELECT 1');
        this.ready = true;
        this.reason = undefined;
        clearInterval(this.timer);
        this.timer = undefined;
      } catch (err) {
        this.lost(err);
      }
    };
    this.timer = setInterval(() => void check(), HEALTH_INTERVAL_MS);
    this.timer.unref();
  }

  private closed = false;

  /**
   * Runs `work` after everything already queued on the gate, and holds every later statement until it is done:
   * for the opening and for bulk writes, so that a reset is seen whole by the requests after it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.gate.then(work);
    this.gate = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Waits for the opening and any bulk write in progress; an opening that failed fails every statement. */
  private async passGate(): Promise<void> {
    await this.gate;
    if (this.failed) throw this.failed;
  }

  /** Why opening the database failed, once it has. */
  failed: Error | undefined;

  /** Runs a statement; an unreachable database is StoreUnavailableError (a 503), and health says so. */
  async run<R extends Record<string, unknown>>(text: string, values: unknown[] = [], pool: Pool = this.pool): Promise<R[]> {
    await this.passGate();
    return this.runNow<R>(text, values, pool);
  }

  /** run() without waiting at the gate (for work that holds it). */
  async runNow<R extends Record<string, unknown>>(text: string, values: unknown[] = [], pool: Pool = this.pool): Promise<R[]> {
    try {
      return (await (this.scope.getStore() ?? pool).query<R>(text, values)).rows;
    } catch (err) {
      this.lost(err);
      throw storeError(err, this.where);
    }
  }

  /** Runs `work` in one transaction on one connection (committed before it resolves); errors roll it back. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.failed) throw this.failed;
    // Inside atomically(): the work joins the transaction in progress.
    const current = this.scope.getStore();
    if (current) return work(current);
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      this.lost(err);
      throw storeError(err, this.where);
    }
    // A connection that ends while checked out emits 'error' on itself, not on the pool: without a listener it
    // would end the process. The failure reaches `work` as its query's rejection.
    const onError = (err: Error) => this.lost(err);
    client.on('error', onError);
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollback: unknown) => (broken = rollback));
      this.lost(err);
      throw storeError(err, this.where);
    } finally {
      client.off('error', onError);
      // A connection that could not even roll back is discarded, not handed to the next request.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.allSettled([this.pool, ...this.queryPools.values()].map((p) => p.end()));
  }
}

/** The statements of single writes; the trigger mockgraph_count keeps the set's figures in the same transaction. */
const INSERT = `INSERT INTO mockgraph_entities (entity_set, id, doc, body, bytes) VALUES ($1, $2, $3::text, $3::text::jsonb, $4)
  ON CONFLICT (entity_set, id) DO NOTHING RETURNING 1 AS done`;
/**
 * An insert that checks the storage limits in the same statement ($5 entities in the set, $6 bytes in all): only
 * statements running at the same instant can pass them together, so a burst overshoots by at most the writes in
 * flight (the pools' connections), not by the burst.
 */
const INSERT_WITHIN = `INSERT INTO mockgraph_entities (entity_set, id, doc, body, bytes)
  SELECT $1::text, $2::text, $3::text, $3::text::jsonb, $4::integer
  WHERE (SELECT coalesce(sum(entities), 0) FROM mockgraph_sets WHERE entity_set = $1::text) < $5::bigint
    AND (SELECT coalesce(sum(bytes), 0) FROM mockgraph_sets) + $4::integer <= $6::bigint
  ON CONFLICT (entity_set, id) DO NOTHING RETURNING 1 AS done`;
const REPLACE = `UPDATE mockgraph_entities SET doc = $3::text, body = $3::text::jsonb, bytes = $4, version = version + 1
  WHERE entity_set = $1 AND id = $2 RETURNING 1 AS done`;
/** A replace computed from version $5: it writes only if nobody wrote since; else `current` says why not. */
const REPLACE_IF = `WITH changed AS (
    UPDATE mockgraph_entities SET doc = $3::text, body = $3::text::jsonb, bytes = $4, version = version + 1
    WHERE entity_set = $1 AND id = $2 AND version = $5 RETURNING 1)
  SELECT (SELECT count(*) FROM changed) AS done, (SELECT count(*) FROM mockgraph_entities WHERE entity_set = $1 AND id = $2) AS present`;
const DELETE = `DELETE FROM mockgraph_entities WHERE entity_set = $1 AND id = $2 RETURNING 1 AS done`;
/** The advisory lock that inserts near a storage limit take their turn under ("quota" in ASCII). */
const QUOTA_LOCK = 0x71756f7461n;

/**
 * SQLSTATEs of a value PostgreSQL cannot hold: U+0000 in text (22021) or in JSONB (22P05), and a lone surrogate,
 * which JSON.stringify writes as an escape that JSONB refuses (22P02). No stored entity can hold one.
 */
const UNSTORABLE = new Set(['22021', '22P05', '22P02']);

function isUnstorable(err: unknown): boolean {
  return UNSTORABLE.has(String((err as { code?: unknown }).code));
}

/** The 400 for a write whose strings PostgreSQL cannot store. */
function unstorable(): GraphError {
  return new GraphError('BadRequest', 'Invalid request body: a string holds a character this store cannot keep (U+0000, or an unpaired UTF-16 surrogate).');
}

/** The row version of each entity get() answered: a replace computed from it writes only if it is still current. */
const VERSIONS = new WeakMap<Entity, string>();

/** Rows read per round trip while walking a whole collection. */
const WALK_BATCH = 500;

/** One entity set's rows. Every call is a statement of its own: acknowledged only once committed. */
class PostgresCollection implements EntityCollection {
  readonly queries: PostgresQueries;

  constructor(
    private readonly db: Database,
    private readonly path: string,
    tokens: () => Promise<{ secret: string; generation: () => Promise<string> }>,
  ) {
    this.queries = new PostgresQueries(db, path, tokens);
  }

  async get(id: string): Promise<Entity | undefined> {
    // A key PostgreSQL cannot hold names no stored entity.
    // In a transaction the read holds the row (FOR UPDATE): a replace computed from it cannot be overtaken.
    const lock = this.db.inTransaction() ? ' FOR UPDATE' : '';
    const rows = await this.db.run<{ doc: string; version: string }>(`SELECT doc, version FROM mockgraph_entities WHERE entity_set = $1 AND id = $2${lock}`, [this.path, id]).catch((err: unknown) => {
      if (isUnstorable(err)) return [];
      throw err;
    });
    const row = rows[0];
    if (row === undefined) return undefined;
    const entity = JSON.parse(row.doc) as Entity;
    VERSIONS.set(entity, row.version);
    return entity;
  }
  async insert(entity: Entity, json?: string, within?: StorageBounds): Promise<boolean> {
    const text = json ?? JSON.stringify(entity);
    if (within === undefined) return (await this.write(INSERT, [this.path, entity.id, text, storedBytes(text)])).length > 0;
    const bound = (n: number) => (Number.isFinite(n) ? Math.floor(n) : Number.MAX_SAFE_INTEGER);
    const values = [this.path, entity.id, text, storedBytes(text), bound(within.maxEntities), bound(within.maxDataBytes)];
    // Near a limit, inserts of every replica take their turn: each reads the figures the one before it committed.
    const rows = within.near ? await this.writeInTurn(values) : await this.write(INSERT_WITHIN, values);
    if (rows.length > 0) return true;
    // Nothing written: the id is taken, or the limits were reached.
    if ((await this.get(entity.id)) !== undefined) return false;
    throw new StoreQuotaError(`${this.path}: the write would pass a storage limit`);
  }
  async replace(entity: Entity, json?: string, previous?: Entity): Promise<boolean> {
    const text = json ?? JSON.stringify(entity);
    const version = previous === undefined ? undefined : VERSIONS.get(previous);
    if (version === undefined) return (await this.write(REPLACE, [this.path, entity.id, text, storedBytes(text)])).length > 0;
    const [row] = (await this.write(REPLACE_IF, [this.path, entity.id, text, storedBytes(text), version])) as Array<{ done: string; present: string }>;
    if (Number(row?.done) > 0) return true;
    if (Number(row?.present) > 0) throw new StoreConflictError(`${this.path}/${entity.id} changed since it was read`);
    return false;
  }
  async delete(id: string): Promise<boolean> {
    return (await this.write(DELETE, [this.path, id]).catch((err: unknown) => {
      if (err instanceof GraphError) return [];
      throw err;
    })).length > 0;
  }

  /** INSERT_WITHIN in a transaction of its own, after QUOTA_LOCK: its snapshot is taken once the lock is held. */
  private async writeInTurn(values: unknown[]): Promise<unknown[]> {
    try {
      return await this.db.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [QUOTA_LOCK.toString()]);
        return (await client.query(INSERT_WITHIN, values)).rows;
      });
    } catch (err) {
      throw isUnstorable(err) ? unstorable() : err;
    }
  }

  /** A write; one whose strings PostgreSQL cannot hold is a 400 and changes nothing. */
  private async write(text: string, values: unknown[]): Promise<unknown[]> {
    try {
      return await this.db.run(text, values);
    } catch (err) {
      throw isUnstorable(err) ? unstorable() : err;
    }
  }
  async count(): Promise<number> {
    const [row] = await this.db.run<{ entities: string }>('SELECT coalesce(sum(entities), 0) AS entities FROM mockgraph_sets WHERE entity_set = $1', [this.path]);
    return Number(row?.entities ?? 0);
  }
  async *values(): AsyncIterable<Entity> {
    let after = '-1';
    for (;;) {
      const rows = await this.db.run<{ doc: string; seq: string }>('SELECT doc, seq FROM mockgraph_entities WHERE entity_set = $1 AND seq > $2 ORDER BY seq LIMIT $3', [this.path, after, WALK_BATCH]);
      for (const row of rows) yield JSON.parse(row.doc) as Entity;
      if (rows.length < WALK_BATCH) return;
      after = rows[rows.length - 1]!.seq;
    }
  }
}

/** Inserts entities of one set in batches, on a connection inside a transaction; returns their stored bytes. */
async function insertAll(client: PoolClient, path: string, entities: readonly Entity[]): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < entities.length; i += BATCH_ROWS) {
    const batch = entities.slice(i, i + BATCH_ROWS);
    const docs = batch.map((e) => JSON.stringify(e));
    const sizes = docs.map((d) => storedBytes(d));
    bytes += sizes.reduce((n, b) => n + b, 0);
    await insertBatch(client, path, batch, docs, sizes, i);
  }
  return bytes;
}

/** One batch of insertAll; a string PostgreSQL cannot hold names the entity that holds it. */
async function insertBatch(client: PoolClient, path: string, batch: readonly Entity[], docs: string[], sizes: number[], offset: number): Promise<void> {
  try {
    await client.query(
      `INSERT INTO mockgraph_entities (entity_set, id, doc, body, bytes)
       SELECT $1, u.id, u.doc, u.doc::jsonb, u.bytes FROM unnest($2::text[], $3::text[], $4::integer[]) WITH ORDINALITY AS u(id, doc, bytes, n) ORDER BY u.n`,
      [path, batch.map((e) => e.id), docs, sizes],
    );
  } catch (err) {
    if (!isUnstorable(err)) throw err;
    const at = docs.findIndex((d) => /\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(d) || batch[docs.indexOf(d)]?.id.includes('\u0000'));
    const which = at < 0 ? 'an entity' : `entity ${offset + at + 1} (id '${String(batch[at]?.id).replace(/[\u0000-\u001f]/g, '?').slice(0, 100)}')`;
    throw new Error(`${path}: ${which} holds a string PostgreSQL cannot keep (U+0000, or an unpaired UTF-16 surrogate)`);
  }
}

/** Sets a set's figures after a bulk write (its revision grows): all of them in slot 0, the other slots emptied. */
async function recount(client: PoolClient, path: string, entities: number, bytes: number): Promise<void> {
  await client.query('UPDATE mockgraph_sets SET entities = 0, bytes = 0, revision = revision + 1 WHERE entity_set = $1', [path]);
  await addToCount(client, path, entities, bytes);
}

/** Adds a bulk write's figures to a set's slot 0. */
async function addToCount(client: PoolClient, path: string, entities: number, bytes: number): Promise<void> {
  await client.query(
    `INSERT INTO mockgraph_sets AS s (entity_set, slot, entities, bytes, revision) VALUES ($1, 0, $2, $3, 1)
     ON CONFLICT (entity_set, slot) DO UPDATE SET entities = s.entities + EXCLUDED.entities, bytes = s.bytes + EXCLUDED.bytes, revision = s.revision + 1`,
    [path, entities, bytes],
  );
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
async function open(db: Database, options: PostgresStoreOptions): Promise<void> {
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

/**
 * The PostgreSQL store at `options.url`. It opens in the background (`opened`): waits for the database for a
 * bounded time, migrates under an advisory lock and creates the query indexes; every statement waits for that.
 * Then it watches the database's health.
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const where = databaseName(options.url);
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new DatabaseError(`'${options.schema}' is not a schema name mockgraph accepts (lower-case letters, digits and _)`);
  const max = options.maxConnections ?? 10;
  const pool = new Pool(poolConfig(options.url, max, STATEMENT_TIMEOUT_MS, options.schema));
  // Queries wait for a connection as long as the query engine lets a query wait for its turn.
  const db = new Database(pool, (budgetMs) => new Pool(poolConfig(options.url, max, budgetMs, options.schema, EVALUATION_DEADLINE_MS)), where);
  const opened = db.exclusive(() => open(db, options));
  // Observed so that a failure is not an unhandled rejection; `opened` still reports it.
  opened.catch(() => undefined);

  let secret: Promise<string> | undefined;
  const readSecret = async () => {
    if (options.tokenSecret !== undefined) return options.tokenSecret;
    const [row] = await db.run<{ value: string }>('SELECT value FROM mockgraph_settings WHERE name = $1', [TOKEN_SECRET_SETTING]);
    if (!row) throw new Error('the database has no token secret: its mockgraph schema is damaged');
    return row.value;
  };
  const generation = async () => {
    const [row] = await db.run<{ value: string }>('SELECT value FROM mockgraph_settings WHERE name = $1', [GENERATION_SETTING]);
    return row?.value ?? '0';
  };
  const tokens = async () => {
    secret ??= readSecret();
    try {
      return { secret: await secret, generation };
    } catch (err) {
      secret = undefined;
      throw err;
    }
  };
  const collections = new Map<string, PostgresCollection>();

  return {
    opened,
    description: redactedUrl(options.url),
    collection(path) {
      let c = collections.get(path);
      if (!c) collections.set(path, (c = new PostgresCollection(db, path, tokens)));
      return c;
    },
    async reset(contents) {
      await db.exclusive(() => db.transaction(async (client) => {
        await client.query("SET LOCAL statement_timeout = 0; SET LOCAL mockgraph.bulk = 'on'");
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
        // Writes of other replicas wait (reads go on) and those in flight finish first: none escapes the recount.
        await client.query('LOCK TABLE mockgraph_entities IN EXCLUSIVE MODE');
        // Rows first: an id twice in the contents fails the primary key and rolls everything back.
        await client.query('DELETE FROM mockgraph_entities');
        await client.query('UPDATE mockgraph_sets SET entities = 0, bytes = 0, revision = revision + 1');
        for (const [path, entities] of contents) await recount(client, path, entities.length, await insertAll(client, path, entities));
        await client.query(`UPDATE mockgraph_settings SET value = (value::bigint + 1)::text WHERE name = $1`, [GENERATION_SETTING]);
      }));
    },
    async seedEmpty(contents) {
      return db.exclusive(() => db.transaction(async (client) => {
        await client.query("SET LOCAL statement_timeout = 0; SET LOCAL mockgraph.bulk = 'on'");
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
        await client.query('LOCK TABLE mockgraph_entities IN EXCLUSIVE MODE');
        let stored = 0;
        for (const [path, entities] of contents) {
          const { rows } = await client.query('SELECT 1 FROM mockgraph_entities WHERE entity_set = $1 LIMIT 1', [path]);
          if (rows.length > 0 || entities.length === 0) continue;
          await recount(client, path, entities.length, await insertAll(client, path, entities));
          stored += entities.length;
        }
        return stored;
      }));
    },
    async append(path, entities) {
      await db.exclusive(() =>
        db.transaction(async (client) => {
          await client.query("SET LOCAL statement_timeout = 0; SET LOCAL mockgraph.bulk = 'on'");
          await addToCount(client, path, entities.length, await insertAll(client, path, entities));
        }),
      );
    },
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
