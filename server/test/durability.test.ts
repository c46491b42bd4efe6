import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateProfiles } from '../src/seed/generate';
import { call, runCli, serve, tempDir } from './process-helpers';
import type { Served } from './process-helpers';
import { COLLECTION, docExampleBody, graphErrorProblems } from './helpers';
import { storedBytes } from '../src/store/store';

const PATH = 'security/ipSecurityProfiles';
const DIST = join(__dirname, '..', '..', 'dist', 'server', 'src');
const SCHEMA = 'CREATE TABLE entities (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (collection, id))';

jest.setTimeout(120_000);

/** A data file written straight with better-sqlite3: `rows` entities made by one SQL statement (fast). */
function dataFileOf(rows: number, bodySql: string): string {
  const file = join(tempDir(), 'data.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
    INSERT INTO entities (collection, id, body) SELECT '${PATH}', 'e-' || i, ${bodySql} FROM n`);
  db.close();
  return file;
}

/** Every stored entity of the collection, in order, read straight from the file. */
function fileContent(file: string): Array<{ id: string; body: string }> {
  // Read-write, as a restart opens it: an interrupted transaction in the WAL is rolled back here.
  const db = new Database(file, { fileMustExist: true });
  try {
    return db.prepare('SELECT id, body FROM entities WHERE collection = ? ORDER BY seq').all(PATH) as Array<{ id: string; body: string }>;
  } finally {
    db.close();
  }
}

function walBytes(file: string): number {
  return statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
}

/** Resolves once the WAL holds more than `bytes` (a transaction is under way), or rejects after `ms`. */
async function walPast(file: string, bytes: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (walBytes(file) <= bytes) {
    if (Date.now() > deadline) throw new Error(`the WAL of ${file} never grew past ${bytes} bytes: no reset was writing`);
    await new Promise((r) => setImmediate(r));
  }
}

async function stop(s: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  s.child.kill(signal);
  await s.exited;
}

/** The old content, exactly, or the new, exactly; anything in between fails. */
function expectOldOrNew(found: Array<{ id: string; body: string }>, old: Array<{ id: string; body: string }>, fresh: readonly string[]): 'old' | 'new' {
  if (found.length === old.length && found.length !== fresh.length) {
    expect(found).toEqual(old);
    return 'old';
  }
  expect(found.map((r) => r.id)).toEqual(fresh);
  return 'new';
}

describe('a data file over the storage limits stops start-up with one line (exit 2), before loading it', () => {
  test('more entities than --max-entities (default 100,000)', () => {
    const file = dataFileOf(100_001, `'{"id":"e-' || i || '"}'`);
    const started = Date.now();
    const r = runCli(['serve', '--port', '0', '--data', file]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `mockgraph: the data file ${file} is over a storage limit: ${PATH} holds 100,001 entities, more than --max-entities allows (100,000); raise --max-entities or use another --data file`,
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('more stored JSON than --max-data-size (here 1mb)', () => {
    const file = dataFileOf(2, `'{"id":"e-' || i || '","note":"' || printf('%.*c', 600000, 'x') || '"}'`);
    const total = fileContent(file).reduce((n, r) => n + storedBytes(r.body), 0);
    const r = runCli(['serve', '--port', '0', '--data', file, '--max-data-size', '1mb']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `mockgraph: the data file ${file} is over a storage limit: the stored JSON is ${total.toLocaleString('en-US')} bytes (${(total / 2 ** 20).toFixed(1)} MiB), more than --max-data-size allows (1,048,576 bytes, 1.0 MiB); raise --max-data-size or use another --data file`,
    ]);
  });
});

describe('kill -9 during a reset of 50,000 profiles leaves the old or the new state, exactly', () => {
  const fresh = generateProfiles(50_000, 1);
  const freshIds = fresh.map((p) => String(p.id));

  /** A data file holding three profiles (`old-1` …), made by the server itself. */
  async function oldDataFile(dir: string): Promise<string> {
    const file = join(dir, 'data.db');
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(generateProfiles(3, 7).map((p, i) => ({ ...p, id: `old-${i + 1}` }))));
    await stop(await serve(['--data', file, '--seed', small, '--quiet']));
    expect(fileContent(file).map((r) => r.id)).toEqual(['old-1', 'old-2', 'old-3']);
    return file;
  }

  test('the store itself, in a process killed mid-transaction', async () => {
    const dir = tempDir();
    const file = await oldDataFile(dir);
    const old = fileContent(file);
    const script = `
      const { createSqliteStore } = require(${JSON.stringify(join(DIST, 'store', 'sqlite-store.js'))});
      const { generateProfiles } = require(${JSON.stringify(join(DIST, 'seed', 'generate.js'))});
      const store = createSqliteStore(${JSON.stringify(file)});
      const profiles = generateProfiles(50000, 1);
      process.stdout.write('resetting\\n');
      store.reset(new Map([[${JSON.stringify(PATH)}, profiles]]));
      process.stdout.write('done\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.on('exit', r));
    let out = '';
    await new Promise<void>((resolve) => child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), out.includes('resetting') && resolve())));
    await walPast(file, 1_000_000, 10_000);
    child.kill('SIGKILL');
    await exited;
    expect(out).not.toContain('done');
    expect(expectOldOrNew(fileContent(file), old, freshIds)).toBe('old');
  });

  test('POST /_mockgraph/reset over HTTP, then a restart; a reset that completes is quick', async () => {
    const dir = tempDir();
    const file = await oldDataFile(dir);
    const old = fileContent(file);
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify(fresh));

    const s = await serve(['--data', file, '--seed', big, '--quiet']);
    const reset = call(s.base, '/_mockgraph/reset', { method: 'POST', body: '{}' }).then((r) => r.status, () => 'killed');
    await walPast(file, 4_000_000, 20_000);
    await stop(s, 'SIGKILL');
    expect(await reset).toBe('killed');

    // The restarted server finds one state or the other, and so does the file.
    const again = await serve(['--data', file, '--quiet']);
    const count = Number(await (await call(again.base, `${COLLECTION}/$count`)).text());
    const probe = await call(again.base, `${COLLECTION}/${count === 3 ? 'old-2' : freshIds[49_999]}`);
    await stop(again);
    expect(probe.status).toBe(200);
    expect(count).toBe(expectOldOrNew(fileContent(file), old, freshIds) === 'old' ? 3 : 50_000);

    // A reset that completes is quick, and other requests are answered meanwhile.
    const third = await serve(['--data', file, '--seed', big, '--quiet']);
    try {
      const started = Date.now();
      const done = call(third.base, '/_mockgraph/reset', { method: 'POST', body: '{}' });
      const health = await fetch(`${third.base}/_mockgraph/health`);
      const res = await done;
      const ms = Date.now() - started;
      expect([res.status, await res.json()]).toEqual([200, { profiles: 50_000 }]);
      expect(health.status).toBe(200);
      expect(ms).toBeLessThan(3000);
    } finally {
      await stop(third);
    }
    expect(fileContent(file).map((r) => r.id)).toEqual(freshIds);
  });
});

describe('the data file deleted or replaced while the server runs', () => {
  const post = (s: Served, id: string) => call(s.base, COLLECTION, { method: 'POST', body: JSON.stringify({ ...docExampleBody(), id }) });

  test('deleted: writes get a Graph 503 with Retry-After; reads go on from memory', async () => {
    const dir = tempDir();
    const file = join(dir, 'data.db');
    const s = await serve(['--data', file, '--quiet']);
    try {
      expect((await post(s, 'kept')).status).toBe(201);
      rmSync(dir, { recursive: true, force: true });
      const refused = [
        await post(s, 'lost'),
        await call(s.base, `${COLLECTION}/kept`, { method: 'PATCH', body: JSON.stringify({ riskScore: '1' }) }),
        await call(s.base, `${COLLECTION}/kept`, { method: 'DELETE' }),
      ];
      for (const res of refused) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(graphErrorProblems(body)).toEqual([]);
        expect(body.error.code).toBe('ServiceUnavailable');
        expect(body.error.message).toBe(
          `Writes are unavailable: the data file ${file} was deleted or moved while mockgraph runs; restart mockgraph to take writes again. Retry after ${res.headers.get('retry-after')} seconds.`,
        );
      }
      expect((await call(s.base, `${COLLECTION}/kept`)).status).toBe(200);
      expect((await call(s.base, `${COLLECTION}/lost`)).status).toBe(404);
    } finally {
      await stop(s);
    }
  });

  test('deleted: /_mockgraph/health says not ready, with the reason', async () => {
    const dir = tempDir();
    const file = join(dir, 'data.db');
    const s = await serve(['--data', file, '--quiet']);
    try {
      expect((await fetch(`${s.base}/_mockgraph/health`)).status).toBe(200);
      rmSync(dir, { recursive: true, force: true });
      const health = await fetch(`${s.base}/_mockgraph/health`);
      expect(health.status).toBe(503);
      expect(JSON.stringify(await health.json())).toContain(`the data file ${file} was deleted or moved`);
    } finally {
      await stop(s);
    }
  });

  test('its folder replaced by another: writes refused; after a restart on the moved file nothing acknowledged is lost', async () => {
    const dir = tempDir();
    const file = join(dir, 'data.db');
    const s = await serve(['--data', file, '--quiet']);
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) if ((await post(s, `before-${i}`)).status === 201) acknowledged.push(`before-${i}`);
    renameSync(dir, `${dir}-moved`);
    mkdirSync(dir);
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => post(s, `after-${i}`)));
    await stop(s, 'SIGKILL');
    expect(acknowledged).toHaveLength(20);
    expect(after.map((r) => r.status)).toEqual(Array(20).fill(503));

    const again = await serve(['--data', join(`${dir}-moved`, 'data.db'), '--quiet']);
    try {
      const list = (await (await call(again.base, `${COLLECTION}?$select=id&$top=999`)).json()) as { value: Array<{ id: string }> };
      const ids = list.value.map((p) => p.id);
      expect(acknowledged.filter((id) => !ids.includes(id))).toEqual([]);
      expect(ids.filter((id) => id.startsWith('after-'))).toEqual([]);
    } finally {
      await stop(again);
    }
  });
});
