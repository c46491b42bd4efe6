import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateProfiles } from '../server/src/seed/generate';
import { issueCertificateAuthority, issueServerCertificate, LOOPBACK_NAMES } from '../server/src/tls/certificates';

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The round with the median throughput. */
function medianFigure(figures: Figure[]): Figure {
  return [...figures].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(figures.length / 2)]!;
}
const FILTER = "$filter=countHits ge 2500 and riskScore ne '0'&$orderby=lastSeenDateTime desc&$top=100";

type Kind = 'ceiling' | 'floor' | 'mockgraph';
interface Started {
  child: ChildProcess;
  port: number;
  startupMs: number;
}

/** `mockgraph serve` on a free port, quiet, with room for every profile the create rounds store. */
function mockgraphArgs(seedFile: string | undefined, extra: string[] = []): string[] {
  // The create rounds store tens of thousands of profiles: the default --max-entities would answer 507 on a fast machine.
  return [process.env.MOCKGRAPH_BENCH_BIN ?? join(ROOT, 'bin', 'mockgraph.js'), 'serve', '--port', '0', '--quiet', '--max-entities', '10000000', '--max-data-size', '16gb', ...(seedFile ? ['--seed', seedFile] : []), ...extra];
}

/** A baseline of bench/baselines/ run through scripts/run-ts.js. */
function baselineArgs(file: string, args: string[]): string[] {
  return [join(ROOT, 'scripts', 'run-ts.js'), join(ROOT, 'bench', 'baselines', file), ...args];
}

/** Starts a server process and resolves when it says where it listens. */
function startServer(kind: Kind, seedFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const args = kind === 'mockgraph' ? mockgraphArgs(seedFile) : baselineArgs(kind === 'ceiling' ? 'bare-http.ts' : 'minimal-express.ts', ['0', seedFile ?? '']);
  return spawnServer(kind, args, env);
}

/** Spawns `node ARGS` and resolves with its port once it prints `listening PORT` or its start line. */
function spawnServer(kind: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Started> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(?:listening |127\.0\.0\.1:)(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), startupMs: Number(process.hrtime.bigint() - started) / 1e6 });
    });
    child.on('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${out}`)));
  });
}

function stop(s: Started): Promise<void> {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 102.4) / 10;
}

interface Figure {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs?: number;
  non2xx: number;
  /** The server process's CPU time (user + system, all threads) per request, when its pid was given. */
  cpuMicrosPerRequest?: number;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time a process has used so far, in microseconds (utime + stime of /proc/PID/stat). */
function cpuMicros(pid: number): number {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

async function load(port: number, request: { method: 'GET' | 'POST'; path: string; body?: string }, seconds = SECONDS, connections = CONNECTIONS, tls = false, pid?: number): Promise<Figure> {
  const cpuBefore = pid === undefined ? 0 : cpuMicros(pid);
  const result = await autocannon({
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${request.path}`,
    // SNI takes a name, never an address; autocannon skips verification, so the name only has to be valid.
    ...(tls ? { servername: 'localhost' } : {}),
    method: request.method,
    body: request.body,
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    connections,
    duration: seconds,
  });
  const figure: Figure = { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, maxMs: result.latency.max, non2xx: result.non2xx };
  if (pid !== undefined) figure.cpuMicrosPerRequest = Math.round(((cpuMicros(pid) - cpuBefore) / Math.max(1, result.requests.total)) * 10) / 10;
  return figure;
}

function seedFile(dir: string, count: number): string {
  const file = join(dir, `seed-${count}.json`);
  writeFileSync(file, JSON.stringify(generateProfiles(count, 42)));
  return file;
}

type TlsKind = 'bare http' | 'bare https' | 'listener https' | 'mockgraph http' | 'mockgraph https';
const TLS_KINDS = ['bare http', 'bare https', 'listener https', 'mockgraph http', 'mockgraph https'] as const;

/** What the TLS listener costs: GET by id over http and https, mockgraph and bare node servers, one run. */
interface TlsComparison {
  /** The median round of each server. */
  throughput: Record<TlsKind, Figure>;
  /** Each server's CPU time per request, median of the rounds (µs): the figure least moved by a shared machine. */
  cpuMicrosPerRequest: Record<TlsKind, number>;
  /** mockgraph ÷ bare node throughput, over http and over https (the same response bytes, the same certificate). */
  toBare: { http: number; https: number };
  /**
   * What TLS adds to one request (µs of server CPU, https − http), for bare node:https and for mockgraph: the median
   * of each round's difference, as the http and https servers of one round take load back to back.
   */
  tlsCpuMicrosPerRequest: { bare: number; mockgraph: number };
  /** mockgraph's listener alone (createMockServer over TLS, fixed bytes) ÷ bare node:https, in CPU per request. */
  listenerToBareHttpsCpu: number;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/**
 * GET by id over https: mockgraph --https against a bare node:https server with the same certificate, answering the
 * same bytes (mockgraph's own response, captured first), beside the same two over http and mockgraph's listener
 * alone. The five run side by side and take load in alternating rounds, as the other scenarios do; each server's CPU
 * time is read from /proc.
 */
async function compareTls(dir: string, seedFile: string, path: string): Promise<TlsComparison> {
  const ca = issueCertificateAuthority(new Date(), 'bench');
  const pair = issueServerCertificate(ca, LOOPBACK_NAMES, new Date());
  const [certFile, keyFile, responseFile] = [join(dir, 'server.crt'), join(dir, 'server.key'), join(dir, 'response.json')];
  writeFileSync(certFile, pair.cert);
  writeFileSync(keyFile, pair.key, { mode: 0o600 });
  const plain = await spawnServer('mockgraph http', mockgraphArgs(seedFile));
  const answer = await fetch(`http://127.0.0.1:${plain.port}${path}`, { headers: { authorization: 'Bearer bench' } });
  // Replayed as mockgraph sent them, but for what Node adds itself.
  const headers = Object.fromEntries([...answer.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length'].includes(name)));
  writeFileSync(responseFile, JSON.stringify({ headers, body: await answer.text() }));
  const servers: Record<TlsKind, Started> = {
    'mockgraph http': plain,
    'mockgraph https': await spawnServer('mockgraph https', mockgraphArgs(seedFile, ['--https', '--tls-cert', certFile, '--tls-key', keyFile])),
    'bare http': await spawnServer('bare http', baselineArgs('bare-http.ts', ['0', '', responseFile])),
    'bare https': await spawnServer('bare https', baselineArgs('bare-https.ts', ['0', certFile, keyFile, responseFile])),
    'listener https': await spawnServer('listener https', baselineArgs('listener-https.ts', ['0', certFile, keyFile, responseFile])),
  };
  const request = { method: 'GET' as const, path };
  const run = (kind: TlsKind, seconds: number) => load(servers[kind].port, request, seconds, CONNECTIONS, kind.endsWith('https'), servers[kind].child.pid);
  for (const kind of TLS_KINDS) await run(kind, 3);
  const rounds = Object.fromEntries(TLS_KINDS.map((k) => [k, [] as Figure[]])) as Record<TlsKind, Figure[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of TLS_KINDS) rounds[kind].push(await run(kind, SECONDS));
  }
  await Promise.all(Object.values(servers).map(stop));
  process.stderr.write(`get by id, http vs https: ${TLS_KINDS.map((k) => `${k} ${rounds[k].map((f) => `${f.requestsPerSecond} (${f.cpuMicrosPerRequest} µs)`).join('/')}`).join(', ')} req/s (CPU per request)\n`);
  const throughput = Object.fromEntries(TLS_KINDS.map((k) => [k, medianFigure(rounds[k])])) as Record<TlsKind, Figure>;
  const cpu = Object.fromEntries(TLS_KINDS.map((k) => [k, median(rounds[k].map((f) => f.cpuMicrosPerRequest ?? 0))])) as Record<TlsKind, number>;
  const rps = (k: TlsKind) => throughput[k].requestsPerSecond;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  const pairedCost = (https: TlsKind, http: TlsKind) => median(rounds[https].map((f, i) => (f.cpuMicrosPerRequest ?? 0) - (rounds[http][i]?.cpuMicrosPerRequest ?? 0)));
  return {
    throughput,
    cpuMicrosPerRequest: cpu,
    toBare: { http: Math.round((rps('mockgraph http') / rps('bare http')) * 100) / 100, https: Math.round((rps('mockgraph https') / rps('bare https')) * 100) / 100 },
    tlsCpuMicrosPerRequest: { bare: round1(pairedCost('bare https', 'bare http')), mockgraph: round1(pairedCost('mockgraph https', 'mockgraph http')) },
    listenerToBareHttpsCpu: Math.round((cpu['listener https'] / cpu['bare https']) * 100) / 100,
  };
}

/** The ratio of two figures, to two decimals. */
const ratioOf = (a: number, b: number) => Math.round((a / Math.max(1, b)) * 100) / 100;

/** mockgraph ÷ floor throughput: of the median rounds, and of each round (load alternates, so a round compares like with like). */
interface FloorRatio {
  /** Of the median rounds of each server. */
  median: number;
  /** The median of the per-round ratios (rounds pair the two servers in time). */
  medianOfRounds: number;
  rounds: number[];
  /** The lowest and highest round. */
  spread: [number, number];
  /** mockgraph ÷ floor CPU time per request, median of the rounds (the figure least moved by other processes). */
  cpuPerRequest: number;
}

function floorRatio(rounds: Record<Kind, Figure[]>): FloorRatio {
  const each = rounds.mockgraph.map((m, i) => ratioOf(m.requestsPerSecond, rounds.floor[i]!.requestsPerSecond));
  return {
    median: ratioOf(medianFigure(rounds.mockgraph).requestsPerSecond, medianFigure(rounds.floor).requestsPerSecond),
    medianOfRounds: median(each),
    rounds: each,
    spread: [Math.min(...each), Math.max(...each)],
    cpuPerRequest: ratioOf(median(rounds.mockgraph.map((f) => f.cpuMicrosPerRequest ?? 0)), median(rounds.floor.map((f) => f.cpuMicrosPerRequest ?? 0))),
  };
}

/** Status of a GET, once its whole body has arrived (node:http: fetch's own first call costs this process tens of ms). */
function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, headers: { authorization: 'Bearer bench' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** Spawn to the first answer: the server is started, then asked for one entity of its first set as soon as it listens. */
async function startToFirstAnswer(file: string, env?: NodeJS.ProcessEnv): Promise<{ server: Started; ms: number }> {
  const began = process.hrtime.bigint();
  const server = await startServer('mockgraph', file, env);
  const status = await getStatus(server.port, '/beta/security/ipSecurityProfiles?$top=1');
  if (status !== 200) throw new Error(`the first answer was ${status}`);
  return { server, ms: Math.round(Number(process.hrtime.bigint() - began) / 1e6) };
}

/** Where mockgraph keeps its compiled validators (server/src/graph/validator-cache.ts). */
const VALIDATOR_CACHE = join(ROOT, 'node_modules', '.cache', 'mockgraph');

/** Forgets what a start-up keeps for the next one: the compiled validators and the seed cache (a fresh clone's first start-up). */
function forgetCaches(which: { validators: boolean }): void {
  if (!existsSync(VALIDATOR_CACHE)) return;
  for (const f of readdirSync(VALIDATOR_CACHE)) if ((which.validators && f.startsWith('validators-')) || f.startsWith('seed-')) rmSync(join(VALIDATOR_CACHE, f), { force: true });
}

/** mockgraph's environment with its seed cache turned off (graph/seed-cache.ts): every start-up validates the seed. */
const SEED_CACHE_OFF = { ...process.env, MOCKGRAPH_SEED_CACHE: 'off' };

interface SizeFigures {
  /** Spawn to the first answer, the fastest of the start-ups that read the seed cache (validators cached too). */
  startupMs: number;
  /** Each start-up: the first with nothing cached, then two reading the seed cache. */
  startupsMs: number[];
  /** The first of them, with no compiled validators (1k) and no seed cached: a fresh clone's first start-up. */
  firstStartupMs: number;
  /** The fastest of two start-ups with the seed cache off (validators cached): the seed validated and prepared. */
  validatedStartupMs: number;
  /** After the one-client filter load. */
  rssMb: number;
  /** `$filter`+`$orderby`+`$top=100`, one client. */
  filterP50Ms: number;
  filterP99Ms: number;
}

/** `npm run bench`: mockgraph against two baselines in one run; writes bench/results/ and prints a table. */
export async function main(): Promise<void> {
  // The seeds (≈ 110 MB), certificate and response files are the run's own: gone when it ends, however it ends.
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-bench-'));
  try {
    await measureIn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureIn(dir: string): Promise<void> {
  const seeds = { 1000: seedFile(dir, 1000), 10000: seedFile(dir, 10_000), 100000: seedFile(dir, 100_000) };
  const docBody = JSON.stringify((JSON.parse(readFileSync(join(ROOT, 'schemas', 'requests', 'ipSecurityProfile.create.doc.schema.json'), 'utf8')) as { examples: unknown[] }).examples[0]);
  const scenarios = [
    { name: 'create (the doc request body)', seed: undefined, request: { method: 'POST' as const, path: '/beta/security/ipSecurityProfiles', body: docBody } },
    { name: 'get by id', seed: seeds[1000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles/seed-42-500' } },
    { name: 'list $top=100 of 10,000', seed: seeds[10000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles?$top=100' } },
    { name: '$filter + $orderby + $top=100 over 100,000', seed: seeds[100000], request: { method: 'GET' as const, path: `/beta/security/ipSecurityProfiles?${FILTER}` } },
  ];
  const throughput: Record<string, Record<Kind, Figure>> = {};
  const toFloor: Record<string, FloorRatio> = {};
  const KINDS = ['ceiling', 'floor', 'mockgraph'] as const;
  for (const scenario of scenarios) {
    // The three servers run side by side; load goes to one at a time, in alternating rounds, and each
    // figure is the median round, so a noisy moment on this shared machine hits every server alike.
    const servers = await Promise.all(KINDS.map((kind) => startServer(kind, scenario.seed)));
    const rounds: Record<Kind, Figure[]> = { ceiling: [], floor: [], mockgraph: [] };
    for (const [i] of KINDS.entries()) await load(servers[i]!.port, scenario.request, 3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, kind] of KINDS.entries()) rounds[kind].push(await load(servers[i]!.port, scenario.request, SECONDS, CONNECTIONS, false, servers[i]!.child.pid));
    }
    await Promise.all(servers.map(stop));
    throughput[scenario.name] = Object.fromEntries(KINDS.map((kind) => [kind, medianFigure(rounds[kind])])) as Record<Kind, Figure>;
    toFloor[scenario.name] = floorRatio(rounds);
    process.stderr.write(`${scenario.name}: ${KINDS.map((k) => `${k} ${rounds[k].map((f) => `${f.requestsPerSecond} (${f.cpuMicrosPerRequest} µs)`).join('/')}`).join(', ')} req/s (CPU per request); mockgraph ÷ floor ${toFloor[scenario.name]!.rounds.join('/')}\n`);
  }

  const tls = await compareTls(dir, seeds[1000], scenarios[1]!.request.path);

  const sizes: Record<string, SizeFigures> = {};
  let concurrent: { clients: number; p50Ms: number; p99Ms: number; maxMs: number; requestsPerSecond: number; non2xx: number } | undefined;
  for (const [count, file] of Object.entries(seeds)) {
    const startups: number[] = [];
    // The first start-up of the first size compiles the validators; every later one loads them. The first of each
    // size prepares its seed and caches it; the next two read it.
    forgetCaches({ validators: count === '1000' });
    const validated: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { server, ms } = await startToFirstAnswer(file, SEED_CACHE_OFF);
      validated.push(ms);
      await stop(server);
    }
    if (count === '1000') forgetCaches({ validators: true });
    for (let i = 0; i < 3; i++) {
      const { server, ms } = await startToFirstAnswer(file);
      startups.push(ms);
      if (i < 2) {
        await stop(server);
        continue;
      }
      // One connection: the latency of the query itself, not of a queue of them.
      const filter = await load(server.port, { method: 'GET', path: `/beta/security/ipSecurityProfiles?${FILTER}` }, 3, 1);
      sizes[count] = { startupMs: Math.min(...startups.slice(1)), startupsMs: startups, firstStartupMs: startups[0]!, validatedStartupMs: Math.min(...validated), rssMb: rssMb(server.child.pid!), filterP50Ms: filter.p50Ms, filterP99Ms: filter.p99Ms };
      if (count === '100000') {
        // Twenty clients at once: every query waits for the others' turns; its p99 is what a busy client sees.
        const many = await load(server.port, { method: 'GET', path: `/beta/security/ipSecurityProfiles?${FILTER}` }, 6, CONNECTIONS);
        concurrent = { clients: CONNECTIONS, p50Ms: many.p50Ms, p99Ms: many.p99Ms, maxMs: many.maxMs ?? many.p99Ms, requestsPerSecond: many.requestsPerSecond, non2xx: many.non2xx };
      }
      await stop(server);
    }
    process.stderr.write(`${count} profiles: ${JSON.stringify(sizes[count])}\n`);
  }
  if (concurrent) process.stderr.write(`100k filter, ${CONNECTIONS} clients: ${JSON.stringify(concurrent)}\n`);

  const ratio = (name: string, base: Kind) => ratioOf(throughput[name]!.mockgraph.requestsPerSecond, throughput[name]![base].requestsPerSecond);
  const big = sizes['100000']!;
  const small = sizes['1000']!;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    settings: { secondsPerRound: SECONDS, rounds: ROUNDS, connections: CONNECTIONS },
    throughput,
    ratios: Object.fromEntries(scenarios.map((s) => [s.name, { toCeiling: ratio(s.name, 'ceiling'), toFloor: ratio(s.name, 'floor') }])),
    toFloor,
    tls,
    sizes,
    filterUnderLoad: concurrent,
    growth1kTo100k: { startup: Math.round((big.startupMs / small.startupMs) * 10) / 10, rss: Math.round((big.rssMb / small.rssMb) * 10) / 10, filterP50: Math.round((big.filterP50Ms / Math.max(1, small.filterP50Ms)) * 10) / 10 },
    targets: {
      'get by id ≥ 1.0 × the floor': toFloor[scenarios[1]!.name]!.medianOfRounds >= 1,
      'create ≥ 1.0 × the floor': toFloor[scenarios[0]!.name]!.medianOfRounds >= 1,
      'list $top=100 ≥ 1.0 × the floor': toFloor[scenarios[2]!.name]!.medianOfRounds >= 1,
      'start-up to the first answer < 300 ms with 1k (seed cached)': small.startupMs < 300,
      'start-up to the first answer < 300 ms with 1k (seed validated)': small.validatedStartupMs < 300,
      'start-up to the first answer < 1.5 s with 100k (seed cached)': big.startupMs < 1500,
      'start-up to the first answer < 1.5 s with 100k (seed validated)': big.validatedStartupMs < 1500,
      'RSS < 250 MB at 100k': big.rssMb < 250,
      '100k filter median < 25 ms, one client': big.filterP50Ms < 25,
      [`100k filter p99 < 1 s, ${CONNECTIONS} clients`]: concurrent !== undefined && concurrent.p99Ms < 1000 && concurrent.non2xx === 0,
      // mockgraph's TLS listener costs no more CPU per request than bare node:https (10 % for this machine's noise).
      'TLS listener CPU per request ≤ 1.1 × bare node:https': tls.listenerToBareHttpsCpu <= 1.1,
    },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
