import type { Entity, EntityCollection } from '../store';
import { storedBytes, StoreConflictError, StoreQuotaError } from '../store';
import type { StorageBounds } from '../store';
import { GraphError } from '../../graph/errors';
import type { Database } from './database';
import { PostgresQueries } from './pg-queries';
import type { TokenSource } from './pg-queries';
import { isUnstorable, unstorable } from './unstorable';
import { DELETE, INSERT, INSERT_WITHIN, QUOTA_LOCK, REPLACE, REPLACE_IF } from './write-statements';

/** The row version of each entity get() answered: a replace computed from it writes only if it is still current. */
const VERSIONS = new WeakMap<Entity, string>();

/** Rows read per round trip while walking a whole collection. */
const WALK_BATCH = 500;

/** One entity set's rows. Every call is a statement of its own: acknowledged only once committed. */
export class PostgresCollection implements EntityCollection {
  readonly queries: PostgresQueries;

  constructor(
    private readonly db: Database,
    private readonly path: string,
    tokens: TokenSource,
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
