import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { MessageClasses } from './message-classes';
import { messageClassesFor } from './message-classes';

/** A request to hand to a Node request listener without a network: lower-case header names, the body as bytes. */
export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What `req.socket.encrypted` says, so links are built with the scheme the client used. */
  encrypted: boolean;
  remoteAddress: string | undefined;
}

/** What came back: a whole response, nothing within the time allowed, or a response that broke off. */
export type ExchangeResult = { kind: 'answered'; status: number; headers: Array<[string, string]>; body: Buffer } | { kind: 'timed-out' } | { kind: 'broken' };

/** The listener's side of the connection: what the response writes is kept, nothing is ever read. */
class MemorySocket extends Duplex {
  readonly written: Buffer[] = [];

  constructor(
    readonly encrypted: boolean,
    readonly remoteAddress: string | undefined,
  ) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // A copy: once written, a body's buffer may carry another response (http/page-buffers.ts).
    this.written.push(Buffer.from(chunk));
    done();
  }
}

/** The body of a `Transfer-Encoding: chunked` message. @see RFC 9112 §7.1 */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    const size = eol < 0 ? 0 : parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Splits the bytes a ServerResponse wrote into its header fields and its body. */
function readResponse(raw: Buffer, status: number): ExchangeResult {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { kind: 'broken' };
  const headers = raw
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n')
    .slice(1)
    .map((line): [string, string] => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]);
  const chunked = headers.some(([name, value]) => name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(value));
  const body = raw.subarray(end + 4);
  return { kind: 'answered', status, headers, body: chunked ? dechunk(body) : body };
}

/**
 * Runs one request through a Node request listener (an Express app) in memory: an IncomingMessage and a
 * ServerResponse over a socket that only records. Settles when the response ends, breaks off, `signal`
 * aborts, or `timeoutMs` passes; a request left unanswered is destroyed, so its handler sees the client go.
 */
export function exchange(listener: (req: IncomingMessage, res: ServerResponse) => void, request: ExchangeRequest, timeoutMs: number, signal?: AbortSignal, classes?: MessageClasses): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const socket = new MemorySocket(request.encrypted, request.remoteAddress);
    // An Express app's requests are made with its prototypes in place, as its server makes them (message-classes.ts);
    // a listener that hands requests to an app names the app's classes.
    const made = classes ?? messageClassesFor(listener) ?? { IncomingMessage, ServerResponse };
    const req = new made.IncomingMessage(socket as unknown as Socket);
    req.method = request.method;
    req.url = request.url;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req.headers = request.headers;
    req.rawHeaders = Object.entries(request.headers).flat();
    const res = new made.ServerResponse(req);
    res.assignSocket(socket as unknown as Socket);
    // Nothing is on a wire: a write after the end of an abandoned response must not become an unhandled 'error'.
    req.on('error', () => {});
    res.on('error', () => {});
    let settled = false;
    const settle = (result: () => ExchangeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abandon);
      const out = result();
      if (out.kind !== 'answered') res.destroy();
      socket.destroy();
      resolve(out);
    };
    const abandon = () => settle(() => ({ kind: 'broken' }));
    const timer = setTimeout(() => settle(() => ({ kind: 'timed-out' })), timeoutMs);
    const finished = () => readResponse(Buffer.concat(socket.written), res.statusCode);
    res.once('finish', () => settle(finished));
    res.once('close', () => settle(() => (res.writableFinished ? finished() : { kind: 'broken' })));
    if (signal?.aborted) return abandon();
    signal?.addEventListener('abort', abandon, { once: true });
    if (request.body && request.body.length > 0) req.push(request.body);
    req.push(null);
    req.complete = true;
    try {
      listener(req, res);
    } catch {
      abandon();
    }
  });
}
