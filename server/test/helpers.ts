import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createPostgresStore } from '../src/store/postgres/postgres-store';
import { createSqliteStore } from '../src/store/sqlite-store';
import { loadDocPage } from '../../contract-tests/src/load';
import { toStoredEntity } from '../src/graph/entity-shape';
import type { AppOptions, EntityStore } from '../src/index';
import { createApp, createMemoryStore, loadGraphDefinition } from '../src/index';
import { generateProfiles } from '../src/seed/generate';

/** A valid bearer header for the default auth mode. */
export const AUTH = { Authorization: 'Bearer test-token' } as const;

/** The fixed clock of HTTP tests. */
export const FIXED_NOW = new Date('2026-11-26T08:00:00.000Z');

/** Sequential ids (`id-1`, `id-2`, …) so bodies and headers are deterministic. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** The origin test apps put in links (supertest listens on a new port for every request). */
export const TEST_ORIGIN = 'https://mockgraph.test';

/** An app with a fixed clock, predictable ids and a fixed link origin. */
export function testApp(options: AppOptions = {}) {
  return createApp({ now: () => FIXED_NOW, newId: sequentialIds(), logError: () => {}, logNotice: () => {}, publicOrigin: TEST_ORIGIN, ...options });
}

/** The request body of the documentation page's create example, parsed from the contract fixture. */
export function docExampleBody(): Record<string, unknown> {
  const file = join(__dirname, '..', '..', 'contract-tests', 'docs', 'add-ipsecurityprofiles.md');
  const page = loadDocPage(readFileSync(file, 'utf8'), file);
  const example = page.examples[0];
  if (!example) throw new Error('the fixture has no example');
  return structuredClone(example.request.body) as Record<string, unknown>;
}

/** Messages from validating a body against Graph's error schema (empty when it is a Graph error). */
export function graphErrorProblems(body: unknown): string[] {
  return loadGraphDefinition().validator.check('odata.error', body);
}

/** The collection path every test uses. */
export const COLLECTION = '/beta/security/ipSecurityProfiles';

/** One kind of store. */
export type StoreKind = 'memory' | 'sqlite' | 'postgres';
/** The PostgreSQL server the PostgreSQL suites use (server/test/support/postgres.ts says when they are skipped). */
const TEST_POSTGRES = process.env.MOCKGRAPH_TEST_POSTGRES;
/** The stores every query behaviour is tested over: PostgreSQL too when MOCKGRAPH_TEST_POSTGRES names a server. */
export const STORE_KINDS: readonly StoreKind[] = TEST_POSTGRES ? ['memory', 'sqlite', 'postgres'] : ['memory', 'sqlite'];

/** An empty store of a kind (SQLite in a fresh temporary file, PostgreSQL in a fresh schema of the test server). */
export function emptyStore(kind: StoreKind = 'memory'): EntityStore {
  if (kind === 'postgres') {
    if (!TEST_POSTGRES) throw new Error('MOCKGRAPH_TEST_POSTGRES is not set');
    return createPostgresStore({ url: TEST_POSTGRES, schema: `t_${randomUUID().replace(/-/g, '').slice(0, 20)}` });
  }
  return kind === 'memory' ? createMemoryStore() : createSqliteStore(join(mkdtempSync(join(tmpdir(), 'mockgraph-test-')), 'data.db'));
}

/** A store holding `count` generated profiles (ids `seed-1-1` …), as if they had been created in that order. */
export function seededStore(count: number, seed = 1, kind: StoreKind = 'memory'): EntityStore {
  const { model } = loadGraphDefinition();
  const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
  const store = emptyStore(kind);
  const entities = generateProfiles(count, seed).map((p) => toStoredEntity(p, String(p.id), type, model));
  // One reset: a PostgreSQL store holds every later statement until it is done, so no await is needed here.
  void store.reset(new Map([['security/ipSecurityProfiles', entities]]));
  return store;
}
