import type { ErrorRequestHandler, Response } from 'express';
import type { GraphErrorBody } from '../../../generated/graph';
import { storeUnavailable } from '../graph/entity-operations';
import { GraphError } from '../graph/errors';
import { StoreUnavailableError } from '../store/store';
import type { AppDeps } from '../options';
import { requestContext } from './context';
import { noteError } from './request-log';
import { send } from './respond';

/** Graph's `innerError.date`: UTC, seconds precision, no offset. */
function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** A zlib failure while inflating a `Content-Encoding: gzip|deflate|br` body: the client's bytes were not what they said. */
function isDecompressionError(err: { code?: unknown; errno?: unknown }): boolean {
  return typeof err.code === 'string' && /^(Z_|ERR_BROTLI|ERR__ERROR)/.test(err.code);
}

/** body-parser's failures, as Graph would phrase them. */
function fromBodyParser(err: { type?: unknown; message?: unknown; code?: unknown }): GraphError | undefined {
  if (isDecompressionError(err)) return new GraphError('BadRequest', 'The request body could not be decompressed: it does not match its Content-Encoding.');
  switch (err.type) {
    case 'entity.parse.failed':
      return new GraphError('BadRequest', `Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. (${String(err.message)})`);
    case 'entity.too.large':
      return new GraphError('RequestEntityTooLarge', 'The request body is larger than the limit this service accepts.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GraphError('RequestBodyRead', `Unsupported request body encoding: ${String(err.message)}`);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new GraphError('BadRequest', 'The request body could not be read.');
    default:
      return undefined;
  }
}

/** Writes a Graph error body; the only writer of error responses. */
export function writeGraphError(res: Response, deps: AppDeps, err: GraphError): void {
  const ctx = requestContext(res);
  noteError(res, err.code, err.message);
  const body: GraphErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      innerError: { date: graphDate(deps.now()), 'request-id': ctx.requestId, 'client-request-id': ctx.clientRequestId },
    },
  };
  send(res, { status: err.status, headers: { ...err.headers }, json: body });
}

/** The one error boundary: GraphErrors go out as they are, anything else as a 500 without details. */
export function graphErrorHandler(deps: AppDeps): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let graphError = err instanceof GraphError ? err : err instanceof StoreUnavailableError ? storeUnavailable(err) : undefined;
    if (!graphError && typeof err === 'object' && err !== null) graphError = fromBodyParser(err);
    if (!graphError) {
      deps.logError(`mockgraph: unexpected error (request-id ${requestContext(res).requestId}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      graphError = new GraphError('InternalServerError', 'An internal error occurred in mockgraph; see its log for this request-id.');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    writeGraphError(res, deps, graphError);
  };
}
