import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { describePostgres } from '../../../test/support/postgres';
import type { TestCluster } from '../../../test/support/postgres';

/** One query on a fresh connection (a fault test reconnects after every outage). */
async function query(url: string, text: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

describePostgres('scripts/postgres-cluster.sh through startCluster() (the fault tests\' own server)', (pg) => {
  let cluster: TestCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('a throwaway cluster: local trust only, kill (crash) and start again keep committed rows, restart keeps the port, stop removes it', async () => {
    cluster = await pg.startCluster();
    const { url } = cluster;
    expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(await query(url, 'SHOW listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    const hba = (await query(url, 'SELECT type, address, auth_method FROM pg_hba_file_rules ORDER BY line_number')) as Array<Record<string, string | null>>;
    expect(hba.map((r) => `${r.type} ${r.address ?? ''} ${r.auth_method}`)).toEqual(['local  trust', 'host 127.0.0.1 trust', 'host ::1 trust']);
    await query(url, 'CREATE TABLE t (n int)');
    await query(url, 'INSERT INTO t VALUES (1)');

    await cluster.kill();
    await expect(query(url, 'SELECT 1')).rejects.toThrow();
    await cluster.startAgain();
    expect(await query(url, 'SELECT n FROM t')).toEqual([{ n: 1 }]);

    await cluster.restart();
    expect(await query(url, 'SELECT n FROM t')).toEqual([{ n: 1 }]);

    await cluster.stopKeep();
    await expect(query(url, 'SELECT 1')).rejects.toThrow();
    await cluster.startAgain();
    expect(await query(url, 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1 }]);

    const dir = (await query(url, 'SHOW data_directory')) as Array<{ data_directory: string }>;
    await cluster.stop();
    cluster = undefined;
    expect(existsSync(dir[0]!.data_directory)).toBe(false);
  }, 120_000);

  test('createDatabase gives each suite a database of its own, dropped after', async () => {
    const a = await pg.createDatabase();
    const b = await pg.createDatabase();
    expect(a.url).not.toBe(b.url);
    expect(new URL(a.url).pathname).toMatch(/^\/mockgraph_t_[0-9a-f]{16}$/);
    await query(a.url, 'CREATE TABLE only_in_a (n int)');
    await expect(query(b.url, 'SELECT * FROM only_in_a')).rejects.toThrow(/does not exist/);
    await a.drop();
    await b.drop();
    await expect(query(a.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
  });
});
