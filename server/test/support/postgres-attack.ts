import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { Client } from 'pg';
import type { Express } from 'express';
import { storeReady } from '../../src/http/store-ready';
import { createPostgresStore } from '../../src/store/postgres/postgres-store';
import type { PostgresStore } from '../../src/store/postgres/postgres-store';
import { createMemoryStore } from '../../src/store/memory-store';
import type { EntityStore } from '../../src/store/store';
import { AUTH, COLLECTION, testApp } from '../helpers';
import type { PostgresForTests } from './postgres';

/*
 * A hostile or careless user against the PostgreSQL store: odd literals and bodies, tampered tokens, concurrent
 * writers, slow queries, a database that goes away, and credentials. Every answer is compared with what the
 * memory store gives for the same request, or with what docs/stores.md promises.
 */

export type Answer = { status: number; body: unknown };

/** A response without what legitimately differs between stores: the $skiptoken value and innerError's ids. */
export function comparable(res: { status: number; body: unknown; text?: string }): Answer {
  const body = structuredClone(res.body) as Record<string, unknown> & { error?: { innerError?: unknown } };
  if (body && typeof body === 'object') {
    if (typeof body['@odata.nextLink'] === 'string') body['@odata.nextLink'] = body['@odata.nextLink'].replace(/\$skiptoken=[^&]*/, '$skiptoken=…');
    if (body.error) delete body.error.innerError;
  }
  return { status: res.status, body: Object.keys(body ?? {}).length === 0 ? res.text : body };
}

/** The ids of a page, or the error message. */
export function idsOf(res: { status: number; body: { value?: Array<{ id: string }>; error?: { message: string } } }): string[] | string {
  return res.body.value?.map((e) => e.id) ?? `${res.status} ${res.body.error?.message ?? ''}`;
}

/** Follows every nextLink of a walk, calling `between` after the first page. */
export async function walk(app: Express | Server, query: Record<string, string | number>, between: () => Promise<void> = async () => undefined): Promise<string[]> {
  const ids: string[] = [];
  let res = await request(app).get(COLLECTION).query(query).set(AUTH);
  await between();
  for (let pages = 0; ; pages++) {
    expect(res.status).toBe(200);
    ids.push(...(res.body.value as Array<{ id: string }>).map((e) => e.id));
    const next = res.body['@odata.nextLink'] as string | undefined;
    if (!next || pages > 100) return ids;
    const u = new URL(next);
    res = await request(app).get(u.pathname + u.search).set(AUTH);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** What every attack suite needs: stores in fresh schemas (dropped after), listening apps, SQL clients, counts. */
export function attackKit(pg: PostgresForTests) {

  const stores: EntityStore[] = [];
  const schemas: string[] = [];
  const servers: Server[] = [];
  /** A PostgreSQL store in a fresh schema of the test server; `schema` is its name, for counting rows in SQL. */
  const pgStore = (options: Partial<Parameters<typeof createPostgresStore>[0]> = {}, schema = `t_attack_${randomBytes(8).toString('hex')}`): PostgresStore & { schema: string } => {
    const store = createPostgresStore({ url: pg.url, schema, ...options });
    stores.push(store);
    if (!schemas.includes(schema)) schemas.push(schema);
    return Object.assign(store, { schema });
  };
  /** An app listening on a port of its own (requests really run at once, as from many clients). */
  const listening = (app: Express): Server => {
    const server = app.listen(0);
    servers.push(server);
    return server;
  };
  /** A client of the test server; an 'error' event (a stopped cluster) never crashes the suite. */
  const sqlClient = async (url = pg.url): Promise<Client> => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  /** The rows of the ipSecurityProfiles set in a schema and the count its set row keeps (what health and quotas read). */
  const figures = async (schema: string): Promise<{ rows: number; kept: number; bytes: number; keptBytes: number }> => {
    const client = await sqlClient();
    try {
      const { rows } = await client.query(
        `SELECT (SELECT count(*) FROM ${schema}.mockgraph_entities WHERE entity_set = $1)::int AS rows,
                (SELECT coalesce(sum(bytes), 0) FROM ${schema}.mockgraph_entities WHERE entity_set = $1)::int AS bytes,
                (SELECT coalesce(sum(entities), 0) FROM ${schema}.mockgraph_sets WHERE entity_set = $1)::int AS kept,
                (SELECT coalesce(sum(bytes), 0) FROM ${schema}.mockgraph_sets WHERE entity_set = $1)::int AS "keptBytes"`,
        ['security/ipSecurityProfiles'],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    for (const s of servers) s.close();
    for (const s of stores) await s.close();
    const client = await sqlClient();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  /** The same app over memory and over PostgreSQL, with the same seed. */
  async function twoStores(seed: Array<Record<string, unknown>>, options: Parameters<typeof testApp>[0] = {}) {
    const mem = testApp({ store: createMemoryStore(), seed, ...options });
    const sql = testApp({ store: pgStore(), seed, ...options });
    await storeReady(mem);
    await storeReady(sql);
    const both = async (send: (app: Express) => request.Test): Promise<{ mem: Answer; sql: Answer }> => ({ mem: comparable(await send(mem)), sql: comparable(await send(sql)) });
    return { mem, sql, both };
  }

  /** Closes `store` with the others after the suite. */
  const closeAfter = (store: EntityStore) => void stores.push(store);

  return { pgStore, listening, sqlClient, figures, twoStores, closeAfter };
}
