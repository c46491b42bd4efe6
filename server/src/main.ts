import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from './app';
import { createMockServer } from './http/server';
import { parseConfigFile } from './cli/config-file';
import { loadOperationModules } from './cli/operation-modules';
import { CERT_HELP, trustInstructions } from './cli/cert-text';
import { isLoopbackHost, resolveSettings, serveHelp, SETTINGS } from './cli/settings';
import type { ServeSettings } from './cli/settings';
import { mintAccessToken } from './graph/access-token';
import type { AccessTokenClaims } from './graph/access-token';
import { openApiDocument } from './describe/openapi';
import { loadGraphDefinition } from './graph/registry';
import { isValidationProfile } from './graph/validate';
import { packageRoot } from './package-root';
import { exampleSeed, SeedError, seedRecords } from './graph/seed';
import type { SeedInput } from './graph/seed';
import { generateEntities, seededRandom } from './seed/generate';
import { createMemoryStore } from './store/memory-store';
import type { EntityStore } from './store/store';
import type { KeyPair } from './tls/certificates';
import { readKeyPair } from './tls/key-pair';
import { CA_FILES, CertificateAuthorityError, defaultCaDir, ensureCertificateAuthority, ensureServerCertificate, serverNames } from './tls/local-ca';

const HELP = `mockgraph: an OData-style mock of Microsoft Graph, serving the entity sets of its schemas

Commands:
  mockgraph serve [options]          serve the mock (the default command; see mockgraph serve --help)
  mockgraph token [--scp S] [--roles R] [--secret S] [--expires-in SECONDS] [--tid T] [--appid A]
                                     print a test access token (JWT) for --auth jwt
  mockgraph seed --count N [--set PATH] [--random-seed S] [--out FILE] [--schemas DIR]
                                     write N realistic, deterministic entities as a --seed file: of the --set
                                     (a JSON array), else of every entity set (an object keyed by set path)
  mockgraph contract [options]       replay Graph doc examples against a server (see mockgraph contract --help)
  mockgraph lint-docs FILES…         report problems of Graph doc pages
  mockgraph import-docs [options] PAGE…
                                     import Graph doc pages into schemas (see mockgraph import-docs --help)
  mockgraph openapi [--schemas DIR] [--out FILE]
                                     write the OpenAPI description of the served paths
  mockgraph --version                print the version
  mockgraph cert [--ca-dir DIR] [--path]
                                     print the local CA that serve --https uses, and how to trust it
                                     (creates it if there is none; see mockgraph cert --help)
`;


/** Exits with a one-line reason, as a CLI should for bad input. */
function fail(message: string): never {
  process.stderr.write(`mockgraph: ${message}\n`);
  process.exit(2);
}

type FlagValues = Record<string, string | string[] | boolean | undefined>;

/** Parses `--name value` flags; unknown flags exit 2. */
function parseFlags(argv: string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>): FlagValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (err) {
    fail((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

function one(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return Array.isArray(v) ? v[v.length - 1] : typeof v === 'string' ? v : undefined;
}

function readConfig(explicit: string | undefined): { file: Record<string, unknown> | undefined; fileName: string | undefined } {
  const fileName = explicit ?? (existsSync('mockgraph.config.json') ? 'mockgraph.config.json' : undefined);
  if (fileName === undefined) return { file: undefined, fileName };
  if (!existsSync(fileName)) fail(`--config ${fileName}: no such file`);
  try {
    return { file: parseConfigFile(readFileSync(fileName, 'utf8'), fileName), fileName };
  } catch (err) {
    fail((err as Error).message);
  }
}

/** The --seed file (an array, a collection response, or keyed by entity-set path), else every set's schema example. */
function readSeed(settings: ServeSettings): SeedInput {
  if (settings.seed === undefined) return exampleSeed(loadGraphDefinition(settings.schemas), settings.validation);
  // A seed file far over the storage limit would only exhaust memory while being parsed.
  const bytes = existsSync(settings.seed) ? statSync(settings.seed).size : 0;
  if (bytes > settings.maxDataSize * 2) fail(`seed file ${settings.seed} is ${bytes} bytes, over twice the storage limit of ${settings.maxDataSize} bytes (raise it with --max-data-size)`);
  try {
    return seedRecords(JSON.parse(readFileSync(settings.seed, 'utf8')));
  } catch (err) {
    fail(`seed file ${settings.seed}: ${(err as Error).message}`);
  }
}

function openStore(settings: ServeSettings): { store: EntityStore; where: string } {
  if (settings.data === undefined) return { store: createMemoryStore(), where: 'in memory (gone when the server stops)' };
  const path = resolve(settings.data);
  // Loaded only when asked for: the native module is not needed for an in-memory sandbox.
  let sqlite: typeof import('./store/sqlite-store');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sqlite = require('./store/sqlite-store') as typeof import('./store/sqlite-store');
  } catch (err) {
    // better-sqlite3 is an optional dependency: an install without a compiler (or --omit=optional) has none.
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes('better-sqlite3')) {
      fail(`--data needs the optional dependency better-sqlite3, which is not installed: run npm install better-sqlite3@12 (it compiles from source where no prebuilt binary fits), or serve in memory without --data`);
    }
    throw err;
  }
  const { createSqliteStore, DataFileError } = sqlite;
  try {
    return { store: createSqliteStore(path, { maxEntities: settings.maxEntities, maxDataBytes: settings.maxDataSize }), where: `in the SQLite file ${path}` };
  } catch (err) {
    fail(err instanceof DataFileError ? err.message : String(err));
  }
}

/** The CA folder: --ca-dir / MOCKGRAPH_CA_DIR / "caDir", else the per-user default. */
function caFolder(given: string | undefined): string {
  return resolve(given ?? defaultCaDir(process.env.XDG_DATA_HOME, homedir()));
}

/** The local CA in `dir`, or exit 2 with one line. */
function localAuthority(dir: string) {
  try {
    return ensureCertificateAuthority(dir);
  } catch (err) {
    fail(err instanceof CertificateAuthorityError ? err.message : `the CA folder ${dir}: ${(err as Error).message}`);
  }
}

/** The certificate `serve --https` presents: the given pair, else one signed by the local CA (created once). */
function serverTls(settings: ServeSettings): { pair: KeyPair; described: string } {
  if (settings.tlsCert !== undefined && settings.tlsKey !== undefined) {
    try {
      return { pair: readKeyPair(settings.tlsCert, settings.tlsKey), described: `TLS certificate ${settings.tlsCert}` };
    } catch (err) {
      fail((err as Error).message);
    }
  }
  const dir = caFolder(settings.caDir);
  try {
    const issued = ensureServerCertificate(dir, serverNames(settings.host, settings.allowedHosts));
    if (issued.authority.created) process.stderr.write(`mockgraph: created a local certificate authority in ${dir}; clients must trust ${issued.authority.certFile} (see mockgraph cert)\n`);
    return { pair: issued, described: `TLS certificate from the local CA ${issued.authority.certFile} (to trust it: mockgraph cert)` };
  } catch (err) {
    fail(err instanceof CertificateAuthorityError ? err.message : `the CA folder ${dir}: ${(err as Error).message}`);
  }
}


/** `mockgraph cert`: prints the local CA's certificate path and how to trust it; creates the CA if there is none. */
function cert(argv: string[]): void {
  const values = parseFlags(argv, { 'ca-dir': { type: 'string' }, config: { type: 'string' }, path: { type: 'boolean' }, help: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(CERT_HELP);
    return;
  }
  const { file } = readConfig(one(values, 'config'));
  const fromFile = typeof file?.caDir === 'string' ? file.caDir : undefined;
  const env = process.env.MOCKGRAPH_CA_DIR === '' ? undefined : process.env.MOCKGRAPH_CA_DIR;
  const dir = caFolder(one(values, 'ca-dir') ?? env ?? fromFile);
  const ca = localAuthority(dir);
  if (values.path) {
    process.stdout.write(ca.certFile + '\n');
    return;
  }
  process.stdout.write(trustInstructions({ certFile: ca.certFile, keyFile: join(dir, CA_FILES.caKey), created: ca.created, validTo: new Date(new X509Certificate(ca.pair.cert).validTo) }));
}

/** `mockgraph serve`: reads flags, environment and the config file (the only place that does), then listens. */
function serve(argv: string[]): void {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { config: { type: 'string' }, help: { type: 'boolean' } };
  for (const s of SETTINGS) options[s.flag] = s.key === 'quiet' || s.key === 'https' ? { type: 'boolean' } : { type: 'string', multiple: s.key === 'corsOrigin' || s.key === 'schemas' || s.key === 'operations' || s.key === 'allowedHosts' };
  const flags = parseFlags(argv, options);
  if (flags.help) {
    process.stdout.write(serveHelp());
    return;
  }
  const { file, fileName } = readConfig(one(flags, 'config'));
  let settings: ServeSettings;
  try {
    settings = resolveSettings({ flags, env: process.env, file, fileName });
  } catch (err) {
    fail((err as Error).message);
  }
  // Before the store is opened: a bad certificate stops start-up without touching a data file.
  const tls = settings.https ? serverTls(settings) : undefined;
  const seed = readSeed(settings);
  const { store, where } = openStore(settings);
  // On an address other machines can reach, the admin API (reset, data listing) needs a token.
  const adminLocked = settings.admin && settings.adminToken === undefined && !isLoopbackHost(settings.host);
  let app;
  try {
    app = createApp({
      store,
      schemaDirs: settings.schemas,
      operations: settings.operations.length === 0 ? [] : loadOperationModules(settings.operations, loadGraphDefinition(settings.schemas).model),
      storeDescription: settings.data === undefined ? 'memory' : `sqlite:${resolve(settings.data)}`,
      seed,
      validation: settings.validation,
      auth: settings.auth,
      jwtSecret: settings.jwtSecret,
      corsOrigins: settings.corsOrigin,
      allowedHosts: settings.allowedHosts,
      pageSize: settings.pageSize,
      bodyLimitBytes: settings.bodyLimit,
      maxEntities: settings.maxEntities,
      maxDataBytes: settings.maxDataSize,
      admin: settings.admin,
      adminToken: settings.adminToken,
      adminLocked,
      chaos: {
        latency: settings.latency,
        failRate: settings.failRate,
        throttle: settings.throttle,
        random: settings.randomSeed === undefined ? undefined : seededRandom(settings.randomSeed),
      },
      onRequest: settings.quiet ? undefined : (entry) => process.stdout.write(JSON.stringify(entry) + '\n'),
    });
  } catch (err) {
    store.close();
    fail(err instanceof SeedError ? `seed file ${settings.seed ?? '(built-in)'}: ${err.message}` : (err as Error).message);
  }

  const server = createMockServer(app, undefined, tls?.pair).listen(settings.port, settings.host);
  const scheme = tls === undefined ? 'http' : 'https';
  server.on('listening', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    // A wildcard address is reached as localhost; an IPv6 address is written in brackets in a URL.
    const wildcard = ['0.0.0.0', '::', '0', '[::]'].includes(settings.host);
    const host = wildcard ? 'localhost' : settings.host.includes(':') && !settings.host.startsWith('[') ? `[${settings.host}]` : settings.host;
    const admin = !settings.admin
      ? 'admin API off'
      : adminLocked
        ? `admin API locked on ${settings.host} (only /_mockgraph/health answers; set --admin-token or MOCKGRAPH_ADMIN_TOKEN to use it)`
        : `inspector at ${scheme}://${host}:${port}/_mockgraph/${settings.adminToken === undefined ? '' : ' (admin token required)'}`;
    const sets = loadGraphDefinition(settings.schemas).model.entitySets.map((set) => set.path);
    const config = fileName === undefined ? 'no config file' : `config ${fileName}`;
    const secured = tls === undefined ? '' : `; ${tls.described}`;
    process.stdout.write(`mockgraph: serving ${scheme}://${host}:${port}/beta/ (${sets.join(', ')}), data ${where}; auth ${settings.auth}, validation ${settings.validation}, ${config}${secured}; ${admin}; start page ${scheme}://${host}:${port}/\n`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    store.close();
    fail(err.code === 'EADDRINUSE' ? `port ${settings.port} on ${settings.host} is already in use (choose another with --port)` : err.message);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, let in-flight requests finish, then close the database; give up after 5 seconds.
    setTimeout(() => {
      store.close();
      process.exit(0);
    }, 4_500).unref();
    server.close(() => {
      store.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** `mockgraph token`: prints a test access token with the given permissions. */
function token(argv: string[]): void {
  const values = parseFlags(argv, Object.fromEntries(['scp', 'roles', 'tid', 'appid', 'expires-in', 'secret'].map((n) => [n, { type: 'string' as const }])));
  const expiresIn = Number(one(values, 'expires-in') ?? 3600);
  if (!Number.isFinite(expiresIn)) fail(`--expires-in must be a number of seconds, got '${String(one(values, 'expires-in'))}'`);
  const now = Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    aud: 'https://graph.microsoft.com',
    tid: one(values, 'tid') ?? '00000000-0000-0000-0000-000000000001',
    appid: one(values, 'appid') ?? '00000000-0000-0000-0000-0000000000a1',
    iat: now,
    exp: now + expiresIn,
  };
  const scp = one(values, 'scp');
  const roles = one(values, 'roles');
  if (scp !== undefined) claims.scp = scp;
  if (roles !== undefined) claims.roles = roles.split(/[ ,]+/).filter(Boolean);
  process.stdout.write(mintAccessToken(claims, one(values, 'secret') ?? process.env.MOCKGRAPH_JWT_SECRET) + '\n');
}

/**
 * A seed file's text: one entity per line (compact, so 100,000 entities stay quick to read at start-up, and still
 * line-diffable), inside an array or an object keyed by entity-set path.
 */
function seedFileText(value: unknown): string {
  const lines = (entities: readonly unknown[], indent: string) => (entities.length === 0 ? '[]' : `[\n${entities.map((e) => indent + JSON.stringify(e)).join(',\n')}\n${indent.slice(2)}]`);
  if (Array.isArray(value)) return lines(value, '  ') + '\n';
  const sets = Object.entries(value as Record<string, unknown[]>);
  return `{\n${sets.map(([path, entities]) => `  ${JSON.stringify(path)}: ${lines(entities, '    ')}`).join(',\n')}\n}\n`;
}

/** `mockgraph seed`: writes N deterministic entities of one entity set, or of each (same seed, same bytes). */
function seed(argv: string[]): void {
  const values = parseFlags(argv, { set: { type: 'string' }, count: { type: 'string' }, 'random-seed': { type: 'string' }, out: { type: 'string' }, schemas: { type: 'string', multiple: true } });
  const rawCount = one(values, 'count');
  if (rawCount === undefined) fail('seed needs --count N: how many entities to write (e.g. mockgraph seed --count 100)');
  const count = Number(rawCount);
  const randomSeed = Number(one(values, 'random-seed') ?? 1);
  if (!/^\d+$/.test(rawCount) || count > 1_000_000) fail(`--count must be an integer from 0 to 1000000, got '${rawCount}'`);
  if (!Number.isInteger(randomSeed) || randomSeed < 0) fail(`--random-seed must be a non-negative integer, got '${String(one(values, 'random-seed'))}'`);
  const flagged = values.schemas as string[] | undefined;
  const dirs = flagged ?? (process.env.MOCKGRAPH_SCHEMAS ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  let graph;
  try {
    graph = loadGraphDefinition(dirs);
  } catch (err) {
    fail((err as Error).message);
  }
  const sets = graph.model.entitySets.map((s) => s.path);
  // One set: an array of its entities. Several and no --set: an object keyed by entity-set path, as --seed reads it.
  const chosen = one(values, 'set') ?? (sets.length === 1 ? sets[0] : undefined);
  let entities: unknown;
  for (const set of chosen === undefined ? sets : [chosen]) {
    try {
      const generated = generateEntities(graph, set, count, randomSeed);
      entities = chosen === undefined ? { ...(entities as Record<string, unknown> | undefined), [set]: generated } : generated;
    } catch (err) {
      fail(`--set ${set}: ${(err as Error).message}`);
    }
  }
  entities ??= {};
  const text = seedFileText(entities);
  const out = one(values, 'out');
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}

/** `mockgraph openapi`: writes the OpenAPI description of the served paths (what /_mockgraph/openapi.json answers). */
function openapi(argv: string[]): void {
  const values = parseFlags(argv, { schemas: { type: 'string', multiple: true }, validation: { type: 'string' }, origin: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } });
  if (values.help === true) {
    process.stdout.write('mockgraph openapi [--schemas DIR]… [--validation doc|metadata] [--origin URL] [--out FILE]\n\nWrites the OpenAPI 3.0 description of every served path, as GET /_mockgraph/openapi.json answers it.\n');
    return;
  }
  const validation = one(values, 'validation') ?? 'doc';
  if (!isValidationProfile(validation)) fail(`--validation must be doc or metadata, got '${validation}'`);
  const origin = one(values, 'origin');
  if (origin !== undefined && !/^https?:\/\/[^/]+$/.test(origin)) fail(`--origin must be scheme://host[:port], got '${origin}'`);
  let graph;
  try {
    graph = loadGraphDefinition((values.schemas as string[] | undefined) ?? []);
  } catch (err) {
    fail((err as Error).message);
  }
  const text = JSON.stringify(openApiDocument(graph, { validation, ...(origin ? { origin } : {}) }), null, 2) + '\n';
  const out = one(values, 'out');
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
}

/** The package's version, from its package.json. */
function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h' || command === 'help') process.stdout.write(HELP);
else if (command === '--version' || command === '-v' || command === 'version') process.stdout.write(`mockgraph ${version()}\n`);
else if (command === 'openapi') openapi(rest);
else if (command === 'token') token(rest);
else if (command === 'seed') seed(rest);
else if (command === 'cert') cert(rest);
else if (command === 'serve') serve(rest);
else if (command === undefined || command.startsWith('-')) serve(process.argv.slice(2));
else fail(`unknown command '${command}' (commands: serve, token, seed, cert, openapi, contract, lint-docs, import-docs; see mockgraph --help)`);
