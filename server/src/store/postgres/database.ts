import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import type { StoreHealth } from '../store';
import { isUnavailable, storeError } from './failures';

/** How often health is checked while the database is reachable, and retried while it is not. */
const HEALTH_INTERVAL_MS = 500;

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
