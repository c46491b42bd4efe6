import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Express, Request, RequestHandler, Response } from 'express';
import { GraphError } from '../graph/errors';
import { negotiateMetadata } from '../odata/format';
import { EVALUATION_DEADLINE_MS } from '../odata/query/limits';
import { SERVICE_VERSIONS } from '../odata/resource-path';
import type { ServiceVersion } from '../odata/resource-path';
import type { AppDeps } from '../options';
import type { BatchStep } from './batch-payload';
import { readBatchPayload } from './batch-payload';
import { parseJsonBody, requireJsonBody } from './body';
import { requestContext } from './context';
import { graphErrorHandler } from './error-handler';
import { assignRequestIds, HEADER } from './headers';
import type { ExchangeRequest, ExchangeResult } from './in-memory-exchange';
import { exchange } from './in-memory-exchange';
import { messageClassesOf } from './message-classes';
import { send } from './respond';
import { DEFAULT_TIMEOUTS } from './server';

/** How long one request of a batch may run: past the query deadline, so a queued query still answers its own 503. */
export const BATCH_REQUEST_TIMEOUT_MS = EVALUATION_DEADLINE_MS + 5_000;
/** How long a whole batch may run (the server's request timeout); requests not begun by then are answered 504 unrun. */
export const BATCH_DEADLINE_MS = DEFAULT_TIMEOUTS.requestTimeout;

/** One entry of the batch response. @see https://learn.microsoft.com/graph/json-batching#processing-the-json-batch-response */
export interface BatchResponseItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const BATCH_PATH = /^\/([^/]+)\/(?:\$|%24)batch\/?$/i;
/** Inner response headers a batch passes on, spelled as Graph spells them; framing and per-connection ones are not. */
const RETURNED_HEADERS = new Map(
  [HEADER.contentType, HEADER.odataVersion, HEADER.location, HEADER.odataEntityId, HEADER.preferenceApplied, HEADER.retryAfter, HEADER.wwwAuthenticate, HEADER.allow, HEADER.cacheControl, HEADER.etag].map((h) => [h.toLowerCase(), h]),
);
/** The requests this module dispatched, recognised when they come back through the app. */
const INNER_REQUESTS = new WeakSet<IncomingMessage>();

function batchVersion(path: string): ServiceVersion | undefined {
  const segment = BATCH_PATH.exec(path)?.[1]?.toLowerCase();
  return SERVICE_VERSIONS.find((v) => v.toLowerCase() === segment);
}

/** body.ts's Content-Type check and JSON parser (with its limits), run as one step. */
function bodyReader(limitBytes: number): (req: Request, res: Response) => Promise<void> {
  const checkType = requireJsonBody();
  const parse = parseJsonBody(limitBytes);
  return (req, res) =>
    new Promise((resolve, reject) => {
      const done = (err?: unknown) => (err ? reject(err) : resolve());
      try {
        checkType(req, res, (err?: unknown) => (err ? reject(err) : parse(req, res, done)));
      } catch (err) {
        reject(err);
      }
    });
}

/** Answers a request that is not run (a failed dependency, no time left) with the one error handler, in memory. */
function refusals(deps: AppDeps): (error: GraphError, request: ExchangeRequest) => Promise<ExchangeResult> {
  const errors = new WeakMap<IncomingMessage, GraphError>();
  const answer = express();
  answer.disable('x-powered-by');
  answer.set('etag', false);
  answer.use(assignRequestIds(deps));
  answer.use((req, _res, next) => next(errors.get(req)));
  answer.use(graphErrorHandler(deps));
  return (error, request) => {
    const { [HEADER.contentLength.toLowerCase()]: _length, ...headers } = request.headers;
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      errors.set(req, error);
      answer(req, res);
    };
    return exchange(listener, { ...request, headers, body: undefined }, BATCH_REQUEST_TIMEOUT_MS, undefined, messageClassesOf(answer));
  };
}

/** The request as the app sees it: below the batch's version root, with the batch's Host and token. */
function innerRequest(step: BatchStep, version: ServiceVersion, outer: Request, clientRequestId: string): ExchangeRequest {
  const headers = Object.assign(Object.create(null) as Record<string, string>, step.headers);
  headers[HEADER.host.toLowerCase()] = outer.headers.host ?? 'localhost';
  if (outer.headers.authorization !== undefined) headers[HEADER.authorization.toLowerCase()] = outer.headers.authorization;
  headers[HEADER.clientRequestId] ??= clientRequestId;
  if (step.body) headers[HEADER.contentLength.toLowerCase()] = String(step.body.length);
  const encrypted = (outer.socket as { encrypted?: boolean }).encrypted === true;
  return { method: step.method, url: `/${version}${step.url}`, headers, body: step.body, encrypted, remoteAddress: outer.socket.remoteAddress };
}

/** A body as the batch response carries it: parsed JSON, text, or base64url for other media types. @see OData JSON Format v4.01 §19.2 */
function responseBody(body: Buffer, contentType: string | undefined): unknown {
  const media = (contentType?.split(';', 1)[0] ?? '').trim().toLowerCase();
  const text = body.toString('utf8');
  if (media === 'application/json' || media.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return media.startsWith('text/') || media.endsWith('xml') ? text : body.toString('base64url');
}

function responseItem(id: string, result: ExchangeResult): BatchResponseItem {
  if (result.kind !== 'answered') return { id, status: 500, headers: {} };
  const headers: Record<string, string> = {};
  for (const [name, value] of result.headers) {
    const graphName = RETURNED_HEADERS.get(name.toLowerCase());
    if (graphName) headers[graphName] = headers[graphName] === undefined ? value : `${headers[graphName]}, ${value}`;
  }
  const item: BatchResponseItem = { id, status: result.status, headers };
  if (result.body.length > 0) item.body = responseBody(result.body, headers[HEADER.contentType]);
  return item;
}

const statusOf = (result: ExchangeResult) => (result.kind === 'answered' ? result.status : 500);

/**
 * `POST /{version}/$batch`: Graph's JSON batching. Each inner request is dispatched through `app` itself, so it gets
 * the same treatment as a top-level one. @see https://learn.microsoft.com/graph/json-batching
 */
export function jsonBatch(deps: AppDeps, app: () => Express): RequestHandler {
  const readBody = bodyReader(deps.bodyLimitBytes);
  const refuse = refusals(deps);
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    INNER_REQUESTS.add(req);
    app()(req, res);
  };

  /** Runs the requests in array order, which respects every dependsOn; stops starting new ones if the client goes. */
  async function run(steps: BatchStep[], version: ServiceVersion, req: Request, res: Response, gone: AbortSignal): Promise<BatchResponseItem[]> {
    const deadline = performance.now() + BATCH_DEADLINE_MS;
    const statuses = new Map<string, { id: string; status: number }>();
    const out: BatchResponseItem[] = [];
    for (const step of steps) {
      if (gone.aborted) break;
      const inner = innerRequest(step, version, req, requestContext(res).clientRequestId);
      const failed = step.dependsOn.map((key) => statuses.get(key)).find((s) => s !== undefined && s.status >= 400);
      const left = deadline - performance.now();
      let result: ExchangeResult;
      if (failed) {
        result = await refuse(new GraphError('FailedDependency', `Request ${step.id} was not run: it depends on request ${failed.id}, which failed with status ${failed.status}.`), inner);
      } else if (left <= 0) {
        result = await refuse(new GraphError('GatewayTimeout', `Request ${step.id} was not run: the batch used up its ${BATCH_DEADLINE_MS / 1000}-second budget before it.`), inner);
      } else {
        result = await exchange(dispatch, inner, Math.min(BATCH_REQUEST_TIMEOUT_MS, left), gone, messageClassesOf(app()));
        if (result.kind === 'timed-out') result = await refuse(new GraphError('GatewayTimeout', `Request ${step.id} was not answered within ${Math.round(Math.min(BATCH_REQUEST_TIMEOUT_MS, left))} ms and was abandoned.`), inner);
        else if (result.kind === 'broken' && !gone.aborted) result = await refuse(new GraphError('InternalServerError', `The response to request ${step.id} broke off; see mockgraph's log.`), inner);
      }
      statuses.set(step.key, { id: step.id, status: statusOf(result) });
      out.push(responseItem(step.id, result));
    }
    return out;
  }

  return (req, res, next) => {
    const version = batchVersion(req.path);
    if (!version) return next();
    // A batch holds requests, not batches. @see https://microsoftgraph.github.io/msgraph-sdk-design/content/BatchRequestContent.html
    if (INNER_REQUESTS.has(req)) throw new GraphError('BadRequest', 'A request inside a batch cannot itself be a $batch request.');
    if (req.method !== 'POST') throw new GraphError('MethodNotAllowed', `The HTTP method '${req.method}' is not allowed on $batch; allowed: POST.`, { [HEADER.allow]: 'POST' });
    if (!negotiateMetadata(req.get(HEADER.accept))) throw new GraphError('NotAcceptable', `This service answers application/json; the Accept header '${req.get(HEADER.accept) ?? ''}' admits no JSON response.`);
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) gone.abort();
    };
    res.once('close', onClose);
    return readBody(req, res)
      .then(() => run(readBatchPayload(req.body), version, req, res, gone.signal))
      .then((responses) => {
        if (!gone.signal.aborted) send(res, { status: 200, json: { responses } });
      })
      .finally(() => res.off('close', onClose));
  };
}
