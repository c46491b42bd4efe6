import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from './app';
import { storeReady } from './http/store-ready';
import { createMockServer } from './http/server';
import { commandHelp, COMMANDS, findCommand, overviewHelp } from './cli/commands';
import { lastValue as one, normalizeArgv, parseFlags } from './cli/flags';
import type { FlagValues } from './cli/flags';
import type { CommandOutput } from './cli/output-commands';
import { openStore } from './cli/open-store';
import { caFolder, localAuthority, serverTls, trustText } from './cli/serve-tls';
import type { UserFolders } from './cli/serve-tls';
import { isLoopbackHost, resolveSettings } from './cli/settings';
import type { ServeSettings } from './cli/settings';
import { loadGraphDefinition } from './graph/registry';
import { packageRoot } from './package-root';
import { exampleSeed, prepareSeeds, SeedError, seedRecords } from './graph/seed';
import type { PreparedSeed, SeedInput } from './graph/seed';
import { cachedSeed } from './graph/seed-cache';
import { prepareSeedFile } from './graph/seed-stream';
import { VALIDATOR_CACHE_DIR } from './graph/validator-cache';

/*
 * Modules that only some commands or options use (the config file, --operations, the output commands; TLS in
 * cli/serve-tls.ts, the stores in cli/open-store.ts) are required where used: a plain `serve` does not load them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const outputCommands = () => require('./cli/output-commands') as typeof import('./cli/output-commands');
/* eslint-enable @typescript-eslint/no-require-imports */

// A reader that stops early (`mockgraph openapi | head`) ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/** Exits with a one-line reason, as a CLI should for bad input. */
function fail(message: string): never {
  process.stderr.write(`mockgraph: ${message}\n`);
  process.exit(2);
}

/** The flags of `mockgraph <name>`; undefined once --help has printed the command's help. Bad flags exit 2. */
function flagsOf(name: string, argv: string[]): FlagValues | undefined {
  const command = findCommand(name);
  if (command === undefined) fail(`unknown command '${name}'`);
  let values: FlagValues;
  try {
    values = parseFlags(name, argv, command.flags ?? {});
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help !== true) return values;
  process.stdout.write(commandHelp(command));
  return undefined;
}

function readConfig(explicit: string | undefined): { file: Record<string, unknown> | undefined; fileName: string | undefined } {
  const fileName = explicit ?? (existsSync('mockgraph.config.json') ? 'mockgraph.config.json' : undefined);
  if (fileName === undefined) return { file: undefined, fileName };
  if (!existsSync(fileName)) fail(`--config ${fileName}: no such file`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseConfigFile } = require('./cli/config-file') as typeof import('./cli/config-file');
    return { file: parseConfigFile(readFileSync(fileName, 'utf8'), fileName), fileName };
  } catch (err) {
    fail((err as Error).message);
  }
}

/** The seed cache's folder (graph/seed-cache.ts): MOCKGRAPH_SEED_CACHE names another one, or turns it off. */
function seedCacheDir(): string | undefined {
  const given = process.env.MOCKGRAPH_SEED_CACHE?.trim();
  if (given === undefined || given === '') return VALIDATOR_CACHE_DIR;
  return /^(off|false|0|no)$/i.test(given) ? undefined : resolve(given);
}

/**
 * The --seed file (an array, a collection response, or keyed by entity-set path) validated and prepared, or read
 * from the seed cache, with the write that caches it; else every set's schema example.
 */
function readSeed(settings: ServeSettings): { seed: SeedInput | PreparedSeed; save?: () => Promise<void> } {
  const path = settings.seed;
  if (path === undefined) return { seed: exampleSeed(loadGraphDefinition(settings.schemas), settings.validation) };
  // A seed file far over the storage limit would only exhaust memory while being parsed.
  const bytes = existsSync(path) ? statSync(path).size : 0;
  if (bytes > settings.maxDataSize * 2) fail(`seed file ${path} is ${bytes} bytes, over twice the storage limit of ${settings.maxDataSize} bytes (raise it with --max-data-size)`);
  try {
    const graph = loadGraphDefinition(settings.schemas);
    // An array file (what `mockgraph seed --set` writes) is read and prepared record by record; other forms whole.
    const prepare = () => prepareSeedFile(path, graph, settings.validation) ?? prepareSeeds(seedRecords(JSON.parse(readFileSync(path, 'utf8'))), graph, settings.validation);
    const dir = seedCacheDir();
    return dir === undefined ? { seed: prepare() } : cachedSeed(path, graph, settings.validation, prepare, { dir });
  } catch (err) {
    fail(`seed file ${path}: ${(err as Error).message}`);
  }
}

/** `mockgraph cert`: prints the local CA's certificate path and how to trust it; creates the CA if there is none. */
function cert(argv: string[]): void {
  const values = flagsOf('cert', argv);
  if (values === undefined) return;
  const { file } = readConfig(one(values, 'config'));
  const fromFile = typeof file?.caDir === 'string' ? file.caDir : undefined;
  const env = process.env.MOCKGRAPH_CA_DIR === '' ? undefined : process.env.MOCKGRAPH_CA_DIR;
  try {
    const dir = caFolder(one(values, 'ca-dir') ?? env ?? fromFile, userFolders());
    const ca = localAuthority(dir);
    process.stdout.write(values.path ? ca.certFile + '\n' : trustText(dir, ca));
  } catch (err) {
    fail((err as Error).message);
  }
}

/** The folders the per-user CA default is under. */
function userFolders(): UserFolders {
  return { xdgDataHome: process.env.XDG_DATA_HOME, home: homedir() };
}

/** `mockgraph serve`: reads flags, environment and the config file (the only place that does), then listens. */
function serve(argv: string[]): void {
  serveAsync(argv).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}

async function serveAsync(argv: string[]): Promise<void> {
  const flags = flagsOf('serve', argv);
  if (flags === undefined) return;
  const { file, fileName } = readConfig(one(flags, 'config'));
  let settings: ServeSettings;
  try {
    settings = resolveSettings({ flags, env: process.env, file, fileName });
  } catch (err) {
    fail((err as Error).message);
  }
  // Before the store is opened: a bad certificate stops start-up without touching a data file.
  const tls = settings.https ? serverTls(settings, userFolders(), (message) => process.stderr.write(message + '\n')) : undefined;
  const { seed, save: cacheSeed } = readSeed(settings);
  const { store, where, described } = await openStore(settings, (message) => process.stderr.write(message + '\n'));
  // On an address other machines can reach, the admin API (reset, data listing) needs a token.
  const adminLocked = settings.admin && settings.adminToken === undefined && !isLoopbackHost(settings.host);
  let app;
  try {
    app = createApp({
      store,
      schemaDirs: settings.schemas,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      operations: settings.operations.length === 0 ? [] : (require('./cli/operation-modules') as typeof import('./cli/operation-modules')).loadOperationModules(settings.operations, loadGraphDefinition(settings.schemas).model),
      storeDescription: described,
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
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        random: settings.randomSeed === undefined ? undefined : (require('./seed/generate') as typeof import('./seed/generate')).seededRandom(settings.randomSeed),
      },
      onRequest: settings.quiet ? undefined : (entry) => process.stdout.write(JSON.stringify(entry) + '\n'),
    });
  } catch (err) {
    await store.close();
    fail(err instanceof SeedError ? `seed file ${settings.seed ?? '(built-in)'}: ${err.message}` : (err as Error).message);
  }
  // Seeded and checked against the storage limits before the port opens: a store over them stops start-up.
  try {
    await storeReady(app);
  } catch (err) {
    await store.close();
    fail((err as Error).message);
  }

  // The seed cache's write, once started: a stop lets it finish (within the grace period below).
  let seedCached: Promise<void> | undefined;
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
    // Written once the port is open, a chunk at a time between requests: the first answer does not wait for it.
    if (cacheSeed) setImmediate(() => (seedCached = cacheSeed().catch(() => undefined)));
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    store.close();
    fail(err.code === 'EADDRINUSE' ? `port ${settings.port} on ${settings.host} is already in use (choose another with --port)` : err.message);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Stop accepting, let in-flight requests (and the seed cache write) finish, then close the database; give up after 5 seconds.
    setTimeout(() => {
      store.close();
      process.exit(0);
    }, 4_500).unref();
    server.close(() => {
      void Promise.resolve(seedCached).then(() => {
        store.close();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  // SIGHUP too: a closed terminal stops the server as cleanly as Ctrl-C does.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
  // Started by an npm script (npm start, npx): the runner's lifetime is the server's. Should the runner die without
  // passing a signal on (SIGKILL, or a shell between them that drops it), the port must not stay taken.
  const parent = process.ppid;
  if (process.env.npm_lifecycle_event !== undefined && parent > 1) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { whenParentExits } = require('./cli/parent-watch') as typeof import('./cli/parent-watch');
    whenParentExits(parent, () => {
      process.stderr.write(`mockgraph: the process that started this server (pid ${parent}) has exited; stopping\n`);
      stop();
    });
  }
}

/** Prints a command's output, to its --out file or standard output; bad input exits 2 with one line. */
function write(produce: () => CommandOutput): void {
  let output: CommandOutput;
  try {
    output = produce();
  } catch (err) {
    fail((err as Error).message);
  }
  if (output.out === undefined) process.stdout.write(output.text);
  else writeFileSync(output.out, output.text);
}

/** `mockgraph token`, `seed` and `openapi`: each prints what it makes. */
const token = (argv: string[]) => {
  const values = flagsOf('token', argv);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (values) write(() => ({ text: (require('./cli/token-command') as typeof import('./cli/token-command')).testToken(values, process.env, Date.now()) + '\n', out: undefined }));
};
const seed = (argv: string[]) => {
  const values = flagsOf('seed', argv);
  if (values) write(() => outputCommands().seedCommand(values, process.env));
};
const openapi = (argv: string[]) => {
  const values = flagsOf('openapi', argv);
  if (values) write(() => outputCommands().openapiCommand(values, process.env));
};

/** The package's version, from its package.json. */
function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The commands main.ts runs; contract, lint-docs and import-docs are run by bin/mockgraph.js from contract-tests. */
const RUN: Record<string, (argv: string[]) => void> = {
  serve,
  token,
  seed,
  openapi,
  cert,
  version: (argv) => flagsOf('version', argv) && process.stdout.write(`mockgraph ${version()}\n`),
  help: (argv) => flagsOf('help', argv) && process.stdout.write(overviewHelp()),
};

const argv = normalizeArgv(process.argv.slice(2));
const [command, ...rest] = argv;
if (command === '--help') process.stdout.write(overviewHelp());
else if (command === '--version' || command === '-v') process.stdout.write(`mockgraph ${version()}\n`);
else if (command === undefined || command.startsWith('-')) serve(argv);
else if (RUN[command]) RUN[command](rest);
else if (findCommand(command)) fail(`mockgraph ${command} runs from bin/mockgraph.js (npx mockgraph ${command} --help), not from dist/server/src/main.js`);
else fail(`unknown command '${command}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see mockgraph --help)`);
