import { randomUUID } from 'node:crypto';
import type { GraphDefinition } from './graph/registry';
import { loadGraphDefinition } from './graph/registry';
import type { AuthMode } from './graph/access-token';
import type { CustomOperation } from './graph/bound-operations';
import type { ValidationProfile } from './graph/validate';
import { createMemoryStore } from './store/memory-store';
import type { EntityStore } from './store/store';
import { prepareSeeds } from './graph/seed';
import type { PreparedSeed, SeedInput } from './graph/seed';
import { QueryCursors } from './odata/query/cursors';
import { DEFAULT_PAGE_SIZE } from './odata/query/execute';
import { EVALUATION_BUDGET_MS } from './odata/query/limits';

/** What `createApp` accepts; every field has a default suited to offline development. */
export interface AppOptions {
  /** Custom semantics of bound operations (`--operations DIR`), by entity set and operation name (default: none). */
  operations?: readonly CustomOperation[];
  /** Folders of extra (imported) schemas served besides schemas/ (default: none). */
  schemaDirs?: readonly string[];
  /** Where entities live (default: a new in-memory store). */
  store?: EntityStore;
  /** The create/update contract (default `doc`, the documentation page's). */
  validation?: ValidationProfile;
  /** How requests are authenticated (default `bearer`: any non-empty bearer token). */
  auth?: AuthMode;
  /** With `auth: 'jwt'`: the HS256 secret that signatures are verified with (default: tokens are only decoded). */
  jwtSecret?: string;
  /** Origins allowed by CORS (default: loopback origins only, `http(s)://localhost|127.0.0.1|[::1]` on any port); `'*'` allows any. */
  corsOrigins?: readonly string[];
  /** Extra `Host` header values answered besides loopback names and IP literals (`'*'`: any, no DNS-rebinding check). */
  allowedHosts?: readonly string[];
  /** The most entities one entity set may hold (default 100,000). */
  maxEntities?: number;
  /** The most stored JSON, in bytes, of all entity sets together (default 256 MiB). */
  maxDataBytes?: number;
  /** The evaluation time one query may spend before it is stopped with a 400 (default 1,000 ms). */
  queryBudgetMs?: number;
  /** When set, every admin route but /health needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Refuse admin routes but /health (the CLI sets this on a network address without an admin token). */
  adminLocked?: boolean;
  /** The server-driven page size of collections (default 100). */
  pageSize?: number;
  /** The request-body size limit (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Fixed `scheme://host[:port]` for links; by default taken from each request's Host header. */
  publicOrigin?: string;
  /**
   * Entities each entity set starts with when it is empty, and returns to on reset (default: none), validated
   * first: an object keyed by entity-set path, or an array (for a service with one entity set, or whose records
   * each name their type with `@odata.type`).
   */
  seed?: SeedInput | PreparedSeed;
  /** Serve the admin API and inspector page under /_mockgraph (default true). */
  admin?: boolean;
  /** How many recent requests /_mockgraph/requests keeps (default 200); their headers and bodies are bounded in bytes too. */
  requestLogSize?: number;
  /** Called once per finished request (the CLI prints these as JSON lines). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Simulated trouble for testing a client's resilience (default: none). */
  chaos?: ChaosOptions;
  /** Describes where the data lives, for /_mockgraph/health (default: "memory"). */
  storeDescription?: string;
  /** The clock (tests fix it). */
  now?: () => Date;
  /** The id generator for new entities and request ids (tests fix it). */
  newId?: () => string;
  /** Where unexpected faults are reported (default: stderr). */
  logError?: (message: string) => void;
  /** Where notable events (a reset of the data) are reported (default: stderr). */
  logNotice?: (message: string) => void;
}

/** One finished request, as /_mockgraph/requests and the request log show it. */
export interface RequestLogEntry {
  /** Its number in the log (1, 2, …), for `GET /_mockgraph/requests/{id}`. */
  id: number;
  time: string;
  'request-id': string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The Graph error code, when the answer was an error. */
  error?: string;
  /** The error message (validation messages included). */
  message?: string;
}

/** `--latency`, `--fail-rate`, `--throttle`, and the random source that makes them reproducible. */
export interface ChaosOptions {
  latency?: { min: number; max: number };
  failRate?: number;
  throttle?: { limit: number; seconds: number };
  random?: () => number;
}

/** Options with every default filled in, plus the loaded Graph definition. */
export interface AppDeps extends Required<Omit<AppOptions, 'publicOrigin' | 'jwtSecret' | 'corsOrigins' | 'seed' | 'onRequest' | 'adminToken'>> {
  publicOrigin: string | undefined;
  jwtSecret: string | undefined;
  adminToken: string | undefined;
  /** Explicit CORS origins; undefined means the loopback default. */
  corsOrigins: readonly string[] | undefined;
  onRequest: ((entry: RequestLogEntry) => void) | undefined;
  /** The validated seed, in stored form: entity-set path → entities. */
  seed: PreparedSeed;
  graph: GraphDefinition;
  cursors: QueryCursors;
}

/** The default body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** The default bound on one entity set. */
export const DEFAULT_MAX_ENTITIES = 100_000;
/** The default bound on all stored JSON: 256 MiB. */
export const DEFAULT_MAX_DATA_BYTES = 256 * 1024 * 1024;

/** Fills in defaults; the only place they are decided. */
export function resolveDeps(options: AppOptions = {}): AppDeps {
  const now = options.now ?? (() => new Date());
  const graph = loadGraphDefinition(options.schemaDirs ?? []);
  const validation = options.validation ?? 'doc';
  return {
    store: options.store ?? createMemoryStore(),
    validation,
    seed: options.seed instanceof Map ? options.seed : prepareSeeds(options.seed as SeedInput | undefined, graph, validation),
    admin: options.admin ?? true,
    requestLogSize: options.requestLogSize ?? 200,
    onRequest: options.onRequest,
    chaos: options.chaos ?? {},
    storeDescription: options.storeDescription ?? 'memory',
    auth: options.auth ?? 'bearer',
    jwtSecret: options.jwtSecret,
    corsOrigins: options.corsOrigins && options.corsOrigins.length > 0 ? options.corsOrigins : undefined,
    allowedHosts: options.allowedHosts ?? [],
    maxEntities: options.maxEntities ?? DEFAULT_MAX_ENTITIES,
    maxDataBytes: options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
    adminToken: options.adminToken,
    queryBudgetMs: options.queryBudgetMs ?? EVALUATION_BUDGET_MS,
    adminLocked: options.adminLocked ?? false,
    schemaDirs: options.schemaDirs ?? [],
    operations: options.operations ?? [],
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    publicOrigin: options.publicOrigin,
    now,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    cursors: new QueryCursors(now),
    newId: options.newId ?? randomUUID,
    logError: options.logError ?? ((message) => process.stderr.write(message + '\n')),
    logNotice: options.logNotice ?? ((message) => process.stderr.write(message + '\n')),
    graph,
  };
}
