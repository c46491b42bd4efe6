import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  return [join(ROOT, 'bin', 'mockgraph.js'), 'serve', '--port', '0', '--quiet', '--max-entities', '10000000', '--max-data-size', '16gb', ...(seedFile ? ['--seed', seedFile] : []), ...extra];
}

/** A baseline of bench/baselines/ run through scripts/run-ts.js. */
function baselineArgs(file: string, args: string[]): string[] {
  return [join(ROOT, 'scripts', 'run-ts.js'), join(ROOT, 'bench', 'baselines', file), ...args];
}

/** Starts a server process and resolves when it says where it listens. */
function startServer(kind: Kind, seedFile: string | undefined): Promise<Started> {
  const args = kind === 'mockgraph' ? mockgraphArgs(seedFile) : baselineArgs(kind === 'ceiling' ? 'bare-http.ts' : 'minimal-express.ts', ['0', seedFile ?? '']);
  return spawnServer(kind, args);
}

/** Spawns `node ARGS` and resolves with its port once it prints `listening PORT` or its start line. */
function spawnServer(kind: string, args: string[]): Promise<Started> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const figure: Figure = { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx };
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

/** `npm run bench`: mockgraph against two baselines in one run; writes bench/results/ and prints a table. */
export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mockgraph-bench-'));
  const seeds = { 1000: seedFile(dir, 1000), 10000: seedFile(dir, 10_000), 100000: seedFile(dir, 100_000) };
  const docBody = JSON.stringify((JSON.parse(readFileSync(join(ROOT, 'schemas', 'requests', 'ipSecurityProfile.create.doc.schema.json'), 'utf8')) as { examples: unknown[] }).examples[0]);
  const scenarios = [
    { name: 'create (the doc request body)', seed: undefined, request: { method: 'POST' as const, path: '/beta/security/ipSecurityProfiles', body: docBody } },
    { name: 'get by id', seed: seeds[1000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles/seed-42-500' } },
    { name: 'list $top=100 of 10,000', seed: seeds[10000], request: { method: 'GET' as const, path: '/beta/security/ipSecurityProfiles?$top=100' } },
    { name: '$filter + $orderby + $top=100 over 100,000', seed: seeds[100000], request: { method: 'GET' as const, path: `/beta/security/ipSecurityProfiles?${FILTER}` } },
  ];
  const throughput: Record<string, Record<Kind, Figure>> = {};
  const KINDS = ['ceiling', 'floor', 'mockgraph'] as const;
  for (const scenario of scenarios) {
    // The three servers run side by side; load goes to one at a time, in alternating rounds, and each
    // figure is the median round, so a noisy moment on this shared machine hits every server alike.
    const servers = await Promise.all(KINDS.map((kind) => startServer(kind, scenario.seed)));
    const rounds: Record<Kind, Figure[]> = { ceiling: [], floor: [], mockgraph: [] };
    for (const [i, kind] of KINDS.entries()) await load(servers[i]!.port, scenario.request, 3);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, kind] of KINDS.entries()) rounds[kind].push(await load(servers[i]!.port, scenario.request));
    }
    await Promise.all(servers.map(stop));
    throughput[scenario.name] = Object.fromEntries(KINDS.map((kind) => [kind, medianFigure(rounds[kind])])) as Record<Kind, Figure>;
    process.stderr.write(`${scenario.name}: ${KINDS.map((k) => `${k} ${rounds[k].map((f) => f.requestsPerSecond).join('/')}`).join(', ')} req/s\n`);
  }

  const tls = await compareTls(dir, seeds[1000], scenarios[1]!.request.path);

  const sizes: Record<string, { startupMs: number; rssMb: number; filterP50Ms: number }> = {};
  for (const [count, file] of Object.entries(seeds)) {
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startServer('mockgraph', file);
      startups.push(s.startupMs);
      if (i < 2) await stop(s);
      else {
        // One connection: the latency of the query itself, not of a queue of them.
        const filter = await load(s.port, { method: 'GET', path: `/beta/security/ipSecurityProfiles?${FILTER}` }, 3, 1);
        sizes[count] = { startupMs: Math.round(Math.min(...startups)), rssMb: rssMb(s.child.pid!), filterP50Ms: filter.p50Ms };
        await stop(s);
      }
    }
    process.stderr.write(`${count} profiles: ${JSON.stringify(sizes[count])}\n`);
  }

  const ratio = (name: string, base: Kind) => Math.round((throughput[name]!.mockgraph.requestsPerSecond / throughput[name]![base].requestsPerSecond) * 100) / 100;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    settings: { secondsPerRound: SECONDS, rounds: ROUNDS, connections: CONNECTIONS },
    throughput,
    ratios: Object.fromEntries(scenarios.map((s) => [s.name, { toCeiling: ratio(s.name, 'ceiling'), toFloor: ratio(s.name, 'floor') }])),
    tls,
    sizes,
    growth1kTo100k: { startup: Math.round((sizes['100000']!.startupMs / sizes['1000']!.startupMs) * 10) / 10, rss: Math.round((sizes['100000']!.rssMb / sizes['1000']!.rssMb) * 10) / 10, filterP50: Math.round((sizes['100000']!.filterP50Ms / Math.max(1, sizes['1000']!.filterP50Ms)) * 10) / 10 },
    targets: {
      'create ≥ 85% of the floor': ratio(scenarios[0]!.name, 'floor') >= 0.85,
      'get by id ≥ 85% of the floor': ratio(scenarios[1]!.name, 'floor') >= 0.85,
      '100k filter median < 50 ms': sizes['100000']!.filterP50Ms < 50,
      'RSS < 400 MB at 100k': sizes['100000']!.rssMb < 400,
      'startup < 500 ms with 1k': sizes['1000']!.startupMs < 500,
      // mockgraph's TLS listener costs no more CPU per request than bare node:https (10 % for this machine's noise).
      'TLS listener CPU per request ≤ 1.1 × bare node:https': tls.listenerToBareHttpsCpu <= 1.1,
    },
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'bench.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}
