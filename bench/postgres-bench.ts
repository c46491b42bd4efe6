/**
 * `npm run bench:postgres`: the PostgreSQL store's figures (issue 14), measured in one run on a throwaway cluster
 * (scripts/postgres-cluster.sh): the documented query over 1,000,000 profiles, a replica's start-up and RSS with
 * them, get-by-id on one replica against two, and get-by-id and create against the in-memory store.
 * Options: PROFILES=N (default 1000000), SECONDS=N per load run (default 8).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { toStoredEntity } from '../server/src/graph/entity-shape';
import { loadGraphDefinition } from '../server/src/graph/registry';
import { generateProfiles } from '../server/src/seed/generate';
import { createPostgresStore } from '../server/src/store/postgres/postgres-store';
import { defaultIndexes } from '../server/src/store/postgres/indexes';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'mockgraph.js');
const SET = 'security/ipSecurityProfiles';
const PATH = '/beta/security/ipSecurityProfiles';
const PROFILES = Number(process.env.PROFILES ?? 1_000_000);
const SECONDS = Number(process.env.SECONDS ?? 8);
const CHUNK = 50_000;
const QUERY = `${PATH}?$filter=${encodeURIComponent("vendorInformation/provider eq 'Contoso'")}&$orderby=${encodeURIComponent('lastSeenDateTime desc')}&$top=100`;
const HEADERS = { authorization: 'Bearer bench', 'content-type': 'application/json' };

function cluster(command: string, dir: string): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'postgres-cluster.sh'), command, dir], { encoding: 'utf8' }).trim();
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

/** Loads PROFILES generated profiles in chunks (one transaction each), then ANALYZE so the planner sees them. */
async function load(url: string): Promise<number> {
  const { model } = loadGraphDefinition();
  const type = model.resolveType('microsoft.graph.ipSecurityProfile')!;
  const store = createPostgresStore({ url, indexes: defaultIndexes(model) });
  await store.opened;
  const started = Date.now();
  for (let from = 0, seed = 1; from < PROFILES; from += CHUNK, seed++) {
    const chunk = generateProfiles(Math.min(CHUNK, PROFILES - from), seed).map((p) => toStoredEntity(p, String(p.id), type, model));
    await store.append(SET, chunk);
    process.stderr.write(`\rloaded ${from + chunk.length} profiles`);
  }
  process.stderr.write('\n');
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('ANALYZE mockgraph_entities');
  await client.end();
  await store.close();
  return (Date.now() - started) / 1000;
}

interface Replica {
  child: ChildProcess;
  port: number;
  startMs: number;
}

/** Starts `mockgraph serve` and measures spawn to the first answer of the collection. */
async function startReplica(args: string[], cpu?: string): Promise<Replica> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const t0 = performance.now();
  const argv = [BIN, 'serve', '--port', String(port), '--quiet', ...args];
  const child = cpu === undefined ? spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'] }) : spawn('taskset', ['-c', cpu, process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
  child.once('exit', (code) => {
    if (code !== null && code !== 0) process.stderr.write(`a replica exited with ${code}\n`);
  });
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${PATH}?$top=1`, { headers: HEADERS });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 60_000) throw new Error('a replica did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, port, startMs: Math.round(performance.now() - t0) };
}

async function stop(r: Replica): Promise<void> {
  r.child.kill('SIGTERM');
  await new Promise((resolve) => r.child.once('exit', resolve));
}

async function rate(ports: number[], request: { method: 'GET' | 'POST'; paths: string[]; body?: string }): Promise<number> {
  const runs = await Promise.all(
    ports.map((port) =>
      autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: 16,
        duration: SECONDS,
        requests: request.paths.map((path) => ({ method: request.method, path, headers: HEADERS, ...(request.body === undefined ? {} : { body: request.body }) })),
      }),
    ),
  );
  return runs.reduce((n, r) => n + Math.round(r.requests.average), 0);
}

async function queryTimes(port: number, runs: number): Promise<{ medianMs: number; p90Ms: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${QUERY}`, { headers: HEADERS });
    const body = (await res.json()) as { value: unknown[] };
    times.push(performance.now() - t0);
    rows = body.value.length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { medianMs: Math.round(median(times) * 10) / 10, p90Ms: Math.round((sorted[Math.floor(sorted.length * 0.9)] ?? NaN) * 10) / 10, rows };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-pg-bench-'));
  // The cluster runs as the postgres user when this runs as root: it must be able to reach its folder.
  chmodSync(dir, 0o755);
  const url = cluster('start', join(dir, 'cluster'));
  try {
    const loadSeconds = await load(url);
    const ids = Array.from({ length: 200 }, (_, i) => `${PATH}/seed-${1 + (i % Math.ceil(PROFILES / CHUNK))}-${1 + ((i * 7919) % Math.min(CHUNK, PROFILES))}`);

    // One replica on the million profiles: start-up, the documented query, RSS.
    const limits = ['--max-entities', String(Math.max(100_000, PROFILES * 2)), '--max-data-size', '16gb'];
    const one = await startReplica(['--data', url, ...limits]);
    const query = await queryTimes(one.port, 40);
    const rssAfterQueries = rssMb(one.child.pid!);
    const oneReplica = await rate([one.port], { method: 'GET', paths: ids });
    const rssAfterLoad = rssMb(one.child.pid!);
    // Two replicas: the same load split between them.
    const two = await startReplica(['--data', url, ...limits]);
    const twoReplicas = await rate([one.port, two.port], { method: 'GET', paths: ids });
    await stop(two);
    // A generated profile without its id: the server assigns one to each create.
    const { id: _id, ...created } = generateProfiles(1, 99_999)[0] ?? {};
    const body = JSON.stringify(created);
    const pgCreate = await rate([one.port], { method: 'POST', paths: [PATH], body });
    await stop(one);

    // The in-memory store in the same run, with the same 1,000-profile working set of ids.
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify(generateProfiles(Math.min(CHUNK, PROFILES), 1)));
    const memory = await startReplica(['--seed', seed, '--max-entities', '1000000']);
    const memoryIds = ids.map((p) => p.replace(/seed-\d+-/, 'seed-1-'));
    const memoryGet = await rate([memory.port], { method: 'GET', paths: memoryIds });
    const memoryCreate = await rate([memory.port], { method: 'POST', paths: [PATH], body });
    await stop(memory);
    const pgGetSameIds = oneReplica;

    const report = {
      profiles: PROFILES,
      loadSeconds: Math.round(loadSeconds),
      query: { request: decodeURIComponent(QUERY), ...query, target: 'median under 50 ms' },
      replica: { startMs: one.startMs, rssMbAfterQueries: rssAfterQueries, rssMbAfterLoad: rssAfterLoad, target: 'start under 1 s, RSS under 150 MB' },
      getById: { oneReplica, twoReplicas, ratio: Math.round((twoReplicas / oneReplica) * 100) / 100, target: 'two replicas at least 1.5x one' },
      againstMemory: {
        getById: { postgres: pgGetSameIds, memory: memoryGet, ratio: Math.round((pgGetSameIds / memoryGet) * 100) / 100 },
        create: { postgres: pgCreate, memory: memoryCreate, ratio: Math.round((pgCreate / memoryCreate) * 100) / 100 },
      },
      seconds: SECONDS,
      cores: (await import('node:os')).cpus().length,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    cluster('stop', join(dir, 'cluster'));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
