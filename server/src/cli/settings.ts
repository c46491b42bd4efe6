import { AUTH_MODES, isAuthMode } from '../graph/access-token';
import type { AuthMode } from '../graph/access-token';
import { isValidationProfile, VALIDATION_PROFILES } from '../graph/validate';
import type { ValidationProfile } from '../graph/validate';
import type { FlagSpecs } from './flags';

/** Everything `mockgraph serve` can be told. */
export interface ServeSettings {
  port: number;
  host: string;
  https: boolean;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  caDir: string | undefined;
  auth: AuthMode;
  jwtSecret: string | undefined;
  validation: ValidationProfile;
  seed: string | undefined;
  schemas: string[];
  operations: string[];
  data: string | undefined;
  tokenSecret: string | undefined;
  connectTimeout: number;
  latency: { min: number; max: number } | undefined;
  failRate: number;
  throttle: { limit: number; seconds: number } | undefined;
  randomSeed: number | undefined;
  corsOrigin: string[];
  allowedHosts: string[];
  pageSize: number;
  bodyLimit: number;
  maxEntities: number;
  maxDataSize: number;
  admin: boolean;
  adminToken: string | undefined;
  quiet: boolean;
}

/** One setting: its flag, environment variable, config key, default and how a string becomes its value. */
interface Setting<K extends keyof ServeSettings = keyof ServeSettings> {
  key: K;
  flag: string;
  env: string;
  valueName: string;
  description: string;
  default: ServeSettings[K];
  shownDefault: string;
  /** A credential: an empty value is an error (never "unset"), and no message repeats it. */
  secret?: boolean;
  /** Turns text into the value; throws an Error whose message is the reason. */
  parse(raw: string): ServeSettings[K];
}

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) throw new Error(`must be an integer from ${min} to ${max}, got '${raw}'`);
    return Number(raw);
  };
}

function oneOf<T extends string>(values: readonly T[], guard: (v: unknown) => v is T) {
  return (raw: string): T => {
    if (!guard(raw)) throw new Error(`must be one of ${values.join(', ')}, got '${raw}'`);
    return raw;
  };
}

function boolean(raw: string): boolean {
  if (/^(true|1|yes|on)$/i.test(raw.trim())) return true;
  if (/^(false|0|no|off)$/i.test(raw.trim())) return false;
  throw new Error(`must be true or false, got '${raw}'`);
}

function text(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw;
}

function latency(raw: string): { min: number; max: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw.trim());
  const [min, max] = [Number(m?.[1]), Number(m?.[2] ?? m?.[1])];
  if (!m || min > max || max > 60_000) throw new Error(`must be MIN-MAX milliseconds (e.g. 50-300, at most 60000), got '${raw}'`);
  return { min, max };
}

function throttle(raw: string): { limit: number; seconds: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`must be N/SECONDS (e.g. 100/60: at most 100 requests per 60 seconds per client), got '${raw}'`);
  return { limit: Number(m[1]), seconds: Number(m[2]) };
}

function rate(raw: string): number {
  const p = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) throw new Error(`must be a probability from 0 to 1, got '${raw}'`);
  return p;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A size such as `512kb`, `1mb` or `2gb` (binary units), within the given bounds. */
function size(min: number, max: number, shown: string) {
  return (raw: string): number => {
    const m = /^(\d+)(b|kb|mb|gb)?$/i.exec(raw.trim());
    const n = Number(m?.[1]) * (UNITS[(m?.[2] ?? 'b').toLowerCase()] ?? 1);
    if (!m || n < min || n > max) throw new Error(`must be a size from ${shown} (e.g. 1mb, 512kb), got '${raw}'`);
    return n;
  };
}

/** The secret itself never appears in a message. */
function secret(minLength: number) {
  return (raw: string): string => {
    if (raw.trim().length < minLength) throw new Error(minLength <= 1 ? 'must not be empty' : `must be at least ${minLength} characters long`);
    return raw;
  };
}

/** `scheme://host[:port]`, as browsers send it in Origin (normalised: lower case, no default port); `*` for any. */
function origins(raw: string): string[] {
  const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('must name at least one origin, such as https://app.example');
  return list.map((o) => {
    if (o === '*') return o;
    const bare = o.replace(/\/$/, '');
    let origin: string | undefined;
    try {
      origin = /^https?:\/\/[^/?#@\s]+$/i.test(bare) ? new URL(bare).origin : undefined;
    } catch {
      origin = undefined;
    }
    if (origin === undefined || origin === 'null') throw new Error(`must be origins such as https://app.example or http://localhost:3000 (scheme, host and port only), or '*'; '${o}' is not one`);
    return origin;
  });
}

/** Folder paths, comma-separated (repeated flags are joined with commas first). */
function folders(raw: string): string[] {
  const list = raw.split(',').map((d) => d.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('must name at least one folder');
  return list;
}

/** Host names (optionally with a port) the server answers to besides loopback and IP literals; `*` for any. */
function hosts(raw: string): string[] {
  const list = raw.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new Error('must name at least one host, such as sandbox.internal');
  for (const h of list) if (h !== '*' && !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/.test(h)) throw new Error(`must be host names such as sandbox.internal or *.example.test, or '*'; '${h}' is not one`);
  return list;
}

function define<K extends keyof ServeSettings>(s: Setting<K>): Setting {
  return s as unknown as Setting;
}

/** The settings of `mockgraph serve`, in the order `--help` lists them. */
export const SETTINGS: readonly Setting[] = [
  define({ key: 'port', flag: 'port', env: 'MOCKGRAPH_PORT', valueName: 'N', description: 'the TCP port (PORT is read too)', default: 4000, shownDefault: '4000', parse: integer(0, 65535) }),
  define({ key: 'host', flag: 'host', env: 'MOCKGRAPH_HOST', valueName: 'ADDR', description: 'the address to listen on (0.0.0.0 for every interface)', default: '127.0.0.1', shownDefault: '127.0.0.1', parse: text }),
  define({ key: 'https', flag: 'https', env: 'MOCKGRAPH_HTTPS', valueName: '', description: 'serve HTTPS only (TLS) on the port: with --tls-cert/--tls-key, else a certificate of the local CA (mockgraph cert)', default: false, shownDefault: 'false (plain HTTP)', parse: boolean }),
  define({ key: 'tlsCert', flag: 'tls-cert', env: 'MOCKGRAPH_TLS_CERT', valueName: 'FILE', description: 'with --https: the PEM certificate (and chain) to serve, instead of one from the local CA', default: undefined, shownDefault: 'a certificate from the local CA', parse: text }),
  define({ key: 'tlsKey', flag: 'tls-key', env: 'MOCKGRAPH_TLS_KEY', valueName: 'FILE', description: "with --tls-cert: the certificate's PEM private key (unencrypted)", default: undefined, shownDefault: 'none', parse: text }),
  define({ key: 'caDir', flag: 'ca-dir', env: 'MOCKGRAPH_CA_DIR', valueName: 'DIR', description: 'the folder of the local CA and the server certificate it signs (created 0700)', default: undefined, shownDefault: '$XDG_DATA_HOME/mockgraph/ca, else ~/.local/share/mockgraph/ca', parse: text }),
  define({ key: 'auth', flag: 'auth', env: 'MOCKGRAPH_AUTH', valueName: AUTH_MODES.join('|'), description: 'bearer: any token; jwt: a JWT granting the permissions the API pages list; off: none', default: 'bearer', shownDefault: 'bearer', parse: oneOf(AUTH_MODES, isAuthMode) }),
  define({ key: 'jwtSecret', flag: 'jwt-secret', env: 'MOCKGRAPH_JWT_SECRET', valueName: 'SECRET', description: 'with --auth jwt: verify HS256 signatures with this secret', default: undefined, shownDefault: 'none (tokens are decoded, not verified)', secret: true, parse: secret(1) }),
  define({ key: 'validation', flag: 'validation', env: 'MOCKGRAPH_VALIDATION', valueName: VALIDATION_PROFILES.join('|'), description: "doc: the page's create contract; metadata: Graph's metadata (open type)", default: 'doc', shownDefault: 'doc', parse: oneOf(VALIDATION_PROFILES, isValidationProfile) }),
  define({ key: 'seed', flag: 'seed', env: 'MOCKGRAPH_SEED', valueName: 'FILE', description: 'start with these entities (a JSON array, a Graph collection response, or an object keyed by entity-set path)', default: undefined, shownDefault: "each entity set's schema example", parse: text }),
  define({ key: 'schemas', flag: 'schemas', env: 'MOCKGRAPH_SCHEMAS', valueName: 'DIR', description: 'also serve the (imported) schemas in DIR (repeatable; comma-separated in env and config)', default: [], shownDefault: 'none', parse: folders }),
  define({ key: 'operations', flag: 'operations', env: 'MOCKGRAPH_OPERATIONS', valueName: 'DIR', description: 'custom semantics of bound actions and functions: .js modules in DIR (repeatable)', default: [], shownDefault: 'none (generic bulk semantics, else the documented response)', parse: folders }),
  define({ key: 'data', flag: 'data', env: 'MOCKGRAPH_DATA', valueName: 'FILE|URL', description: 'keep the data in this SQLite file, or in the PostgreSQL database of a postgres://user:password@host:port/db URL (shared by replicas)', default: undefined, shownDefault: 'in memory', parse: text }),
  define({ key: 'tokenSecret', flag: 'token-secret', env: 'MOCKGRAPH_TOKEN_SECRET', valueName: 'SECRET', description: 'with a postgres:// --data: sign $skiptoken links with this secret (replicas share it); else one kept in the database', default: undefined, shownDefault: 'kept in the database', secret: true, parse: secret(16) }),
  define({ key: 'connectTimeout', flag: 'connect-timeout', env: 'MOCKGRAPH_CONNECT_TIMEOUT', valueName: 'SECONDS', description: 'with a postgres:// --data: how long start-up waits for the database before it exits 2', default: 30, shownDefault: '30', parse: integer(0, 600) }),
  define({ key: 'latency', flag: 'latency', env: 'MOCKGRAPH_LATENCY', valueName: 'MIN-MAX', description: 'delay every Graph response by MIN to MAX milliseconds', default: undefined, shownDefault: 'none', parse: latency }),
  define({ key: 'failRate', flag: 'fail-rate', env: 'MOCKGRAPH_FAIL_RATE', valueName: 'P', description: 'answer this share of Graph requests with 503 or 504 and Retry-After', default: 0, shownDefault: '0', parse: rate }),
  define({ key: 'throttle', flag: 'throttle', env: 'MOCKGRAPH_THROTTLE', valueName: 'N/SECONDS', description: "answer 429 with Retry-After past N requests per SECONDS per client (its token's app id, else its token)", default: undefined, shownDefault: 'none', parse: throttle }),
  define({ key: 'randomSeed', flag: 'random-seed', env: 'MOCKGRAPH_RANDOM_SEED', valueName: 'S', description: 'seed for --fail-rate and --latency, so a run can be reproduced', default: undefined, shownDefault: 'random', parse: integer(0, 2 ** 31 - 1) }),
  define({ key: 'corsOrigin', flag: 'cors-origin', env: 'MOCKGRAPH_CORS_ORIGIN', valueName: 'ORIGINS', description: "comma-separated origins CORS allows (repeatable); '*' for any origin", default: [], shownDefault: 'loopback origins (http(s)://localhost, 127.0.0.1, [::1], any port)', parse: origins }),
  define({ key: 'allowedHosts', flag: 'allowed-hosts', env: 'MOCKGRAPH_ALLOWED_HOSTS', valueName: 'HOSTS', description: "Host header names answered besides loopback names and IP addresses (DNS-rebinding defence); '*' for any", default: [], shownDefault: 'none', parse: hosts }),
  define({ key: 'pageSize', flag: 'page-size', env: 'MOCKGRAPH_PAGE_SIZE', valueName: 'N', description: 'server-driven page size of collections', default: 100, shownDefault: '100', parse: integer(1, 1000) }),
  define({ key: 'bodyLimit', flag: 'body-limit', env: 'MOCKGRAPH_BODY_LIMIT', valueName: 'SIZE', description: 'the largest request body accepted (413 beyond)', default: 1024 * 1024, shownDefault: '1mb', parse: size(1024, 64 * 1024 ** 2, '1kb to 64mb') }),
  define({ key: 'maxEntities', flag: 'max-entities', env: 'MOCKGRAPH_MAX_ENTITIES', valueName: 'N', description: 'the most entities one entity set holds (507 quotaLimitReached beyond)', default: 100_000, shownDefault: '100000', parse: integer(1, 10_000_000) }),
  define({ key: 'maxDataSize', flag: 'max-data-size', env: 'MOCKGRAPH_MAX_DATA_SIZE', valueName: 'SIZE', description: 'the most stored JSON of all entity sets together (507 quotaLimitReached beyond)', default: 256 * 1024 ** 2, shownDefault: '256mb', parse: size(1024, 16 * 1024 ** 3, '1kb to 16gb') }),
  define({ key: 'admin', flag: 'admin', env: 'MOCKGRAPH_ADMIN', valueName: 'true|false', description: 'serve the admin API and inspector page under /_mockgraph', default: true, shownDefault: 'true', parse: boolean }),
  define({ key: 'adminToken', flag: 'admin-token', env: 'MOCKGRAPH_ADMIN_TOKEN', valueName: 'TOKEN', description: 'admin routes (all but /health) need Authorization: Bearer TOKEN; required to use them on a non-loopback --host', default: undefined, shownDefault: 'none (admin open on loopback, locked elsewhere)', secret: true, parse: secret(12) }),
  define({ key: 'quiet', flag: 'quiet', env: 'MOCKGRAPH_QUIET', valueName: '', description: 'no request log (one JSON line per request otherwise)', default: false, shownDefault: 'false', parse: boolean }),
];

/** Where each value came from, for messages. */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

/** The sources, already read by main.ts: this module reads no environment and no file itself. */
export interface SettingInputs {
  flags: Record<string, string | string[] | boolean | undefined>;
  env: Record<string, string | undefined>;
  file: Record<string, unknown> | undefined;
  fileName: string | undefined;
}

/** Resolves every setting: flags, then MOCKGRAPH_* environment, then the config file, then defaults. Throws an Error naming the bad one. */
export function resolveSettings(inputs: SettingInputs): ServeSettings {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const flag = inputs.flags[s.flag];
    const env = inputs.env[s.env] ?? (s.key === 'port' ? inputs.env.PORT : undefined);
    // An empty credential fails closed: it is refused, not read as "no secret".
    if (s.secret && env === '' && flag === undefined) throw new Error(`${s.env} is set but empty`);
    const fromFile = inputs.file?.[s.key];
    let raw: string | undefined;
    let where = '';
    if (flag !== undefined) {
      raw = typeof flag === 'boolean' ? String(flag) : Array.isArray(flag) ? flag.join(',') : flag;
      where = `--${s.flag}`;
    } else if (env !== undefined && env !== '') {
      raw = env;
      where = s.env;
    } else if (fromFile !== undefined) {
      raw = Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile);
      where = `${inputs.fileName ?? 'the config file'}: "${s.key}"`;
    }
    if (raw === undefined) {
      out[s.key] = s.default;
      continue;
    }
    try {
      out[s.key] = s.parse(raw);
    } catch (err) {
      throw new Error(`${where} ${(err as Error).message}`);
    }
  }
  return checkCombination(out as unknown as ServeSettings);
}

/** Settings that are valid alone but fail open together are refused. */
function checkCombination(s: ServeSettings): ServeSettings {
  if (s.jwtSecret !== undefined && s.auth !== 'jwt') throw new Error(`a JWT secret is set but --auth is '${s.auth}': add --auth jwt, or remove the secret`);
  // A certificate without --https would serve plain HTTP to a user who believes it is TLS.
  if ((s.tlsCert !== undefined || s.tlsKey !== undefined) && !s.https) throw new Error('--tls-cert/--tls-key are set but --https is not: add --https, or remove them');
  if ((s.tlsCert === undefined) !== (s.tlsKey === undefined)) throw new Error(s.tlsCert === undefined ? '--tls-key needs --tls-cert (the certificate of that key)' : '--tls-cert needs --tls-key (the private key of that certificate)');
  return s;
}

/** True for addresses only this machine can reach (the admin API is open there without a token). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

/** The flags of `mockgraph serve`: one per setting (a list setting is repeatable, one without a value name is a switch), and --config. */
export function serveFlags(): FlagSpecs {
  const flags: Record<string, FlagSpecs[string]> = {};
  for (const s of SETTINGS) flags[s.flag] = s.valueName === '' ? { type: 'boolean', description: s.description } : { type: 'string', multiple: Array.isArray(s.default), valueName: s.valueName, description: s.description };
  flags.config = { type: 'string', valueName: 'FILE', description: 'read settings from FILE (default: ./mockgraph.config.json when present)' };
  return flags;
}

/** The `--help` text of `mockgraph serve`, defaults included. */
export function serveHelp(): string {
  const rows = SETTINGS.map((s) => {
    const flag = `--${s.flag}${s.valueName ? ` ${s.valueName}` : ''}`;
    return `  ${flag.padEnd(30)} ${s.description}\n  ${''.padEnd(30)} default: ${s.shownDefault}; env ${s.env}`;
  });
  return [
    'mockgraph serve [options]',
    '',
    'Serves the Graph mock under http://HOST:PORT/beta (and /v1.0), or https:// with --https: every entity set of its schemas.',
    'Settings come from flags, then MOCKGRAPH_* environment variables, then mockgraph.config.json',
    '(or --config FILE), then the defaults below.',
    '',
    ...rows,
    `  ${'--config FILE'.padEnd(30)} read settings from FILE (default: ./mockgraph.config.json when present)`,
    `  ${'--help'.padEnd(30)} this text (also -h)`,
    '',
  ].join('\n');
}
