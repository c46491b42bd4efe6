import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { Entity } from '../../src/store/store';
import { SQL_FUNCTIONS } from '../../src/store/postgres/sql-query';

/** The variable that names the PostgreSQL server the suites run against: `postgres://user@host:port/db`. */
export const TEST_POSTGRES_VARIABLE = 'MOCKGRAPH_TEST_POSTGRES';
/** Set to 1 (as CI does) to make a missing server an error rather than a skip. */
export const REQUIRE_POSTGRES_VARIABLE = 'MOCKGRAPH_REQUIRE_POSTGRES';

const CLUSTER_SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'postgres-cluster.sh');
const run = promisify(execFile);

/** A database of its own for one suite, on the test server. */
export interface TestDatabase {
  /** Its URL: the server's, with this database's name. */
  url: string;
  /** Drops it, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/** A PostgreSQL cluster a fault test owns: it may stop, crash and restart it. */
export interface TestCluster {
  url: string;
  /** Stops it (fast) and removes its files. */
  stop(): Promise<void>;
  /** Stops it (fast) and starts it again on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** SIGKILLs the server and its backends (a crash); `startAgain()` brings it back, recovering from its WAL. */
  kill(): Promise<void>;
  /** Stops it (fast), keeping its files and port for `startAgain()`. */
  stopKeep(): Promise<void>;
  /** Starts a stopped or killed cluster again on its port. */
  startAgain(): Promise<void>;
}

/** What the PostgreSQL suites get when a server is configured. */
export interface PostgresForTests {
  /** The server's URL, as MOCKGRAPH_TEST_POSTGRES gives it. */
  url: string;
  /** A fresh database `mockgraph_t_<random>` on that server. */
  createDatabase(): Promise<TestDatabase>;
  /** A throwaway cluster of its own (scripts/postgres-cluster.sh), for tests that stop or crash the server. */
  startCluster(): Promise<TestCluster>;
}

/** Prints the skip notice once per Jest run (every suite file loads this module afresh), keyed by the Jest process. */
function noticeOnce(message: string): void {
  const runner = typeof process.send === 'function' ? process.ppid : process.pid;
  const stamp = join(tmpdir(), `mockgraph-postgres-skipped-${runner}-${processStart(runner)}`);
  if (existsSync(stamp)) return;
  try {
    writeFileSync(stamp, '', { flag: 'wx' });
  } catch {
    return;
  }
  process.stderr.write(`${message}\n`);
}

/** The start time of a process (Linux), so that a reused pid does not inherit an old stamp. */
function processStart(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] ?? '0';
  } catch {
    return '0';
  }
}

/** The database URL with another database name. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const liveClusters = new Set<string>();

// A suite that fails before its afterAll must not leave a server running.
process.on('exit', () => {
  for (const dir of liveClusters) {
    try {
      execFileSync('bash', [CLUSTER_SCRIPT, 'stop', dir], { stdio: 'ignore' });
    } catch {
      // Best effort: the directory says what is left.
    }
  }
});

async function script(command: string, dir: string): Promise<string> {
  const { stdout } = await run('bash', [CLUSTER_SCRIPT, command, dir], { timeout: 120_000 });
  return stdout.trim();
}

async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-pg-'));
  const url = await script('start', dir);
  liveClusters.add(dir);
  return {
    url,
    stop: async () => {
      await script('stop', dir);
      liveClusters.delete(dir);
    },
    restart: async () => void (await script('restart', dir)),
    kill: async () => void (await script('kill', dir)),
    stopKeep: async () => void (await script('stop-keep', dir)),
    startAgain: async () => void (await script('start-again', dir)),
  };
}

/**
 * The PostgreSQL server of the test run, from MOCKGRAPH_TEST_POSTGRES; undefined when it is unset (then one line
 * on stderr says the PostgreSQL suites are skipped), unless MOCKGRAPH_REQUIRE_POSTGRES=1, which makes that an error.
 */
export function postgresForTests(): PostgresForTests | undefined {
  const url = process.env[TEST_POSTGRES_VARIABLE];
  if (!url) {
    if (process.env[REQUIRE_POSTGRES_VARIABLE] === '1') {
      throw new Error(`${REQUIRE_POSTGRES_VARIABLE}=1 but ${TEST_POSTGRES_VARIABLE} is not set: the PostgreSQL suites need a server (scripts/postgres-cluster.sh start DIR prints a URL for it).`);
    }
    noticeOnce(`PostgreSQL suites skipped: set ${TEST_POSTGRES_VARIABLE}=postgres://… to run them (scripts/postgres-cluster.sh start DIR starts a throwaway server and prints its URL).`);
    return undefined;
  }
  return {
    url,
    createDatabase: async () => {
      const name = `mockgraph_t_${randomBytes(8).toString('hex')}`;
      await adminQuery(url, `CREATE DATABASE ${name}`);
      return { url: withDatabase(url, name), drop: () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
    startCluster,
  };
}

/**
 * `describe` when a test server is configured, else a skipped `describe` (its one placeholder test shows as
 * skipped). `fn` receives the server.
 */
export function describePostgres(name: string, fn: (pg: PostgresForTests) => void): void {
  const pg = postgresForTests();
  if (pg) describe(name, () => fn(pg));
  else describe.skip(name, () => test(`needs ${TEST_POSTGRES_VARIABLE}`, () => undefined));
}

/**
 * A table of entities as the compiled queries expect them, `(entity_set, id, seq, body)`, in a database of its
 * own, with the query functions installed: what the query compiler's tests run against.
 */
export class QueryTable {
  private constructor(
    readonly client: Client,
    readonly name: string,
  ) {}

  /** Connects to `url`, installs SQL_FUNCTIONS and creates the table `name` (dropped first). */
  static async open(url: string, name = 'entities'): Promise<QueryTable> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad table name ${name}`);
    const client = new Client({ connectionString: url });
    await client.connect();
    for (const statement of SQL_FUNCTIONS) await client.query(statement);
    await client.query(`DROP TABLE IF EXISTS ${name}`);
    await client.query(`CREATE TABLE ${name} (entity_set text NOT NULL, id text NOT NULL, seq bigint NOT NULL, body jsonb NOT NULL, PRIMARY KEY (entity_set, id))`);
    return new QueryTable(client, name);
  }

  /** Replaces the rows of `set` by `entities`, in this order (seq 1, 2, …). */
  async load(set: string, entities: readonly Entity[]): Promise<void> {
    await this.client.query(`DELETE FROM ${this.name} WHERE entity_set = $1`, [set]);
    await this.client.query(
      `INSERT INTO ${this.name} (entity_set, id, seq, body) SELECT $1, e ->> 'id', n, e FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n)`,
      [set, JSON.stringify(entities)],
    );
  }

  /** The ids of `set`'s rows where `where` holds, in the order of `orderBy` (with `values` as the parameters). */
  async ids(set: string, where: string, orderBy: string, values: readonly unknown[], extra = ''): Promise<string[]> {
    const p = values.length + 1;
    const { rows } = await this.client.query<{ id: string }>(`SELECT id FROM ${this.name} WHERE entity_set = $${p} AND (${where}) ${extra} ORDER BY ${orderBy}`, [...values, set]);
    return rows.map((r) => r.id);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
