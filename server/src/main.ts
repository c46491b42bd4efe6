import { parseArgs } from 'node:util';
import { createApp } from './app';
import { isAuthMode, mintAccessToken } from './graph/access-token';
import type { AccessTokenClaims } from './graph/access-token';
import { isValidationProfile } from './graph/validate';

/** Exits with a one-line reason, as a CLI should for bad input. */
function fail(message: string): never {
  process.stderr.write(`mockgraph: ${message}\n`);
  process.exit(2);
}

type FlagValues = Record<string, string | string[] | undefined>;

/** Parses `--name value` flags (all string-valued; those in `multiple` may repeat); unknown flags exit 2. */
function parseFlags(argv: string[], names: readonly string[], multiple: readonly string[] = []): FlagValues {
  const options = Object.fromEntries(names.map((n) => [n, { type: 'string' as const, multiple: multiple.includes(n) }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as FlagValues;
  } catch (err) {
    fail((err as Error).message);
  }
}

function one(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) fail(`--port must be an integer from 0 to 65535, got '${raw}'`);
  return port;
}

/** `mockgraph serve`: reads flags and environment (the only place that does), then listens. */
function serve(argv: string[]): void {
  const values = parseFlags(argv, ['port', 'host', 'validation', 'auth', 'jwt-secret', 'cors-origin'], ['cors-origin']);
  const port = parsePort(one(values, 'port') ?? process.env.PORT ?? '4000');
  const host = one(values, 'host') ?? '127.0.0.1';
  const validation = one(values, 'validation') ?? 'doc';
  if (!isValidationProfile(validation)) fail(`--validation must be doc or metadata, got '${validation}'`);
  const auth = one(values, 'auth') ?? 'bearer';
  if (!isAuthMode(auth)) fail(`--auth must be bearer, jwt or off, got '${auth}'`);
  const jwtSecret = one(values, 'jwt-secret') ?? process.env.MOCKGRAPH_JWT_SECRET;
  const origins = values['cors-origin'];
  const corsOrigins = (Array.isArray(origins) ? origins : []).flatMap((o) => o.split(',')).map((o) => o.trim());

  const server = createApp({ validation, auth, jwtSecret, corsOrigins }).listen(port, host);
  server.on('listening', () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    process.stdout.write(`mockgraph: serving http://${shown}:${bound}/beta/security/ipSecurityProfiles (data in memory)\n`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    fail(err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : err.message);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** `mockgraph token`: prints a test access token with the given permissions. */
function token(argv: string[]): void {
  const values = parseFlags(argv, ['scp', 'roles', 'tid', 'appid', 'expires-in', 'secret']);
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

const [command, ...rest] = process.argv.slice(2);
if (command === 'token') token(rest);
else if (command === 'serve') serve(rest);
else if (command === undefined || command.startsWith('-')) serve(process.argv.slice(2));
else fail(`unknown command '${command}' (commands: serve, token)`);
