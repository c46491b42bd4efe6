import type { PoolClient } from 'pg';
import type { Entity } from '../store';
import { storedBytes } from '../store';
import type { Database } from './database';
import { GENERATION_SETTING, MIGRATION_LOCK } from './schema';
import { isUnstorable } from './unstorable';

/** Rows written in one statement of a reset or seed (unnest of arrays): big enough to be fast, small enough to bound memory. */
const BATCH_ROWS = 2000;

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

/** Replaces every set's entities with `contents` in one transaction, holding every other statement until it is done. */
export async function resetContents(db: Database, contents: ReadonlyMap<string, readonly Entity[]>): Promise<void> {
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
}

/** Puts each set's entities into it when it is empty, under the migration lock; answers how many it stored. */
export async function seedEmptySets(db: Database, contents: ReadonlyMap<string, readonly Entity[]>): Promise<number> {
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
}

/** Adds many entities to a set in one transaction; a taken id fails it and stores none. */
export async function appendEntities(db: Database, path: string, entities: readonly Entity[]): Promise<void> {
  await db.exclusive(() =>
    db.transaction(async (client) => {
      await client.query("SET LOCAL statement_timeout = 0; SET LOCAL mockgraph.bulk = 'on'");
      await addToCount(client, path, entities.length, await insertAll(client, path, entities));
    }),
  );
}
