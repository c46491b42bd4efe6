import { StoreUnavailableError } from '../store';

/** Raised when the database cannot be served: unreachable past the start-up timeout, or of a newer schema. */
export class DatabaseError extends Error {}

/** How long a client is asked to wait while the database is unreachable: it usually returns within seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** SQLSTATE classes and codes that mean "the database is not there now", not "this request is wrong". */
const UNAVAILABLE_STATES = [/^08/, /^57P0[1-4]$/, /^53300$/, /^58/];
/** Node's socket errors on the way to the database. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** The driver's own messages for a lost or refused connection (it gives them no code). */
const DRIVER_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|Connection ended|Query read timeout|Client was closed/i;

/** Whether an error of the pg driver means the database cannot be reached now (a retry later may succeed). */
export function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || UNAVAILABLE_STATES.some((state) => state.test(code)))) return true;
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

/** SQLSTATE of a statement stopped by statement_timeout (or a lock wait past it). */
const QUERY_CANCELED = '57014';
/** The pool's message when every connection stayed busy for the whole connection timeout. */
const POOL_BUSY = /timeout exceeded when trying to connect/i;

/**
 * Whether the database is there but too busy to answer in time: every connection of the pool busy, or a write
 * that waited past the statement timeout (a lock held by a reset). A 503 too, but health stays ready.
 */
export function isBusy(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  return (err as { code?: unknown }).code === QUERY_CANCELED || POOL_BUSY.test(String((err as { message?: unknown }).message));
}

/** The error a database operation is rethrown as: StoreUnavailableError (a 503) when the database is not there. */
export function storeError(err: unknown, where: string): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (isBusy(err)) return new StoreUnavailableError(`the PostgreSQL database at ${where} is too busy to answer in time (${String((err as { code?: unknown }).code ?? 'every connection in use')})`, 1, 'store');
  if (!isUnavailable(err)) return err;
  const detail = (err as { code?: unknown }).code ?? (err as Error).message;
  return new StoreUnavailableError(`the PostgreSQL database at ${where} cannot be reached (${String(detail)})`, DATABASE_RETRY_AFTER_SECONDS, 'store');
}

/** Query parameters of a connection URL that carry a credential (libpq's and the driver's names). */
const SECRET_PARAMETERS = /^(password|pass|pwd|sslpassword|sslkey|sslcert|sslrootcert)$/i;

/** The URL with its password replaced (in the user part and in the query): what logs, health and errors may show. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    for (const name of [...u.searchParams.keys()]) if (SECRET_PARAMETERS.test(name)) u.searchParams.set(name, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** host:port/database of a URL: the short form error messages name. */
export function databaseName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
