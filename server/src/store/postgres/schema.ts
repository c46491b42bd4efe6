import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';

/** The schema version this build writes; a database at a later version was written by a newer mockgraph. */
export const SCHEMA_VERSION = 1;

/** The advisory lock that serialises migrations (and seeding) of replicas starting at once: "mockgraph" in ASCII. */
export const MIGRATION_LOCK = 0x6d6f636b67726170n;

/**
 * Version 1: one table of entities keyed by entity set and id, with the JSON text as the server answers it (`doc`,
 * key order kept) and as JSONB (`body`, what queries read); `seq` is the insertion order the memory store keeps.
 * `mockgraph_sets` keeps each set's count, stored bytes and revision, updated by a trigger in the transaction of every write;
 * `mockgraph_walks` the queries that `$skiptoken`s page through (any replica continues any walk).
 */
const MIGRATIONS: ReadonlyArray<readonly string[]> = [
  [
    `CREATE SEQUENCE mockgraph_seq`,
    `CREATE TABLE mockgraph_entities (
       entity_set text NOT NULL,
       id text NOT NULL,
       seq bigint NOT NULL DEFAULT nextval('mockgraph_seq'),
       doc text NOT NULL,
       body jsonb NOT NULL,
       bytes integer NOT NULL,
       version bigint NOT NULL DEFAULT 0,
       PRIMARY KEY (entity_set, id)
     )`,
    `CREATE UNIQUE INDEX mockgraph_entities_order ON mockgraph_entities (entity_set, seq)`,
    // Each set's figures in COUNTER_SLOTS rows (summed when read), so that concurrent writes to one set rarely wait
    // for the same row lock.
    `CREATE TABLE mockgraph_sets (
       entity_set text NOT NULL,
       slot smallint NOT NULL DEFAULT 0,
       entities bigint NOT NULL DEFAULT 0,
       bytes bigint NOT NULL DEFAULT 0,
       revision bigint NOT NULL DEFAULT 0,
       PRIMARY KEY (entity_set, slot)
     )`,
    `CREATE TABLE mockgraph_settings (name text PRIMARY KEY, value text NOT NULL)`,
    // Each row written updates its set's figures in the same transaction (a bulk write recounts instead).
    `CREATE FUNCTION mockgraph_count() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF current_setting('mockgraph.bulk', true) = 'on' THEN RETURN NULL; END IF;
       IF TG_OP = 'INSERT' THEN
         INSERT INTO mockgraph_sets AS s (entity_set, slot, entities, bytes, revision) VALUES (NEW.entity_set, abs(hashtext(NEW.id)) % 16, 1, NEW.bytes, 1)
         ON CONFLICT (entity_set, slot) DO UPDATE SET entities = s.entities + 1, bytes = s.bytes + EXCLUDED.bytes, revision = s.revision + 1;
       ELSIF TG_OP = 'UPDATE' THEN
         INSERT INTO mockgraph_sets AS s (entity_set, slot, bytes, revision) VALUES (NEW.entity_set, abs(hashtext(NEW.id)) % 16, NEW.bytes - OLD.bytes, 1)
         ON CONFLICT (entity_set, slot) DO UPDATE SET bytes = s.bytes + EXCLUDED.bytes, revision = s.revision + 1;
       ELSE
         INSERT INTO mockgraph_sets AS s (entity_set, slot, entities, bytes, revision) VALUES (OLD.entity_set, abs(hashtext(OLD.id)) % 16, -1, -OLD.bytes, 1)
         ON CONFLICT (entity_set, slot) DO UPDATE SET entities = s.entities - 1, bytes = s.bytes + EXCLUDED.bytes, revision = s.revision + 1;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER mockgraph_count AFTER INSERT OR UPDATE OR DELETE ON mockgraph_entities FOR EACH ROW EXECUTE FUNCTION mockgraph_count()`,
    // The queries being paged through: a $skiptoken names its walk, so that links stay short whatever the query.
    `CREATE TABLE mockgraph_walks (id text PRIMARY KEY, query text NOT NULL, created timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX mockgraph_walks_created ON mockgraph_walks (created)`,
  ],
];

/** The settings row that holds the secret every replica signs `$skiptoken`s with. */
export const TOKEN_SECRET_SETTING = 'token-secret';
/** The settings row counting resets: a token of an earlier generation is refused, as one server's are after a reset. */
export const GENERATION_SETTING = 'generation';

/**
 * Brings the schema to SCHEMA_VERSION in one transaction under MIGRATION_LOCK, so that replicas starting at once
 * migrate once; then runs `functions` (CREATE OR REPLACE, idempotent) and `indexes` (CREATE INDEX IF NOT EXISTS).
 * A database of a later version is refused.
 */
export async function migrate(client: PoolClient, functions: readonly string[], indexes: readonly string[], schema?: string): Promise<void> {
  // The compiled queries compare strings as UTF-8 code points and map case with ICU: a database without them would
  // answer differently from the query engine, so it is refused rather than served.
  const { rows: facts } = await client.query<{ encoding: string; icu: boolean }>(
    "SELECT pg_encoding_to_char(encoding) AS encoding, EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') AS icu FROM pg_database WHERE datname = current_database()",
  );
  if (facts[0]?.encoding !== 'UTF8') throw new Error(`its encoding is ${facts[0]?.encoding ?? 'unknown'}; mockgraph needs a UTF8 database (createdb -E UTF8 -T template0)`);
  if (!facts[0]?.icu) throw new Error('it has no ICU collation und-x-icu; mockgraph needs a PostgreSQL server built with ICU (Debian\'s and the official images are)');
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    // Under the lock: CREATE SCHEMA IF NOT EXISTS of two replicas at once would collide. (The name is checked by the caller.)
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS mockgraph_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM mockgraph_schema');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`the database holds mockgraph schema version ${current}, written by a newer mockgraph than this one (version ${SCHEMA_VERSION}); upgrade mockgraph or use another database`);
    }
    for (let v = current; v < SCHEMA_VERSION; v++) for (const statement of MIGRATIONS[v] ?? []) await client.query(statement);
    if (rows.length === 0) await client.query('INSERT INTO mockgraph_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    else if (current !== SCHEMA_VERSION) await client.query('UPDATE mockgraph_schema SET version = $1', [SCHEMA_VERSION]);
    await client.query(`INSERT INTO mockgraph_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [TOKEN_SECRET_SETTING, randomBytes(32).toString('base64url')]);
    await client.query(`INSERT INTO mockgraph_settings (name, value) VALUES ($1, '0') ON CONFLICT (name) DO NOTHING`, [GENERATION_SETTING]);
    for (const statement of functions) await client.query(statement);
    for (const statement of indexes) await client.query(statement);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
