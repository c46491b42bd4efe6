import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { GraphErrorBody } from '../../../generated/graph';
import { GRAPH_ERROR_CATALOG } from '../graph/errors';
import type { KeyPair } from '../tls/certificates';
import { messageClassesFor } from './message-classes';

/** The longest request URL served; longer ones get 414. */
export const MAX_URL_LENGTH = 8192;
/** All request headers together, at most (Node's default is 16 KiB; a long URL must reach the 414 check). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The most connections served at once; more are refused by the socket layer until some close. */
export const MAX_CONNECTIONS = 1024;

/** Timeouts against slow clients. */
export interface ServerTimeouts {
  /** Headers must arrive within this (ms). */
  headersTimeout: number;
  /** A whole request must arrive within this (ms). */
  requestTimeout: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveTimeout: number;
}

/** The timeouts `mockgraph serve` uses. */
export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

/** A raw Graph error for failures the HTTP parser sees before Express does (431, malformed requests). */
function rawGraphError(status: number, code: string, message: string): string {
  const id = globalThis.crypto.randomUUID();
  const body: GraphErrorBody = { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': id, 'client-request-id': id } } };
  const json = JSON.stringify(body);
  return [`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`, 'Content-Type: application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8', `Content-Length: ${Buffer.byteLength(json)}`, `request-id: ${id}`, 'Connection: close', '', json].join('\r\n');
}

/**
 * The HTTP server around the app (main.ts listens on it), or with `tls` an HTTPS-only server with the same limits:
 * header room for long URLs to reach the 414 check, timeouts checked every second (the TLS handshake's included),
 * Graph error bodies even for requests Node's parser refuses.
 */
export function createMockServer(app: RequestListener, timeouts: ServerTimeouts = DEFAULT_TIMEOUTS, tls?: KeyPair): Server {
  // An Express app's requests and responses are made with its prototypes in place (see message-classes.ts).
  const messages = messageClassesFor(app);
  const options = { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 1000, ...messages, ...timeouts };
  // A handshake is bounded like the headers are, so a client that opens TLS and stalls cannot hold a connection.
  const server = tls === undefined ? createServer(options, app) : createTlsServer({ ...options, cert: tls.cert, key: tls.key, handshakeTimeout: timeouts.headersTimeout }, app);
  // A failed handshake (plain HTTP on the TLS port, an untrusted certificate, a port scan) is the client's problem:
  // the connection is closed, nothing is logged, and the server goes on.
  if (tls !== undefined) server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (err.code !== 'HPE_HEADER_OVERFLOW' && !String(err.code).startsWith('HPE_'))) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? GRAPH_ERROR_CATALOG.RequestHeaderFieldsTooLarge.status : 400;
    socket.end(rawGraphError(status, tooLarge ? 'RequestHeaderFieldsTooLarge' : 'BadRequest', tooLarge ? `The request headers exceed ${MAX_HEADER_BYTES} bytes.` : 'The request is not valid HTTP.'));
  });
  return server;
}
